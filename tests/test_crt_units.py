"""Pure parts of the C runtime: scanf's engine, strtod's parser, strftime, x87 conversions,
fopen's mode parsing, the printf options of the UCRT."""
import math
import struct

import pytest

from emu.x87 import double_to_x87, x87_to_double
from kernel.dlls.msvcrt.scanf import StringSource, scan
from kernel.dlls.msvcrt.stdio import parse_mode
from kernel.dlls.msvcrt.stdlib import parse_double
from kernel.dlls.msvcrt.time import strftime_text, tm_fields


class Targets:
    def __init__(self):
        self.stored = []
        self.n = 0

    def next_pointer(self):
        self.n += 1
        return self.n

    def store(self, ptr, data):
        self.stored.append(data)


def run(src, fmt, wide=False):
    t = Targets()
    return scan(fmt, StringSource(src), t, wide=wide), t.stored


@pytest.mark.parametrize("src, fmt, result, stored", [
    (b"42", b"%d", 1, [struct.pack("<i", 42)]),
    (b"", b"%d", -1, []),
    (b"   ", b"%d", -1, []),
    (b"abc", b"%d", 0, []),
    (b"5", b"%*d%d", 0, []),
    (b"0x1f 017 10", b"%i %i %i", 3, [struct.pack("<i", v) for v in (31, 15, 10)]),
    (b"ff 0xFF", b"%x %X", 2, [struct.pack("<i", 255)] * 2),
    (b"-1", b"%u", 1, [struct.pack("<I", 0xFFFFFFFF)]),
    (b"4294967297", b"%d", 1, [struct.pack("<i", 1)]),              # msvcrt wraps, no saturation
    (b"12345", b"%3d%d", 2, [struct.pack("<i", 123), struct.pack("<i", 45)]),
    (b"hello world", b"%s %c", 2, [b"hello\0", b"w"]),
    (b"abc123", b"%[a-c]%n", 1, [b"abc\0", struct.pack("<i", 3)]),
    (b"]x", b"%[]]", 1, [b"]\0"]),
    (b"xyz", b"%[^y]", 1, [b"x\0"]),
    (b"3.5e2", b"%lf", 1, [struct.pack("<d", 350.0)]),
    (b"2.5", b"%f", 1, [struct.pack("<f", 2.5)]),
    (b"100%", b"%d%%", 1, [struct.pack("<i", 100)]),
    (b"12", b"%hd", 1, [struct.pack("<h", 12)]),
    (b"123456789012", b"%I64d", 1, [struct.pack("<q", 123456789012)]),
    (b"ab", b"abc%d", -1, []),
])
def test_scanf(src, fmt, result, stored):
    assert run(src, fmt) == (result, stored)


def test_swscanf_wide_strings():
    units = [ord(c) for c in "word 7"]
    n, stored = run(units, [ord(c) for c in "%s %d"], wide=True)
    assert n == 2 and stored == ["word".encode("utf-16-le") + b"\0\0", struct.pack("<i", 7)]


@pytest.mark.parametrize("text, value, used, erange", [
    (b"  -12.5e2xyz", -1250.0, 9, False),
    (b"1.5d3", 1500.0, 5, False),
    (b".5", 0.5, 2, False),
    (b"5.", 5.0, 2, False),
    (b"nothing", 0.0, 0, False),
    (b"inf", 0.0, 0, False),
    (b"0x10", 0.0, 1, False),
    (b"1e", 1.0, 1, False),
    (b"1e400", math.inf, 5, True),
    (b"1e-400", 0.0, 6, True),
])
def test_strtod(text, value, used, erange):
    assert parse_double(text) == (value, used, erange)


def test_strftime_c_locale():
    tm = tm_fields(1704067200)
    assert strftime_text(b"%Y-%m-%d %H:%M:%S %a %j %U %W", tm) == b"2024-01-01 00:00:00 Mon 001 00 01"
    assert strftime_text(b"%c|%x|%X|%#d", tm) == b"01/01/24 00:00:00|01/01/24|00:00:00|1"
    assert strftime_text(b"%Q", tm) is None


@pytest.mark.parametrize("value", [0.0, -0.0, 1.0, -2.5, 1e300, 5e-324, 2.2250738585072014e-308, math.inf,
                                   -math.inf, math.pi])
def test_x87_conversion_round_trips(value):
    back = x87_to_double(*double_to_x87(value))
    assert struct.pack("<d", back) == struct.pack("<d", value)


def test_x87_keeps_nan_bits():
    ind = struct.unpack("<d", struct.pack("<Q", 0xFFF8000000000000))[0]
    assert struct.pack("<d", x87_to_double(*double_to_x87(ind))) == struct.pack("<Q", 0xFFF8000000000000)
    assert double_to_x87(1.0) == (1 << 63, 16383)


@pytest.mark.parametrize("mode, result", [
    ("r", (0x0, 0x1)), ("w", (0x301, 0x2)), ("a", (0x109, 0x2)), ("r+b", (0x8002, 0x80)),
    ("wt", (0x4301, 0x2)), ("a+", (0x10A, 0x80)), ("q", None), ("", None), ("rx", None),
])
def test_fopen_modes(mode, result):
    assert parse_mode(mode) == result
