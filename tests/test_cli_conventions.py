"""CLI conventions (README "Command-line conventions"): options checked before anything runs, user
mistakes with the exit statuses of `--help`, never "internal error"; the guest's arguments verbatim
after the program; a quiet broken pipe; `imports` and `regress` exit statuses; the user's folder."""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import BIN, ROOT, sample
from ntboot.cli import EXIT_STATUSES, main


def cli(*args, cwd=ROOT, **kw):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "ntboot", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, env=env, **kw)


def run_main(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("argv,words", [
    (["run", "--timeout", "-1", "HELLO"], "argument --timeout: '-1': must be 0 or more"),
    (["run", "--max-insns", "-5", "HELLO"], "argument --max-insns: '-5': must be 0 or more"),
    (["run", "--max-memory", "-1", "HELLO"], "must be 0 or more"),
    (["run", "--trace", "insn=0x401010-0x401000", "HELLO"], "the start is above the end"),
    (["run", "--trace", "insn=0x401000-", "HELLO"], "expected START-END"),
    (["run", "--env", "NOEQUALS", "HELLO"], "argument --env: 'NOEQUALS': expected NAME=VALUE"),
    (["dump", "peb", "--json", "--hex", "HELLO"], "argument --hex: not allowed with argument --json"),
    (["run", "--root", "/nonexistent", "HELLO"], "argument --root: /nonexistent: no such folder"),
    (["run", "--root", "HELLO", "HELLO"], "not a folder"),
    (["run", "--mount", "/nonexistent=C:\\data", "HELLO"], "argument --mount: /nonexistent: no such folder"),
    (["run", "--mount", "/tmp=data", "HELLO"], "the guest path must be a full path on C:"),
    (["run", "--report", "/nonexistent/dir/r.json", "HELLO"], "the folder /nonexistent/dir does not exist"),
    (["run", "--stdin", "/nonexistent.txt", "HELLO"], "argument --stdin: /nonexistent.txt: no such file"),
    (["run", "--cwd", "work", "HELLO"], "a full guest path on C:"),
    (["run"], "the following arguments are required: program\n"),
])
def test_bad_options_are_usage_errors_before_the_run(argv, words, capsys):
    argv = [sample("hello.exe") if a == "HELLO" else a for a in argv]
    code, out, err = run_main(capsys, *argv)
    assert code == 2
    assert words in err
    assert "Hello" not in out                       # nothing ran
    assert "internal error" not in err


def test_a_missing_report_folder_does_not_lose_the_run(tmp_path):
    """--report into a folder that does not exist is refused before the program runs."""
    p = cli("run", "--report", str(tmp_path / "no" / "r.json"), sample("hello.exe"))
    assert p.returncode == 2 and p.stdout == "" and "r.json" in p.stderr


def test_help_lists_the_exit_statuses_and_the_version():
    p = cli("--help")
    assert p.returncode == 0 and EXIT_STATUSES in p.stdout
    for status in ("124", "125", "126", "127", "70", "141"):
        assert f"\n  {status} " in p.stdout
    run_help = cli("run", "--help").stdout
    assert "usage: ntboot run [options] PROGRAM [ARGS...]" in run_help
    assert "the Windows program (a 32-bit .exe) on the host" in run_help
    assert "everything after the program, verbatim" in run_help.replace("\n", " ").replace("  ", " ") or \
        "everything after the program" in run_help
    from ntboot import __version__
    assert __version__ == "0.2.0"
    v = cli("--version")
    assert v.returncode == 0 and v.stdout == f"ntboot {__version__}\n"


def test_guest_arguments_after_the_program_are_verbatim_including_double_dash():
    p = cli("run", "--timeout", "30", sample("args.exe"), "--", "a", "--timeout", "-x")
    assert p.returncode == 5, p.stderr
    assert p.stdout.splitlines()[2:6] == ["argv[1]=[--]", "argv[2]=[a]", "argv[3]=[--timeout]", "argv[4]=[-x]"]
    # `--` before the program ends ntboot's options (a program whose name starts with -)
    q = cli("run", "--", sample("args.exe"), "--env", "X=1")
    assert q.returncode == 3 and q.stdout.splitlines()[2:4] == ["argv[1]=[--env]", "argv[2]=[X=1]"]


def test_dump_options_after_the_program_belong_to_the_guest_and_a_note_says_so():
    p = cli("dump", "params", sample("args.exe"), "--json")
    assert p.returncode == 0
    assert "CommandLine" in p.stdout and "--json" in p.stdout    # text form; --json is in the command line
    assert "note: --json comes after the program" in p.stderr


@pytest.mark.parametrize("content,status,words", [
    (b"just some text\n", 126, "STATUS_INVALID_IMAGE_NOT_MZ"),
    (b"", 126, "STATUS_INVALID_IMAGE_NOT_MZ"),
    ("bad/x64.exe", 126, "STATUS_INVALID_IMAGE_WIN_64"),
    ("bad/truncated.exe", 126, "STATUS_INVALID_IMAGE_FORMAT"),
    (None, 127, "STATUS_OBJECT_NAME_NOT_FOUND"),
    ("DIR", 126, "STATUS_FILE_IS_A_DIRECTORY"),
])
def test_imports_and_run_agree_on_bad_programs(tmp_path, content, status, words):
    if content is None:
        path = str(tmp_path / "nope.exe")
    elif content == "DIR":
        path = str(tmp_path)
    elif isinstance(content, str):
        path = sample(content)
    else:
        path = str(tmp_path / "prog.exe")
        with open(path, "wb") as f:
            f.write(content)
    for command in ("imports", "run"):
        p = cli(command, path)
        assert p.returncode == status, (command, p.stderr)
        assert words in p.stderr and "internal error" not in p.stderr and "Errno" not in p.stderr
        assert len(p.stderr.splitlines()) == 1
    if content is None:
        assert "the program file does not exist" in p.stderr
    if content == "DIR":
        assert "is a folder, not a program" in p.stderr


@pytest.mark.parametrize("name,status,counts", [
    ("hello.exe", 0, {"implemented": 41, "not_implemented": 0, "own": 0, "unresolvable": 0}),
    ("unsupported.exe", 1, {"implemented": 42, "not_implemented": 1, "own": 0, "unresolvable": 0}),
    ("missingdll.exe", 3, {"implemented": 40, "not_implemented": 0, "own": 0, "unresolvable": 1}),
])
def test_imports_exit_status_says_whether_everything_resolves(name, status, counts):
    p = cli("imports", "--json", sample(name))
    assert p.returncode == status, p.stderr
    table = json.loads(p.stdout)
    assert table["counts"] == counts
    assert table["resolves"] == (counts["unresolvable"] == 0)
    assert table["implemented"] == (status == 0)
    rows = [row for m in table["modules"] for row in m["imports"]]
    assert len(rows) == sum(counts.values())
    if name == "unsupported.exe":
        (row,) = [r for r in rows if r["status"] == "not_implemented"]
        assert (row["dll"].lower(), row["function"]) == ("kernel32.dll", "GetNumaHighestNodeNumber")
    if name == "missingdll.exe":
        (row,) = [r for r in rows if r["status"] == "unresolvable"]
        assert row["dll"].lower() == "ghost.dll" and row["detail"] == "DLL NOT FOUND"
    text = cli("imports", sample(name))
    assert text.returncode == status and text.stdout.splitlines()[-1].startswith("1 module(s), ")


def test_broken_pipe_is_quiet():
    """`ntboot dump peb x.exe | head -1`: a reader that went away ends ntboot quietly (141).  Made
    deterministic by closing the pipe's reading end before ntboot writes anything."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        p = subprocess.run([sys.executable, "-m", "ntboot", "dump", "peb", sample("hello.exe")], stdout=write_end,
                           stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120,
                           env=dict(os.environ, PYTHONPATH=ROOT))
    finally:
        os.close(write_end)
    assert p.returncode == 141
    assert p.stderr == ""


def test_dump_at_an_export_never_called_says_so(capsys):
    code, out, err = run_main(capsys, "dump", "peb", "--at", "api:kernel32!Beep", sample("hello.exe"))
    assert code == 3 and out == ""
    assert err == "ntboot: hello.exe ended before api:kernel32!Beep: exited: exit code 3; kernel32!Beep was " \
                  "called 0 time(s)\n"


CASES = """
[[case]]
name = "hello"
program = "{hello}"
[case.expect]
exit_code = 3

[[case]]
name = "hello-wrong"
program = "{hello}"
[case.expect]
exit_code = 4
"""


def test_regress_selection_and_junit_xml(tmp_path, capsys):
    cases = tmp_path / "cases.toml"
    cases.write_text(CASES.format(hello=sample("hello.exe").replace("\\", "\\\\")))
    code, out, err = run_main(capsys, "regress", "-k", "nomatch", str(cases))
    assert code == 1 and "no case matched -k 'nomatch'" in err
    junit = tmp_path / "junit.xml"
    code, out, err = run_main(capsys, "regress", "--junit-xml", str(junit), str(cases))
    assert code == 1 and out.splitlines()[-1] == "1 passed, 1 failed"
    suite = ET.parse(junit).getroot().find("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("cases", "2", "1")
    passed, failed = suite.findall("testcase")
    assert passed.get("name") == "hello" and passed.find("failure") is None
    assert failed.get("name") == "hello-wrong" and "exit_code: expected 4, got 3" in failed.find("failure").text
    code, out, err = run_main(capsys, "regress", "-k", "wrong", "--junit-xml", str(junit), str(cases))
    assert code == 1 and ET.parse(junit).getroot().find("testsuite").get("tests") == "1"


# -- the user's folder -----------------------------------------------------------------------------
@pytest.fixture
def user_folder(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "input.txt").write_text("the user's input\n")
    return folder


def test_the_host_current_directory_is_the_guests_read_only(user_folder):
    p = cli("run", sample("usercwd.exe"), "input.txt", "+out.txt", cwd=user_folder)
    assert p.stdout == ("cwd=C:\\work\ninput.txt: the user's input\n"
                        "+out.txt: cannot create (error 19)\n")          # ERROR_WRITE_PROTECT
    assert p.returncode == 1
    assert sorted(os.listdir(user_folder)) == ["input.txt"]


def test_writing_the_users_folder_is_opt_in(user_folder):
    p = cli("run", "--cwd-writable", sample("usercwd.exe"), "+out.txt", cwd=user_folder)
    assert p.returncode == 0 and p.stdout == "cwd=C:\\work\n+out.txt: written\n"
    assert (user_folder / "out.txt").read_text() == "written\n"


def test_no_host_cwd_and_cwd_option(user_folder):
    p = cli("run", "--no-host-cwd", sample("usercwd.exe"), "input.txt", cwd=user_folder)
    assert p.stdout == "cwd=C:\\app\ninput.txt: cannot open (error 2)\n" and p.returncode == 1
    p = cli("run", "--cwd", "C:\\Users\\user", sample("usercwd.exe"), "C:\\work\\input.txt", cwd=user_folder)
    assert p.stdout == "cwd=C:\\Users\\user\nC:\\work\\input.txt: the user's input\n" and p.returncode == 0
    p = cli("run", "--cwd", "C:\\nowhere", sample("usercwd.exe"), cwd=user_folder)
    assert p.returncode == 2 and p.stderr == "ntboot: --cwd C:\\nowhere: no such folder in the guest\n"


def test_a_current_directory_already_visible_is_used_where_it_is(user_folder):
    """The host's current directory as the root: the guest's current directory is C:\\."""
    p = cli("run", "--root", ".", sample("usercwd.exe"), "input.txt", cwd=user_folder)
    assert p.stdout == "cwd=C:\\\ninput.txt: the user's input\n" and p.returncode == 0
    assert sorted(os.listdir(user_folder)) == ["input.txt"]          # nothing added to the root


def test_root_gets_nothing_the_guest_did_not_write_and_keeps_its_times(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "Users").mkdir()                     # a partial tree: the rest comes from beside it
    os.utime(root, (1_000_000_000, 1_000_000_000))
    os.utime(root / "Users", (1_000_000_000, 1_000_000_000))
    from ntboot.api import Emulator
    emu = Emulator(root=str(root), timeout=60)
    try:
        emu.create_process(sample("usercwd.exe"), ["C:\\Users\\user\\AppData\\Local\\Temp\\..\\Temp\\x"])
        io = emu.kernel.io
        for folder in ("C:\\Users\\user\\AppData\\Local\\Temp", "C:\\ProgramData", "C:\\Program Files\\Common Files"):
            node = io.resolve(folder)
            assert node.exists and node.is_dir, folder
        names = [name for name, _ in io.list_directory(io.resolve("C:\\"))]
        assert {"Users", "ProgramData", "Program Files"} <= set(names)
        result = emu.run()
    finally:
        emu.close()
    assert result.stdout.startswith(b"cwd=C:\\app\n")
    assert os.listdir(root) == ["Users"] and os.listdir(root / "Users") == []
    assert os.stat(root).st_mtime == 1_000_000_000 and os.stat(root / "Users").st_mtime == 1_000_000_000
