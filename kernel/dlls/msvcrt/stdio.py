"""stdio.h: the printf family and stream output over the standard handles.

Streams are the three of _iob (stdin, stdout, stderr); writes go to the stream's handle at once,
which is what msvcrt's temporary buffering of console output amounts to."""
from __future__ import annotations

from ...hle.registry import export
from ...hle.types import FILE_P, INT, LPCSTR, LPCWSTR, PVOID, SIZE_T, va_list
from ...nt.file import write_file
from ...status import NtError
from ..kernel32.consoleapi import std_handle
from .crt import FILE_SIZE, IOB_ENTRIES, crt
from .printf import PrintfError, StackArgs, format_printf, format_wprintf

EOF_ = 0xFFFFFFFF           # EOF (-1) as the 32-bit return value
STD_HANDLE_OF_FD = {0: 0xFFFFFFF6, 1: 0xFFFFFFF5, 2: 0xFFFFFFF4}


def stream_fd(ctx, stream: int) -> int | None:
    iob = crt(ctx).var["_iob"]
    if iob <= stream < iob + FILE_SIZE * IOB_ENTRIES and (stream - iob) % FILE_SIZE == 0:
        return (stream - iob) // FILE_SIZE
    return None


def fd_write(ctx, fd: int | None, data: bytes) -> bool:
    if fd not in STD_HANDLE_OF_FD:
        return False
    try:
        write_file(ctx, std_handle(ctx, STD_HANDLE_OF_FD[fd]), data)
    except NtError:
        return False
    return True


def _format(ctx, fmt: str | None, args_at: int) -> bytes | None:
    if fmt is None:
        return None
    try:
        return format_printf(fmt.encode(ctx.kernel.ansi_codepage, "replace"), StackArgs(ctx.read, args_at, ctx.write),
                             codepage=ctx.kernel.ansi_codepage)
    except PrintfError:
        return None


def _wformat(ctx, fmt: str | None, args_at: int) -> str | None:
    if fmt is None:
        return None
    try:
        return format_wprintf(fmt, StackArgs(ctx.read, args_at, ctx.write), codepage=ctx.kernel.ansi_codepage)
    except PrintfError:
        return None


def _emit(ctx, fd, data: bytes | None) -> int:
    if data is None or not fd_write(ctx, fd, data):
        return EOF_
    return len(data)


@export(conv="cdecl")
def printf(ctx, format: LPCSTR, *args) -> INT:
    return _emit(ctx, 1, _format(ctx, format, args[0].address))


@export(conv="cdecl")
def vprintf(ctx, format: LPCSTR, argptr: va_list) -> INT:
    return _emit(ctx, 1, _format(ctx, format, argptr))


@export(conv="cdecl")
def fprintf(ctx, stream: FILE_P, format: LPCSTR, *args) -> INT:
    return _emit(ctx, stream_fd(ctx, stream), _format(ctx, format, args[0].address))


@export(conv="cdecl")
def vfprintf(ctx, stream: FILE_P, format: LPCSTR, argptr: va_list) -> INT:
    return _emit(ctx, stream_fd(ctx, stream), _format(ctx, format, argptr))


@export(conv="cdecl")
def wprintf(ctx, format: LPCWSTR, *args) -> INT:
    text = _wformat(ctx, format, args[0].address)
    if text is None:
        return EOF_
    return _emit(ctx, 1, text.encode(ctx.kernel.ansi_codepage, "replace")) and len(text)


def _store(ctx, buffer: int, data: bytes | None, limit: int | None = None) -> int:
    if data is None:
        return EOF_
    if limit is not None and len(data) >= limit:
        ctx.write(buffer, data[:limit])
        return EOF_ if len(data) > limit else len(data)
    ctx.write(buffer, data + b"\0")
    return len(data)


@export(conv="cdecl")
def sprintf(ctx, buffer: PVOID, format: LPCSTR, *args) -> INT:
    return _store(ctx, buffer, _format(ctx, format, args[0].address))


@export(conv="cdecl")
def vsprintf(ctx, buffer: PVOID, format: LPCSTR, argptr: va_list) -> INT:
    return _store(ctx, buffer, _format(ctx, format, argptr))


@export(conv="cdecl")
def _snprintf(ctx, buffer: PVOID, count: SIZE_T, format: LPCSTR, *args) -> INT:
    return _store(ctx, buffer, _format(ctx, format, args[0].address), count)


@export(conv="cdecl")
def _vsnprintf(ctx, buffer: PVOID, count: SIZE_T, format: LPCSTR, argptr: va_list) -> INT:
    return _store(ctx, buffer, _format(ctx, format, argptr), count)


@export(conv="cdecl")
def puts(ctx, str: LPCSTR) -> INT:
    if str is None:
        return EOF_
    return 0 if fd_write(ctx, 1, str.encode(ctx.kernel.ansi_codepage, "replace") + b"\n") else EOF_


@export(conv="cdecl")
def putchar(ctx, c: INT) -> INT:
    return c & 0xFF if fd_write(ctx, 1, bytes([c & 0xFF])) else EOF_


@export(conv="cdecl")
def fputc(ctx, c: INT, stream: FILE_P) -> INT:
    return c & 0xFF if fd_write(ctx, stream_fd(ctx, stream), bytes([c & 0xFF])) else EOF_


@export(conv="cdecl")
def putc(ctx, c: INT, stream: FILE_P) -> INT:
    return c & 0xFF if fd_write(ctx, stream_fd(ctx, stream), bytes([c & 0xFF])) else EOF_


@export(conv="cdecl")
def fputs(ctx, str: LPCSTR, stream: FILE_P) -> INT:
    if str is None:
        return EOF_
    return 0 if fd_write(ctx, stream_fd(ctx, stream), str.encode(ctx.kernel.ansi_codepage, "replace")) else EOF_


@export(conv="cdecl")
def fwrite(ctx, buffer: PVOID, size: SIZE_T, count: SIZE_T, stream: FILE_P) -> SIZE_T:
    total = size * count
    if total == 0:
        return 0
    return count if fd_write(ctx, stream_fd(ctx, stream), ctx.read(buffer, total)) else 0


@export(conv="cdecl")
def fflush(ctx, stream: FILE_P) -> INT:
    return 0


@export(conv="cdecl")
def setvbuf(ctx, stream: FILE_P, buffer: PVOID, mode: INT, size: SIZE_T) -> INT:
    return 0


@export(conv="cdecl")
def _fileno(ctx, stream: FILE_P) -> INT:
    fd = stream_fd(ctx, stream)
    return 0xFFFFFFFF if fd is None else fd


@export(conv="cdecl")
def __iob_func(ctx) -> PVOID:
    return crt(ctx).var["_iob"]
