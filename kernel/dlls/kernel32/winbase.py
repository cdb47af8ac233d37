"""winbase.h, the file functions: MoveFile(Ex)/MoveFileWithProgress and CopyFile(Ex).

A move is what Windows 7 does: the source is opened for DELETE and renamed
(FileRenameInformation), across folders of the sandbox too; MOVEFILE_DELAY_UNTIL_REBOOT only
records the operation in HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\
PendingFileRenameOperations, as Windows does (the run never reboots).  A copy opens the source for
reading (sharing reads), creates or overwrites the target with the source's attributes, copies the
bytes and gives the target the source's last-write time.  Progress routines are not called.
"""
from __future__ import annotations

import os
import struct

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, LPBOOL, LPCSTR, LPCWSTR, LPVOID
from ...io import (DELETE, FILE_ATTRIBUTE_ARCHIVE, FILE_CREATE, FILE_NON_DIRECTORY_FILE, FILE_OPEN,
                   FILE_OVERWRITE_IF, FILE_READ_ATTRIBUTES, FILE_SHARE_ALL, FILE_SHARE_DELETE, FILE_SHARE_READ,
                   FILE_SYNCHRONOUS_IO_NONALERT, GENERIC_WRITE, SYNCHRONIZE, HostFile)
from ...nt.file import FileBasicInformation, FileRenameInformation, file_info, open_file, set_information
from ...probe import probe
from ... import cm
from ...registry import REG_MULTI_SZ, encode_data
from ...status import STATUS, NtError
from .fileapi import ERROR_FILE_EXISTS, ERROR_INVALID_PARAMETER, FILE_OPEN_FOR_BACKUP_INTENT, GENERIC_READ, \
    full_path, set_error

MOVEFILE_REPLACE_EXISTING, MOVEFILE_COPY_ALLOWED, MOVEFILE_DELAY_UNTIL_REBOOT = 0x1, 0x2, 0x4
MOVEFILE_WRITE_THROUGH, MOVEFILE_CREATE_HARDLINK, MOVEFILE_FAIL_IF_NOT_TRACKABLE = 0x8, 0x10, 0x20
COPY_FILE_FAIL_IF_EXISTS = 0x1
PENDING_KEY = "\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Session Manager"
CHUNK = 1 << 20


def nt_path_of(full: str) -> str:
    """RtlDosPathNameToNtPathName_U for a full path: `\\??\\C:\\x`, `\\??\\UNC\\server\\share\\x`."""
    if full.startswith(("\\\\?\\", "\\\\.\\")):
        return "\\??\\" + full[4:]
    if full.startswith("\\\\"):
        return "\\??\\UNC\\" + full[2:]
    return "\\??\\" + full


def _pending_rename(ctx, source: str, target: str | None, replace: bool) -> None:
    """MOVEFILE_DELAY_UNTIL_REBOOT: append (source, target) to PendingFileRenameOperations."""
    registry = cm.registry_of(ctx.kernel)
    node = registry.create_path(PENDING_KEY)
    old = node.values.get("PENDINGFILERENAMEOPERATIONS")
    items = []
    if old is not None and old.type == REG_MULTI_SZ:
        # pairs of NUL-terminated names, an empty target meaning "delete": empty strings inside
        text = old.data.decode("utf-16-le", "replace")
        items = text[:-1].split("\0")[:-1] if text.endswith("\0") else text.split("\0")
    items.append(nt_path_of(source))
    items.append(("!" if replace else "") + nt_path_of(target) if target else "")
    registry.set_value(node, "PendingFileRenameOperations", REG_MULTI_SZ, encode_data(REG_MULTI_SZ, items))


def move_file(ctx, source: str | None, target: str | None, flags: int) -> int:
    if flags & MOVEFILE_CREATE_HARDLINK or (flags & MOVEFILE_DELAY_UNTIL_REBOOT and flags & MOVEFILE_COPY_ALLOWED):
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    source_full = full_path(ctx, source)
    if flags & MOVEFILE_DELAY_UNTIL_REBOOT:
        _pending_rename(ctx, source_full, full_path(ctx, target) if target else None,
                        bool(flags & MOVEFILE_REPLACE_EXISTING))
        return 1
    if target is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    target_full = full_path(ctx, target)
    file, _ = open_file(ctx, source_full, DELETE | SYNCHRONIZE | FILE_READ_ATTRIBUTES, FILE_OPEN,
                        FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT, FILE_SHARE_ALL)
    try:
        name = nt_path_of(target_full).encode("utf-16-le", "surrogatepass")
        set_information(ctx, file, FileRenameInformation,
                        struct.pack("<BxxxII", int(bool(flags & MOVEFILE_REPLACE_EXISTING)), 0, len(name))
                        + name)
    finally:
        file.close()
    return 1


@export
@probe
def MoveFileExW(ctx, lpExistingFileName: LPCWSTR, lpNewFileName: LPCWSTR, dwFlags: DWORD) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName, dwFlags)


@export
@probe
def MoveFileExA(ctx, lpExistingFileName: LPCSTR, lpNewFileName: LPCSTR, dwFlags: DWORD) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName, dwFlags)


@export
@probe
def MoveFileW(ctx, lpExistingFileName: LPCWSTR, lpNewFileName: LPCWSTR) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName or "", MOVEFILE_COPY_ALLOWED)


@export
@probe
def MoveFileA(ctx, lpExistingFileName: LPCSTR, lpNewFileName: LPCSTR) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName or "", MOVEFILE_COPY_ALLOWED)


@export
@probe
def MoveFileWithProgressW(ctx, lpExistingFileName: LPCWSTR, lpNewFileName: LPCWSTR, lpProgressRoutine: LPVOID,
                          lpData: LPVOID, dwFlags: DWORD) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName, dwFlags)


@export
@probe
def MoveFileWithProgressA(ctx, lpExistingFileName: LPCSTR, lpNewFileName: LPCSTR, lpProgressRoutine: LPVOID,
                          lpData: LPVOID, dwFlags: DWORD) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName, dwFlags)


def copy_file(ctx, source: str | None, target: str | None, fail_if_exists: bool) -> int:
    source_full = full_path(ctx, source)
    target_full = full_path(ctx, target)
    src, _ = open_file(ctx, source_full, GENERIC_READ | SYNCHRONIZE, FILE_OPEN,
                       FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, FILE_SHARE_READ | FILE_SHARE_DELETE)
    try:
        info = file_info(ctx, src)
        try:
            dst, _ = open_file(ctx, target_full, GENERIC_WRITE | DELETE | SYNCHRONIZE | FILE_READ_ATTRIBUTES,
                               FILE_CREATE if fail_if_exists else FILE_OVERWRITE_IF,
                               FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, 0,
                               info.attributes & ~0x80 | FILE_ATTRIBUTE_ARCHIVE)
        except NtError as e:
            if e.status == STATUS["STATUS_OBJECT_NAME_COLLISION"]:
                ctx.set_last_error(ERROR_FILE_EXISTS)
                return 0
            raise
        try:
            _copy_bytes(src, dst)
            ctx.kernel.io.written(dst)
            set_information(ctx, dst, FileBasicInformation,
                            struct.pack("<QQQQII", 0, 0, info.last_write, 0, info.attributes, 0))
        except NtError:
            dst.delete_on_close = True                 # a failed copy leaves no half-written target
            raise
        finally:
            dst.close()
    except NtError as e:
        set_error(ctx, e)
        return 0
    finally:
        src.close()
    return 1


def _copy_bytes(src, dst) -> None:
    if not isinstance(dst, HostFile) or dst.fd is None:
        raise NtError("STATUS_ACCESS_DENIED", f"{dst.node.guest_path} cannot be written")
    os.ftruncate(dst.fd, 0)
    if isinstance(src, HostFile) and src.fd is not None:
        offset = 0
        while True:
            chunk = os.pread(src.fd, CHUNK, offset)
            if not chunk:
                break
            os.pwrite(dst.fd, chunk, offset)
            offset += len(chunk)
    else:
        os.pwrite(dst.fd, src.read_all(), 0)


@export
@probe
def CopyFileW(ctx, lpExistingFileName: LPCWSTR, lpNewFileName: LPCWSTR, bFailIfExists: BOOL) -> BOOL:
    return copy_file(ctx, lpExistingFileName, lpNewFileName, bool(bFailIfExists))


@export
@probe
def CopyFileA(ctx, lpExistingFileName: LPCSTR, lpNewFileName: LPCSTR, bFailIfExists: BOOL) -> BOOL:
    return copy_file(ctx, lpExistingFileName, lpNewFileName, bool(bFailIfExists))


@export
@probe
def CopyFileExW(ctx, lpExistingFileName: LPCWSTR, lpNewFileName: LPCWSTR, lpProgressRoutine: LPVOID,
                lpData: LPVOID, pbCancel: LPBOOL, dwCopyFlags: DWORD) -> BOOL:
    return copy_file(ctx, lpExistingFileName, lpNewFileName, bool(dwCopyFlags & COPY_FILE_FAIL_IF_EXISTS))


@export
@probe
def CopyFileExA(ctx, lpExistingFileName: LPCSTR, lpNewFileName: LPCSTR, lpProgressRoutine: LPVOID,
                lpData: LPVOID, pbCancel: LPBOOL, dwCopyFlags: DWORD) -> BOOL:
    return copy_file(ctx, lpExistingFileName, lpNewFileName, bool(dwCopyFlags & COPY_FILE_FAIL_IF_EXISTS))
