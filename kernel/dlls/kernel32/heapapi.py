"""heapapi.h: process heaps (HeapAlloc/ReAlloc/Size are forwarded to ntdll)."""
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPVOID, SIZE_T, PHANDLE, LPCVOID
from ...rtl.heap import Heap
from ..ntdll.heap import heap_of
from .state import kernel32_state


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
    heap.destroy()
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


HeapCompatibilityInformation = 0
HeapEnableTerminationOnCorruption = 1
HEAP_LFH = 2


@export
def HeapSetInformation(ctx, HeapHandle: HANDLE, HeapInformationClass: DWORD, HeapInformation: LPVOID,
                       HeapInformationLength: SIZE_T) -> BOOL:
    """Windows 7's classes: HeapEnableTerminationOnCorruption (for every heap of the process; the heap
    handle is ignored) and HeapCompatibilityInformation, where only 2 (the low-fragmentation heap) can
    be set.  The heaps here have no front end to switch, so both are recorded and succeed."""
    if HeapInformationClass == HeapEnableTerminationOnCorruption:
        kernel32_state(ctx.process).heap_terminate_on_corruption = True
        return 1
    if HeapInformationClass == HeapCompatibilityInformation:
        if HeapInformationLength < 4:
            ctx.set_last_error(24)            # ERROR_BAD_LENGTH (STATUS_INFO_LENGTH_MISMATCH)
            return 0
        heap = heap_of(ctx, HeapHandle)
        if heap is None:
            ctx.set_last_error(6)
            return 0
        if ctx.read_u32(HeapInformation) != HEAP_LFH:
            ctx.set_last_error(87)
            return 0
        heap.low_fragmentation = True
        return 1
    ctx.set_last_error(87)
    return 0
