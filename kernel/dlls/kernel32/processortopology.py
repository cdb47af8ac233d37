"""sysinfoapi.h / winbase.h processor topology: GetLogicalProcessorInformation(Ex), GetActiveProcessorCount,
GetActiveProcessorGroupCount, GetMaximumProcessorCount, GetMaximumProcessorGroupCount.

The machine is the profile's: number_of_processors logical processors, each its own core (no SMT), all
in one package, one NUMA node and one processor group (group 0).  Cache descriptors are not reported
(known difference: real machines list their caches too).  Results are packed as the x86 structures:
SYSTEM_LOGICAL_PROCESSOR_INFORMATION (24 bytes), SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX entries of
Size 44 (processor core/package, NUMA node) and 76 (group); a buffer too small fails with
ERROR_INSUFFICIENT_BUFFER and the length needed."""
from __future__ import annotations

import struct

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, LPDWORD, LPVOID, WORD

RelationProcessorCore, RelationNumaNode, RelationCache, RelationProcessorPackage, RelationGroup = 0, 1, 2, 3, 4
RelationAll = 0xFFFF
ALL_PROCESSOR_GROUPS = 0xFFFF
ERROR_INVALID_PARAMETER, ERROR_INSUFFICIENT_BUFFER = 87, 122


def _count(ctx) -> int:
    return ctx.kernel.profile.number_of_processors


def _classic(ctx) -> bytes:
    """SYSTEM_LOGICAL_PROCESSOR_INFORMATION: ProcessorMask, Relationship, a 16-byte union."""
    n = _count(ctx)
    out = b"".join(struct.pack("<IIB15x", 1 << i, RelationProcessorCore, 0) for i in range(n))
    out += struct.pack("<II16x", (1 << n) - 1, RelationProcessorPackage)
    out += struct.pack("<III12x", (1 << n) - 1, RelationNumaNode, 0)
    return out


def _group_affinity(mask: int) -> bytes:
    return struct.pack("<IH6x", mask, 0)


def _extended(ctx, relationship: int) -> bytes:
    n = _count(ctx)
    everything = (1 << n) - 1
    out = b""
    if relationship in (RelationProcessorCore, RelationAll):
        for i in range(n):
            out += struct.pack("<IIBB20xH", RelationProcessorCore, 44, 0, 0, 1) + _group_affinity(1 << i)
    if relationship in (RelationNumaNode, RelationAll):
        out += struct.pack("<III20x", RelationNumaNode, 44, 0) + _group_affinity(everything)
    if relationship in (RelationProcessorPackage, RelationAll):
        out += struct.pack("<IIBB20xH", RelationProcessorPackage, 44, 0, 0, 1) + _group_affinity(everything)
    if relationship in (RelationGroup, RelationAll):
        out += struct.pack("<IIHH20xBB38xI", RelationGroup, 76, 1, 1, n, n, everything)
    return out


def _deliver(ctx, data: bytes, buffer: int, length_ptr: int) -> int:
    if not length_ptr:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    size = ctx.read_u32(length_ptr)
    ctx.write_u32(length_ptr, len(data))
    if size < len(data) or not buffer:
        ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
        return 0
    ctx.write(buffer, data)
    return 1


@export
@probe
def GetLogicalProcessorInformation(ctx, Buffer: LPVOID, ReturnedLength: LPDWORD) -> BOOL:
    return _deliver(ctx, _classic(ctx), Buffer, ReturnedLength)


@export
@probe
def GetLogicalProcessorInformationEx(ctx, RelationshipType: DWORD, Buffer: LPVOID, ReturnedLength: LPDWORD) -> BOOL:
    if RelationshipType not in (RelationProcessorCore, RelationNumaNode, RelationCache, RelationProcessorPackage,
                                RelationGroup, RelationAll):
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    return _deliver(ctx, _extended(ctx, RelationshipType), Buffer, ReturnedLength)


@export
def GetActiveProcessorCount(ctx, GroupNumber: WORD) -> DWORD:
    if GroupNumber & 0xFFFF in (0, ALL_PROCESSOR_GROUPS):
        return _count(ctx)
    ctx.set_last_error(ERROR_INVALID_PARAMETER)
    return 0


@export
def GetMaximumProcessorCount(ctx, GroupNumber: WORD) -> DWORD:
    return GetActiveProcessorCount(ctx, GroupNumber)


@export
def GetActiveProcessorGroupCount(ctx) -> WORD:
    return 1


@export
def GetMaximumProcessorGroupCount(ctx) -> WORD:
    return 1
