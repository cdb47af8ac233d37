"""consoleapi.h / processenv.h std handles: GetStdHandle, WriteConsole, ReadConsole, console modes,
input records (ReadConsoleInput, PeekConsoleInput ...), control events."""
import struct

from kernel.io.console import console_kind, console_write
from ...hle.probe import probe
from ...hle.registry import export
from .state import kernel32_state, kernel32_state_or_none
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


# -- input: modes and line editing --------------------------------------------------------------------
#
# The console's input is the bytes the run was given, typed in order: LF (or CR LF, or CR) is the
# Enter key, BS the backspace key.  With ENABLE_LINE_INPUT a read waits for Enter and returns the
# line with CR LF (what is left of a long line comes with the next reads); ENABLE_ECHO_INPUT also
# writes the line to the screen buffer as it is typed.  Without ENABLE_LINE_INPUT a read returns the
# characters there are (at least one while input remains), Enter as CR, no echo.  With no input
# left, a read returns 0 characters (end of input).

ENABLE_PROCESSED_INPUT, ENABLE_LINE_INPUT, ENABLE_ECHO_INPUT = 0x1, 0x2, 0x4
INPUT_MODE_BITS = 0x1FF          # PROCESSED .. AUTO_POSITION (ENABLE_EXTENDED_FLAGS 0x80 included)
OUTPUT_MODE_BITS = 0x3           # ENABLE_PROCESSED_OUTPUT, ENABLE_WRAP_AT_EOL_OUTPUT (Windows 7)
DEFAULT_MODES = {"input": 0x7, "output": 0x3}


def _modes(kernel) -> dict:
    if kernel.console_modes is None:
        kernel.console_modes = dict(DEFAULT_MODES)
    return kernel.console_modes


def console_mode(kernel, kind: str) -> int:
    return _modes(kernel)["input" if kind == "input" else "output"]


def _take_key(kernel) -> str | None:
    """The next key typed: a character, "\r" for Enter, None at the end of input.  Key events a
    ReadConsoleInput left half read come first (their key-down characters)."""
    events = kernel.console_events
    while events:
        down, ch = events.pop(0)
        if down:
            return ch
    return _next_key(kernel)


def _next_key(kernel) -> str | None:
    buf = kernel.stdin_buffer
    if not buf:
        return None
    b = buf[0]
    if b in (0x0A, 0x0D):
        n = 2 if b == 0x0D and len(buf) > 1 and buf[1] == 0x0A else 1
        del buf[:n]
        return "\r"
    # one character of the console's input code page (437: one byte each)
    del buf[:1]
    return bytes([b]).decode(kernel.oem_codepage, "replace")


def read_console_text(ctx, count: int) -> str:
    """What ReadConsole returns, as text (at most `count` characters)."""
    kernel = ctx.kernel
    mode = console_mode(kernel, "input")
    pending = kernel.console_pending_line
    if not mode & ENABLE_LINE_INPUT:
        out = pending
        while len(out) < count:
            key = _take_key(kernel)
            if key is None:
                break
            out += key
        kernel.console_pending_line = out[count:]
        return out[:count]
    if not pending:
        line = []
        while True:
            key = _take_key(kernel)
            if key is None or key == "\r":
                break
            if key == "\b" and mode & ENABLE_PROCESSED_INPUT:
                if line:
                    line.pop()
                continue
            line.append(key)
        ended = key == "\r"
        pending = "".join(line) + ("\r\n" if ended else "")
        if mode & ENABLE_ECHO_INPUT and pending:
            console_write(kernel, ctx.process, "output", pending.encode(kernel.oem_codepage, "replace"))
    kernel.console_pending_line = pending[count:]
    return pending[:count]


# -- input records: ReadConsoleInput, PeekConsoleInput, GetNumberOfConsoleInputEvents -----------------
#
# Each key typed is two KEY_EVENT records, key down then key up, with the US keyboard's virtual-key
# code, scan code and SHIFT_PRESSED for a shifted character.  With no input left a read returns no
# record (end of input) instead of waiting.

KEY_EVENT, SHIFT_PRESSED = 0x1, 0x10
_US_KEYS = {   # character: (virtual-key code, scan code, shifted)
    "\r": (0x0D, 0x1C, False), " ": (0x20, 0x39, False), "\b": (0x08, 0x0E, False), "\t": (0x09, 0x0F, False),
    "\x1b": (0x1B, 0x01, False),
}
for _row, _scans in (("1234567890", range(0x02, 0x0C)), ("qwertyuiop", range(0x10, 0x1A)),
                     ("asdfghjkl", range(0x1E, 0x27)), ("zxcvbnm", range(0x2C, 0x33))):
    for _c, _scan in zip(_row, _scans):
        _US_KEYS[_c] = (ord(_c.upper()), _scan, False)
        if _c.isalpha():
            _US_KEYS[_c.upper()] = (ord(_c.upper()), _scan, True)
for _plain, _shifted, _vk, _scan in (("-", "_", 0xBD, 0x0C), ("=", "+", 0xBB, 0x0D), ("[", "{", 0xDB, 0x1A),
                                     ("]", "}", 0xDD, 0x1B), (";", ":", 0xBA, 0x27), ("'", '"', 0xDE, 0x28),
                                     ("`", "~", 0xC0, 0x29), ("\\", "|", 0xDC, 0x2B), (",", "<", 0xBC, 0x33),
                                     (".", ">", 0xBE, 0x34), ("/", "?", 0xBF, 0x35)):
    _US_KEYS[_plain] = (_vk, _scan, False)
    _US_KEYS[_shifted] = (_vk, _scan, True)
for _c, _digit in zip("!@#$%^&*()", "1234567890"):
    _US_KEYS[_c] = (_US_KEYS[_digit][0], _US_KEYS[_digit][1], True)


def _events(kernel, wanted: int) -> list:
    """At least `wanted` pending (key down, character) events if the input has them."""
    events = kernel.console_events
    while len(events) < wanted:
        key = _next_key(kernel)
        if key is None:
            break
        events += [(True, key), (False, key)]
    return events


def _remaining_keys(kernel) -> int:
    data = bytes(kernel.stdin_buffer)
    return len(data) - data.count(b"\r\n")


def _input_record(down: bool, ch: str, wide: bool, kernel) -> bytes:
    """INPUT_RECORD: EventType, KEY_EVENT_RECORD (bKeyDown, wRepeatCount, wVirtualKeyCode,
    wVirtualScanCode, the character, dwControlKeyState)."""
    vk, scan, shifted = _US_KEYS.get(ch, (0, 0, False))
    if wide:
        char = ord(ch) & 0xFFFF
    else:
        raw = ch.encode(kernel.oem_codepage, "replace")
        char = raw[0] if raw else 0
    return struct.pack("<HHIHHHHI", KEY_EVENT, 0, 1 if down else 0, 1, vk, scan, char,
                       SHIFT_PRESSED if shifted else 0)


def _read_input(ctx, handle: int, out: int, length: int, count_out: int, wide: bool, remove: bool) -> int:
    if _console(ctx, handle, False) is None:
        return 0
    kernel = ctx.kernel
    events = _events(kernel, length)
    taken = events[:length]
    if taken:
        ctx.write(out, b"".join(_input_record(down, ch, wide, kernel) for down, ch in taken))
    if remove:
        del events[:len(taken)]
    ctx.write_u32(count_out, len(taken))
    return 1


@export
@probe
def ReadConsoleInputW(ctx, hConsoleInput: HANDLE, lpBuffer: LPVOID, nLength: DWORD,
                      lpNumberOfEventsRead: LPDWORD) -> BOOL:
    return _read_input(ctx, hConsoleInput, lpBuffer, nLength, lpNumberOfEventsRead, True, True)


@export
@probe
def ReadConsoleInputA(ctx, hConsoleInput: HANDLE, lpBuffer: LPVOID, nLength: DWORD,
                      lpNumberOfEventsRead: LPDWORD) -> BOOL:
    return _read_input(ctx, hConsoleInput, lpBuffer, nLength, lpNumberOfEventsRead, False, True)


@export
@probe
def PeekConsoleInputW(ctx, hConsoleInput: HANDLE, lpBuffer: LPVOID, nLength: DWORD,
                      lpNumberOfEventsRead: LPDWORD) -> BOOL:
    return _read_input(ctx, hConsoleInput, lpBuffer, nLength, lpNumberOfEventsRead, True, False)


@export
@probe
def PeekConsoleInputA(ctx, hConsoleInput: HANDLE, lpBuffer: LPVOID, nLength: DWORD,
                      lpNumberOfEventsRead: LPDWORD) -> BOOL:
    return _read_input(ctx, hConsoleInput, lpBuffer, nLength, lpNumberOfEventsRead, False, False)


@export
@probe
def GetNumberOfConsoleInputEvents(ctx, hConsoleInput: HANDLE, lpcNumberOfEvents: LPDWORD) -> BOOL:
    """The records there are to read: two a key (down, up), Enter counting once for CR LF."""
    if _console(ctx, hConsoleInput, False) is None:
        return 0
    kernel = ctx.kernel
    pending = len(kernel.console_events)
    ctx.write_u32(lpcNumberOfEvents, pending + 2 * _remaining_keys(kernel))
    return 1


@export
def FlushConsoleInputBuffer(ctx, hConsoleInput: HANDLE) -> BOOL:
    """Drops the records already taken from the input and the rest of a line a read left; the input
    still to come (the run's remaining bytes) is not typed yet, so it stays."""
    if _console(ctx, hConsoleInput, False) is None:
        return 0
    kernel = ctx.kernel
    kernel.console_events.clear()
    kernel.console_pending_line = ""
    return 1


@export
@probe
def ReadConsoleW(ctx, hConsoleInput: HANDLE, lpBuffer: LPVOID, nNumberOfCharsToRead: DWORD,
                 lpNumberOfCharsRead: LPDWORD, pInputControl: PVOID) -> BOOL:
    if _console(ctx, hConsoleInput, False) is None:
        return 0
    text = read_console_text(ctx, nNumberOfCharsToRead)
    ctx.write(lpBuffer, text.encode("utf-16-le"))
    if lpNumberOfCharsRead:
        ctx.write_u32(lpNumberOfCharsRead, len(text))
    return 1


@export
@probe
def ReadConsoleA(ctx, hConsoleInput: HANDLE, lpBuffer: LPVOID, nNumberOfCharsToRead: DWORD,
                 lpNumberOfCharsRead: LPDWORD, pInputControl: PVOID) -> BOOL:
    """ReadConsoleW's text in the console's input code page (one byte a character in 437)."""
    if _console(ctx, hConsoleInput, False) is None:
        return 0
    data = read_console_text(ctx, nNumberOfCharsToRead).encode(ctx.kernel.oem_codepage, "replace")
    ctx.write(lpBuffer, data)
    if lpNumberOfCharsRead:
        ctx.write_u32(lpNumberOfCharsRead, len(data))
    return 1


@export
@probe
def GetConsoleMode(ctx, hConsoleHandle: HANDLE, lpMode: LPDWORD) -> BOOL:
    kind = console_kind(ctx.process, hConsoleHandle)
    if kind is None:
        ctx.set_last_error(6)
        return 0
    ctx.write_u32(lpMode, console_mode(ctx.kernel, kind))
    return 1


@export
def SetConsoleMode(ctx, hConsoleHandle: HANDLE, dwMode: DWORD) -> BOOL:
    """The mode of the console's input or of its screen buffer (shared by every process attached).
    Bits Windows 7 does not know, or ENABLE_ECHO_INPUT without ENABLE_LINE_INPUT:
    ERROR_INVALID_PARAMETER."""
    kind = console_kind(ctx.process, hConsoleHandle)
    if kind is None:
        ctx.set_last_error(6)
        return 0
    if kind == "input":
        if dwMode & ~INPUT_MODE_BITS or (dwMode & ENABLE_ECHO_INPUT and not dwMode & ENABLE_LINE_INPUT):
            ctx.set_last_error(ERROR_INVALID_PARAMETER)
            return 0
        _modes(ctx.kernel)["input"] = dwMode
    else:
        if dwMode & ~OUTPUT_MODE_BITS:
            ctx.set_last_error(ERROR_INVALID_PARAMETER)
            return 0
        _modes(ctx.kernel)["output"] = dwMode
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
    return process.process_group or process.pid


@export
def SetConsoleCtrlHandler(ctx, HandlerRoutine: LPVOID, Add: BOOL) -> BOOL:
    process = ctx.process
    if not HandlerRoutine:
        flags = ctx.read_u32(console_flags_address(process))
        flags = flags | CONSOLE_IGNORE_CTRL_C if Add else flags & ~CONSOLE_IGNORE_CTRL_C
        ctx.write_u32(console_flags_address(process), flags)
        return 1
    handlers = kernel32_state(process).console_ctrl_handlers
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
    if not ctx.process.console_attached:
        ctx.set_last_error(6)            # ERROR_INVALID_HANDLE: no console
        return 0
    if dwCtrlEvent == CTRL_C_EVENT and dwProcessGroupId:
        return 1
    for process in list(kernel.processes):
        if not process.alive or process.terminating or not process.console_attached:
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
    state = kernel32_state_or_none(process)
    for handler in reversed(list(state.console_ctrl_handlers if state is not None else ())):
        handled = yield GuestCall(handler, (ctrl_type,), f"console control handler {ctrl_type}")
        if handled:
            return 0
    yield from exit_process(ctx, STATUS_CONTROL_C_EXIT)
    return 0
