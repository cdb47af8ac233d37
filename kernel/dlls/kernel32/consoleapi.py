"""consoleapi.h / processenv.h std handles: GetStdHandle, WriteConsole, ReadConsole, console modes."""
from kernel.io.console import console_kind, console_read, console_write
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
    """Windows 7's console knows ENABLE_PROCESSED_OUTPUT and ENABLE_WRAP_AT_EOL_OUTPUT for a screen
    buffer and the input modes up to ENABLE_AUTO_POSITION (0x1F7) for the input buffer; another bit
    (ENABLE_VIRTUAL_TERMINAL_PROCESSING came with Windows 10) fails with ERROR_INVALID_PARAMETER."""
    kind = console_kind(ctx.process, hConsoleHandle)
    if kind is None:
        ctx.set_last_error(6)
        return 0
    if dwMode & ~(0x1F7 if kind == "input" else 0x3):
        ctx.set_last_error(87)
        return 0
    return 1


@export
def GetConsoleCP(ctx) -> UINT:
    return 437


@export
def GetConsoleOutputCP(ctx) -> UINT:
    return 437


# -- control events: SetConsoleCtrlHandler, GenerateConsoleCtrlEvent, CtrlRoutine ------------------------
#
# Each process keeps its handler list (called last registered first); a NULL handler sets or clears the
# "ignore Ctrl+C" bit, which Windows keeps in RTL_USER_PROCESS_PARAMETERS.ConsoleFlags and children
# inherit.  An event is delivered as the console does it: a new thread in every process attached to the
# console (of the group named, or all of them for group 0) starts at kernel32!CtrlRoutine.

CTRL_C_EVENT, CTRL_BREAK_EVENT = 0, 1
CONSOLE_IGNORE_CTRL_C = 0x1
STATUS_CONTROL_C_EXIT = 0xC000013A
ERROR_INVALID_PARAMETER = 87


def console_flags_address(process) -> int:
    return process.params + process.structs.RTL_USER_PROCESS_PARAMETERS.offsetof("ConsoleFlags")


def process_group(process) -> int:
    """The console process group: the process's own PID for the first process and for one created with
    CREATE_NEW_PROCESS_GROUP, else its parent's group."""
    return getattr(process, "process_group", process.pid)


@export
def SetConsoleCtrlHandler(ctx, HandlerRoutine: LPVOID, Add: BOOL) -> BOOL:
    process = ctx.process
    if not HandlerRoutine:
        flags = ctx.read_u32(console_flags_address(process))
        flags = flags | CONSOLE_IGNORE_CTRL_C if Add else flags & ~CONSOLE_IGNORE_CTRL_C
        ctx.write_u32(console_flags_address(process), flags)
        return 1
    handlers = process.__dict__.setdefault("console_ctrl_handlers", [])
    if Add:
        handlers.append(HandlerRoutine)
        return 1
    for i in range(len(handlers) - 1, -1, -1):
        if handlers[i] == HandlerRoutine:
            del handlers[i]
            return 1
    ctx.set_last_error(ERROR_INVALID_PARAMETER)
    return 0


def _ctrl_routine_address(process) -> int:
    for base, section in process.mapped_images.items():
        synth = getattr(section, "synthesized", None)
        if synth is not None and synth.spec.name.lower() == "kernel32.dll":
            return base + synth.exports["CtrlRoutine"]
    return 0


@export
def GenerateConsoleCtrlEvent(ctx, dwCtrlEvent: DWORD, dwProcessGroupId: DWORD) -> BOOL:
    """CTRL_C_EVENT or CTRL_BREAK_EVENT to the processes attached to the caller's console: all of them
    for group 0, else those of that group (a CTRL_C_EVENT to a group succeeds but reaches nobody)."""
    from kernel.ps.create_process import create_thread
    kernel = ctx.kernel
    if dwCtrlEvent not in (CTRL_C_EVENT, CTRL_BREAK_EVENT):
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    if not getattr(ctx.process, "console_attached", True):
        ctx.set_last_error(6)            # ERROR_INVALID_HANDLE: no console
        return 0
    if dwCtrlEvent == CTRL_C_EVENT and dwProcessGroupId:
        return 1
    for process in list(kernel.processes):
        if not process.alive or process.terminating or not getattr(process, "console_attached", True):
            continue
        if dwProcessGroupId and process_group(process) != dwProcessGroupId:
            continue
        routine = _ctrl_routine_address(process)
        if routine and process.ldr is not None:
            create_thread(kernel, process, routine, dwCtrlEvent)
    return 1


@export
def CtrlRoutine(ctx, lpThreadParameter: LPVOID) -> DWORD:
    """The thread a console control event starts: the handlers, last registered first, until one returns
    TRUE; none did (or none is registered): the default handler ends the process with
    STATUS_CONTROL_C_EXIT.  Ctrl+C is not given to a process that ignores it."""
    from ..ntdll.thread import exit_process
    from kernel.ke.dispatch import GuestCall
    process = ctx.process
    ctrl_type = lpThreadParameter
    if ctrl_type == CTRL_C_EVENT and ctx.read_u32(console_flags_address(process)) & CONSOLE_IGNORE_CTRL_C:
        return 0
    for handler in reversed(list(getattr(process, "console_ctrl_handlers", ()))):
        handled = yield GuestCall(handler, (ctrl_type,), f"console control handler {ctrl_type}")
        if handled:
            return 0
    yield from exit_process(ctx, STATUS_CONTROL_C_EXIT)
    return 0


@export
def GetConsoleScreenBufferInfo(ctx, hConsoleOutput: HANDLE, lpConsoleScreenBufferInfo: PVOID) -> BOOL:
    """Windows 7's default console: an 80x300 buffer, an 80x25 window at the top, grey on black,
    the cursor at the origin.  An input or non-console handle: ERROR_INVALID_HANDLE."""
    kind = console_kind(ctx.process, hConsoleOutput)
    if kind is None or kind == "input":
        ctx.set_last_error(6)
        return 0
    import struct
    attributes = getattr(ctx.kernel, "console_attributes", 0x07)      # SetConsoleTextAttribute's
    ctx.write(lpConsoleScreenBufferInfo, struct.pack("<hhhhHhhhhhh", 80, 300, 0, 0, attributes, 0, 0, 79, 24, 80, 25))
    return 1
