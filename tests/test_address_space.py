"""emu/memory.py's AddressSpace on a real Unicorn engine: what reserve/commit/protect/decommit/release
leave in the engine, and how many engine calls they cost.

Unicorn keeps one permission per mapped region; a mem_map/mem_unmap/mem_protect that covers part
of a region splits it (unmaps it, re-maps the pieces and copies the contents), which costs time in
proportion to the region and drops its translated code.  Decommitting a large region page by page
used to split it once per page (7-Zip spent 100 s of a 126 s run in that).  These tests pin the
contract: one engine call per run of pages that really changes, none for pages that keep their
engine protection, and the Windows semantics of each state (a decommitted page faults, a
recommitted page reads as zeros, neighbours keep their data, code written again runs again)."""
import struct

import pytest
from unicorn import UC_ARCH_X86, UC_MODE_32, Uc

from emu.status import MemoryFault

from emu.cpu import Machine
from emu.memory import (MEM_COMMIT, MEM_RESERVE, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_GUARD,
                        PAGE_READONLY, PAGE_READWRITE, PAGE_SIZE, PAGE_WRITECOPY, AddressSpace)

MB = 1 << 20


class Recording:
    """A Unicorn engine that logs the calls which change its mappings."""

    def __init__(self):
        self.uc = Uc(UC_ARCH_X86, UC_MODE_32)
        self.calls = []

    def mem_map(self, addr, size, perms):
        self.calls.append(("map", addr, size))
        self.uc.mem_map(addr, size, perms)

    def mem_unmap(self, addr, size):
        self.calls.append(("unmap", addr, size))
        self.uc.mem_unmap(addr, size)

    def mem_protect(self, addr, size, perms):
        self.calls.append(("protect", addr, size))
        self.uc.mem_protect(addr, size, perms)

    def __getattr__(self, name):
        return getattr(self.uc, name)

    def take(self):
        calls, self.calls = self.calls, []
        return calls


@pytest.fixture
def space():
    rec = Recording()
    return rec, AddressSpace(rec)


def test_release_of_a_large_allocation_is_one_unmap(space):
    rec, mem = space
    base = mem.allocate(None, 16 * MB, PAGE_READWRITE)
    assert rec.take() == [("map", base, 16 * MB)]
    mem.write(base + 5 * MB, b"data")
    mem.release(base)
    assert rec.take() == [("unmap", base, 16 * MB)]
    assert mem.committed == 0 and mem.is_free(base, 16 * MB)
    with pytest.raises(MemoryFault):
        mem.read(base + 5 * MB, 4)
    assert list(rec.uc.mem_regions()) == []


def test_decommit_of_a_range_is_one_unmap_and_keeps_the_neighbours(space):
    rec, mem = space
    base = mem.allocate(None, 4 * MB, PAGE_READWRITE)
    mem.write(base, b"\x11" * (4 * MB))
    rec.take()
    mem.decommit(base + 1 * MB, 2 * MB)
    assert rec.take() == [("unmap", base + 1 * MB, 2 * MB)]
    for addr in (base + 1 * MB, base + 2 * MB, base + 3 * MB - 1):
        with pytest.raises(MemoryFault):
            mem.read(addr, 1)
    assert mem.read(base + 1 * MB - 4, 4) == b"\x11" * 4
    assert mem.read(base + 3 * MB, 4) == b"\x11" * 4
    info = mem.query(base + 1 * MB)
    assert (info.base, info.size, info.state) == (base + 1 * MB, 2 * MB, MEM_RESERVE)
    assert mem.committed == 2 * MB
    # decommitting it again, or a release, touches only what is still committed
    mem.decommit(base, 4 * MB)
    assert rec.take() == [("unmap", base, 1 * MB), ("unmap", base + 3 * MB, 1 * MB)]


def test_recommitted_pages_read_as_zeros(space):
    rec, mem = space
    base = mem.allocate(None, 64 * PAGE_SIZE, PAGE_READWRITE)
    mem.write(base, b"\xAB" * (64 * PAGE_SIZE))
    mem.decommit(base + 8 * PAGE_SIZE, 8 * PAGE_SIZE)
    rec.take()
    mem.commit(base, 64 * PAGE_SIZE, PAGE_READWRITE)       # only the hole is new
    assert rec.take() == [("map", base + 8 * PAGE_SIZE, 8 * PAGE_SIZE)]
    assert mem.read(base + 8 * PAGE_SIZE, 8 * PAGE_SIZE) == bytes(8 * PAGE_SIZE)
    assert mem.read(base + 7 * PAGE_SIZE, PAGE_SIZE) == b"\xAB" * PAGE_SIZE
    assert mem.read(base + 16 * PAGE_SIZE, PAGE_SIZE) == b"\xAB" * PAGE_SIZE
    assert mem.committed == 64 * PAGE_SIZE


def test_protect_calls_the_engine_only_for_pages_whose_engine_protection_changes(space):
    rec, mem = space
    base = mem.allocate(None, 32 * PAGE_SIZE, PAGE_READWRITE)
    rec.take()
    # PAGE_WRITECOPY is read/write to the CPU like PAGE_READWRITE: nothing to tell the engine
    assert mem.protect(base, 32 * PAGE_SIZE, PAGE_WRITECOPY) == PAGE_READWRITE
    assert rec.take() == []
    assert mem.query(base).protect == PAGE_WRITECOPY
    mem.protect(base + 4 * PAGE_SIZE, 4 * PAGE_SIZE, PAGE_READONLY)
    assert rec.take() == [("protect", base + 4 * PAGE_SIZE, 4 * PAGE_SIZE)]
    # one call per run that changes: [0,4) and [8,32) become read-only, [4,8) already is
    mem.protect(base, 32 * PAGE_SIZE, PAGE_READONLY)
    assert rec.take() == [("protect", base, 4 * PAGE_SIZE), ("protect", base + 8 * PAGE_SIZE, 24 * PAGE_SIZE)]
    # commit over a mix of committed and reserved pages: map the hole, re-protect the rest
    mem.decommit(base + 10 * PAGE_SIZE, 2 * PAGE_SIZE)
    rec.take()
    mem.commit(base + 8 * PAGE_SIZE, 8 * PAGE_SIZE, PAGE_READWRITE)
    assert rec.take() == [("protect", base + 8 * PAGE_SIZE, 2 * PAGE_SIZE),
                          ("map", base + 10 * PAGE_SIZE, 2 * PAGE_SIZE),
                          ("protect", base + 12 * PAGE_SIZE, 4 * PAGE_SIZE)]
    assert mem.query(base + 8 * PAGE_SIZE).size == 8 * PAGE_SIZE
    assert mem.query(base + 8 * PAGE_SIZE).state == MEM_COMMIT


def _run(m, code_at, code):
    m.write(code_at, code)
    outcome = m.run(code_at)
    return outcome, m.reg("eax")


def test_guest_faults_on_a_decommitted_page_and_reads_zeros_after_recommit():
    m = Machine()
    mem = m.memory
    code = mem.allocate(0x400000, PAGE_SIZE, PAGE_EXECUTE_READWRITE)
    data = mem.allocate(0x10000000, 4 * MB, PAGE_READWRITE)
    m.write(data + 2 * MB, struct.pack("<I", 0x12345678))
    load = b"\xa1" + struct.pack("<I", data + 2 * MB) + b"\xcc"      # mov eax, [data+2MB]; int3
    outcome, eax = _run(m, code, load)
    assert outcome == "fault" and m.fault.vector == 3 and eax == 0x12345678   # int3: #BP
    mem.decommit(data + 2 * MB, PAGE_SIZE)
    outcome, _ = _run(m, code, load)
    assert outcome == "fault" and m.fault.kind == "memory"
    assert (m.fault.eip, m.fault.address, m.fault.mapped) == (code, data + 2 * MB, False)
    mem.commit(data + 2 * MB, PAGE_SIZE, PAGE_READWRITE)
    m.set_reg("eax", 0xFFFFFFFF)
    outcome, eax = _run(m, code, load)
    assert m.fault.vector == 3 and eax == 0


def test_guard_page_inside_a_committed_run_faults_once_as_mapped():
    m = Machine()
    mem = m.memory
    code = mem.allocate(0x400000, PAGE_SIZE, PAGE_EXECUTE_READWRITE)
    data = mem.allocate(0x10000000, 64 * PAGE_SIZE, PAGE_READWRITE)
    mem.protect(data + 9 * PAGE_SIZE, PAGE_SIZE, PAGE_READWRITE | PAGE_GUARD)
    store = b"\xc7\x05" + struct.pack("<II", data + 9 * PAGE_SIZE, 7) + b"\xcc"   # mov [x], 7; int3
    outcome, _ = _run(m, code, store)
    assert outcome == "fault" and m.fault.kind == "memory" and m.fault.mapped
    assert mem.page_protection(m.fault.address) == PAGE_READWRITE | PAGE_GUARD
    mem.clear_guard(m.fault.address)
    outcome, _ = _run(m, code, store)
    assert m.fault.vector == 3 and m.read_u32(data + 9 * PAGE_SIZE) == 7


def test_code_written_again_into_a_recommitted_page_runs_the_new_code():
    """Translated code of a decommitted page must not outlive it."""
    m = Machine()
    mem = m.memory
    base = mem.allocate(0x400000, 16 * PAGE_SIZE, PAGE_EXECUTE_READWRITE)
    page = base + 4 * PAGE_SIZE
    mov_eax = lambda v: b"\xb8" + struct.pack("<I", v) + b"\xcc"     # mov eax, v; int3
    assert _run(m, page, mov_eax(1))[1] == 1
    mem.decommit(page, PAGE_SIZE)
    mem.commit(page, PAGE_SIZE, PAGE_EXECUTE_READWRITE)
    assert _run(m, page, mov_eax(2))[1] == 2
    # and after a protection round trip through a non-executable protection
    mem.protect(page, PAGE_SIZE, PAGE_READWRITE)
    m.write(page, mov_eax(3))
    assert m.run(page) == "fault" and m.fault.kind == "memory" and m.fault.access == 8
    mem.protect(page, PAGE_SIZE, PAGE_EXECUTE_READ)
    assert m.run(page) == "fault" and m.fault.vector == 3 and m.reg("eax") == 3


def test_image_view_pages_no_section_covers_stay_reserved(tmp_path):
    """kernel/mm.py commits each run of one protection as it stays; a gap between sections is reserved."""
    import pecraft as pc
    from ntboot import Emulator

    pe = pc.PE()
    imp = pc.Imports({"kernel32.dll": pc.KERNEL32_BASICS})
    pe.put_imports(imp, 0x2000)
    asm = pc.Asm(pe.va(0x1000), pe.base)
    pc.write_stdout_then_exit(asm, pe.iat(imp), "gap\n", 3)
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.add_section(".rdata", 0x6000, b"\x5A" * 0x1800, pc.RDATA)          # 0x3000-0x5FFF: no section
    pe.entry = 0x1000
    path = tmp_path / "gap.exe"
    pe.write(path)
    emu = Emulator(timeout=30)
    try:
        emu.create_process(str(path), [])
        assert emu.run_to("entry") is None
        mem, b = emu.process.memory, pe.base
        gap = mem.query(b + 0x3000)
        assert (gap.base, gap.size, gap.state, gap.allocation_base) == (b + 0x3000, 0x3000, MEM_RESERVE, b)
        with pytest.raises(MemoryFault):
            emu.read(b + 0x4000, 4)
        rdata = mem.query(b + 0x6000)
        assert (rdata.state, rdata.protect, rdata.size) == (MEM_COMMIT, PAGE_READONLY, 0x2000)
        assert emu.read(b + 0x6000, 0x2000) == b"\x5A" * 0x1800 + bytes(0x800)
        assert mem.query(b + 0x1000).protect == PAGE_EXECUTE_READ
        assert sum(r.size for r in mem.regions() if r.allocation_base == b and r.state == MEM_COMMIT) == 0x5000
        r = emu.run()
    finally:
        emu.close()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 3, b"gap\n")
