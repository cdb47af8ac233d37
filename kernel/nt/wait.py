"""Wait services: NtWaitForSingleObject, NtWaitForMultipleObjects (over kernel.ke_wait); alertable
waits end with STATUS_USER_APC when user APCs are queued, after running them (kernel/ke/apc.py)."""
from __future__ import annotations

import struct

from ..hle.registry import export
from ..hle.types import BOOLEAN, HANDLE, NTSTATUS, PHANDLE, PLARGE_INTEGER, ULONG
from kernel.ob.handles import reference_object
from kernel.rtl.status import STATUS

WaitAll, WaitAny = 0, 1


def timeout_of(ctx, timeout_ptr: int) -> int | None:
    """An NT timeout (negative: relative 100 ns, positive: absolute system time) as relative 100 ns."""
    if not timeout_ptr:
        return None
    value = struct.unpack("<q", ctx.read(timeout_ptr, 8))[0]
    if value < 0:
        return -value
    return max(0, value - ctx.kernel.clock.system_time())


def wait(ctx, objects: list, wait_all: bool, timeout: int | None, what: str, alertable: bool = False) -> int:
    status = ctx.kernel.scheduler.wait_for(ctx.thread, objects, wait_all=wait_all, timeout_100ns=timeout, what=what,
                                           alertable=alertable)
    return 0 if status is None else status     # a blocked wait's status reaches EAX when it ends


@export
def NtWaitForSingleObject(ctx, Handle: HANDLE, Alertable: BOOLEAN, Timeout: PLARGE_INTEGER) -> NTSTATUS:
    obj = reference_object(ctx, Handle)
    return wait(ctx, [obj], False, timeout_of(ctx, Timeout), f"NtWaitForSingleObject({obj.describe()})",
                bool(Alertable))


@export
def NtWaitForMultipleObjects(ctx, Count: ULONG, Handles: PHANDLE, WaitType: ULONG, Alertable: BOOLEAN,
                             Timeout: PLARGE_INTEGER) -> NTSTATUS:
    if not 0 < Count <= 64:
        return STATUS["STATUS_INVALID_PARAMETER"]
    handles = struct.unpack(f"<{Count}I", ctx.read(Handles, 4 * Count))
    objects = [reference_object(ctx, h) for h in handles]
    return wait(ctx, objects, WaitType == WaitAll, timeout_of(ctx, Timeout),
                f"NtWaitForMultipleObjects({', '.join(o.describe() for o in objects)})", bool(Alertable))
