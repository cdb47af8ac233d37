"""consoleapi.h / processenv.h std handles: GetStdHandle, WriteConsole, ReadConsole, console modes."""
from ...console import console_kind, console_read, console_write
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPDWORD, LPVOID, UINT, LPCVOID, PVOID

STD_HANDLES = {0xFFFFFFF6: "StandardInput", 0xFFFFFFF5: "StandardOutput", 0xFFFFFFF4: "StandardError"}
INVALID_HANDLE_VALUE = 0xFFFFFFFF


def std_handle(ctx, which: int) -> int:
    S = ctx.process.structs
    field = STD_HANDLES.get(which)
    if field is None:
        return None
    return ctx.read_u32(ctx.process.params + S.RTL_USER_PROCESS_PARAMETERS.offsetof(field))


@export
def GetStdHandle(ctx, nStdHandle: DWORD) -> HANDLE:
    handle = std_handle(ctx, nStdHandle)
    if handle is None:
        ctx.set_last_error(6)
        return INVALID_HANDLE_VALUE
    return handle


@export
def SetStdHandle(ctx, nStdHandle: DWORD, hHandle: HANDLE) -> BOOL:
    field = STD_HANDLES.get(nStdHandle)
    if field is None:
        ctx.set_last_error(6)
        return 0
    S = ctx.process.structs
    ctx.write_u32(ctx.process.params + S.RTL_USER_PROCESS_PARAMETERS.offsetof(field), hHandle)
    return 1


def _console(ctx, handle: int, output: bool):
    kind = console_kind(ctx.process, handle)
    if kind is None or (kind == "input") == output:
        ctx.set_last_error(6)
        return None
    return kind


@export
def WriteConsoleA(ctx, hConsoleOutput: HANDLE, lpBuffer: LPCVOID, nNumberOfCharsToWrite: DWORD,
                  lpNumberOfCharsWritten: LPDWORD, lpReserved: LPVOID) -> BOOL:
    kind = _console(ctx, hConsoleOutput, True)
    if kind is None:
        return 0
    console_write(ctx.kernel, ctx.process, kind, ctx.read(lpBuffer, nNumberOfCharsToWrite))
    if lpNumberOfCharsWritten:
        ctx.write_u32(lpNumberOfCharsWritten, nNumberOfCharsToWrite)
    return 1


@export
def WriteConsoleW(ctx, hConsoleOutput: HANDLE, lpBuffer: LPCVOID, nNumberOfCharsToWrite: DWORD,
                  lpNumberOfCharsWritten: LPDWORD, lpReserved: LPVOID) -> BOOL:
    kind = _console(ctx, hConsoleOutput, True)
    if kind is None:
        return 0
    text = ctx.read(lpBuffer, 2 * nNumberOfCharsToWrite).decode("utf-16-le", "replace")
    console_write(ctx.kernel, ctx.process, kind, text.encode(ctx.kernel.oem_codepage, "replace"))
    if lpNumberOfCharsWritten:
        ctx.write_u32(lpNumberOfCharsWritten, nNumberOfCharsToWrite)
    return 1


@export
def ReadConsoleA(ctx, hConsoleInput: HANDLE, lpBuffer: LPVOID, nNumberOfCharsToRead: DWORD,
                 lpNumberOfCharsRead: LPDWORD, pInputControl: PVOID) -> BOOL:
    if _console(ctx, hConsoleInput, False) is None:
        return 0
    data = console_read(ctx.kernel, nNumberOfCharsToRead)
    ctx.write(lpBuffer, data)
    if lpNumberOfCharsRead:
        ctx.write_u32(lpNumberOfCharsRead, len(data))
    return 1


@export
def GetConsoleMode(ctx, hConsoleHandle: HANDLE, lpMode: LPDWORD) -> BOOL:
    kind = console_kind(ctx.process, hConsoleHandle)
    if kind is None:
        ctx.set_last_error(6)
        return 0
    ctx.write_u32(lpMode, 0x7 if kind == "input" else 0x3)
    return 1


@export
def SetConsoleMode(ctx, hConsoleHandle: HANDLE, dwMode: DWORD) -> BOOL:
    if console_kind(ctx.process, hConsoleHandle) is None:
        ctx.set_last_error(6)
        return 0
    return 1


@export
def GetConsoleCP(ctx) -> UINT:
    return 437


@export
def GetConsoleOutputCP(ctx) -> UINT:
    return 437
