"""I/O completion ports: the executive's IoCompletion object around a KQUEUE.

A port holds completion packets (key, overlapped, status, information) in arrival order;
posting one (PostQueuedCompletionStatus, NtSetIoCompletion) wakes the first thread waiting on
the port, which removes it (GetQueuedCompletionStatus(Ex), NtRemoveIoCompletion).  For the
waits of kernel/ke/wait.py the port is signalled while it holds a packet; the removal is done by
the wait's `on_end`, so each packet goes to exactly one waiter.

A file handle can be associated with a port (CreateIoCompletionPort with a file handle, or
NtSetInformationFile FileCompletionInformation): the association is recorded; ntboot's file I/O
completes synchronously, so it queues no packets for it yet.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from kernel.ke.sync_objects import DispatcherObject, STANDARD_RIGHTS_REQUIRED, SYNCHRONIZE

IO_COMPLETION_QUERY_STATE = 0x0001
IO_COMPLETION_MODIFY_STATE = 0x0002
IO_COMPLETION_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3


@dataclass
class CompletionPacket:
    key: int                 # the completion key of the associated handle (or the poster's)
    overlapped: int          # the OVERLAPPED (ApcContext) of the operation, or what was posted
    status: int              # NTSTATUS of the operation
    information: int         # bytes transferred


class KQueue(DispatcherObject):
    type_name = "IoCompletion"
    all_access = IO_COMPLETION_ALL_ACCESS

    def __init__(self, concurrency: int, name: str = ""):
        super().__init__(name)
        self.concurrency = concurrency
        self.packets: deque[CompletionPacket] = deque()

    @property
    def signaled(self) -> bool:
        return bool(self.packets)

    @signaled.setter
    def signaled(self, value) -> None:
        """The state follows the packets (KernelObject's constructor and signal() assign it)."""

    def post(self, kernel, packet: CompletionPacket) -> None:
        self.packets.append(packet)
        kernel.scheduler.wake_waiters(self)

    def remove(self, count: int) -> list[CompletionPacket]:
        out = []
        while self.packets and len(out) < count:
            out.append(self.packets.popleft())
        return out
