"""user32, shell32, ole32 and oleaut32 for console programs, kernel32's Global/Local memory, --lenient,
`ntboot imports` of a program and its own DLLs, and the README's table of what each DLL implements."""
import io
import os
import struct
from contextlib import redirect_stdout

import pytest

from conftest import ROOT, run_sample, sample
from ntboot.api import list_imports
from kernel.dlls import count as dll_count
from kernel.dlls.user32 import winuser
from kernel.dlls.user32.wsprintf import Memory, format_units

SHELLMISC_ARGS = ["two words", "back\\slash\\", "", 'q"uote']

SHELLMISC = [
    'argv self: argc=5 [C:\\app\\shellmisc.exe] [two words] [back\\slash\\] [] [q"uote] NULL-terminated',
    'argv quotes: argc=5 [prog.exe] [two words] [plain] [] [end] NULL-terminated',
    'argv backslashes: argc=5 [prog.exe] [a\\\\b] [a\\"b] [c\\] [d\\\\e f] NULL-terminated',
    'argv runs: argc=2 [prog.exe] [a"b "c" x"y] NULL-terminated',
    'argv spaces: argc=4 [] [C:\\Program Files\\x.exe] [one] [two] NULL-terminated',
    'argv empty: argc=1 [C:\\app\\shellmisc.exe] NULL-terminated',
    'argv null count: error=87',
    'folder CSIDL_APPDATA: hr=0x00000000 C:\\Users\\user\\AppData\\Roaming (%APPDATA% matches)',
    'folder CSIDL_LOCAL_APPDATA: hr=0x00000000 C:\\Users\\user\\AppData\\Local (%LOCALAPPDATA% matches)',
    'folder CSIDL_PROFILE: hr=0x00000000 C:\\Users\\user (%USERPROFILE% matches)',
    'folder CSIDL_WINDOWS: hr=0x00000000 C:\\Windows (%SystemRoot% matches)',
    'folder CSIDL_SYSTEM: hr=0x00000000 C:\\Windows\\system32',
    'folder CSIDL_PROGRAM_FILES: hr=0x00000000 C:\\Program Files (%ProgramFiles% matches)',
    'folder CSIDL_COMMON_APPDATA: hr=0x00000000 C:\\ProgramData (%ALLUSERSPROFILE% matches)',
    'folder CSIDL_PERSONAL: hr=0x00000000 C:\\Users\\user\\Documents',
    'folder CSIDL_DESKTOPDIRECTORY: hr=0x00000000 C:\\Users\\user\\Desktop',
    'folder special: 1 C:\\Users\\user\\AppData\\Roaming',
    'folder known RoamingAppData: hr=0x00000000 C:\\Users\\user\\AppData\\Roaming',
    'folder known Profile: hr=0x00000000 C:\\Users\\user',
    'folder known unknown: hr=0x80070057 path=NULL',
    'folder remove Documents: 1',
    'folder missing W: hr=0x80004005',
    'folder missing A: hr=0x00000001',
    'folder create: hr=0x00000000 attributes=0x10',
    'folder invalid: hr=0x80070057',
    'wsprintf ints: 24 [42|   42|42   |00042|007]',
    'wsprintf negative: 10 [-000000001]',
    'wsprintf hex: 41 [beef BEEF 0xbeef 0XBEEF 00001234 ffffffff]',
    'wsprintf sizes: 28 [4294967295 -7 123 9029 65535]',
    'wsprintf 64: 51 [-1234567890123 123456789a 18446744073709551615 abcd]',
    'wsprintf strings: 36 [abc|abc|   right|left    |wide|wide2]',
    'wsprintf null: 16 [((null))((null))]',
    'wsprintf chars: 6 [AbWw[]]',
    'wsprintf unknown: 6 [f|y|%|]',
    'wsprintf limit: 1024 strlen=1024',
    'wvsprintf: 5 [va=99]',
    'wsprintfW: 29 [wide narrow short -5 Z    ab|]',
    'char CharUpperA: same pointer [HELLO, WORLD ] c4 9f',
    'char CharLowerA: [hello, world ] e4 ff',
    'char single: 00000041 000000E4 0000009F 00000391',
    'char CharUpperW: 00df 0045 00dc 00df (STRA)',
    'char CharLowerBuffW: 3 [abcDEF] 0',
    'char CharNext: A+1 A-end+0 W+3 W-mark+3',
    'char CharPrev: A1 A-start0 W0 W-start0',
    'char IsChar: 101010 1110',
    'bstr SysAllocString: len=5 bytes=10 prefix=10 nul=1',
    'bstr SysAllocStringLen: len=5 [hello] equal=1',
    'bstr SysAllocStringByteLen: bytes=3 len=1 [abc]',
    'bstr SysAllocStringLen(NULL, 4): len=4',
    'bstr SysReAllocString: 1 len=13 [longer string]',
    'bstr SysReAllocStringLen: 1 len=6 [longer]',
    'bstr NULL: len=0 bytes=0 alloc=00000000',
    'variant init: vt=0',
    'variant clear bstr: hr=0x00000000 vt=0',
    'variant clear unknown: hr=0x00000000 vt=0 released=1',
    'variant clear bad type: hr=0x80020008 vt=15',
    'msgbox MB_OK: 1',
    'msgbox MB_YESNO: 6',
    'msgbox MB_YESNO|MB_DEFBUTTON2: 7',
    'msgbox MB_YESNOCANCEL|MB_DEFBUTTON3: 2',
    'msgbox MB_OKCANCEL|MB_DEFBUTTON4: 1',
    'msgbox MessageBoxW NULL caption: 1',
    'msgbox bad style: 0 error=1438',
    'user metrics: 1024 768 1 1 0',
    'user windows: desktop=00000000 foreground=00000000 console=00000000',
    'user LoadStringA 1: 12 [First string]',
    'user LoadStringA 17: 30 [Seventeen, in the second block]',
    'user LoadStringA short buffer: 5 [First]',
    'user LoadStringA empty entry: 0 [] error=0',
    'user LoadStringA missing: 0 [] error=1814',
    'user LoadStringA size 0: -1',
    'user LoadStringW 2: 6 [Second]',
    'user LoadStringW pointer: 30 [Seventeen, in the second block]',
    'memory handle: low bits=4',
    'memory lock: entry points at block=1 flags=1',
    'memory locked twice: flags=2 handle=1',
    'memory unlock: 1 0 error=0 0 error=158',
    'memory realloc: same handle=1 size=300',
    'memory free: 00000000 again=1 error=6',
    'memory discarded: flags=0x4100 size=0 lock=00000000',
    'memory LocalAlloc(LPTR): zero=1 size=32 lock=1 flags=0 unlock=1',
    'memory LocalFree: 00000000',
    'failures: 0',
]

MESSAGE_BOXES = [
    "MessageBox: shellmisc: Hello from shellmisc",
    "MessageBox: Question: Continue?",
    "MessageBox: Question: Really?",
    "MessageBox: Editor: Save?",
    "MessageBox: Default: Out of range",
    "MessageBox: Error: wide text",
]


# -- the sample ----------------------------------------------------------------------------------------
def test_shellmisc_prints_what_windows_would():
    r = run_sample("shellmisc.exe", SHELLMISC_ARGS)
    assert r.reason == "exited", r.message
    assert r.stdout.decode("latin-1").splitlines() == SHELLMISC
    assert r.stderr.decode().splitlines() == MESSAGE_BOXES
    assert r.exit_code == 0


def test_message_boxes_are_boot_trace_events(emulator):
    emu = emulator()
    emu.create_process(sample("shellmisc.exe"))
    emu.run()
    events = [s.name for s in emu.kernel.trace.steps if s.name.startswith("MessageBox")]
    assert events == MESSAGE_BOXES


def test_folder_paths_follow_the_environment():
    """SHGetFolderPath and %APPDATA% agree, also when --env changes the variable."""
    r = run_sample("shellmisc.exe", environment={"APPDATA": "C:\\Roaming Elsewhere"})
    lines = r.stdout.decode("latin-1").splitlines()
    appdata = next(line for line in lines if line.startswith("folder CSIDL_APPDATA"))
    # the folder does not exist: SHGetFolderPathA says S_FALSE and still gives the path
    assert appdata == "folder CSIDL_APPDATA: hr=0x00000001 C:\\Roaming Elsewhere (%APPDATA% matches)"


# -- wsprintf, pure ---------------------------------------------------------------------------------------
class FakeArgs:
    def __init__(self, *values):
        self.values = list(values)

    def int32(self):
        return self.values.pop(0) & 0xFFFFFFFF

    def int64(self):
        return self.values.pop(0) & 0xFFFFFFFFFFFFFFFF


class FakeMemory(Memory):
    def __init__(self, strings):
        self.strings = strings          # address -> str

    def narrow(self, address, limit):
        return self.strings[address].encode("cp1252")[:limit]

    def wide(self, address, limit):
        return [ord(c) for c in self.strings[address]][:limit]

    def to_ansi(self, units):
        return bytes(u if u < 256 else 0x3F for u in units)

    def to_wide(self, data):
        return list(data)


def fmt(spec, *args, wide=False, strings=None):
    units = [ord(c) for c in spec]
    out = format_units(units, FakeArgs(*args), FakeMemory(strings or {}), wide)
    return "".join(map(chr, out))


@pytest.mark.parametrize("spec,args,expected", [
    ("%d", (-5,), "-5"),
    ("%010ld", (-1,), "-000000001"),           # Windows (Wine's test run on Windows)
    ("%.5d", (42,), "00042"),
    ("%-6d|", (42,), "42    |"),
    ("%-06d|", (42,), "42    |"),              # '-' cancels '0'
    ("%I64X", (0x12345 << 32 | 0x67890A,), "123450067890A"),
    ("%I32X", (0x67890A,), "67890A"),
    ("%I64u", (-123,), "18446744073709551493"),
    ("%Id", (-12345,), "-12345"),
    ("%p", (-0x12345,), "FFFEDCBB"),
    ("%hd", (0x18000,), "-32768"),
    ("%hu", (-1,), "65535"),
    ("%#x", (255,), "0xff"),
    ("%#X", (255,), "0XFF"),
    ("%u", (-1,), "4294967295"),
    ("%5.1f", (), "f"),                         # no floating point: the type is printed
    ("%*d", (), "*d"),                          # no '*' width
    ("100%", (), "100"),
    ("%%", (), "%"),
    ("%c%c", (0x41, 0), "A"),                   # a zero character is ignored
    ("%3c|", (0x41,), "  A|"),
])
def test_wsprintf_numbers_and_types(spec, args, expected):
    assert fmt(spec, *args) == expected


def test_wsprintf_strings():
    strings = {0x1000: "hello", 0x2000: "wide"}
    assert fmt("%s|%.2s|%7s|%-7s|", 0x1000, 0x1000, 0x1000, 0x1000, strings=strings) == \
        "hello|he|  hello|hello  |"
    assert fmt("%S %ls %ws %hs", 0x2000, 0x2000, 0x2000, 0x1000, strings=strings) == "wide wide wide hello"
    assert fmt("%s %S", 0, 0) == "(null) (null)"
    assert fmt("%.3s", 0) == "(nu"
    # wsprintfW: %s is wide, %S and %hs narrow
    assert fmt("%s %S %hs %ls", 0x2000, 0x1000, 0x1000, 0x2000, wide=True, strings=strings) == \
        "wide hello hello wide"
    assert fmt("%c%C", 0x3B1, 0x41, wide=True) == "\u03b1A"


def test_wsprintf_stops_at_1024_characters():
    out = fmt("%s%s", 0x1000, 0x1000, strings={0x1000: "x" * 700})
    assert len(out) == 1024
    assert fmt("a" * 2000) == "a" * 1024


def test_message_box_answers_are_the_default_button():
    assert winuser.message_box_answer(0) == 1                 # MB_OK: IDOK
    assert winuser.message_box_answer(0x4) == 6               # MB_YESNO: IDYES
    assert winuser.message_box_answer(0x104) == 7             # MB_YESNO|MB_DEFBUTTON2: IDNO
    assert winuser.message_box_answer(0x203) == 2             # MB_YESNOCANCEL|MB_DEFBUTTON3: IDCANCEL
    assert winuser.message_box_answer(0x206) == 11            # MB_CANCELTRYCONTINUE|MB_DEFBUTTON3: IDCONTINUE
    assert winuser.message_box_answer(0x4102) == 4            # MB_HELP|MB_ABORTRETRYIGNORE|MB_DEFBUTTON2: IDRETRY
    assert winuser.message_box_answer(0x4302) == 3            # MB_DEFBUTTON4 names Help: the first button
    assert winuser.message_box_answer(0x301) == 1             # out of range: the first button
    assert winuser.message_box_answer(0x7) is None            # not a button set


# -- handlers called directly on a live process ----------------------------------------------------------
@pytest.fixture
def live(emulator):
    """A process stopped at its entry point, with scratch memory and the handlers' context."""
    emu = emulator()
    emu.create_process(sample("hello.exe"))
    assert emu.run_to("entry") is None
    ctx = emu.process.api_context
    ctx.thread = emu.thread
    scratch = emu.process.memory.allocate(None, 0x10000, 0x04, tag="test scratch")
    return emu, ctx, scratch


def test_char_buff_functions_and_wvsprintfw(live):
    emu, ctx, at = live
    ctx.write(at, "abcDEF".encode("utf-16-le"))
    assert winuser.CharUpperBuffW(ctx, at, 4) == 4
    assert ctx.read(at, 12).decode("utf-16-le") == "ABCDEF"
    ctx.write(at, b"ABC\xc4\x00Z")
    assert winuser.CharLowerBuffA(ctx, at, 6) == 6
    assert ctx.read(at, 6) == b"abc\xe4\x00z"               # NULs inside the length are passed over
    assert winuser.IsCharAlphaNumericW(ctx, ord("7")) == 1
    assert winuser.IsCharAlphaNumericW(ctx, ord("_")) == 0
    # wvsprintfW: a va_list is a pointer to the arguments
    ctx.write(at + 0x100, "%d-%s\0".encode("utf-16-le"))
    ctx.write(at + 0x200, "ok\0".encode("utf-16-le"))
    ctx.write(at + 0x300, struct.pack("<iI", -3, at + 0x200))
    assert winuser.wvsprintfW(ctx, at + 0x400, at + 0x100, at + 0x300) == 5
    assert ctx.read_wstr(at + 0x400) == "-3-ok"


def test_moveable_memory_entry_lives_in_guest_memory(live):
    from kernel.dlls.kernel32 import winbase_mem as M
    emu, ctx, at = live
    h = M.GlobalAlloc(ctx, M.GMEM_MOVEABLE | M.GMEM_ZEROINIT, 40)
    flags, locks, block = struct.unpack("<HHI", ctx.read(h - 4, 8))
    assert (flags, locks) == (3, 0) and ctx.read(block, 40) == bytes(40)
    assert M.GlobalLock(ctx, h) == block
    assert struct.unpack("<HH", ctx.read(h - 4, 4)) == (3, 1)
    # a locked block grows only in place without GMEM_MOVEABLE; with it, it may move
    assert M.GlobalReAlloc(ctx, h, 0x200000, 0) == 0 and ctx.get_last_error() == M.ERROR_NOT_ENOUGH_MEMORY
    assert M.GlobalReAlloc(ctx, h, 0x200000, M.GMEM_MOVEABLE) == h
    assert M.GlobalSize(ctx, h) == 0x200000
    # GMEM_MODIFY turns fixed memory into a moveable handle for the same block
    fixed = M.LocalAlloc(ctx, 0, 8)
    assert fixed & 7 == 0
    handle = M.LocalReAlloc(ctx, fixed, 0, M.LMEM_MODIFY | M.LMEM_MOVEABLE)
    assert handle & 7 == 4 and M.LocalLock(ctx, handle) == fixed and M.LocalHandle(ctx, fixed) == handle
    assert M.LocalFlags(ctx, handle) == 1
    assert M.LocalFree(ctx, handle) == 0 and M.LocalFree(ctx, handle) == handle
    assert M.GlobalFree(ctx, h) == 0
    assert M.LocalAlloc(ctx, 0x1000, 8) == 0 and ctx.get_last_error() == 87     # not an LMEM_ flag


def test_special_folder_w_and_known_folder_create(live):
    from kernel.dlls.shell32 import shlobj
    emu, ctx, at = live
    assert shlobj.SHGetSpecialFolderPathW(ctx, 0, at, 0x0D, 0) == 0        # CSIDL_MYMUSIC: not there yet
    assert shlobj.SHGetSpecialFolderPathW(ctx, 0, at, 0x0D, 1) == 1        # fCreate
    assert ctx.read_wstr(at) == "C:\\Users\\user\\Music"
    assert emu.kernel.io.resolve("C:\\Users\\user\\Music").is_dir
    # FOLDERID_Videos with KF_FLAG_CREATE, then freed with CoTaskMemFree
    import uuid
    from kernel.dlls.ole32 import combaseapi
    ctx.write(at + 0x100, uuid.UUID("18989b1d-99b5-455b-841c-ab7c74e4ddfc").bytes_le)
    assert shlobj.SHGetKnownFolderPath(ctx, at + 0x100, 0, 0, at + 0x200) == 0x80070002
    assert ctx.read_u32(at + 0x200) == 0
    assert shlobj.SHGetKnownFolderPath(ctx, at + 0x100, 0x8000, 0, at + 0x200) == 0
    path = ctx.read_u32(at + 0x200)
    assert ctx.read_wstr(path) == "C:\\Users\\user\\Videos"
    combaseapi.CoTaskMemFree(ctx, path)
    assert not emu.process.heap.owns(path)
    # C:\Windows is read-only: its folders cannot be created
    assert shlobj.SHGetFolderPathW(ctx, 0, 0x14 | 0x8000, 0, 0, at) == 0x80070005   # CSIDL_FONTS
    assert shlobj.SHGetFolderPathW(ctx, 0, 0x14 | 0x4000, 0, 0, at) == 0            # CSIDL_FLAG_DONT_VERIFY
    assert ctx.read_wstr(at) == "C:\\Windows\\Fonts"


def test_command_line_to_argv_block(live):
    from kernel.dlls.shell32 import shellapi
    emu, ctx, at = live
    block = shellapi.CommandLineToArgvW(ctx, 'x.exe "a b" c', at)
    assert ctx.read_u32(at) == 3
    pointers = struct.unpack("<4I", ctx.read(block, 16))
    assert pointers[3] == 0 and pointers[0] == block + 16
    assert [ctx.read_wstr(p) for p in pointers[:3]] == ["x.exe", "a b", "c"]
    assert emu.process.heap.size(block) == 16 + 2 * len("x.exe a b c ")
    assert shellapi.CommandLineToArgvW(ctx, None, at) == 0 and ctx.get_last_error() == 87


# -- --lenient ------------------------------------------------------------------------------------------
def test_unsupported_with_lenient_goes_on():
    r = run_sample("unsupported.exe", lenient=True)
    assert r.reason == "exited" and r.exit_code == 0
    assert r.stdout.decode().splitlines() == ["calling", "GetNumaHighestNodeNumber: ret=0 highest=12345"]
    assert len(r.warnings) == 1
    assert r.warnings[0].startswith("kernel32!GetNumaHighestNodeNumber is not implemented; called from "
                                    "unsupported.exe+0x")
    assert "ERROR_CALL_NOT_IMPLEMENTED" in r.warnings[0]


def test_unsupported_without_lenient_still_stops():
    r = run_sample("unsupported.exe")
    assert r.reason == "unsupported API" and r.warnings == []


def test_lenient_stubs_pop_what_the_real_functions_pop():
    r = run_sample("lenient.exe", lenient=True)
    assert r.stdout.decode().splitlines() == [
        "GetNumaNodeProcessorMask: ret=0 error=120 stack=balanced",
        "_mbsrev: ret=NULL",
        "NtSetLdtEntries: status=0xc0000002 stack=balanced",
        "done"]
    assert r.exit_code == 0
    assert [w.split(" is not implemented")[0] for w in r.warnings] == [
        "kernel32!GetNumaNodeProcessorMask", "msvcrt!_mbsrev", "system service ntdll!NtSetLdtEntries (0x157)"]
    assert "returned STATUS_NOT_IMPLEMENTED" in r.warnings[2]


def test_lenient_calls_are_traced_and_reported_once(emulator):
    stream = io.StringIO()
    emu = emulator(lenient=True, trace=["api", "syscall"], trace_stream=stream)
    emu.create_process(sample("lenient.exe"))
    r = emu.run()
    assert r.exit_code == 0
    text = stream.getvalue()
    assert "kernel32!GetNumaNodeProcessorMask(arg1=0, arg2=0x" in text
    assert "= 0 [LastError=ERROR_CALL_NOT_IMPLEMENTED] from lenient.exe+0x" in text
    assert "ntdll!NtSetLdtEntries(arg1=0, arg2=0, arg3=0, arg4=0, arg5=0, arg6=0) = STATUS_NOT_IMPLEMENTED" in text
    warnings = [s for s in emu.kernel.trace.steps if s.name.startswith("warning: ")]
    assert len(warnings) == 3


def test_cli_lenient_prints_one_line_per_function(capfd):
    from ntboot.cli import main
    assert main(["run", "--lenient", sample("unsupported.exe")]) == 0
    out, err = capfd.readouterr()
    assert out.splitlines() == ["calling", "GetNumaHighestNodeNumber: ret=0 highest=12345"]
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "ntboot: kernel32!GetNumaHighestNodeNumber is not implemented; called from unsupported.exe+0x")


# -- ntboot imports -------------------------------------------------------------------------------------
def _sections(lines):
    out, current = {}, None
    for line in lines[:-1]:
        if not line.startswith("  "):
            current = line.split(" (")[0]
            out[current] = {}
        else:
            name, mark = line.strip().split("\t")
            out[current][name] = mark
    return out


def test_imports_follow_the_programs_own_dlls():
    lines = list_imports(sample("dllmain.exe"))
    sections = _sections(lines)
    assert list(sections) == ["dllmain.exe", "sampledll.dll"]
    assert sections["dllmain.exe"]["sampledll.dll!add_numbers"] == "in sampledll.dll"
    assert sections["dllmain.exe"]["KERNEL32.dll!GetProcAddress"] == "implemented"
    assert sections["sampledll.dll"]["msvcrt.dll!printf"] == "implemented"
    assert lines[-1].startswith("2 module(s), ")
    assert lines[-1].endswith("0 not implemented, 3 from the program's own DLLs, 0 unresolvable")


def test_imports_mark_what_would_fail():
    assert _sections(list_imports(sample("unsupported.exe")))["unsupported.exe"][
        "KERNEL32.dll!GetNumaHighestNodeNumber"] == "NOT IMPLEMENTED"
    assert _sections(list_imports(sample("missingdll.exe")))["missingdll.exe"][
        "ghost.dll!ghost_function"] == "DLL NOT FOUND"
    assert _sections(list_imports(sample("missingordinal.exe")))["missingordinal.exe"][
        "sampledll.dll!#999"] == "NOT EXPORTED by sampledll.dll"
    assert _sections(list_imports(sample("missingname.exe")))["missingname.exe"][
        "kernel32.dll!NoSuchFunctionAnywhere"] == "NOT EXPORTED by kernel32.dll"
    # kernel32 forwarders count as what they forward to; ntdll's system calls as their services
    assert _sections(list_imports(sample("observe.exe")))["observe.exe"]["ntdll.dll!NtCreateFile"] == "implemented"
    # everything shellmisc.exe imports from user32, shell32, ole32 and oleaut32 is implemented
    lines = list_imports(sample("shellmisc.exe"))
    assert all(line.endswith("\timplemented") for line in lines[1:-1]), [l for l in lines if "NOT" in l]


def test_cli_imports(capsys):
    from ntboot.cli import main
    assert main(["imports", sample("reloc.exe")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" (")[0] for line in out if not line.startswith("  ")][:3] == [
        "reloc.exe", "relocA.dll", "relocB.dll"]


# -- the README's table ------------------------------------------------------------------------------------
def test_readme_dll_table_is_generated_from_the_code():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    assert dll_count.block_of(readme) == dll_count.tables(), \
        "README.md's table of DLLs is stale: run `python -m kernel.dlls.count --update README.md`"


def test_count_script_prints_the_table():
    out = io.StringIO()
    with redirect_stdout(out):
        assert dll_count.main([]) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "**Windows 7 SP1 x86 (6.1.7601)** (`--profile win7sp1`):"
    assert lines[2].startswith("| DLL | handlers | forwarders | data exports |")
    # USER32.dll's exports: mingw-w64's list (1023) less the names the SDK headers date after
    # Windows 7 (59) / after XP (104); each profile's table shows its own count
    xp_at = lines.index("**Windows XP SP3 x86 (5.1.2600)** (`--profile xpsp3`):")
    win7_row = next(line for line in lines[:xp_at] if line.startswith("| user32.dll |"))
    xp_row = next(line for line in lines[xp_at:] if line.startswith("| user32.dll |"))
    assert win7_row.split("|")[5].strip() == "964"
    assert xp_row.split("|")[5].strip() == "919"


def test_count_script_reports_per_profile():
    """XP's table: no KERNELBASE; kernel32 has the error-handling functions itself and forwards none
    to KERNELBASE; the Vista functions (SRW locks, FLS ...) are not counted; XP's service table."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert dll_count.main(["--profile", "xpsp3"]) == 0
    text = out.getvalue()
    assert "KERNELBASE" not in text
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:6]]
            for line in text.splitlines() if line.startswith("| ") and "DLL" not in line}
    win7 = {r[0]: r[1:] for r in dll_count.rows()}
    from kernel.dlls.kernel32 import errhandlingapi
    from kernel.profiles import get_profile
    absent = get_profile("xpsp3").absent_exports["kernel32.dll"]
    own = {n for n, o in vars(errhandlingapi).items() if hasattr(o, "__hle__")}    # KERNELBASE's on Windows 7
    from kernel.dlls.export_lists import load_export_list
    xp_list = load_export_list("kernel32", "xpsp3")          # what XP's kernel32 exports at all
    expected = {n for n in win7_kernel32_handlers() | own if not n.startswith(".") and n in xp_list} - absent
    assert int(rows["kernel32.dll"][0]) == len(expected) and "GetErrorMode" in own and "SetErrorMode" in expected
    assert int(rows["kernel32.dll"][1]) < win7["kernel32.dll"][1]
    assert "284 system services of Windows XP SP3 x86 (5.1.2600)" in text


def win7_kernel32_handlers():
    from kernel.dlls import system_dlls
    from kernel.profiles import get_profile
    return set(system_dlls(get_profile("win7sp1"))["kernel32.dll"].handlers())


@pytest.mark.parametrize("profile_name", ["win7sp1", "xpsp3"])
def test_system_dll_images_do_not_overlap(profile_name):
    from kernel.dlls import system_dlls
    from kernel.hle.synth import synthesize
    from kernel.profiles import get_profile
    profile = get_profile(profile_name)
    ranges = sorted((spec.base, spec.base + synthesize(spec, profile).size_of_image, name)
                    for name, spec in system_dlls(profile).items())
    for (b1, e1, n1), (b2, e2, n2) in zip(ranges, ranges[1:]):
        assert e1 <= b2, f"{n1} ({b1:#x}-{e1:#x}) overlaps {n2} ({b2:#x})"


def test_char_upper_of_read_only_memory_fails_as_windows_seh_does(live):
    emu, ctx, at = live
    ro = emu.process.memory.allocate(None, 0x1000, 0x02, tag="read-only")    # PAGE_READONLY
    emu.write(ro, b"abc\0")
    assert winuser.CharUpperA(ctx, ro) == 0 and ctx.get_last_error() == 87
    assert ctx.read(ro, 3) == b"abc"
    from kernel.rtl.status import NtError, dos_error
    with pytest.raises(NtError) as failure:         # the dispatcher makes it 0 with ERROR_NOACCESS
        winuser.CharUpperBuffA(ctx, ro, 3)
    assert dos_error(failure.value.status) == 998
    assert winuser.CharUpperA(ctx, 0x50000000) == 0 and ctx.get_last_error() == 87   # unmapped
