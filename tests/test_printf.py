"""msvcrt.dll printf-family formatting.

Expected strings are what the Windows (Vista/7) system msvcrt.dll prints.
Sources, marked on each block:

[wine]  expectations of Wine's conformance test dlls/msvcrt/tests/printf.c,
        which is run against the real msvcrt.dll ("broken" values there are
        the pre-Vista DLL; where Windows 7 is believed to still have the old
        behaviour this is said explicitly);
[vc80]  the bit-exact study of the VC80 CRT float conversion (17 digits,
        two half-up roundings) and its published examples;
[doc]   Microsoft's printf documentation (VS6 .. VS2013);
[rule]  worked out by hand from the documented algorithm (the 17 significant
        digits are read off the exact value of the double, then rounded
        half-up as msvcrt does), never from running this implementation.
"""

from __future__ import annotations

import math
import struct
import sys
from pathlib import Path

import pytest

try:
    import kernel  # noqa: F401
except ImportError:  # running without the project installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kernel.dlls.msvcrt.printf import (  # noqa: E402
    ArgSource,
    ConversionError,
    FormatError,
    GuestPointerError,
    PrintfError,
    StackArgs,
    VaListArgs,
    format_printf,
    format_wprintf,
)


# --------------------------------------------------------------------------
# a tiny guest: paged memory, a string pool and a cdecl argument area
# --------------------------------------------------------------------------

PAGE = 0x1000


class Memory:
    def __init__(self) -> None:
        self.pages: dict[int, bytearray] = {}
        self.next_alloc = 0x00100000

    def map(self, addr: int, size: int) -> None:
        for page in range(addr // PAGE, (addr + size + PAGE - 1) // PAGE):
            self.pages.setdefault(page, bytearray(PAGE))

    def write(self, addr: int, data: bytes) -> None:
        self.map(addr, len(data))
        for i, b in enumerate(data):
            self.pages[(addr + i) // PAGE][(addr + i) % PAGE] = b

    def read(self, addr: int, size: int) -> bytes:
        out = bytearray()
        for i in range(size):
            page = (addr + i) // PAGE
            if page not in self.pages:
                raise MemoryError("unmapped 0x%08X" % (addr + i))
            out.append(self.pages[page][(addr + i) % PAGE])
        return bytes(out)

    def alloc(self, data: bytes) -> int:
        addr = self.next_alloc
        self.write(addr, data)
        self.next_alloc = (addr + len(data) + 0x10) & ~0xF
        return addr


class I64(int):
    """A 64-bit vararg."""


class W(str):
    """A pointer to a NUL-terminated wide string."""


class Raw(int):
    """A double given by its raw 64-bit pattern."""


class Struct(bytes):
    """A pointer to these bytes (no terminator added)."""


NULL = None
INF = float("inf")
NAN = Raw(0x7FF8000000000000)        # what C's NAN is (positive quiet NaN)
IND = Raw(0xFFF8000000000000)        # x86 "indefinite": -NaN, e.g. 0.0/0.0
SNAN = Raw(0x7FF0000000000001)

STACK = 0x00800000


def build(args) -> tuple[Memory, int]:
    mem = Memory()
    slots = bytearray()
    for a in args:
        if a is None:
            slots += b"\0\0\0\0"
        elif isinstance(a, Raw):
            slots += struct.pack("<Q", int(a))
        elif isinstance(a, I64):
            slots += struct.pack("<Q", int(a) & 0xFFFFFFFFFFFFFFFF)
        elif isinstance(a, float):
            slots += struct.pack("<d", a)
        elif isinstance(a, int):
            slots += struct.pack("<I", a & 0xFFFFFFFF)
        elif isinstance(a, W):
            slots += struct.pack("<I", mem.alloc(a.encode("utf-16-le", "surrogatepass") + b"\0\0"))
        elif isinstance(a, Struct):
            slots += struct.pack("<I", mem.alloc(bytes(a)))
        elif isinstance(a, bytes):
            slots += struct.pack("<I", mem.alloc(a + b"\0"))
        else:
            raise TypeError(a)
    mem.write(STACK, bytes(slots))
    return mem, STACK


def sprintf(fmt, *args, **kw) -> bytes:
    mem, sp = build(args)
    if isinstance(fmt, str):
        fmt = fmt.encode("latin-1")
    return format_printf(fmt, StackArgs(mem.read, sp, mem.write), **kw)


def swprintf(fmt: str, *args, **kw) -> str:
    mem, sp = build(args)
    return format_wprintf(fmt, StackArgs(mem.read, sp, mem.write), **kw)


def L(s: str) -> bytes:
    return s.encode("latin-1")


# --------------------------------------------------------------------------
# the table: (format, args, expected), printf family, "C" locale unless noted
# --------------------------------------------------------------------------

BIG = 0xFFFFFFFF * 0xFFFFFFFF          # Wine's ((ULONGLONG)0xffffffff)*0xffffffff

PRINTF_CASES = [
    # ---- [wine] integers and 64-bit prefixes
    ("%+#23.15e", (789456123.0,), "+7.894561230000000e+008"),
    ("%-#23.15e", (789456123.0,), "7.894561230000000e+008 "),
    ("%#23.15e", (789456123.0,), " 7.894561230000000e+008"),
    ("%#1.1g", (789456123.0,), "8.e+008"),
    ("%I64d", (I64(BIG),), "-8589934591"),
    ("%+8I64d", (I64(100),), "    +100"),
    ("%+.8I64d", (I64(100),), "+00000100"),
    ("%+10.8I64d", (I64(100),), " +00000100"),
    ("%_1I64d", (I64(100),), "_1I64d"),
    ("%-1.5I64d", (I64(-100),), "-00100"),
    ("%5I64d", (I64(100),), "  100"),
    ("%5I64d", (I64(-100),), " -100"),
    ("%-5I64d", (I64(100),), "100  "),
    ("%-5I64d", (I64(-100),), "-100 "),
    ("%-.5I64d", (I64(100),), "00100"),
    ("%-.5I64d", (I64(-100),), "-00100"),
    ("%-8.5I64d", (I64(100),), "00100   "),
    ("%-8.5I64d", (I64(-100),), "-00100  "),
    ("%05I64d", (I64(100),), "00100"),
    ("%05I64d", (I64(-100),), "-0100"),
    ("% I64d", (I64(100),), " 100"),
    ("% I64d", (I64(-100),), "-100"),
    ("% 5I64d", (I64(100),), "  100"),
    ("% 5I64d", (I64(-100),), " -100"),
    ("% .5I64d", (I64(100),), " 00100"),
    ("% .5I64d", (I64(-100),), "-00100"),
    ("% 8.5I64d", (I64(100),), "   00100"),
    ("% 8.5I64d", (I64(-100),), "  -00100"),
    ("%.0I64d", (I64(0),), ""),
    ("%#+21.18I64x", (I64(-100),), " 0x00ffffffffffffff9c"),
    ("%#.25I64o", (I64(-100),), "0001777777777777777777634"),
    ("%#+24.20I64o", (I64(-100),), " 01777777777777777777634"),
    ("%#+18.21I64X", (I64(-100),), "0X00000FFFFFFFFFFFFFF9C"),
    ("%#+20.24I64o", (I64(-100),), "001777777777777777777634"),
    ("%#+25.22I64u", (I64(-1),), "   0018446744073709551615"),
    ("%#+30.25I64u", (I64(-1),), "     0000018446744073709551615"),
    ("%+#25.22I64d", (I64(-1),), "  -0000000000000000000001"),
    ("%#-8.5I64o", (I64(100),), "00144   "),
    ("%#-+ 08.5I64d", (I64(100),), "+00100  "),
    ("%.80I64d", (I64(1),), "0" * 79 + "1"),
    ("% .80I64d", (I64(1),), " " + "0" * 79 + "1"),
    ("% .80d", (1,), " " + "0" * 79 + "1"),
    ("%lld", (I64(BIG),), "-8589934591"),          # "ll" works since Vista
    ("%I32d", (1,), "1"),
    ("%Ix %d", (0x123456, 1), "123456 1"),
    # ---- [wine] the parser: what is not a conversion is printed
    ("%I", (1,), "I"),
    ("%Iq", (1,), "Iq"),
    ("%Ihd", (1,), "Ihd"),
    ("%I0d", (1,), "I0d"),
    ("%I64D", (I64(-1),), "D"),
    ("%z", (1,), "z"),
    ("%t", (1,), "t"),
    ("%b", (), "b"),
    ("%3h", (), ""),
    ("%w", (-1,), ""),
    ("%h", (-1,), ""),
    ("%F", (-1,), ""),           # F is a (16-bit "far") size prefix, not %F
    ("%N", (-1,), ""),
    ("%H", (-1,), "H"),
    ("%k%m%q%r%t%v%y%z", (), "kmqrtvyz"),
    ("%w0s", (W("wide"),), "0s"),
    ("%w-s", (W("wide"),), "-s"),
    ("%%0", (), "%0"),
    ("hello", (), "hello"),
    ("%*1d", (1, 3), "          3"),
    ("%0*0d", (1, 2), "0000000002"),
    ("% *2d", (0, 7), " 7"),
    # ---- [wine] Windows 7 does not know z/t/j (the "broken" results in Wine's
    # test; the newer Windows 10 msvcrt.dll gives "1", "1", "" -- see below)
    ("%zx", (1,), "zx"),
    ("%tx", (1,), "tx"),
    ("%j", (I64(-1),), "j"),
    # ---- [wine] signs, radix, alternate forms
    ("% d", (1,), " 1"),
    ("%+ d", (1,), "+1"),
    ("%-1d", (2,), "2"),
    ("%3d", (1234,), "1234"),
    ("%-i", (-1,), "-1"),
    ("%-i", (1,), "1"),
    ("%+i", (1,), "+1"),
    ("%o", (10,), "12"),
    ("%u", (-1,), "4294967295"),
    ("%#012x", (1,), "0x0000000001"),
    ("%#012x", (0,), "000000000000"),
    ("%#04.8x", (1,), "0x00000001"),
    ("%#04.8x", (0,), "00000000"),
    ("%#-08.2x", (1,), "0x01    "),
    ("%#-08.2x", (0,), "00      "),
    ("%#.0x", (1,), "0x1"),
    ("%#.0x", (0,), ""),
    ("%#08o", (1,), "00000001"),
    ("%#o", (1,), "01"),
    ("%#o", (0,), "0"),
    ("%hx", (0x12345,), "2345"),
    ("%hhx", (0x123,), "123"),
    ("%hhx", (0x12345,), "2345"),
    # ---- [wine] pointers
    ("%p", (57,), "00000039"),
    ("%#012p", (57,), "  0X00000039"),
    ("%Fp", (57,), "00000039"),
    ("%Np", (57,), "00000039"),
    ("%#-012p", (57,), "0X00000039  "),
    ("%p", (0,), "00000000"),
    # ---- [wine] characters and strings
    ("%S", (W("wide"),), "wide"),
    ("%04c", (ord("1"),), "0001"),
    ("%-04c", (ord("1"),), "1   "),
    ("%04s", (b"foo",), "0foo"),
    ("%.1s", (b"foo",), "f"),
    ("%.*s", (1, b"foo"), "f"),
    ("%*s", (-5, b"foo"), "foo  "),
    ("%ws", (W("wide"),), "wide"),
    ("%-10ws", (W("wide"),), "wide      "),
    ("%10ws", (W("wide"),), "      wide"),
    ("%#+ -03whlls", (W("wide"),), "wide"),
    ("%ls", (W("wide"),), "wide"),
    ("%Ls", (b"not wide",), "not wide"),
    ("%3c", (ord("a"),), "  a"),
    ("%s", (NULL,), "(null)"),
    ("%s", (b"%%%%",), "%%%%"),
    ("x%cx", (0x100 + ord("X"),), "xXx"),
    ("%c", (ord("a"),), "a"),
    ("%c", (0xA082,), "\x82"),
    ("%C", (ord("a"),), "a"),
    ("%C", (0x3042,), ""),             # not convertible: nothing, call goes on
    ("a%Cb", (0x3042,), "ab"),
    # ---- [wine] floating point
    ("%2.4f", (8.6,), "8.6000"),
    ("%0f", (0.6,), "0.600000"),
    ("%.0f", (0.6,), "1"),
    ("%2.4e", (8.6,), "8.6000e+000"),
    ("% 2.4e", (8.6,), " 8.6000e+000"),
    ("% 014.4e", (8.6,), " 008.6000e+000"),
    ("% 2.4e", (-8.6,), "-8.6000e+000"),
    ("%+2.4e", (8.6,), "+8.6000e+000"),
    ("%2.4g", (8.6,), "8.6"),
    ("%lf", (IND,), "-1.#IND00"),
    ("%lf", (NAN,), "1.#QNAN0"),
    ("%lf", (INF,), "1.#INF00"),
    ("%le", (IND,), "-1.#IND00e+000"),
    ("%le", (NAN,), "1.#QNAN0e+000"),
    ("%le", (INF,), "1.#INF00e+000"),
    ("%lg", (IND,), "-1.#IND"),
    ("%lg", (NAN,), "1.#QNAN"),
    ("%lg", (INF,), "1.#INF"),
    ("%010.2lf", (IND,), "-000001.#J"),
    ("%010.2lf", (NAN,), "0000001.#R"),
    ("%010.2lf", (INF,), "0000001.#J"),
    ("%.0f", (-1.5,), "-2"),
    ("%.0f", (-0.5,), "-1"),
    ("%.0f", (0.5,), "1"),
    ("%.0f", (1.5,), "2"),
    ("%.30f", (1.0 / 3.0,), "0.333333333333333310000000000000"),
    ("%.30lf", (math.sqrt(2),), "1.414213562373095100000000000000"),
    ("%f", (3.141592653590000,), "3.141593"),
    ("%.10f", (3.141592653590000,), "3.1415926536"),
    ("%.11f", (3.141592653590000,), "3.14159265359"),
    ("%.15f", (3.141592653590000,), "3.141592653590000"),
    ("%.15f", (math.pi,), "3.141592653589793"),
    ("%.13f", (37.866261574537077,), "37.8662615745371"),
    ("%.14f", (37.866261574537077,), "37.86626157453708"),
    ("%.15f", (37.866261574537077,), "37.866261574537077"),
    ("%g", (0.0005,), "0.0005"),
    ("%g", (0.00005,), "5e-005"),
    ("%g", (0.000005,), "5e-006"),
    ("%g", (999999999999999.0,), "1e+015"),
    ("%g", (1000000000000000.0,), "1e+015"),
    ("%.15g", (0.0005,), "0.0005"),
    ("%.15g", (0.00005,), "5e-005"),
    ("%.15g", (0.000005,), "5e-006"),
    ("%.15g", (999999999999999.0,), "999999999999999"),
    ("%.15g", (1000000000000000.0,), "1e+015"),
    # ---- [vc80] two half-up roundings, 17 digits
    ("%.4f", (0.03125,), "0.0313"),
    ("%.3f", (0.0625,), "0.063"),
    ("%.3f", (Raw(0x4280000000000001),), "2199023255552.001"),
    ("%.3f", (INF,), "1.#IO"),
    ("%.4f", (NAN,), "1.#QNB"),
    ("%f", (-0.0,), "-0.000000"),
    # ---- [doc] / [rule] integers
    ("%-08d", (42,), "42      "),
    ("%08.3d", (5,), "     005"),
    ("%.3d", (-5,), "-005"),
    ("%05d", (-5,), "-0005"),
    ("%+5d", (-5,), "   -5"),
    ("%-+5d", (5,), "+5   "),
    ("% +d", (1,), "+1"),
    ("%.0d", (0,), ""),
    ("%5.0d", (0,), "     "),
    ("%+.0d", (0,), "+"),
    ("%+u", (5,), "5"),
    ("%+x", (255,), "ff"),
    ("%x", (-1,), "ffffffff"),
    ("%X", (-255,), "FFFFFF01"),
    ("%o", (-1,), "37777777777"),
    ("%#X", (255,), "0XFF"),
    ("%#5o", (8,), "  010"),
    ("%-#10x|", (255,), "0xff      |"),
    ("%d", (-2147483648,), "-2147483648"),
    ("%hd", (70000,), "4464"),
    ("%hd", (40000,), "-25536"),
    ("%hu", (-1,), "65535"),
    ("%I64d", (I64(-1),), "-1"),
    ("%lld", (I64(-1),), "-1"),
    ("%llu", (I64(-1),), "18446744073709551615"),
    ("%I64x", (I64(0x123456789ABCDEF0),), "123456789abcdef0"),
    ("%d|%I64d|%f|%s", (1, I64(2), 0.5, b"x"), "1|2|0.500000|x"),
    ("%*d", (5, 42), "   42"),
    ("%-*d|", (4, 7), "7   |"),
    ("%.*f", (2, 3.14159), "3.14"),
    ("%.*f", (-1, 3.14159), "3.141590"),      # negative precision is ignored
    ("%*.*s|", (-6, 2, b"abcdef"), "ab    |"),
    # ---- [rule] parser corners
    ("%5%", (), "%"),
    ("%5-d", (3,), "-d"),
    ("%..d", (), ".d"),
    ("abc%", (), "abc"),
    ("%y", (), "y"),
    ("%5y", (), "y"),
    ("%-5.3y", (), "y"),
    ("%ly", (), "y"),
    ("%1$d", (7,), "$d"),
    ("%Ff", (1.0,), "1.000000"),
    ("%Lf", (1.0,), "1.000000"),
    # ---- [rule] characters and strings
    ("%c", (0x141,), "A"),
    ("%c", (0,), "\0"),
    ("%-3c|", (ord("z"),), "z  |"),
    ("%5.2s", (b"abc",), "   ab"),
    ("%05s", (b"ab",), "000ab"),
    ("%-05s", (b"ab",), "ab   "),
    ("%-6s|", (b"abc",), "abc   |"),
    ("%.0s", (b"abc",), ""),
    ("%s", (b"",), ""),
    ("%.3s", (NULL,), "(nu"),
    ("%8s", (NULL,), "  (null)"),
    ("%S", (NULL,), "(null)"),
    ("%.2S", (W("wide"),), "wi"),
    ("%hs|%hS", (b"narrow", b"too"), "narrow|too"),
    ("%s", (b"caf\xe9",), "caf\xe9"),         # bytes pass through untouched
    ("%C", (0xE9,), "\xe9"),                  # "C" locale: U+00E9 -> 0xE9
    ("%S", (W("caf\u00e9"),), "caf\xe9"),
    # ---- [rule] floating point
    ("%e", (0.0,), "0.000000e+000"),
    ("%e", (1.0,), "1.000000e+000"),
    ("%e", (1e300,), "1.000000e+300"),
    ("%e", (5e-324,), "4.940656e-324"),      # smallest denormal
    ("%g", (5e-324,), "4.94066e-324"),
    ("%E", (-1234.5,), "-1.234500E+003"),
    ("%E", (12345.678,), "1.234568E+004"),
    ("%.0e", (12345.0,), "1e+004"),
    ("%.0e", (15.0,), "2e+001"),
    ("%#.0e", (12345.0,), "1.e+004"),
    ("%#.0e", (1.0,), "1.e+000"),
    ("%.2e", (9.995,), "9.99e+000"),          # 9.99499999999999921...
    ("%.2e", (9.999,), "1.00e+001"),
    ("%+.0f", (0.4,), "+0"),
    ("%+.0f", (2.5,), "+3"),
    ("%.0f", (2.5,), "3"),
    ("%#.0f", (3.0,), "3."),
    ("%.1f", (0.25,), "0.3"),
    ("%.2f", (0.125,), "0.13"),
    ("%.1f", (0.05,), "0.1"),
    ("%.1f", (0.95,), "0.9"),                 # 0.94999999999999995559...
    ("%.2f", (2.675,), "2.67"),               # 2.67499999999999982236...
    ("%.20f", (0.1,), "0.10000000000000001000"),
    ("%.25f", (1.0,), "1." + "0" * 25),
    ("%.100f", (1.5,), "1.5" + "0" * 99),
    ("%f", (1e300,), "10000000000000001" + "0" * 284 + ".000000"),
    ("%-10.3f|", (3.14159,), "3.142     |"),
    ("%010.3f", (-3.14159,), "-00003.142"),
    ("% f", (1.5,), " 1.500000"),
    ("%#.3g", (1.0,), "1.00"),
    ("%#.3g", (123.0,), "123."),
    ("%.3g", (1234.5,), "1.23e+003"),
    ("%.10g", (1.0 / 3.0,), "0.3333333333"),
    ("%.17g", (0.1,), "0.10000000000000001"),
    ("%.18g", (0.1,), "0.10000000000000001"),
    ("%g", (0.0,), "0"),
    ("%g", (-0.0,), "-0"),
    ("%#g", (0.0,), "0.000000"),
    ("%g", (100000.0,), "100000"),
    ("%g", (1000000.0,), "1e+006"),
    ("%#g", (100.0,), "100.000"),
    ("%g", (123456789.0,), "1.23457e+008"),
    ("%g", (0.0001,), "0.0001"),
    ("%g", (0.00001234,), "1.234e-005"),
    ("%G", (0.000012345,), "1.2345E-005"),
    ("%G", (1e-10,), "1E-010"),
    ("%.0g", (25.0,), "3e+001"),
    # ---- [rule] infinities and NaNs
    ("%f", (-INF,), "-1.#INF00"),
    ("%+f", (INF,), "+1.#INF00"),
    ("%.0f", (INF,), "1"),
    ("%#.0f", (INF,), "1."),
    ("%.1f", (INF,), "1.$"),
    ("%.3e", (INF,), "1.#IOe+000"),
    ("%12.3e", (INF,), "  1.#IOe+000"),
    ("%E", (IND,), "-1.#IND00E+000"),
    ("%.2g", (INF,), "1.$"),
    ("%#g", (INF,), "1.#INF0"),
    ("%f", (SNAN,), "1.#SNAN0"),
    ("%f", (Raw(0xFFF8000000000001),), "-1.#QNAN0"),
    ("%-10f|", (INF,), "1.#INF00  |"),
    # ---- [doc] %a (VS2005+: default precision 6, "p" exponent in decimal)
    ("%a", (1.0,), "0x1.000000p+0"),
    ("%a", (21.393,), "0x1.5649bap+4"),
    ("%A", (-1.5,), "-0X1.800000P+0"),
    ("%a", (0.0,), "0x0.000000p+0"),
    ("%a", (0.1,), "0x1.99999ap-4"),
    ("%.13a", (0.1,), "0x1.999999999999ap-4"),
    ("%.0a", (1.5,), "0x2p+0"),
    ("%a", (5e-324,), "0x0.000000p-1022"),
]


@pytest.mark.parametrize("fmt,args,expected", PRINTF_CASES)
def test_printf_table(fmt, args, expected):
    assert sprintf(fmt, *args, codepage="C") == L(expected)


def test_table_is_large_enough():
    assert len(PRINTF_CASES) >= 120


# --------------------------------------------------------------------------
# wprintf family
# --------------------------------------------------------------------------

WPRINTF_CASES = [
    # [wine]
    ("%+#23.15e", (789456123.0,), "+7.894561230000000e+008"),
    ("%I64d", (I64(BIG),), "-8589934591"),
    ("%S", (b"string",), "string"),
    ("%hs", (b"string",), "string"),
    # [doc] s/S/c/C swap their meaning in the wide functions
    ("%s", (W("wide"),), "wide"),
    ("%ls", (W("wide"),), "wide"),
    ("%ws", (W("wide"),), "wide"),
    ("%lS", (W("wide"),), "wide"),
    ("%c", (0x3042,), "\u3042"),
    ("%c", (0x13042,), "\u3042"),             # low 16 bits
    ("%C", (ord("a"),), "a"),
    ("%hc", (0xE9,), "\xe9"),
    ("%lc", (0x3042,), "\u3042"),
    ("%s", (NULL,), "(null)"),
    ("%S", (NULL,), "(null)"),
    ("%.3s", (NULL,), "(nu"),
    ("%5.1s", (W("abc"),), "    a"),
    ("%-5s|", (W("ab"),), "ab   |"),
    ("%05s", (W("ab"),), "000ab"),
    ("%d %x %p", (-5, 255, 57), "-5 ff 00000039"),
    ("%lf %g", (IND, INF), "-1.#IND00 1.#INF"),
    ("%y%5%", (), "y%"),
    ("%z", (), "z"),
    ("\u3042%d", (1,), "\u30421"),
]


@pytest.mark.parametrize("fmt,args,expected", WPRINTF_CASES)
def test_wprintf_table(fmt, args, expected):
    assert swprintf(fmt, *args, codepage="C") == expected


def test_wprintf_utf16_units():
    # precision counts UTF-16 units: a surrogate pair can be split
    assert swprintf("%s", W("a\U0001F600")) == "a\U0001F600"
    assert swprintf("%.2s", W("a\U0001F600")) == "a\ud83d"


# --------------------------------------------------------------------------
# code pages
# --------------------------------------------------------------------------

def test_codepage_cp1252_wide_to_narrow():
    assert sprintf("%S", W("\u20ac caf\u00e9"), codepage="cp1252") == b"\x80 caf\xe9"
    assert sprintf("%lc", 0x20AC, codepage="cp1252") == b"\x80"
    # Windows' cp1252 keeps the five undefined bytes as C1 controls
    assert sprintf("%S", W("\x81\x8d"), codepage="cp1252") == b"\x81\x8d"
    assert swprintf("%S", b"\x80\x81", codepage="cp1252") == "\u20ac\x81"


def test_codepage_932_wide_counts_units():
    # [wine] Japanese_Japan.932: %c still takes the low byte, %C converts
    assert sprintf("%c", 0xA082, codepage="cp932") == b"\x82"
    assert sprintf("%C", 0x3042, codepage="cp932") == b"\x82\xa0"
    # [rule] width and precision count UTF-16 units, not output bytes
    assert sprintf("[%5S]", W("\u3042"), codepage="cp932") == b"[    \x82\xa0]"
    assert sprintf("%.1S", W("\u3042\u3044"), codepage="cp932") == b"\x82\xa0"
    # [rule] in wprintf precision counts multibyte characters
    assert swprintf("%.3S", b"\x82\xa0\x82\xa2ab", codepage="cp932") == "\u3042\u3044a"
    assert swprintf("%4hs|", b"\x82\xa0", codepage="cp932") == "   \u3042|"


def test_unconvertible_wide_string_fails_the_call():
    # [wine] sprintf("%S", L"\x3042") returns -1 in the "C" locale
    with pytest.raises(ConversionError) as info:
        sprintf("ab%S", W("\u3042"), codepage="C")
    assert info.value.errno == 42
    assert info.value.partial == b"ab"
    # what was converted before the bad character is already out
    with pytest.raises(ConversionError) as info:
        sprintf("[%6S]", W("x\u3042y"), codepage="C")
    assert info.value.partial == b"[   x"
    assert isinstance(info.value, PrintfError)


def test_unconvertible_wide_char_is_skipped():
    assert sprintf("a%5Cb", 0x3042, codepage="C") == b"ab"
    assert sprintf("a%lcb", 0x3042, codepage="cp1252") == b"ab"


# --------------------------------------------------------------------------
# %n, options
# --------------------------------------------------------------------------

def test_percent_n_is_an_invalid_parameter():
    with pytest.raises(FormatError) as info:
        sprintf("asdf%n", 0x2000)
    assert info.value.errno == 22
    assert info.value.partial == b"asdf"


def test_percent_n_when_enabled():
    mem, sp = build([0x00200000, 0x00200010])
    mem.map(0x00200000, 0x20)
    out = format_printf(b"asdf%nxy%hn", StackArgs(mem.read, sp, mem.write), allow_n=True)
    assert out == b"asdfxy"
    assert mem.read(0x00200000, 4) == struct.pack("<I", 4)
    assert mem.read(0x00200010, 4) == struct.pack("<H", 6) + b"\0\0"


def test_windows10_size_prefixes():
    # [wine] the non-"broken" results: the Windows 10 msvcrt.dll
    assert sprintf("%zx", 1, c99_size_prefixes=True) == b"1"
    assert sprintf("%tx", 1, c99_size_prefixes=True) == b"1"
    assert sprintf("%z", 1, c99_size_prefixes=True) == b"z"
    assert sprintf("%j", I64(-1), c99_size_prefixes=True) == b""
    assert sprintf("%jd", I64(-1), c99_size_prefixes=True) == b"-1"


def test_two_digit_exponent():
    assert sprintf("%e", 1.0, two_digit_exponent=True) == b"1.000000e+00"
    assert sprintf("%g", 1e-10, two_digit_exponent=True) == b"1e-10"
    assert sprintf("%e", 1e100, two_digit_exponent=True) == b"1.000000e+100"


def test_format_stops_at_nul():
    assert sprintf(b"ab\0%d", 1) == b"ab"


def test_precision_is_capped_at_512():
    # documented buffer limit of the VC CRT output code (MAXPRECISION)
    assert sprintf("%.600d", 1) == b"0" * 511 + b"1"
    assert sprintf("%.600f", 1.0) == b"1." + b"0" * 512


def test_hex_float_alternate_zero_precision():
    # implementation choice (not confirmed on Windows 7): the point is kept
    assert sprintf("%#.0a", 1.0) == b"0x1.p+0"
    assert sprintf("%016a", -1.0) == b"-0x001.000000p+0"


# --------------------------------------------------------------------------
# %Z counted strings
# --------------------------------------------------------------------------

def _counted(mem: Memory, data: bytes) -> bytes:
    buf = mem.alloc(data + b"!!")           # no terminator needed
    return struct.pack("<HHI", len(data), len(data) + 2, buf)


def test_counted_strings():
    mem = Memory()
    ansi = mem.alloc(_counted(mem, b"hello"))
    uni = mem.alloc(_counted(mem, "wide".encode("utf-16-le")))
    empty_buffer = mem.alloc(struct.pack("<HHI", 3, 3, 0))
    slots = struct.pack("<IIIII", ansi, uni, 0, empty_buffer, ansi)
    mem.write(STACK, slots)
    args = StackArgs(mem.read, STACK)
    out = format_printf(b"%Z|%wZ|%Z|%Z|%-7.2Z|", args)
    assert out == b"hello|wide|(null)|(null)|hello  |"


# --------------------------------------------------------------------------
# the argument sources
# --------------------------------------------------------------------------

def test_stack_args_layout():
    mem = Memory()
    mem.write(0x5000, struct.pack("<IQdI", 0xFFFFFFFE, 0x1122334455667788, 2.5, 7))
    args = StackArgs(mem.read, 0x5000)
    assert isinstance(args, ArgSource)
    assert args.int32() == 0xFFFFFFFE
    assert args.int64() == 0x1122334455667788
    assert args.double() == 2.5
    assert args.int32() == 7
    assert args.sp == 0x5000 + 4 + 8 + 8 + 4


def test_va_list_args_is_a_stack_reader():
    mem, sp = build([1, I64(2), 3.5, b"s"])
    out = format_printf(b"%d %I64d %g %s", VaListArgs(mem.read, sp))
    assert out == b"1 2 3.5 s"


def test_string_ending_at_unmapped_page():
    mem = Memory()
    mem.map(0x10000, PAGE)                      # 0x11000 is not mapped
    mem.write(0x10FFC, b"abc\0")
    mem.write(0x20FFE, "x\0".encode("utf-16-le"))
    mem.write(0x30000, struct.pack("<II", 0x10FFC, 0x20FFE))
    assert format_printf(b"%s%S", StackArgs(mem.read, 0x30000)) == b"abcx"


def test_unreadable_string_pointer():
    mem, sp = build([0xDEAD0000])
    with pytest.raises(GuestPointerError) as info:
        format_printf(b"x%s", StackArgs(mem.read, sp))
    assert info.value.address == 0xDEAD0000
    assert info.value.partial == b"x"


def test_nan_payload_comes_from_raw_bits():
    class Plain:
        """An ArgSource without double_bits(): NaN bits via float."""

        def __init__(self, values):
            self.values = list(values)

        def int32(self):
            return self.values.pop(0)

        def int64(self):
            return self.values.pop(0)

        def double(self):
            return self.values.pop(0)

        def cstr(self, ptr):
            return None

        def wstr(self, ptr):
            return None

        def store_int(self, ptr, value, size):
            pass

    ind = struct.unpack("<d", struct.pack("<Q", 0xFFF8000000000000))[0]
    assert format_printf(b"%f %f", Plain([ind, 1.25])) == b"-1.#IND00 1.250000"
