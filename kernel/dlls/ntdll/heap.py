"""ntdll's heap functions (Rtl*Heap), over kernel.rtl.heap."""
from __future__ import annotations

from ...hle.registry import export
from ...hle.types import BOOLEAN, PVOID, SIZE_T, ULONG
from ...rtl.heap import Heap


def heap_of(ctx, handle: int) -> Heap | None:
    for h in ctx.process.heaps:
        if h.base == handle:
            return h
    return None


@export
def RtlCreateHeap(ctx, Flags: ULONG, HeapBase: PVOID, ReserveSize: SIZE_T, CommitSize: SIZE_T,
                  Lock: PVOID, Parameters: PVOID) -> PVOID:
    heap = Heap(ctx.process, reserve=ReserveSize or 0x100000, commit=CommitSize or 0x1000, flags=Flags,
                tag="heap")
    ctx.process.heaps.append(heap)
    return heap.base


@export
def RtlDestroyHeap(ctx, HeapHandle: PVOID) -> PVOID:
    heap = heap_of(ctx, HeapHandle)
    if heap is None or heap is ctx.process.heap:
        return HeapHandle
    heap.destroy()
    ctx.process.heaps.remove(heap)
    return 0


@export
def RtlAllocateHeap(ctx, HeapHandle: PVOID, Flags: ULONG, Size: SIZE_T) -> PVOID:
    heap = heap_of(ctx, HeapHandle)
    return heap.allocate(Size, Flags) if heap else 0


@export
def RtlFreeHeap(ctx, HeapHandle: PVOID, Flags: ULONG, BaseAddress: PVOID) -> BOOLEAN:
    if not BaseAddress:
        return 1
    heap = heap_of(ctx, HeapHandle)
    return 1 if heap is not None and heap.free(BaseAddress) else 0


@export
def RtlReAllocateHeap(ctx, HeapHandle: PVOID, Flags: ULONG, BaseAddress: PVOID, Size: SIZE_T) -> PVOID:
    heap = heap_of(ctx, HeapHandle)
    return heap.reallocate(BaseAddress, Size, Flags) if heap else 0


@export
def RtlSizeHeap(ctx, HeapHandle: PVOID, Flags: ULONG, BaseAddress: PVOID) -> SIZE_T:
    heap = heap_of(ctx, HeapHandle)
    size = heap.size(BaseAddress) if heap else None
    return 0xFFFFFFFF if size is None else size


@export
def RtlValidateHeap(ctx, HeapHandle: PVOID, Flags: ULONG, BaseAddress: PVOID) -> BOOLEAN:
    heap = heap_of(ctx, HeapHandle)
    if heap is None:
        return 0
    if BaseAddress:
        return 1 if heap.owns(BaseAddress) else 0
    return 1 if heap.validate() else 0
