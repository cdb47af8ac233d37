"""malloc.h: aligned blocks (_aligned_malloc, _aligned_realloc, _aligned_free, _aligned_offset_malloc;
ucrtbase's _aligned_msize is in kernel/dlls/ucrtbase/runtime.py) over the C runtime's heap, laid out as Microsoft's CRT does: the block comes
from malloc, the caller's pointer is the first address at or after block + 8 where `ptr + offset`
is a multiple of the alignment, and the aligned pointer word just below it holds the block's address.

An alignment that is not a power of two (or an offset not below the size) is EINVAL and NULL;
alignments below sizeof(void *) are raised to 4.
"""
from __future__ import annotations

from ...hle.registry import export
from ...hle.types import PVOID, SIZE_T, VOID
from .crt import crt, set_errno

EINVAL, ENOMEM = 22, 12
PTR = 4


def _valid_alignment(alignment: int) -> bool:
    return alignment != 0 and alignment & (alignment - 1) == 0


def _alloc(ctx, size: int, alignment: int, offset: int) -> int:
    if not _valid_alignment(alignment) or (offset and offset >= size):
        set_errno(ctx, EINVAL)
        return 0
    alignment = max(alignment, PTR)
    total = size + alignment - 1 + 2 * PTR      # room for the pointer word below any start
    if total > 0xFFFFFFE0:
        set_errno(ctx, ENOMEM)
        return 0
    block = crt(ctx).heap.allocate(total)
    if not block:
        set_errno(ctx, ENOMEM)
        return 0
    ptr = ((block + 2 * PTR + offset + alignment - 1) & ~(alignment - 1)) - offset
    ctx.write_u32((ptr & ~(PTR - 1)) - PTR, block)
    return ptr


def _block_of(ctx, ptr: int) -> int:
    return ctx.read_u32((ptr & ~(PTR - 1)) - PTR)


@export(conv="cdecl")
def _aligned_malloc(ctx, size: SIZE_T, alignment: SIZE_T) -> PVOID:
    return _alloc(ctx, size, alignment, 0)


@export(conv="cdecl")
def _aligned_offset_malloc(ctx, size: SIZE_T, alignment: SIZE_T, offset: SIZE_T) -> PVOID:
    return _alloc(ctx, size, alignment, offset)


@export(conv="cdecl")
def _aligned_free(ctx, memblock: PVOID) -> VOID:
    if memblock:
        crt(ctx).heap.free(_block_of(ctx, memblock))


def usable_size(ctx, ptr: int) -> int:
    block = _block_of(ctx, ptr)
    size = crt(ctx).heap.size(block)
    return 0 if size is None else size - (ptr - block)


@export(conv="cdecl")
def _aligned_realloc(ctx, memblock: PVOID, size: SIZE_T, alignment: SIZE_T) -> PVOID:
    """NULL block: _aligned_malloc; size 0: the block is freed and NULL returned; else a new aligned
    block with the old contents (as much as fits), the old one freed.  On failure the old block
    stays as it was."""
    if not memblock:
        return _alloc(ctx, size, alignment, 0)
    if size == 0:
        _aligned_free(ctx, memblock)
        return 0
    if not _valid_alignment(alignment):
        set_errno(ctx, EINVAL)
        return 0
    new = _alloc(ctx, size, alignment, 0)
    if not new:
        return 0
    keep = min(size, usable_size(ctx, memblock))
    if keep:
        ctx.write(new, bytes(ctx.read(memblock, keep)))
    _aligned_free(ctx, memblock)
    return new
