"""direct.h / stdio.h's perror: folders (_mkdir, _wmkdir, _rmdir, _wrmdir, _getcwd, _wgetcwd, _chdir,
_wchdir) and perror/_wperror.

The folder functions are CreateDirectory/RemoveDirectory with their Win32 error mapped to errno as
msvcrt's _dosmaperr does: 0 on success, -1 with errno EEXIST (the folder or a file of that name
exists), ENOENT (a missing parent or folder), ENOTEMPTY (41, a folder that is not empty) or EACCES.
"""
from __future__ import annotations

from kernel.rtl.status import NtError
from ...hle.registry import export
from ...hle.types import INT, LPCSTR, LPCWSTR, PVOID, VOID
from ..ntdll.path import current_directory, set_current_directory
from ..kernel32.fileapi import create_directory, delete_path, full_path, FILE_DIRECTORY_FILE
from .crt import crt, get_errno, set_errno
from .lowio import dos_error_to_errno, nt_error_to_errno, write_fd
from .string import error_message

EINVAL, ERANGE, ENOMEM = 22, 34, 12
FILE_OPEN_FOR_BACKUP_INTENT = 0x4000


def _folder_call(ctx, path: str | None, work) -> int:
    if path is None:
        set_errno(ctx, EINVAL, 0)
        return -1
    before = ctx.get_last_error()
    try:
        ok = work(path)
    except NtError as e:
        nt_error_to_errno(ctx, e)
        return -1
    if not ok:                      # a check that set the Win32 error itself (a name too long)
        dos_error_to_errno(ctx, ctx.get_last_error())
        ctx.set_last_error(before)
        return -1
    return 0


def _mkdir_work(ctx):
    return lambda path: create_directory(ctx, path)


def _rmdir_work(ctx):
    def work(path):
        delete_path(ctx, full_path(ctx, path), FILE_DIRECTORY_FILE | FILE_OPEN_FOR_BACKUP_INTENT)
        return 1
    return work


@export(conv="cdecl")
def _mkdir(ctx, dirname: LPCSTR) -> INT:
    return _folder_call(ctx, dirname, _mkdir_work(ctx))


@export(conv="cdecl")
def _wmkdir(ctx, dirname: LPCWSTR) -> INT:
    return _folder_call(ctx, dirname, _mkdir_work(ctx))


@export(conv="cdecl")
def _rmdir(ctx, dirname: LPCSTR) -> INT:
    return _folder_call(ctx, dirname, _rmdir_work(ctx))


@export(conv="cdecl")
def _wrmdir(ctx, dirname: LPCWSTR) -> INT:
    return _folder_call(ctx, dirname, _rmdir_work(ctx))


def _getcwd_common(ctx, buffer: int, maxlen: int, wide: bool) -> int:
    """The current directory (no trailing backslash but for a root) in the caller's buffer of maxlen
    characters, or, for a NULL buffer, in a new malloc'ed one of max(length + 1, maxlen)
    characters.  Too small: ERANGE; maxlen <= 0 with a buffer: EINVAL."""
    text = current_directory(ctx)
    raw = text.encode("utf-16-le") + b"\0\0" if wide else text.encode(ctx.kernel.ansi_codepage, "replace") + b"\0"
    unit = 2 if wide else 1
    maxlen = maxlen - (1 << 32) if maxlen & 0x80000000 else maxlen
    if buffer:
        if maxlen <= 0:
            set_errno(ctx, EINVAL)
            return 0
        if len(raw) > maxlen * unit:
            set_errno(ctx, ERANGE)
            return 0
    else:
        buffer = crt(ctx).heap.allocate(max(len(raw), maxlen * unit))
        if not buffer:
            set_errno(ctx, ENOMEM)
            return 0
    ctx.write(buffer, raw)
    return buffer


@export(conv="cdecl")
def _getcwd(ctx, buffer: PVOID, maxlen: INT) -> PVOID:
    return _getcwd_common(ctx, buffer, maxlen, False)


@export(conv="cdecl")
def _wgetcwd(ctx, buffer: PVOID, maxlen: INT) -> PVOID:
    return _getcwd_common(ctx, buffer, maxlen, True)


def _chdir_work(ctx):
    def work(path):
        set_current_directory(ctx, path)
        return 1
    return work


@export(conv="cdecl")
def _chdir(ctx, dirname: LPCSTR) -> INT:
    return _folder_call(ctx, dirname, _chdir_work(ctx))


@export(conv="cdecl")
def _wchdir(ctx, dirname: LPCWSTR) -> INT:
    return _folder_call(ctx, dirname, _chdir_work(ctx))


def _perror(ctx, prefix: bytes) -> None:
    """"prefix: message\\n" (only "message\\n" for a NULL or empty prefix) written to descriptor 2
    unbuffered, the message strerror's text of errno ("Unknown error" past _sys_nerr)."""
    errnum = get_errno(ctx)
    text = (prefix + b": " if prefix else b"") + error_message(errnum).encode() + b"\n"
    write_fd(ctx, 2, text)
    set_errno(ctx, errnum)          # writing leaves errno as the caller set it


@export(conv="cdecl")
def perror(ctx, message: LPCSTR) -> VOID:
    _perror(ctx, message.encode(ctx.kernel.ansi_codepage, "replace") if message else b"")


@export(conv="cdecl")
def _wperror(ctx, message: LPCWSTR) -> VOID:
    _perror(ctx, message.encode(ctx.kernel.ansi_codepage, "replace") if message else b"")
