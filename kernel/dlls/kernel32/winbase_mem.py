"""winbase.h, the heap functions of 16-bit descent: GlobalAlloc/GlobalReAlloc/GlobalFree/GlobalLock/
GlobalUnlock/GlobalSize/GlobalHandle/GlobalFlags and their Local* twins (Win32 has one heap for both).

As Windows 7's kernel32 does it (BaseHeap is the process heap):

* fixed memory (GMEM_FIXED / LMEM_FIXED) is a block of the process heap: the "handle" is the pointer
  (8-byte aligned), Lock returns it, Unlock returns TRUE;
* moveable memory (GMEM_MOVEABLE) gets an entry in kernel32's handle table, a reserved region of
  0x10000 entries of 8 bytes in guest memory: {USHORT Flags, USHORT LockCount, PVOID Object}.  The
  handle is the address of the entry's Object field (so `handle & 7 == 4` tells a handle from a pointer,
  and `*(void **)handle` is the block, as programs that skip GlobalLock expect); Flags has 1 (valid),
  2 (moveable), 4 (discardable), 8 (discarded: no block, size 0) and 0x8000 (GMEM_DDESHARE).  Lock
  counts saturate at 0xFF; a block may move when it is unlocked or GMEM_MOVEABLE is given to ReAlloc;
  Free frees a locked block too.

Known differences: a fixed block grows or shrinks in place whenever the heap has room after it
(Windows' low-fragmentation heap refuses in-place reallocation of its small blocks more often); freed
table entries keep no free-list link in their Flags.
"""
from __future__ import annotations

import struct

from kernel.rtl.status import NtError

from ...hle.registry import export
from .state import kernel32_state
from ...hle.types import BOOL, HGLOBAL, HLOCAL, LPCVOID, LPVOID, SIZE_T, UINT
from ...rtl.heap import HEAP_REALLOC_IN_PLACE_ONLY, HEAP_ZERO_MEMORY

GMEM_MOVEABLE = LMEM_MOVEABLE = 0x0002
GMEM_ZEROINIT = LMEM_ZEROINIT = 0x0040
GMEM_MODIFY = LMEM_MODIFY = 0x0080
GMEM_DISCARDABLE = 0x0100
LMEM_DISCARDABLE = 0x0F00
GMEM_DDESHARE = 0x2000
GMEM_DISCARDED = LMEM_DISCARDED = 0x4000
GMEM_INVALID_HANDLE = LMEM_INVALID_HANDLE = 0x8000
GMEM_VALID_FLAGS = 0x7F72
LMEM_VALID_FLAGS = 0x0F72
LOCK_MAX = 0xFF

ENTRY_VALID, ENTRY_MOVEABLE, ENTRY_DISCARDABLE, ENTRY_DISCARDED, ENTRY_DDESHARE = 0x1, 0x2, 0x4, 0x8, 0x8000

ERROR_INVALID_HANDLE = 6
ERROR_NOT_ENOUGH_MEMORY = 8
ERROR_INVALID_PARAMETER = 87
ERROR_DISCARDED = 157
ERROR_NOT_LOCKED = 158
ERROR_NOACCESS = 998

TABLE_ENTRIES = 0x10000
ENTRY_SIZE = 8
PAGE = 0x1000


class HandleTable:
    """kernel32's table of moveable-memory handles (BaseHeapHandleTable), one per process."""

    def __init__(self, process):
        self.process = process
        self.base = process.memory.reserve(None, TABLE_ENTRIES * ENTRY_SIZE, tag="kernel32 global memory handles")
        self.committed = 0            # bytes committed from base
        self.used = 0                 # entries ever handed out (the next new index)
        self.free: list[int] = []     # indices to reuse, most recently freed last
        self.live: set[int] = set()   # handles in use
        self.by_block: dict[int, int] = {}   # block pointer -> handle (GlobalHandle)

    def new(self) -> int | None:
        if self.free:
            index = self.free.pop()
        elif self.used < TABLE_ENTRIES:
            index = self.used
            end = (index + 1) * ENTRY_SIZE
            if end > self.committed:
                try:
                    self.process.memory.commit(self.base + self.committed, PAGE, 0x04)
                except NtError:
                    return None
                self.committed += PAGE
            self.used += 1
        else:
            return None
        handle = self.base + index * ENTRY_SIZE + 4
        self.live.add(handle)
        return handle

    def release(self, handle: int) -> None:
        self.live.discard(handle)
        self.free.append((handle - 4 - self.base) // ENTRY_SIZE)


def _table(ctx, create: bool = False) -> HandleTable | None:
    state = kernel32_state(ctx.process)
    if state.global_memory_handles is None and create:
        try:
            state.global_memory_handles = HandleTable(ctx.process)
        except NtError:
            return None
    return state.global_memory_handles


def _is_handle(value: int) -> bool:
    return value & 7 == 4


def _entry(ctx, handle: int) -> tuple[int, int, int] | None:
    """(flags, lock count, block) of a live handle, or None."""
    table = _table(ctx)
    if table is None or handle not in table.live:
        return None
    return struct.unpack("<HHI", ctx.read(handle - 4, 8))


def _set_entry(ctx, handle: int, flags: int, locks: int, block: int) -> None:
    ctx.write(handle - 4, struct.pack("<HHI", flags, locks, block))


def _readable(ctx, address: int) -> bool:
    prot = ctx.process.memory.page_protection(address)
    return bool(prot) and not prot & 0x101          # not PAGE_NOACCESS, not a guard page


def _fail(ctx, error: int, value: int = 0) -> int:
    ctx.set_last_error(error)
    return value


# -- the shared implementation (local: the LMEM_ flag values) -------------------------------------
def mem_alloc(ctx, flags: int, size: int, local: bool) -> int:
    if flags & ~(LMEM_VALID_FLAGS if local else GMEM_VALID_FLAGS):
        return _fail(ctx, ERROR_INVALID_PARAMETER)
    heap = ctx.process.heap
    zero = HEAP_ZERO_MEMORY if flags & GMEM_ZEROINIT else 0
    if not flags & GMEM_MOVEABLE:
        block = heap.allocate(size, zero)
        return block if block else _fail(ctx, ERROR_NOT_ENOUGH_MEMORY)
    table = _table(ctx, create=True)
    handle = table.new() if table is not None else None
    if handle is None:
        return _fail(ctx, ERROR_NOT_ENOUGH_MEMORY)
    entry_flags = ENTRY_VALID | ENTRY_MOVEABLE
    if flags & (LMEM_DISCARDABLE if local else GMEM_DISCARDABLE):
        entry_flags |= ENTRY_DISCARDABLE
    if not local and flags & GMEM_DDESHARE:
        entry_flags |= ENTRY_DDESHARE
    block = 0
    if size:
        block = heap.allocate(size, zero)
        if not block:
            table.release(handle)
            return _fail(ctx, ERROR_NOT_ENOUGH_MEMORY)
        table.by_block[block] = handle
    else:
        entry_flags |= ENTRY_DISCARDED
    _set_entry(ctx, handle, entry_flags, 0, block)
    return handle


def mem_lock(ctx, mem: int) -> int:
    if not _is_handle(mem):
        return mem if mem and _readable(ctx, mem) else _fail(ctx, ERROR_INVALID_HANDLE)
    entry = _entry(ctx, mem)
    if entry is None:
        return _fail(ctx, ERROR_INVALID_HANDLE)
    flags, locks, block = entry
    if not block:
        return _fail(ctx, ERROR_DISCARDED)
    if locks < LOCK_MAX:
        _set_entry(ctx, mem, flags, locks + 1, block)
    return block


def mem_unlock(ctx, mem: int) -> int:
    if not _is_handle(mem):
        return 1                               # fixed memory is never locked: TRUE, last error untouched
    entry = _entry(ctx, mem)
    if entry is None:
        return _fail(ctx, ERROR_INVALID_HANDLE, 1)
    flags, locks, block = entry
    if not locks:
        return _fail(ctx, ERROR_NOT_LOCKED)
    _set_entry(ctx, mem, flags, locks - 1, block)
    if locks == 1:
        return _fail(ctx, 0)                   # unlocked now: FALSE with NO_ERROR
    return 1


def mem_free(ctx, mem: int) -> int:
    if not mem:
        return 0
    heap = ctx.process.heap
    if not _is_handle(mem):
        if heap.free(mem):
            return 0
        return _fail(ctx, ERROR_INVALID_HANDLE if _readable(ctx, mem) else ERROR_NOACCESS, mem)
    entry = _entry(ctx, mem)
    if entry is None:
        return _fail(ctx, ERROR_INVALID_HANDLE, mem)
    table = _table(ctx)
    block = entry[2]
    if block:
        heap.free(block)
        table.by_block.pop(block, None)
    _set_entry(ctx, mem, 0, 0, 0)
    table.release(mem)
    return 0


def mem_size(ctx, mem: int) -> int:
    heap = ctx.process.heap
    if not _is_handle(mem):
        size = heap.size(mem) if mem else None
        return size if size is not None else _fail(ctx, ERROR_INVALID_HANDLE)
    entry = _entry(ctx, mem)
    if entry is None:
        return _fail(ctx, ERROR_INVALID_HANDLE)
    block = entry[2]
    return (heap.size(block) or 0) if block else 0


def mem_handle(ctx, pointer: int) -> int:
    table = _table(ctx)
    if _is_handle(pointer):
        return pointer if _entry(ctx, pointer) is not None else _fail(ctx, ERROR_INVALID_HANDLE)
    if table is not None and pointer in table.by_block:
        return table.by_block[pointer]
    if pointer and ctx.process.heap.owns(pointer):
        return pointer
    return _fail(ctx, ERROR_INVALID_HANDLE)


def mem_flags(ctx, mem: int, local: bool) -> int:
    if not _is_handle(mem):
        if mem and ctx.process.heap.owns(mem):
            return 0
        return _fail(ctx, ERROR_INVALID_HANDLE, GMEM_INVALID_HANDLE)
    entry = _entry(ctx, mem)
    if entry is None:
        return _fail(ctx, ERROR_INVALID_HANDLE, GMEM_INVALID_HANDLE)
    flags, locks, _ = entry
    out = locks & 0xFF
    if flags & ENTRY_DISCARDABLE:
        out |= LMEM_DISCARDABLE if local else GMEM_DISCARDABLE
    if flags & ENTRY_DISCARDED:
        out |= GMEM_DISCARDED
    if not local and flags & ENTRY_DDESHARE:
        out |= GMEM_DDESHARE
    return out


def mem_realloc(ctx, mem: int, size: int, flags: int, local: bool) -> int:
    heap = ctx.process.heap
    zero = HEAP_ZERO_MEMORY if flags & GMEM_ZEROINIT else 0
    discardable_flag = LMEM_DISCARDABLE if local else GMEM_DISCARDABLE
    if not mem:
        return _fail(ctx, ERROR_INVALID_HANDLE)
    if not _is_handle(mem):
        if not heap.owns(mem):
            return _fail(ctx, ERROR_INVALID_HANDLE if _readable(ctx, mem) else ERROR_NOACCESS)
        if flags & GMEM_MODIFY:
            if not flags & GMEM_MOVEABLE:
                return mem                     # nothing to change on fixed memory
            # fixed becomes moveable: a handle for the same block
            table = _table(ctx, create=True)
            handle = table.new() if table is not None else None
            if handle is None:
                return _fail(ctx, ERROR_NOT_ENOUGH_MEMORY)
            entry_flags = ENTRY_VALID | ENTRY_MOVEABLE | (ENTRY_DISCARDABLE if flags & discardable_flag else 0)
            _set_entry(ctx, handle, entry_flags, 0, mem)
            table.by_block[mem] = handle
            return handle
        new = heap.reallocate(mem, size, zero | (0 if flags & GMEM_MOVEABLE else HEAP_REALLOC_IN_PLACE_ONLY))
        return new if new else _fail(ctx, ERROR_NOT_ENOUGH_MEMORY)
    entry = _entry(ctx, mem)
    if entry is None:
        return _fail(ctx, ERROR_INVALID_HANDLE)
    table = _table(ctx)
    entry_flags, locks, block = entry
    if flags & GMEM_MODIFY:
        if flags & discardable_flag:
            entry_flags |= ENTRY_DISCARDABLE
        _set_entry(ctx, mem, entry_flags, locks, block)
        return mem
    if not size:
        if locks:
            return _fail(ctx, ERROR_NOT_ENOUGH_MEMORY)   # a locked block cannot be discarded
        if block:
            heap.free(block)
            table.by_block.pop(block, None)
        _set_entry(ctx, mem, entry_flags | ENTRY_DISCARDED, 0, 0)
        return mem
    if not block:
        new = heap.allocate(size, zero)
    else:
        may_move = not locks or flags & GMEM_MOVEABLE
        new = heap.reallocate(block, size, zero | (0 if may_move else HEAP_REALLOC_IN_PLACE_ONLY))
    if not new:
        return _fail(ctx, ERROR_NOT_ENOUGH_MEMORY)
    if block:
        table.by_block.pop(block, None)
    table.by_block[new] = mem
    _set_entry(ctx, mem, entry_flags & ~ENTRY_DISCARDED, locks, new)
    return mem


def local_alloc(ctx, size: int, zero: bool = False) -> int:
    """LocalAlloc(LMEM_FIXED[|LMEM_ZEROINIT], size) for other DLLs' handlers (CommandLineToArgvW ...)."""
    return mem_alloc(ctx, GMEM_ZEROINIT if zero else 0, size, True)


# -- GlobalXxx ----------------------------------------------------------------------------------------
@export
def GlobalAlloc(ctx, uFlags: UINT, dwBytes: SIZE_T) -> HGLOBAL:
    return mem_alloc(ctx, uFlags, dwBytes, False)


@export
def GlobalReAlloc(ctx, hMem: HGLOBAL, dwBytes: SIZE_T, uFlags: UINT) -> HGLOBAL:
    return mem_realloc(ctx, hMem, dwBytes, uFlags, False)


@export
def GlobalFree(ctx, hMem: HGLOBAL) -> HGLOBAL:
    return mem_free(ctx, hMem)


@export
def GlobalLock(ctx, hMem: HGLOBAL) -> LPVOID:
    return mem_lock(ctx, hMem)


@export
def GlobalUnlock(ctx, hMem: HGLOBAL) -> BOOL:
    return mem_unlock(ctx, hMem)


@export
def GlobalSize(ctx, hMem: HGLOBAL) -> SIZE_T:
    return mem_size(ctx, hMem)


@export
def GlobalHandle(ctx, pMem: LPCVOID) -> HGLOBAL:
    return mem_handle(ctx, pMem)


@export
def GlobalFlags(ctx, hMem: HGLOBAL) -> UINT:
    return mem_flags(ctx, hMem, False)


# -- LocalXxx -----------------------------------------------------------------------------------------
@export
def LocalAlloc(ctx, uFlags: UINT, uBytes: SIZE_T) -> HLOCAL:
    return mem_alloc(ctx, uFlags, uBytes, True)


@export
def LocalReAlloc(ctx, hMem: HLOCAL, uBytes: SIZE_T, uFlags: UINT) -> HLOCAL:
    return mem_realloc(ctx, hMem, uBytes, uFlags, True)


@export
def LocalFree(ctx, hMem: HLOCAL) -> HLOCAL:
    return mem_free(ctx, hMem)


@export
def LocalLock(ctx, hMem: HLOCAL) -> LPVOID:
    return mem_lock(ctx, hMem)


@export
def LocalUnlock(ctx, hMem: HLOCAL) -> BOOL:
    return mem_unlock(ctx, hMem)


@export
def LocalSize(ctx, hMem: HLOCAL) -> SIZE_T:
    return mem_size(ctx, hMem)


@export
def LocalHandle(ctx, pMem: LPCVOID) -> HLOCAL:
    return mem_handle(ctx, pMem)


@export
def LocalFlags(ctx, hMem: HLOCAL) -> UINT:
    return mem_flags(ctx, hMem, True)
