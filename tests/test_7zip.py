"""The official 7-Zip console (7za.exe 21.07, x86, from the npm package 7zip-bin 5.2.0): an MSVC-built
C++ program linking msvcrt.dll dynamically.  Its errors are C++ exceptions thrown by
msvcrt!_CxxThrowException and caught through msvcrt!__CxxFrameHandler (kernel/dlls/msvcrt/cppexcept.py).

7-Zip's exit codes (its documentation, "Exit Codes"): 0 no error, 1 warning, 2 fatal error,
7 command line error, 8 not enough memory, 255 stopped by the user.

Plus a unit test of the FuncInfo / ThrowInfo parsing and catch matching on bytes built here."""
import io
import os
import re
import struct

import pytest

from fetch import require
from ntboot.api import Emulator
from kernel.dlls.msvcrt import cppexcept as C

BANNER = "\n7-Zip (a) 21.07 (x86) : Copyright (c) 1999-2021 Igor Pavlov : 2021-12-26\n\n"


@pytest.fixture(scope="module")
def sevenza():
    """package/win/ia32/7za.exe of 7zip-bin 5.2.0, fetched once (tests/fetch.py, `python -m tests.fetch`)."""
    exe = require("7za.exe")
    assert os.path.getsize(exe) == 792064
    return exe


def run(exe, args, root, trace=()):
    out = io.StringIO()
    emu = Emulator(timeout=120, root=str(root), trace=list(trace), trace_stream=out)
    try:
        emu.create_process(exe, list(args))
        result = emu.run()
    finally:
        emu.close()
    assert result.reason == "exited", result.message
    return result, out.getvalue()


def calls(trace_text, name):
    return [line for line in trace_text.splitlines() if f"msvcrt!{name}(" in line]


def test_usage(sevenza, tmp_path):
    result, _ = run(sevenza, [], tmp_path)
    out = result.stdout.decode()
    assert result.exit_code == 0
    assert out.startswith(BANNER + "Usage: 7za <command> [<switches>...] <archive_name> [<file_names>...] [@listfile]\n")
    assert "  x : eXtract files with full paths\n" in out
    assert out.endswith("  -y : assume Yes on all queries\n")
    assert result.stderr == b""


def test_missing_archive_is_a_cxx_exception(sevenza, tmp_path):
    """Main.cpp throws CSystemException(ERROR_FILE_NOT_FOUND as an HRESULT); MainAr.cpp catches it,
    prints "System ERROR:" and the system's message for 0x80070002, and returns 2."""
    result, trace = run(sevenza, ["x", r"C:\app\nosuch.7z"], tmp_path, trace=["api"])
    assert result.exit_code == 2
    assert result.stdout.decode() == (BANNER + "Scanning the drive for archives:\n"
                                      "  0M Scan C:\\app\\\r                 \r")
    assert result.stderr.decode() == ("\nERROR: The system cannot find the file specified.\nC:\\app\\nosuch.7z\n"
                                      "\n\n\nSystem ERROR:\nThe system cannot find the file specified.\n")
    throws = calls(trace, "_CxxThrowException")
    assert len(throws) == 1 and "from 7za.exe+0x" in throws[0]
    handlers = calls(trace, "__CxxFrameHandler")
    assert handlers and all("from ntdll.dll+0x" in line for line in handlers)


def test_command_line_error_is_a_cxx_exception(sevenza, tmp_path):
    """An unknown command: CArcCmdLineException thrown and caught in main, exit code 7."""
    result, trace = run(sevenza, ["q"], tmp_path, trace=["api"])
    assert result.exit_code == 7
    assert result.stdout.decode() == BANNER
    assert result.stderr.decode() == "\n\nCommand Line Error:\nUnsupported command:\nq\n"
    assert len(calls(trace, "_CxxThrowException")) == 1
    assert calls(trace, "__CxxFrameHandler")


def test_not_an_archive(sevenza, tmp_path):
    (tmp_path / "junk.txt").write_bytes(b"hello not an archive\n")
    result, _ = run(sevenza, ["l", r"C:\junk.txt"], tmp_path)
    assert result.exit_code == 2
    assert result.stderr.decode() == "\nERROR: C:\\junk.txt : Cannot open the file as archive\n\n\n"
    assert result.stdout.decode().endswith("Listing archive: C:\\junk.txt\n\n\nErrors: 1\n")


# -- the parser on constructed bytes ----------------------------------------------------------------
class Memory:
    def __init__(self):
        self.data = bytearray(0x2000)

    def put(self, addr, blob):
        self.data[addr - 0x1000:addr - 0x1000 + len(blob)] = blob

    def read(self, addr, size):
        return bytes(self.data[addr - 0x1000:addr - 0x1000 + size])


def type_descriptor(name: bytes) -> bytes:
    return struct.pack("<II", 0x1234, 0) + name + b"\0"


def build():
    m = Memory()
    TD_INT, TD_BASE, TD_DERIVED, TD_OTHER = 0x1100, 0x1140, 0x1180, 0x11C0
    m.put(TD_INT, type_descriptor(b".H"))
    m.put(TD_BASE, type_descriptor(b".?AVBase@@"))
    m.put(TD_DERIVED, type_descriptor(b".?AVDerived@@"))
    m.put(0x1200, type_descriptor(b".?AVDerived@@"))          # the same type described twice (another module)
    m.put(TD_OTHER, type_descriptor(b".?AVOther@@"))
    # FuncInfo: 3 states; try block 0 covers state 0..1 with catches (Other, Base&, ...);
    # try block 1 covers state 2 with catch (int)
    m.put(0x1300, struct.pack("<IiIiIIIII", 0x19930522, 3, 0x1340, 2, 0x1360, 0, 0, 0, 1))
    m.put(0x1340, struct.pack("<iIiIiI", -1, 0x401000, 0, 0, 1, 0x401020))
    m.put(0x1360, struct.pack("<iiiiI", 0, 1, 2, 3, 0x1400) + struct.pack("<iiiiI", 2, 2, 3, 1, 0x1440))
    m.put(0x1400, struct.pack("<IIiI", 0, TD_OTHER, -0x20, 0x402000) +
          struct.pack("<IIiI", 8, TD_BASE, -0x24, 0x402100) +
          struct.pack("<IIiI", 0, 0, 0, 0x402200))
    m.put(0x1440, struct.pack("<IIiI", 0, TD_INT, -0x28, 0x402300))
    # ThrowInfo of `throw Derived()`: catchable as Derived and as Base (Base at offset 8, by reference only)
    m.put(0x1500, struct.pack("<IIII", 0, 0x403000, 0, 0x1520))
    m.put(0x1520, struct.pack("<III", 2, 0x1540, 0x1560))
    m.put(0x1540, struct.pack("<IIiiiiI", 0, 0x1200, 0, -1, 0, 16, 0x404000))
    m.put(0x1560, struct.pack("<IIiiiiI", 2, TD_BASE, 8, -1, 0, 8, 0x404100))
    # ThrowInfo of `throw 5`
    m.put(0x1600, struct.pack("<IIII", 0, 0, 0, 0x1620))
    m.put(0x1620, struct.pack("<II", 1, 0x1640))
    m.put(0x1640, struct.pack("<IIiiiiI", 1, TD_INT, 0, -1, 0, 4, 0))
    return m


def test_func_info_parsing():
    m = build()
    fi = C.parse_func_info(m.read, 0x1300)
    assert fi.magic == 0x19930522 and fi.max_state == 3
    assert fi.unwind_map == [(-1, 0x401000), (0, 0), (1, 0x401020)]
    assert [(b.try_low, b.try_high, b.catch_high, len(b.catches)) for b in fi.try_blocks] == [(0, 1, 2, 3), (2, 2, 3, 1)]
    h = fi.try_blocks[0].catches[1]
    assert (h.adjectives, h.type_descriptor, h.disp_catch_obj, h.handler) == (8, 0x1140, -0x24, 0x402100)
    assert C.type_name(m.read, 0x1180) == b".?AVDerived@@"
    m.put(0x1300, struct.pack("<I", 0x12345678))
    with pytest.raises(ValueError):
        C.parse_func_info(m.read, 0x1300)


def test_catch_matching():
    m = build()
    fi = C.parse_func_info(m.read, 0x1300)
    # Derived thrown at state 1: `catch (Other)` does not match, `catch (Base&)` does (by reference)
    block, handler, ct = C.find_catch(m.read, fi, 1, 0x1500)
    assert block is fi.try_blocks[0] and handler.handler == 0x402100 and ct.type_descriptor == 0x1140
    assert C.adjust_pointer(m.read, 0x5000, ct) == 0x5008
    # a by-value `catch (Base)` would not take a "by reference only" catchable type: falls to `...`
    m.put(0x1400 + 16, struct.pack("<I", 0))
    fi = C.parse_func_info(m.read, 0x1300)
    block, handler, ct = C.find_catch(m.read, fi, 0, 0x1500)
    assert handler.handler == 0x402200 and ct is None
    # int thrown at state 2: the second try block's `catch (int)`; at state 3: nothing
    block, handler, ct = C.find_catch(m.read, fi, 2, 0x1600)
    assert handler.handler == 0x402300 and ct.properties & C.CLASS_IS_SIMPLE_TYPE and ct.size == 4
    assert C.find_catch(m.read, fi, 3, 0x1600) is None
    # matching by name: a catch of Derived (descriptor 0x1180) takes the other module's descriptor 0x1200
    m.put(0x1440, struct.pack("<IIiI", 0, 0x1180, -0x28, 0x402400))
    fi = C.parse_func_info(m.read, 0x1300)
    block, handler, ct = C.find_catch(m.read, fi, 2, 0x1500)
    assert handler.handler == 0x402400 and ct.type_descriptor == 0x1200 and ct.copy_function == 0x404000
    # a virtual-base PMD: this + pdisp + [vbtable + vdisp] + mdisp
    m.put(0x1700, struct.pack("<I", 0x1710))
    m.put(0x1710, struct.pack("<ii", 0, 12))
    ct = C.CatchableType(4, 0x1140, 4, 0, 4, 8, 0)
    assert C.adjust_pointer(m.read, 0x1700, ct) == 0x1700 + 0 + 12 + 4


def test_archive_round_trip(sevenza, tmp_path):
    """`a` makes a .7z (LZMA2), `x -o` extracts it elsewhere with the same bytes."""
    data = b"hello world " * 200 + b"\n"
    (tmp_path / "in.txt").write_bytes(data)
    result, _ = run(sevenza, ["a", r"C:\t.7z", r"C:\in.txt"], tmp_path)
    assert result.exit_code == 0 and result.stdout.decode().endswith("Everything is Ok\n"), result.stderr
    assert (tmp_path / "t.7z").read_bytes()[:6] == b"7z\xbc\xaf\x27\x1c"
    result, _ = run(sevenza, ["x", r"C:\t.7z", r"-oC:\out"], tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "in.txt").read_bytes() == data
    # `t -bt`: the timing statistics (GetProcessTimes, K32GetProcessMemoryInfo, QueryProcessCycleTime)
    result, _ = run(sevenza, ["t", r"C:\t.7z", "-bt"], tmp_path)
    out = result.stdout.decode()
    assert result.exit_code == 0 and "Everything is Ok" in out and "Process Time =" in out, result.stderr


def test_imports_by_ordinal_resolve(sevenza, capsys):
    """OLEAUT32 #2/#4/#6/#7/#9/#10 are SysAllocString, SysAllocStringLen, SysFreeString, SysStringLen,
    VariantClear, VariantCopy, as in Windows' oleaut32; what 7za imports and ntboot lacks is listed."""
    from ntboot.cli import main
    assert main(["imports", sevenza]) == 1          # 1: something is NOT IMPLEMENTED
    text = capsys.readouterr().out
    assert "NOT EXPORTED" not in text
    missing = sorted(line.split()[0] for line in text.splitlines() if "NOT IMPLEMENTED" in line)
    assert missing == ["ADVAPI32.dll!GetFileSecurityW", "ADVAPI32.dll!SetFileSecurityW",
                       "KERNEL32.dll!MapViewOfFile", "KERNEL32.dll!OpenFileMappingW", "KERNEL32.dll!UnmapViewOfFile"]


# -- a hand-built MSVC-style program: throw in a callee with a destructor, catch (int) in main -------
def _cxx_program() -> bytes:
    """An EXE (base 0x400000, no relocations) importing msvcrt's _CxxThrowException,
    __CxxFrameHandler and exit.  main's frame (FuncInfo: state 0 inside `try`, `catch (int)` with its
    parameter at EBP-0x18) calls inner(), whose frame has one unwind action (state 0 -> -1: writes 5
    to `marker`) and which throws the int 42.  The catch funclet returns the continuation, which
    exits with the caught value + marker: 47 when the catch matched, the object was copied, the inner
    frame was unwound through RtlUnwind and main's EBP/ESP were restored."""
    from kernel.hle.synth import SCN_DATA, SCN_TEXT, _import_directory
    from loader.pewriter import PeWriter
    base, text_rva, data_rva, idata_rva = 0x400000, 0x1000, 0x2000, 0x3000
    idata, dir_size, iat_rva, iat_size = _import_directory(
        {"msvcrt.dll": ["_CxxThrowException", "__CxxFrameHandler", "exit"]}, base and idata_rva)
    iat_throw, iat_fh, iat_exit = (base + iat_rva + 4 * i for i in range(3))
    d = base + data_rva
    TD_INT, OBJ, MARKER, THROW_INFO, CTA, CT = d, d + 0x10, d + 0x14, d + 0x20, d + 0x30, d + 0x40
    MAIN_FI, MAIN_UNWIND, MAIN_TRY, MAIN_HANDLER = d + 0x60, d + 0x80, d + 0x90, d + 0xB0
    INNER_FI, INNER_UNWIND = d + 0xC0, d + 0xE0
    p = struct.pack

    def code(L):
        out = bytearray()

        def here():
            return base + text_rva + len(out)
        labels = {}

        def prologue(stub, locals_):
            return (b"\x55\x8b\xec\x6a\xff\x68" + p("<I", stub) + b"\x64\xa1\0\0\0\0\x50"
                    b"\x64\x89\x25\0\0\0\0\x83\xec" + bytes([locals_]) + b"\x89\x65\xf0")
        labels["main"] = here()
        out += prologue(L["main_stub"], 0x20)
        out += b"\xc7\x45\xfc\0\0\0\0"                                  # state 0: in the try
        out += b"\xe8" + p("<i", L["inner"] - (here() + 5))             # call inner
        out += b"\xcc"
        labels["continuation"] = here()
        out += b"\xc7\x45\xfc\xff\xff\xff\xff\x8b\x4d\xf4\x64\x89\x0d\0\0\0\0"   # state -1, unlink
        out += b"\x8b\x45\xe8\x03\x05" + p("<I", MARKER) + b"\x50"      # eax = [ebp-0x18] + marker
        out += b"\xff\x15" + p("<I", iat_exit) + b"\xcc"
        labels["catch"] = here()
        out += b"\xb8" + p("<I", L["continuation"]) + b"\xc3"
        labels["main_stub"] = here()
        out += b"\xb8" + p("<I", MAIN_FI) + b"\xff\x25" + p("<I", iat_fh)
        labels["inner"] = here()
        out += prologue(L["inner_stub"], 0x08)
        out += b"\xc7\x45\xfc\0\0\0\0"                                  # state 0: object alive
        out += b"\x68" + p("<I", THROW_INFO) + b"\x68" + p("<I", OBJ) + b"\xff\x15" + p("<I", iat_throw) + b"\xcc"
        labels["inner_action"] = here()
        out += b"\xc7\x05" + p("<I", MARKER) + p("<I", 5) + b"\xc3"
        labels["inner_stub"] = here()
        out += b"\xb8" + p("<I", INNER_FI) + b"\xff\x25" + p("<I", iat_fh)
        return bytes(out), labels

    _, labels = code({k: 0 for k in ("main_stub", "inner", "continuation", "inner_stub")})
    text, labels = code(labels)
    data = bytearray(0x100)

    def put(addr, blob):
        data[addr - d:addr - d + len(blob)] = blob
    put(TD_INT, p("<II", 0, 0) + b".H\0")
    put(OBJ, p("<i", 42))
    put(THROW_INFO, p("<IIII", 0, 0, 0, CTA))
    put(CTA, p("<II", 1, CT))
    put(CT, p("<IIiiiiI", 1, TD_INT, 0, -1, 0, 4, 0))
    put(MAIN_FI, p("<IiIiIII", 0x19930520, 1, MAIN_UNWIND, 1, MAIN_TRY, 0, 0))
    put(MAIN_UNWIND, p("<iI", -1, 0))
    put(MAIN_TRY, p("<iiiiI", 0, 0, 1, 1, MAIN_HANDLER))
    put(MAIN_HANDLER, p("<IIiI", 0, TD_INT, -0x18, labels["catch"]))
    put(INNER_FI, p("<IiIiIII", 0x19930520, 1, INNER_UNWIND, 0, 0, 0, 0))
    put(INNER_UNWIND, p("<iI", -1, labels["inner_action"]))
    w = PeWriter("cxxmsvc.exe", base, characteristics=0x0103, dll_characteristics=0x0100)
    assert w.add_section(".text", text, characteristics=SCN_TEXT) == text_rva
    assert w.add_section(".data", bytes(data), characteristics=SCN_DATA) == data_rva
    assert w.add_section(".idata", idata, characteristics=SCN_DATA) == idata_rva
    w.set_data_directory(1, idata_rva, dir_size)
    w.set_data_directory(12, iat_rva, iat_size)
    w.set_entry_point(labels["main"] - base)
    return w.build()


def test_cxx_throw_catch_and_unwind_in_a_built_program(tmp_path):
    exe = tmp_path / "cxxmsvc.exe"
    exe.write_bytes(_cxx_program())
    result, trace = run(str(exe), [], tmp_path, trace=["api"])
    assert result.exit_code == 47, (result.message, trace[-3000:])
    assert len(calls(trace, "_CxxThrowException")) == 1
    handlers = [l for l in calls(trace, "__CxxFrameHandler") if "did not return" not in l]
    # inner's frame declines (= 1, ExceptionContinueSearch), main's catches: it calls RtlUnwind, which
    # calls inner's frame again to unwind it (its action writes the marker), and never returns
    # all three from the one call site of ntdll's exception dispatcher (hand-written code, which follows
    # the stub area: its offset depends on ntdll's export count)
    assert len(handlers) == 3
    site = re.search(r"= 1 from (ntdll\.dll\+0x[0-9a-f]+)$", handlers[0]).group(1)
    assert handlers[2].endswith(f"= 1 from {site}")
    assert "frame=0x" in handlers[1] and handlers[1].endswith(f"... from {site}")
    lines = trace.splitlines()
    gone = next(i for i, l in enumerate(lines) if "__CxxFrameHandler(" in l and "did not return" in l)
    assert gone < next(i for i, l in enumerate(lines) if "msvcrt!exit(status=47)" in l)


def _seh3_program() -> bytes:
    """An EXE whose main has an _except_handler3 frame (msvcrt's): __try { *(int *)0 = 1; }
    __except (filter: 1) { exit(9); }, the __except block entered with the frame's EBP (it reloads
    ESP from EBP-0x18, as MSVC's code does)."""
    from kernel.hle.synth import SCN_DATA, SCN_TEXT, _import_directory
    from loader.pewriter import PeWriter
    base, text_rva, data_rva, idata_rva = 0x400000, 0x1000, 0x2000, 0x3000
    idata, dir_size, iat_rva, iat_size = _import_directory({"msvcrt.dll": ["_except_handler3", "exit"]}, idata_rva)
    iat_eh3, iat_exit = base + iat_rva, base + iat_rva + 4
    scope = base + data_rva
    p = struct.pack

    def code(L):
        out = bytearray()
        labels = {"main": base + text_rva}
        out += b"\x55\x8b\xec\x6a\xff\x68" + p("<I", scope) + b"\xff\x35" + p("<I", iat_eh3)
        out += b"\x64\xa1\0\0\0\0\x50\x64\x89\x25\0\0\0\0\x83\xec\x08\x89\x65\xe8"
        out += b"\xc7\x45\xfc\0\0\0\0"                                 # try level 0
        out += b"\xc7\x05\0\0\0\0\x01\0\0\0\xcc"                         # *(int *)0 = 1
        labels["filter"] = base + text_rva + len(out)
        out += b"\xb8\x01\0\0\0\xc3"                                     # EXCEPTION_EXECUTE_HANDLER
        labels["handler"] = base + text_rva + len(out)
        out += b"\x8b\x65\xe8\x6a\x09\xff\x15" + p("<I", iat_exit) + b"\xcc"
        return bytes(out), labels
    text, labels = code(None)
    w = PeWriter("seh3.exe", base, characteristics=0x0103, dll_characteristics=0x0100)
    w.add_section(".text", text, characteristics=SCN_TEXT)
    w.add_section(".data", p("<iII", -1, labels["filter"], labels["handler"]), characteristics=SCN_DATA)
    w.add_section(".idata", idata, characteristics=SCN_DATA)
    w.set_data_directory(1, idata_rva, dir_size)
    w.set_data_directory(12, iat_rva, iat_size)
    w.set_entry_point(labels["main"] - base)
    return w.build()


def test_except_handler3_runs_filter_and_except_block(tmp_path):
    exe = tmp_path / "seh3.exe"
    exe.write_bytes(_seh3_program())
    result, trace = run(str(exe), [], tmp_path, trace=["api"])
    assert result.exit_code == 9, (result.message, trace[-2000:])
    assert len(calls(trace, "_except_handler3")) >= 1


def test_ftol_truncates_st0_into_edx_eax(tmp_path):
    """fld 8589934597.9; call _ftol; exit(eax + edx): 0x2_00000005 -> 5 + 2 = 7."""
    from kernel.hle.synth import SCN_DATA, SCN_TEXT, _import_directory
    from loader.pewriter import PeWriter
    base = 0x400000
    idata, dir_size, iat_rva, iat_size = _import_directory({"msvcrt.dll": ["_ftol", "exit"]}, 0x3000)
    value = base + 0x2000
    text = (b"\xdd\x05" + struct.pack("<I", value) + b"\xff\x15" + struct.pack("<I", base + iat_rva) +
            b"\x01\xd0\x50\xff\x15" + struct.pack("<I", base + iat_rva + 4) + b"\xcc")
    w = PeWriter("ftol.exe", base, characteristics=0x0103, dll_characteristics=0x0100)
    w.add_section(".text", text, characteristics=SCN_TEXT)
    w.add_section(".data", struct.pack("<d", 8589934597.9), characteristics=SCN_DATA)
    w.add_section(".idata", idata, characteristics=SCN_DATA)
    w.set_data_directory(1, 0x3000, dir_size)
    w.set_data_directory(12, iat_rva, iat_size)
    w.set_entry_point(0x1000)
    (tmp_path / "ftol.exe").write_bytes(w.build())
    result, _ = run(str(tmp_path / "ftol.exe"), [], tmp_path)
    assert result.exit_code == 7, result.message
