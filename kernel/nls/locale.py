"""Locale data of the emulated system: one installed locale, English (United States), LCID 0x0409,
ANSI code page 1252, OEM code page 437; character types (CT_CTYPE1) and the simple case mappings
and comparisons LCMapString / CompareString need.

Character types are derived from the Unicode character database (Python's unicodedata), with the
Windows conventions: C1_PUNCT covers punctuation *and* symbols, C1_DIGIT includes the superscript
digits (U+00B2 U+00B3 U+00B9), C1_SPACE is 0x09..0x0D and the Unicode separators, C1_BLANK tab
and the space separators.
"""
from __future__ import annotations

import unicodedata

LOCALE_NEUTRAL, LOCALE_INVARIANT = 0x0000, 0x007F
LOCALE_USER_DEFAULT, LOCALE_SYSTEM_DEFAULT = 0x0400, 0x0800
EN_US = 0x0409

LOCALE_NOUSEROVERRIDE, LOCALE_USE_CP_ACP, LOCALE_RETURN_NUMBER = 0x80000000, 0x40000000, 0x20000000

C1_UPPER, C1_LOWER, C1_DIGIT, C1_SPACE, C1_PUNCT = 0x1, 0x2, 0x4, 0x8, 0x10
C1_CNTRL, C1_BLANK, C1_XDIGIT, C1_ALPHA, C1_DEFINED = 0x20, 0x40, 0x80, 0x100, 0x200

_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]

# LCTYPE -> value for en-US (Windows 7)
EN_US_INFO = {
    0x0001: "0409", 0x0002: "English (United States)", 0x0003: "ENU", 0x0004: "English",
    0x0005: "1", 0x0006: "United States", 0x0007: "USA", 0x0008: "United States",
    0x0009: "0409", 0x000A: "1", 0x000B: "437", 0x000C: ",", 0x000D: "1", 0x000E: ".",
    0x000F: ",", 0x0010: "3;0", 0x0011: "2", 0x0012: "1", 0x0013: "0123456789", 0x0014: "$",
    0x0015: "USD", 0x0016: ".", 0x0017: ",", 0x0018: "3;0", 0x0019: "2", 0x001A: "2",
    0x001B: "0", 0x001C: "0", 0x001D: "/", 0x001E: ":", 0x001F: "M/d/yyyy",
    0x0020: "dddd, MMMM dd, yyyy", 0x0021: "0", 0x0022: "0", 0x0023: "0", 0x0024: "1",
    0x0025: "0", 0x0026: "0", 0x0027: "0", 0x0028: "AM", 0x0029: "PM",
    0x0050: "", 0x0051: "-", 0x0052: "0", 0x0053: "1", 0x0054: "0", 0x0055: "0", 0x0056: "0",
    0x0057: "1", 0x0058: "1", 0x0059: "en", 0x005A: "US", 0x005C: "en-US",
    0x005D: "1", 0x0067: "USD", 0x0068: "US Dollar", 0x0069: "US Dollar",
    0x006E: "English", 0x0070: "1", 0x0072: "English (United States)",
    0x1001: "English", 0x1002: "United States", 0x1003: "h:mm:ss tt", 0x1004: "1252",
    0x1005: "0", 0x1007: "United States", 0x1009: "1", 0x100B: "0", 0x100C: "6", 0x100D: "0",
    0x1010: "1", 0x1011: "10000", 0x1012: "037", 0x1014: "0", 0x1015: "0", 0x1016: "0",
    0x1019: "0",
}
EN_US_INFO.update({0x002A + i: d for i, d in enumerate(_DAYS)})
EN_US_INFO.update({0x0031 + i: d[:3] for i, d in enumerate(_DAYS)})
EN_US_INFO.update({0x0038 + i: m for i, m in enumerate(_MONTHS)})
EN_US_INFO.update({0x0044 + i: m[:3] for i, m in enumerate(_MONTHS)})
EN_US_INFO[0x100E] = ""            # LOCALE_SMONTHNAME13
EN_US_INFO[0x100F] = ""            # LOCALE_SABBREVMONTHNAME13

INVARIANT_OVERRIDES = {
    0x0001: "007f", 0x0002: "Invariant Language (Invariant Country)", 0x0003: "IVL",
    0x0004: "Invariant Language", 0x0005: "0", 0x0006: "Invariant Country", 0x0007: "IVC",
    0x0008: "Invariant Country", 0x0009: "007f", 0x000A: "0", 0x0014: "\u00a4", 0x0015: "XDR",
    0x001F: "MM/dd/yyyy", 0x0020: "dddd, dd MMMM yyyy", 0x1003: "HH:mm:ss", 0x0023: "1",
    0x0025: "1", 0x0026: "1", 0x0027: "1", 0x0059: "iv", 0x005A: "IV", 0x005C: "",
    0x1001: "Invariant Language", 0x1002: "Invariant Country", 0x100C: "0",
}


def resolve_lcid(lcid: int) -> int | None:
    """The locale an LCID names here: 0x0409 (also for the default/neutral LCIDs) or 0x007F."""
    if lcid in (EN_US, LOCALE_USER_DEFAULT, LOCALE_SYSTEM_DEFAULT, LOCALE_NEUTRAL, 0x0009):
        return EN_US
    if lcid == LOCALE_INVARIANT:
        return LOCALE_INVARIANT
    return None


def is_valid_locale(lcid: int) -> bool:
    return lcid in (EN_US, LOCALE_INVARIANT)


def locale_info(lcid: int, lctype: int) -> str | None:
    """GetLocaleInfo's string for lctype (flags already removed), None if the LCTYPE is unknown."""
    value = EN_US_INFO.get(lctype)
    if value is None:
        return None
    if lcid == LOCALE_INVARIANT:
        return INVARIANT_OVERRIDES.get(lctype, value)
    return value


def ctype1(unit: int) -> int:
    """CT_CTYPE1 bits of one UTF-16 unit."""
    if 0xD800 <= unit <= 0xDFFF:
        return 0
    ch = chr(unit)
    cat = unicodedata.category(ch)
    if cat == "Cn":
        return 0
    bits = C1_DEFINED
    if cat == "Lu":
        bits |= C1_UPPER | C1_ALPHA
    elif cat == "Ll":
        bits |= C1_LOWER | C1_ALPHA
    elif cat[0] == "L":
        bits |= C1_ALPHA
    if cat == "Nd" or unit in (0xB2, 0xB3, 0xB9):
        bits |= C1_DIGIT
    if 0x09 <= unit <= 0x0D or cat in ("Zs", "Zl", "Zp"):
        bits |= C1_SPACE
    if unit == 0x09 or cat == "Zs":
        bits |= C1_BLANK
    if cat[0] in "PS":
        bits |= C1_PUNCT
    if cat == "Cc":
        bits |= C1_CNTRL
    if ch in "0123456789ABCDEFabcdef" or 0xFF10 <= unit <= 0xFF19 or 0xFF21 <= unit <= 0xFF26 \
            or 0xFF41 <= unit <= 0xFF46:
        bits |= C1_XDIGIT
    return bits


def upper(unit: int) -> int:
    """Simple (one-to-one) upper-case mapping of a UTF-16 unit, as LCMAP_UPPERCASE does."""
    if 0xD800 <= unit <= 0xDFFF:
        return unit
    u = chr(unit).upper()
    return ord(u) if len(u) == 1 and ord(u) <= 0xFFFF else unit


def lower(unit: int) -> int:
    if 0xD800 <= unit <= 0xDFFF:
        return unit
    u = chr(unit).lower()
    return ord(u) if len(u) == 1 and ord(u) <= 0xFFFF else unit


NORM_IGNORECASE, NORM_IGNORENONSPACE, NORM_IGNORESYMBOLS = 0x1, 0x2, 0x4
SORT_STRINGSORT, NORM_IGNOREKANATYPE, NORM_IGNOREWIDTH = 0x1000, 0x10000, 0x20000
LINGUISTIC_IGNORECASE, LINGUISTIC_IGNOREDIACRITIC = 0x10, 0x20
LCMAP_LOWERCASE, LCMAP_UPPERCASE, LCMAP_SORTKEY, LCMAP_BYTEREV = 0x100, 0x200, 0x400, 0x800


def _collation_key(text: str, flags: int) -> tuple:
    """A sort key approximating Windows' default collation: letters compare alphabetically
    ignoring case first (upper case sorts after lower case at equal letters), punctuation and
    symbols sort before digits and letters, and (without SORT_STRINGSORT) the hyphen and the
    apostrophe are ignored at the first level ("word sort")."""
    primary, tertiary = [], []
    for ch in text:
        base = ch
        if flags & NORM_IGNORENONSPACE:
            base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)) or ch
        if flags & NORM_IGNORESYMBOLS and unicodedata.category(ch)[0] in "PSZ":
            continue
        if not flags & SORT_STRINGSORT and ch in "-'":
            continue
        cat = unicodedata.category(ch)
        group = 0 if cat[0] in "PSZC" else (1 if cat[0] == "N" else 2)
        primary.append((group, base.lower()))
        tertiary.append(0 if flags & NORM_IGNORECASE or not ch.isupper() else 1)
    return (primary, tertiary)


def compare_strings(a: str, b: str, flags: int) -> int:
    """CompareString's result: 1 (less), 2 (equal), 3 (greater)."""
    ka, kb = _collation_key(a, flags), _collation_key(b, flags)
    if ka == kb:
        if flags & (NORM_IGNORECASE | NORM_IGNORENONSPACE | NORM_IGNORESYMBOLS) or a == b:
            return 2
        # word-sort ties: the string with fewer ignored hyphens/apostrophes first, then code points
        ka, kb = (ka, sum(a.count(c) for c in "-'"), a), (kb, sum(b.count(c) for c in "-'"), b)
    return 1 if ka < kb else 3


def sort_key(text: str, flags: int) -> bytes:
    """LCMAP_SORTKEY: a byte string whose memcmp order is compare_strings' order (not Windows' bytes)."""
    primary, tertiary = _collation_key(text, flags)
    out = bytearray()
    for group, s in primary:
        for ch in s:
            out += bytes([group + 2]) + ord(ch).to_bytes(3, "big")
    out += b"\x01"
    out += bytes(t + 2 for t in tertiary)
    out += b"\x01\x00"
    return bytes(out)
