"""combaseapi.h (objbase.h in the Windows 7 SDK): the task allocator.

Windows 7's ole32 task allocator (the IMalloc CoGetMalloc returns) takes its blocks from the process
heap, so a block is a process-heap block here too: HeapSize/HeapFree work on it, and other DLLs'
handlers (shell32, oleaut32) allocate with `task_alloc` for the program to free with CoTaskMemFree."""
from __future__ import annotations

from ...hle.registry import export
from ...hle.types import LPVOID, SIZE_T


def task_alloc(ctx, size: int) -> int:
    """CoTaskMemAlloc: a process-heap block (a zero-sized request still gets a valid pointer), 0 when
    the heap cannot grow."""
    return ctx.process.heap.allocate(size)


def task_free(ctx, pointer: int) -> None:
    if pointer:
        ctx.process.heap.free(pointer)


@export
def CoTaskMemAlloc(ctx, cb: SIZE_T) -> LPVOID:
    return task_alloc(ctx, cb)


@export
def CoTaskMemRealloc(ctx, pv: LPVOID, cb: SIZE_T) -> LPVOID:
    if not pv:
        return task_alloc(ctx, cb)
    if not cb:
        task_free(ctx, pv)                    # a zero size frees the block and returns NULL
        return 0
    return ctx.process.heap.reallocate(pv, cb)


@export
def CoTaskMemFree(ctx, pv: LPVOID) -> None:
    task_free(ctx, pv)
