"""heapapi.h: process heaps (HeapAlloc/ReAlloc/Size are forwarded to ntdll)."""
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPVOID, SIZE_T, PHANDLE, LPCVOID
from ...rtl.heap import Heap
from ..ntdll.heap import heap_of


@export
def GetProcessHeap(ctx) -> HANDLE:
    return ctx.process.heap.base


@export
def GetProcessHeaps(ctx, NumberOfHeaps: DWORD, ProcessHeaps: PHANDLE) -> DWORD:
    heaps = ctx.process.heaps
    for i, h in enumerate(heaps[:NumberOfHeaps]):
        ctx.write_u32(ProcessHeaps + 4 * i, h.base)
    return len(heaps)


@export
def HeapCreate(ctx, flOptions: DWORD, dwInitialSize: SIZE_T, dwMaximumSize: SIZE_T) -> HANDLE:
    heap = Heap(ctx.process, reserve=dwMaximumSize or max(dwInitialSize, 0x100000),
                commit=dwInitialSize or 0x1000, flags=flOptions | (0x2 if not dwMaximumSize else 0), tag="heap")
    ctx.process.heaps.append(heap)
    return heap.base


@export
def HeapDestroy(ctx, hHeap: HANDLE) -> BOOL:
    heap = heap_of(ctx, hHeap)
    if heap is None or heap is ctx.process.heap:
        ctx.set_last_error(6)
        return 0
    ctx.process.memory.release(heap.base)
    ctx.process.heaps.remove(heap)
    return 1


@export
def HeapFree(ctx, hHeap: HANDLE, dwFlags: DWORD, lpMem: LPVOID) -> BOOL:
    if not lpMem:
        return 1
    heap = heap_of(ctx, hHeap)
    if heap is None or not heap.free(lpMem):
        ctx.set_last_error(87)
        return 0
    return 1


@export
def HeapValidate(ctx, hHeap: HANDLE, dwFlags: DWORD, lpMem: LPCVOID) -> BOOL:
    heap = heap_of(ctx, hHeap)
    if heap is None:
        return 0
    return 1 if (heap.owns(lpMem) if lpMem else heap.validate()) else 0
