"""Two real MSVC-built console launchers, run as on Windows (tests/real_launchers.py finds them):

* distlib's t32.exe (pip's vendored copy; static MSVC CRT, SHLWAPI, job objects).  Its launcher.c
  reports failures through `assert(cond, fmt, ...)`: `fprintf(stderr, "Fatal error in launcher: %s\\n",
  message)` then `ExitProcess(1)`; with an appended archive it runs the shebang's program with
  `CreateProcessW(NULL, "\\"EXE\\" ARGS \\"LAUNCHER\\" REST-OF-COMMAND-LINE", ..., TRUE, 0, ...)`,
  assigns the child to a job with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK,
  waits for it and ends with its exit code (`ExitProcess(rc)`).
* setuptools' cli-32.exe (MSVC CRT): it opens NAME-script.py beside NAME.exe (`fail("Cannot open %s\\n",
  script)` returns 2 when it cannot), runs the #! line's program with CreateProcessA(NULL, "EXE
  \\"SCRIPT\\" \\"ARG\\"...", ..., TRUE, 0, ...), waits and returns the child's exit code.

The program's folder is C:\\app in the guest, so the launchers name C:\\app\\... paths.  Output bytes are
what the MSVC CRT writes to a console stream in text mode (LF becomes CR LF)."""
import shutil

import pytest

from conftest import sample
from ntboot.api import Emulator
from fetch import require
from real_launchers import distlib_script, t32_path

JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK = 0x1000


def run(path, args=(), **kw):
    """(RunResult, [(pid, parent pid, image, command line, job limit flags or None, exit code)])."""
    emu = Emulator(timeout=60, **kw)
    try:
        emu.create_process(path, list(args))
        result = emu.run()
        tree = [(p.pid, p.parent_pid, p.image_name, p.command_line,
                 None if p.job is None else p.job.limit_flags, p.exit_status) for p in emu.kernel.processes]
        return result, tree
    finally:
        emu.close()


@pytest.fixture
def app(tmp_path):
    """A program folder (C:\\app in the guest) with the samples a launcher may start."""
    for name in ("args.exe", "hello.exe", "fault.exe"):
        shutil.copy(sample(name), tmp_path / name)
    return tmp_path


def lines(data: bytes) -> list[str]:
    return data.decode().split("\r\n" if b"\r\n" in data else "\n")[:-1]


# -- 1. t32.exe alone -----------------------------------------------------------------------------------

def test_t32_without_an_appended_archive():
    r, tree = run(t32_path())
    assert (r.reason, r.exit_code) == ("exited", 1), r.message
    assert r.stderr == b"Fatal error in launcher: Unable to find an appended archive.\r\n"
    assert r.stdout == b""
    assert len(tree) == 1                           # it never got as far as a child


# -- 2. cli-32.exe alone --------------------------------------------------------------------------------

def test_cli32_without_a_script():
    r, tree = run(require("cli-32.exe"))
    assert (r.reason, r.exit_code) == ("exited", 2), r.message
    assert r.stderr == b"Cannot open C:\\app\\cli-32-script.py\r\n"
    assert r.stdout == b""
    assert len(tree) == 1


def test_cli32_named_otherwise_looks_for_its_own_script(app):
    shutil.copy(require("cli-32.exe"), app / "other.exe")
    r, _ = run(str(app / "other.exe"))
    assert (r.exit_code, r.stderr) == (2, b"Cannot open C:\\app\\other-script.py\r\n")


# -- 3. cli-32.exe as NAME.exe beside NAME-script.py -------------------------------------------------------

def _cli_tool(app, shebang: str) -> str:
    shutil.copy(require("cli-32.exe"), app / "tool.exe")
    (app / "tool-script.py").write_bytes(b"#!" + shebang.encode() + b"\r\nprint('never run here')\r\n")
    return str(app / "tool.exe")


def test_cli32_runs_the_shebang_program_with_the_script_and_arguments(app):
    r, tree = run(_cli_tool(app, r"C:\app\args.exe"), ["one", "two words", 'q"x'])
    assert (r.reason, r.exit_code) == ("exited", 5), r.message      # args.exe returns its argc
    assert lines(r.stdout) == ["argc=5", r"argv[0]=[C:\app\args.exe]", r"argv[1]=[C:\app\tool-script.py]",
                               "argv[2]=[one]", "argv[3]=[two words]", 'argv[4]=[q"x]', "NTBOOT_TEST=(null)"]
    assert r.stderr == b""
    (launcher, _, _, _, _, code), (child, parent, image, command_line, job, child_code) = tree
    assert parent == launcher and image == "args.exe" and job is None
    # join_executable_and_args: the executable as is, every other argument quote()d
    assert command_line == r'C:\app\args.exe "C:\app\tool-script.py" "one" "two words" "q\"x"'
    assert code == child_code == 5


def test_cli32_shebang_arguments_come_before_the_script(app):
    r, tree = run(_cli_tool(app, r"C:\app\args.exe -u -X utf8"), ["last"])
    assert r.exit_code == 6
    assert lines(r.stdout)[1:6] == [r"argv[0]=[C:\app\args.exe]", "argv[1]=[-u]", "argv[2]=[-X]", "argv[3]=[utf8]",
                                    r"argv[4]=[C:\app\tool-script.py]"]
    assert tree[1][3] == r'C:\app\args.exe "-u" "-X" "utf8" "C:\app\tool-script.py" "last"'


def test_cli32_exits_with_the_childs_exit_code(app):
    r, _ = run(_cli_tool(app, r"C:\app\hello.exe"))
    assert (r.reason, r.exit_code) == ("exited", 3), r.message
    assert lines(r.stdout) == ["Hello, world!", "The answer is 42 and the word is ntboot."]


# -- 4. t32.exe with an appended archive (distlib's ScriptMaker) ---------------------------------------------

def test_t32_with_an_archive_runs_the_shebang_program_in_a_job(app):
    tool = distlib_script(str(app), "tool", r"C:\app\args.exe")
    with open(tool, "rb") as f:
        data = f.read()
    with open(t32_path(), "rb") as f:
        launcher = f.read()
    assert data.startswith(launcher + b"#!C:\\app\\args.exe\n") and data.endswith(bytes(2))   # ... + zip
    r, tree = run(tool, ["one", "two words"])
    assert (r.reason, r.exit_code) == ("exited", 4), r.message
    assert lines(r.stdout) == ["argc=4", r"argv[0]=[C:\app\args.exe]", r"argv[1]=[C:\app\tool.exe]",
                               "argv[2]=[one]", "argv[3]=[two words]", "NTBOOT_TEST=(null)"]
    assert r.stderr == b""
    (launcher_pid, _, _, _, launcher_job, code), (_, parent, image, command_line, job, child_code) = tree
    assert parent == launcher_pid and image == "args.exe"
    # '"%ls" %ls "%ls" %ls': executable, shebang arguments (none), the launcher, the rest of its command line
    assert command_line == r'"C:\app\args.exe"  "C:\app\tool.exe" one "two words"'
    assert launcher_job is None
    assert job == JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK
    assert code == child_code == 4


def test_t32_passes_on_a_crashed_childs_status(app):
    tool = distlib_script(str(app), "crash", r"C:\app\fault.exe")
    r, tree = run(tool)
    assert r.reason == "exited" and r.exit_code == 0xC0000005, r.message
    assert lines(r.stdout) == ["before"]
    assert [p[5] for p in tree] == [0xC0000005, 0xC0000005]


def test_t32_reports_a_shebang_without_an_exe(app):
    tool = distlib_script(str(app), "bad", r"C:\app\args")
    r, tree = run(tool)
    assert (r.reason, r.exit_code) == ("exited", 1), r.message
    assert r.stderr == (b"Fatal error in launcher: Expected to find a command ending in '.exe' in shebang line: "
                        b"C:\\app\\args\r\n")
    assert len(tree) == 1


def test_cli_launcher_from_the_command_line(app, capfd):
    """`ntboot run NAME.exe`: the child's output on the host's stdout, the launcher's exit status."""
    from ntboot.cli import main
    tool = _cli_tool(app, r"C:\app\hello.exe")
    assert main(["run", "--no-progress", tool]) == 3
    out, err = capfd.readouterr()
    assert out.replace("\r\n", "\n") == "Hello, world!\nThe answer is 42 and the word is ntboot.\n" and err == ""


def test_t32_reports_a_missing_program_with_the_system_message(app):
    """CreateProcessW fails with ERROR_FILE_NOT_FOUND; the launcher formats it with FormatMessageW
    (FROM_SYSTEM: the message ends with CR LF) and prints it with "\\n" after it, which the CRT's text
    mode turns into CR LF: hence CR CR LF CR LF at the end."""
    tool = distlib_script(str(app), "miss", r"C:\app\missing.exe")
    r, tree = run(tool, ["a", "b"])
    assert (r.reason, r.exit_code) == ("exited", 1), r.message
    assert r.stderr == (b"Fatal error in launcher: Unable to create process using "
                        b"'\"C:\\app\\missing.exe\"  \"C:\\app\\miss.exe\" a b': "
                        b"The system cannot find the file specified.\r\r\n\r\n")
    assert len(tree) == 1


def test_t32_resolves_launcher_dir_with_shlwapi(app):
    """"<launcher_dir>\\NAME" shebangs: PathRemoveFileSpecW on the launcher's path, then PathCombineW."""
    tool = distlib_script(str(app), "rel", "<launcher_dir>\\args.exe")
    r, tree = run(tool, ["x"])
    assert (r.reason, r.exit_code) == ("exited", 3), r.message
    assert lines(r.stdout)[1:4] == [r"argv[0]=[C:\app\args.exe]", r"argv[1]=[C:\app\rel.exe]", "argv[2]=[x]"]
    assert tree[1][3] == r'"C:\app\args.exe"  "C:\app\rel.exe" x'
