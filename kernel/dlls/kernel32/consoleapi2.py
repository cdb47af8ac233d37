"""consoleapi2.h: the console's screen buffer (WriteConsoleOutputA/W put cells into it) and title.

One screen buffer is shared by every process attached to the console (its output and error
handles are the same buffer), Windows 7's default: 80 columns by 300 rows, an 80x25 window, grey
on black (attribute 0x07).  What the programs wrote lands in its cells as the console's processed
output mode puts it there (the cursor advances, wraps at column 80, LF starts a new line, CR returns,
BS steps back, TAB writes blanks up to the next multiple of 8, the buffer scrolls at its last row and the window
follows the cursor); this is worked out from the bytes written when a program next asks the buffer
something, so writing costs nothing more.  The title starts as the path of the program that created
the console (CreateProcess's default, with no STARTUPINFO.lpTitle).
"""
from __future__ import annotations

import struct

from kernel.io.console import console_kind
from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPCSTR, LPCWSTR, LPDWORD, LPSTR, LPWSTR, PVOID, WCHAR, WORD

ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER = 6, 87
WIDTH, HEIGHT, WINDOW_ROWS = 80, 300, 25
DEFAULT_ATTRIBUTES, POPUP_ATTRIBUTES = 0x07, 0xF5
# the legacy 16-colour table (COLORREF 0x00BBGGRR), index = the attribute's colour
COLOR_TABLE = (0x000000, 0x800000, 0x008000, 0x808000, 0x000080, 0x800080, 0x008080, 0xC0C0C0,
               0x808080, 0xFF0000, 0x00FF00, 0xFFFF00, 0x0000FF, 0xFF00FF, 0x00FFFF, 0xFFFFFF)
CSBIEX_SIZE = 96


class ScreenBuffer:
    def __init__(self, kernel):
        self.kernel = kernel
        self.chars = [" "] * (WIDTH * HEIGHT)
        self.attrs = [DEFAULT_ATTRIBUTES] * (WIDTH * HEIGHT)
        self.x = self.y = 0
        self.top = 0                         # the window's first row
        self.attributes = DEFAULT_ATTRIBUTES
        self.seen_out = self.seen_err = 0    # bytes of the console's output already placed
        self.title: str | None = None

    def sync(self) -> None:
        """Place what was written since the last question (output, then error)."""
        k = self.kernel
        out, err = k.console_stdout, k.console_stderr
        if len(out) > self.seen_out:
            self._put(bytes(out[self.seen_out:]))
            self.seen_out = len(out)
        if len(err) > self.seen_err:
            self._put(bytes(err[self.seen_err:]))
            self.seen_err = len(err)

    def _newline(self) -> None:
        self.x = 0
        if self.y + 1 < HEIGHT:
            self.y += 1
        else:                                # scroll the buffer up one row
            del self.chars[:WIDTH], self.attrs[:WIDTH]
            self.chars += [" "] * WIDTH
            self.attrs += [self.attributes] * WIDTH
        if self.y >= self.top + WINDOW_ROWS:
            self.top = self.y - WINDOW_ROWS + 1

    def _put(self, data: bytes) -> None:
        text = data.decode(self.kernel.oem_codepage, "replace")
        for ch in text:
            if ch == "\n":
                self._newline()
            elif ch == "\r":
                self.x = 0
            elif ch == "\b":
                self.x = max(self.x - 1, 0)
            elif ch == "\t":                   # blanks up to the next multiple of 8
                stop = min((self.x // 8 + 1) * 8, WIDTH - 1)
                for x in range(self.x, stop):
                    i = self.y * WIDTH + x
                    self.chars[i], self.attrs[i] = " ", self.attributes
                self.x = stop
            elif ch == "\a":
                continue
            else:
                i = self.y * WIDTH + self.x
                self.chars[i], self.attrs[i] = ch, self.attributes
                self.x += 1
                if self.x >= WIDTH:
                    self._newline()

    def window(self) -> tuple[int, int, int, int]:
        return 0, self.top, WIDTH - 1, self.top + WINDOW_ROWS - 1


def screen(ctx) -> ScreenBuffer:
    kernel = ctx.kernel
    buf = kernel.console_screen
    if buf is None:
        buf = kernel.console_screen = ScreenBuffer(kernel)
    buf.sync()
    return buf


def output_buffer(ctx, handle: int) -> ScreenBuffer | None:
    """The screen buffer of a console output handle; anything else: ERROR_INVALID_HANDLE."""
    kind = console_kind(ctx.process, handle)
    if kind is None or kind == "input":
        ctx.set_last_error(ERROR_INVALID_HANDLE)
        return None
    return screen(ctx)


def _coord(value: int) -> tuple[int, int]:
    x, y = value & 0xFFFF, value >> 16 & 0xFFFF
    return (x - 0x10000 if x & 0x8000 else x), (y - 0x10000 if y & 0x8000 else y)


def _inside(x: int, y: int) -> bool:
    return 0 <= x < WIDTH and 0 <= y < HEIGHT


# -- what the buffer looks like ---------------------------------------------------------------------
def _info(buf: ScreenBuffer) -> bytes:
    """CONSOLE_SCREEN_BUFFER_INFO: dwSize, dwCursorPosition, wAttributes, srWindow, dwMaximumWindowSize."""
    return struct.pack("<hhhhH4hhh", WIDTH, HEIGHT, buf.x, buf.y, buf.attributes, *buf.window(), WIDTH, WINDOW_ROWS)


@export
@probe
def GetConsoleScreenBufferInfo(ctx, hConsoleOutput: HANDLE, lpConsoleScreenBufferInfo: PVOID) -> BOOL:
    buf = output_buffer(ctx, hConsoleOutput)
    if buf is None:
        return 0
    ctx.write(lpConsoleScreenBufferInfo, _info(buf))
    return 1


@export
@probe
def GetConsoleScreenBufferInfoEx(ctx, hConsoleOutput: HANDLE, lpConsoleScreenBufferInfoEx: PVOID) -> BOOL:
    """CONSOLE_SCREEN_BUFFER_INFOEX: cbSize must be its size (96), else ERROR_INVALID_PARAMETER; the
    popup colours (white on magenta), no full-screen mode, the legacy colour table."""
    buf = output_buffer(ctx, hConsoleOutput)
    if buf is None:
        return 0
    if ctx.read_u32(lpConsoleScreenBufferInfoEx) != CSBIEX_SIZE:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    ctx.write(lpConsoleScreenBufferInfoEx + 4, _info(buf) + struct.pack("<HI16I", POPUP_ATTRIBUTES, 0, *COLOR_TABLE))
    return 1


@export
def SetConsoleTextAttribute(ctx, hConsoleOutput: HANDLE, wAttributes: WORD) -> BOOL:
    """The attributes of what is written from now on (the text already there keeps its own)."""
    buf = output_buffer(ctx, hConsoleOutput)
    if buf is None:
        return 0
    buf.attributes = wAttributes & 0xFFFF
    return 1


@export
def SetConsoleCursorPosition(ctx, hConsoleOutput: HANDLE, dwCursorPosition: DWORD) -> BOOL:
    """COORD by value; outside the buffer: ERROR_INVALID_PARAMETER.  A cursor outside the window
    scrolls the window to it."""
    buf = output_buffer(ctx, hConsoleOutput)
    if buf is None:
        return 0
    x, y = _coord(dwCursorPosition)
    if not _inside(x, y):
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    buf.x, buf.y = x, y
    if y < buf.top:
        buf.top = y
    elif y >= buf.top + WINDOW_ROWS:
        buf.top = y - WINDOW_ROWS + 1
    return 1


# -- filling and reading cells ------------------------------------------------------------------------
def _span(length: int, coord: int) -> range:
    """The cells from a coordinate on, row after row, up to the end of the buffer; a coordinate
    outside the buffer has none (the call still succeeds, as the console host answers)."""
    x, y = _coord(coord)
    if not _inside(x, y):
        return range(0)
    start = y * WIDTH + x
    return range(start, min(start + length, WIDTH * HEIGHT))


def _cells_buffer(ctx, handle: int, count_out: int) -> ScreenBuffer | None:
    """output_buffer, and on failure a count of 0 for the caller, as kernel32 leaves it."""
    buf = output_buffer(ctx, handle)
    if buf is None and count_out:
        ctx.write_u32(count_out, 0)
    return buf


def _fill(ctx, handle: int, value, length: int, coord: int, written: int, cells: str) -> int:
    buf = _cells_buffer(ctx, handle, written)
    if buf is None:
        return 0
    span = _span(length, coord)
    target = buf.chars if cells == "chars" else buf.attrs
    for i in span:
        target[i] = value
    if written:
        ctx.write_u32(written, len(span))
    return 1


@export
@probe
def FillConsoleOutputCharacterW(ctx, hConsoleOutput: HANDLE, cCharacter: WCHAR, nLength: DWORD,
                                dwWriteCoord: DWORD, lpNumberOfCharsWritten: LPDWORD) -> BOOL:
    """nLength cells from dwWriteCoord on, row after row, up to the end of the buffer; the count of
    cells written (none from a coordinate outside the buffer).  Not an output handle:
    ERROR_INVALID_HANDLE and a count of 0."""
    return _fill(ctx, hConsoleOutput, chr(cCharacter & 0xFFFF), nLength, dwWriteCoord, lpNumberOfCharsWritten,
                 "chars")


@export
@probe
def FillConsoleOutputCharacterA(ctx, hConsoleOutput: HANDLE, cCharacter: DWORD, nLength: DWORD,
                                dwWriteCoord: DWORD, lpNumberOfCharsWritten: LPDWORD) -> BOOL:
    ch = bytes([cCharacter & 0xFF]).decode(ctx.kernel.oem_codepage, "replace")
    return FillConsoleOutputCharacterW(ctx, hConsoleOutput, ord(ch), nLength, dwWriteCoord, lpNumberOfCharsWritten)


@export
@probe
def FillConsoleOutputAttribute(ctx, hConsoleOutput: HANDLE, wAttribute: WORD, nLength: DWORD,
                               dwWriteCoord: DWORD, lpNumberOfAttrsWritten: LPDWORD) -> BOOL:
    return _fill(ctx, hConsoleOutput, wAttribute & 0xFFFF, nLength, dwWriteCoord, lpNumberOfAttrsWritten, "attrs")


@export
@probe
def ReadConsoleOutputCharacterW(ctx, hConsoleOutput: HANDLE, lpCharacter: LPWSTR, nLength: DWORD,
                                dwReadCoord: DWORD, lpNumberOfCharsRead: LPDWORD) -> BOOL:
    buf = _cells_buffer(ctx, hConsoleOutput, lpNumberOfCharsRead)
    if buf is None:
        return 0
    span = _span(nLength, dwReadCoord)
    text = "".join(buf.chars[i] for i in span)
    ctx.write(lpCharacter, text.encode("utf-16-le"))
    if lpNumberOfCharsRead:
        ctx.write_u32(lpNumberOfCharsRead, len(span))
    return 1


@export
@probe
def ReadConsoleOutputCharacterA(ctx, hConsoleOutput: HANDLE, lpCharacter: LPSTR, nLength: DWORD,
                                dwReadCoord: DWORD, lpNumberOfCharsRead: LPDWORD) -> BOOL:
    buf = _cells_buffer(ctx, hConsoleOutput, lpNumberOfCharsRead)
    if buf is None:
        return 0
    span = _span(nLength, dwReadCoord)
    text = "".join(buf.chars[i] for i in span)
    ctx.write(lpCharacter, text.encode(ctx.kernel.oem_codepage, "replace"))
    if lpNumberOfCharsRead:
        ctx.write_u32(lpNumberOfCharsRead, len(span))
    return 1


@export
@probe
def ReadConsoleOutputAttribute(ctx, hConsoleOutput: HANDLE, lpAttribute: PVOID, nLength: DWORD,
                               dwReadCoord: DWORD, lpNumberOfAttrsRead: LPDWORD) -> BOOL:
    buf = _cells_buffer(ctx, hConsoleOutput, lpNumberOfAttrsRead)
    if buf is None:
        return 0
    span = _span(nLength, dwReadCoord)
    ctx.write(lpAttribute, struct.pack(f"<{len(span)}H", *(buf.attrs[i] for i in span)))
    if lpNumberOfAttrsRead:
        ctx.write_u32(lpNumberOfAttrsRead, len(span))
    return 1


# -- the title ----------------------------------------------------------------------------------------
def title(ctx) -> str:
    buf = screen(ctx)
    if buf.title is None:
        first = next((p for p in ctx.kernel.processes if p.image_path), ctx.process)
        buf.title = first.image_path
    return buf.title


@export
@probe
def SetConsoleTitleW(ctx, lpConsoleTitle: LPCWSTR) -> BOOL:
    screen(ctx).title = lpConsoleTitle or ""
    return 1


@export
@probe
def SetConsoleTitleA(ctx, lpConsoleTitle: LPCSTR) -> BOOL:
    return SetConsoleTitleW(ctx, lpConsoleTitle)


def _get_title(ctx, out: int, size: int, wide: bool) -> int:
    """As much of the title as fits the buffer (nSize characters with the NUL), NUL-terminated;
    returns the title's whole length, as documented."""
    text = title(ctx)
    raw = text.encode("utf-16-le") if wide else text.encode(ctx.kernel.oem_codepage, "replace")
    unit = 2 if wide else 1
    if size:
        ctx.write(out, raw[:(size - 1) * unit] + b"\0" * unit)
    return len(raw) // unit


@export
@probe
def GetConsoleTitleW(ctx, lpConsoleTitle: LPWSTR, nSize: DWORD) -> DWORD:
    return _get_title(ctx, lpConsoleTitle, nSize, True)


@export
@probe
def GetConsoleTitleA(ctx, lpConsoleTitle: LPSTR, nSize: DWORD) -> DWORD:
    return _get_title(ctx, lpConsoleTitle, nSize, False)


# -- writing a rectangle of cells -----------------------------------------------------------------------
def _write_output(ctx, handle: int, cells: int, size: int, coord: int, region: int, wide: bool) -> int:
    """WriteConsoleOutputA/W: the CHAR_INFO cells (a character and its attributes) of the source
    buffer from dwBufferCoord on, put into the screen buffer's rectangle *lpWriteRegion (the cursor
    does not move).  The rectangle is clipped to the screen buffer and to what the source holds, and
    lpWriteRegion returns the rectangle written."""
    buf = output_buffer(ctx, handle)
    if buf is None:
        return 0
    width, height = _coord(size)
    src_x, src_y = _coord(coord)
    left, top, right, bottom = struct.unpack("<hhhh", ctx.read(region, 8))
    left, top = max(left, 0), max(top, 0)
    right, bottom = min(right, WIDTH - 1), min(bottom, HEIGHT - 1)
    right = min(right, left + (width - src_x) - 1)
    bottom = min(bottom, top + (height - src_y) - 1)
    if right < left or bottom < top or src_x < 0 or src_y < 0:
        ctx.write(region, struct.pack("<hhhh", left, top, left - 1, top - 1))
        return 1
    columns = right - left + 1
    for row in range(bottom - top + 1):
        raw = ctx.read(cells + 4 * ((src_y + row) * width + src_x), 4 * columns)
        units = struct.unpack(f"<{2 * columns}H", raw)
        if wide:
            chars = [chr(u) for u in units[0::2]]
        else:
            chars = list(bytes(u & 0xFF for u in units[0::2]).decode(ctx.kernel.oem_codepage, "replace"))
        start = (top + row) * WIDTH + left
        buf.chars[start:start + columns] = chars
        buf.attrs[start:start + columns] = units[1::2]
    ctx.write(region, struct.pack("<hhhh", left, top, right, bottom))
    return 1


@export
@probe
def WriteConsoleOutputW(ctx, hConsoleOutput: HANDLE, lpBuffer: PVOID, dwBufferSize: DWORD, dwBufferCoord: DWORD,
                        lpWriteRegion: PVOID) -> BOOL:
    return _write_output(ctx, hConsoleOutput, lpBuffer, dwBufferSize, dwBufferCoord, lpWriteRegion, True)


@export
@probe
def WriteConsoleOutputA(ctx, hConsoleOutput: HANDLE, lpBuffer: PVOID, dwBufferSize: DWORD, dwBufferCoord: DWORD,
                        lpWriteRegion: PVOID) -> BOOL:
    return _write_output(ctx, hConsoleOutput, lpBuffer, dwBufferSize, dwBufferCoord, lpWriteRegion, False)
