"""io.h: msvcrt's low-level I/O over kernel32 file handles: the descriptor table (_open, _close,
_read, _write, _lseek ...), with text mode's CR-LF translation and Ctrl-Z end of file.

Descriptors 0, 1 and 2 are the standard handles; on the console they are devices in text mode.
Files are opened through the I/O manager as CreateFile does (kernel/nt/file.py `open_file`), so
the sandbox rules apply.  Errors set errno and _doserrno as msvcrt's _dosmaperr does.

Known difference: text mode does not translate on the *console* (stdout/stderr reach the host with
LF, as the host expects); on files it does (a "\\n" written in text mode is CR LF on disk).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from kernel.io.console import console_kind
from ...hle.registry import export
from ...hle.types import INT, LONG, LONGLONG, LPCSTR, LPCWSTR, PVOID, UINT
from kernel.io.manager import FileObject
from ...nt.file import open_file, read_file, write_file
from kernel.rtl.status import STATUS, NtError, dos_error
from ..kernel32.consoleapi import std_handle
from .crt import crt, set_errno

EBADF, EACCES, EEXIST, EINVAL, ENOENT, EMFILE, ENOSPC, ENOMEM = 9, 13, 17, 22, 2, 24, 28, 12
FOPEN, FEOFLAG, FCRLF, FPIPE, FAPPEND, FDEV, FTEXT = 0x01, 0x02, 0x04, 0x08, 0x20, 0x40, 0x80
O_RDONLY, O_WRONLY, O_RDWR, O_APPEND = 0x0, 0x1, 0x2, 0x8
O_CREAT, O_TRUNC, O_EXCL, O_TEXT, O_BINARY = 0x100, 0x200, 0x400, 0x4000, 0x8000
O_NOINHERIT, O_TEMPORARY, O_SHORT_LIVED, O_SEQUENTIAL, O_RANDOM = 0x80, 0x40, 0x1000, 0x20, 0x10
O_WTEXT, O_U16TEXT, O_U8TEXT = 0x10000, 0x20000, 0x40000
GENERIC_READ, GENERIC_WRITE = 0x80000000, 0x40000000
SYNCHRONIZE = 0x100000
MAX_FDS = 2048
STD_HANDLES = {0: 0xFFFFFFF6, 1: 0xFFFFFFF5, 2: 0xFFFFFFF4}

# _dosmaperr: Win32 error -> errno (the entries Windows' msvcrt has; anything else is EINVAL)
_DOS_TO_ERRNO = {
    1: EINVAL, 2: ENOENT, 3: ENOENT, 4: EMFILE, 5: EACCES, 6: EBADF, 7: ENOMEM, 8: ENOMEM, 9: ENOMEM,
    10: 7, 11: 8, 12: EINVAL, 15: ENOENT, 16: EACCES, 17: 18, 18: ENOENT, 19: EACCES, 33: EACCES,
    53: ENOENT, 65: EACCES, 67: ENOENT, 80: EEXIST, 82: EACCES, 83: EACCES, 89: 11, 108: EACCES,
    109: 32, 112: ENOSPC, 114: EBADF, 123: ENOENT, 128: 10, 130: EBADF, 131: EINVAL, 145: 41,
    158: EACCES, 161: ENOENT, 164: 11, 167: EACCES, 183: EEXIST, 206: ENOENT, 215: 11, 1816: ENOMEM,
}


@dataclass
class FdInfo:
    handle: int
    flags: int                 # FOPEN, FTEXT, FDEV, FAPPEND, FEOFLAG ...
    lookahead: int | None = None   # a byte read past a CR on a device


def dos_error_to_errno(ctx, error: int) -> None:
    set_errno(ctx, _DOS_TO_ERRNO.get(error, EINVAL), error)


def nt_error_to_errno(ctx, e: NtError) -> None:
    dos_error_to_errno(ctx, dos_error(e.status))


def init_std_fds(ctx, state) -> None:
    for fd, std in STD_HANDLES.items():
        handle = std_handle(ctx, std)
        if not handle or handle == 0xFFFFFFFF:
            continue
        flags = FOPEN | FTEXT
        if console_kind(ctx.process, handle) is not None:
            flags |= FDEV
        state.fds[fd] = FdInfo(handle, flags)


def fd_info(ctx, fd: int) -> FdInfo | None:
    info = crt(ctx).fds.get(fd)
    if info is None or not info.flags & FOPEN:
        set_errno(ctx, EBADF, 0)
        return None
    return info


def is_device(ctx, fd: int) -> bool:
    info = crt(ctx).fds.get(fd)
    return bool(info and info.flags & FDEV)


def alloc_fd(ctx, info: FdInfo) -> int:
    fds = crt(ctx).fds
    for fd in range(MAX_FDS):
        if fd not in fds or not fds[fd].flags & FOPEN:
            fds[fd] = info
            return fd
    set_errno(ctx, EMFILE, 0)
    return -1


# -- open / close ----------------------------------------------------------------------------------
def open_path(ctx, path: str | None, oflag: int) -> int:
    """_open's work: returns the new descriptor or -1 (errno set)."""
    if path is None:
        set_errno(ctx, EINVAL, 0)
        return -1
    mode = oflag & 3
    if mode == 3:
        set_errno(ctx, EINVAL, 0)
        return -1
    access = {O_RDONLY: GENERIC_READ, O_WRONLY: GENERIC_WRITE, O_RDWR: GENERIC_READ | GENERIC_WRITE}[mode]
    if oflag & O_CREAT and oflag & O_EXCL:
        disposition = 2                      # FILE_CREATE
    elif oflag & O_CREAT and oflag & O_TRUNC:
        disposition = 5                      # FILE_OVERWRITE_IF
    elif oflag & O_CREAT:
        disposition = 3                      # FILE_OPEN_IF
    elif oflag & O_TRUNC:
        disposition = 4                      # FILE_OVERWRITE
    else:
        disposition = 1                      # FILE_OPEN
    try:
        file, _ = open_file(ctx, path, access | SYNCHRONIZE, disposition, 0x40 | 0x20)
    except NtError as e:
        nt_error_to_errno(ctx, e)
        return -1
    if file.node.is_dir:
        file_close = getattr(file, "on_last_handle_closed", None)
        if file_close:
            file_close()
        set_errno(ctx, EACCES, 5)
        return -1
    handle = ctx.process.handles.insert(file, access)
    flags = FOPEN
    if oflag & O_APPEND:
        flags |= FAPPEND
    text = oflag & O_TEXT or (not oflag & O_BINARY and not _fmode_binary(ctx))
    if text:
        flags |= FTEXT
    return alloc_fd(ctx, FdInfo(handle, flags))


def _fmode_binary(ctx) -> bool:
    return ctx.read_u32(crt(ctx).var["_fmode"]) == O_BINARY


def close_fd(ctx, fd: int) -> int:
    info = fd_info(ctx, fd)
    if info is None:
        return -1
    if not info.flags & FDEV:
        try:
            ctx.process.handles.close(info.handle)
        except NtError:
            pass
    del crt(ctx).fds[fd]
    return 0


# -- positions -------------------------------------------------------------------------------------
def _file_object(ctx, info: FdInfo):
    return ctx.process.handles.lookup(info.handle, FileObject)


def file_size(file) -> int:
    fd = getattr(file, "fd", None)
    if fd is not None:
        return os.fstat(fd).st_size
    return 0 if file.node.is_dir else len(file.read_all())


def seek_fd(ctx, fd: int, offset: int, origin: int) -> int:
    """_lseeki64: the new position or -1 (errno set)."""
    info = fd_info(ctx, fd)
    if info is None:
        return -1
    if info.flags & FDEV or origin not in (0, 1, 2):
        set_errno(ctx, EINVAL if origin not in (0, 1, 2) else EBADF, 0)
        return -1
    file = _file_object(ctx, info)
    base = {0: 0, 1: file.position, 2: file_size(file)}[origin]
    pos = base + offset
    if pos < 0:
        set_errno(ctx, EINVAL, 131)
        return -1
    file.position = pos
    info.flags &= ~FEOFLAG
    info.lookahead = None
    return pos


def tell_fd(ctx, fd: int) -> int:
    return seek_fd(ctx, fd, 0, 1)


# -- read / write ----------------------------------------------------------------------------------
def _raw_read(ctx, info: FdInfo, size: int) -> bytes | None:
    try:
        return read_file(ctx, info.handle, size)
    except NtError as e:
        if e.status == STATUS["STATUS_END_OF_FILE"]:
            return b""
        nt_error_to_errno(ctx, e)
        return None


def read_fd(ctx, fd: int, size: int) -> tuple[bytes | None, list[int] | None]:
    """_read's work: (the bytes the caller gets, raw offsets of each of them from the read's start) or
    (None, None) after an error.  Text mode: CR LF -> LF, Ctrl-Z ends the file."""
    info = fd_info(ctx, fd)
    if info is None:
        return None, None
    if size == 0 or info.flags & FEOFLAG:
        return b"", []
    raw = b""
    if info.lookahead is not None:
        raw = bytes([info.lookahead])
        info.lookahead = None
    data = _raw_read(ctx, info, size - len(raw))
    if data is None:
        return None, None
    raw += data
    if not info.flags & FTEXT:
        return raw, list(range(len(raw)))
    out = bytearray()
    offsets = []
    i = 0
    while i < len(raw):
        b = raw[i]
        if b == 0x1A:
            info.flags |= FEOFLAG
            if not info.flags & FDEV:
                seek_fd(ctx, fd, i - len(raw), 1)
                info.flags |= FEOFLAG
            break
        if b == 0x0D:
            if i + 1 < len(raw):
                if raw[i + 1] == 0x0A:
                    out.append(0x0A)
                    offsets.append(i)
                    i += 2
                    continue
            else:                            # CR at the end: look at the next byte
                more = _raw_read(ctx, info, 1)
                if more:
                    if more[0] == 0x0A:
                        out.append(0x0A)
                        offsets.append(i)
                        i += 1
                        raw += more          # keep raw length honest for the caller's offsets
                        break
                    if info.flags & FDEV:
                        info.lookahead = more[0]
                    else:
                        seek_fd(ctx, fd, -1, 1)
        out.append(b)
        offsets.append(i)
        i += 1
    return bytes(out), offsets


def write_fd(ctx, fd: int, data: bytes) -> int:
    """_write's work: the count of the caller's bytes written, or -1 (errno set)."""
    info = fd_info(ctx, fd)
    if info is None:
        return -1
    if info.flags & FAPPEND and not info.flags & FDEV:
        seek_fd(ctx, fd, 0, 2)
    raw = data
    if info.flags & FTEXT and not info.flags & FDEV:
        raw = data.replace(b"\n", b"\r\n")
    try:
        if raw:
            write_file(ctx, info.handle, raw)
    except NtError as e:
        nt_error_to_errno(ctx, e)
        return -1
    return len(data)


# -- exports ---------------------------------------------------------------------------------------
@export(conv="cdecl")
def _open(ctx, filename: LPCSTR, oflag: INT, *args) -> INT:
    return open_path(ctx, filename, oflag)


@export(conv="cdecl")
def _wopen(ctx, filename: LPCWSTR, oflag: INT, *args) -> INT:
    return open_path(ctx, filename, oflag)


@export(conv="cdecl")
def _creat(ctx, filename: LPCSTR, pmode: INT) -> INT:
    return open_path(ctx, filename, O_CREAT | O_TRUNC | O_RDWR)


@export(conv="cdecl")
def _close(ctx, fd: INT) -> INT:
    return close_fd(ctx, fd)


@export(conv="cdecl")
def _read(ctx, fd: INT, buffer: PVOID, count: UINT) -> INT:
    if count > 0x7FFFFFFF:
        set_errno(ctx, EINVAL, 0)
        return -1
    data, _ = read_fd(ctx, fd, count)
    if data is None:
        return -1
    if data:
        ctx.write(buffer, data)
    return len(data)


@export(conv="cdecl")
def _write(ctx, fd: INT, buffer: PVOID, count: UINT) -> INT:
    return write_fd(ctx, fd, bytes(ctx.read(buffer, count)) if count else b"")


@export(conv="cdecl")
def _lseek(ctx, fd: INT, offset: LONG, origin: INT) -> LONG:
    pos = seek_fd(ctx, fd, offset, origin)
    if pos > 0x7FFFFFFF:
        set_errno(ctx, EINVAL, 0)
        return -1
    return pos


@export(conv="cdecl")
def _lseeki64(ctx, fd: INT, offset: LONGLONG, origin: INT) -> LONGLONG:
    return seek_fd(ctx, fd, offset, origin)


@export(conv="cdecl")
def _tell(ctx, fd: INT) -> LONG:
    return tell_fd(ctx, fd)


@export(conv="cdecl")
def _telli64(ctx, fd: INT) -> LONGLONG:
    return tell_fd(ctx, fd)


@export(conv="cdecl")
def _eof(ctx, fd: INT) -> INT:
    info = fd_info(ctx, fd)
    if info is None:
        return -1
    file = _file_object(ctx, info)
    return int(file.position >= file_size(file))


@export(conv="cdecl")
def _filelength(ctx, fd: INT) -> LONG:
    info = fd_info(ctx, fd)
    return -1 if info is None else file_size(_file_object(ctx, info))


@export(conv="cdecl")
def _setmode(ctx, fd: INT, mode: INT) -> INT:
    info = fd_info(ctx, fd)
    if info is None:
        return -1
    if mode not in (O_TEXT, O_BINARY, O_WTEXT, O_U16TEXT, O_U8TEXT):
        set_errno(ctx, EINVAL, 0)
        return -1
    old = O_TEXT if info.flags & FTEXT else O_BINARY
    if mode == O_BINARY:
        info.flags &= ~FTEXT
    else:
        info.flags |= FTEXT
    return old


@export(conv="cdecl")
def _isatty(ctx, fd: INT) -> INT:
    info = crt(ctx).fds.get(fd)
    return FDEV if info and info.flags & FOPEN and info.flags & FDEV else 0


@export(conv="cdecl")
def _get_osfhandle(ctx, fd: INT) -> INT:
    info = fd_info(ctx, fd)
    return -1 if info is None else info.handle


@export(conv="cdecl")
def _open_osfhandle(ctx, osfhandle: INT, flags: INT) -> INT:
    handle = osfhandle & 0xFFFFFFFF
    fdflags = FOPEN
    if console_kind(ctx.process, handle) is not None:
        fdflags |= FDEV
    if flags & O_APPEND:
        fdflags |= FAPPEND
    if flags & O_TEXT:
        fdflags |= FTEXT
    return alloc_fd(ctx, FdInfo(handle, fdflags))


@export(conv="cdecl")
def _commit(ctx, fd: INT) -> INT:
    return 0 if fd_info(ctx, fd) is not None else -1
