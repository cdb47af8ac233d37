"""shlwapi's path and string rules (kernel/dlls/shlwapi/rules.py), with the results Windows documents
for them; the exports themselves run in the launcher tests (t32.exe calls StrStrIW,
PathRemoveFileSpecW and PathCombineW)."""
import pytest

from kernel.dlls.shlwapi import rules as R


@pytest.mark.parametrize("path, result, changed", [
    ("C:\\app\\t32.exe", "C:\\app", True), ("C:\\t.exe", "C:\\", True), ("C:\\", "C:\\", False),
    ("foo", "", True), ("\\foo", "\\", True), ("\\\\server\\share", "\\\\server", True), ("C:foo", "C:", True),
    ("C:\\a\\b\\", "C:\\a\\b", True), ("", "", False),
])
def test_remove_file_spec(path, result, changed):
    assert R.remove_file_spec(path) == (result, changed)


@pytest.mark.parametrize("path, expected", [
    # the examples of PathCanonicalize's documentation
    ("A:\\name_1\\.\\name_2\\..\\name_3", "A:\\name_1\\name_3"),
    ("A:\\name_1\\..\\name_2\\.\\name_3", "A:\\name_2\\name_3"),
    ("A:\\name_1\\name_2\\.\\name_3\\..\\name_4", "A:\\name_1\\name_2\\name_4"),
    ("A:\\name_1\\.\\name_2\\.\\name_3\\..\\name_4\\..", "A:\\name_1\\name_2"),
    ("C:\\..", "C:\\"), ("", "\\"), ("C:", "C:\\"), ("C:\\a\\", "C:\\a\\"),
    ("\\\\server\\share\\..\\x", "\\\\server\\share\\x"),
])
def test_canonicalize(path, expected):
    assert R.canonicalize(path) == expected


@pytest.mark.parametrize("directory, file, expected", [
    ("C:\\app", "args.exe", "C:\\app\\args.exe"), ("C:\\app\\", "args.exe", "C:\\app\\args.exe"),
    ("C:\\app", "..\\x.exe", "C:\\x.exe"), ("C:\\app\\sub", "\\x", "C:\\x"), ("C:\\app", "D:\\y", "D:\\y"),
    ("C:", "x", "C:\\x"), ("C:\\app", "", "C:\\app"), (None, "a\\.\\b", "a\\b"),
    ("C:\\app", "\\\\srv\\share\\f", "\\\\srv\\share\\f"), (None, None, None),
    ("C:\\" + "d" * 250, "file.txt", None),            # longer than MAX_PATH - 1: fails
])
def test_combine(directory, file, expected):
    assert R.combine(directory, file) == expected


def test_append_drops_leading_backslashes():
    assert R.append("C:\\app", "\\\\srv\\f") == "\\\\srv\\f"            # a UNC addition keeps its backslashes
    assert R.append("C:\\app", "\\sub") == "C:\\app\\sub"


def test_find_file_name_and_extension():
    assert R.find_file_name("C:\\a\\b.txt") == 5
    assert R.find_file_name("C:\\a\\b\\") == 5                 # a trailing backslash stays with the name
    assert R.find_file_name("a/b") == 2 and R.find_file_name("C:x") == 2 and R.find_file_name("x") == 0
    assert R.find_extension("a.txt") == 1 and R.find_extension("a.b.c") == 3
    assert R.find_extension("C:\\a.b\\c") == 8                  # the folder's dot does not count
    assert R.find_extension("a.b c") == 5                       # a space ends the extension


def test_relative_root_unc_and_spec():
    assert R.is_relative("") and R.is_relative("a\\b") and not R.is_relative("\\a") and not R.is_relative("C:a")
    assert R.is_root("C:\\") and R.is_root("\\") and R.is_root("\\\\srv\\share") and not R.is_root("C:\\a")
    assert R.is_unc("\\\\srv\\x") and not R.is_unc("\\\\?\\C:\\x")
    assert R.is_file_spec("a.txt") and not R.is_file_spec("C:a") and not R.is_file_spec("a\\b")
    assert R.skip_root("C:\\a\\b") == 3 and R.skip_root("\\\\srv\\share\\x") == 12 and R.skip_root("\\x") is None
    assert R.strip_to_root("C:\\a\\b") == ("C:\\", True)


def test_backslashes_extensions_and_quotes():
    assert R.add_backslash("C:\\a") == "C:\\a\\" and R.add_backslash("") == "" and R.add_backslash("x" * 259) is None
    assert R.remove_backslash("C:\\a\\") == ("C:\\a", 4) and R.remove_backslash("C:\\") == ("C:\\", 2)
    assert R.add_extension("a", None) == "a.exe" and R.add_extension("a.txt", ".exe") is None
    assert R.rename_extension("a.txt", ".md") == "a.md"
    assert R.quote_spaces("a b") == '"a b"' and R.quote_spaces("ab") is None
    assert R.unquote_spaces('"a b"') == "a b" and R.unquote_spaces("a") is None
    assert R.get_args('"a b" c d') == 6 and R.get_args("abc") == 3
    assert R.get_drive_number("c:\\") == 2 and R.get_drive_number("\\x") == -1
    assert R.match_spec("C:\\a\\b.TXT", "*.doc; *.txt") and R.match_spec("x", "*.*") and not R.match_spec("a.c", "*.h")


def test_string_search_and_compare():
    assert R.str_str("abcABC", "CA", ignore_case=True) == 2 and R.str_str("abcABC", "CA") is None
    assert R.str_str("abc", "") is None                         # an empty search string finds nothing
    assert R.str_chr("a\\b\\c", "\\") == 1 and R.str_rchr("a\\b\\c", "\\") == 3 and R.str_chr("abc", "\0") is None
    assert R.str_chr("ABC", "b", ignore_case=True) == 1
    assert R.str_rstr("a.exe.exe", ".EXE") == 5
    assert R.compare_n("abcX", "ABCy", 3, ignore_case=True) == 0
    assert R.compare_n("abc", "abd", 3, ignore_case=False) == -1 and R.compare("b", "a", False) == 1
    assert R.str_spn("aabbc", "ab") == 4 and R.str_cspn("abc.d", ".") == 3 and R.str_pbrk("abc", "xyz") is None
    assert R.str_trim("  x y ", " ") == "x y"


@pytest.mark.parametrize("text, flags, expected", [
    ("123", 0, (True, 123)), ("  -42x", 0, (True, (-42) & 0xFFFFFFFFFFFFFFFF)), ("+7", 0, (True, 7)),
    ("0x1F", 1, (True, 31)), ("0x1F", 0, (True, 0)), ("x", 0, (False, 0)), ("0x", 1, (False, 0)),
])
def test_str_to_int64_ex(text, flags, expected):
    assert R.str_to_int64_ex(text, flags) == expected


def test_str_to_int_takes_no_white_space_or_plus():
    assert R.str_to_int("42abc") == 42 and R.str_to_int("-1") == 0xFFFFFFFF
    assert R.str_to_int(" 5") == 0 and R.str_to_int("+5") == 0


def test_shlwapi_exports_in_a_program():
    """samples/bin/shlwapi.exe: the exports through the guest (the header of src/shlwapi.c lists the lines)."""
    import os
    from conftest import ROOT, run_sample
    with open(os.path.join(ROOT, "samples", "src", "shlwapi.c")) as f:
        header = f.read().split("Expected stdout (exact):\n", 1)[1].split(" * Expected exit code", 1)[0]
    expected = [line[len(" *   "):] for line in header.splitlines()]
    r = run_sample("shlwapi.exe")
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert r.stdout.decode().splitlines() == expected
