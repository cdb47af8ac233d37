"""Virtual memory of one address space, on top of a Unicorn engine.

The address space is described the way the NT memory manager describes it to user mode: an
*allocation* (what VirtualAlloc/NtMapViewOfSection returns, 64 KiB aligned) holds 4 KiB pages, each
reserved or committed with its own protection.  Only committed pages are mapped in Unicorn; a
reserved page is a hole the guest faults on.  Guard pages are mapped without access and keep their
real protection here, so the kernel can tell a guard-page hit from an access violation.

This module knows page protections and states as CPU-level facts (the numeric values are the ones
Windows uses, so that upper layers can pass them through), nothing else of Windows.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from unicorn import UC_PROT_EXEC, UC_PROT_NONE, UC_PROT_READ, UC_PROT_WRITE, UcError

from .status import MemoryFault, NtError

PAGE_SIZE = 0x1000
ALLOCATION_GRANULARITY = 0x10000

PAGE_NOACCESS = 0x01
PAGE_READONLY = 0x02
PAGE_READWRITE = 0x04
PAGE_WRITECOPY = 0x08
PAGE_EXECUTE = 0x10
PAGE_EXECUTE_READ = 0x20
PAGE_EXECUTE_READWRITE = 0x40
PAGE_EXECUTE_WRITECOPY = 0x80
PAGE_GUARD = 0x100
PAGE_NOCACHE = 0x200
PAGE_WRITECOMBINE = 0x400

MEM_COMMIT = 0x1000
MEM_RESERVE = 0x2000
MEM_DECOMMIT = 0x4000
MEM_RELEASE = 0x8000
MEM_FREE = 0x10000
MEM_PRIVATE = 0x20000
MEM_MAPPED = 0x40000
MEM_IMAGE = 0x1000000
MEM_TOP_DOWN = 0x100000

_BASE_PROTECTIONS = {
    PAGE_NOACCESS: UC_PROT_NONE,
    PAGE_READONLY: UC_PROT_READ,
    PAGE_READWRITE: UC_PROT_READ | UC_PROT_WRITE,
    PAGE_WRITECOPY: UC_PROT_READ | UC_PROT_WRITE,
    PAGE_EXECUTE: UC_PROT_READ | UC_PROT_EXEC,  # on x86, executable implies readable
    PAGE_EXECUTE_READ: UC_PROT_READ | UC_PROT_EXEC,
    PAGE_EXECUTE_READWRITE: UC_PROT_READ | UC_PROT_WRITE | UC_PROT_EXEC,
    PAGE_EXECUTE_WRITECOPY: UC_PROT_READ | UC_PROT_WRITE | UC_PROT_EXEC,
}

PROTECTION_NAMES = {
    PAGE_NOACCESS: "PAGE_NOACCESS", PAGE_READONLY: "PAGE_READONLY", PAGE_READWRITE: "PAGE_READWRITE",
    PAGE_WRITECOPY: "PAGE_WRITECOPY", PAGE_EXECUTE: "PAGE_EXECUTE", PAGE_EXECUTE_READ: "PAGE_EXECUTE_READ",
    PAGE_EXECUTE_READWRITE: "PAGE_EXECUTE_READWRITE", PAGE_EXECUTE_WRITECOPY: "PAGE_EXECUTE_WRITECOPY",
}
STATE_NAMES = {MEM_COMMIT: "MEM_COMMIT", MEM_RESERVE: "MEM_RESERVE", MEM_FREE: "MEM_FREE"}
TYPE_NAMES = {MEM_PRIVATE: "MEM_PRIVATE", MEM_MAPPED: "MEM_MAPPED", MEM_IMAGE: "MEM_IMAGE", 0: ""}


def protection_name(protect: int) -> str:
    if protect == 0:
        return ""
    name = PROTECTION_NAMES.get(protect & 0xFF, hex(protect & 0xFF))
    if protect & PAGE_GUARD:
        name += "|PAGE_GUARD"
    if protect & PAGE_NOCACHE:
        name += "|PAGE_NOCACHE"
    return name


def is_valid_protection(protect: int) -> bool:
    return (protect & 0xFF) in _BASE_PROTECTIONS and not (protect & ~0x7FF)


def uc_protection(protect: int) -> int:
    if protect & PAGE_GUARD:
        return UC_PROT_NONE
    return _BASE_PROTECTIONS[protect & 0xFF]


def page_floor(addr: int) -> int:
    return addr & ~(PAGE_SIZE - 1)


def page_ceil(addr: int) -> int:
    return (addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)


@dataclass
class Allocation:
    """One VirtualAlloc/MapViewOfSection allocation: a run of pages with one AllocationBase."""
    base: int
    size: int
    type: int
    initial_protect: int
    tag: str = ""                       # what it is for: "stack", "heap", "PEB", "image C:\\x.exe" ...
    # per page: 0 = reserved, otherwise the committed page's protection
    pages: list[int] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.base + self.size


@dataclass
class RegionInfo:
    """MEMORY_BASIC_INFORMATION of one region: pages alike in state, protection and allocation."""
    base: int
    allocation_base: int
    allocation_protect: int
    size: int
    state: int
    protect: int
    type: int
    tag: str = ""


class AddressSpace:
    """Reserve/commit/protect/query/free over one Unicorn engine."""

    def __init__(self, uc, lowest: int = 0x00010000, highest: int = 0x7FFEFFFF):
        self.uc = uc
        self.lowest = lowest
        self.highest = highest
        self._bases: list[int] = []                  # sorted allocation bases
        self._allocs: dict[int, Allocation] = {}
        self.committed = 0                           # bytes of committed pages
        self.commit_limit = 0                        # 0 = none; else commits beyond it fail
        self.on_commit_limit = None                  # callable(requested bytes) when one does

    # -- lookups ---------------------------------------------------------------------------------
    def allocation_at(self, addr: int) -> Allocation | None:
        i = bisect.bisect_right(self._bases, addr) - 1
        if i >= 0:
            a = self._allocs[self._bases[i]]
            if a.base <= addr < a.end:
                return a
        return None

    def allocations(self) -> list[Allocation]:
        return [self._allocs[b] for b in self._bases]

    def is_free(self, base: int, size: int) -> bool:
        i = bisect.bisect_left(self._bases, base + size)
        if i > 0:
            prev = self._allocs[self._bases[i - 1]]
            if prev.end > base:
                return False
        return True

    def find_free(self, size: int, *, top_down: bool = False, low: int | None = None,
                  high: int | None = None, align: int = ALLOCATION_GRANULARITY) -> int | None:
        low = max(self.lowest, low or self.lowest)
        high = min(self.highest + 1, high or self.highest + 1)
        size = page_ceil(size)
        # gaps between allocations
        gaps = []
        prev_end = low
        for b in self._bases:
            a = self._allocs[b]
            if a.end <= low:
                continue
            if a.base >= high:
                break
            if a.base > prev_end:
                gaps.append((prev_end, a.base))
            prev_end = max(prev_end, a.end)
        if prev_end < high:
            gaps.append((prev_end, high))
        if top_down:
            for start, end in reversed(gaps):
                cand = (end - size) & ~(align - 1)
                if cand >= start and cand >= low:
                    return cand
        else:
            for start, end in gaps:
                cand = (start + align - 1) & ~(align - 1)
                if cand + size <= end:
                    return cand
        return None

    # -- operations --------------------------------------------------------------------------------
    def reserve(self, base: int | None, size: int, *, type: int = MEM_PRIVATE,
                protect: int = PAGE_READWRITE, tag: str = "", top_down: bool = False,
                align: int = ALLOCATION_GRANULARITY) -> int:
        size = page_ceil(size)
        if size == 0:
            raise NtError("STATUS_INVALID_PARAMETER", "zero-sized reservation")
        if base is None or base == 0:
            base = self.find_free(size, top_down=top_down, align=align)
            if base is None:
                raise NtError("STATUS_NO_MEMORY", f"no free range of {size:#x} bytes")
        else:
            base &= ~(align - 1)
            if base < self.lowest or base + size - 1 > self.highest:
                raise NtError("STATUS_INVALID_PARAMETER", f"range {base:#x}+{size:#x} is outside user space")
            if not self.is_free(base, size):
                raise NtError("STATUS_CONFLICTING_ADDRESSES", f"range {base:#x}+{size:#x} is in use")
        alloc = Allocation(base, size, type, protect, tag, [0] * (size // PAGE_SIZE))
        i = bisect.bisect_left(self._bases, base)
        self._bases.insert(i, base)
        self._allocs[base] = alloc
        return base

    def commit(self, addr: int, size: int, protect: int) -> None:
        if not is_valid_protection(protect):
            raise NtError("STATUS_INVALID_PAGE_PROTECTION", f"protection {protect:#x}")
        start, end = page_floor(addr), page_ceil(addr + size)
        alloc = self.allocation_at(start)
        if alloc is None or end > alloc.end:
            raise NtError("STATUS_CONFLICTING_ADDRESSES", f"{addr:#x}+{size:#x} is not reserved")
        first = (start - alloc.base) // PAGE_SIZE
        n = (end - start) // PAGE_SIZE
        if self.commit_limit:
            fresh_bytes = PAGE_SIZE * sum(1 for i in range(first, first + n) if alloc.pages[i] == 0)
            if self.committed + fresh_bytes > self.commit_limit:
                if self.on_commit_limit is not None:
                    self.on_commit_limit(fresh_bytes)
                raise NtError("STATUS_NO_MEMORY", f"committing {fresh_bytes:#x} bytes would pass the "
                                                       f"limit of {self.commit_limit:#x} bytes")
        self._apply(alloc, first, first + n, protect)

    def allocate(self, base: int | None, size: int, protect: int, *, type: int = MEM_PRIVATE,
                 tag: str = "", top_down: bool = False) -> int:
        """Reserve and commit in one step (VirtualAlloc with MEM_RESERVE|MEM_COMMIT)."""
        base = self.reserve(base, size, type=type, protect=protect, tag=tag, top_down=top_down)
        self.commit(base, size, protect)
        return base

    def protect(self, addr: int, size: int, protect: int) -> int:
        """Change the protection of committed pages; returns the old protection of the first page."""
        if not is_valid_protection(protect):
            raise NtError("STATUS_INVALID_PAGE_PROTECTION", f"protection {protect:#x}")
        start, end = page_floor(addr), page_ceil(addr + max(size, 1))
        alloc = self.allocation_at(start)
        if alloc is None or end > alloc.end:
            raise NtError("STATUS_CONFLICTING_ADDRESSES", f"{addr:#x}+{size:#x} is not allocated")
        first = (start - alloc.base) // PAGE_SIZE
        n = (end - start) // PAGE_SIZE
        if any(alloc.pages[i] == 0 for i in range(first, first + n)):
            raise NtError("STATUS_NOT_COMMITTED", f"{addr:#x}+{size:#x} is not committed")
        old = alloc.pages[first]
        self._apply(alloc, first, first + n, protect)
        return old

    def clear_guard(self, addr: int) -> None:
        """A guard page was touched: it becomes an ordinary page of its protection (one-shot)."""
        alloc = self.allocation_at(addr)
        i = (page_floor(addr) - alloc.base) // PAGE_SIZE
        alloc.pages[i] &= ~PAGE_GUARD
        self.uc.mem_protect(page_floor(addr), PAGE_SIZE, uc_protection(alloc.pages[i]))

    def decommit(self, addr: int, size: int) -> None:
        start, end = page_floor(addr), page_ceil(addr + size)
        alloc = self.allocation_at(start)
        if alloc is None or end > alloc.end:
            raise NtError("STATUS_MEMORY_NOT_ALLOCATED", f"{addr:#x} is not allocated")
        self._apply(alloc, (start - alloc.base) // PAGE_SIZE, (end - alloc.base) // PAGE_SIZE, 0)

    def release(self, base: int) -> Allocation:
        alloc = self._allocs.get(base)
        if alloc is None:
            raise NtError("STATUS_MEMORY_NOT_ALLOCATED", f"{base:#x} is not an allocation base")
        self.decommit(alloc.base, alloc.size)
        self._bases.remove(base)
        del self._allocs[base]
        return alloc

    def _apply(self, alloc: Allocation, first: int, last: int, protect: int) -> None:
        """Give pages [first, last) of `alloc` the protection `protect` (0: decommitted), with as few
        Unicorn calls as the change needs.

        Unicorn keeps one permission per mapped region, so every mem_map, mem_unmap and mem_protect
        that does not cover whole regions splits one: the region is unmapped, re-mapped in pieces
        and its contents copied (a cost that grows with the region's size, and the translated code
        of the region is dropped).  Hence: one call per run of pages that really change (a run of
        fresh pages is mapped, a run of committed pages unmapped or re-protected as a whole), none
        for pages whose Unicorn protection stays the same."""
        pages = alloc.pages
        new_uc = uc_protection(protect) if protect else -1
        lost_exec = False
        i = first
        while i < last:
            old = pages[i]
            old_uc = uc_protection(old) if old else -1
            j = i + 1
            if protect == 0 or old == 0:
                # a run of one state (committed or not): decommit unmaps it, commit maps it
                while j < last and (pages[j] == 0) == (old == 0):
                    j += 1
            else:
                while j < last and pages[j] and uc_protection(pages[j]) == old_uc:
                    j += 1
            if old_uc != new_uc:
                at, length = alloc.base + i * PAGE_SIZE, (j - i) * PAGE_SIZE
                if old == 0:
                    self.uc.mem_map(at, length, new_uc)
                    self.committed += length
                elif protect == 0:
                    lost_exec = lost_exec or any(pages[k] & 0xF0 for k in range(i, j))
                    self.uc.mem_unmap(at, length)
                    self.committed -= length
                else:
                    lost_exec = lost_exec or (old & 0xF0 and not protect & 0xF0)
                    self.uc.mem_protect(at, length, new_uc)
            i = j
        pages[first:last] = [protect] * (last - first)
        if lost_exec:
            self.flush_code(alloc.base + first * PAGE_SIZE, (last - first) * PAGE_SIZE)

    def flush_code(self, addr: int, size: int) -> None:
        """Drop translated code of a range whose contents or mapping changed under Unicorn."""
        try:
            self.uc.ctl_remove_cache(addr, addr + size)
        except (UcError, AttributeError):
            pass

    def query(self, addr: int) -> RegionInfo:
        """NtQueryVirtualMemory(MemoryBasicInformation) for one address."""
        page = page_floor(addr)
        alloc = self.allocation_at(page)
        if alloc is None:
            i = bisect.bisect_right(self._bases, page)
            nxt = self._bases[i] if i < len(self._bases) else self.highest + 1
            j = i - 1
            prev_end = self._allocs[self._bases[j]].end if j >= 0 else self.lowest
            start = max(prev_end, self.lowest) if page >= self.lowest else 0
            start = min(start, page)
            return RegionInfo(start, 0, 0, max(nxt - start, 0), MEM_FREE, PAGE_NOACCESS, 0)
        i = (page - alloc.base) // PAGE_SIZE
        prot = alloc.pages[i]
        j = i
        while j > 0 and alloc.pages[j - 1] == prot:
            j -= 1
        k = i
        while k + 1 < len(alloc.pages) and alloc.pages[k + 1] == prot:
            k += 1
        state = MEM_COMMIT if prot else MEM_RESERVE
        return RegionInfo(alloc.base + j * PAGE_SIZE, alloc.base, alloc.initial_protect,
                          (k - j + 1) * PAGE_SIZE, state, prot, alloc.type, alloc.tag)

    def regions(self) -> list[RegionInfo]:
        """Every region of every allocation, in address order (the memory map)."""
        out = []
        for a in self.allocations():
            addr = a.base
            while addr < a.end:
                r = self.query(addr)
                out.append(r)
                addr = r.base + r.size
        return out

    def page_protection(self, addr: int) -> int | None:
        """The Windows protection of the page at addr, 0 when reserved, None when free."""
        alloc = self.allocation_at(addr)
        if alloc is None:
            return None
        return alloc.pages[(page_floor(addr) - alloc.base) // PAGE_SIZE]

    # -- data ---------------------------------------------------------------------------------------
    def read(self, addr: int, size: int) -> bytes:
        try:
            return bytes(self.uc.mem_read(addr, size))
        except UcError:
            raise MemoryFault(addr, size) from None

    def write(self, addr: int, data: bytes) -> None:
        try:
            self.uc.mem_write(addr, bytes(data))
        except UcError:
            raise MemoryFault(addr, len(data), write=True) from None

