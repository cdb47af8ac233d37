"""ioapiset.h for the synchronous handles ntboot has (files, folders, NUL, the console):
CancelIo, CancelIoEx, CancelSynchronousIo, GetOverlappedResult, DeviceIoControl.

Every read and write completes before its call returns, so no I/O is ever pending: CancelIo
succeeds with nothing to cancel, CancelIoEx finds nothing (ERROR_NOT_FOUND), and GetOverlappedResult
reports what the OVERLAPPED's Internal (the status) and InternalHigh (the bytes) say.
DeviceIoControl on a file answers as NTFS does for the control codes a console program asks a
file: FSCTL_GET_REPARSE_POINT (no file here is a reparse point: ERROR_NOT_A_REPARSE_POINT),
FSCTL_SET_SPARSE and FSCTL_GET_COMPRESSION (uncompressed) succeed, anything else is
STATUS_INVALID_DEVICE_REQUEST (ERROR_INVALID_FUNCTION).  Console handles are kernel32's
pseudo-handles on Windows 7, which the I/O system does not know: ERROR_INVALID_HANDLE."""
from __future__ import annotations

import struct

from kernel.io.console import is_console_handle
from kernel.io.manager import FileObject, NullDevice
from kernel.ob.handles import reference_object
from kernel.rtl.status import dos_error
from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPDWORD, LPOVERLAPPED, LPVOID

ERROR_INVALID_FUNCTION, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER = 1, 6, 87
ERROR_INSUFFICIENT_BUFFER, ERROR_IO_INCOMPLETE, ERROR_NOT_FOUND = 122, 996, 1168
ERROR_NOT_A_REPARSE_POINT = 4390
STATUS_PENDING = 0x103

FSCTL_GET_COMPRESSION = 0x0009003C
FSCTL_GET_REPARSE_POINT = 0x000900A8
FSCTL_SET_SPARSE = 0x000900C4


def file_of(ctx, handle: int) -> FileObject | None:
    """The file object of a handle; a console or other handle: ERROR_INVALID_HANDLE."""
    if is_console_handle(handle):
        ctx.set_last_error(ERROR_INVALID_HANDLE)
        return None
    obj = reference_object(ctx, handle)          # not open: STATUS_INVALID_HANDLE
    if not isinstance(obj, FileObject):
        ctx.set_last_error(ERROR_INVALID_HANDLE)     # STATUS_OBJECT_TYPE_MISMATCH
        return None
    return obj


@export
def CancelIo(ctx, hFile: HANDLE) -> BOOL:
    return 1 if file_of(ctx, hFile) is not None else 0


@export
def CancelIoEx(ctx, hFile: HANDLE, lpOverlapped: LPOVERLAPPED) -> BOOL:
    if file_of(ctx, hFile) is None:
        return 0
    ctx.set_last_error(ERROR_NOT_FOUND)
    return 0


@export
@probe
def GetOverlappedResult(ctx, hFile: HANDLE, lpOverlapped: LPOVERLAPPED, lpNumberOfBytesTransferred: LPDWORD,
                        bWait: BOOL) -> BOOL:
    """Still pending (Internal = STATUS_PENDING): ERROR_IO_INCOMPLETE (nothing here completes later,
    so waiting would never end either).  Else the bytes of InternalHigh, and TRUE for a success
    status or the status's Win32 error."""
    status, information = struct.unpack("<II", ctx.read(lpOverlapped, 8))
    if status == STATUS_PENDING:
        ctx.set_last_error(ERROR_IO_INCOMPLETE)
        return 0
    ctx.write_u32(lpNumberOfBytesTransferred, information)
    if status & 0x80000000:                          # not NT_SUCCESS
        ctx.set_last_error(dos_error(status))
        return 0
    return 1


@export
@probe
def DeviceIoControl(ctx, hDevice: HANDLE, dwIoControlCode: DWORD, lpInBuffer: LPVOID, nInBufferSize: DWORD,
                    lpOutBuffer: LPVOID, nOutBufferSize: DWORD, lpBytesReturned: LPDWORD,
                    lpOverlapped: LPOVERLAPPED) -> BOOL:
    file = file_of(ctx, hDevice)
    if file is None:
        return 0
    returned, error = 0, ERROR_INVALID_FUNCTION
    is_file = not isinstance(file, NullDevice)
    if is_file and dwIoControlCode == FSCTL_GET_REPARSE_POINT:
        error = ERROR_NOT_A_REPARSE_POINT
    elif is_file and dwIoControlCode == FSCTL_SET_SPARSE:
        error = 0
    elif is_file and dwIoControlCode == FSCTL_GET_COMPRESSION:
        if nOutBufferSize < 2:
            error = ERROR_INSUFFICIENT_BUFFER
        else:
            ctx.write(lpOutBuffer, b"\0\0")          # COMPRESSION_FORMAT_NONE
            returned, error = 2, 0
    if lpOverlapped:
        status = 0 if not error else {ERROR_NOT_A_REPARSE_POINT: 0xC0000275, ERROR_INSUFFICIENT_BUFFER: 0xC0000023}.get(
            error, 0xC0000010)
        ctx.write(lpOverlapped, struct.pack("<II", status, returned))
    if lpBytesReturned:
        ctx.write_u32(lpBytesReturned, returned)
    if error:
        ctx.set_last_error(error)
        return 0
    return 1


@export
def CancelSynchronousIo(ctx, hThread: HANDLE) -> BOOL:
    """No read or write of another thread is ever in progress (each completes within its call):
    ERROR_NOT_FOUND, what Windows gives when the thread has no synchronous I/O to cancel."""
    from kernel.ps.process import EThread
    reference_object(ctx, hThread, EThread)
    ctx.set_last_error(ERROR_NOT_FOUND)
    return 0
