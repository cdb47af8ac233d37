"""ntdll's run-time library (Rtl*): errors, strings, critical sections, pointers, the PEB/TEB."""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import (BOOLEAN, DWORD, NTSTATUS, PANSI_STRING, PUNICODE_STRING, PVOID, SIZE_T, ULONG,
                          VOID, UCHAR, LPCRITICAL_SECTION)
from ...status import dos_error

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
#    LockSemaphore, SpinCount}, the state kept in guest memory as Windows keeps it

def initialize_critical_section(ctx, cs: int, spin: int = 0) -> None:
    ctx.write(cs, struct.pack("<IiiIII", 0xFFFFFFFF, -1, 0, 0, 0, spin))


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


@export
def RtlDeleteCriticalSection(ctx, CriticalSection: LPCRITICAL_SECTION) -> NTSTATUS:
    ctx.write(CriticalSection, bytes(24))
    return 0


def try_enter(ctx, cs: int) -> bool:
    _, lock, recursion, owner = struct.unpack("<IiiI", ctx.read(cs, 16))
    tid = ctx.thread.tid
    if lock == -1 or recursion == 0:
        ctx.write(cs + 4, struct.pack("<iiI", 0, 1, tid))
        return True
    if owner == tid:
        ctx.write(cs + 4, struct.pack("<ii", lock + 1, recursion + 1))
        return True
    return False


@export
def RtlEnterCriticalSection(ctx, CriticalSection: LPCRITICAL_SECTION) -> NTSTATUS:
    if not try_enter(ctx, CriticalSection):
        from ...ke import UnsupportedApi
        raise UnsupportedApi("RtlEnterCriticalSection: the critical section is owned by another thread "
                             "(waiting on it needs the thread scheduler's waits)")
    return 0


@export
def RtlTryEnterCriticalSection(ctx, CriticalSection: LPCRITICAL_SECTION) -> BOOLEAN:
    return 1 if try_enter(ctx, CriticalSection) else 0


@export
def RtlLeaveCriticalSection(ctx, CriticalSection: LPCRITICAL_SECTION) -> NTSTATUS:
    _, lock, recursion, owner = struct.unpack("<IiiI", ctx.read(CriticalSection, 16))
    if recursion <= 1:
        ctx.write(CriticalSection + 4, struct.pack("<iiI", -1, 0, 0))
    else:
        ctx.write(CriticalSection + 4, struct.pack("<ii", lock - 1, recursion - 1))
    return 0
