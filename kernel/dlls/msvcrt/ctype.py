"""ctype.h and wctype.h: character classification through the table `_pctype` points to (the "C"
locale's until setlocale changes it), as msvcrt's macros and functions both read it."""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import INT, WCHAR
from ...nls.locale import ctype1, lower, upper
from .crt import crt

_UPPER, _LOWER, _DIGIT, _SPACE, _PUNCT, _CONTROL, _BLANK, _HEX, _ALPHA = \
    0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x103


def ctype_bits(ctx, c: int) -> int:
    """_pctype[c] for c in -1..255 (0 outside), read from guest memory."""
    c = c if c < 0x80000000 else c - (1 << 32)
    if not -1 <= c <= 255:
        return 0
    table = ctx.read_u32(crt(ctx).var["_pctype"])
    return struct.unpack("<H", ctx.read(table + 2 * c, 2))[0]


def _classifier(name: str, mask: int):
    def fn(ctx, c: INT) -> INT:
        return ctype_bits(ctx, c) & mask
    fn.__name__ = name
    fn.__qualname__ = name
    return export(fn, name=name, conv="cdecl")


isalpha = _classifier("isalpha", _ALPHA)
isupper = _classifier("isupper", _UPPER)
islower = _classifier("islower", _LOWER)
isdigit = _classifier("isdigit", _DIGIT)
isxdigit = _classifier("isxdigit", _HEX)
isspace = _classifier("isspace", _SPACE)
ispunct = _classifier("ispunct", _PUNCT)
isalnum = _classifier("isalnum", _ALPHA | _DIGIT)
isprint = _classifier("isprint", _BLANK | _PUNCT | _ALPHA | _DIGIT)
isgraph = _classifier("isgraph", _PUNCT | _ALPHA | _DIGIT)
iscntrl = _classifier("iscntrl", _CONTROL)
for _f in (isalpha, isupper, islower, isdigit, isxdigit, isspace, ispunct, isalnum, isprint, isgraph, iscntrl):
    _f.__module__ = __name__
del _f


@export(conv="cdecl")
def _isctype(ctx, c: INT, mask: INT) -> INT:
    return ctype_bits(ctx, c) & mask


@export(conv="cdecl")
def __isascii(ctx, c: INT) -> INT:
    return int(0 <= c < 0x80)


@export(conv="cdecl")
def __toascii(ctx, c: INT) -> INT:
    return c & 0x7F


def _locale_set(ctx) -> bool:
    return crt(ctx).locale_name != "C"


@export(conv="cdecl")
def toupper(ctx, c: INT) -> INT:
    if 97 <= c <= 122:
        return c - 32
    if _locale_set(ctx) and 0x80 <= c <= 0xFF and ctype_bits(ctx, c) & _LOWER:
        u = upper(ord(bytes([c]).decode("cp1252", "replace")))
        try:
            return chr(u).encode("cp1252")[0]
        except UnicodeEncodeError:
            return c
    return c


@export(conv="cdecl")
def tolower(ctx, c: INT) -> INT:
    if 65 <= c <= 90:
        return c + 32
    if _locale_set(ctx) and 0x80 <= c <= 0xFF and ctype_bits(ctx, c) & _UPPER:
        u = lower(ord(bytes([c]).decode("cp1252", "replace")))
        try:
            return chr(u).encode("cp1252")[0]
        except UnicodeEncodeError:
            return c
    return c


@export(conv="cdecl")
def _toupper(ctx, c: INT) -> INT:
    return c - 32


@export(conv="cdecl")
def _tolower(ctx, c: INT) -> INT:
    return c + 32


# -- wide ------------------------------------------------------------------------------------------
def wctype_bits(c: int) -> int:
    return ctype1(c & 0xFFFF) & 0x1FF if c != 0xFFFF else 0


def _wclassifier(name: str, mask: int):
    def fn(ctx, c: WCHAR) -> INT:
        return wctype_bits(c) & mask
    fn.__name__ = name
    fn.__qualname__ = name
    return export(fn, name=name, conv="cdecl")


iswalpha = _wclassifier("iswalpha", _ALPHA)
iswupper = _wclassifier("iswupper", _UPPER)
iswlower = _wclassifier("iswlower", _LOWER)
iswdigit = _wclassifier("iswdigit", _DIGIT)
iswxdigit = _wclassifier("iswxdigit", _HEX)
iswspace = _wclassifier("iswspace", _SPACE)
iswpunct = _wclassifier("iswpunct", _PUNCT)
iswalnum = _wclassifier("iswalnum", _ALPHA | _DIGIT)
iswprint = _wclassifier("iswprint", _BLANK | _PUNCT | _ALPHA | _DIGIT)
iswgraph = _wclassifier("iswgraph", _PUNCT | _ALPHA | _DIGIT)
iswcntrl = _wclassifier("iswcntrl", _CONTROL)
for _f in (iswalpha, iswupper, iswlower, iswdigit, iswxdigit, iswspace, iswpunct, iswalnum, iswprint, iswgraph,
           iswcntrl):
    _f.__module__ = __name__
del _f


@export(conv="cdecl")
def iswctype(ctx, c: WCHAR, desc: INT) -> INT:
    return wctype_bits(c) & desc


@export(conv="cdecl")
def is_wctype(ctx, c: WCHAR, desc: INT) -> INT:
    return wctype_bits(c) & desc


@export(conv="cdecl")
def towupper(ctx, c: WCHAR) -> WCHAR:
    c &= 0xFFFF
    if 97 <= c <= 122:
        return c - 32
    return upper(c) if _locale_set(ctx) else c


@export(conv="cdecl")
def towlower(ctx, c: WCHAR) -> WCHAR:
    c &= 0xFFFF
    if 65 <= c <= 90:
        return c + 32
    return lower(c) if _locale_set(ctx) else c
