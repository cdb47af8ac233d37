"""ioapiset.h: I/O completion ports (CreateIoCompletionPort, PostQueuedCompletionStatus,
GetQueuedCompletionStatus(Ex)); the port object is kernel/ke/queue.py's KQueue.

A thread that finds the port empty waits on it (alertably for the Ex form when asked); the
packets are taken when its wait ends, and the results are written then, to the waiting
thread's memory and last error."""
import struct

from emu.status import MemoryFault

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPDWORD, LPVOID, PULONG, ULONG, ULONG_PTR
from kernel.ke.queue import IO_COMPLETION_ALL_ACCESS, IO_COMPLETION_MODIFY_STATE, CompletionPacket, KQueue
from kernel.io.manager import FileObject
from kernel.ob.handles import reference_object
from kernel.rtl.status import STATUS, NtError, dos_error
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
