"""loader.pewriter: synthesized PE32 DLL images must look real to pefile and to
guest code that walks them (shellcode-style export lookups)."""

from __future__ import annotations

import struct
import time

import pefile
import pytest

from loader.pewriter import (
    SECTION_BSS,
    SECTION_DATA,
    SECTION_RDATA,
    SECTION_TEXT,
    Export,
    PeWriter,
    pe_checksum,
)

IMAGE_BASE = 0x6B800000
STUB = 8            # bytes per code stub: mov eax, imm32 ; ret 8 ; (pad to 8)
DLLMAIN = bytes.fromhex("b801000000c20c00")   # mov eax, 1 ; ret 0Ch


def _stub(i: int) -> bytes:
    return b"\xb8" + struct.pack("<I", (i * 2654435761) & 0xFFFFFFFF) + b"\xc2\x08\x00"


def _structural_warnings(pe: pefile.PE) -> list[str]:
    """pefile's warnings minus its byte-frequency heuristic, which flags any file
    that is more than half 0x00: a tiny image (a few stubs, 0x400 bytes of headers,
    sections padded to 0x200) always is. The full-size tests assert no warnings at all."""
    return [m for m in pe.get_warnings() if not m.startswith("Byte 0x00 makes up")]


def _names(n: int) -> list[str]:
    """Names that exercise byte-order sorting: upper/lower case, '_', '?', digits."""
    stems = ["Rtl", "Nt", "Zw", "_", "__", "rtl", "Ldr", "?", "??", "A", "a", "Z_", "z"]
    out = []
    i = 0
    while len(out) < n:
        stem = stems[i % len(stems)]
        out.append(f"{stem}Func{(i * 7919) % 100003:05d}{'W' if i % 3 == 0 else 'a'}")
        i += 1
    return out


def build_big_dll():
    """~2,000 exports: named code, named data, forwarders, explicit ordinals,
    ordinal-only; .text/.rdata/.data/.bss sections. Returns (image, writer, spec)."""
    w = PeWriter("BIGTEST.dll", IMAGE_BASE)
    n_code = 1900
    text_rva = w.next_section_rva()
    code = DLLMAIN + b"".join(_stub(i) for i in range(n_code + 30))
    assert w.add_section(".text", code, characteristics=SECTION_TEXT) == text_rva
    rdata = bytes(range(256)) * 3
    rdata_rva = w.add_section(".rdata", rdata, characteristics=SECTION_RDATA)
    data = b"".join(struct.pack("<I", 0x1000 + i) for i in range(64))
    data_rva = w.add_section(".data", data, virtual_size=0x1800, characteristics=SECTION_DATA)
    bss_rva = w.add_section(".bss", b"", virtual_size=0x2345, characteristics=SECTION_BSS)
    w.set_entry_point(text_rva)

    names = _names(n_code + 30 + 40)
    exports: list[Export] = []
    # named code exports; every 50th gets an explicit (high) ordinal
    for i in range(n_code):
        ordinal = 3000 + i if i % 50 == 7 else None
        exports.append(Export(names[i], ordinal=ordinal, rva=text_rva + len(DLLMAIN) + STUB * i))
    # named data exports (into .data and .bss)
    for j in range(30):
        rva = data_rva + 4 * j if j < 20 else bss_rva + 0x100 * (j - 20)
        exports.append(Export(names[n_code + j], rva=rva))
    # forwarders, by name and by ordinal
    for k in range(40):
        target = f"NTDLL.Rtl{k:03d}Target" if k % 4 else f"NTDLL.#{k + 1}"
        exports.append(Export(names[n_code + 30 + k], forwarder=target))
    # ordinal-only: code, data and a forwarder, leaving gaps between them
    for m in range(25):
        exports.append(Export(None, ordinal=5000 + 3 * m, rva=text_rva + len(DLLMAIN) + STUB * (n_code + m)))
    exports.append(Export(None, ordinal=6000, rva=rdata_rva + 16))
    exports.append(Export(None, ordinal=6001, forwarder="KERNEL32.#77"))
    w.set_exports(exports)

    t0 = time.perf_counter()
    image = w.build()
    dt = time.perf_counter() - t0
    print(f"\nbuild(): {len(exports)} exports, {len(image):#x} bytes in {dt * 1000:.2f} ms")
    spec = dict(exports=exports, text_rva=text_rva, rdata_rva=rdata_rva, data_rva=data_rva,
                bss_rva=bss_rva, sections=[(".text", code, len(code)), (".rdata", rdata, len(rdata)),
                                           (".data", data, 0x1800), (".bss", b"", 0x2345)])
    return image, w, spec


@pytest.fixture(scope="module")
def big():
    return build_big_dll()


@pytest.fixture(scope="module")
def big_pe(big):
    return pefile.PE(data=big[0])


def expected_ordinals(exports: list[Export], base: int = 1) -> dict[int, Export]:
    """The documented assignment: explicit ordinals kept; the others, in byte order
    of their names, get the free ordinals from base up."""
    out = {e.ordinal: e for e in exports if e.ordinal is not None}
    nxt = base
    for e in sorted((e for e in exports if e.ordinal is None), key=lambda e: e.name.encode()):
        while nxt in out:
            nxt += 1
        out[nxt] = e
        nxt += 1
    return out


def map_image(image: bytes) -> bytearray:
    """A minimal SEC_IMAGE mapper: headers at RVA 0, each section's raw data at its
    RVA, zero-filled to SizeOfImage."""
    e_lfanew = struct.unpack_from("<I", image, 0x3C)[0]
    nsect = struct.unpack_from("<H", image, e_lfanew + 6)[0]
    opt_size = struct.unpack_from("<H", image, e_lfanew + 20)[0]
    opt = e_lfanew + 24
    size_of_image, size_of_headers = struct.unpack_from("<II", image, opt + 56)
    mem = bytearray(size_of_image)
    mem[:size_of_headers] = image[:size_of_headers]
    for i in range(nsect):
        sh = opt + opt_size + 40 * i
        vsize, va, rawsize, rawptr = struct.unpack_from("<IIII", image, sh + 8)
        n = min(rawsize, vsize)
        mem[va:va + n] = image[rawptr:rawptr + n]
    return mem


def _cstr(mem, rva: int) -> bytes:
    return bytes(mem[rva:mem.index(b"\0", rva)])


def shellcode_lookup_all(mem) -> dict[bytes, int]:
    """What position-independent shellcode does with a module base: e_lfanew ->
    IMAGE_NT_HEADERS -> DataDirectory[0] -> AddressOfNames / AddressOfNameOrdinals /
    AddressOfFunctions. Returns name -> function RVA for every name."""
    d = lambda off: struct.unpack_from("<I", mem, off)[0]          # noqa: E731
    w = lambda off: struct.unpack_from("<H", mem, off)[0]          # noqa: E731
    nt = d(0x3C)
    assert bytes(mem[nt:nt + 4]) == b"PE\0\0"
    exp = d(nt + 0x78)                        # OptionalHeader.DataDirectory[0].VirtualAddress
    n_names = d(exp + 0x18)
    funcs, names, ords = d(exp + 0x1C), d(exp + 0x20), d(exp + 0x24)
    out = {}
    for i in range(n_names):
        name = _cstr(mem, d(names + 4 * i))
        out[name] = d(funcs + 4 * w(ords + 2 * i))
    return out


def binary_search_proc(mem, wanted: bytes) -> int | None:
    """A GetProcAddress that binary-searches the name pointer table (as ntdll's
    LdrpSnapThunk / LdrGetProcedureAddress do)."""
    d = lambda off: struct.unpack_from("<I", mem, off)[0]          # noqa: E731
    nt = d(0x3C)
    exp = d(nt + 0x78)
    lo, hi = 0, d(exp + 0x18) - 1
    funcs, names, ords = d(exp + 0x1C), d(exp + 0x20), d(exp + 0x24)
    while lo <= hi:
        mid = (lo + hi) // 2
        name = _cstr(mem, d(names + 4 * mid))
        if name == wanted:
            return d(funcs + 4 * struct.unpack_from("<H", mem, ords + 2 * mid)[0])
        if name < wanted:
            lo = mid + 1
        else:
            hi = mid - 1
    return None


# --- tests -------------------------------------------------------------------------

def test_pefile_loads_without_warnings(big_pe):
    assert big_pe.get_warnings() == []


def test_headers(big, big_pe):
    image, w, spec = big
    pe = big_pe
    assert image[:2] == b"MZ" and b"This program cannot be run in DOS mode." in image[:0x80]
    assert pe.DOS_HEADER.e_lfanew == 0x80
    fh, oh = pe.FILE_HEADER, pe.OPTIONAL_HEADER
    assert fh.Machine == 0x14C
    assert fh.Characteristics == 0x2102          # EXECUTABLE_IMAGE | 32BIT_MACHINE | DLL
    assert fh.TimeDateStamp == w.timestamp
    assert fh.SizeOfOptionalHeader == 224
    assert fh.NumberOfSections == 5               # 4 added + .edata
    assert oh.Magic == 0x10B
    assert oh.ImageBase == IMAGE_BASE
    assert oh.SectionAlignment == 0x1000 and oh.FileAlignment == 0x200
    assert oh.AddressOfEntryPoint == spec["text_rva"]
    assert oh.BaseOfCode == spec["text_rva"]
    assert oh.BaseOfData == spec["rdata_rva"]
    assert (oh.MajorOperatingSystemVersion, oh.MinorOperatingSystemVersion) == (6, 1)
    assert (oh.MajorSubsystemVersion, oh.MinorSubsystemVersion) == (6, 1)
    assert oh.Subsystem == 3
    assert oh.DllCharacteristics == 0x140         # DYNAMIC_BASE | NX_COMPAT
    assert oh.NumberOfRvaAndSizes == 16
    assert oh.SizeOfStackReserve >= oh.SizeOfStackCommit > 0
    assert oh.SizeOfHeapReserve >= oh.SizeOfHeapCommit > 0
    assert oh.SizeOfHeaders == 0x400
    text = pe.sections[0]
    assert oh.SizeOfCode == text.SizeOfRawData
    assert oh.SizeOfInitializedData == sum(s.SizeOfRawData for s in pe.sections[1:])
    assert oh.SizeOfUninitializedData == 0x2400   # .bss 0x2345 rounded to FileAlignment
    last = pe.sections[-1]
    assert oh.SizeOfImage == (last.VirtualAddress + last.Misc_VirtualSize + 0xFFF) & ~0xFFF
    exp_dir = oh.DATA_DIRECTORY[0]
    assert exp_dir.VirtualAddress == last.VirtualAddress and exp_dir.Size == last.Misc_VirtualSize
    assert all(dd.VirtualAddress == 0 and dd.Size == 0 for dd in oh.DATA_DIRECTORY[1:])


def test_checksum(big, big_pe):
    image, _, _ = big
    assert big_pe.OPTIONAL_HEADER.CheckSum == big_pe.generate_checksum()
    assert big_pe.verify_checksum()
    assert pe_checksum(image) == big_pe.OPTIONAL_HEADER.CheckSum   # stored field ignored


@pytest.mark.parametrize("size", [0, 1, 2, 3, 7, 0x40, 0x101, 0x1003])
def test_pe_checksum_matches_pefile_on_arbitrary_data(size):
    w = PeWriter("x.dll", 0x10000000)
    r = w.add_section(".text", DLLMAIN + bytes((i * 37 + 11) & 0xFF for i in range(size)),
                      characteristics=SECTION_TEXT)
    w.set_entry_point(r)
    image = bytearray(w.build())
    image += bytes((i * 101) & 0xFF for i in range(size))          # odd-length overlay
    struct.pack_into("<I", image, 0x80 + 24 + 64, 0xDEADBEEF)        # garbage in CheckSum
    pe = pefile.PE(data=bytes(image), fast_load=True)
    assert pe_checksum(bytes(image)) == pe.generate_checksum()


def test_section_layout(big, big_pe):
    image, w, spec = big
    pe = big_pe
    names = [s.Name.rstrip(b"\0").decode() for s in pe.sections]
    assert names == [".text", ".rdata", ".data", ".bss", ".edata"]
    expected_rva = 0x1000
    for s, (name, data, vsize) in zip(pe.sections, spec["sections"] + [(".edata", None, None)]):
        assert s.VirtualAddress == expected_rva
        assert s.VirtualAddress % 0x1000 == 0
        assert s.SizeOfRawData % 0x200 == 0 and s.PointerToRawData % 0x200 == 0
        if data is not None:
            assert s.Misc_VirtualSize == vsize
            assert s.SizeOfRawData == (len(data) + 0x1FF) & ~0x1FF
            raw = image[s.PointerToRawData:s.PointerToRawData + s.SizeOfRawData]
            assert raw == data.ljust(s.SizeOfRawData, b"\0")
        expected_rva = (s.VirtualAddress + s.Misc_VirtualSize + 0xFFF) & ~0xFFF
    bss = pe.sections[3]
    assert bss.SizeOfRawData == 0 and bss.PointerToRawData == 0
    # raw data is contiguous after the headers and the file ends with the last section
    ptrs = [(s.PointerToRawData, s.SizeOfRawData) for s in pe.sections if s.SizeOfRawData]
    assert ptrs[0][0] == pe.OPTIONAL_HEADER.SizeOfHeaders
    for (p0, n0), (p1, _) in zip(ptrs, ptrs[1:]):
        assert p1 == p0 + n0
    assert len(image) == ptrs[-1][0] + ptrs[-1][1]
    assert [s.Characteristics for s in pe.sections] == [SECTION_TEXT, SECTION_RDATA, SECTION_DATA,
                                                        SECTION_BSS, SECTION_RDATA]


def test_mapping_matches_pefile(big, big_pe):
    mem = map_image(big[0])
    assert bytes(mem) == big_pe.get_memory_mapped_image()[:len(mem)].ljust(len(mem), b"\0")
    assert len(mem) == big_pe.OPTIONAL_HEADER.SizeOfImage


def test_exports_round_trip(big, big_pe):
    _, _, spec = big
    exports = spec["exports"]
    want = expected_ordinals(exports)
    ed = big_pe.DIRECTORY_ENTRY_EXPORT
    assert ed.struct.Base == 1
    assert ed.struct.NumberOfFunctions == max(want)
    assert ed.struct.NumberOfNames == sum(e.name is not None for e in exports)
    assert big_pe.get_string_at_rva(ed.struct.Name) == b"BIGTEST.dll"
    got = {s.ordinal: s for s in ed.symbols}
    assert set(got) == set(want)
    for ordinal, e in want.items():
        s = got[ordinal]
        assert s.name == (e.name.encode() if e.name is not None else None)
        if e.forwarder is not None:
            assert s.forwarder == e.forwarder.encode()
        else:
            assert s.forwarder is None
            assert s.address == e.rva
    # gaps in the ordinal range are zero in AddressOfFunctions
    mem = map_image(big[0])
    for idx in range(ed.struct.NumberOfFunctions):
        rva = struct.unpack_from("<I", mem, ed.struct.AddressOfFunctions + 4 * idx)[0]
        assert (rva == 0) == (idx + 1 not in want)


def test_forwarders_inside_export_directory(big_pe):
    dd = big_pe.OPTIONAL_HEADER.DATA_DIRECTORY[0]
    fwd = [s for s in big_pe.DIRECTORY_ENTRY_EXPORT.symbols if s.forwarder]
    assert len(fwd) == 41
    for s in fwd:
        assert dd.VirtualAddress <= s.address < dd.VirtualAddress + dd.Size


def test_name_table_sorted(big_pe):
    mem = map_image(big_pe.__data__)
    ed = big_pe.DIRECTORY_ENTRY_EXPORT.struct
    names = [_cstr(mem, struct.unpack_from("<I", mem, ed.AddressOfNames + 4 * i)[0])
             for i in range(ed.NumberOfNames)]
    assert names == sorted(names)
    assert len(set(names)) == len(names)
    # the test data really mixes cases and punctuation
    assert {n[:1] for n in names} >= {b"?", b"A", b"Z", b"_", b"a", b"z"}


def test_shellcode_style_walk_finds_every_name(big):
    image, _, spec = big
    mem = map_image(image)
    found = shellcode_lookup_all(mem)
    named = [e for e in spec["exports"] if e.name is not None]
    assert len(found) == len(named)
    for e in named:
        rva = found[e.name.encode()]
        if e.forwarder is None:
            assert rva == e.rva
        else:
            assert _cstr(mem, rva) == e.forwarder.encode()
        assert binary_search_proc(mem, e.name.encode()) == rva
    assert binary_search_proc(mem, b"NoSuchExport") is None
    # the code really is there: the stub at an export's RVA loads its own constant
    e = next(e for e in named if e.forwarder is None and e.rva < spec["rdata_rva"] and e.rva != spec["text_rva"])
    i = (e.rva - spec["text_rva"] - len(DLLMAIN)) // STUB
    assert bytes(mem[e.rva:e.rva + STUB]) == _stub(i)


def test_auto_ordinals_follow_name_order():
    w = PeWriter("ord.dll", 0x10000000)
    r = w.add_section(".text", DLLMAIN * 8, characteristics=SECTION_TEXT)
    w.set_entry_point(r)
    w.set_exports([Export("b", rva=r + 8), Export("B", rva=r + 16), Export("_a", ordinal=12, rva=r + 24),
                   Export("a", rva=r + 32), Export(None, ordinal=11, rva=r + 40)], ordinal_base=10)
    pe = pefile.PE(data=w.build())
    assert _structural_warnings(pe) == []
    got = {s.ordinal: s.name for s in pe.DIRECTORY_ENTRY_EXPORT.symbols}
    assert got == {10: b"B", 11: None, 12: b"_a", 13: b"a", 14: b"b"}
    assert pe.DIRECTORY_ENTRY_EXPORT.struct.Base == 10


def test_build_is_deterministic_and_does_not_mutate(big):
    _, w, _ = big
    before = w.next_section_rva()
    assert w.build() == w.build()
    assert w.next_section_rva() == before


def test_entry_point_zero_allowed():
    """AddressOfEntryPoint 0 (no DllMain, like ntdll) is valid for Windows; pefile
    only flags it with its two entry-point heuristics."""
    w = PeWriter("noep.dll", 0x10000000)
    r = w.add_section(".text", b"".join(_stub(i) for i in range(200)), characteristics=SECTION_TEXT)
    w.set_exports([Export(f"F{i}", rva=r + STUB * i) for i in range(200)])
    pe = pefile.PE(data=w.build())
    assert pe.OPTIONAL_HEADER.AddressOfEntryPoint == 0
    assert all("EntryPoint" in m for m in pe.get_warnings())


def test_no_exports():
    w = PeWriter("plain.dll", 0x10000000)
    r = w.add_section(".text", b"".join(_stub(i) for i in range(100)), characteristics=SECTION_TEXT)
    w.set_entry_point(r)
    pe = pefile.PE(data=w.build())
    assert _structural_warnings(pe) == []
    assert pe.FILE_HEADER.NumberOfSections == 1
    assert not hasattr(pe, "DIRECTORY_ENTRY_EXPORT")


def test_rejects_bad_input():
    w = PeWriter("bad.dll", 0x10000000)
    r = w.add_section(".text", DLLMAIN, characteristics=SECTION_TEXT)
    with pytest.raises(ValueError):
        w.set_exports([Export("A", rva=r), Export("A", rva=r)])                   # duplicate name
    with pytest.raises(ValueError):
        w.set_exports([Export("A", ordinal=2, rva=r), Export("B", ordinal=2, rva=r)])
    with pytest.raises(ValueError):
        w.set_exports([Export(None, rva=r)])                                      # ordinal-only w/o ordinal
    with pytest.raises(ValueError):
        w.set_exports([Export("A", rva=r, forwarder="X.Y")])                      # both
    with pytest.raises(ValueError):
        w.set_exports([Export("A")])                                              # neither
    with pytest.raises(ValueError):
        w.set_exports([Export("A", forwarder="NoDot")])
    with pytest.raises(ValueError):
        w.set_exports([Export("A", ordinal=1, rva=r)], ordinal_base=5)
    with pytest.raises(ValueError):
        w.add_section(".waytoolong", b"x", characteristics=SECTION_DATA)
    with pytest.raises(ValueError):
        w.add_section(".x", b"xx", virtual_size=1, characteristics=SECTION_DATA)
    w.set_exports([Export("A", rva=0x100000)])                                    # beyond the image
    with pytest.raises(ValueError):
        w.build()
    w.set_exports([Export("A", rva=r)])
    w.set_entry_point(0x50000)
    with pytest.raises(ValueError):
        w.build()


@pytest.mark.parametrize("dll", ["ntdll", "kernel32"])
def test_real_export_sets_build_time(dll):
    """Export sets the size of the real DLLs' (from the mingw-w64 lists); prints
    the build time (no timing assertion)."""
    from kernel.dlls.export_lists import load_export_list

    names = list(load_export_list(dll))
    w = PeWriter(f"{dll}.dll", 0x7B000000)
    r = w.next_section_rva()
    w.add_section(".text", DLLMAIN + b"".join(_stub(i) for i in range(len(names))), characteristics=SECTION_TEXT)
    w.set_entry_point(r)
    w.set_exports([Export(n, rva=r + len(DLLMAIN) + STUB * i) for i, n in enumerate(names)])
    w.build()                                  # warm-up
    runs = 20
    t0 = time.perf_counter()
    for _ in range(runs):
        image = w.build()
    dt = (time.perf_counter() - t0) / runs
    print(f"\n{dll}: {len(names)} exports, image {len(image):#x} bytes, build() {dt * 1000:.2f} ms")
    pe = pefile.PE(data=image)
    assert pe.get_warnings() == []
    assert len(pe.DIRECTORY_ENTRY_EXPORT.symbols) == len(names)
    assert pe.verify_checksum()
