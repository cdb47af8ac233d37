"""direct.h / stdio.h's perror: folders (_mkdir, _wmkdir, _rmdir, _wrmdir) and perror/_wperror.

The folder functions are CreateDirectory/RemoveDirectory with their Win32 error mapped to errno as
msvcrt's _dosmaperr does: 0 on success, -1 with errno EEXIST (the folder or a file of that name
exists), ENOENT (a missing parent or folder), ENOTEMPTY (41, a folder that is not empty) or EACCES.
"""
from __future__ import annotations

from kernel.rtl.status import NtError
from ...hle.registry import export
from ...hle.types import INT, LPCSTR, LPCWSTR, VOID
from ..kernel32.fileapi import create_directory, delete_path, full_path, FILE_DIRECTORY_FILE
from .crt import get_errno, set_errno
from .lowio import dos_error_to_errno, nt_error_to_errno, write_fd
from .string import error_message

EINVAL = 22
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
