"""Heaps in guest memory (RtlCreateHeap / RtlAllocateHeap / RtlFreeHeap ...).

A heap is a reserved segment in the process, committed as it grows.  Every block has an 8-byte
header in guest memory just before the user pointer (size in 8-byte units and the previous block's,
flags with HEAP_ENTRY_BUSY, the unused byte count) so guest code and dumps see real bytes; the
free list is kept in Python (first fit, coalescing neighbours).  Blocks above the virtual-memory
threshold get their own allocation, as RtlAllocateHeap does.
"""
from __future__ import annotations

import bisect
import struct

from emu.memory import PAGE_READWRITE, PAGE_SIZE
from kernel.rtl.status import NtError

HEAP_NO_SERIALIZE = 0x1
HEAP_GROWABLE = 0x2
HEAP_GENERATE_EXCEPTIONS = 0x4
HEAP_ZERO_MEMORY = 0x8
HEAP_REALLOC_IN_PLACE_ONLY = 0x10
HEAP_CREATE_ENABLE_EXECUTE = 0x40000

HEAP_ENTRY_BUSY = 0x01
HEAP_ENTRY_VIRTUAL_ALLOC = 0x08
HEADER = 8
GRANULE = 8
HEAP_HEADER_SIZE = 0x588            # the HEAP structure at the segment start (sizeof(_HEAP) on Windows 7 and XP x86)
VIRTUAL_THRESHOLD = 0x7F000


class Heap:
    def __init__(self, process, *, reserve: int = 0x100000, commit: int = 0x1000, flags: int = HEAP_GROWABLE,
                 tag: str = "heap"):
        self.process = process
        self.mem = process.memory
        self.flags = flags
        self.growable = bool(flags & HEAP_GROWABLE) or reserve == 0
        reserve = max((reserve + 0xFFFF) & ~0xFFFF, 0x10000)
        commit = min(commit, reserve)       # RtlCreateHeap commits no more than it reserves
        self.base = self.mem.reserve(None, reserve, tag=tag)
        self.segments = [(self.base, reserve)]
        self.reserve_size = reserve
        self.committed_end = self.base
        self._commit_to(self.base + max(commit, HEAP_HEADER_SIZE + PAGE_SIZE))
        # the HEAP header: Flags and ForceFlags where the profile's Windows places them (Windows 7 +0x40/+0x44,
        # XP +0x0C/+0x10: what programs and debuggers read), signature at +0x8
        profile = process.kernel.profile
        self.mem.write(self.base + 0x08, struct.pack("<I", 0xEEFFEEFF))
        self.mem.write(self.base + profile.heap_flags_offset, struct.pack("<I", flags | HEAP_GROWABLE))
        self.mem.write(self.base + profile.heap_force_flags_offset, struct.pack("<I", 0))
        self.top = self.base + ((HEAP_HEADER_SIZE + GRANULE - 1) & ~(GRANULE - 1))
        self.segment_end = self.base + reserve
        self.free_list: list[tuple[int, int]] = []       # sorted (block address, block size)
        self.busy: dict[int, int] = {}                  # user pointer -> block size (with header)
        self.requested: dict[int, int] = {}             # user pointer -> requested size
        self.large: dict[int, int] = {}                 # user pointer -> allocation base

    def _commit_to(self, end: int) -> None:
        end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        if end > self.committed_end:
            self.mem.commit(self.committed_end, end - self.committed_end, PAGE_READWRITE)
            self.committed_end = end

    def _add_segment(self, need: int) -> bool:
        """A growable heap that fills its segment reserves another (twice the last one, at least the
        block), as RtlAllocateHeap extends a heap; the committed rest of the old one becomes free."""
        last = self.segments[-1][1]
        size = max(2 * last, need + PAGE_SIZE)
        size = (size + 0xFFFF) & ~0xFFFF
        try:
            base = self.mem.reserve(None, size, tag=f"heap segment of {self.base:#x}")
        except NtError:
            return False
        rest = self.committed_end - self.top
        if rest >= 2 * GRANULE + HEADER:
            bisect.insort(self.free_list, (self.top, rest))
            self._write_header(self.top, rest, False)
        self.segments.append((base, size))
        self.top = self.committed_end = base
        self.segment_end = base + size
        return True

    def _write_header(self, block: int, size: int, busy: bool, unused: int = 0) -> None:
        """The 16-bit size field holds at most 0xFFFF granules: a larger free block (coalesced neighbours;
        Windows keeps such a run as several free entries) shows that maximum, the Python list its size."""
        self.mem.write(block, struct.pack("<HHBBBB", min(size // GRANULE, 0xFFFF), 0,
                                          HEAP_ENTRY_BUSY if busy else 0, 0, unused & 0xFF, 0))

    def allocate(self, size: int, flags: int = 0) -> int:
        """A user pointer, or 0 when the heap cannot grow."""
        size = max(size, 1)
        if size >= VIRTUAL_THRESHOLD:
            try:
                base = self.mem.allocate(None, size + 0x20, PAGE_READWRITE, tag="heap (large block)")
            except NtError:
                return 0
            ptr = base + 0x20
            self.large[ptr] = base
            self.requested[ptr] = size
            self.mem.write(ptr - HEADER, struct.pack("<HHBBBB", 0, 0, HEAP_ENTRY_BUSY | HEAP_ENTRY_VIRTUAL_ALLOC, 0, 0, 0))
            return ptr
        need = (size + HEADER + GRANULE - 1) & ~(GRANULE - 1)
        for i, (block, bsize) in enumerate(self.free_list):
            if bsize >= need:
                del self.free_list[i]
                if bsize - need >= 2 * GRANULE + HEADER:
                    rest = (block + need, bsize - need)
                    bisect.insort(self.free_list, rest)
                    self._write_header(rest[0], rest[1], False)
                else:
                    need = bsize
                break
        else:
            block = self.top
            if block + need > self.segment_end:
                if not self.growable or not self._add_segment(need):
                    return 0
                block = self.top
            self._commit_to(block + need)
            self.top = block + need
        ptr = block + HEADER
        self._write_header(block, need, True, need - size - HEADER)
        self.busy[ptr] = need
        self.requested[ptr] = size
        if flags & HEAP_ZERO_MEMORY or self.flags & HEAP_ZERO_MEMORY:
            self.mem.write(ptr, bytes(size))
        return ptr

    def free(self, ptr: int) -> bool:
        if ptr in self.large:
            self.mem.release(self.large.pop(ptr))
            self.requested.pop(ptr, None)
            return True
        need = self.busy.pop(ptr, None)
        if need is None:
            return False
        self.requested.pop(ptr, None)
        block = ptr - HEADER
        # coalesce with free neighbours
        i = bisect.bisect_left(self.free_list, (block, 0))
        if i < len(self.free_list) and self.free_list[i][0] == block + need:
            need += self.free_list.pop(i)[1]
        if i > 0 and self.free_list[i - 1][0] + self.free_list[i - 1][1] == block:
            block, prev = self.free_list.pop(i - 1)
            need += prev
        if block + need == self.top:
            self.top = block
        else:
            bisect.insort(self.free_list, (block, need))
            self._write_header(block, need, False)
        return True

    def size(self, ptr: int) -> int | None:
        return self.requested.get(ptr)

    def reallocate(self, ptr: int, size: int, flags: int = 0) -> int:
        old = self.requested.get(ptr)
        if old is None:
            return 0
        if ptr in self.busy and (size + HEADER + GRANULE - 1) & ~(GRANULE - 1) <= self.busy[ptr]:
            self.requested[ptr] = size
            if size > old and flags & HEAP_ZERO_MEMORY:
                self.mem.write(ptr + old, bytes(size - old))
            return ptr
        if flags & HEAP_REALLOC_IN_PLACE_ONLY:
            return 0
        new = self.allocate(size, flags)
        if not new:
            return 0
        self.mem.write(new, self.mem.read(ptr, min(old, size)))
        if size > old and flags & HEAP_ZERO_MEMORY:
            self.mem.write(new + old, bytes(size - old))
        self.free(ptr)
        return new

    def destroy(self) -> None:
        """HeapDestroy: its large blocks and every segment go back to the address space."""
        for ptr in list(self.large):
            self.free(ptr)
        for base, _ in self.segments:
            self.mem.release(base)
        self.segments = []

    def owns(self, ptr: int) -> bool:
        return ptr in self.busy or ptr in self.large

    def validate(self) -> bool:
        """Every busy block's header in guest memory still says busy with its size."""
        for ptr, need in self.busy.items():
            size_units, _, flags = struct.unpack("<HHB", self.mem.read(ptr - HEADER, 5))
            if size_units * GRANULE != need or not flags & HEAP_ENTRY_BUSY:
                return False
        return True

    def blocks(self):
        """(user pointer, requested size) of every busy block, in address order."""
        return sorted(self.requested.items())
