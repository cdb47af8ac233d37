"""Malformed images end the way Windows ends them, with bounded work: never an internal error.

Each test builds (tests/pecraft.py) one of the images the PE fuzzer (benchmarks/fuzz.py) found
ending in an internal error, an endless run or gigabytes of host memory, and checks the NTSTATUS:
ntdll's loader takes an access violation where an image's tables point at memory that is not
there (the process ends with STATUS_ACCESS_VIOLATION, "unable to start correctly (0xc0000005)"),
refuses relocations it cannot process (STATUS_INVALID_IMAGE_FORMAT), and fails allocations it
cannot make (STATUS_NO_MEMORY)."""
from __future__ import annotations

import resource
import struct
import time

import pytest

import pecraft as pc
from ntboot.api import Emulator, ProgramError
from kernel.rtl.status import STATUS

OPT = 0x40 + 0x18                  # the optional header (pecraft puts the PE header at 0x40)


def run(path, **kw):
    emu = Emulator(timeout=30, **kw)
    try:
        emu.create_process(str(path), [])
        return emu.run()
    finally:
        emu.close()


def write(pe: pc.PE, tmp_path, name="bad.exe"):
    path = tmp_path / name
    pe.write(path)
    return path


def loader_failure(r, status: str):
    assert (r.reason, r.exit_code) == ("loader error", STATUS[status]), (r.reason, hex(r.exit_code), r.message)
    assert r.stdout == b""


def test_import_directory_on_a_reserved_page(tmp_path):
    """The import directory points into the image, at a page no section covers."""
    pe = pc.console_exe("never\n", 1)
    pe.size_of_image = 0x20000
    pe.directory(pc.DIR_IMPORT, 0x10000, 0x28)
    loader_failure(run(write(pe, tmp_path)), "STATUS_ACCESS_VIOLATION")


def test_import_names_past_the_end_of_user_space(tmp_path):
    pe = pc.console_exe("never\n", 1)
    blob = bytearray(pe.sections[0].data)               # .idata: the first descriptor's Name RVA
    struct.pack_into("<I", blob, 12, 0xFFFFF000)
    pe.sections[0].data = bytes(blob)
    loader_failure(run(write(pe, tmp_path)), "STATUS_ACCESS_VIOLATION")


def tls_exe(start_end_index_callbacks_zero):
    """console_exe with a TLS directory in a .tls section at RVA 0x3000."""
    pe = pc.console_exe("tls ok\n", 7)
    tls = struct.pack("<6I", *start_end_index_callbacks_zero, 0)
    pe.add_section(".tls", 0x3000, tls.ljust(0x40, b"\0"), pc.DATA)
    pe.directory(9, 0x3000, 24)
    return pe


def test_tls_callbacks_at_an_unmapped_address(tmp_path):
    base = 0x400000
    pe = tls_exe((base + 0x3020, base + 0x3024, base + 0x3030, base + 0x500000, 0))
    loader_failure(run(write(pe, tmp_path)), "STATUS_ACCESS_VIOLATION")


def test_tls_template_ending_before_it_starts(tmp_path):
    """EndAddressOfRawData below StartAddressOfRawData: ntdll's unsigned size is ~4 GiB."""
    base = 0x400000
    pe = tls_exe((base + 0x3024, base + 0x3020, base + 0x3030, 0, 0))
    loader_failure(run(write(pe, tmp_path)), "STATUS_NO_MEMORY")


def test_tls_zero_fill_of_gigabytes(tmp_path):
    base = 0x400000
    pe = tls_exe((base + 0x3020, base + 0x3024, base + 0x3030, 0, 0xFC000000))
    loader_failure(run(write(pe, tmp_path)), "STATUS_NO_MEMORY")


def test_tls_template_is_copied_and_the_program_runs(tmp_path):
    base = 0x400000
    pe = tls_exe((base + 0x3020, base + 0x3024, base + 0x3030, 0, 0x100))
    r = run(write(pe, tmp_path))
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 7, b"tls ok\n")


def test_heap_commit_above_its_reserve(tmp_path):
    """SizeOfHeapCommit 16 MiB over a 64 KiB SizeOfHeapReserve: RtlCreateHeap commits no more than
    it reserves, and the program runs."""
    pe = pc.console_exe("heap ok\n", 5)
    pe.put_header(OPT + 0x50, struct.pack("<II", 0x10000, 0x1000000))
    r = run(write(pe, tmp_path))
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 5, b"heap ok\n")


@pytest.mark.parametrize("field, value, status", [
    (0x48, 0xF0000000, "STATUS_NO_MEMORY"),               # SizeOfStackReserve: no room for it
    (0x50, 0xF0000000, None),                             # SizeOfHeapReserve: the loader fails
])
def test_huge_stack_or_heap_reserve(tmp_path, field, value, status):
    pe = pc.console_exe("never\n", 1)
    pe.put_header(OPT + field, struct.pack("<I", value))
    path = write(pe, tmp_path)
    if status is not None:
        emu = Emulator(timeout=30)
        try:
            with pytest.raises(ProgramError) as info:
                emu.create_process(str(path), [])
            assert info.value.status == STATUS[status]
        finally:
            emu.close()
    else:
        loader_failure(run(path), "STATUS_NO_MEMORY")


def moved_exe(reloc_blob: bytes) -> pc.PE:
    """An image based at KUSER_SHARED_DATA (always taken: it must move) with this .reloc."""
    pe = pc.console_exe("moved\n", 11, base=0x7FFE0000)
    pe.add_section(".reloc", 0x3000, reloc_blob, pc.RDATA)
    pe.directory(pc.DIR_BASERELOC, 0x3000, len(reloc_blob))
    return pe


def test_unsupported_relocation_type(tmp_path):
    blob = struct.pack("<IIHH", 0x2000, 12, (15 << 12) | 4, 0)
    loader_failure(run(write(moved_exe(blob), tmp_path)), "STATUS_INVALID_IMAGE_FORMAT")


def test_relocation_block_past_its_directory(tmp_path):
    blob = struct.pack("<IIHH", 0x2000, 0x10000, (3 << 12) | 4, 0)
    loader_failure(run(write(moved_exe(blob), tmp_path)), "STATUS_INVALID_IMAGE_FORMAT")


def test_relocation_outside_the_image(tmp_path):
    blob = struct.pack("<IIHH", 0x7FFFF000, 12, (3 << 12) | 0xFFE, 0)
    loader_failure(run(write(moved_exe(blob), tmp_path)), "STATUS_INVALID_IMAGE_FORMAT")


def test_export_count_of_a_billion(tmp_path):
    """NumberOfFunctions 0x3FFFFFFF: the loader never reads past the image for it (it once
    allocated gigabytes); the real export still resolves."""
    dll = pc.PE(base=0x10000000, dll=True)
    code = pc.Asm(dll.va(0x1000), dll.base)
    code.mov_eax_imm(1).ret(12)
    code.label("Get")
    code.mov_eax_imm(42).ret()
    ex = pc.Exports("big.dll")
    ex.add(1, code.labels["Get"] - dll.base, "Get")
    blob = bytearray(dll.put_exports(ex, 0x2000))
    struct.pack_into("<I", blob, 20, 0x3FFFFFFF)            # NumberOfFunctions
    dll.add_section(".text", 0x1000, code.assemble(), pc.CODE)
    dll.add_section(".edata", 0x2000, bytes(blob), pc.RDATA)
    dll.entry = 0x1000
    write(dll, tmp_path, "big.dll")
    pe = pc.PE()
    imp = pc.Imports({"kernel32.dll": ["ExitProcess"], "big.dll": ["Get"]})
    pe.put_imports(imp, 0x2000)
    iat = pe.iat(imp)
    asm = pc.Asm(pe.va(0x1000), pe.base)
    asm.call_mem(iat["Get"]).push_eax().call_mem(iat["ExitProcess"])
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.entry = 0x1000
    r = run(write(pe, tmp_path, "usebig.exe"))
    assert (r.reason, r.exit_code) == ("exited", 42), r.message


def test_size_of_image_near_two_gigabytes(tmp_path):
    """SizeOfImage 0x70000000 with a few KiB of sections: mapping costs what the file holds (it once
    built and wrote a 1.75 GiB view), and --max-memory counts the image's pages."""
    pe = pc.console_exe("big image\n", 9, base=0x10000)
    pe.size_of_image = 0x70000000
    path = write(pe, tmp_path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    r = run(path)
    assert (r.reason, r.exit_code, r.stdout) == ("exited", 9, b"big image\n")
    assert time.perf_counter() - t < 20
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 512 * 1024      # KiB


def test_memory_limit_covers_the_image_mapping(tmp_path):
    pe = pc.console_exe("never\n", 1, base=0x10000)
    pe.add_section(".bss", 0x3000, b"", pc.BSS, virtual_size=0x20000000)
    pe.size_of_image = 0x20003000
    emu = Emulator(timeout=30, max_memory=256 << 20)
    try:
        with pytest.raises(ProgramError) as info:
            emu.create_process(str(write(pe, tmp_path)), [])
        assert info.value.status == STATUS["STATUS_COMMITMENT_LIMIT"]
    finally:
        emu.close()


@pytest.mark.parametrize("entry", [0xFFFFFFFF, 0xFFC00000])
def test_entry_point_wrapping_past_four_gigabytes(tmp_path, entry):
    """AddressOfEntryPoint + ImageBase past 2**32 wraps, as the CPU's arithmetic does; the start
    thunk jumps there and faults (0xFFFFFFFF + 0x400000 is 0x3FFFFF, not mapped)."""
    pe = pc.console_exe("never\n", 1)
    pe.entry = entry
    r = run(write(pe, tmp_path))
    assert (r.reason, r.exit_code) == ("unhandled exception", STATUS["STATUS_ACCESS_VIOLATION"]), r.message
    assert f"execute at {(0x400000 + entry) & 0xFFFFFFFF:#010x}" in r.message


def test_cli_exit_status_of_an_image_the_memory_limit_cannot_hold(tmp_path, capsys):
    from ntboot.cli import EXIT_LIMIT, main
    pe = pc.console_exe("never\n", 1, base=0x10000)
    pe.add_section(".bss", 0x3000, b"", pc.BSS, virtual_size=0x20000000)
    pe.size_of_image = 0x20003000
    path = write(pe, tmp_path)
    assert main(["run", "--no-progress", "--max-memory", "256M", str(path)]) == EXIT_LIMIT
    assert "STATUS_COMMITMENT_LIMIT" in capsys.readouterr().err
