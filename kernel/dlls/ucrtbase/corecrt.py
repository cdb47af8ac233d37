"""ucrtbase.dll's wide printf entry points (__stdio_common_vfwprintf, __stdio_common_vswprintf ...: what
the UCRT headers' inline wprintf/swprintf call), locale objects (_create_locale, _wcreate_locale,
_free_locale, _get_current_locale) and _wassert.

A _locale_t is a __crt_locale_pointers {locinfo, mbcinfo} made from the CRT heap; locinfo starts with the
UCRT's public __crt_locale_data_public {_locale_pctype, _locale_mb_cur_max, _locale_lc_codepage}, which the
headers' inline _isctype_l/_ischartype_l read directly.  The locales known are msvcrt's (locale.py): "C"
and the system's English_United States.1252."""
from __future__ import annotations

from ...hle.registry import export
from ...hle.types import FILE_P, INT, LPCSTR, LPCWSTR, PVOID, SIZE_T, UINT, ULONGLONG, VOID, va_list
from ..msvcrt import locale as crt_locale
from ..msvcrt import stdio
from ..msvcrt.crt import assert_failed, crt, set_errno
from .runtime import ucrt_format
from .runtime import PRINTF_LEGACY_THREE_DIGIT_EXPONENTS, PRINTF_LEGACY_VSPRINTF_NULL_TERMINATION, \
    PRINTF_STANDARD_SNPRINTF_BEHAVIOR, ucrt_call

EINVAL = 22
ERANGE = 34
LC_ALL, LC_MAX = 0, 5
LOCALE_BLOCK = 8 + 12 + 4          # __crt_locale_pointers, __crt_locale_data_public, mbcinfo (code page)


# -- wide printf -----------------------------------------------------------------------------------------
def ucrt_wformat(ctx, options: int, fmt: int, arglist: int) -> str | None:
    return ucrt_format(ctx, options, fmt, arglist, wide=True)


@export(conv="cdecl")
@ucrt_call
def __stdio_common_vfwprintf(ctx, _Options: ULONGLONG, _Stream: FILE_P, _Format: PVOID, _Locale: PVOID,
                             _ArgList: va_list) -> INT:
    return stdio._wemit(ctx, _Stream, ucrt_wformat(ctx, _Options, _Format, _ArgList))


@export(conv="cdecl")
@ucrt_call
def __stdio_common_vswprintf(ctx, _Options: ULONGLONG, _Buffer: PVOID, _BufferCount: SIZE_T, _Format: PVOID,
                             _Locale: PVOID, _ArgList: va_list) -> INT:
    """As __stdio_common_vsprintf, in UTF-16 units: a NULL buffer with count 0 is a size query; a result
    that does not fit is cut (NUL-terminated unless the _vsnwprintf legacy option) and -1 returned, or the
    full length with the C99 snprintf option."""
    text = ucrt_wformat(ctx, _Options, _Format, _ArgList)
    if text is None:
        return -1
    data = text.encode("utf-16-le", "surrogatepass")
    n = len(data) // 2
    if not _Buffer and _BufferCount == 0:
        return n
    if not _Buffer:
        set_errno(ctx, EINVAL)
        return -1
    if n < _BufferCount:
        ctx.write(_Buffer, data + b"\0\0")
        return n
    if _Options & PRINTF_LEGACY_VSPRINTF_NULL_TERMINATION:
        ctx.write(_Buffer, data[:2 * _BufferCount])
        return n if n == _BufferCount else -1
    if _BufferCount:
        ctx.write(_Buffer, data[:2 * (_BufferCount - 1)] + b"\0\0")
    return n if _Options & PRINTF_STANDARD_SNPRINTF_BEHAVIOR else -1


@export(conv="cdecl")
@ucrt_call
def __stdio_common_vswprintf_s(ctx, _Options: ULONGLONG, _Buffer: PVOID, _BufferCount: SIZE_T, _Format: PVOID,
                               _Locale: PVOID, _ArgList: va_list) -> INT:
    """swprintf_s: a result that does not fit empties the buffer, sets ERANGE and returns -1 (the
    invalid-parameter handler is not run here)."""
    if not _Buffer or not _BufferCount:
        set_errno(ctx, EINVAL)
        return -1
    text = ucrt_wformat(ctx, _Options, _Format, _ArgList)
    if text is None:
        ctx.write(_Buffer, b"\0\0")
        return -1
    data = text.encode("utf-16-le", "surrogatepass")
    if len(data) // 2 >= _BufferCount:
        ctx.write(_Buffer, b"\0\0")
        set_errno(ctx, ERANGE)
        return -1
    ctx.write(_Buffer, data + b"\0\0")
    return len(data) // 2


@export(conv="cdecl")
@ucrt_call
def __stdio_common_vsnwprintf_s(ctx, _Options: ULONGLONG, _Buffer: PVOID, _BufferCount: SIZE_T,
                                _MaxCount: SIZE_T, _Format: PVOID, _Locale: PVOID, _ArgList: va_list) -> INT:
    """_snwprintf_s: at most _MaxCount units (_TRUNCATE, 0xFFFFFFFF: as many as fit) and a NUL; a cut
    result returns -1 (with _TRUNCATE) or empties the buffer with ERANGE."""
    if not _Buffer or not _BufferCount:
        set_errno(ctx, EINVAL)
        return -1
    text = ucrt_wformat(ctx, _Options, _Format, _ArgList)
    if text is None:
        ctx.write(_Buffer, b"\0\0")
        return -1
    data = text.encode("utf-16-le", "surrogatepass")
    n = len(data) // 2
    truncate = _MaxCount == 0xFFFFFFFF
    limit = _BufferCount - 1 if truncate else min(_MaxCount, _BufferCount - 1)
    if n <= limit:
        ctx.write(_Buffer, data + b"\0\0")
        return n
    if truncate or _MaxCount < _BufferCount:
        ctx.write(_Buffer, data[:2 * limit] + b"\0\0")
        return -1
    ctx.write(_Buffer, b"\0\0")
    set_errno(ctx, ERANGE)
    return -1


# -- locale objects ----------------------------------------------------------------------------------------
def _locale_names(ctx) -> dict:
    return crt(ctx).__dict__.setdefault("locale_objects", {})


def _make_locale(ctx, names: dict) -> int:
    """A _locale_t for the category -> locale name map `names` (categories 1..5)."""
    state = crt(ctx)
    block = state.heap.allocate(LOCALE_BLOCK)
    ctype_name = names.get(2, "C")
    pctype, codepage = crt_locale.pctype_table(ctx, ctype_name), 0 if ctype_name == "C" else 1252
    locinfo, mbcinfo = block + 8, block + 20
    ctx.write(block, locinfo.to_bytes(4, "little") + mbcinfo.to_bytes(4, "little"))
    ctx.write(locinfo, pctype.to_bytes(4, "little") + (1).to_bytes(4, "little") + codepage.to_bytes(4, "little"))
    ctx.write(mbcinfo, codepage.to_bytes(4, "little"))
    _locale_names(ctx)[block] = dict(names)
    return block


def create_locale(ctx, category: int, locale: str | None) -> int:
    if locale is None or not LC_ALL <= category <= LC_MAX:
        set_errno(ctx, EINVAL)
        return 0
    name = crt_locale._ALIASES.get(locale.strip().lower())
    if name is None:
        return 0                                      # a locale this system does not have
    names = {c: "C" for c in range(1, 6)}
    for c in (range(1, 6) if category == LC_ALL else [category]):
        names[c] = name
    return _make_locale(ctx, names)


@export(conv="cdecl")
@ucrt_call
def _create_locale(ctx, _Category: INT, _Locale: LPCSTR) -> PVOID:
    """A locale object for _Category set to _Locale (the others "C"); NULL for a locale the system does
    not have, or with EINVAL for a bad category or a NULL name."""
    return create_locale(ctx, _Category, _Locale)


@export(conv="cdecl")
@ucrt_call
def _wcreate_locale(ctx, _Category: INT, _Locale: LPCWSTR) -> PVOID:
    return create_locale(ctx, _Category, _Locale)


@export(conv="cdecl")
@ucrt_call
def _free_locale(ctx, _Locale: PVOID) -> VOID:
    """Frees a locale object (NULL: nothing); an address that is not one is ignored."""
    if _Locale and _locale_names(ctx).pop(_Locale, None) is not None:
        crt(ctx).heap.free(_Locale)


@export(conv="cdecl")
@ucrt_call
def _get_current_locale(ctx) -> PVOID:
    """A new locale object holding the current (setlocale) locale of every category."""
    current = crt(ctx).__dict__.get("categories", {})
    return _make_locale(ctx, {c: current.get(c, "C") for c in range(1, 6)})


# -- assert --------------------------------------------------------------------------------------------------
@export(conv="cdecl")
@ucrt_call
def _wassert(ctx, _Message: LPCWSTR, _File: LPCWSTR, _Line: UINT) -> VOID:
    yield from assert_failed(ctx, _Message or "", _File or "", _Line)


# -- multibyte characters ------------------------------------------------------------------------------------
@export(conv="cdecl")
@ucrt_call
def ___mb_cur_max_func(ctx) -> INT:
    """MB_CUR_MAX of the current locale: 1 (the C locale and the system's 1252 are single-byte)."""
    return 1


@export(conv="cdecl")
@ucrt_call
def _mbtowc_l(ctx, _DstCh: PVOID, _SrcCh: PVOID, _SrcSizeInBytes: SIZE_T, _Locale: PVOID) -> INT:
    """mbtowc in the LC_CTYPE locale of the locale object (NULL: the current locale)."""
    from ..msvcrt.stdlib import mbtowc_in
    if _Locale:
        names = _locale_names(ctx).get(_Locale, {})
        ctype = names.get(2, "C")
    else:
        ctype = getattr(crt(ctx), "locale_name", "C")
    return mbtowc_in(ctx, _DstCh, _SrcCh, _SrcSizeInBytes, ctype)


@export(conv="cdecl")
@ucrt_call
def wcrtomb(ctx, _Dest: PVOID, _Source: UINT, _State: PVOID) -> SIZE_T:
    """wctomb with a conversion state (no shift states here): NULL _Dest counts as converting L'\\0' (1);
    a character the locale cannot convert: (size_t)-1 and EILSEQ."""
    from ..msvcrt.stdio import EILSEQ, wide_to_bytes
    if not _Dest:
        return 1
    data = wide_to_bytes(ctx, _Source)
    if data is None:
        set_errno(ctx, EILSEQ)
        return 0xFFFFFFFF
    ctx.write(_Dest, data)
    return len(data)
