"""locale.h: setlocale with the "C" locale and the system's ("" or ".1252": English_United
States.1252); the classification table `_pctype` points to follows the LC_CTYPE locale."""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import INT, LPCSTR, LPCWSTR, PVOID
from ...nls.locale import ctype1
from .crt import crt

SYSTEM_LOCALE = "English_United States.1252"
_ALIASES = {"c": "C", "": SYSTEM_LOCALE, ".1252": SYSTEM_LOCALE, ".acp": SYSTEM_LOCALE,
            "english": SYSTEM_LOCALE, "english_united states": SYSTEM_LOCALE,
            "english_united states.1252": SYSTEM_LOCALE, "english_usa.1252": SYSTEM_LOCALE,
            "american": SYSTEM_LOCALE, "american english": SYSTEM_LOCALE, "en-us": SYSTEM_LOCALE,
            "english_us": SYSTEM_LOCALE, "usa": SYSTEM_LOCALE}
LC_ALL, LC_MAX = 0, 5


def _table_1252() -> bytes:
    """The 1252 locale's _ctype table: GetStringTypeA's CT_CTYPE1 of every byte (C1_DEFINED dropped)."""
    table = [0] + [ctype1(ord(bytes([b]).decode("cp1252", "replace")) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                          else b) & 0x1FF for b in range(256)]
    return struct.pack("<257H", *table)


def pctype_table(ctx, name: str) -> int:
    """The _pctype array (entry 0 is the character 0) of a locale: the CRT's own _ctype for "C", else the
    1252 table, made in the CRT heap once."""
    state = crt(ctx)
    if name == "C":
        return state.var["_ctype"] + 2
    table = getattr(state, "table_1252", None)
    if table is None:
        table = state.table_1252 = state.heap.allocate(514)
        ctx.write(table, _table_1252())
    return table + 2


def _apply(ctx, name: str) -> None:
    state = crt(ctx)
    ctx.write_u32(state.var["_pctype"], pctype_table(ctx, name))
    state.locale_name = name


def set_locale(ctx, category: int, locale: str | None, wide: bool) -> int:
    state = crt(ctx)
    if not LC_ALL <= category <= LC_MAX:
        return 0
    if locale is not None:
        name = _ALIASES.get(locale.strip().lower())
        if name is None:
            return 0
        if category in (LC_ALL, 2):         # LC_ALL, LC_CTYPE
            _apply(ctx, name)
        state.locale_name = name if category in (LC_ALL, 2) else state.locale_name
        for cat in (range(1, 6) if category == LC_ALL else [category]):
            state.categories[cat] = name
    cats = state.categories
    if category == LC_ALL:
        names = [cats.get(c, "C") for c in range(1, 6)]
        text = names[0] if len(set(names)) == 1 else ";".join(
            f"LC_{k}={n}" for k, n in zip(("COLLATE", "CTYPE", "MONETARY", "NUMERIC", "TIME"), names))
    else:
        text = cats.get(category, "C")
    key = ("setlocale", wide)
    buf = state.per_thread.get(key)
    if buf is None:
        buf = state.per_thread[key] = state.heap.allocate(2 * 260)
    ctx.write(buf, text.encode("utf-16-le") + b"\0\0" if wide else text.encode() + b"\0")
    return buf


@export(conv="cdecl")
def setlocale(ctx, category: INT, locale: LPCSTR) -> PVOID:
    return set_locale(ctx, category, locale, False)


@export(conv="cdecl")
def _wsetlocale(ctx, category: INT, locale: LPCWSTR) -> PVOID:
    return set_locale(ctx, category, locale, True)


@export(conv="cdecl")
def localeconv(ctx) -> PVOID:
    """struct lconv of the "C" locale (the system locale has the same numeric conventions)."""
    state = crt(ctx)
    buf = getattr(state, "lconv", None)
    if buf is None:
        strings = state.heap.allocate(8)
        ctx.write(strings, b".\0\0\0")
        dot, empty = strings, strings + 2
        buf = state.lconv = state.heap.allocate(48)
        ctx.write(buf, struct.pack("<10I8B", dot, empty, empty, empty, empty, empty, empty, empty, empty, empty,
                                   *([getattr(state, "char_max", 127)] * 8)))
    return buf


@export(conv="cdecl")
def __lconv_init(ctx) -> INT:
    """What a program compiled with unsigned chars (/J) calls at start-up: from then on the
    "not available" value of lconv's char members is 255 (its CHAR_MAX) instead of 127.  Returns 0."""
    state = crt(ctx)
    state.char_max = 255
    buf = getattr(state, "lconv", None)
    if buf is not None:
        ctx.write(buf + 40, bytes([255] * 8))
    return 0


