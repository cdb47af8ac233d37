"""Windows XP SP3 (`--profile xpsp3`): what differs from Windows 7, checked in guest memory and in
what programs print.  The shared behaviour runs under both profiles in the boot, loader, structure and
sample tests (conftest.py's `os_profile`); these are the differences.

Facts below are published ones (XP SP3 5.1.2600: service numbers from the public SSDT tables, the
PEB/TEB offsets of its PDB as WinDbg/Volatility show them, CSIDL paths of an English XP)."""
import io
import struct
import subprocess
import sys

import pytest

import pecraft as pc
from conftest import ROOT, export_va, image_bytes, run_sample, sample
from ntboot.api import Emulator, ProgramError
from kernel.rtl.status import STATUS

XP_THUNK = b"\x33\xED\x50\x6A\x00\xE9"             # xor ebp,ebp; push eax; push 0; jmp BaseProcessStart
XP_THREAD_THUNK = b"\x33\xED\x53\x50\x6A\x00\xE9"  # xor ebp,ebp; push ebx; push eax; push 0; jmp BaseThreadStart


@pytest.fixture
def xp():
    made = []

    def make(**kw):
        kw.setdefault("timeout", 60)
        emu = Emulator(profile="xpsp3", **kw)
        made.append(emu)
        return emu
    yield make
    for emu in made:
        emu.close()


def module_range(emu, name: str) -> tuple[int, int]:
    """(base, end) of a loaded module, from the LDR list in guest memory."""
    S = emu.structs
    E = S.LDR_DATA_TABLE_ENTRY
    for n, base in emu.module_orders()["InLoadOrderModuleList"]:
        if n.lower() == name.lower():
            head = emu.read_u32(emu.process.peb + S.PEB.offsetof("Ldr")) + \
                S.PEB_LDR_DATA.offsetof("InLoadOrderModuleList")
            link = emu.read_u32(head)
            while emu.read_u32(link + E.offsetof("DllBase")) != base:
                link = emu.read_u32(link)
            return base, base + emu.read_u32(link + E.offsetof("SizeOfImage"))
    raise AssertionError(f"{name} is not loaded")


# -- the boot path ----------------------------------------------------------------------------------------
def test_boot_trace_shows_base_process_start_after_the_loader(xp):
    out = io.StringIO()
    emu = xp(trace_boot=True, trace_stream=out)
    emu.create_process(sample("hello.exe"))
    assert emu.run().exit_code == 3
    steps = [(s.step, s.name) for s in emu.kernel.trace.steps if s.step]
    names = [n for _, n in steps]
    # BOOT-FLOW 4.x on NT 5.x: ... NtContinue -> BaseProcessStartThunk -> BaseProcessStart -> entry point
    i = names.index("NtContinue")
    assert names[i + 1:i + 4] == ["BaseProcessStartThunk", "BaseProcessStart", "entry point"]
    assert "RtlUserThreadStart" not in names
    assert ("1.10", "BaseInitializeContext") in steps and ("4.2", "PspUserThreadStartup") in steps
    text = out.getvalue()
    assert "eip=0x7c8" in text and "(kernel32.dll!BaseProcessStartThunk)" in text
    assert "LdrpMapDll" in text and "dll=KERNELBASE.dll" not in text


def test_cpu_runs_base_process_start_with_xps_seh_frame(xp):
    """At the entry point: the return address is in kernel32's BaseProcessStart, fs:[0] is a VC SEH3
    registration on the stack (next, kernel32's handler, scope table, try level 0), and the scope
    table's filter calls kernel32!UnhandledExceptionFilter."""
    emu = xp()
    process = emu.create_process(sample("hello.exe"))
    assert emu.run_to("entry") is None
    k32_base, k32_end = module_range(emu, "kernel32.dll")
    assert k32_base == 0x7C800000                                     # XP SP3's kernel32
    thunk = process.threads[0].start_address
    assert k32_base <= thunk < k32_end and emu.read(thunk, 6) == XP_THUNK
    base_process_start = thunk + 10 + struct.unpack("<i", emu.read(thunk + 6, 4))[0]
    regs = emu.registers()
    ret = emu.read_u32(regs["esp"])
    assert base_process_start < ret < base_process_start + 0x40       # called from BaseProcessStart
    teb = emu.thread.teb
    reg = emu.read_u32(teb)                                           # NtTib.ExceptionList
    assert regs["esp"] < reg < emu.read_u32(teb + 4)                  # on the thread's stack
    nxt, handler, table, level = struct.unpack("<IIII", emu.read(reg, 16))
    assert nxt == 0xFFFFFFFF                                          # the first frame of the thread
    assert k32_base <= handler < k32_end and level == 0
    assert emu.read_u32(reg + 0x10 + 8) == emu.process.image_base + \
        process.section.image.pe.OPTIONAL_HEADER.AddressOfEntryPoint  # BaseProcessStart(StartAddress)
    enclosing, filt, body = struct.unpack("<III", emu.read(table, 12))
    assert enclosing == 0xFFFFFFFF and k32_base <= filt < k32_end and k32_base <= body < k32_end
    code = emu.read(filt, 32)
    call = code.index(b"\xE8")
    target = filt + call + 5 + struct.unpack("<i", code[call + 1:call + 5])[0]
    assert target == export_va(emu, k32_base, "UnhandledExceptionFilter")
    # the entry point's return value goes to ExitThread
    code = emu.read(ret, 8)
    assert code[0] == 0x50 and code[1] == 0xE8                        # push eax; call ExitThread
    assert ret + 1 + 5 + struct.unpack("<i", code[2:6])[0] == export_va(emu, k32_base, "ExitThread")
    assert emu.run().exit_code == 3


def test_unhandled_exception_goes_through_the_filter_of_base_process_start(xp):
    emu = xp()
    emu.create_process(sample("fault.exe"))
    r = emu.run()
    assert r.reason == "unhandled exception" and r.exit_code == 0xC0000005
    # a program's own top-level filter that asks for the handler: ExitProcess(code) from the __except block
    emu = xp()
    emu.create_process(sample("unhandled.exe"))
    r = emu.run()
    assert (r.reason, r.exit_code) == ("exited", 0xE0000042)


def test_create_thread_starts_in_base_thread_start_thunk(xp):
    emu = xp()
    process = emu.create_process(sample("threads.exe"))
    r = emu.run()
    assert r.reason == "exited" and r.exit_code == 0, r.message
    k32_base, k32_end = module_range(emu, "kernel32.dll")
    later = process.threads[1:]
    assert later
    for t in later:
        assert k32_base <= t.start_address < k32_end
        assert emu.read(t.start_address, 7) == XP_THREAD_THUNK
        assert t.win32_start_address != t.start_address


# -- guest memory: XP's layouts --------------------------------------------------------------------------
def test_peb_teb_and_kuser_shared_data_bytes_at_xps_offsets(xp):
    emu = xp()
    process = emu.create_process(sample("hello.exe"))
    assert emu.run_to("entry") is None
    peb, teb = process.peb, emu.thread.teb
    u32 = emu.read_u32
    u16 = lambda a: struct.unpack("<H", emu.read(a, 2))[0]
    # TEB (XP SP3): NtTib.Self +0x18, ClientId +0x20, PEB +0x30, StaticUnicodeString +0xBF8 -> +0xC00,
    # DeallocationStack +0xE0C
    assert u32(teb + 0x18) == teb and u32(teb + 0x30) == peb
    assert (u32(teb + 0x20), u32(teb + 0x24)) == (process.pid, emu.thread.tid)
    assert (u16(teb + 0xBFA), u32(teb + 0xBFC)) == (0x20A, teb + 0xC00)
    assert u32(teb + 0xE0C) == emu.thread.stack_allocation
    # PEB (XP SP3, 0x210 bytes): ImageBaseAddress +8, Ldr +0xC, ProcessParameters +0x10, ProcessHeap +0x18,
    # NumberOfProcessors +0x64, NumberOfHeaps +0x88, ProcessHeaps +0x90, OS version +0xA4..+0xB0,
    # ImageSubsystem +0xB4, CSDVersion +0x1F0
    assert u32(peb + 8) == 0x400000
    ldr = u32(peb + 0xC)
    assert u32(ldr) == 0x28                                             # PEB_LDR_DATA.Length on XP
    assert u32(peb + 0x64) == 1 and u32(peb + 0x88) == 1
    assert u32(u32(peb + 0x90)) == u32(peb + 0x18)                      # ProcessHeaps[0] == ProcessHeap
    assert u32(peb + 0x90) == peb + 0x210                               # right after XP's 0x210-byte PEB
    assert (u32(peb + 0xA4), u32(peb + 0xA8), u16(peb + 0xAC), u16(peb + 0xAE), u32(peb + 0xB0)) == \
        (5, 1, 2600, 0x300, 2)
    assert u32(peb + 0xB4) == 3                                         # console subsystem
    n = u16(peb + 0x1F0)
    assert emu.read(u32(peb + 0x1F4), n).decode("utf-16-le") == "Service Pack 3"
    # RTL_USER_PROCESS_PARAMETERS (XP): CommandLine at +0x40
    params = u32(peb + 0x10)
    n = u16(params + 0x40)
    assert emu.read(u32(params + 0x44), n).decode("utf-16-le") == "C:\\app\\hello.exe"
    # LDR_DATA_TABLE_ENTRY (XP, 0x50 bytes): DllBase +0x18, BaseDllName +0x2C, LoadCount +0x38
    first = u32(ldr + 0xC)                                              # InLoadOrderModuleList.Flink
    assert u32(first + 0x18) == 0x400000
    assert emu.read(u32(first + 0x30), u16(first + 0x2C)).decode("utf-16-le") == "hello.exe"
    # KUSER_SHARED_DATA (XP SP3): NtMajorVersion +0x26C, SystemCall +0x300 = ntdll!KiFastSystemCall,
    # TickCountLow +0 and TickCount +0x320 agree
    k = 0x7FFE0000
    assert (u32(k + 0x26C), u32(k + 0x270)) == (5, 1)
    assert u32(k + 0x300) == export_va(emu, process.ntdll_base, "KiFastSystemCall")
    assert u32(k) == u32(k + 0x320) and u32(k) > 0
    # the process heap: Flags at +0x0C (HEAP_GROWABLE), ForceFlags +0x10, as XP's _HEAP has them
    heap = u32(peb + 0x18)
    assert u32(heap + 8) == 0xEEFFEEFF and u32(heap + 0xC) & 0x2 and u32(heap + 0x10) == 0


def test_ntdll_stubs_carry_xps_service_numbers(xp):
    """mov eax, N; mov edx, 7FFE0300h; call [edx]; ret argbytes - with XP SP3's numbers."""
    emu = xp()
    process = emu.create_process(sample("hello.exe"))
    assert process.ntdll_base == 0x7C900000
    for name, number, pops in [("NtClose", 0x19, 4), ("NtContinue", 0x20, 8), ("NtCreateFile", 0x25, 44),
                               ("NtTerminateProcess", 0x101, 8), ("NtWriteFile", 0x112, 36)]:
        stub = emu.read(export_va(emu, process.ntdll_base, name), 15)
        assert stub == b"\xB8" + struct.pack("<I", number) + b"\xBA\x00\x03\xFE\x7F\xFF\x12\xC2" + \
            struct.pack("<H", pops), name
        assert export_va(emu, process.ntdll_base, "Zw" + name[2:]) == export_va(emu, process.ntdll_base, name)
    from loader.image import read_exports
    _, by_name, _, _ = read_exports(emu.read, process.ntdll_base)
    assert "RtlUserThreadStart" not in by_name          # NT 6.x's start thunk
    assert emu.run().exit_code == 3


def test_cli_dump_peb_shows_xps_layout():
    out = subprocess.run([sys.executable, "-m", "ntboot", "dump", "peb", "--profile", "xpsp3", sample("hello.exe")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    # XP's PEB: FastPebLockRoutine at +0x20 (AtlThunkSListPtr on Windows 7), no FLS fields, 5.1.2600
    assert "+0x020 FastPebLockRoutine" in text and "AtlThunkSListPtr " not in text
    assert "FlsCallback" not in text
    assert "+0x0a4 OSMajorVersion" in text and ": 5" in text.split("+0x0a4 OSMajorVersion")[1].splitlines()[0]


# -- what XP does not have ---------------------------------------------------------------------------------
def test_no_kernelbase_and_no_api_sets(tmp_path, xp):
    # an import of KERNELBASE.dll: no such DLL on XP
    pe = pc.PE()
    imp = pc.Imports({"kernel32.dll": pc.KERNEL32_BASICS, "KernelBase.dll": ["HeapAlloc"]})
    pe.put_imports(imp, 0x2000)
    asm = pc.Asm(pe.va(0x1000), pe.base)
    pc.write_stdout_then_exit(asm, pe.iat(imp), "x\n", 0)
    pe.add_section(".text", 0x1000, asm.assemble(), pc.CODE)
    pe.add_section(".idata", 0x2000, imp.blob, pc.DATA)
    pe.entry = 0x1000
    pe.write(tmp_path / "kb.exe")
    emu = xp()
    emu.create_process(str(tmp_path / "kb.exe"))
    r = emu.run()
    assert (r.reason, r.exit_code) == ("loader error", STATUS["STATUS_DLL_NOT_FOUND"])
    assert "KernelBase.dll was not found" in r.message
    # an API set name is a file name like any other, and there is no such file
    from test_odd_images import api_set_exe
    _, _, path = api_set_exe(tmp_path)
    emu = xp()
    emu.create_process(str(path))
    r = emu.run()
    assert (r.reason, r.exit_code) == ("loader error", STATUS["STATUS_DLL_NOT_FOUND"])
    assert "api-ms-win-core-processthreads-l1-1-0.dll was not found" in r.message
    # kernel32's HeapAlloc forwards to ntdll directly, and its error functions are its own
    emu = xp()
    emu.create_process(sample("hello.exe"))
    assert emu.run_to("entry") is None
    k32 = emu.kernel.synthesized("kernel32.dll").image
    import pefile
    pe = pefile.PE(data=k32)
    exports = {s.name.decode(): s for s in pe.DIRECTORY_ENTRY_EXPORT.symbols if s.name}
    assert exports["HeapAlloc"].forwarder == b"NTDLL.RtlAllocateHeap"
    assert exports["SetUnhandledExceptionFilter"].forwarder is None
    assert not any(s.forwarder and s.forwarder.upper().startswith(b"KERNELBASE.") for s in exports.values())
    assert "BaseProcessStartThunk" not in exports         # internal to kernel32, as on XP


@pytest.mark.parametrize("program, missing, dll", [
    ("fls.exe", "FlsAlloc", "kernel32.dll"),                     # fiber-local storage: Vista
    ("sync.exe", "AcquireSRWLockExclusive", "kernel32.dll"),     # SRW locks: Vista
    ("shellmisc.exe", "SHGetKnownFolderPath", "shell32.dll"),    # known folders: Vista
    ("registry.exe", "RegGetValueA", "advapi32.dll"),            # RegGetValue: Vista / XP x64 only
])
def test_programs_that_import_vista_functions_do_not_start(xp, program, missing, dll):
    """XP's loader: "The procedure entry point X could not be located in the dynamic link library Y"."""
    emu = xp()
    emu.create_process(sample(program))
    r = emu.run()
    assert (r.reason, r.exit_code) == ("loader error", STATUS["STATUS_ENTRYPOINT_NOT_FOUND"])
    assert f"entry point {missing} could not be located in {dll}" in r.message


def test_an_image_for_a_newer_windows_is_not_a_valid_win32_application(xp):
    """ucrt_hello.exe says subsystem 6.0: XP's CreateProcess refuses it (ERROR_BAD_EXE_FORMAT);
    Windows 7 runs it (tests/test_crt_samples.py)."""
    emu = xp()
    with pytest.raises(ProgramError) as info:
        emu.create_process(sample("ucrt_hello.exe"))
    assert info.value.status == STATUS["STATUS_INVALID_IMAGE_FORMAT"]
    assert "needs subsystem version 6.0" in str(info.value)
    from kernel.rtl.status import dos_error
    assert dos_error(STATUS["STATUS_INVALID_IMAGE_FORMAT"]) == 193       # ERROR_BAD_EXE_FORMAT


def test_msvcrt_has_no_secure_crt_functions(xp):
    emu = xp()
    emu.create_process(sample("hello.exe"))
    assert emu.run_to("entry") is None
    msvcrt = module_range(emu, "msvcrt.dll")[0]
    from loader.image import read_exports
    _, by_name, _, _ = read_exports(emu.read, msvcrt)
    assert "printf" in by_name and "_except_handler3" in by_name
    assert not {"strcpy_s", "fopen_s", "qsort_s"} & set(by_name)


# -- what programs are told ----------------------------------------------------------------------------
VERSION_XP = """\
GetVersion: 0x0a280105 (5.1 build 2600)
GetVersionExA: 5.1.2600 platform 2 "Service Pack 3" sp 3.0 suite 0x100 product 1
GetVersionExW: 5.1.2600 "Service Pack 3"
%USERPROFILE%: C:\\Documents and Settings\\user
%APPDATA%: C:\\Documents and Settings\\user\\Application Data
%LOCALAPPDATA%: (not set)
%ALLUSERSPROFILE%: C:\\Documents and Settings\\All Users
%TEMP%: C:\\Documents and Settings\\user\\Local Settings\\Temp
CSIDL_PROFILE: hr=0x00000000 C:\\Documents and Settings\\user
CSIDL_APPDATA: hr=0x00000000 C:\\Documents and Settings\\user\\Application Data
CSIDL_LOCAL_APPDATA: hr=0x00000000 C:\\Documents and Settings\\user\\Local Settings\\Application Data
CSIDL_PERSONAL: hr=0x00000000 C:\\Documents and Settings\\user\\My Documents
CSIDL_MYMUSIC: hr=0x00000000 C:\\Documents and Settings\\user\\My Documents\\My Music
CSIDL_STARTMENU: hr=0x00000000 C:\\Documents and Settings\\user\\Start Menu
CSIDL_COMMON_APPDATA: hr=0x00000000 C:\\Documents and Settings\\All Users\\Application Data
CSIDL_COMMON_DOCUMENTS: hr=0x00000000 C:\\Documents and Settings\\All Users\\Documents
GetTempPathA: C:\\Documents and Settings\\user\\Local Settings\\Temp\\
"""

VERSION_WIN7 = """\
GetVersion: 0x1db10106 (6.1 build 7601)
GetVersionExA: 6.1.7601 platform 2 "Service Pack 1" sp 1.0 suite 0x100 product 1
GetVersionExW: 6.1.7601 "Service Pack 1"
%USERPROFILE%: C:\\Users\\user
%APPDATA%: C:\\Users\\user\\AppData\\Roaming
%LOCALAPPDATA%: C:\\Users\\user\\AppData\\Local
%ALLUSERSPROFILE%: C:\\ProgramData
%TEMP%: C:\\Users\\user\\AppData\\Local\\Temp
CSIDL_PROFILE: hr=0x00000000 C:\\Users\\user
CSIDL_APPDATA: hr=0x00000000 C:\\Users\\user\\AppData\\Roaming
CSIDL_LOCAL_APPDATA: hr=0x00000000 C:\\Users\\user\\AppData\\Local
CSIDL_PERSONAL: hr=0x00000000 C:\\Users\\user\\Documents
CSIDL_MYMUSIC: hr=0x00000000 C:\\Users\\user\\Music
CSIDL_STARTMENU: hr=0x00000000 C:\\Users\\user\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu
CSIDL_COMMON_APPDATA: hr=0x00000000 C:\\ProgramData
CSIDL_COMMON_DOCUMENTS: hr=0x00000000 C:\\Users\\Public\\Documents
GetTempPathA: C:\\Users\\user\\AppData\\Local\\Temp\\
"""


@pytest.mark.parametrize("profile, expected, major", [("xpsp3", VERSION_XP, 5), ("win7sp1", VERSION_WIN7, 6)])
def test_version_and_profile_folders(profile, expected, major):
    r = run_sample("version.exe", profile=profile)
    assert r.stdout.decode() == expected
    assert (r.reason, r.exit_code) == ("exited", major)


def test_registry_says_xp(xp):
    emu = xp()
    emu.create_process(sample("hello.exe"))
    reg = emu.kernel.registry
    from kernel.cm.registry import decode_value

    def values(key):
        node = reg.open(reg.nt_path(key))
        return {v.name: decode_value(v.type, v.data) for v in node.values.values()}
    cv = values("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion")
    assert (cv["ProductName"], cv["CurrentVersion"], cv["CurrentBuildNumber"], cv["CSDVersion"]) == \
        ("Microsoft Windows XP", "5.1", "2600", "Service Pack 3")
    assert cv["CurrentBuild"] == "1.511.1 () (Obsolete data - do not use)"
    assert "EditionID" not in cv and "InstallationType" not in cv           # Vista and later
    profiles = values("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList")
    assert profiles["ProfilesDirectory"] == "%SystemDrive%\\Documents and Settings"
    assert profiles["AllUsersProfile"] == "All Users" and "ProgramData" not in profiles
    env = values("HKCU\\Environment")
    assert env["TEMP"] == "%USERPROFILE%\\Local Settings\\Temp"


def test_volume_and_system_files_carry_xps_dates_and_flags(xp):
    """GetVolumeInformation's flags: XP's NTFS reports no transactions, hard links, extended attributes,
    open-by-id or USN journal bits (Windows 7: 0x03E700FF)."""
    emu = xp()
    emu.create_process(sample("hello.exe"))
    assert emu.run_to("entry") is None
    ctx = emu.process.api_context
    ctx.thread = emu.thread
    scratch = emu.process.memory.allocate(None, 0x1000, 0x04, tag="test scratch")
    from kernel.dlls.kernel32 import fileapi
    assert fileapi.GetVolumeInformationA(ctx, "C:\\", 0, 0, 0, 0, scratch + 0x100, scratch + 0x200, 16)
    assert ctx.read_u32(scratch + 0x100) == 0x000700FF
    assert ctx.read(scratch + 0x200, 5) == b"NTFS\0"
    # the installation's own files: 2008-04-14 12:00 UTC, XP SP3's release (5.1.2600.5512)
    info = emu.kernel.io.query(emu.kernel.io.resolve("C:\\Windows\\System32\\kernel32.dll"))
    assert info.creation == info.last_write == 128526480000000000


# -- two profiles in one Python process -------------------------------------------------------------------
def test_both_profiles_side_by_side_and_one_after_another():
    from kernel.dlls import kernel32, ntdll
    template_bases = (ntdll.DLL.base, kernel32.DLL.base)
    emus = [Emulator(profile=p, timeout=60) for p in ("win7sp1", "xpsp3", "win7sp1")]
    try:
        procs = [e.create_process(sample("hello.exe")) for e in emus]
        results = [e.run() for e in reversed(emus)][::-1]
        assert [r.exit_code for r in results] == [3, 3, 3]
        assert [p.ntdll_base for p in procs] == [0x77A60000, 0x7C900000, 0x77A60000]
        assert [module_range(e, "kernel32.dll")[0] for e in emus] == [0x76C30000, 0x7C800000, 0x76C30000]
        assert [any(n == "KERNELBASE.dll" for n, _ in e.module_orders()["InLoadOrderModuleList"]) for e in emus] \
            == [True, False, True]
    finally:
        for e in emus:
            e.close()
    assert (ntdll.DLL.base, kernel32.DLL.base) == template_bases     # the templates are never changed


# -- the README's two boot paths ---------------------------------------------------------------------------
README_BEGIN = "<!-- boot-paths: generated by `python tests/test_xp.py --update-readme`; do not edit by hand -->"
README_END = "<!-- end of boot-paths -->"
# the steps where the two boot paths differ, and the ones around them
README_STEPS = ("BaseInitializeContext", "MmInitializeProcessAddressSpace", "KiInitializeUserApc",
                "LdrInitializeThunk", "LdrpMapDll", "NtContinue", "RtlUserThreadStart", "BaseProcessStartThunk",
                "BaseProcessStart", "entry point", "RtlExitUserProcess", "NtTerminateProcess")


def boot_trace_lines(profile: str) -> list[str]:
    out = io.StringIO()
    emu = Emulator(profile=profile, trace_boot=True, trace_stream=out, timeout=60)
    try:
        emu.create_process(sample("hello.exe"))
        assert emu.run().exit_code == 3
    finally:
        emu.close()
    keep = []
    for line in out.getvalue().splitlines():
        if not line.startswith("boot ["):                 # numbered steps only (not guest calls)
            continue
        rest = line[22:]                                  # after "boot [n.n]   pid 256  "
        if any(rest.startswith(n + " ") for n in README_STEPS):
            keep.append(line.rstrip())
    return keep


def readme_boot_block() -> str:
    parts = []
    for profile, title in (("win7sp1", "Windows 7 SP1 (`--profile win7sp1`, the default)"),
                           ("xpsp3", "Windows XP SP3 (`--profile xpsp3`)")):
        lines = boot_trace_lines(profile)
        parts.append(f"{title}, `ntboot run --trace boot samples/bin/hello.exe` (the steps that differ):\n\n"
                     + "\n".join("    " + line for line in lines))
    return "\n\n".join(parts)


def test_readme_shows_both_boot_paths_as_they_run():
    with open(f"{ROOT}/README.md", encoding="utf-8") as f:
        readme = f.read()
    start = readme.index(README_BEGIN) + len(README_BEGIN)
    block = readme[start:readme.index(README_END, start)].strip("\n")
    assert block == readme_boot_block(), "README.md's boot paths are stale: python tests/test_xp.py --update-readme"


if __name__ == "__main__":
    if sys.argv[1:] == ["--update-readme"]:
        with open(f"{ROOT}/README.md", encoding="utf-8") as f:
            text = f.read()
        start = text.index(README_BEGIN) + len(README_BEGIN)
        end = text.index(README_END, start)
        with open(f"{ROOT}/README.md", "w", encoding="utf-8") as f:
            f.write(text[:start] + "\n" + readme_boot_block() + "\n" + text[end:])
    else:
        print(readme_boot_block())
