"""kernel.dlls.export_lists: the per-profile export lists (kernel/dlls/exports/<profile>/<dll>.txt),
and that the synthesized DLLs export exactly them: programs importing ntdll's C runtime, msvcrt's
data and decorated C++ exports load and run; a name of a later Windows does not load; imports by
the real ordinal resolve."""

from __future__ import annotations

import os
import re
import struct

import pytest

import pecraft as pc
from conftest import run_sample
from ntboot import Emulator
from kernel.dlls.export_lists import PROFILES, ExportInfo, available_export_lists, load_export_list
from kernel.rtl.status import STATUS

SYSTEM = ["advapi32", "kernel32", "msvcrt", "ntdll", "ole32", "oleaut32", "shell32", "shlwapi", "user32",
          "winmm", "ws2_32", "powrprof", "version"]
COMMON = ["ucrtbase", "vcruntime140"]
HERE = os.path.dirname(os.path.abspath(__file__))
EXPORTS = os.path.join(HERE, "..", "kernel", "dlls", "exports")

# The counts of names per DLL and profile. Source: mingw-w64 10.0.0's i386 import libraries
# (Debian mingw-w64-i686-dev 10.0.0-3; ntdll with libntdllcrt.a, msvcrt from libmsvcrt-os.a), plus
# the 56/57 decorated C++ exports of msvcrt from Wine's msvcrt.spec, less the names the SDK headers
# date after the profile's Windows version, less each profile's rules (generate.py PROFILES: powrprof's
# four functions documented for Windows 8 and later; ntdll's RtlAreLongPathsEnabled of Windows 10 1607).
COUNTS = {
    "win7sp1": {"advapi32": 815, "kernel32": 1550, "msvcrt": 1216, "ntdll": 2513, "ole32": 336,
                "oleaut32": 419, "shell32": 348, "shlwapi": 369, "user32": 964,
                "winmm": 194, "ws2_32": 177, "powrprof": 137, "version": 14},
    "xpsp3": {"advapi32": 767, "kernel32": 1283, "msvcrt": 863, "ntdll": 2464, "ole32": 334,
              "oleaut32": 419, "shell32": 292, "shlwapi": 341, "user32": 919,
              "winmm": 194, "ws2_32": 160, "powrprof": 86, "version": 14},
}
# the import libraries' own counts (distinct names), before any name is left out: ntdll is
# libntdll.a's 2315 and libntdllcrt.a's 203, less the 2 names both list
MINGW = {"advapi32": 815, "kernel32": 1586, "msvcrt": 1159, "ntdll": 2516, "ole32": 336,
         "oleaut32": 419, "shell32": 348, "shlwapi": 369, "user32": 1023,
         "winmm": 194, "ws2_32": 181, "powrprof": 141, "version": 14}
# msvcrt's decorated C++ exports from Wine's msvcrt.spec (one, exception's (const char *const &, int)
# constructor, is Windows 7's only)
CXX = {"win7sp1": 57, "xpsp3": 56}


def run(path, timeout=30):
    emu = Emulator(timeout=timeout)
    try:
        emu.create_process(str(path), [])
        return emu.run()
    finally:
        emu.close()


# -- the lists -------------------------------------------------------------------------------------------
# lists only some profiles have: psapi (Windows 7's forwards to kernel32's K32*, which XP lacks)
ONLY = {"win7sp1": ["psapi"], "xpsp3": []}


@pytest.mark.parametrize("profile", PROFILES)
def test_available(profile):
    assert set(SYSTEM + COMMON + ONLY[profile]) == set(available_export_lists(profile))


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("dll", SYSTEM)
def test_counts(profile, dll):
    exports = load_export_list(dll, profile)
    assert len(exports) == COUNTS[profile][dll]
    assert all(isinstance(v, ExportInfo) for v in exports.values())
    names = list(exports)
    assert names == sorted(names, key=str.encode)        # the files are in byte order


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("dll", SYSTEM)
def test_header_accounts_for_every_name(profile, dll):
    """The file's header says how many names it has and which ones it left out; together they
    make up the import library's count."""
    with open(os.path.join(EXPORTS, profile, f"{dll}.txt"), encoding="ascii") as f:
        text = f.read()
    stated = int(re.search(r"^# dll: \S+; (\d+) exports;", text, re.M).group(1))
    left_out = sum(int(n) for n in re.findall(r"^# (?:disagreement: the import libraries list|rule: left out) (\d+)",
                                              text, re.M))
    exports = load_export_list(dll, profile)
    assert stated == len(exports)
    assert stated + left_out == MINGW[dll] + (CXX[profile] if dll == "msvcrt" else 0)
    # the names the header lists as left out are not in the list
    listed = " ".join(line[4:] for line in text.splitlines() if line.startswith("#   ")).split()
    assert len(listed) == left_out
    assert not set(listed) & set(exports)


def test_common_lists_are_one_for_every_profile():
    for dll in COMMON:
        assert load_export_list(dll, "win7sp1") == load_export_list(dll, "xpsp3")
    assert len(load_export_list("ucrtbase")) == 2565           # mingw-w64's libucrtbase.a


def test_kernel32():
    k32 = load_export_list("kernel32")
    assert k32["GetProcAddress"] == ExportInfo(8, False)
    assert k32["CreateFileW"].arg_bytes == 28
    assert k32["CreateFileW"].is_stdcall
    assert k32["ExitProcess"].arg_bytes == 4
    assert not k32["CreateFileW"].is_data
    # Microsoft documents CreateFile2 and GetSystemTimePreciseAsFileTime... from Windows 8 on,
    # GetTickCount64 and InitializeSRWLock from Vista on
    assert "CreateFile2" not in k32 and "GetTickCount64" in k32 and "InitializeSRWLock" in k32
    xp = load_export_list("kernel32", "xpsp3")
    assert "GetTickCount64" not in xp and "InitializeSRWLock" not in xp and "CreateFileW" in xp


def test_ntdll():
    nt = load_export_list("ntdll")
    assert nt["NtClose"].arg_bytes == 4
    assert nt["NtClose"].is_stdcall
    assert nt["RtlUlongByteSwap"].fastcall
    assert nt["NlsAnsiCodePage"].is_data
    for name in ("_vsnprintf", "wcslen", "sprintf", "memcpy", "qsort", "strchr", "_allmul", "_aulldiv"):
        assert name in nt, name
    assert nt["_allmul"].arg_bytes == 16
    assert "_vsnprintf_s" in nt and "_vsnprintf_s" not in load_export_list("ntdll", "xpsp3")
    assert "_vsnprintf" in load_export_list("ntdll", "xpsp3")


def test_msvcrt():
    crt = load_export_list("msvcrt")
    assert crt["printf"].arg_bytes is None and not crt["printf"].is_data   # cdecl '-'
    assert not crt["printf"].is_stdcall
    assert crt["_iob"].is_data and crt["_sys_nerr"].is_data and crt["_sys_errlist"].is_data
    assert crt["_CxxThrowException"].arg_bytes == 8                         # the one stdcall
    assert crt["??0exception@@QAE@ABV0@@Z"] == ExportInfo(4, thiscall=True)
    assert crt["??_7exception@@6B@"].is_data
    assert crt["?terminate@@YAXXZ"].arg_bytes is None
    assert "??0exception@@QAE@ABQBDH@Z" in crt
    xp = load_export_list("msvcrt", "xpsp3")
    assert "??0exception@@QAE@ABQBDH@Z" not in xp and "??0exception@@QAE@ABV0@@Z" in xp
    assert "_vsnprintf" in xp and "_vsnprintf_s" not in xp and "_printf_l" not in xp


def test_no_kernelbase_on_xp():
    with pytest.raises(FileNotFoundError):
        load_export_list("kernelbase", "xpsp3")


def test_names_have_no_tabs_or_decoration_leftovers():
    for profile in PROFILES:
        for dll in SYSTEM:
            for name in load_export_list(dll, profile):
                assert "\t" not in name and " " not in name
                # only C++ names end in '@' (their mangling); no stdcall decoration is left
                assert name.startswith("?") or "@" not in name, name


def test_cached_and_name_forms():
    assert load_export_list("kernel32") is load_export_list("kernel32", "win7sp1")
    assert load_export_list("KERNEL32.dll") == load_export_list("kernel32")


def test_missing_list():
    with pytest.raises(FileNotFoundError):
        load_export_list("nosuchdll")


# -- programs --------------------------------------------------------------------------------------------
def test_ntdll_crt_and_msvcrt_data_sample():
    """samples/src/ntdllcrt.c: C runtime functions and the 64-bit helpers imported from ntdll,
    _sys_nerr and _sys_errlist from msvcrt. The expected values are C's arithmetic, done here."""
    def c_div(a, b):
        q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
        return q, a - q * b
    m64 = (1 << 64) - 1
    r = run_sample("ntdllcrt.exe")
    assert (r.reason, r.exit_code) == ("exited", 0)
    expect = [
        "_vsnprintf: [x=42 s=abc w=  7|ff] 19",
        "_vsnprintf short: [hello###] -1",           # count reached: no NUL, -1
        "wcslen: 5",
        "strchr: world",
        "qsort: 1 2 3 5 8",
        "bsearch: 3",
        f"_allmul: {-123456789 * 1000000007}",
        f"_alldiv: {c_div(-7000000000, 3)[0]} {c_div(7, -2)[0]}",
        f"_allrem: {c_div(-7000000001, 3)[1]}",
        f"_aulldiv: {m64 // 10} {m64 % 10}",
        f"_alldvrm: {c_div(-100000000007, 10)[0]} {c_div(-100000000007, 10)[1]}",
        f"shifts: {(0x0123456789ABCDEF << 36) & m64:x} {(-(1 << 63) >> 60) & m64:x} {(1 << 63) >> 60:x}",
        "_sys_nerr: 43",
        "_sys_errlist[2]: No such file or directory",
        "_sys_errlist[15]: Unknown error",
        "_sys_errlist[42]: Illegal byte sequence",
        "_sys_errlist[43]: Unknown error",
    ]
    assert r.stdout.decode().splitlines() == expect


def _exe(tmp_path, imports: dict, body, name="t.exe", data: bytes = b""):
    """An image importing `imports` (with kernel32's basics), whose code is body(asm, iat, data_va)."""
    imports = {"kernel32.dll": pc.KERNEL32_BASICS, **imports}
    pe = pc.PE()
    imp = pc.Imports(imports)
    pe.put_imports(imp, 0x2000)
    iat = pe.iat(imp)
    asm = pc.Asm(pe.va(0x1000), pe.base)
    body(asm, iat, pe.va(0x3000))
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.add_section(".data", 0x3000, data.ljust(0x200, b"\0"), pc.DATA)
    pe.entry = 0x1000
    return pe.write(tmp_path / name)


def test_ntdll_vsnprintf_without_msvcrt(tmp_path):
    """A program importing only ntdll's C runtime (no msvcrt in the process) formats with it."""
    data = bytearray(0x200)
    data[0x80:0x8C] = b"n=%d s=%s!\0\0"
    data[0x100:0x108] = struct.pack("<II", 12345, 0x403180)
    data[0x180:0x183] = b"ab\0"

    def body(asm, iat, d):
        asm.push_addr(d + 0x100).push_addr(d + 0x80).push(64).push_addr(d).call_mem(iat["_vsnprintf"])
        asm.emit(0x83, 0xC4, 16)                                  # add esp, 16 (cdecl)
        asm.mov_esi_eax()
        asm.push_addr(d).call_mem(iat["strlen"]).emit(0x83, 0xC4, 4)
        asm.emit(0x0F, 0xAF, 0xC6)                                # imul eax, esi
        asm.push_eax().call_mem(iat["ExitProcess"])
    r = run(_exe(tmp_path, {"ntdll.dll": ["_vsnprintf", "strlen"]}, body, data=bytes(data)))
    assert (r.reason, r.exit_code) == ("exited", len("n=12345 s=ab!") ** 2)


def test_alldiv_by_zero_raises(tmp_path):
    """ntdll's _alldiv divides with `div`: by zero it raises STATUS_INTEGER_DIVIDE_BY_ZERO."""
    def body(asm, iat, d):
        asm.push(0).push(0).push(0).push(7).call_mem(iat["_alldiv"])
        asm.push_eax().call_mem(iat["ExitProcess"])
    r = run(_exe(tmp_path, {"ntdll.dll": ["_alldiv"]}, body))
    assert r.exit_code == STATUS["STATUS_INTEGER_DIVIDE_BY_ZERO"]


def test_decorated_cxx_and_data_imports_load(tmp_path):
    """msvcrt's C++ exports (a method, a vftable: data without contents in ntboot) resolve: the
    program finds both IAT slots filled and the vftable readable (zeroed)."""
    names = ["?what@exception@@UBEPBDXZ", "??_7bad_cast@@6B@", "_sys_nerr"]

    def body(asm, iat, d):
        asm.mov_eax_mem(iat[names[0]]).test_eax_eax().jz("bad")
        asm.mov_eax_mem(iat[names[1]]).test_eax_eax().jz("bad")
        asm.mov_eax_deref_eax().test_eax_eax().jnz("bad")        # the zeroed vftable
        asm.mov_eax_mem(iat[names[2]]).mov_eax_deref_eax()       # _sys_nerr
        asm.push_eax().call_mem(iat["ExitProcess"])
        asm.label("bad")
        asm.push(1).call_mem(iat["ExitProcess"])
    r = run(_exe(tmp_path, {"msvcrt.dll": names}, body))
    assert (r.reason, r.exit_code) == ("exited", 43)


def test_post_win7_name_does_not_load(tmp_path):
    """kernel32!CreateFile2 is Windows 8's: Windows 7's loader refuses the program."""
    def body(asm, iat, d):
        pc.exit_with(asm, iat, 0)
    r = run(_exe(tmp_path, {"kernel32.dll": pc.KERNEL32_BASICS + ["CreateFile2"]}, body))
    assert r.reason == "loader error"
    assert r.exit_code == STATUS["STATUS_ENTRYPOINT_NOT_FOUND"] == 0xC0000139
    assert "CreateFile2" in r.message


def test_import_by_real_ordinal(tmp_path):
    """oleaut32's real ordinals: 2 is SysAllocString, 7 SysStringLen."""
    data = "hello".encode("utf-16-le") + b"\0\0"

    def body(asm, iat, d):
        asm.push_addr(d).call_mem(iat[("oleaut32.dll", 2)])
        asm.push_eax().call_mem(iat[("oleaut32.dll", 7)])
        asm.push_eax().call_mem(iat["ExitProcess"])
    r = run(_exe(tmp_path, {"oleaut32.dll": [2, 7]}, body, data=data))
    assert (r.reason, r.exit_code) == ("exited", 5)
