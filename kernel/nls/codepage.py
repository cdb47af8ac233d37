"""Code-page conversions as Windows 7's MultiByteToWideChar / WideCharToMultiByte do them.

Supported code pages: 1252 (ANSI, Latin 1: the system ACP of the en-US profile), 437 (OEM, United
States: the OEMCP) and 65001 (UTF-8).  CP_ACP and CP_THREAD_ACP mean 1252, CP_OEMCP 437.

Mappings come from Python's codecs, corrected where Windows' tables differ:

* 1252: the five bytes Python leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) map to the C1 controls of
  the same value, both ways (Windows' table defines them; MB_ERR_INVALID_CHARS does not reject them);
* 437: MB_USEGLYPHCHARS maps 0x01..0x1F and 0x7F to the IBM PC glyphs (U+263A ...);
* WideCharToMultiByte uses Windows' *best fit* mappings unless WC_NO_BEST_FIT_CHARS: Latin
  Extended-A letters lose their accents (U+0100 -> 'A'), typographic spaces and dashes, fullwidth
  ASCII ... (a subset of Microsoft's bestfit1252.txt WCTABLE, see `_BEST_FIT_1252`); a best-fit
  character is not "the default character" (lpUsedDefaultChar stays FALSE);
* UTF-8 (Vista and later, so Windows 7): an invalid byte sequence becomes U+FFFD (one per maximal
  invalid subpart: "\\xC0AB" -> U+FFFD 'A' 'B', "\\xFF\\xFF" -> two U+FFFD), or the call fails with
  ERROR_NO_UNICODE_TRANSLATION under MB_ERR_INVALID_CHARS; a lone surrogate becomes EF BF BD, or
  fails under WC_ERR_INVALID_CHARS.

The two entry points take the already-read source and return what the API writes and returns, so
the kernel32 handlers only move bytes:

    multi_byte_to_wide_char(cp, flags, src, src_len, dst_size, dst_null) -> Result
    wide_char_to_multi_byte(cp, flags, units, src_len, dst_size, dst_null, default, want_used) -> Result
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CP_ACP, CP_OEMCP, CP_MACCP, CP_THREAD_ACP = 0, 1, 2, 3
CP_SYMBOL = 42
CP_UTF7, CP_UTF8 = 65000, 65001
ACP, OEMCP = 1252, 437

ERROR_INVALID_PARAMETER = 87
ERROR_INSUFFICIENT_BUFFER = 122
ERROR_INVALID_FLAGS = 1004
ERROR_NO_UNICODE_TRANSLATION = 1113

MB_PRECOMPOSED, MB_COMPOSITE, MB_USEGLYPHCHARS, MB_ERR_INVALID_CHARS = 0x1, 0x2, 0x4, 0x8
WC_DISCARDNS, WC_SEPCHARS, WC_DEFAULTCHAR = 0x10, 0x20, 0x40
WC_ERR_INVALID_CHARS, WC_COMPOSITECHECK, WC_NO_BEST_FIT_CHARS = 0x80, 0x200, 0x400

SUPPORTED = (437, 1252, 65001)

NAMES = {
    1252: "1252  (ANSI - Latin I)",
    437: "437   (OEM - United States)",
    65001: "65001 (UTF-8)",
}

_CP1252_HOLES = (0x81, 0x8D, 0x8F, 0x90, 0x9D)

# MB_USEGLYPHCHARS of code page 437: the IBM PC glyphs of the control range
_GLYPHS_437 = dict(zip(list(range(1, 32)) + [0x7F], [
    0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022, 0x25D8, 0x25CB, 0x25D9, 0x2642, 0x2640,
    0x266A, 0x266B, 0x263C, 0x25BA, 0x25C4, 0x2195, 0x203C, 0x00B6, 0x00A7, 0x25AC, 0x21A8, 0x2191,
    0x2193, 0x2192, 0x2190, 0x221F, 0x2194, 0x25B2, 0x25BC, 0x2302]))

# Best fit of code page 1252 (from Microsoft's bestfit1252.txt, WCTABLE): U+0100..U+017F and
# U+2000..U+203A (and a few of U+2044..U+20A7), as strings of target bytes ('?' = no best fit), plus fullwidth ASCII.
_BF_0100 = (b"AaAaAaCcCcCcCcDd" b"\xd0dEeEeEeEeEeGgGg" b"GgGgHhHhIiIiIiIi" b"Ii??JjKk?LlLlLl?"
            b"?LlNnNnNn???OoOo" b"Oo\x8c\x9cRrRrRrSsSsSs" b"\x8a\x9aTtTtTtUuUuUuUu" b"UuUuWwYy\x9fZzZz\x8e\x9e?")
_BF_2000 = (b"       ?????????" b"--?\x96\x97??=\x91\x92\x82?\x93\x94\x84?" b"\x86\x87\x95?\xb7?\x85?????????"
            b"\x89?'??`????\x8b\x9b")


def _best_fit_1252() -> dict[int, int]:
    table = {}
    for base, text in ((0x100, _BF_0100), (0x2000, _BF_2000)):
        for i, b in enumerate(text):
            if b != 0x3F:
                table[base + i] = b
    for u in range(0xFF01, 0xFF5F):          # fullwidth ASCII
        table[u] = u - 0xFF01 + 0x21
    table.update({0x2044: 0x2F, 0x2070: 0xB0, 0x207F: 0x6E, 0x20A1: 0xA2, 0x20A4: 0xA3, 0x20A7: 0x50})
    table.update({0x2074 + i: 0x34 + i for i in range(5)})          # superscript 4..8
    table.update({0x2080 + i: 0x30 + i for i in range(10)})         # subscript 0..9
    return table


_BEST_FIT_1252 = _best_fit_1252()


def _build_tables(codepage: int) -> tuple[list[int], dict[int, int]]:
    """(byte -> UTF-16 unit, UTF-16 unit -> byte) of a single-byte code page."""
    codec = {1252: "cp1252", 437: "cp437"}[codepage]
    to_wc = []
    for b in range(256):
        try:
            to_wc.append(ord(bytes([b]).decode(codec)))
        except UnicodeDecodeError:
            to_wc.append(b)                  # the 1252 holes: C1 controls
    to_mb = {}
    for b, u in enumerate(to_wc):
        to_mb.setdefault(u, b)
    return to_wc, to_mb


_TABLES = {cp: _build_tables(cp) for cp in (1252, 437)}


def resolve_codepage(codepage: int) -> int | None:
    """CP_ACP/CP_OEMCP/CP_THREAD_ACP to the real code page; None for one this system lacks."""
    cp = {CP_ACP: ACP, CP_THREAD_ACP: ACP, CP_OEMCP: OEMCP}.get(codepage, codepage)
    return cp if cp in SUPPORTED else None


def is_valid_codepage(codepage: int) -> bool:
    """IsValidCodePage: only real code pages (not CP_ACP & co)."""
    return codepage in SUPPORTED


@dataclass
class Result:
    """What the API does: `output` is written to the buffer (all of it, or what fits when the buffer
    is too small), `value` is returned, `error` (if not None) is the last error to set."""
    output: bytes | list
    value: int
    error: int | None = None
    used_default: bool | None = None


def _fail(error: int) -> Result:
    return Result(b"", 0, error)


# -- MultiByteToWideChar ---------------------------------------------------------------------------
def decode(codepage: int, flags: int, data: bytes) -> list[int]:
    """Bytes to UTF-16 units; raises ValueError (ERROR_NO_UNICODE_TRANSLATION) if MB_ERR_INVALID_CHARS
    and an invalid sequence is met."""
    if codepage == CP_UTF8:
        strict = bool(flags & MB_ERR_INVALID_CHARS)
        try:
            text = data.decode("utf-8", "strict" if strict else "replace")
        except UnicodeDecodeError:
            raise ValueError("invalid UTF-8") from None
        return _units(text)
    to_wc, _ = _TABLES[codepage]
    out = []
    for b in data:
        if codepage == 437 and flags & MB_USEGLYPHCHARS and b in _GLYPHS_437:
            out.append(_GLYPHS_437[b])
        else:
            out.append(to_wc[b])
    if flags & MB_COMPOSITE:
        out = _units("".join(unicodedata.normalize("NFD", chr(u)) if u < 0xD800 or u > 0xDFFF else chr(u)
                             for u in out))
    return out


def _units(text: str) -> list[int]:
    raw = text.encode("utf-16-le", "surrogatepass")
    return [raw[i] | raw[i + 1] << 8 for i in range(0, len(raw), 2)]


def multi_byte_to_wide_char(codepage: int, flags: int, src: bytes | None, src_len: int,
                            dst_size: int, dst_null: bool) -> Result:
    """`src` holds the bytes to convert (with the terminator when src_len < 0, as the caller read
    them); `src_len` is the argument as given (to check 0), `dst_size` the cchWideChar argument."""
    if src is None or src_len == 0 or dst_size < 0 or (dst_null and dst_size):
        return _fail(ERROR_INVALID_PARAMETER)
    cp = resolve_codepage(codepage)
    if cp is None:
        return _fail(ERROR_INVALID_PARAMETER)
    if cp == CP_UTF8:
        if flags & ~MB_ERR_INVALID_CHARS:
            return _fail(ERROR_INVALID_FLAGS)
    elif flags & ~(MB_PRECOMPOSED | MB_COMPOSITE | MB_USEGLYPHCHARS | MB_ERR_INVALID_CHARS) or \
            flags & (MB_PRECOMPOSED | MB_COMPOSITE) == (MB_PRECOMPOSED | MB_COMPOSITE):
        return _fail(ERROR_INVALID_FLAGS)
    try:
        units = decode(cp, flags, src)
    except ValueError:
        return _fail(ERROR_NO_UNICODE_TRANSLATION)
    if dst_size == 0:
        return Result([], len(units))
    if len(units) > dst_size:
        return Result(units[:dst_size], 0, ERROR_INSUFFICIENT_BUFFER)
    return Result(units, len(units))


# -- WideCharToMultiByte ---------------------------------------------------------------------------
def _best_fit(cp: int, unit: int) -> int | None:
    if cp == 1252:
        return _BEST_FIT_1252.get(unit)
    reverse_glyph = {v: k for k, v in _GLYPHS_437.items()}
    if unit in reverse_glyph:
        return reverse_glyph[unit]
    b = _BEST_FIT_1252.get(unit)
    return b if b is not None and b < 0x80 else None


def encode(codepage: int, flags: int, units: list[int], default: int | None = None) -> tuple[bytes, bool]:
    """UTF-16 units to bytes: (bytes, used the default character).  UTF-8 raises ValueError for a
    lone surrogate under WC_ERR_INVALID_CHARS."""
    if codepage == CP_UTF8:
        out = bytearray()
        i = 0
        while i < len(units):
            u = units[i]
            if 0xD800 <= u <= 0xDBFF and i + 1 < len(units) and 0xDC00 <= units[i + 1] <= 0xDFFF:
                out += chr(0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00)).encode("utf-8")
                i += 2
                continue
            if 0xD800 <= u <= 0xDFFF:
                if flags & WC_ERR_INVALID_CHARS:
                    raise ValueError("lone surrogate")
                out += "\uFFFD".encode("utf-8")
            else:
                out += chr(u).encode("utf-8")
            i += 1
        return bytes(out), False
    _, to_mb = _TABLES[codepage]
    default = 0x3F if default is None else default
    used = False
    out = bytearray()
    i = 0
    n = len(units)
    while i < n:
        u = units[i]
        if flags & WC_COMPOSITECHECK and i + 1 < n and unicodedata.combining(chr(units[i + 1])) \
                and not 0xD800 <= u <= 0xDFFF:
            composed = unicodedata.normalize("NFC", chr(u) + chr(units[i + 1]))
            if len(composed) == 1 and ord(composed) in to_mb:
                out.append(to_mb[ord(composed)])
                i += 2
                continue
            if flags & WC_DISCARDNS:
                out.append(to_mb.get(u, default))
                used |= u not in to_mb
                i += 2
                continue
            if flags & WC_DEFAULTCHAR:
                out.append(default)
                used = True
                i += 2
                continue
        b = to_mb.get(u)
        if b is None and not flags & WC_NO_BEST_FIT_CHARS:
            b = _best_fit(codepage, u)
        if b is None:
            b = default
            used = True
        out.append(b)
        i += 1
    return bytes(out), used


def wide_char_to_multi_byte(codepage: int, flags: int, units: list[int] | None, src_len: int,
                            dst_size: int, dst_null: bool, default_char: int | None = None,
                            has_default: bool = False, has_used: bool = False) -> Result:
    """`units` holds the UTF-16 units to convert (with the terminator when src_len < 0);
    `default_char` is the byte lpDefaultChar points to (has_default: the pointer is not NULL);
    has_used: lpUsedDefaultChar is not NULL.  Result.used_default is what to store there."""
    if units is None or src_len == 0 or dst_size < 0 or (dst_null and dst_size):
        return _fail(ERROR_INVALID_PARAMETER)
    cp = resolve_codepage(codepage)
    if codepage in (CP_UTF7, CP_UTF8, CP_SYMBOL) and (has_default or has_used):
        return _fail(ERROR_INVALID_PARAMETER)
    if cp is None:
        return _fail(ERROR_INVALID_PARAMETER)
    if cp == CP_UTF8:
        if flags & ~WC_ERR_INVALID_CHARS:
            return _fail(ERROR_INVALID_FLAGS)
    elif flags & ~(WC_COMPOSITECHECK | WC_DISCARDNS | WC_SEPCHARS | WC_DEFAULTCHAR | WC_NO_BEST_FIT_CHARS):
        return _fail(ERROR_INVALID_FLAGS)
    try:
        data, used = encode(cp, flags, units, default_char if has_default else None)
    except ValueError:
        return _fail(ERROR_NO_UNICODE_TRANSLATION)
    used_default = used if has_used else None
    if dst_size == 0:
        return Result(b"", len(data), None, used_default)
    if len(data) > dst_size:
        return Result(data[:dst_size], 0, ERROR_INSUFFICIENT_BUFFER, used_default)
    return Result(data, len(data), None, used_default)


def cp_info(codepage: int) -> tuple[int, bytes, bytes, int, str] | None:
    """GetCPInfoEx: (MaxCharSize, DefaultChar[2], LeadByte[12], UnicodeDefaultChar, name) or None."""
    cp = resolve_codepage(codepage)
    if cp is None:
        return None
    return (4 if cp == CP_UTF8 else 1), b"?\0", b"\0" * 12, 0x3F, NAMES[cp]
