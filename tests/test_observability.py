"""Traces (api, syscall, insn, boot; text and JSON Lines), limits, dump moments and the Python API
around them."""
import io
import json
import subprocess
import sys

import pytest

from conftest import ROOT, sample
from ntboot.api import Emulator, parse_moment


def cli(capsys, *args):
    """The command line, in this process: (exit status, stdout, stderr)."""
    from ntboot.cli import main
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def traced(name, args=(), **kw):
    out = io.StringIO()
    emu = Emulator(timeout=60, trace_stream=out, **kw)
    try:
        emu.create_process(sample(name), args)
        result = emu.run()
    finally:
        emu.close()
    return result, out.getvalue()


def test_api_trace_decodes_arguments_results_and_callers():
    result, text = traced("observe.exe", trace=["api"])
    assert result.exit_code == 7
    lines = text.splitlines()
    alloc = next(line for line in lines if "kernel32!VirtualAlloc(" in line)
    assert "flAllocationType=MEM_COMMIT|MEM_RESERVE" in alloc and "flProtect=PAGE_EXECUTE_READWRITE" in alloc
    assert "lpAddress=NULL" in alloc and " = 0x" in alloc and "from observe.exe+0x" in alloc
    assert any('GetModuleHandleA(lpModuleName="libgcc_s_dw2-1.dll") = NULL [LastError=ERROR_MOD_NOT_FOUND]' in l
               for l in lines)
    assert any('msvcrt!puts(str=' in l and '"observe: done") = 0' in l for l in lines)
    # no system services in an api trace
    assert not any(l.startswith("syscall") for l in lines)
    # a generator handler (DLL entry points run guest code): its call, nested calls, then its return
    first = lines.index(next(l for l in lines if "ntdll!LdrInitializeThunk(" in l))
    assert " ... from ntdll.dll+0x" in lines[first]
    assert any("<- ntdll!LdrInitializeThunk" in l for l in lines[first + 1:])
    assert any("DllMain(hinstDLL=0x76c30000 (kernel32.dll), fdwReason=DLL_PROCESS_ATTACH" in l for l in lines)


def test_syscall_trace_decodes_handles_paths_flags_and_status():
    result, text = traced("observe.exe", trace=["syscall"])
    lines = [l for l in text.splitlines() if l.startswith("syscall")]
    create = next(l for l in lines if "NtCreateFile(" in l)
    assert r'ObjectAttributes=0x' in create and r'("\\??\\C:\\observe.txt")' in create
    assert "DesiredAccess=GENERIC_WRITE|SYNCHRONIZE" in create and "ShareAccess=FILE_SHARE_READ" in create
    assert "CreateDisposition=FILE_OVERWRITE_IF" in create
    assert "CreateOptions=FILE_SYNCHRONOUS_IO_NONALERT|FILE_NON_DIRECTORY_FILE" in create
    assert create.split(" from ")[0].endswith("= STATUS_SUCCESS")
    writes = [l for l in lines if "NtWriteFile(" in l]
    assert len(writes) == 2 and all(r"FileHandle=0x4 (File C:\observe.txt)" in l for l in writes)
    assert any(r"NtClose(Handle=0x4 (File C:\observe.txt)) = STATUS_SUCCESS" in l for l in lines)
    assert not any(l.startswith("api") for l in text.splitlines())


def test_json_lines_trace_has_one_object_per_event_with_a_kind():
    result, text = traced("observe.exe", trace=["api", "syscall", "boot"], trace_format="json")
    events = [json.loads(line) for line in text.splitlines()]
    kinds = {e["kind"] for e in events}
    assert kinds == {"api", "syscall", "boot"}
    write = next(e for e in events if e["kind"] == "syscall" and e["name"] == "ntdll!NtWriteFile")
    assert write["result"] == 0 and write["result_decoded"] == "STATUS_SUCCESS" and write["service"]
    handle = write["args"][0]
    assert handle == {"name": "FileHandle", "type": "HANDLE", "value": 4, "decoded": r"File C:\observe.txt"}
    alloc = next(e for e in events if e.get("name") == "kernel32!VirtualAlloc")
    flags = {a["name"]: a.get("decoded") for a in alloc["args"]}
    assert flags["flAllocationType"] == "MEM_COMMIT|MEM_RESERVE" and flags["flProtect"] == "PAGE_EXECUTE_READWRITE"
    assert alloc["caller_location"].startswith("observe.exe+0x")
    seqs = [e["seq"] for e in events if e["kind"] in ("api", "syscall") and "phase" not in e]
    assert seqs == sorted(seqs)


def test_instruction_trace_is_limited_to_its_range_and_shows_changed_registers():
    emu = Emulator(timeout=60)
    emu.create_process(sample("hello.exe"))
    entry = emu.entry_point
    emu.close()
    result, text = traced("hello.exe", trace=[f"insn={entry:#x}-{entry + 15:#x}"])
    lines = text.splitlines()
    assert lines and all(l.startswith("insn") for l in lines)
    addresses = {int(l.split()[3], 16) for l in lines}
    assert addresses <= set(range(entry, entry + 16)) and entry in addresses
    assert "mov dword ptr [0x40606c], 0" in lines[0]
    assert "[the run went on outside the range]" in text    # the jmp out of the range


def test_instruction_trace_default_range_is_the_main_image_text_and_json():
    result, text = traced("hello.exe", trace=["insn"], trace_format="json")
    events = [json.loads(l) for l in text.splitlines()]
    assert events and all(e["kind"] == "insn" for e in events)
    assert all(e["location"].startswith("hello.exe+0x") for e in events)
    sub = next(e for e in events if e["text"].startswith("sub esp, "))
    assert "esp" in sub["changed"]
    assert result.exit_code == 3


def test_trace_file_and_combined_kinds_from_the_cli(tmp_path, capsys):
    path = tmp_path / "trace.txt"
    code, out, err = cli(capsys, "run", "--trace", "api", "--trace", "syscall", "--trace-file", str(path),
                         sample("observe.exe"))
    assert code == 7, err
    assert err == "" and out == "observe: done\n"
    text = path.read_text()
    assert "api     #" in text and "syscall #" in text


def test_untraced_run_installs_nothing():
    emu = Emulator(timeout=60)
    emu.create_process(sample("hello.exe"))
    assert emu.kernel.api_trace is None and emu.kernel.file_write_capture is None
    assert emu.kernel.scheduler.slice_hook is None and emu.kernel.scheduler.slice_interval == 0
    emu.close()


# -- limits -------------------------------------------------------------------------------------
def test_max_api_calls_ends_the_run_with_its_reason():
    emu = Emulator(timeout=60, max_api_calls=10, report=True)
    emu.create_process(sample("hello.exe"))
    result = emu.run()
    assert result.reason == "API call limit" and "limit of 10 emulated calls" in result.message
    report = emu.report()
    emu.close()
    assert report["stop"]["reason"] == "API call limit" and report["stop"]["last_calls"]


def test_max_memory_stops_a_program_that_commits_too_much():
    emu = Emulator(timeout=60, max_memory=16 << 20, report=True)
    emu.create_process(sample("observe.exe"), ["hog"])
    result = emu.run()
    report = emu.report()
    emu.close()
    assert result.reason == "memory limit" and "limit is 0x1000000" in result.message
    assert report["processes"][0]["committed_memory"] <= 16 << 20
    assert any(f["location"].startswith("observe.exe+0x") for f in report["stop"]["stack"])


def test_without_a_memory_limit_the_hog_gets_what_it_asks():
    result, _ = traced("observe.exe", ["hog"])
    assert result.stdout == b"observe: committed 512 MiB\n"


def test_max_processes_counts_processes_created():
    emu = Emulator(timeout=60, max_processes=1)
    emu.create_process(sample("hello.exe"))
    assert emu.kernel.scheduler.stopped is None
    emu.kernel.create_process("C:\\app\\hello.exe", "hello.exe")
    result = emu.run()
    emu.close()
    assert result.reason == "process limit"


@pytest.mark.parametrize("argv,code,words", [
    (["--max-api-calls", "5"], 124, "API call limit"),
    (["--max-memory", "8M"], 124, "memory limit"),
])
def test_cli_limits_exit_124(argv, code, words, capsys):
    status, _, err = cli(capsys, "run", *argv, sample("observe.exe"), "hog")
    assert status == code and words in err and "Traceback" not in err


# -- moments and the Python API -------------------------------------------------------------------
def test_parse_moment():
    assert parse_moment("entry") == ("entry", None)
    assert parse_moment("0x401234") == ("address", 0x401234)
    assert parse_moment("api:kernel32!VirtualAlloc#2") == ("api", ("kernel32!VirtualAlloc", 2))
    assert parse_moment("insn:1000") == ("insn", 1000)
    with pytest.raises(ValueError):
        parse_moment("later")


def test_run_to_an_api_call_stops_before_its_handler_and_resumes(emulator):
    emu = emulator()
    emu.create_process(sample("observe.exe"))
    assert emu.run_to("api:kernel32!VirtualAlloc") is None
    esp = emu.registers()["esp"]
    assert emu.read_u32(esp + 12) == 0x3000 and emu.read_u32(esp + 16) == 0x40      # its arguments
    assert emu.registers()["eip"] == emu.api_hook_address("kernel32!VirtualAlloc")
    result = emu.run()
    assert result.exit_code == 7 and result.stdout == b"observe: done\n"   # the call ran exactly once


def test_api_hook_sees_every_call_and_code_hook_and_step(emulator):
    emu = emulator()
    emu.create_process(sample("observe.exe"))
    seen = []
    emu.add_api_hook("ntdll!NtWriteFile", lambda a: seen.append(a))
    assert emu.run_to("entry") is None
    eip = emu.registers()["eip"]
    assert eip == emu.entry_point
    assert emu.step() is None
    assert emu.registers()["eip"] != eip
    assert emu.run().exit_code == 7
    assert len(seen) == 2


def test_run_to_instruction_count_and_structures(emulator):
    emu = emulator()
    emu.create_process(sample("hello.exe"))
    assert emu.run_to("insn:500") is None
    assert 500 <= emu.kernel.scheduler.instructions < 520
    peb = emu.structure("PEB")
    assert peb.ImageBaseAddress == 0x400000
    teb = emu.structure("TEB")
    assert teb.ProcessEnvironmentBlock == emu.process.peb
    emu.write_u32(0x7FFDF000 + 0x800, 0x12345678)
    assert emu.read_u32(0x7FFDF000 + 0x800) == 0x12345678
    assert emu.run().exit_code == 3


def test_stop_from_a_hook_pauses_and_run_goes_on(emulator):
    emu = emulator()
    emu.create_process(sample("observe.exe"))
    hits = []

    def once(address):
        if not hits:
            hits.append(address)
            emu.stop()
    emu.add_api_hook("kernel32!VirtualAlloc", once)
    first = emu.run()
    assert first.reason == "paused" and hits
    assert emu.run().exit_code == 7


def test_dump_handles_and_heap(emulator):
    emu = emulator()
    emu.create_process(sample("observe.exe"))
    assert emu.run_to("api:ntdll!NtWriteFile") is None
    handles = emu.dump("handles", "json")
    assert any(h["type"] == "File" and h["name"] == r"File C:\observe.txt" and
               "GENERIC_WRITE" in h["access_names"] for h in handles)
    text = emu.dump("handles")
    assert r"File C:\observe.txt" in text
    heaps = emu.dump("heap", "json")
    assert heaps[0]["process_heap"] and heaps[0]["busy_blocks"] > 0
    assert all(b["size"] > 0 for b in heaps[0]["blocks"])
    assert "(process heap)" in emu.dump("heap")


def test_cli_dump_at_an_api_call_and_a_thread(capsys):
    code, out, err = cli(capsys, "dump", "handles", "--at", "api:ntdll!NtClose", sample("observe.exe"))
    assert code == 0, err
    assert r"File C:\observe.txt" in out
    code, out, err = cli(capsys, "dump", "teb", "--tid", "0x104", sample("hello.exe"))
    assert code == 0 and out.startswith("_TEB @ 0x7ffde000")
    code, out, err = cli(capsys, "dump", "teb", "--tid", "0x999", sample("hello.exe"))
    assert code == 2 and "no thread 2457" in err
    code, out, err = cli(capsys, "run", "--trace", "insn=nowhere", sample("hello.exe"))
    assert code == 2 and "START-END" in err


# -- the status line ---------------------------------------------------------------------------------
def test_progress_line_from_the_run_loop(emulator):
    status = io.StringIO()
    emu = emulator(progress=status)
    emu.progress.last = float("-inf")               # draw at the first slice (no start-up delay)
    emu.progress.interval = 0.0
    emu.create_process(sample("cpuloop.exe"), ["3000000"])
    result = emu.run()
    assert result.stdout.startswith(b"cpuloop: iterations=3000000 result=")
    text = status.getvalue()
    assert "\rntboot: " in text and "1/1 processes" in text and " calls" in text
    assert text.endswith("\r\x1b[K")                  # cleared at the end
    assert emu.kernel.scheduler.slice_interval > 0


def test_progress_only_on_a_terminal():
    import os
    import pty
    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "ntboot", "run", "--timeout", "1.3", sample("forever.exe")],
                         stdout=subprocess.PIPE, stderr=slave, cwd=ROOT)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=60)
    os.close(master)
    assert p.returncode == 124
    assert b"\rntboot: " in out and b"1/1 processes" in out and b"last msvcrt!" in out
    assert b"timeout: the run exceeded its time limit of 1.3 s" in out
