"""Guest memory is the truth for the loader's state: LoadCount in the LDR entries, lookups that walk
InLoadOrderModuleList as the program's memory has it, and GetCommandLineA made from the process
parameters when kernel32 initializes.

Expected values are Windows' documented behaviour:
- LDR_DATA_TABLE_ENTRY.LoadCount (0x38 on XP SP3 and Windows 7 SP1 x86): a DLL loaded by LoadLibrary
  counts each LoadLibrary and FreeLibrary; statically imported modules show 0xFFFF (-1, never unloaded),
  as `!peb`/`!dlls` show them on both; at 0 the DLL is unloaded and its entry leaves the lists.
- GetModuleHandleEx adds a reference unless GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT; with
  GET_MODULE_HANDLE_EX_FLAG_PIN the module stays loaded until the process ends (FreeLibrary leaves it).
- GetModuleHandle of a module whose entry left the loader's lists (and its hash links: a thorough
  unlink, as malware hiding a module does) fails with ERROR_MOD_NOT_FOUND (126).
- GetCommandLineA returns BaseAnsiCommandLine, the ANSI conversion of
  RTL_USER_PROCESS_PARAMETERS.CommandLine that kernel32 (KERNELBASE on Windows 7) makes once when it
  initializes: a command line rewritten in the child before it runs (CREATE_SUSPENDED +
  WriteProcessMemory, "argument spoofing") is what both GetCommandLineW and GetCommandLineA give; the
  program's own later rewrite of the buffer changes GetCommandLineW (it returns the buffer) but not
  GetCommandLineA.
"""
import struct

import pytest

from conftest import run_sample, sample

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)

ERROR_MOD_NOT_FOUND = 126


def test_load_count_counts_and_free_library_unloads_at_zero():
    result = run_sample("ldrstate.exe")
    assert result.exit_code == 0, result.message
    lines = result.stdout.decode().splitlines()
    assert lines[:9] == [
        "kernel32 LoadCount 0xffff",                 # a static import: pinned
        "LoadLibrary 1: LoadCount 1",
        "same handle 1",                             # "RELOCA": case-insensitive, ".dll" by default
        "LoadLibrary 2: LoadCount 2",
        "FreeLibrary 1: 1",
        "after FreeLibrary 1: LoadCount 1",
        "FreeLibrary 2: 1",
        "after FreeLibrary 2: entry gone",
        f"GetModuleHandle relocA: NULL, error {ERROR_MOD_NOT_FOUND}",
    ]


def test_module_unlinked_by_the_program_is_not_found():
    result = run_sample("ldrstate.exe")
    lines = result.stdout.decode().splitlines()
    assert lines[9:11] == [
        "GetModuleHandle relocB before: found",
        f"GetModuleHandle relocB hidden: NULL, error {ERROR_MOD_NOT_FOUND}",
    ]


def test_get_module_handle_ex_adds_a_reference_or_pins():
    result = run_sample("ldrstate.exe")
    lines = result.stdout.decode().splitlines()
    assert lines[11:15] == [
        "GetModuleHandleEx: same 1, LoadCount 2",            # LoadLibrary's 1, GetModuleHandleEx's 1
        "GetModuleHandleEx UNCHANGED_REFCOUNT: LoadCount 2",
        "GetModuleHandleEx PIN: LoadCount 0xffff",
        "pinned after FreeLibrary twice: entry present, LoadCount 0xffff",
    ]


def test_command_line_rewritten_by_the_program_leaves_the_ansi_copy():
    result = run_sample("ldrstate.exe")
    lines = result.stdout.decode().splitlines()
    assert lines[15:] == [
        "GetCommandLineW rewritten: " + "Z" * len("C:\\app\\ldrstate.exe"),
        "GetCommandLineA: C:\\app\\ldrstate.exe",
    ]


def _ldr_entries(emu):
    """(entry, BaseDllName, DllBase) of InLoadOrderModuleList, read through PEB.Ldr."""
    S, p = emu.structs, emu.process
    E = S.LDR_DATA_TABLE_ENTRY
    u32 = lambda a: struct.unpack("<I", emu.read(a, 4))[0]
    head = u32(p.peb + S.PEB.offsetof("Ldr")) + S.PEB_LDR_DATA.offsetof("InLoadOrderModuleList")
    out, link = [], u32(head)
    while link != head:
        length, _, buf = struct.unpack("<HHI", emu.read(link + E.offsetof("BaseDllName"), 8))
        out.append((link, emu.read(buf, length).decode("utf-16-le"), u32(link + E.offsetof("DllBase"))))
        link = u32(link)
    return out


def test_lookups_follow_entries_unlinked_or_renamed_with_the_python_api(emulator):
    """LdrGetDllHandle's search (GetModuleHandle) and the handle lookup (GetProcAddress, FreeLibrary)
    read the list as guest memory has it."""
    emu = emulator()
    emu.create_process(sample("dllmain.exe"))
    assert emu.run_to("entry") is None
    entries = {name.lower(): (entry, base) for entry, name, base in _ldr_entries(emu)}
    entry, base = entries["sampledll.dll"]
    loader = emu.process.ldr
    assert loader.find_entry("SampleDll") == entry
    # unlink from InLoadOrderModuleList in guest memory: Flink->Blink = Blink, Blink->Flink = Flink
    flink, blink = struct.unpack("<II", emu.read(entry, 8))
    emu.write(blink, struct.pack("<I", flink))
    emu.write(flink + 4, struct.pack("<I", blink))
    assert loader.find_entry("sampledll.dll") is None
    assert loader.module_for_handle(base) is None
    # a renamed entry is found under its new name, as the guest's memory says
    k32_entry, k32_base = entries["kernel32.dll"]
    E = emu.structs.LDR_DATA_TABLE_ENTRY
    length, _, buf = struct.unpack("<HHI", emu.read(k32_entry + E.offsetof("BaseDllName"), 8))
    emu.write(buf, "KERNEL64.DLL".encode("utf-16-le"))
    assert loader.find_entry("kernel32") is None
    assert loader.find_entry("kernel64") == k32_entry


def test_command_line_rewritten_before_the_process_runs_is_what_get_command_line_a_gives(emulator):
    emu = emulator()
    emu.create_process(sample("ldrstate.exe"))
    S, p = emu.structs, emu.process
    at = p.params + S.RTL_USER_PROCESS_PARAMETERS.offsetof("CommandLine")
    length, _, buf = struct.unpack("<HHI", emu.read(at, 8))
    spoofed = "C:\\app\\spoofed!.exe"
    assert len(spoofed) * 2 == length
    emu.write(buf, spoofed.encode("utf-16-le"))           # a parent's WriteProcessMemory before it resumes
    result = emu.run()
    assert result.exit_code == 0, result.message
    assert result.stdout.decode().splitlines()[-1] == "GetCommandLineA: " + spoofed


def test_c_runtime_splits_the_command_line_rewritten_before_the_process_runs(emulator):
    """msvcrt copies GetCommandLineA/W when it initializes (_acmdln, _wcmdln) and __getmainargs
    splits that copy: the child's argv is the rewritten command line."""
    emu = emulator()
    emu.create_process(sample("args.exe"), ["aaaa"])
    S, p = emu.structs, emu.process
    at = p.params + S.RTL_USER_PROCESS_PARAMETERS.offsetof("CommandLine")
    length, _, buf = struct.unpack("<HHI", emu.read(at, 8))
    assert emu.read(buf, length).decode("utf-16-le").endswith(" aaaa")
    emu.write(buf + length - 8, "b cc".encode("utf-16-le"))
    result = emu.run()
    assert result.exit_code == 3, result.message          # args.exe exits with argc
    assert result.stdout.decode().splitlines()[:4] == ["argc=3", "argv[0]=[C:\\app\\args.exe]", "argv[1]=[b]",
                                                       "argv[2]=[cc]"]
