"""winnls.h: code pages (GetACP, GetOEMCP, GetCPInfo(Ex), IsValidCodePage, IsDBCSLeadByte(Ex)),
locales (GetLocaleInfoA/W, the default LCIDs and LANGIDs, GetThreadLocale, IsValidLocale),
LCMapStringA/W, CompareStringA, GetStringTypeA/ExA; and winbase.h's lstr* string functions,
which Windows implements on top of CompareString.  Data and logic: kernel/nls/."""
from __future__ import annotations

import struct

from kernel.rtl.status import MemoryFault

from ...hle.registry import export
from ...hle.types import BOOL, BYTE, DWORD, INT, LANGID, LCID, LPSTR, LPVOID, LPWSTR, UINT
from ...nls import codepage as CP
from ...nls import locale as L
from .stringapiset import compare, read_mb, read_wc, string_types, units_to_str, wide_arg

ERROR_INVALID_PARAMETER, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_FLAGS = 87, 122, 1004


def _ansi(data: bytes) -> str:
    return units_to_str(CP.decode(CP.ACP, 0, data))


def _to_ansi(text: str) -> bytes:
    return CP.encode(CP.ACP, 0, [c for c in struct.unpack(f"<{len(text.encode('utf-16-le', 'surrogatepass')) // 2}H",
                                                          text.encode("utf-16-le", "surrogatepass"))])[0]


# -- code pages ------------------------------------------------------------------------------------
@export
def GetACP(ctx) -> UINT:
    return CP.ACP


@export
def GetOEMCP(ctx) -> UINT:
    return CP.OEMCP


@export
def IsValidCodePage(ctx, CodePage: UINT) -> BOOL:
    return int(CP.is_valid_codepage(CodePage))


def _cp_info(ctx, codepage: int, out: int) -> tuple | None:
    info = CP.cp_info(codepage)
    if info is None or not out:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return None
    ctx.write(out, struct.pack("<I2s12s", info[0], info[1], info[2]))
    return info


@export
def GetCPInfo(ctx, CodePage: UINT, lpCPInfo: LPVOID) -> BOOL:
    return int(_cp_info(ctx, CodePage, lpCPInfo) is not None)


def _cp_info_ex(ctx, codepage: int, out: int, wide: bool) -> int:
    info = _cp_info(ctx, codepage, out)
    if info is None:
        return 0
    name = info[4].encode("utf-16-le") if wide else info[4].encode("ascii")
    ctx.write(out + 18, struct.pack("<HI", info[3], CP.resolve_codepage(codepage)))
    ctx.write(out + 24, name + (b"\0\0" if wide else b"\0"))
    return 1


@export
def GetCPInfoExA(ctx, CodePage: UINT, dwFlags: DWORD, lpCPInfoEx: LPVOID) -> BOOL:
    return _cp_info_ex(ctx, CodePage, lpCPInfoEx, False)


@export
def GetCPInfoExW(ctx, CodePage: UINT, dwFlags: DWORD, lpCPInfoEx: LPVOID) -> BOOL:
    return _cp_info_ex(ctx, CodePage, lpCPInfoEx, True)


@export
def IsDBCSLeadByte(ctx, TestChar: BYTE) -> BOOL:
    return 0                     # 1252 has no lead bytes


@export
def IsDBCSLeadByteEx(ctx, CodePage: UINT, TestChar: BYTE) -> BOOL:
    if CP.resolve_codepage(CodePage) is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
    return 0                     # neither 1252, 437 nor 65001 has lead bytes


# -- locales ---------------------------------------------------------------------------------------
@export
def GetUserDefaultLCID(ctx) -> LCID:
    return L.EN_US


@export
def GetSystemDefaultLCID(ctx) -> LCID:
    return L.EN_US


@export
def GetUserDefaultLangID(ctx) -> LANGID:
    return L.EN_US


@export
def GetSystemDefaultLangID(ctx) -> LANGID:
    return L.EN_US


@export
def GetUserDefaultUILanguage(ctx) -> LANGID:
    return L.EN_US


@export
def GetSystemDefaultUILanguage(ctx) -> LANGID:
    return L.EN_US


@export
def GetThreadLocale(ctx) -> LCID:
    return ctx.thread.locale or L.EN_US


@export
def SetThreadLocale(ctx, Locale: LCID) -> BOOL:
    lcid = L.resolve_lcid(Locale)
    if lcid is None or Locale in (L.LOCALE_NEUTRAL, L.LOCALE_INVARIANT):
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    ctx.thread.locale = lcid
    return 1


@export
def IsValidLocale(ctx, Locale: LCID, dwFlags: DWORD) -> BOOL:
    return int(L.is_valid_locale(Locale))


def _locale_info(ctx, lcid: int, lctype: int, out: int, size: int, wide: bool) -> int:
    real = L.resolve_lcid(lcid)
    if real is None or size < 0 or (size and not out):
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    kind = lctype & ~(L.LOCALE_NOUSEROVERRIDE | L.LOCALE_USE_CP_ACP | L.LOCALE_RETURN_NUMBER)
    value = L.locale_info(real, kind)
    if value is None:
        ctx.set_last_error(ERROR_INVALID_FLAGS)
        return 0
    if lctype & L.LOCALE_RETURN_NUMBER:
        if not value.isdigit() and not (kind in (0x0001, 0x0009) and value):
            ctx.set_last_error(ERROR_INVALID_FLAGS)
            return 0
        data = struct.pack("<I", int(value, 16) if kind in (0x0001, 0x0009) else int(value))
        need = 2 if wide else 4
    else:
        data = value.encode("utf-16-le") + b"\0\0" if wide else _to_ansi(value) + b"\0"
        need = len(data) // 2 if wide else len(data)
    if size == 0:
        return need
    if size < need:
        ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
        return 0
    ctx.write(out, data)
    return need


@export
def GetLocaleInfoA(ctx, Locale: LCID, LCType: DWORD, lpLCData: LPSTR, cchData: INT) -> INT:
    return _locale_info(ctx, Locale, LCType, lpLCData, cchData, False)


@export
def GetLocaleInfoW(ctx, Locale: LCID, LCType: DWORD, lpLCData: LPWSTR, cchData: INT) -> INT:
    return _locale_info(ctx, Locale, LCType, lpLCData, cchData, True)


# -- LCMapString ------------------------------------------------------------------------------------
def _lcmap(ctx, lcid: int, flags: int, units: list[int] | None, out: int, size: int, wide: bool) -> int:
    if units is None or size < 0 or (size and not out) or L.resolve_lcid(lcid) is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    case = flags & (L.LCMAP_LOWERCASE | L.LCMAP_UPPERCASE)
    known = L.LCMAP_LOWERCASE | L.LCMAP_UPPERCASE | L.LCMAP_SORTKEY | L.LCMAP_BYTEREV | L.NORM_IGNORECASE \
        | L.NORM_IGNORENONSPACE | L.NORM_IGNORESYMBOLS | L.SORT_STRINGSORT | L.NORM_IGNOREWIDTH \
        | L.NORM_IGNOREKANATYPE | L.LOCALE_USE_CP_ACP
    if flags & ~known or case == L.LCMAP_LOWERCASE | L.LCMAP_UPPERCASE or \
            (flags & L.LCMAP_SORTKEY and case) or not flags & (L.LCMAP_SORTKEY | L.LCMAP_BYTEREV) and not case \
            and not flags & (L.NORM_IGNORENONSPACE | L.NORM_IGNORESYMBOLS | L.NORM_IGNOREWIDTH):
        ctx.set_last_error(ERROR_INVALID_FLAGS)
        return 0
    if flags & L.LCMAP_SORTKEY:
        text = units_to_str(units)
        data = L.sort_key(text.rstrip("\0") if text.endswith("\0") else text, flags)
    else:
        mapped = [L.upper(u) if case == L.LCMAP_UPPERCASE else L.lower(u) if case else u for u in units]
        if flags & L.NORM_IGNORESYMBOLS:
            mapped = [u for u in mapped if not L.ctype1(u) & L.C1_PUNCT]
        if flags & L.LCMAP_BYTEREV:
            mapped = [((u & 0xFF) << 8) | (u >> 8) for u in mapped]
        if wide:
            data = struct.pack(f"<{len(mapped)}H", *mapped)
        else:
            data = CP.encode(CP.ACP, 0, mapped)[0]
    n = len(data) // 2 if wide and not flags & L.LCMAP_SORTKEY else len(data)
    if size == 0:
        return n
    if size < n:
        ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
        return 0
    ctx.write(out, data)
    return n


@export
def LCMapStringW(ctx, Locale: LCID, dwMapFlags: DWORD, lpSrcStr: LPWSTR, cchSrc: INT, lpDestStr: LPWSTR,
                 cchDest: INT) -> INT:
    if cchSrc == 0:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    return _lcmap(ctx, Locale, dwMapFlags, read_wc(ctx, lpSrcStr, cchSrc), lpDestStr, cchDest, True)


@export
def LCMapStringA(ctx, Locale: LCID, dwMapFlags: DWORD, lpSrcStr: LPSTR, cchSrc: INT, lpDestStr: LPSTR,
                 cchDest: INT) -> INT:
    src = read_mb(ctx, lpSrcStr, cchSrc)
    if cchSrc == 0 or src is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    return _lcmap(ctx, Locale, dwMapFlags, CP.decode(CP.ACP, 0, src), lpDestStr, cchDest, False)


def _narrow_arg(ctx, ptr: int, length: int) -> str | None:
    data = read_mb(ctx, ptr, length)
    if data is None:
        return None
    return _ansi(data[:-1] if length < 0 else data)


@export
def CompareStringA(ctx, Locale: LCID, dwCmpFlags: DWORD, lpString1: LPSTR, cchCount1: INT, lpString2: LPSTR,
                   cchCount2: INT) -> INT:
    return compare(ctx, Locale, dwCmpFlags, _narrow_arg(ctx, lpString1, cchCount1), _narrow_arg(ctx, lpString2, cchCount2))


@export
def GetStringTypeA(ctx, Locale: LCID, dwInfoType: DWORD, lpSrcStr: LPSTR, cchSrc: INT, lpCharType: LPVOID) -> BOOL:
    src = read_mb(ctx, lpSrcStr, cchSrc)
    return string_types(ctx, dwInfoType, None if src is None else CP.decode(CP.ACP, 0, src), lpCharType)


@export
def GetStringTypeExA(ctx, Locale: LCID, dwInfoType: DWORD, lpSrcStr: LPSTR, cchSrc: INT,
                     lpCharType: LPVOID) -> BOOL:
    src = read_mb(ctx, lpSrcStr, cchSrc)
    return string_types(ctx, dwInfoType, None if src is None else CP.decode(CP.ACP, 0, src), lpCharType)


# -- winbase.h lstr* ---------------------------------------------------------------------------------
def _lstrcmp(ctx, a: str | None, b: str | None, flags: int) -> int:
    if a is None or b is None:
        return 0 if a is b else (-1 if a is None else 1)
    return L.compare_strings(a, b, flags) - 2


@export
def lstrcmpA(ctx, lpString1: LPSTR, lpString2: LPSTR) -> INT:
    return _lstrcmp(ctx, _narrow_arg(ctx, lpString1, -1), _narrow_arg(ctx, lpString2, -1), 0)


@export
def lstrcmpiA(ctx, lpString1: LPSTR, lpString2: LPSTR) -> INT:
    return _lstrcmp(ctx, _narrow_arg(ctx, lpString1, -1), _narrow_arg(ctx, lpString2, -1), L.NORM_IGNORECASE)


@export
def lstrcmpW(ctx, lpString1: LPWSTR, lpString2: LPWSTR) -> INT:
    return _lstrcmp(ctx, wide_arg(ctx, lpString1, -1), wide_arg(ctx, lpString2, -1), 0)


@export
def lstrcmpiW(ctx, lpString1: LPWSTR, lpString2: LPWSTR) -> INT:
    return _lstrcmp(ctx, wide_arg(ctx, lpString1, -1), wide_arg(ctx, lpString2, -1), L.NORM_IGNORECASE)


def _guarded(fn):
    """lstrlen/lstrcpy/lstrcat catch an access violation and fail quietly, as Windows' SEH does."""
    try:
        return fn()
    except MemoryFault:
        return 0


@export
def lstrlenA(ctx, lpString: LPSTR) -> INT:
    return _guarded(lambda: len(ctx.read_cstr(lpString))) if lpString else 0


@export
def lstrlenW(ctx, lpString: LPWSTR) -> INT:
    return _guarded(lambda: len(ctx.read_wcstr(lpString)) // 2) if lpString else 0


def _copy(ctx, dest: int, data: bytes) -> int:
    ctx.write(dest, data)
    return dest


@export
def lstrcpyA(ctx, lpString1: LPSTR, lpString2: LPSTR) -> LPSTR:
    return _guarded(lambda: _copy(ctx, lpString1, ctx.read_cstr(lpString2) + b"\0"))


@export
def lstrcpyW(ctx, lpString1: LPWSTR, lpString2: LPWSTR) -> LPWSTR:
    return _guarded(lambda: _copy(ctx, lpString1, ctx.read_wcstr(lpString2) + b"\0\0"))


@export
def lstrcpynA(ctx, lpString1: LPSTR, lpString2: LPSTR, iMaxLength: INT) -> LPSTR:
    if iMaxLength <= 0:
        return lpString1
    return _guarded(lambda: _copy(ctx, lpString1, ctx.read_cstr(lpString2, iMaxLength - 1)[:iMaxLength - 1] + b"\0"))


@export
def lstrcpynW(ctx, lpString1: LPWSTR, lpString2: LPWSTR, iMaxLength: INT) -> LPWSTR:
    if iMaxLength <= 0:
        return lpString1
    return _guarded(lambda: _copy(ctx, lpString1,
                                  ctx.read_wcstr(lpString2, 2 * (iMaxLength - 1))[:2 * (iMaxLength - 1)] + b"\0\0"))


@export
def lstrcatA(ctx, lpString1: LPSTR, lpString2: LPSTR) -> LPSTR:
    def cat():
        ctx.write(lpString1 + len(ctx.read_cstr(lpString1)), ctx.read_cstr(lpString2) + b"\0")
        return lpString1
    return _guarded(cat)


@export
def lstrcatW(ctx, lpString1: LPWSTR, lpString2: LPWSTR) -> LPWSTR:
    def cat():
        ctx.write(lpString1 + len(ctx.read_wcstr(lpString1)), ctx.read_wcstr(lpString2) + b"\0\0")
        return lpString1
    return _guarded(cat)



# -- EnumSystemLocales: ntboot's NLS has one locale, en-US (0x0409) -------------------------------------
LCID_INSTALLED, LCID_SUPPORTED, LCID_ALTERNATE_SORTS = 0x1, 0x2, 0x4


def _enum_system_locales(ctx, proc: int, flags: int, wide: bool):
    """Calls the callback with each locale's LCID as 8 hex digits ("00000409") until it returns
    FALSE.  en-US has no alternate sorts, so LCID_ALTERNATE_SORTS alone lists nothing."""
    from kernel.ke.dispatch import GuestCall
    if flags & ~(LCID_INSTALLED | LCID_SUPPORTED | LCID_ALTERNATE_SORTS):
        ctx.set_last_error(ERROR_INVALID_FLAGS)
        return 0
    if not proc:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    if flags == LCID_ALTERNATE_SORTS:
        return 1
    heap = ctx.process.heap
    text = "%08x" % 0x0409
    buf = heap.allocate(32)
    ctx.write(buf, text.encode("utf-16-le") + b"\0\0" if wide else text.encode() + b"\0")
    try:
        yield GuestCall(proc, (buf,), "EnumSystemLocales callback")
    finally:
        heap.free(buf)
    return 1


@export
def EnumSystemLocalesW(ctx, lpLocaleEnumProc: LPVOID, dwFlags: DWORD) -> BOOL:
    return (yield from _enum_system_locales(ctx, lpLocaleEnumProc, dwFlags, True))


@export
def EnumSystemLocalesA(ctx, lpLocaleEnumProc: LPVOID, dwFlags: DWORD) -> BOOL:
    return (yield from _enum_system_locales(ctx, lpLocaleEnumProc, dwFlags, False))
