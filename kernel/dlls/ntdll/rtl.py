"""ntdll's run-time library (Rtl*): errors, strings, critical sections, pointers, the PEB/TEB."""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import (BOOLEAN, DWORD, NTSTATUS, PANSI_STRING, PUNICODE_STRING, PVOID, SIZE_T, ULONG,
                          VOID, UCHAR, LPCRITICAL_SECTION)
from kernel.rtl.status import dos_error

POINTER_COOKIE = 0x5A3C9E71          # the process cookie EncodePointer mixes in (fixed: deterministic)


@export
def RtlGetLastWin32Error(ctx) -> DWORD:
    return ctx.get_last_error()


@export
def RtlSetLastWin32Error(ctx, Win32Error: DWORD) -> VOID:
    ctx.set_last_error(Win32Error)


@export
def RtlNtStatusToDosError(ctx, Status: NTSTATUS) -> ULONG:
    ctx.set_last_status(Status)
    return dos_error(Status)


@export
def NtCurrentTeb(ctx) -> PVOID:
    return ctx.thread.teb


@export
def RtlGetCurrentPeb(ctx) -> PVOID:
    return ctx.process.peb


@export
def RtlInitUnicodeString(ctx, DestinationString: PUNICODE_STRING, SourceString: PVOID) -> VOID:
    length = len(ctx.read_wcstr(SourceString)) if SourceString else 0
    ctx.write(DestinationString, struct.pack("<HHI", length, length + 2 if SourceString else 0, SourceString))


@export
def RtlInitAnsiString(ctx, DestinationString: PANSI_STRING, SourceString: PVOID) -> VOID:
    length = len(ctx.read_cstr(SourceString)) if SourceString else 0
    ctx.write(DestinationString, struct.pack("<HHI", length, length + 1 if SourceString else 0, SourceString))


@export
def RtlEncodePointer(ctx, Ptr: PVOID) -> PVOID:
    return _rotr(Ptr ^ POINTER_COOKIE, POINTER_COOKIE & 0x1F)


@export
def RtlDecodePointer(ctx, Ptr: PVOID) -> PVOID:
    return _rotl(Ptr, POINTER_COOKIE & 0x1F) ^ POINTER_COOKIE


def _rotr(v: int, n: int) -> int:
    return ((v >> n) | (v << (32 - n))) & 0xFFFFFFFF if n else v


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (32 - n))) & 0xFFFFFFFF if n else v


@export
def RtlZeroMemory(ctx, Destination: PVOID, Length: SIZE_T) -> VOID:
    ctx.write(Destination, bytes(Length))


@export
def RtlFillMemory(ctx, Destination: PVOID, Length: SIZE_T, Fill: UCHAR) -> VOID:
    ctx.write(Destination, bytes([Fill & 0xFF]) * Length)


@export
def RtlMoveMemory(ctx, Destination: PVOID, Source: PVOID, Length: SIZE_T) -> VOID:
    if Length:
        ctx.write(Destination, ctx.read(Source, Length))


# -- critical sections: RTL_CRITICAL_SECTION {DebugInfo, LockCount, RecursionCount, OwningThread,
#    LockSemaphore, SpinCount}, the state kept in guest memory as Windows 7 keeps it: LockCount is -1
#    when free; bit 0 clear = owned, bit 1 set = no waiter woken, the other bits the one's complement
#    of the number of waiting threads (-2 owned, -6 owned with one waiter ...); the owner's recursion
#    does not change it.  A thread that finds the section owned waits on a wait object kept for the
#    section's address; leaving hands the section to the first waiter (FIFO) and wakes it.  Spin
#    counts are kept but never spun.

def initialize_critical_section(ctx, cs: int, spin: int = 0) -> None:
    ctx.write(cs, struct.pack("<IiiIII", 0xFFFFFFFF, -1, 0, 0, 0, spin))
    waits = ctx.process.address_waits.get(("critical section", cs))
    if waits is not None and not waits.waiters:
        ctx.process.address_waits.pop(("critical section", cs), None)


def _lock_count(owned: bool, waiters: int) -> int:
    return -1 - (1 if owned else 0) - 4 * waiters


def _cs_state(ctx, cs: int) -> tuple[int, int]:
    """(RecursionCount, OwningThread); a section whose recursion count is 0 is free."""
    recursion, owner = struct.unpack("<iI", ctx.read(cs + 8, 8))
    if recursion <= 0 or owner == 0:
        return 0, 0
    return recursion, owner


def _cs_waiters(ctx, cs: int) -> int:
    obj = ctx.process.address_waits.get(("critical section", cs))
    return len(obj.waiters) if obj is not None else 0


@export
def RtlInitializeCriticalSection(ctx, CriticalSection: LPCRITICAL_SECTION) -> NTSTATUS:
    initialize_critical_section(ctx, CriticalSection)
    return 0


@export
def RtlInitializeCriticalSectionAndSpinCount(ctx, CriticalSection: LPCRITICAL_SECTION, SpinCount: ULONG) -> NTSTATUS:
    initialize_critical_section(ctx, CriticalSection, SpinCount)
    return 0


@export
def RtlInitializeCriticalSectionEx(ctx, CriticalSection: LPCRITICAL_SECTION, SpinCount: ULONG, Flags: ULONG) -> NTSTATUS:
    initialize_critical_section(ctx, CriticalSection, SpinCount)
    return 0


def try_enter(ctx, cs: int) -> bool:
    recursion, owner = _cs_state(ctx, cs)
    tid = ctx.thread.tid
    if recursion == 0:
        ctx.write(cs + 4, struct.pack("<iiI", _lock_count(True, _cs_waiters(ctx, cs)), 1, tid))
        return True
    if owner == tid:
        ctx.write(cs + 8, struct.pack("<i", recursion + 1))
        return True
    return False


@export
def RtlEnterCriticalSection(ctx, CriticalSection: LPCRITICAL_SECTION) -> NTSTATUS:
    if try_enter(ctx, CriticalSection):
        return 0
    from kernel.ke.sync_objects import address_wait
    _, owner = _cs_state(ctx, CriticalSection)
    obj = address_wait(ctx.process, "critical section", CriticalSection)
    ctx.write(CriticalSection + 4, struct.pack("<i", _lock_count(True, len(obj.waiters) + 1)))
    # the thread blocks; RtlLeaveCriticalSection makes it the owner before it runs again
    ctx.kernel.scheduler.wait_for(ctx.thread, [obj], what=f"RtlEnterCriticalSection({CriticalSection:#010x}, "
                                                f"owned by thread {owner})")
    return 0


@export
def RtlTryEnterCriticalSection(ctx, CriticalSection: LPCRITICAL_SECTION) -> BOOLEAN:
    return 1 if try_enter(ctx, CriticalSection) else 0


@export
def RtlLeaveCriticalSection(ctx, CriticalSection: LPCRITICAL_SECTION) -> NTSTATUS:
    cs = CriticalSection
    recursion, owner = _cs_state(ctx, cs)
    if recursion > 1:
        ctx.write(cs + 8, struct.pack("<i", recursion - 1))
        return 0
    obj = ctx.process.address_waits.get(("critical section", cs))
    if obj is not None and obj.waiters:
        successor = obj.waiters[0]
        ctx.write(cs + 4, struct.pack("<iiI", _lock_count(True, len(obj.waiters) - 1), 1, successor.tid))
        ctx.kernel.scheduler.end_wait(successor, 0)
        if not obj.waiters:
            ctx.process.address_waits.pop(("critical section", cs), None)
    else:
        ctx.write(cs + 4, struct.pack("<iiI", -1, 0, 0))
    return 0


@export
def RtlDeleteCriticalSection(ctx, CriticalSection: LPCRITICAL_SECTION) -> NTSTATUS:
    ctx.write(CriticalSection, bytes(24))
    obj = ctx.process.address_waits.get(("critical section", CriticalSection))
    if obj is not None and not obj.waiters:
        ctx.process.address_waits.pop(("critical section", CriticalSection), None)
    return 0
