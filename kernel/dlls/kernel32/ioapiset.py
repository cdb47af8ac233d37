"""ioapiset.h: I/O completion ports (CreateIoCompletionPort, PostQueuedCompletionStatus,
GetQueuedCompletionStatus(Ex); the port object is kernel/ke/queue.py's KQueue), and the functions
of the synchronous handles ntboot has (files, folders, NUL, the console): CancelIo, CancelIoEx,
CancelSynchronousIo, GetOverlappedResult, DeviceIoControl.

A thread that finds a port empty waits on it (alertably for the Ex form when asked); the packets
are taken when its wait ends, and the results are written then, to the waiting thread's memory and
last error.

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

from emu.status import MemoryFault
from kernel.ke.queue import IO_COMPLETION_ALL_ACCESS, IO_COMPLETION_MODIFY_STATE, CompletionPacket, KQueue
from kernel.io.console import is_console_handle
from kernel.io.manager import FileObject, NullDevice
from kernel.ob.handles import reference_object
from kernel.rtl.status import STATUS, NtError, dos_error
from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPDWORD, LPOVERLAPPED, LPVOID, PULONG, ULONG, ULONG_PTR
from ...nt.sync import insert_handle, read_guest, reference

INVALID_HANDLE_VALUE = 0xFFFFFFFF
INFINITE = 0xFFFFFFFF
ERROR_INVALID_PARAMETER = 87
WAIT_TIMEOUT = 258
WAIT_IO_COMPLETION = 0xC0
STATUS_TIMEOUT = STATUS["STATUS_TIMEOUT"]
ERROR_NOACCESS = 998
SIZEOF_OVERLAPPED_ENTRY = 16


def _timeout(milliseconds: int) -> int | None:
    return None if milliseconds == INFINITE else milliseconds * 10_000


@export
def CreateIoCompletionPort(ctx, FileHandle: HANDLE, ExistingCompletionPort: HANDLE, CompletionKey: ULONG_PTR,
                           NumberOfConcurrentThreads: DWORD) -> HANDLE:
    """INVALID_HANDLE_VALUE: a new port (an existing port may not be given then). Otherwise the
    file is associated with the existing port, or with a new one; a handle that is not a file
    fails with ERROR_INVALID_HANDLE, one already associated with a port with
    ERROR_INVALID_PARAMETER."""
    if FileHandle == INVALID_HANDLE_VALUE:
        if ExistingCompletionPort:
            ctx.set_last_error(ERROR_INVALID_PARAMETER)
            return 0
    else:
        target = reference_object(ctx, FileHandle, FileObject)       # a file (Windows: any file object)
        if getattr(target, "completion_port", None) is not None:
            raise NtError("STATUS_INVALID_PARAMETER", "the handle is already associated with a completion port")
    if ExistingCompletionPort:
        port = reference(ctx, ExistingCompletionPort, KQueue, IO_COMPLETION_MODIFY_STATE)
        handle = ExistingCompletionPort
    else:
        concurrency = NumberOfConcurrentThreads or ctx.kernel.profile.number_of_processors
        port = KQueue(concurrency)
        handle = insert_handle(ctx, port, IO_COMPLETION_ALL_ACCESS, 0)
    if FileHandle != INVALID_HANDLE_VALUE:
        target.completion_port = (port, CompletionKey)
    return handle


@export
def PostQueuedCompletionStatus(ctx, CompletionPort: HANDLE, dwNumberOfBytesTransferred: DWORD,
                               dwCompletionKey: ULONG_PTR, lpOverlapped: LPVOID) -> BOOL:
    port = reference(ctx, CompletionPort, KQueue, IO_COMPLETION_MODIFY_STATE)
    port.post(ctx.kernel, CompletionPacket(dwCompletionKey, lpOverlapped, 0, dwNumberOfBytesTransferred))
    return 1


def _remove(ctx, port: KQueue, milliseconds: int, alertable: bool, what: str, deliver) -> int:
    """Wait for the port; when the wait ends, `deliver(status, packets, machine, set_error)` writes
    the packets taken (none after a time-out or APCs) and makes the caller's result.  Out-pointers
    were probed at the call; one freed since fails the call with ERROR_NOACCESS."""
    machine, teb, error_off = ctx.machine, ctx.thread.teb, ctx._last_error_off
    count = deliver.count

    def set_error(code: int) -> None:
        machine.write_u32(teb + error_off, code)

    def on_end(status: int) -> int:
        packets = port.remove(count) if status == 0 else []
        try:
            return deliver(status, packets, machine, set_error)
        except MemoryFault:
            set_error(ERROR_NOACCESS)
            return 0
    status = ctx.kernel.scheduler.wait_for(ctx.thread, [port], timeout_100ns=_timeout(milliseconds), what=what,
                                 alertable=alertable, on_end=on_end)
    return 0 if status is None else status


class _Single:
    """GetQueuedCompletionStatus: one packet into three out-pointers."""
    count = 1

    def __init__(self, bytes_ptr: int, key_ptr: int, overlapped_ptr: int):
        self.ptrs = bytes_ptr, key_ptr, overlapped_ptr

    def __call__(self, status, packets, machine, set_error) -> int:
        bytes_ptr, key_ptr, overlapped_ptr = self.ptrs
        if not packets:
            machine.write(overlapped_ptr, struct.pack("<I", 0))
            set_error(WAIT_TIMEOUT if status == STATUS_TIMEOUT else WAIT_IO_COMPLETION)
            return 0
        p = packets[0]
        machine.write(bytes_ptr, struct.pack("<I", p.information & 0xFFFFFFFF))
        machine.write(key_ptr, struct.pack("<I", p.key))
        machine.write(overlapped_ptr, struct.pack("<I", p.overlapped))
        if p.status & 0xC0000000 == 0xC0000000:          # a failed operation's packet
            set_error(dos_error(p.status))
            return 0
        return 1


class _Many:
    """GetQueuedCompletionStatusEx: up to `count` OVERLAPPED_ENTRY records."""

    def __init__(self, entries: int, count: int, removed_ptr: int):
        self.entries, self.count, self.removed_ptr = entries, count, removed_ptr

    def __call__(self, status, packets, machine, set_error) -> int:
        if not packets:
            machine.write(self.removed_ptr, struct.pack("<I", 0))
            set_error(WAIT_TIMEOUT if status == STATUS_TIMEOUT else WAIT_IO_COMPLETION)
            return 0
        data = b"".join(struct.pack("<IIII", p.key, p.overlapped, p.status & 0xFFFFFFFF, p.information & 0xFFFFFFFF)
                        for p in packets)
        machine.write(self.entries, data)
        machine.write(self.removed_ptr, struct.pack("<I", len(packets)))
        return 1


@export
def GetQueuedCompletionStatus(ctx, CompletionPort: HANDLE, lpNumberOfBytesTransferred: LPDWORD,
                              lpCompletionKey: LPVOID, lpOverlapped: LPVOID, dwMilliseconds: DWORD) -> BOOL:
    """TRUE with a packet; FALSE with *lpOverlapped NULL and WAIT_TIMEOUT when none came in time;
    FALSE with the operation's error when the dequeued packet is a failed operation's."""
    port = reference(ctx, CompletionPort, KQueue, IO_COMPLETION_MODIFY_STATE)
    for ptr in (lpNumberOfBytesTransferred, lpCompletionKey, lpOverlapped):
        read_guest(ctx, ptr, 4)
    return _remove(ctx, port, dwMilliseconds, False, f"GetQueuedCompletionStatus({port.describe()})",
                   _Single(lpNumberOfBytesTransferred, lpCompletionKey, lpOverlapped))


@export
def GetQueuedCompletionStatusEx(ctx, CompletionPort: HANDLE, lpCompletionPortEntries: LPVOID, ulCount: ULONG,
                                ulNumEntriesRemoved: PULONG, dwMilliseconds: DWORD, fAlertable: BOOL) -> BOOL:
    """TRUE with 1..ulCount entries (OVERLAPPED_ENTRY: key, overlapped, status, bytes); FALSE with
    WAIT_TIMEOUT, or WAIT_IO_COMPLETION when an alertable wait ran APCs."""
    if ulCount == 0:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    port = reference(ctx, CompletionPort, KQueue, IO_COMPLETION_MODIFY_STATE)
    read_guest(ctx, ulNumEntriesRemoved, 4)
    read_guest(ctx, lpCompletionPortEntries, SIZEOF_OVERLAPPED_ENTRY * min(ulCount, 64))
    return _remove(ctx, port, dwMilliseconds, bool(fAlertable), f"GetQueuedCompletionStatusEx({port.describe()})",
                   _Many(lpCompletionPortEntries, ulCount, ulNumEntriesRemoved))


# -- the synchronous handles -------------------------------------------------------------------------

ERROR_INVALID_FUNCTION, ERROR_INVALID_HANDLE = 1, 6
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
