"""kernel/rtl/paths.py: Win32 <-> NT path forms, GetFullPathName-style normalizing, splitting.

Pure string functions: no file system is touched."""
from __future__ import annotations

import pytest

from kernel.rtl import paths


# -- normalize ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, cwd, expected", [
    # drive-relative: relative to the current directory when it is on that drive
    ("C:foo", "C:\\work", "C:\\work\\foo"),
    ("c:foo\\bar", "C:\\work\\", "C:\\work\\foo\\bar"),
    ("C:foo", "C:\\", "C:\\foo"),
    # root-relative: the current drive's root
    ("\\foo", "C:\\work\\deep", "C:\\foo"),
    ("\\", "C:\\work", "C:\\"),
    # plain relative
    ("foo\\bar.txt", "C:\\work", "C:\\work\\foo\\bar.txt"),
    ("foo", "C:\\work\\", "C:\\work\\foo"),
    # `.` and `..`
    ("C:\\a\\.\\b\\..\\c", "C:\\", "C:\\a\\c"),
    ("..\\x", "C:\\a\\b", "C:\\a\\x"),
    (".", "C:\\a\\b", "C:\\a\\b"),
    ("..", "C:\\a", "C:\\"),
    # `..` at the root stays at the root
    ("C:\\..\\..\\outside\\secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("C:\\a\\..\\..\\..\\etc\\passwd", "C:\\", "C:\\etc\\passwd"),
    ("..\\..\\..\\..\\x", "C:\\a\\b", "C:\\x"),
    # trailing dots and spaces of components are dropped
    ("C:\\dir.\\file.txt.", "C:\\", "C:\\dir\\file.txt"),
    ("C:\\dir \\file.txt . .", "C:\\", "C:\\dir\\file.txt"),
    # forward slashes and doubled separators
    ("C:/a//b/", "C:\\", "C:\\a\\b"),
    ("/etc/passwd", "C:\\work", "C:\\etc\\passwd"),
    # drive letter comes out upper-case
    ("c:\\Dir\\File.TXT", "C:\\", "C:\\Dir\\File.TXT"),
])
def test_normalize(path, cwd, expected):
    assert paths.normalize(path, cwd) == expected


def test_normalize_never_yields_a_dot_dot_component():
    # a component made only of dots and spaces is kept literally (not collapsed into `..`)
    for path in ("C:\\.. \\x", "C:\\...\\x", "C:\\a\\. .\\..", "C:\\.. .\\..\\.."):
        result = paths.normalize(path)
        assert result.startswith("C:\\")
        assert ".." not in result.split("\\")
        assert "." not in result.split("\\")


@pytest.mark.parametrize("nt, expected", [
    ("\\??\\C:\\..\\..", "C:\\"),
    ("\\\\?\\C:\\..", "C:\\"),
    ("\\Device\\HarddiskVolume1\\..\\..", "C:\\"),
    ("\\DosDevices\\C:\\x\\..\\y", "C:\\y"),
    ("\\SystemRoot\\System32\\..\\..\\..", "C:\\"),
])
def test_normalize_of_nt_forms_stays_on_c(nt, expected):
    assert paths.normalize(nt) == expected


# -- to_nt_path / from_nt_path --------------------------------------------------------------------

@pytest.mark.parametrize("win32, nt", [
    ("C:\\x", "\\??\\C:\\x"),
    ("C:\\Windows\\System32\\ntdll.dll", "\\??\\C:\\Windows\\System32\\ntdll.dll"),
    ("\\\\?\\C:\\x", "\\??\\C:\\x"),
    ("\\??\\C:\\x", "\\??\\C:\\x"),           # already an NT path: unchanged
])
def test_to_nt_path(win32, nt):
    assert paths.to_nt_path(win32) == nt


@pytest.mark.parametrize("win32", ["C:\\x", "C:\\", "C:\\a b\\c.d.e", "C:\\app\\prog.exe"])
def test_nt_round_trip(win32):
    assert paths.from_nt_path(paths.to_nt_path(win32)) == win32
    assert paths.to_nt_path(paths.from_nt_path(paths.to_nt_path(win32))) == paths.to_nt_path(win32)


@pytest.mark.parametrize("nt, win32", [
    ("\\??\\C:\\x", "C:\\x"),
    ("\\\\?\\C:\\x", "C:\\x"),
    ("\\DosDevices\\C:\\x", "C:\\x"),
    ("\\dosdevices\\C:\\x", "C:\\x"),
    ("\\GLOBAL??\\C:\\x", "C:\\x"),
    ("\\Device\\HarddiskVolume1\\x", "C:\\x"),
    ("\\device\\harddiskvolume1", "C:\\"),
    ("\\SystemRoot\\System32\\ntdll.dll", "C:\\Windows\\System32\\ntdll.dll"),
    ("C:\\x", "C:\\x"),                       # a Win32 path: unchanged
])
def test_from_nt_path(nt, win32):
    assert paths.from_nt_path(nt) == win32


@pytest.mark.parametrize("nt", [
    "\\Device\\HarddiskVolume12\\x",          # another volume, not a prefix of volume 1
    "\\Device\\HarddiskVolume1x\\y",
    "\\SystemRootX\\y",
])
def test_from_nt_path_matches_whole_components_only(nt):
    # these name other objects; they must not turn into C:\2\x, C:\x\y, C:\WindowsX\y
    assert paths.from_nt_path(nt) == nt


# -- basename / dirname ---------------------------------------------------------------------------

@pytest.mark.parametrize("path, expected", [
    ("C:\\a\\b.txt", "b.txt"),
    ("C:\\a\\b\\", "b"),
    ("C:/a/b.txt", "b.txt"),
    ("b.txt", "b.txt"),
    ("\\b", "b"),
    ("", ""),
])
def test_basename(path, expected):
    assert paths.basename(path) == expected


@pytest.mark.parametrize("path, expected", [
    ("C:\\a\\b.txt", "C:\\a"),
    ("C:\\a\\b\\", "C:\\a"),
    ("C:\\a", "C:\\"),
    ("C:/a/b", "C:\\a"),
    ("b.txt", ""),
    ("", ""),
])
def test_dirname(path, expected):
    assert paths.dirname(path) == expected


# -- first_token ----------------------------------------------------------------------------------

@pytest.mark.parametrize("command_line, expected", [
    ("prog.exe a b", "prog.exe"),
    ('"C:\\Program Files\\x.exe" arg', "C:\\Program Files\\x.exe"),
    ('"C:\\Program Files\\x.exe"arg', "C:\\Program Files\\x.exe"),
    ("\tprog.exe\targ", "prog.exe"),
    ("  \t prog", "prog"),
    ('"unclosed quote arg', "unclosed quote arg"),
    ('"" arg', ""),
    ("", ""),
    ("prog", "prog"),
])
def test_first_token(command_line, expected):
    assert paths.first_token(command_line) == expected


# -- is_device_name -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["CON", "con", "nul.txt", "NUL", "COM1", "com9.dat", "LPT1.log",
                                  "PRN", "aux.c", "conin$", "CONOUT$", "CON .txt"])
def test_is_device_name(name):
    assert paths.is_device_name(name)


@pytest.mark.parametrize("name", ["CONSOLE", "con1", "COM0", "LPT", "nul_", "x.con", "readme.txt"])
def test_is_not_device_name(name):
    assert not paths.is_device_name(name)
