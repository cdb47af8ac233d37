"""`ntboot dump`: structures from guest memory as text (WinDbg dt style), JSON and hex."""
import json
import subprocess
import sys


from conftest import ROOT, sample
import pytest

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)


def dump(*args):
    p = subprocess.run([sys.executable, "-m", "ntboot", "dump", *args], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    return p.stdout


def test_peb_text_has_offsets_names_values_types():
    out = dump("peb", sample("hello.exe"))
    assert out.splitlines()[0] == "_PEB @ 0x7ffdf000"
    assert "   +0x008 ImageBaseAddress : 0x00400000 Void" in out
    assert "   +0x00c Ldr              : 0x" in out and "_PEB_LDR_DATA" in out
    assert "+0x0a4 OSMajorVersion   : 6\n" in out
    assert "+0x0ac OSBuildNumber    : 0x1db1\n" in out
    assert "+0x1f0 CSDVersion       : _UNICODE_STRING \"Service Pack 1\"" in out


def test_teb_json_fields_and_nesting():
    data = json.loads(dump("teb", "--json", sample("hello.exe")))
    assert data["type"] == "_TEB" and data["size"] == 0xFE4
    fields = {f["name"]: f for f in data["fields"]}
    tib = {f["name"]: f for f in fields["NtTib"]["fields"]}
    assert tib["Self"]["value"] == data["address"]
    assert fields["ProcessEnvironmentBlock"]["value"] == 0x7FFDF000
    assert fields["ProcessEnvironmentBlock"]["offset"] == 0x30


def test_ldr_lists_every_module_in_three_orders():
    out = dump("ldr", sample("dllmain.exe"))
    assert "_PEB_LDR_DATA @" in out
    assert out.count("_LDR_DATA_TABLE_ENTRY @") == 6
    assert 'BaseDllName      : _UNICODE_STRING "sampledll.dll"' in out
    assert 'FullDllName      : _UNICODE_STRING "C:\\app\\sampledll.dll"' in out
    for order in ("InLoadOrderModuleList:", "InMemoryOrderModuleList:", "InInitializationOrderModuleList:"):
        assert order in out
    data = json.loads(dump("ldr", "--json", sample("dllmain.exe")))
    init = [name for name, _ in data["orders"]["InInitializationOrderModuleList"]]
    assert init[:3] == ["ntdll.dll", "KERNELBASE.dll", "kernel32.dll"]


def test_params_include_command_line_and_environment():
    out = dump("params", sample("args.exe"), "one", "two words")
    assert 'CommandLine      : _UNICODE_STRING "C:\\app\\args.exe one "two words""' in out
    assert "Environment:" in out and "  SystemRoot=C:\\Windows" in out


def test_kuser_eprocess_ethread():
    assert "NtSystemRoot     : \"C:\\Windows\"" in dump("kuser", sample("hello.exe")) or \
        "C:\\Windows" in dump("kuser", sample("hello.exe"))
    ep = json.loads(dump("eprocess", "--json", sample("hello.exe")))
    fields = {f["name"]: f for f in ep["fields"]}
    assert fields["UniqueProcessId"]["value"] > 0
    assert fields["Peb"]["value"] == 0x7FFDF000
    assert "hello.exe" in json.dumps(fields["ImageFileName"])
    et = dump("ethread", sample("hello.exe"))
    assert "_ETHREAD @ 0x8" in et and "Cid" in et and "StartAddress" in et


def test_hex_is_the_raw_bytes():
    out = dump("peb", "--hex", sample("hello.exe"))
    first = out.splitlines()[1]          # after the "_PEB at ... (0x248 bytes)" line
    assert first.startswith("7ffdf000")
    # Mutant (-1) at +4, ImageBaseAddress 0x00400000 at +8
    assert "ff ff ff ff-00 00 40 00" in first


def test_vad_memory_map_names_regions():
    out = dump("vad", sample("hello.exe"))
    for purpose in ("image C:\\app\\hello.exe", "stack of thread", "process heap", "PEB", "TEB of thread",
                    "KUSER_SHARED_DATA", "image C:\\Windows\\System32\\ntdll.dll"):
        assert purpose in out, purpose
    assert "PAGE_EXECUTE_READ" in out and "PAGE_READWRITE|PAGE_GUARD" in out


def test_at_exit_shows_the_final_state():
    out = dump("ethread", "--at", "exit", "--json", sample("hello.exe"))
    fields = {f["name"]: f for f in json.loads(out)["fields"]}
    assert fields["ExitStatus"]["value"] == 3


def test_dump_of_a_program_that_fails_before_entry():
    p = subprocess.run([sys.executable, "-m", "ntboot", "dump", "peb", sample("missingdll.exe")],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0x35
    assert "ended before its entry point" in p.stderr and "ghost.dll" in p.stderr


def test_peb_and_teb_summaries_as_windbg_shows_them():
    peb = dump("peb", "--summary", sample("dllmain.exe"))
    lines = peb.splitlines()
    assert lines[0] == "PEB at 7ffdf000"
    assert "    ImageBaseAddress:         00400000" in lines
    assert "    Ldr.Initialized:          Yes" in lines
    assert any(l.endswith("C:\\app\\sampledll.dll") and l.split()[0] == "61000000" for l in lines)
    assert "    CommandLine:  'C:\\app\\dllmain.exe'" in lines
    assert any(l.strip().startswith("SystemRoot=C:\\Windows") for l in lines)
    teb = dump("teb", "--summary", sample("hello.exe")).splitlines()
    assert teb[0] == "TEB at 7ffde000"
    assert "    PEB Address:          7ffdf000" in teb
    assert "    Self:                 7ffde000" in teb
