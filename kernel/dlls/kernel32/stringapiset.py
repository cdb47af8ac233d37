"""stringapiset.h: MultiByteToWideChar, WideCharToMultiByte, CompareStringW, CompareStringEx,
CompareStringOrdinal, GetStringTypeW, GetStringTypeExW.  The conversion
logic is kernel/nls/codepage.py (pure, unit-tested); these handlers only move the bytes."""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, INT, LCID, LPBOOL, LPCWSTR, LPSTR, LPVOID, LPWSTR, UINT
from ...nls import codepage as CP
from ...nls import locale as L


def read_mb(ctx, ptr: int, length: int) -> bytes | None:
    """The bytes a (pointer, length) pair names; length < 0: up to and including the NUL."""
    if not ptr:
        return None
    if length < 0:
        return ctx.read_cstr(ptr) + b"\0"
    return bytes(ctx.read(ptr, length)) if length else b""


def read_wc(ctx, ptr: int, length: int) -> list[int] | None:
    """The UTF-16 units a (pointer, length) pair names; length < 0: up to and including the NUL."""
    if not ptr:
        return None
    raw = ctx.read_wcstr(ptr) + b"\0\0" if length < 0 else (bytes(ctx.read(ptr, 2 * length)) if length else b"")
    return list(struct.unpack(f"<{len(raw) // 2}H", raw))


def units_to_str(units: list[int]) -> str:
    return struct.pack(f"<{len(units)}H", *units).decode("utf-16-le", "surrogatepass")


def _finish(ctx, result: CP.Result) -> int:
    if result.error is not None:
        ctx.set_last_error(result.error)
    return result.value


@export
def MultiByteToWideChar(ctx, CodePage: UINT, dwFlags: DWORD, lpMultiByteStr: LPSTR, cbMultiByte: INT,
                        lpWideCharStr: LPWSTR, cchWideChar: INT) -> INT:
    src = read_mb(ctx, lpMultiByteStr, cbMultiByte)
    if src is not None and lpWideCharStr and lpWideCharStr == lpMultiByteStr:
        src = None                                      # overlapping buffers: invalid parameter
    result = CP.multi_byte_to_wide_char(CodePage, dwFlags, src, cbMultiByte, cchWideChar, not lpWideCharStr)
    if result.output and cchWideChar:
        ctx.write(lpWideCharStr, struct.pack(f"<{len(result.output)}H", *result.output))
    return _finish(ctx, result)


@export
def WideCharToMultiByte(ctx, CodePage: UINT, dwFlags: DWORD, lpWideCharStr: LPWSTR, cchWideChar: INT,
                        lpMultiByteStr: LPSTR, cbMultiByte: INT, lpDefaultChar: LPSTR,
                        lpUsedDefaultChar: LPBOOL) -> INT:
    units = read_wc(ctx, lpWideCharStr, cchWideChar)
    if units is not None and lpMultiByteStr and lpMultiByteStr == lpWideCharStr:
        units = None
    default = ctx.read(lpDefaultChar, 1)[0] if lpDefaultChar else None
    result = CP.wide_char_to_multi_byte(CodePage, dwFlags, units, cchWideChar, cbMultiByte, not lpMultiByteStr,
                                        default, bool(lpDefaultChar), bool(lpUsedDefaultChar))
    if result.output and cbMultiByte:
        ctx.write(lpMultiByteStr, result.output)
    if lpUsedDefaultChar and result.used_default is not None:
        ctx.write_u32(lpUsedDefaultChar, int(result.used_default))
    return _finish(ctx, result)


# -- comparison ------------------------------------------------------------------------------------
CSTR_LESS_THAN, CSTR_EQUAL, CSTR_GREATER_THAN = 1, 2, 3
ERROR_INVALID_PARAMETER, ERROR_INVALID_FLAGS = 87, 1004
_COMPARE_FLAGS = (L.NORM_IGNORECASE | L.NORM_IGNORENONSPACE | L.NORM_IGNORESYMBOLS | L.SORT_STRINGSORT
                  | L.NORM_IGNOREKANATYPE | L.NORM_IGNOREWIDTH | L.LINGUISTIC_IGNORECASE
                  | L.LINGUISTIC_IGNOREDIACRITIC | 0x08000000)   # NORM_LINGUISTIC_CASING


def compare(ctx, lcid: int | None, flags: int, a: str | None, b: str | None) -> int:
    """CompareString on decoded strings (None: a NULL pointer); sets the last error on failure."""
    if a is None or b is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    if flags & ~_COMPARE_FLAGS:
        ctx.set_last_error(ERROR_INVALID_FLAGS)
        return 0
    if lcid is not None and L.resolve_lcid(lcid) is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    if flags & L.LINGUISTIC_IGNORECASE:
        flags |= L.NORM_IGNORECASE
    if flags & L.LINGUISTIC_IGNOREDIACRITIC:
        flags |= L.NORM_IGNORENONSPACE
    return L.compare_strings(a, b, flags)


def wide_arg(ctx, ptr: int, length: int) -> str | None:
    units = read_wc(ctx, ptr, length)
    if units is None:
        return None
    if length < 0:
        units = units[:-1]
    return units_to_str(units)


@export
def CompareStringW(ctx, Locale: LCID, dwCmpFlags: DWORD, lpString1: LPWSTR, cchCount1: INT,
                   lpString2: LPWSTR, cchCount2: INT) -> INT:
    return compare(ctx, Locale, dwCmpFlags, wide_arg(ctx, lpString1, cchCount1), wide_arg(ctx, lpString2, cchCount2))


@export
def CompareStringEx(ctx, lpLocaleName: LPCWSTR, dwCmpFlags: DWORD, lpString1: LPWSTR, cchCount1: INT,
                    lpString2: LPWSTR, cchCount2: INT, lpVersionInformation: LPVOID, lpReserved: LPVOID,
                    lParam: LPVOID) -> INT:
    lcid = None if lpLocaleName in (None, "", "en-US", "!x-sys-default-locale") else -1
    return compare(ctx, lcid, dwCmpFlags, wide_arg(ctx, lpString1, cchCount1), wide_arg(ctx, lpString2, cchCount2))


@export
def CompareStringOrdinal(ctx, lpString1: LPWSTR, cchCount1: INT, lpString2: LPWSTR, cchCount2: INT,
                         bIgnoreCase: BOOL) -> INT:
    a, b = wide_arg(ctx, lpString1, cchCount1), wide_arg(ctx, lpString2, cchCount2)
    if a is None or b is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    ua = [ord(c) for c in a] if not bIgnoreCase else [L.upper(ord(c)) for c in a]
    ub = [ord(c) for c in b] if not bIgnoreCase else [L.upper(ord(c)) for c in b]
    return CSTR_EQUAL if ua == ub else (CSTR_LESS_THAN if ua < ub else CSTR_GREATER_THAN)


# -- character types -------------------------------------------------------------------------------
CT_CTYPE1, CT_CTYPE2, CT_CTYPE3 = 1, 2, 4


def _ctype2(unit: int) -> int:
    bits = L.ctype1(unit)
    if bits & (L.C1_ALPHA):
        return 1                      # C2_LEFTTORIGHT
    if bits & L.C1_DIGIT:
        return 3                      # C2_EUROPENUMBER
    if bits & L.C1_SPACE:
        return 10                     # C2_WHITESPACE
    if bits & L.C1_PUNCT:
        return 11                     # C2_OTHERNEUTRAL
    return 0                          # C2_NOTAPPLICABLE


def _ctype3(unit: int) -> int:
    import unicodedata
    bits = L.ctype1(unit)
    out = 0
    if bits & L.C1_ALPHA:
        out |= 0x8000                 # C3_ALPHA
    if unit < 0xD800 and unicodedata.combining(chr(unit)):
        out |= 0x1                    # C3_NONSPACING
    if bits & L.C1_PUNCT and unicodedata.category(chr(unit))[0] == "S":
        out |= 0x8                    # C3_SYMBOL
    return out


def string_types(ctx, info_type: int, units: list[int] | None, out: int) -> int:
    if units is None or not out:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    fn = {CT_CTYPE1: L.ctype1, CT_CTYPE2: _ctype2, CT_CTYPE3: _ctype3}.get(info_type)
    if fn is None:
        ctx.set_last_error(ERROR_INVALID_FLAGS)
        return 0
    ctx.write(out, struct.pack(f"<{len(units)}H", *(fn(u) for u in units)))
    return 1


@export
def GetStringTypeW(ctx, dwInfoType: DWORD, lpSrcStr: LPWSTR, cchSrc: INT, lpCharType: LPVOID) -> BOOL:
    return string_types(ctx, dwInfoType, read_wc(ctx, lpSrcStr, cchSrc), lpCharType)


@export
def GetStringTypeExW(ctx, Locale: LCID, dwInfoType: DWORD, lpSrcStr: LPWSTR, cchSrc: INT,
                     lpCharType: LPVOID) -> BOOL:
    return string_types(ctx, dwInfoType, read_wc(ctx, lpSrcStr, cchSrc), lpCharType)

