"""Virtual memory services: NtAllocateVirtualMemory, NtFreeVirtualMemory, NtProtectVirtualMemory,
NtQueryVirtualMemory."""
from __future__ import annotations

import struct

from emu.memory import (MEM_COMMIT, MEM_DECOMMIT, MEM_RELEASE, MEM_RESERVE, MEM_TOP_DOWN,
                        page_ceil, page_floor)

from ..hle.registry import export
from ..hle.types import HANDLE, NTSTATUS, PSIZE_T, PULONG, PVOID, SIZE_T, ULONG
from kernel.rtl.status import STATUS, NtError
from .process import process_from_handle


def allocate_virtual_memory(process, base: int, size: int, allocation_type: int, protect: int) -> tuple[int, int]:
    """The common part of NtAllocateVirtualMemory and VirtualAlloc: (base, size) or NtError."""
    mem = process.memory
    if not allocation_type & (MEM_COMMIT | MEM_RESERVE) or size == 0:
        raise NtError("STATUS_INVALID_PARAMETER", "allocation type or size")
    if allocation_type & MEM_RESERVE or not base:
        start = mem.reserve(base or None, page_ceil((base & 0xFFF) + size) if base else size,
                            protect=protect, top_down=bool(allocation_type & MEM_TOP_DOWN),
                            tag="VirtualAlloc")
        length = page_ceil((base - start) + size) if base else page_ceil(size)
        if allocation_type & MEM_COMMIT:
            mem.commit(start, length, protect)
        return start, length
    start = page_floor(base)
    length = page_ceil(base + size) - start
    mem.commit(start, length, protect)
    return start, length


def free_virtual_memory(process, base: int, size: int, free_type: int) -> tuple[int, int]:
    mem = process.memory
    if free_type & MEM_RELEASE:
        alloc = mem.allocation_at(base)
        if alloc is None or alloc.base != base or size not in (0,):
            raise NtError("STATUS_FREE_VM_NOT_AT_BASE" if alloc else "STATUS_MEMORY_NOT_ALLOCATED",
                          f"{base:#x} is not the base of an allocation")
        if alloc.type != 0x20000:
            raise NtError("STATUS_INVALID_PAGE_PROTECTION", "not private memory")
        mem.release(base)
        return base, alloc.size
    if free_type & MEM_DECOMMIT:
        start = page_floor(base)
        alloc = mem.allocation_at(start)
        length = page_ceil(base + size) - start if size else (alloc.end - start if alloc else 0)
        mem.decommit(start, length)
        return start, length
    raise NtError("STATUS_INVALID_PARAMETER", "free type")


@export
def NtAllocateVirtualMemory(ctx, ProcessHandle: HANDLE, BaseAddress: PVOID, ZeroBits: ULONG,
                            RegionSize: PSIZE_T, AllocationType: ULONG, Protect: ULONG) -> NTSTATUS:
    process = process_from_handle(ctx, ProcessHandle)
    base, size = allocate_virtual_memory(process, ctx.read_u32(BaseAddress), ctx.read_u32(RegionSize),
                                         AllocationType, Protect)
    ctx.write_u32(BaseAddress, base)
    ctx.write_u32(RegionSize, size)
    return 0


@export
def NtFreeVirtualMemory(ctx, ProcessHandle: HANDLE, BaseAddress: PVOID, RegionSize: PSIZE_T,
                        FreeType: ULONG) -> NTSTATUS:
    process = process_from_handle(ctx, ProcessHandle)
    base, size = free_virtual_memory(process, ctx.read_u32(BaseAddress), ctx.read_u32(RegionSize), FreeType)
    ctx.write_u32(BaseAddress, base)
    ctx.write_u32(RegionSize, size)
    return 0


@export
def NtProtectVirtualMemory(ctx, ProcessHandle: HANDLE, BaseAddress: PVOID, RegionSize: PSIZE_T,
                           NewProtect: ULONG, OldProtect: PULONG) -> NTSTATUS:
    process = process_from_handle(ctx, ProcessHandle)
    base, size = ctx.read_u32(BaseAddress), ctx.read_u32(RegionSize)
    old = process.memory.protect(base, size, NewProtect)
    ctx.write_u32(BaseAddress, page_floor(base))
    ctx.write_u32(RegionSize, page_ceil(base + size) - page_floor(base))
    ctx.write_u32(OldProtect, old)
    return 0


def memory_basic_information(region) -> bytes:
    return struct.pack("<7I", region.base, region.allocation_base, region.allocation_protect, region.size,
                       region.state, region.protect if region.state == MEM_COMMIT else 0, region.type)


@export
def NtQueryVirtualMemory(ctx, ProcessHandle: HANDLE, BaseAddress: PVOID, MemoryInformationClass: ULONG,
                         MemoryInformation: PVOID, MemoryInformationLength: SIZE_T, ReturnLength: PSIZE_T) -> NTSTATUS:
    process = process_from_handle(ctx, ProcessHandle)
    if MemoryInformationClass != 0:
        return STATUS["STATUS_INVALID_INFO_CLASS"]
    if BaseAddress > 0x7FFEFFFF:
        return STATUS["STATUS_INVALID_PARAMETER"]
    if MemoryInformationLength < 28:
        return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
    ctx.write(MemoryInformation, memory_basic_information(process.memory.query(BaseAddress)))
    if ReturnLength:
        ctx.write_u32(ReturnLength, 28)
    return 0
