"""Odd but valid PE32 layouts load and run the way Windows 7 runs them; invalid ones are refused
with the NTSTATUS Windows gives.  The images are built by tests/pecraft.py.

Where Windows' rules are quoted, the source is the Windows XP SP1 memory manager
(base/ntos/mm/creasect.c, MiCreateImageFileMap and MiVerifyImageHeader) and loader
(base/ntdll/ldrsnap.c), whose rules Windows 7 keeps: sections must follow one another without
gaps (the first at SizeOfHeaders rounded up to SectionAlignment), SizeOfHeaders must be below
SizeOfImage, and an image whose SectionAlignment is below a page is mapped flat, as one
PAGE_EXECUTE_WRITECOPY run, with every section's PointerToRawData equal to its VirtualAddress and
no VirtualSize above SizeOfRawData.  The valid images here keep all of those rules.
"""
from __future__ import annotations

import struct
from contextlib import contextmanager

import pefile
import pytest

import pecraft as pc
from ntboot.api import Emulator, ProgramError
from kernel.rtl.status import STATUS

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)

K32 = {"kernel32.dll": pc.KERNEL32_BASICS}
SYSTEM32 = "C:\\Windows\\System32\\"


# -- running ------------------------------------------------------------------------------------------
def run(path):
    emu = Emulator(timeout=30)
    try:
        emu.create_process(str(path), [])
        return emu.run()
    finally:
        emu.close()


@contextmanager
def stopped_at_entry(path):
    """The process stopped at the image's entry point (loader done); `emu.run()` goes on."""
    emu = Emulator(timeout=30)
    try:
        emu.create_process(str(path), [])
        assert emu.run_to("entry") is None, "the process ended before its entry point"
        yield emu
    finally:
        emu.close()


def refused(path, words: str = "") -> int:
    """The status create_process refuses the image with (its message must contain `words`)."""
    emu = Emulator(timeout=30)
    try:
        with pytest.raises(ProgramError) as info:
            emu.create_process(str(path), [])
        assert words in str(info.value)
        return info.value.status
    finally:
        emu.close()


def system_exports(emu, dll: str) -> dict:
    """name -> (ordinal, rva or forwarder) from the synthesized system DLL's file."""
    data = emu.kernel.io.resolve(SYSTEM32 + dll).read_bytes()
    pe = pefile.PE(data=data)
    out = {}
    for s in pe.DIRECTORY_ENTRY_EXPORT.symbols:
        if s.name:
            out[s.name.decode()] = (s.ordinal, s.forwarder.decode() if s.forwarder else s.address)
    return out


def module_base(emu, name: str) -> int:
    for n, base in emu.module_orders()["InLoadOrderModuleList"]:
        if n.lower() == name.lower():
            return base
    raise KeyError(name)


def export_va(emu, dll: str, name: str) -> int:
    _, rva = system_exports(emu, dll)[name]
    return module_base(emu, dll) + rva


def protect(emu, va: int) -> int:
    return emu.process.memory.query(va).protect


# -- building blocks ----------------------------------------------------------------------------------
def hello_code(pe: pc.PE, rva: int, imp: pc.Imports, text: str, code: int) -> pc.Asm:
    asm = pc.Asm(pe.va(rva), pe.base)
    pc.write_stdout_then_exit(asm, pe.iat(imp), text, code)
    return asm


def build_dll(path, name: str, base: int, exports: list, *, imports: dict | None = None,
              attach_text: str | None = None, relocate: bool = False) -> pc.PE:
    """A DLL: .text (DllMain and the exported functions), .idata, .edata, .reloc, contiguous.

    exports: [(ordinal, name or None, body)], body either a callable(asm, iat) that emits the
    function, or a forwarder string.  DllMain writes `attach_text` on DLL_PROCESS_ATTACH."""
    pe = pc.PE(base=base, dll=True)
    imports = dict(imports or {})
    if attach_text is not None:
        k32 = imports.setdefault("kernel32.dll", [])
        for n in ("GetStdHandle", "WriteFile"):
            if n not in k32:
                k32.append(n)
    text_rva = 0x1000
    rva = 0x2000
    imp = None
    if imports:
        imp = pc.Imports(imports)
        idata_rva, rva = rva, rva + pc.align(imp.size(), 0x1000)
        pe.put_imports(imp, idata_rva)
    iat = pe.iat(imp) if imp else {}
    asm = pc.Asm(pe.va(text_rva), pe.base)
    asm.label("DllMain")
    if attach_text is not None:
        asm.mov_eax_arg(8).cmp_eax_imm(1).jnz("dllmain_done")
        pc.write_stdout(asm, iat, attach_text)
        asm.label("dllmain_done")
    asm.mov_eax_imm(1).ret(12)
    ex = pc.Exports(name, ordinal_base=min(o for o, _, _ in exports))
    for ordinal, ename, body in exports:
        if isinstance(body, str):
            ex.add(ordinal, body, ename)
        else:
            ex.add(ordinal, asm.here - pe.base, ename)
            body(asm, iat)
    code = asm.assemble()
    edata_rva, rva = rva, rva + pc.align(ex.size(), 0x1000)
    pe.add_section(".text", text_rva, code, pc.CODE)
    if imp:
        pe.add_section(".idata", idata_rva, imp.blob, pc.DATA)
    pe.add_section(".edata", edata_rva, pe.put_exports(ex, edata_rva), pc.RDATA)
    if relocate:
        pe.add_section(".reloc", rva, pe.put_relocations(asm.fixups, rva), pc.RDATA)
    pe.entry = text_rva
    pe.write(path)
    return pe


def returns(value: int):
    """An exported function: return value (stdcall, no arguments)."""
    return lambda asm, iat: asm.mov_eax_imm(value).ret()


# == 1. no sections: the code lives in the headers =====================================================
@pytest.mark.parametrize("e_lfanew,alignment", [(0x40, 0x200), (4, 4)], ids=["align512", "tiny-align4"])
def test_no_sections_code_in_headers(tmp_path, e_lfanew, alignment):
    # e_lfanew 4 puts the DOS header's e_lfanew field (0x3C) on SectionAlignment: both are 4
    pe = pc.PE(e_lfanew=e_lfanew, section_alignment=alignment, file_alignment=alignment)
    imp = pc.Imports(K32)
    imp_rva = pc.align(pe.headers_end(), 4)
    pe.put_header(imp_rva, pe.put_imports(imp, imp_rva))
    code_rva = pc.align(imp_rva + len(imp.blob), 16)
    asm = hello_code(pe, code_rva, imp, "tiny\n", 7)
    pe.put_header(code_rva, asm.assemble())
    pe.entry = code_rva
    pe.size_of_headers = pc.align(code_rva + len(asm), alignment)
    # Windows wants SizeOfHeaders < SizeOfImage; a second page, past the end of the file, is zero
    pe.size_of_image = 0x1000 + alignment
    path = tmp_path / "tiny.exe"
    pe.write(path)
    assert len(pe.build()) == pe.size_of_headers < 0x1000
    with stopped_at_entry(path) as emu:
        assert emu.process.image_base == pe.base
        # flat: one run, executable and copy-on-write (the first page, where the loader wrote the
        # IAT, is left out: Windows may show a written copy-on-write page as read-write)
        assert protect(emu, pe.base + 0x1000) == pc.PAGE_EXECUTE_WRITECOPY
        assert emu.read(pe.base + 0x1000, 0x1000) == bytes(0x1000)
        assert emu.read(pe.va(code_rva), len(asm)) == asm.assemble()
        assert emu.read_u32(pe.va(imp.slots["ExitProcess"])) == export_va(emu, "kernel32.dll", "ExitProcess")
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 7, b"tiny\n")


# == 2. many sections, every protection ===============================================================
PROTECTION_OF = {   # (execute, read, write) -> what VirtualQuery reports for a fresh image page
    (0, 0, 0): pc.PAGE_NOACCESS, (1, 0, 0): pc.PAGE_EXECUTE, (0, 1, 0): pc.PAGE_READONLY,
    (1, 1, 0): pc.PAGE_EXECUTE_READ, (0, 0, 1): pc.PAGE_WRITECOPY, (1, 0, 1): pc.PAGE_EXECUTE_WRITECOPY,
    (0, 1, 1): pc.PAGE_WRITECOPY, (1, 1, 1): pc.PAGE_EXECUTE_WRITECOPY,
}
CONTENT_FLAGS = [pc.IMAGE_SCN_CNT_CODE, pc.IMAGE_SCN_CNT_INITIALIZED_DATA, pc.IMAGE_SCN_CNT_UNINITIALIZED_DATA, 0]


def characteristics(x: int, r: int, w: int, content: int) -> int:
    return (content | (pc.IMAGE_SCN_MEM_EXECUTE if x else 0) | (pc.IMAGE_SCN_MEM_READ if r else 0)
            | (pc.IMAGE_SCN_MEM_WRITE if w else 0))


def test_96_sections_each_with_its_protection(tmp_path):
    n = 96                                      # the most Windows XP takes; Windows 7 takes more
    pe = pc.PE()
    headers_end = pe.e_lfanew + 0x18 + 0xE0 + 40 * n
    assert headers_end > 0x1000                 # the headers take two pages
    first = pc.align(headers_end, 0x1000)
    imp = pc.Imports(K32)
    text_rva, idata_rva = first, first + 0x1000
    pe.put_imports(imp, idata_rva)
    pe.add_section(".text", text_rva, hello_code(pe, text_rva, imp, "96 sections\n", 96).assemble(), pc.CODE)
    pe.add_section(".idata", idata_rva, imp.blob, pc.DATA)
    combos = list(PROTECTION_OF)
    expected = {}
    for i in range(2, n):
        x, r, w = combos[i % 8]
        content = CONTENT_FLAGS[(i // 8) % 4]
        rva = first + 0x1000 * i
        marker = struct.pack("<II", 0x5EC70000 + i, characteristics(x, r, w, content))
        pe.add_section(f"s{i:02d}", rva, marker, characteristics(x, r, w, content))
        expected[rva] = (PROTECTION_OF[(x, r, w)], marker)
    pe.entry = text_rva
    path = tmp_path / "many.exe"
    pe.write(path)
    assert pe.size_of_headers is None and pe.effective_size_of_headers() == 0x1200
    with stopped_at_entry(path) as emu:
        base = pe.base
        assert protect(emu, base) == pc.PAGE_READONLY
        assert protect(emu, base + 0x1000) == pc.PAGE_READONLY      # the second header page
        assert emu.read(base + 0x1000, 0x38) == pe.build()[0x1000:0x1038]
        assert protect(emu, base + text_rva) == pc.PAGE_EXECUTE_READ
        wrong = {hex(rva): (hex(protect(emu, base + rva)), hex(want))
                 for rva, (want, _) in expected.items() if protect(emu, base + rva) != want}
        assert not wrong, f"section protections (got, want): {wrong}"
        for rva, (_, marker) in expected.items():
            assert emu.read(base + rva, 8) == marker
            assert emu.read(base + rva + 8, 0x1000 - 8) == bytes(0x1000 - 8)
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 96, b"96 sections\n")


# == 3. huge alignments ================================================================================
@pytest.mark.parametrize("file_alignment", [0x1000, 0x10000])
def test_section_alignment_64k(tmp_path, file_alignment):
    sa = 0x10000
    pe = pc.PE(section_alignment=sa, file_alignment=file_alignment)
    imp = pc.Imports(K32)
    text_rva, idata_rva, data_rva = sa, 2 * sa, 3 * sa
    pe.put_imports(imp, idata_rva)
    asm = pc.Asm(pe.va(text_rva), pe.base)
    # the data section is readable and writable at its 64K-aligned address
    asm.mov_eax_mem(pe.va(data_rva)).cmp_eax_imm(0xC0FFEE).jnz("bad")
    asm.mov_mem_imm(pe.va(data_rva + 4), 0x12345678)
    pc.write_stdout_then_exit(asm, pe.iat(imp), "64K\n", 64)
    asm.label("bad")
    pc.exit_with(asm, pe.iat(imp), 1)
    pe.add_section(".text", text_rva, asm.assemble(), pc.CODE)
    pe.add_section(".idata", idata_rva, imp.blob, pc.DATA)
    pe.add_section(".data", data_rva, struct.pack("<I", 0xC0FFEE), pc.DATA)
    pe.entry = text_rva
    path = tmp_path / "align64k.exe"
    pe.write(path)
    data = pe.build()
    assert len(data) == pc.align(pe.headers_end(), file_alignment) + 3 * file_alignment
    with stopped_at_entry(path) as emu:
        assert emu.process.image_base == pe.base
        assert protect(emu, pe.base) == pc.PAGE_READONLY
        assert protect(emu, pe.va(text_rva)) == pc.PAGE_EXECUTE_READ
        assert protect(emu, pe.va(data_rva)) == pc.PAGE_WRITECOPY
        assert emu.read(pe.va(text_rva), len(asm)) == asm.assemble()
        assert emu.read_u32(pe.va(data_rva)) == 0xC0FFEE
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 64, b"64K\n")


# == 4. virtual sizes and raw sizes that disagree =====================================================
def test_virtual_only_and_partial_sections(tmp_path):
    pe = pc.PE()
    imp = pc.Imports(K32)
    text, idata, bss, tail, big, after = 0x1000, 0x2000, 0x3000, 0x6000, 0x8000, 0x9000
    pe.put_imports(imp, idata)
    asm = pc.Asm(pe.va(text), pe.base)
    # .bss: zero, writable to its last byte
    asm.mov_eax_mem(pe.va(bss)).test_eax_eax().jnz("bad")
    asm.mov_eax_mem(pe.va(bss + 0x2FFC)).test_eax_eax().jnz("bad")
    asm.mov_mem_imm(pe.va(bss + 0x2FFC), 0xB55)
    asm.mov_eax_mem(pe.va(bss + 0x2FFC)).cmp_eax_imm(0xB55).jnz("bad")
    # .tail: file data, then zeros up to its VirtualSize, writable there
    asm.mov_eax_mem(pe.va(tail)).cmp_eax_imm(0xAAAAAAAA).jnz("bad")
    asm.mov_eax_mem(pe.va(tail + 0x17FC)).test_eax_eax().jnz("bad")
    asm.mov_mem_imm(pe.va(tail + 0x17FC), 1)
    pc.write_stdout_then_exit(asm, pe.iat(imp), "sizes\n", 4)
    asm.label("bad")
    pc.exit_with(asm, pe.iat(imp), 1)
    pe.add_section(".text", text, asm.assemble(), pc.CODE)
    pe.add_section(".idata", idata, imp.blob, pc.DATA)
    pe.add_section(".bss", bss, b"", pc.BSS, virtual_size=0x3000, raw_size=0)
    pe.add_section(".tail", tail, b"\xAA" * 0x200, pc.DATA, virtual_size=0x1800)
    pe.add_section(".big", big, b"\xBB" * 0x2000, pc.RDATA, virtual_size=0x800)
    pe.add_section(".after", after, b"\xCC" * 0x200, pc.RDATA)
    pe.entry = text
    path = tmp_path / "sizes.exe"
    pe.write(path)
    raw = {s.Name.rstrip(b"\0").decode(): (s.PointerToRawData, s.SizeOfRawData)
           for s in pefile.PE(data=pe.build()).sections}
    assert raw[".bss"] == (0, 0)
    assert raw[".tail"][0] + 0x200 == raw[".big"][0]     # .big's bytes follow .tail's in the file
    with stopped_at_entry(path) as emu:
        b = pe.base
        assert emu.read(b + bss, 0x3000) == bytes(0x3000)
        assert protect(emu, b + bss) == protect(emu, b + bss + 0x2000) == pc.PAGE_WRITECOPY
        assert emu.read(b + tail, 0x200) == b"\xAA" * 0x200
        assert emu.read(b + tail + 0x200, 0x1E00) == bytes(0x1E00)      # not .big's bytes
        assert emu.read(b + big, 0x800) == b"\xBB" * 0x800
        # the rest of .big's raw data is cut at its (page-rounded) virtual size: .after is intact
        assert emu.read(b + after, 0x1000) == b"\xCC" * 0x200 + bytes(0xE00)
        assert protect(emu, b + big) == protect(emu, b + after) == pc.PAGE_READONLY
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 4, b"sizes\n")


# == 5. overlapping headers ============================================================================
@pytest.mark.parametrize("e_lfanew,field", [
    (0x40, None),            # no DOS stub: the PE header right after the DOS header
    (0x0C, "BaseOfData"),    # 0x3C = optional header + 0x18
    (0x2C, "NumberOfSymbols"),   # 0x3C = COFF header + 0x0C
])
def test_pe_header_overlapping_the_dos_header(tmp_path, e_lfanew, field):
    pe = pc.console_exe("overlap\n", 5, e_lfanew=e_lfanew, dos_stub=False)
    if field:
        pe.put_header(0x3C, struct.pack("<I", e_lfanew))   # that field holds e_lfanew too
    path = tmp_path / "overlap.exe"
    pe.write(path)
    data = pe.build()
    assert data[:2] == b"MZ" and data[e_lfanew:e_lfanew + 4] == b"PE\0\0"
    assert struct.unpack_from("<I", data, 0x3C)[0] == e_lfanew
    r = run(path)
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 5, b"overlap\n")


# == 6. the import directory in odd places =============================================================
def imports_in_headers(pe: pc.PE):
    imp = pc.Imports(K32)
    at = 0x200
    pe.put_header(at, pe.put_imports(imp, at))
    pe.size_of_headers = 0x400
    asm = hello_code(pe, 0x1000, imp, "odd imports\n", 6)
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    return imp, pc.PAGE_READONLY


def imports_inside_code(pe: pc.PE):
    imp = pc.Imports(K32)
    at = 0x1100
    pe.put_imports(imp, at)
    code = hello_code(pe, 0x1000, imp, "odd imports\n", 6).assemble()
    assert len(code) <= 0x100
    pe.add_section(".text", 0x1000, code.ljust(0x100, b"\xCC") + imp.blob, pc.CODE)
    return imp, pc.PAGE_EXECUTE_READ


def imports_at_the_end_of_the_image(pe: pc.PE):
    # the tables end on the last byte of the last section, at the end of SizeOfImage
    imp = pc.Imports(K32)
    at = 0x3000 - imp.size()
    pe.put_imports(imp, at)
    pe.add_section(".text", 0x1000, hello_code(pe, 0x1000, imp, "odd imports\n", 6).assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, bytes(0x1000 - imp.size()) + imp.blob, pc.RDATA)
    assert pe.effective_size_of_image() == 0x3000
    return imp, pc.PAGE_READONLY


def iat_in_a_read_only_section(pe: pc.PE):
    imp = pc.Imports(K32)
    pe.put_imports(imp, 0x2000, iat_rva=0x3000)
    pe.add_section(".text", 0x1000, hello_code(pe, 0x1000, imp, "odd imports\n", 6).assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.add_section(".rdata", 0x3000, imp.iat_blob, pc.RDATA)
    return imp, pc.PAGE_READONLY


def no_lookup_table_iat_read_only(pe: pc.PE):
    # OriginalFirstThunk 0 (old Borland linkers): the loader reads the names from the IAT itself
    imp = pc.Imports(K32, no_ilt=True)
    pe.put_imports(imp, 0x2000, iat_rva=0x3000)
    pe.add_section(".text", 0x1000, hello_code(pe, 0x1000, imp, "odd imports\n", 6).assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.add_section(".rdata", 0x3000, imp.iat_blob, pc.RDATA)
    return imp, pc.PAGE_READONLY


@pytest.mark.parametrize("place", [imports_in_headers, imports_inside_code, imports_at_the_end_of_the_image,
                                   iat_in_a_read_only_section, no_lookup_table_iat_read_only],
                         ids=lambda f: f.__name__)
def test_import_tables_in_odd_places(tmp_path, place):
    pe = pc.PE()
    imp, iat_protection = place(pe)
    pe.entry = 0x1000
    path = tmp_path / "imports.exe"
    pe.write(path)
    with stopped_at_entry(path) as emu:
        for name in pc.KERNEL32_BASICS:
            slot = pe.va(imp.slots[name])
            assert emu.read_u32(slot) == export_va(emu, "kernel32.dll", name), name
        # the loader wrote the IAT and gave the page its protection back
        assert protect(emu, pe.va(imp.slots["ExitProcess"])) == iat_protection
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 6, b"odd imports\n")


def test_lookup_table_outside_the_image_is_ignored(tmp_path):
    """An OriginalFirstThunk below SizeOfHeaders or past SizeOfImage (Borland TLINK 2.25 left junk
    there) is ignored: the loader reads the names from FirstThunk (ldrsnap.c, LdrpSnapIAT)."""
    pe = pc.PE()
    imp = pc.Imports(K32)
    blob = bytearray(pe.put_imports(imp, 0x2000))
    struct.pack_into("<I", blob, 0, 0x00F00000)          # first descriptor's OriginalFirstThunk
    pe.add_section(".text", 0x1000, hello_code(pe, 0x1000, imp, "junk oft\n", 3).assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, bytes(blob), pc.DATA)
    pe.entry = 0x1000
    path = tmp_path / "junkoft.exe"
    pe.write(path)
    r = run(path)
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 3, b"junk oft\n")


def test_descriptor_list_ends_at_a_zero_name(tmp_path):
    """The descriptor walk stops at the first descriptor whose Name or FirstThunk is 0 (ldrsnap.c,
    LdrpHandleOldFormatImportDescriptors), whatever its other fields hold."""
    pe = pc.PE()
    imp = pc.Imports(K32)
    blob = bytearray(pe.put_imports(imp, 0x2000))
    struct.pack_into("<IIII", blob, 20, 0x2000, 0xFFFFFFFF, 0xFFFFFFFF, 0)   # terminator with junk
    pe.add_section(".text", 0x1000, hello_code(pe, 0x1000, imp, "terminated\n", 2).assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, bytes(blob), pc.DATA)
    pe.entry = 0x1000
    path = tmp_path / "term.exe"
    pe.write(path)
    r = run(path)
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 2, b"terminated\n")


def test_descriptor_with_an_empty_iat_is_skipped(tmp_path):
    """A descriptor whose IAT starts with 0 imports nothing: the loader skips it without loading
    its DLL (ldrsnap.c, LdrpHandleOneOldFormatImportDescriptor: "import that has no references")."""
    pe = pc.PE()
    imp = pc.Imports({"kernel32.dll": pc.KERNEL32_BASICS, "nosuchdll.dll": []})
    pe.put_imports(imp, 0x2000)
    pe.add_section(".text", 0x1000, hello_code(pe, 0x1000, imp, "unused\n", 8).assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.entry = 0x1000
    path = tmp_path / "unused.exe"
    pe.write(path)
    r = run(path)
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 8, b"unused\n")


# == 7. SectionAlignment below a page, several sections: mapped flat ===================================
def test_small_section_alignment_maps_flat(tmp_path):
    a = 0x200
    pe = pc.PE(section_alignment=a, file_alignment=a)
    imp = pc.Imports(K32)
    text, rdata, data, idata = 0x200, 0x400, 0x600, 0x1000     # .data runs to 0x1000: the IAT is on page 2
    pe.put_imports(imp, idata)
    asm = pc.Asm(pe.va(text), pe.base)
    # a flat image is writable everywhere: even the "read-only" .rdata
    asm.mov_eax_mem(pe.va(rdata)).cmp_eax_imm(0x0DDBA11).jnz("bad")
    asm.mov_mem_imm(pe.va(rdata), 0xF1A7)
    asm.mov_eax_mem(pe.va(data)).cmp_eax_imm(0xDA7A).jnz("bad")
    pc.write_stdout_then_exit(asm, pe.iat(imp), "flat\n", 9)
    asm.label("bad")
    pc.exit_with(asm, pe.iat(imp), 1)
    for name, rva, body, chars in ((".text", text, asm.assemble(), pc.CODE),
                                   (".rdata", rdata, struct.pack("<I", 0x0DDBA11), pc.RDATA),
                                   (".data", data, struct.pack("<I", 0xDA7A).ljust(idata - data, b"\0"), pc.DATA),
                                   (".idata", idata, imp.blob, pc.DATA)):
        pe.add_section(name, rva, body, chars, raw_offset=rva)     # flat: file offset == RVA
    pe.entry = text
    path = tmp_path / "flat.exe"
    pe.write(path)
    data_bytes = pe.build()
    for s in pefile.PE(data=data_bytes).sections:
        assert s.PointerToRawData == s.VirtualAddress and s.Misc_VirtualSize <= s.SizeOfRawData
    with stopped_at_entry(path) as emu:
        # one run, executable and copy-on-write: headers, code, read-only and writable data alike
        # (the IAT's page is left out: Windows may show a written copy-on-write page as read-write)
        for rva in (0, text, rdata, data, data + 0x9FC):
            assert protect(emu, pe.va(rva)) == pc.PAGE_EXECUTE_WRITECOPY, hex(rva)
        assert emu.read(pe.base, len(data_bytes))[rdata:rdata + 4] == struct.pack("<I", 0x0DDBA11)
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 9, b"flat\n")


# == 8. imports by ordinal ==============================================================================
def test_kernel32_exit_process_by_ordinal(tmp_path):
    emu = Emulator(timeout=30)
    try:
        ordinal, rva = system_exports(emu, "kernel32.dll")["ExitProcess"]
    finally:
        emu.close()
    assert isinstance(rva, int)
    pe = pc.PE()
    imp = pc.Imports({"kernel32.dll": ["GetStdHandle", "WriteFile", ordinal]})
    pe.put_imports(imp, 0x2000)
    iat = pe.iat(imp)
    iat["ExitProcess"] = iat[ordinal]
    asm = pc.Asm(pe.va(0x1000), pe.base)
    pc.write_stdout_then_exit(asm, iat, "by ordinal\n", ordinal & 0xFF)
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.entry = 0x1000
    path = tmp_path / "ord.exe"
    pe.write(path)
    with stopped_at_entry(path) as emu:
        assert emu.read_u32(iat[ordinal]) == module_base(emu, "kernel32.dll") + rva
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", ordinal & 0xFF, b"by ordinal\n")


def ordinal_dll(tmp_path):
    # ordinals 10 and 12, no names; 11 is a hole in the export address table
    build_dll(tmp_path / "ordonly.dll", "ordonly.dll", 0x10000000,
              [(10, None, returns(0x2A)), (12, None, returns(0x33))])


def ordinal_importer(tmp_path, ordinals, text="ordinals\n"):
    pe = pc.PE()
    imp = pc.Imports({"kernel32.dll": pc.KERNEL32_BASICS, "ordonly.dll": ordinals})
    pe.put_imports(imp, 0x2000)
    iat = pe.iat(imp)
    asm = pc.Asm(pe.va(0x1000), pe.base)
    pc.write_stdout(asm, iat, text)
    asm.call_mem(iat[("ordonly.dll", ordinals[0])]).mov_esi_eax()
    asm.call_mem(iat[("ordonly.dll", ordinals[-1])]).add_eax_esi()
    asm.push_eax().call_mem(iat["ExitProcess"])
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.entry = 0x1000
    return pe.write(tmp_path / "useord.exe")


def test_own_dll_exporting_by_ordinal_only(tmp_path):
    ordinal_dll(tmp_path)
    r = run(ordinal_importer(tmp_path, [12, 10]))
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 0x33 + 0x2A, b"ordinals\n")


@pytest.mark.parametrize("missing", [11, 9, 13], ids=["hole", "below-base", "past-end"])
def test_own_dll_missing_ordinal(tmp_path, missing):
    ordinal_dll(tmp_path)
    r = run(ordinal_importer(tmp_path, [10, missing]))
    assert r.reason == "loader error"
    assert r.exit_code == STATUS["STATUS_ORDINAL_NOT_FOUND"]
    assert f"ordinal {missing}" in r.message and "ordonly.dll" in r.message
    assert r.stdout == b""


# == 9. forwarders ======================================================================================
@pytest.mark.profiles("win7sp1")          # XP has no KERNELBASE: tests/test_xp.py
def test_heapalloc_forwarders_from_kernel32_and_kernelbase(tmp_path):
    pe = pc.PE()
    imp = pc.Imports({"kernel32.dll": pc.KERNEL32_BASICS + ["GetProcessHeap", "HeapAlloc"],
                      "KernelBase.dll": ["HeapAlloc"]})
    pe.put_imports(imp, 0x2000)
    iat = pe.iat(imp)
    HEAP_ZERO_MEMORY = 8
    asm = pc.Asm(pe.va(0x1000), pe.base)
    asm.call_mem(iat["GetProcessHeap"]).mov_ebx_eax()
    asm.push(16).push(HEAP_ZERO_MEMORY).push_ebx().call_mem(iat[("kernel32.dll", "HeapAlloc")])
    asm.test_eax_eax().jz("bad").mov_esi_eax()
    asm.mov_eax_deref_eax().test_eax_eax().jnz("bad")      # zeroed
    asm.push(32).push(HEAP_ZERO_MEMORY).push_ebx().call_mem(iat[("KernelBase.dll", "HeapAlloc")])
    asm.test_eax_eax().jz("bad").cmp_eax_esi().jz("bad")   # a second, different block
    asm.mov_deref_eax_imm(0x600D)
    pc.write_stdout_then_exit(asm, iat, "heap\n", 0)
    asm.label("bad")
    pc.exit_with(asm, iat, 1)
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.entry = 0x1000
    path = tmp_path / "heap.exe"
    pe.write(path)
    with stopped_at_entry(path) as emu:
        assert system_exports(emu, "kernel32.dll")["HeapAlloc"][1] == "NTDLL.RtlAllocateHeap"
        assert system_exports(emu, "KernelBase.dll")["HeapAlloc"][1] == "kernel32.HeapAlloc"
        rtl_allocate_heap = export_va(emu, "ntdll.dll", "RtlAllocateHeap")
        assert emu.read_u32(iat[("kernel32.dll", "HeapAlloc")]) == rtl_allocate_heap
        assert emu.read_u32(iat[("KernelBase.dll", "HeapAlloc")]) == rtl_allocate_heap   # two steps
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 0, b"heap\n")


def forwarding_pair(tmp_path, *, static_import: bool):
    """fwda.dll exports Fwd -> fwdb.Target and ByOrd -> fwdb.#7; fwdb.dll exports Target (0x77)
    and ordinal 7 (0x11).  With static_import, fwda.dll also imports fwdb!Target itself."""
    build_dll(tmp_path / "fwdb.dll", "fwdb.dll", 0x10000000,
              [(1, "Target", returns(0x77)), (7, None, returns(0x11))], attach_text="B attach\n")
    build_dll(tmp_path / "fwda.dll", "fwda.dll", 0x10100000,
              [(1, "Fwd", "fwdb.Target"), (2, "ByOrd", "fwdb.#7")],
              imports={"fwdb.dll": ["Target"]} if static_import else None, attach_text="A attach\n")
    pe = pc.PE()
    imp = pc.Imports({"kernel32.dll": pc.KERNEL32_BASICS, "fwda.dll": ["Fwd", "ByOrd"]})
    pe.put_imports(imp, 0x2000)
    iat = pe.iat(imp)
    asm = pc.Asm(pe.va(0x1000), pe.base)
    pc.write_stdout(asm, iat, "exe\n")
    asm.call_mem(iat["Fwd"]).mov_esi_eax().call_mem(iat["ByOrd"]).add_eax_esi()
    asm.push_eax().call_mem(iat["ExitProcess"])
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.entry = 0x1000
    return pe.write(tmp_path / "fwd.exe"), iat


@pytest.mark.parametrize("static_import", [False, True], ids=["forwarder-only", "also-imported"])
def test_forwarder_chain_between_own_dlls(tmp_path, static_import):
    path, iat = forwarding_pair(tmp_path, static_import=static_import)
    with stopped_at_entry(path) as emu:
        b = module_base(emu, "fwdb.dll")
        fwdb = pefile.PE(str(tmp_path / "fwdb.dll"))
        targets = {s.ordinal: s.address for s in fwdb.DIRECTORY_ENTRY_EXPORT.symbols}
        assert emu.read_u32(iat["Fwd"]) == b + targets[1]
        assert emu.read_u32(iat["ByOrd"]) == b + targets[7]
        loaded = [n.lower() for n, _ in emu.module_orders()["InLoadOrderModuleList"]]
        assert loaded.index("fwda.dll") < loaded.index("fwdb.dll")     # fwdb comes through fwda
        inits = [n.lower() for n, _ in emu.module_orders()["InInitializationOrderModuleList"]]
        first, second = ("fwdb.dll", "fwda.dll") if static_import else ("fwda.dll", "fwdb.dll")
        assert inits.index(first) < inits.index(second)
        r = emu.run()
    assert r.reason == "exited" and r.exit_code == 0x77 + 0x11
    # both DLLs were initialized before the program's entry point: a DLL fwda imports comes
    # first; one it only forwards to is loaded while the EXE's IAT is snapped, after fwda went
    # on the initialization list, and comes after it (XP ldrsnap.c LdrpSnapThunk/LdrpLoadDll)
    if static_import:
        assert r.stdout == b"B attach\nA attach\nexe\n"
    else:
        assert r.stdout == b"A attach\nB attach\nexe\n"


# == 10. API sets ========================================================================================
def api_set_exe(tmp_path):
    """Imports ExitProcess through the API set api-ms-win-core-processthreads-l1-1-0."""
    pe = pc.PE()
    imp = pc.Imports({"kernel32.dll": ["GetStdHandle", "WriteFile"],
                      "api-ms-win-core-processthreads-l1-1-0.dll": ["ExitProcess"]})
    pe.put_imports(imp, 0x2000)
    asm = hello_code(pe, 0x1000, imp, "api set\n", 10)
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.entry = 0x1000
    path = tmp_path / "apiset.exe"
    pe.write(path)
    return pe, imp, path


@pytest.mark.profiles("win7sp1")          # XP has no API sets: tests/test_xp.py
def test_exit_process_through_an_api_set(tmp_path):
    pe, imp, path = api_set_exe(tmp_path)
    with stopped_at_entry(path) as emu:
        assert emu.read_u32(pe.va(imp.slots["ExitProcess"])) == export_va(emu, "kernel32.dll", "ExitProcess")
        loaded = [n.lower() for n, _ in emu.module_orders()["InLoadOrderModuleList"]]
        assert not any(n.startswith("api-ms-") for n in loaded)      # redirected, never loaded
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 10, b"api set\n")


# == 11. relocation ======================================================================================
def relocatable_exe(base: int, *, relocs: bool) -> pc.PE:
    """.text uses absolute addresses (IAT slots, its text); .reloc lists them."""
    pe = pc.PE(base=base)
    imp = pc.Imports(K32)
    pe.put_imports(imp, 0x1000)
    asm = pc.Asm(pe.va(0x2000), pe.base)
    asm.mov_eax_mem(pe.va(0x3000)).cmp_eax_addr(pe.va(0x2000)).jnz("bad")  # a relocated pointer
    pc.write_stdout_then_exit(asm, pe.iat(imp), "moved\n", 11)
    asm.label("bad")
    pc.exit_with(asm, pe.iat(imp), 1)
    pe.add_section(".idata", 0x1000, imp.blob, pc.DATA)
    pe.add_section(".text", 0x2000, asm.assemble(), pc.CODE)
    pe.add_section(".data", 0x3000, struct.pack("<I", pe.va(0x2000)), pc.DATA)
    if relocs:
        pe.add_section(".reloc", 0x4000, pe.put_relocations(asm.fixups + [0x3000], 0x4000), pc.RDATA)
    else:
        pe.characteristics = (pc.IMAGE_FILE_EXECUTABLE_IMAGE | pc.IMAGE_FILE_32BIT_MACHINE
                              | pc.IMAGE_FILE_RELOCS_STRIPPED)
    pe.entry = 0x2000
    return pe


KUSER_SHARED_DATA = 0x7FFE0000      # mapped in every address space before the image


def test_dll_relocated_when_its_base_is_taken(tmp_path):
    """reloc.dll wants the EXE's base, 0x400000: it is mapped elsewhere and its fixups applied."""
    def get_text(asm, iat):          # returns the VA of a string in its own .text: an absolute address
        asm.emit(0xB8)
        asm._abs32("text")
        asm.ret()
        asm.data(b"relocated dll\n\0", "text")
    build_dll(tmp_path / "reloc.dll", "reloc.dll", 0x400000, [(1, "GetText", get_text)], relocate=True)
    pe = pc.PE()
    imp = pc.Imports({"kernel32.dll": pc.KERNEL32_BASICS, "reloc.dll": ["GetText"]})
    pe.put_imports(imp, 0x2000)
    iat = pe.iat(imp)
    asm = pc.Asm(pe.va(0x1000), pe.base)
    asm.call_mem(iat["GetText"]).mov_esi_eax()
    asm.push(-11).call_mem(iat["GetStdHandle"])
    asm.push(0).mov_ecx_esp().push(0).push_ecx().push(14).push_esi().push_eax().call_mem(iat["WriteFile"])
    pc.exit_with(asm, iat, 0)
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.entry = 0x1000
    path = tmp_path / "usereloc.exe"
    pe.write(path)
    with stopped_at_entry(path) as emu:
        base = module_base(emu, "reloc.dll")
        assert base != 0x400000
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 0, b"relocated dll\n")


def test_exe_relocated_when_its_base_is_taken(tmp_path):
    pe = relocatable_exe(KUSER_SHARED_DATA, relocs=True)
    path = tmp_path / "moved.exe"
    pe.write(path)
    emu = Emulator(timeout=30)
    try:
        emu.create_process(str(path), [])
        base = emu.process.image_base
        assert base != KUSER_SHARED_DATA
        assert emu.structure("PEB", emu.process.peb).ImageBaseAddress == base
        r = emu.run()
        # the pointer in .data and the IAT references in .text follow the image
        assert emu.read_u32(base + 0x3000) == base + 0x2000
        assert emu.read_u32(base + 0x2000 + 1) == base + 0x3000          # mov eax, [abs]
    finally:
        emu.close()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 11, b"moved\n")


def test_exe_without_relocations_cannot_move(tmp_path):
    """A fixed-base image whose range is taken: NtMapViewOfSection gives STATUS_CONFLICTING_ADDRESSES."""
    path = tmp_path / "fixed.exe"
    relocatable_exe(KUSER_SHARED_DATA, relocs=False).write(path)
    assert refused(path, "fixed.exe") == STATUS["STATUS_CONFLICTING_ADDRESSES"]


def test_exe_covering_the_usual_peb_page_runs(tmp_path):
    """0x7FFD0000-0x7FFDFFFF is free when the image is mapped (the PEB and TEBs come later, in free
    space below 0x7FFE0000), so Windows maps a fixed image there and puts the PEB elsewhere."""
    pe = relocatable_exe(0x7FFD0000, relocs=False)
    pe.size_of_image = 0x10000
    path = tmp_path / "high.exe"
    pe.write(path)
    r = run(path)
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 11, b"moved\n")


def test_exe_with_relocations_runs_at_its_free_base(tmp_path):
    path = tmp_path / "home.exe"
    relocatable_exe(0x7FFC0000, relocs=True).write(path)
    with stopped_at_entry(path) as emu:
        assert emu.process.image_base == 0x7FFC0000
        assert emu.structure("PEB", emu.process.peb).ImageBaseAddress == 0x7FFC0000
        r = emu.run()
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 11, b"moved\n")


# == 12. images Windows refuses ==========================================================================
def broken(mutate):
    def make(tmp_path):
        pe = pc.console_exe("never\n", 1)
        mutate(pe)
        path = tmp_path / "broken.exe"
        pe.write(path)
        return path
    return make


def _section_past_size_of_image(pe):
    pe.size_of_image = 0x2000          # .text is at 0x2000


def _size_of_headers_past_the_file(pe):
    pe.size_of_headers = 0x3000        # the file is 0x600 bytes; the sections move up to stay contiguous
    pe.sections[0].rva, pe.sections[1].rva = 0x3000, 0x4000
    pe.sections[0].raw_offset, pe.sections[1].raw_offset = 0x200, 0x400
    pe.file_size = 0x600


def _file_alignment_not_power_of_two(pe):
    pe.file_alignment = 0x600


def _section_alignment_below_file_alignment(pe):
    pe.section_alignment, pe.file_alignment = 0x1000, 0x2000


def _image_base_not_64k_aligned(pe):
    pe.base = 0x401000


def _subsystem_6_2(pe):
    pe.subsystem_version = (6, 2)


def _subsystem_3_0(pe):
    pe.subsystem_version = (3, 0)


INVALID = [
    (_section_past_size_of_image, "section '.text' at 0x2000+0x31 lies outside the image"),
    (_size_of_headers_past_the_file, "ends inside its 0x3000 bytes of headers"),
    (_file_alignment_not_power_of_two, "FileAlignment 0x600"),
    (_section_alignment_below_file_alignment, "SectionAlignment 0x1000, FileAlignment 0x2000"),
    (_image_base_not_64k_aligned, "ImageBase 0x401000 is not 64K aligned"),
    (_subsystem_6_2, "subsystem version 6.2"),
    (_subsystem_3_0, "subsystem version 3.0"),
]
INVALID = [pytest.param(m, w, id=m.__name__.strip("_")) for m, w in INVALID]


@pytest.mark.parametrize("mutate,words", INVALID)
def test_refused_with_invalid_image_format(tmp_path, mutate, words):
    assert refused(broken(mutate)(tmp_path), words) == STATUS["STATUS_INVALID_IMAGE_FORMAT"]


# the newest subsystem version each Windows runs (BasepIsImageVersionOk): 6.1 on Windows 7, 5.1 on XP
NEWEST_SUBSYSTEM = {"win7sp1": (6, 1), "xpsp3": (5, 1)}


@pytest.mark.parametrize("version", [(3, 10), (4, 0), (5, 1), (6, 0), (6, 1)], ids="{0[0]}.{0[1]}".format)
def test_subsystem_versions_the_profile_runs(tmp_path, version, os_profile):
    """Up to its own version Windows runs the image; a newer one XP's CreateProcess refuses as "not a
    valid Win32 application" (STATUS_INVALID_IMAGE_FORMAT -> ERROR_BAD_EXE_FORMAT)."""
    pe = pc.console_exe("ok\n", 0)
    pe.subsystem_version = version
    path = tmp_path / "ver.exe"
    pe.write(path)
    if version <= NEWEST_SUBSYSTEM[os_profile.name]:
        r = run(path)
        assert (r.reason, r.stdout) == ("exited", b"ok\n")
    else:
        assert refused(path, f"needs subsystem version {version[0]}.{version[1]}") == STATUS["STATUS_INVALID_IMAGE_FORMAT"]
