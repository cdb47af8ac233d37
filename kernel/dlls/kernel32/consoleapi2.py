"""consoleapi2.h: SetConsoleTextAttribute, and WriteConsoleOutputA/W, which put a rectangle of CHAR_INFO
cells (a character and its attributes) straight into the screen buffer.

ntboot's console is a stream (what the program prints, in order), not a grid: the rectangle's rows
are appended to it as text (trailing blanks dropped), each row ended by a carriage return, which a
terminal shows as the row being rewritten in place (the status line of ninja and similar tools).
The region is clipped to Windows 7's default 80x300 screen buffer and to the source buffer, and
lpWriteRegion returns the rectangle written, as on Windows."""
import struct

from kernel.io.console import console_kind, console_write

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPCVOID, PVOID, WORD

BUFFER_WIDTH, BUFFER_HEIGHT = 80, 300


def _coord(value: int) -> tuple[int, int]:
    x, y = struct.unpack("<hh", struct.pack("<I", value & 0xFFFFFFFF))
    return x, y


def _write_output(ctx, handle: int, cells: int, size: int, coord: int, region: int, wide: bool) -> int:
    kind = console_kind(ctx.process, handle)
    if kind is None or kind == "input":
        ctx.set_last_error(6)
        return 0
    width, height = _coord(size)
    src_x, src_y = _coord(coord)
    left, top, right, bottom = struct.unpack("<hhhh", ctx.read(region, 8))
    # clip to the screen buffer, then to what the source buffer holds from (src_x, src_y)
    left, top = max(left, 0), max(top, 0)
    right, bottom = min(right, BUFFER_WIDTH - 1), min(bottom, BUFFER_HEIGHT - 1)
    right = min(right, left + (width - src_x) - 1)
    bottom = min(bottom, top + (height - src_y) - 1)
    if right < left or bottom < top or src_x < 0 or src_y < 0:
        ctx.write(region, struct.pack("<hhhh", left, top, left - 1, top - 1))
        return 1
    columns = right - left + 1
    text = []
    for row in range(bottom - top + 1):
        start = cells + 4 * ((src_y + row) * width + src_x)
        raw = ctx.read(start, 4 * columns)
        units = struct.unpack(f"<{2 * columns}H", raw)[0::2]
        if wide:
            line = "".join(chr(u) for u in units)
        else:
            line = bytes(u & 0xFF for u in units).decode(ctx.kernel.oem_codepage, "replace")
        text.append(line.rstrip(" \0") + "\r")
    console_write(ctx.kernel, ctx.process, kind, "".join(text).encode(ctx.kernel.oem_codepage, "replace"))
    ctx.write(region, struct.pack("<hhhh", left, top, right, bottom))
    return 1


@export
@probe
def WriteConsoleOutputW(ctx, hConsoleOutput: HANDLE, lpBuffer: LPCVOID, dwBufferSize: DWORD, dwBufferCoord: DWORD,
                        lpWriteRegion: PVOID) -> BOOL:
    return _write_output(ctx, hConsoleOutput, lpBuffer, dwBufferSize, dwBufferCoord, lpWriteRegion, True)


@export
@probe
def WriteConsoleOutputA(ctx, hConsoleOutput: HANDLE, lpBuffer: LPCVOID, dwBufferSize: DWORD, dwBufferCoord: DWORD,
                        lpWriteRegion: PVOID) -> BOOL:
    return _write_output(ctx, hConsoleOutput, lpBuffer, dwBufferSize, dwBufferCoord, lpWriteRegion, False)


@export
def SetConsoleTextAttribute(ctx, hConsoleOutput: HANDLE, wAttributes: WORD) -> BOOL:
    """The colours of what is written next: kept for GetConsoleScreenBufferInfo's wAttributes (the
    console stream has no colours to show); an input or non-console handle: ERROR_INVALID_HANDLE."""
    kind = console_kind(ctx.process, hConsoleOutput)
    if kind is None or kind == "input":
        ctx.set_last_error(6)
        return 0
    ctx.kernel.console_attributes = wAttributes & 0xFFFF
    return 1
