"""System-wide services: NtClose, time, sleep, NtQuerySystemInformation."""
from __future__ import annotations

import struct

from kernel.io.console import is_console_handle
from ..hle.registry import export
from ..hle.types import BOOLEAN, HANDLE, NTSTATUS, PLARGE_INTEGER, PULONG, PVOID, ULONG
from kernel.rtl.status import STATUS

PERFORMANCE_FREQUENCY = 3579545          # the ACPI PM timer's rate, what Windows 7 reports commonly


@export
def NtClose(ctx, Handle: HANDLE) -> NTSTATUS:
    if is_console_handle(Handle):
        return 0
    ctx.process.handles.close(Handle)
    return 0


@export
def NtQuerySystemTime(ctx, SystemTime: PLARGE_INTEGER) -> NTSTATUS:
    ctx.write(SystemTime, struct.pack("<Q", ctx.kernel.clock.system_time()))
    return 0


@export
def NtQueryPerformanceCounter(ctx, PerformanceCounter: PLARGE_INTEGER, PerformanceFrequency: PLARGE_INTEGER) -> NTSTATUS:
    kernel = ctx.kernel
    kernel.clock.advance(10)             # time moves forward a microsecond per query (deterministic)
    ticks = (kernel.clock.system_time() - kernel.clock.boot_time) * PERFORMANCE_FREQUENCY // 10_000_000
    ctx.write(PerformanceCounter, struct.pack("<Q", ticks))
    if PerformanceFrequency:
        ctx.write(PerformanceFrequency, struct.pack("<Q", PERFORMANCE_FREQUENCY))
    return 0


@export
def NtDelayExecution(ctx, Alertable: BOOLEAN, DelayInterval: PLARGE_INTEGER) -> NTSTATUS:
    """Sleep: virtual time advances by the interval (relative, negative 100 ns units; the largest
    negative value is forever).  STATUS_SUCCESS when it is over; an alertable delay ends with
    STATUS_USER_APC when user APCs are queued, after running them."""
    from .wait import timeout_of
    timeout = timeout_of(ctx, DelayInterval)
    if timeout is not None and timeout >= 0x7FFFFFFFFFFFFFFF:
        timeout = None
    if timeout == 0 and not (Alertable and ctx.thread.user_apcs):
        ctx.kernel.scheduler.yield_thread(ctx.thread)
        return 0
    status = ctx.kernel.scheduler.wait_for(ctx.thread, [], timeout_100ns=timeout, what="NtDelayExecution",
                                           alertable=bool(Alertable), on_end=delay_status)
    return 0 if status is None else status


def delay_status(status: int) -> int:
    """What a delay returns: STATUS_USER_APC, or STATUS_SUCCESS when its time is over."""
    return status if status == STATUS["STATUS_USER_APC"] else 0


@export
def NtYieldExecution(ctx) -> NTSTATUS:
    ctx.kernel.scheduler.yield_thread(ctx.thread)
    return 0


@export
def NtQuerySystemInformation(ctx, SystemInformationClass: ULONG, SystemInformation: PVOID,
                             SystemInformationLength: ULONG, ReturnLength: PULONG) -> NTSTATUS:
    kernel = ctx.kernel
    if SystemInformationClass == 0:        # SystemBasicInformation
        data = struct.pack("<IIIIIIIIIIB3x", 0, 156250, 0x1000, 0x7FF00, 1, 0x7FF00, 0x10000,
                           0x10000, 0x7FFEFFFF, (1 << kernel.profile.number_of_processors) - 1,
                           kernel.profile.number_of_processors)
    elif SystemInformationClass == 1:      # SystemProcessorInformation
        data = struct.pack("<HHHHI", 0, 6, 0x2A, 0x0F07, 0x00002000 | 0x4 | 0x2)
    elif SystemInformationClass == 3:      # SystemTimeOfDayInformation
        data = struct.pack("<QQQII", kernel.clock.boot_time, kernel.clock.system_time(), 0, 0, 0)
    else:
        return STATUS["STATUS_INVALID_INFO_CLASS"]
    if ReturnLength:
        ctx.write_u32(ReturnLength, len(data))
    if SystemInformationLength < len(data):
        return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
    ctx.write(SystemInformation, data)
    return 0
