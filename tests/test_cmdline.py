"""Windows command-line building and splitting.

Expected splits come from:
[wine]  the CommandLineToArgvW table of Wine's dlls/shell32/tests/shlexec.c,
        which is checked against real Windows;
[doc]   Microsoft's "Parsing C command-line arguments" examples;
[vc6]   the Visual C++ 6 start-up code in msvcrt.dll ("" inside quotes
        yields a quote and ends the quoted part; changed in msvcr90/2008).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

try:
    import kernel  # noqa: F401
except ImportError:  # running without the project installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kernel.rtl.cmdline import (  # noqa: E402
    build_command_line,
    parse_commandline_to_argv_w,
    parse_msvcrt,
    quote_arg,
)

# [wine] CommandLineToArgvW; msvcrt.dll splits all of these the same way
WINE_TABLE = [
    ("exe", ["exe"]),
    ('exe arg1 arg2 "arg three" \'four five` six\\ $even)',
     ["exe", "arg1", "arg2", "arg three", "'four", "five`", "six\\", "$even)"]),
    ("exe arg=1 arg-2 three\tfour\rfour\nfour ",
     ["exe", "arg=1", "arg-2", "three", "four\rfour\nfour"]),
    ('exe arg"one" "second"arg thirdarg ', ["exe", "argone", "secondarg", "thirdarg"]),
    ('exe arg1 "unclosed', ["exe", "arg1", "unclosed"]),
    ('exe arg1 "', ["exe", "arg1", ""]),
    ('exe "one^" "arg"&two three|four', ["exe", "one^", "arg&two", "three|four"]),
    ("exe %TMPDIR% %2", ["exe", "%TMPDIR%", "%2"]),
    ("exe o\\ne t\\\\wo t\\\\\\ree f\\\\\\\\our ",
     ["exe", "o\\ne", "t\\\\wo", "t\\\\\\ree", "f\\\\\\\\our"]),
    ('exe "o\\ne" "t\\\\wo" "t\\\\\\ree" "f\\\\\\\\our" ',
     ["exe", "o\\ne", "t\\\\wo", "t\\\\\\ree", "f\\\\\\\\our"]),
    ('exe \\"one \\\\"two" \\\\\\"three \\\\\\\\"four" end',
     ["exe", '"one', "\\two", '\\"three', "\\\\four", "end"]),
    ('exe "one\\" still" "two\\\\" "three\\\\\\" still" "four\\\\\\\\" end',
     ["exe", 'one" still', "two\\", 'three\\" still', "four\\\\", "end"]),
    ('exe two""quotes next', ["exe", "twoquotes", "next"]),
    ('exe three"""quotes next', ["exe", 'three"quotes', "next"]),
    ('exe four"""" quotes" next 4%3=1', ["exe", 'four" quotes', "next", "4%3=1"]),
    ('exe five"""""quotes next', ["exe", 'five"quotes', "next"]),
    ('exe six""""""quotes next', ["exe", 'six""quotes', "next"]),
    ('exe seven""""""" quotes" next 7%3=1', ["exe", 'seven"" quotes', "next", "7%3=1"]),
    ('exe twelve""""""""""""quotes next', ["exe", 'twelve""""quotes', "next"]),
    ('exe thirteen""""""""""""" quotes" next 13%3=1',
     ["exe", 'thirteen"""" quotes', "next", "13%3=1"]),
    ('exe "two""quotes next', ["exe", 'two"quotes', "next"]),
    ('exe "two"" next', ["exe", 'two"', "next"]),
    ('exe "three""" quotes" next 4%3=1', ["exe", 'three" quotes', "next", "4%3=1"]),
    ('exe "four""""quotes next', ["exe", 'four"quotes', "next"]),
    ('exe "five"""""quotes next', ["exe", 'five""quotes', "next"]),
    ('exe "six"""""" quotes" next 7%3=1', ["exe", 'six"" quotes', "next", "7%3=1"]),
    ('exe "eleven"""""""""""quotes next', ["exe", 'eleven""""quotes', "next"]),
    ('exe "twelve"""""""""""" quotes" next 13%3=1',
     ["exe", 'twelve"""" quotes', "next", "13%3=1"]),
    ('exe "the crazy \\\\"""\\\\" quotes', ["exe", 'the crazy \\"\\', "quotes"]),
    # argv[0] has its own rules
    ('exe"file"path arg1', ['exe"file"path', "arg1"]),
    ('exe"file"path\targ1', ['exe"file"path', "arg1"]),
    ('exe"path\\ arg1', ['exe"path\\', "arg1"]),
    ('\\"exe "arg one"', ['\\"exe', "arg one"]),
    ('"spaced exe" "next arg"', ["spaced exe", "next arg"]),
    ('"spaced exe"\t"next arg"', ["spaced exe", "next arg"]),
    ('"exe"arg" one" argtwo', ["exe", "arg one", "argtwo"]),
    ('"spaced exe\\"arg1 arg2', ["spaced exe\\", "arg1", "arg2"]),
    ('"two"" arg1 ', ["two", " arg1 "]),
    ('"three""" arg2', ["three", "", "arg2"]),
    ('"four""""arg1', ["four", '"arg1']),
    (' "arg"one argtwo', ["", "argone", "argtwo"]),
]

# [doc] Microsoft's examples (argv[1..]), prefixed with a program name
DOC_TABLE = [
    ('"a b c" d e', ["a b c", "d", "e"]),
    ('"ab\\"c" "\\\\" d', ['ab"c', "\\", "d"]),
    ('a\\\\\\b d"e f"g h', ["a\\\\\\b", "de fg", "h"]),
    ('a\\\\\\"b c d', ['a\\"b', "c", "d"]),
    ('a\\\\\\\\"b c" d e', ["a\\\\b c", "d", "e"]),
]

# [vc6] vs msvcr90+/UCRT: "" inside a quoted part
DOUBLED_QUOTE_TABLE = [
    # cmdline, msvcrt.dll + CommandLineToArgvW, post-2008 runtimes
    ('p a"b"" c d', ["p", 'ab"', "c", "d"], ["p", 'ab" c d']),     # [doc] both versions
    ('p "a""b c"', ["p", 'a"b', "c"], ["p", 'a"b c']),
    ('p "a""b"', ["p", 'a"b'], ["p", 'a"b']),
    ('p """a b"""', ["p", '"a', 'b"'], ["p", '"a b"']),
    ('p ""', ["p", ""], ["p", ""]),
    ('p "" x', ["p", "", "x"], ["p", "", "x"]),
    ('p """"', ["p", '"'], ["p", '"']),
]


@pytest.mark.parametrize("cmdline,expected", WINE_TABLE)
def test_wine_table_commandlinetoargvw(cmdline, expected):
    assert parse_commandline_to_argv_w(cmdline) == expected


@pytest.mark.parametrize("cmdline,expected", WINE_TABLE)
def test_wine_table_msvcrt(cmdline, expected):
    assert parse_msvcrt(cmdline) == expected


@pytest.mark.parametrize("cmdline,expected", DOC_TABLE)
def test_doc_table(cmdline, expected):
    line = "prog " + cmdline
    assert parse_msvcrt(line) == ["prog"] + expected
    assert parse_msvcrt(line, post_2008=True) == ["prog"] + expected
    assert parse_commandline_to_argv_w(line) == ["prog"] + expected


@pytest.mark.parametrize("cmdline,old,new", DOUBLED_QUOTE_TABLE)
def test_doubled_quote_rules(cmdline, old, new):
    assert parse_msvcrt(cmdline) == old
    assert parse_commandline_to_argv_w(cmdline) == old
    assert parse_msvcrt(cmdline, post_2008=True) == new


def test_empty_command_line():
    assert parse_msvcrt("") == [""]
    assert parse_commandline_to_argv_w("", program_name="C:\\x\\a.exe") == ["C:\\x\\a.exe"]
    with pytest.raises(ValueError):
        parse_commandline_to_argv_w("")
    # not empty: only whitespace gives an empty program name
    assert parse_msvcrt("   ") == [""]
    assert parse_commandline_to_argv_w("   ") == [""]


def test_program_name_rules():
    assert parse_msvcrt('"C:\\Program Files\\a.exe" x') == ["C:\\Program Files\\a.exe", "x"]
    assert parse_msvcrt('"C:\\dir\\"x') == ["C:\\dir\\", "x"]      # no escapes in argv[0]
    assert parse_msvcrt('"unterminated path') == ["unterminated path"]
    assert parse_msvcrt("a.exe\tb") == ["a.exe", "b"]


def test_nul_ends_the_line():
    assert parse_msvcrt("a b\0c") == ["a", "b"]
    assert parse_commandline_to_argv_w("a b\0c") == ["a", "b"]


QUOTE_TABLE = [
    ("", '""'),
    ("a", "a"),
    ("a\\b", "a\\b"),
    ("a\\", "a\\"),
    ("a b", '"a b"'),
    ("a\tb", '"a\tb"'),
    ('a"b', '"a\\"b"'),
    ("a b\\", '"a b\\\\"'),
    ('a\\"b', '"a\\\\\\"b"'),
    ('"', '"\\""'),
    ("\\\\server\\share dir\\", '"\\\\server\\share dir\\\\"'),
]


@pytest.mark.parametrize("arg,quoted", QUOTE_TABLE)
def test_quote_arg(arg, quoted):
    assert quote_arg(arg) == quoted
    line = "p " + quoted
    assert parse_msvcrt(line) == ["p", arg]
    assert parse_msvcrt(line, post_2008=True) == ["p", arg]
    assert parse_commandline_to_argv_w(line) == ["p", arg]


def test_build_command_line():
    argv = ["C:\\Program Files\\app.exe", "plain", "two words", "", 'say "hi"', "end\\"]
    line = build_command_line(argv)
    assert line == '"C:\\Program Files\\app.exe" plain "two words" "" "say \\"hi\\"" end\\'
    assert parse_msvcrt(line) == argv
    assert parse_commandline_to_argv_w(line) == argv
    assert build_command_line(["a.exe"]) == "a.exe"
    assert build_command_line([""]) == '""'
    assert build_command_line([]) == ""
    with pytest.raises(ValueError):
        build_command_line(['bad"name.exe'])


def _random_arg(rnd: random.Random, alphabet: str, max_len: int) -> str:
    return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, max_len)))


def test_round_trip_random():
    rnd = random.Random(20240601)
    for _ in range(3000):
        program = _random_arg(rnd, "ab\\ .:\t", 8)
        args = [_random_arg(rnd, ' \t"\\ab\n\u00e9\u3042', 10) for _ in range(rnd.randint(0, 5))]
        argv = [program] + args
        line = build_command_line(argv)
        assert parse_msvcrt(line) == argv, line
        assert parse_msvcrt(line, post_2008=True) == argv, line
        assert parse_commandline_to_argv_w(line, program_name="unused") == argv, line


def test_msvcrt_and_commandlinetoargvw_agree():
    # independent implementations of the two documented rule sets
    rnd = random.Random(7)
    for _ in range(20000):
        line = _random_arg(rnd, ' \t"\\ab', 14) or "x"
        assert parse_msvcrt(line) == parse_commandline_to_argv_w(line), repr(line)
