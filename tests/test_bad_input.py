"""Bad input ends with the status Windows gives and a one-line message naming the file, DLL or
function: never a traceback."""
import os
import subprocess
import sys

import pytest

from conftest import BIN, ROOT, run_sample, sample
from ntboot.api import Emulator, ProgramError
from kernel.rtl.status import STATUS

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)


def start(path):
    emu = Emulator(timeout=30)
    try:
        emu.create_process(path)
        return emu.run()
    finally:
        emu.close()


@pytest.mark.parametrize("name,status,words", [
    ("bad/notpe.exe", "STATUS_INVALID_IMAGE_NOT_MZ", "not a PE image"),
    ("bad/truncated.exe", "STATUS_INVALID_IMAGE_FORMAT", "truncated.exe"),
    ("bad/badsig.exe", "STATUS_INVALID_IMAGE_PROTECT", "MS-DOS program"),
    ("bad/badalign.exe", "STATUS_INVALID_IMAGE_FORMAT", "alignment"),
    ("bad/x64.exe", "STATUS_INVALID_IMAGE_WIN_64", "64-bit"),
    ("sampledll.dll", "STATUS_INVALID_IMAGE_FORMAT", "is a DLL"),
])
def test_refused_images(name, status, words):
    with pytest.raises(ProgramError) as info:
        start(sample(name))
    assert info.value.status == STATUS[status]
    assert words in str(info.value)
    assert os.path.basename(name) in str(info.value)


def test_missing_program():
    with pytest.raises(ProgramError) as info:
        start(os.path.join(BIN, "no-such-program.exe"))
    assert info.value.status == STATUS["STATUS_OBJECT_NAME_NOT_FOUND"]
    assert "no-such-program.exe" in str(info.value)


@pytest.mark.parametrize("name,status,words", [
    ("missingdll.exe", "STATUS_DLL_NOT_FOUND", "ghost.dll was not found"),
    ("missingname.exe", "STATUS_ENTRYPOINT_NOT_FOUND", "NoSuchFunctionAnywhere"),
    ("missingordinal.exe", "STATUS_ORDINAL_NOT_FOUND", "ordinal 999"),
    ("dllmainfalse.exe", "STATUS_DLL_INIT_FAILED", "failinit.dll"),
])
def test_loader_failures_end_the_process_with_the_status(name, status, words):
    r = run_sample(name)
    assert r.reason == "loader error"
    assert r.exit_code == STATUS[status]
    assert words in r.message


def test_dllmain_false_ran_the_dll_code_first():
    r = run_sample("dllmainfalse.exe")
    assert r.stdout == b"failinit: returning FALSE\n"


def test_unsupported_api_names_function_and_caller():
    r = run_sample("unsupported.exe")
    assert r.reason == "unsupported API"
    assert r.stdout == b"calling\n"
    assert r.message.startswith("kernel32!GetNumaHighestNodeNumber is not implemented; called from unsupported.exe+0x")


def test_access_violation_reports_exact_instruction():
    r = run_sample("fault.exe")
    assert r.reason == "unhandled exception"
    assert r.exit_code == 0xC0000005
    assert r.stdout == b"before\n"
    f = r.fault
    assert "write to 0x00000000" in f.description and f.instruction.startswith("mov dword ptr [")
    assert f.location.startswith("fault.exe+0x")
    assert f.registers["eip"] == f.eip


def test_instruction_limit_stops_a_guest_that_loops_forever():
    r = run_sample("forever.exe", max_instructions=2_000_000)
    assert r.reason == "instruction limit"
    assert r.stdout == b"looping\n"
    assert "forever.exe+0x" in r.message
    assert r.instructions >= 2_000_000


def test_timeout_stops_a_guest_that_loops_forever():
    r = run_sample("forever.exe", timeout=1.0)
    assert r.reason == "timeout"
    assert "forever.exe+0x" in r.message


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "ntboot", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, **kw)


@pytest.mark.parametrize("argv,code,words", [
    (["run", "samples/bin/bad/notpe.exe"], 126, "STATUS_INVALID_IMAGE_NOT_MZ"),
    (["run", "samples/bin/nosuch.exe"], 127, "STATUS_OBJECT_NAME_NOT_FOUND"),
    (["run", "samples/bin/missingdll.exe"], 0x35, "STATUS_DLL_NOT_FOUND"),
    (["run", "samples/bin/fault.exe"], 5, "STATUS_ACCESS_VIOLATION"),
    (["run", "samples/bin/unsupported.exe"], 125, "kernel32!GetNumaHighestNodeNumber"),
    (["run", "--max-insns", "500000", "samples/bin/forever.exe"], 124, "instruction limit"),
])
def test_cli_errors_are_one_clear_line_without_traceback(argv, code, words):
    p = cli(*argv)
    assert p.returncode == code, p.stderr
    assert words in p.stderr
    assert "Traceback" not in p.stderr
    assert p.stderr.splitlines()[0].startswith("ntboot: ")


def test_deadlock_names_the_wait_that_never_ends():
    r = run_sample("deadlock.exe")
    assert r.reason == "deadlock"
    assert r.stdout == b"waiting\n"
    assert "WaitForSingleObject(Thread" in r.message and "deadlock.exe" in r.message


def test_cli_turns_an_internal_error_into_one_line(monkeypatch, capsys):
    """Even a bug of ntboot's is one line on stderr with exit status 70, not a traceback."""
    from ntboot import cli
    from ntboot.api import Emulator

    def broken(self, program, args=()):
        raise KeyError("boom")
    monkeypatch.setattr(Emulator, "create_process", broken)
    monkeypatch.delenv("NTBOOT_DEBUG", raising=False)
    code = cli.main(["run", sample("hello.exe")])
    err = capsys.readouterr().err
    assert code == 70
    assert err.count("\n") == 1 and err.startswith("ntboot: internal error in ") and "KeyError" in err
