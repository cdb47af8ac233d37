"""stdlib.h: memory, environment, conversions (exit and friends are in crt.py)."""
from __future__ import annotations

import builtins
import struct

from ...hle.registry import export
from ...hle.types import DOUBLE, INT, LONG, LONGLONG, LPCSTR, LPCWSTR, PVOID, SIZE_T, UINT, ULONG, ULONGLONG
from kernel.ke.dispatch import GuestCall
from .crt import crt, set_errno

ERANGE, EINVAL = 34, 22


@export(conv="cdecl")
def malloc(ctx, size: SIZE_T) -> PVOID:
    return crt(ctx).heap.allocate(size)


@export(conv="cdecl")
def calloc(ctx, num: SIZE_T, size: SIZE_T) -> PVOID:
    total = num * size
    if total > 0xFFFFFFE0:
        return 0
    return crt(ctx).heap.allocate(total, 0x8)


@export(conv="cdecl")
def realloc(ctx, memblock: PVOID, size: SIZE_T) -> PVOID:
    heap = crt(ctx).heap
    if not memblock:
        return heap.allocate(size)
    if size == 0:
        heap.free(memblock)
        return 0
    return heap.reallocate(memblock, size)


@export(conv="cdecl")
def free(ctx, memblock: PVOID) -> None:
    if memblock:
        crt(ctx).heap.free(memblock)


@export(conv="cdecl")
def _msize(ctx, memblock: PVOID) -> SIZE_T:
    size = crt(ctx).heap.size(memblock)
    return 0xFFFFFFFF if size is None else size


@export(conv="cdecl")
def getenv(ctx, varname: LPCSTR) -> PVOID:
    """Searches the CRT's copy of the environment (_environ) and returns a pointer into it."""
    if not varname:
        return 0
    environ = ctx.read_u32(crt(ctx).var["_environ"])
    want = varname.upper().encode(ctx.kernel.ansi_codepage, "replace") + b"="
    i = 0
    while True:
        entry = ctx.read_u32(environ + 4 * i)
        if not entry:
            return 0
        text = ctx.read_cstr(entry)
        if text.upper().startswith(want):
            return entry + len(want)
        i += 1


def _parse_int(ctx, text_ptr: int, end_ptr: int, base: int, signed: bool, bits: int = 32, wide: bool = False) -> int:
    if wide:
        w = ctx.read_wcstr(text_ptr, 1024)
        raw = bytes(u if u < 0x80 else 0x7F for u in struct.unpack(f"<{len(w) // 2}H", w))
    else:
        raw = ctx.read_cstr(text_ptr, 512)
    unit = 2 if wide else 1
    i = 0
    while i < len(raw) and raw[i] in b" \t\n\r\f\v":
        i += 1
    neg = False
    if i < len(raw) and raw[i] in b"+-":
        neg = raw[i] == ord("-")
        i += 1
    if base in (0, 16) and raw[i:i + 2].lower() == b"0x" and i + 2 < len(raw) and chr(raw[i + 2]).lower() in "0123456789abcdef":
        i += 2
        base = 16
    elif base == 0:
        base = 8 if raw[i:i + 1] == b"0" else 10
    start = i
    value = 0
    while i < len(raw):
        c = chr(raw[i]).lower()
        d = int(c, 36) if c.isalnum() else 99
        if d >= base:
            break
        value = value * base + d
        i += 1
    if i == start:
        if end_ptr:
            ctx.write_u32(end_ptr, text_ptr)
        return 0
    if end_ptr:
        ctx.write_u32(end_ptr, text_ptr + unit * i)
    if bits == 64:
        top = 1 << 63
        if signed:
            if value > (top if neg else top - 1):
                set_errno(ctx, ERANGE)
                return -top if neg else top - 1
            return -value if neg else value
        if value > (1 << 64) - 1:
            set_errno(ctx, ERANGE)
            return (1 << 64) - 1
        return (-value) & ((1 << 64) - 1) if neg else value
    if signed:
        limit = 0x80000000 if neg else 0x7FFFFFFF
        if value > limit:
            set_errno(ctx, ERANGE)
            return 0x80000000 if neg else 0x7FFFFFFF
        return -value if neg else value
    if value > 0xFFFFFFFF:
        set_errno(ctx, ERANGE)
        return 0xFFFFFFFF
    return (-value) & 0xFFFFFFFF if neg else value


@export(conv="cdecl")
def strtol(ctx, nptr: PVOID, endptr: PVOID, base: INT) -> LONG:
    return _parse_int(ctx, nptr, endptr, base, True)


@export(conv="cdecl")
def strtoul(ctx, nptr: PVOID, endptr: PVOID, base: INT) -> ULONG:
    return _parse_int(ctx, nptr, endptr, base, False)


@export(conv="cdecl")
def atoi(ctx, str: PVOID) -> INT:
    return _parse_int(ctx, str, 0, 10, True)


@export(conv="cdecl")
def atol(ctx, str: PVOID) -> LONG:
    return _parse_int(ctx, str, 0, 10, True)


@export(conv="cdecl")
def abs(ctx, n: INT) -> INT:
    return -n if n < 0 else n


@export(conv="cdecl")
def wcstol(ctx, nptr: PVOID, endptr: PVOID, base: INT) -> LONG:
    return _parse_int(ctx, nptr, endptr, base, True, wide=True)


@export(conv="cdecl")
def wcstoul(ctx, nptr: PVOID, endptr: PVOID, base: INT) -> ULONG:
    return _parse_int(ctx, nptr, endptr, base, False, wide=True)


@export(conv="cdecl")
def _wtoi(ctx, str: PVOID) -> INT:
    return _parse_int(ctx, str, 0, 10, True, wide=True)


@export(conv="cdecl")
def _wtol(ctx, str: PVOID) -> LONG:
    return _parse_int(ctx, str, 0, 10, True, wide=True)


@export(conv="cdecl")
def _atoi64(ctx, str: PVOID) -> LONGLONG:
    return _parse_int(ctx, str, 0, 10, True, 64)


@export(conv="cdecl")
def _strtoi64(ctx, nptr: PVOID, endptr: PVOID, base: INT) -> LONGLONG:
    return _parse_int(ctx, nptr, endptr, base, True, 64)


@export(conv="cdecl")
def _strtoui64(ctx, nptr: PVOID, endptr: PVOID, base: INT) -> ULONGLONG:
    return _parse_int(ctx, nptr, endptr, base, False, 64)


@export(conv="cdecl")
def labs(ctx, n: LONG) -> LONG:
    return -n if n < 0 else n


def _divmod(a: int, b: int) -> int:
    """div_t {quot, rem} with C's truncating division, returned in EDX:EAX."""
    if b == 0:
        raise ZeroDivisionError
    q = builtins.abs(a) // builtins.abs(b)
    if (a < 0) != (b < 0):
        q = -q
    r = a - q * b
    return (q & 0xFFFFFFFF) | (r & 0xFFFFFFFF) << 32


@export(conv="cdecl")
def div(ctx, numer: INT, denom: INT) -> ULONGLONG:
    return _divmod(numer, denom)


@export(conv="cdecl")
def ldiv(ctx, numer: LONG, denom: LONG) -> ULONGLONG:
    return _divmod(numer, denom)


# -- number to text ---------------------------------------------------------------------------------
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _to_text(value: int, radix: int, signed_radix10: bool, bits: int) -> str:
    mask = (1 << bits) - 1
    neg = signed_radix10 and radix == 10 and value & (1 << (bits - 1))
    v = ((-value) & mask) if neg else value & mask
    out = ""
    while True:
        out = _DIGITS[v % radix] + out
        v //= radix
        if not v:
            break
    return ("-" if neg else "") + out


def _itoa_common(ctx, value: int, buf: int, radix: int, signed: bool, bits: int, wide: bool = False) -> int:
    if not buf or not 2 <= radix <= 36:
        set_errno(ctx, EINVAL)
        if buf:
            ctx.write(buf, b"\0\0" if wide else b"\0")
        return buf
    text = _to_text(value, radix, signed, bits)
    ctx.write(buf, text.encode("utf-16-le") + b"\0\0" if wide else text.encode() + b"\0")
    return buf


@export(conv="cdecl")
def _itoa(ctx, value: INT, buffer: PVOID, radix: INT) -> PVOID:
    return _itoa_common(ctx, value, buffer, radix, True, 32)


@export(conv="cdecl")
def _ltoa(ctx, value: LONG, buffer: PVOID, radix: INT) -> PVOID:
    return _itoa_common(ctx, value, buffer, radix, True, 32)


@export(conv="cdecl")
def _ultoa(ctx, value: ULONG, buffer: PVOID, radix: INT) -> PVOID:
    return _itoa_common(ctx, value, buffer, radix, False, 32)


@export(conv="cdecl")
def _i64toa(ctx, value: LONGLONG, buffer: PVOID, radix: INT) -> PVOID:
    return _itoa_common(ctx, value, buffer, radix, True, 64)


@export(conv="cdecl")
def _ui64toa(ctx, value: ULONGLONG, buffer: PVOID, radix: INT) -> PVOID:
    return _itoa_common(ctx, value, buffer, radix, False, 64)


@export(conv="cdecl")
def _itow(ctx, value: INT, buffer: PVOID, radix: INT) -> PVOID:
    return _itoa_common(ctx, value, buffer, radix, True, 32, True)


# -- strtod ------------------------------------------------------------------------------------------
def parse_double(raw: bytes) -> tuple[float, int, bool]:
    """msvcrt's strtod on bytes: (value, characters used, out of range).  Leading whitespace, a
    sign, digits with one '.', an exponent introduced by e, E, d or D; no inf, nan or hex (Windows 7's
    msvcrt has none).  Nothing converted: (0.0, 0, False)."""
    i = 0
    while i < len(raw) and raw[i] in b" \t\n\r\f\v":
        i += 1
    start = i
    sign = ""
    if i < len(raw) and raw[i] in b"+-":
        sign = "-" if raw[i] == ord("-") else ""
        i += 1
    digits = ""
    while i < len(raw) and 48 <= raw[i] <= 57:
        digits += chr(raw[i])
        i += 1
    frac = ""
    if i < len(raw) and raw[i] == ord("."):
        j = i + 1
        while j < len(raw) and 48 <= raw[j] <= 57:
            frac += chr(raw[j])
            j += 1
        if digits or frac:
            i = j
    if not digits and not frac:
        return 0.0, 0, False
    exp = ""
    if i < len(raw) and raw[i] in b"eEdD":
        j = i + 1
        esign = ""
        if j < len(raw) and raw[j] in b"+-":
            esign = chr(raw[j])
            j += 1
        k = j
        while k < len(raw) and 48 <= raw[k] <= 57:
            k += 1
        if k > j:
            exp = "e" + esign + raw[j:k].decode()
            i = k
    text = sign + (digits or "0") + "." + (frac or "0") + exp
    value = float(text)
    out_of_range = value in (float("inf"), float("-inf")) or (value == 0.0 and any(c in "123456789" for c in digits + frac))
    if value in (float("inf"), float("-inf")):
        value = float("inf") if not sign else float("-inf")
    return value, i, out_of_range


@export(conv="cdecl")
def strtod(ctx, nptr: PVOID, endptr: PVOID) -> DOUBLE:
    raw = ctx.read_cstr(nptr, 4096)
    value, used, out_of_range = parse_double(raw)
    if out_of_range:
        set_errno(ctx, ERANGE)
    if endptr:
        ctx.write_u32(endptr, nptr + used)
    return value


@export(conv="cdecl")
def atof(ctx, str: PVOID) -> DOUBLE:
    return parse_double(ctx.read_cstr(str, 4096))[0]


@export(conv="cdecl")
def wcstod(ctx, nptr: PVOID, endptr: PVOID) -> DOUBLE:
    w = ctx.read_wcstr(nptr, 8192)
    raw = bytes(u if u < 0x80 else 0x7F for u in struct.unpack(f"<{len(w) // 2}H", w))
    value, used, out_of_range = parse_double(raw)
    if out_of_range:
        set_errno(ctx, ERANGE)
    if endptr:
        ctx.write_u32(endptr, nptr + 2 * used)
    return value


# -- rand ----------------------------------------------------------------------------------------------
@export(conv="cdecl")
def srand(ctx, seed: UINT) -> None:
    crt(ctx).rand_seeds[ctx.thread.tid] = seed


@export(conv="cdecl")
def rand(ctx) -> INT:
    """msvcrt's per-thread linear congruential generator: seed * 214013 + 2531011, bits 16..30."""
    seeds = crt(ctx).rand_seeds
    seed = (seeds.get(ctx.thread.tid, 1) * 214013 + 2531011) & 0xFFFFFFFF
    seeds[ctx.thread.tid] = seed
    return (seed >> 16) & 0x7FFF


# -- qsort and bsearch: Microsoft's algorithms, comparator calls in the same order ----------------------
def _swap(ctx, a: int, b: int, width: int) -> None:
    if a != b:
        da, db = ctx.read(a, width), ctx.read(b, width)
        ctx.write(a, bytes(db))
        ctx.write(b, bytes(da))


def _s32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def qsort_impl(ctx, base: int, num: int, width: int, compare: int, context: int | None = None):
    """The CRT's qsort (median of three, partition, an explicit stack, selection "shortsort" below
    9 elements) calling the guest comparator; a generator for GuestCall."""
    def comp(a, b):
        args = (a, b) if context is None else (context, a, b)
        result = yield GuestCall(compare, args, "qsort comparator")
        return _s32(result)

    if num < 2 or width == 0:
        return
    lostk, histk = [], []
    lo, hi = base, base + width * (num - 1)
    while True:
        size = (hi - lo) // width + 1
        if size <= 8:
            h = hi
            while h > lo:
                mx = lo
                p = lo + width
                while p <= h:
                    if (yield from comp(p, mx)) > 0:
                        mx = p
                    p += width
                _swap(ctx, mx, h, width)
                h -= width
        else:
            mid = lo + (size // 2) * width
            if (yield from comp(lo, mid)) > 0:
                _swap(ctx, lo, mid, width)
            if (yield from comp(lo, hi)) > 0:
                _swap(ctx, lo, hi, width)
            if (yield from comp(mid, hi)) > 0:
                _swap(ctx, mid, hi, width)
            loguy, higuy = lo, hi
            while True:
                if mid > loguy:
                    while True:
                        loguy += width
                        if not (loguy < mid and (yield from comp(loguy, mid)) <= 0):
                            break
                if mid <= loguy:
                    while True:
                        loguy += width
                        if not (loguy <= hi and (yield from comp(loguy, mid)) <= 0):
                            break
                while True:
                    higuy -= width
                    if not (higuy > mid and (yield from comp(higuy, mid)) > 0):
                        break
                if higuy < loguy:
                    break
                _swap(ctx, loguy, higuy, width)
                if mid == higuy:
                    mid = loguy
            higuy += width
            if mid < higuy:
                while True:
                    higuy -= width
                    if not (higuy > mid and (yield from comp(higuy, mid)) == 0):
                        break
            if mid >= higuy:
                while True:
                    higuy -= width
                    if not (higuy > lo and (yield from comp(higuy, mid)) == 0):
                        break
            if higuy - lo >= hi - loguy:
                if lo < higuy:
                    lostk.append(lo)
                    histk.append(higuy)
                if loguy < hi:
                    lo = loguy
                    continue
            else:
                if loguy < hi:
                    lostk.append(loguy)
                    histk.append(hi)
                if lo < higuy:
                    hi = higuy
                    continue
        if not lostk:
            return
        lo, hi = lostk.pop(), histk.pop()


@export(conv="cdecl")
def qsort(ctx, base: PVOID, num: SIZE_T, width: SIZE_T, compare: PVOID) -> None:
    if num and (not base or not compare or not width):
        set_errno(ctx, EINVAL)
        return
    yield from qsort_impl(ctx, base, num, width, compare)


@export(conv="cdecl")
def qsort_s(ctx, base: PVOID, num: SIZE_T, width: SIZE_T, compare: PVOID, context: PVOID) -> None:
    if num and (not base or not compare or not width):
        set_errno(ctx, EINVAL)
        return
    yield from qsort_impl(ctx, base, num, width, compare, context)


def bsearch_impl(ctx, key: int, base: int, num: int, width: int, compare: int, context: int | None = None):
    def comp(a, b):
        args = (a, b) if context is None else (context, a, b)
        return _s32((yield GuestCall(compare, args, "bsearch comparator")))

    lo, hi = base, base + (num - 1) * width
    while lo <= hi:
        half = num // 2
        if half:
            mid = lo + (half if num & 1 else half - 1) * width
            result = yield from comp(key, mid)
            if result == 0:
                return mid
            if result < 0:
                hi = mid - width
                num = half if num & 1 else half - 1
            else:
                lo = mid + width
                num = half
        elif num:
            return 0 if (yield from comp(key, lo)) else lo
        else:
            break
    return 0


@export(conv="cdecl")
def bsearch(ctx, key: PVOID, base: PVOID, num: SIZE_T, width: SIZE_T, compare: PVOID) -> PVOID:
    if not num:
        return 0
    return (yield from bsearch_impl(ctx, key, base, num, width, compare))


# -- the environment ---------------------------------------------------------------------------------
def _env_array(ctx, wide: bool) -> list[int]:
    state = crt(ctx)
    array = ctx.read_u32(state.var["_wenviron" if wide else "_environ"])
    out = []
    while array:
        p = ctx.read_u32(array + 4 * len(out))
        if not p:
            break
        out.append(p)
    return out


def put_env(ctx, text: str) -> int:
    """_putenv("NAME=value"): the CRT's _environ and _wenviron and the process environment;
    "NAME=" removes the variable."""
    from ..kernel32.processenv import _set
    name, eq, value = text.partition("=")
    if not eq or not name:
        set_errno(ctx, EINVAL)
        return -1
    state = crt(ctx)
    for wide in (False, True):
        entries = _env_array(ctx, wide)
        read = ctx.read_wstr if wide else ctx.read_str
        keep = [p for p in entries if read(p).partition("=")[0].upper() != name.upper()]
        if value:
            data = text.encode("utf-16-le") + b"\0\0" if wide else text.encode(ctx.kernel.ansi_codepage, "replace") + b"\0"
            p = state.heap.allocate(len(data))
            ctx.write(p, data)
            keep.append(p)
        array = state.heap.allocate(4 * (len(keep) + 1))
        ctx.write(array, struct.pack(f"<{len(keep) + 1}I", *keep, 0))
        ctx.write_u32(state.var["_wenviron" if wide else "_environ"], array)
    _set(ctx, name, value or None)
    return 0


@export(conv="cdecl")
def _putenv(ctx, envstring: LPCSTR) -> INT:
    return put_env(ctx, envstring) if envstring is not None else -1


@export(conv="cdecl")
def _wputenv(ctx, envstring: LPCWSTR) -> INT:
    return put_env(ctx, envstring) if envstring is not None else -1


@export(conv="cdecl")
def _wgetenv(ctx, varname: LPCWSTR) -> PVOID:
    if not varname:
        return 0
    want = varname.upper() + "="
    for p in _env_array(ctx, True):
        text = ctx.read_wstr(p)
        if text.upper().startswith(want):
            return p + 2 * len(want)
    return 0


def mbtowc_in(ctx, out: int, source: int, count: int, ctype_locale: str) -> int:
    """mbtowc in the C locale (a byte is the character of the same value) or the system's 1252 locale
    (single-byte: the code page's character): 0 for a NUL or NULL source, else 1; -1 for count 0."""
    if not source:
        return 0
    if count == 0:
        return -1
    byte = ctx.read(source, 1)
    if byte == b"\0":
        if out:
            ctx.write(out, b"\0\0")
        return 0
    unit = byte[0] if ctype_locale == "C" else ord(byte.decode("cp1252", errors="ignore") or chr(byte[0]))
    if out:
        ctx.write(out, struct.pack("<H", unit))
    return 1


@export(conv="cdecl")
def mbtowc(ctx, wchar: PVOID, mbchar: PVOID, count: SIZE_T) -> INT:
    return mbtowc_in(ctx, wchar, mbchar, count, getattr(crt(ctx), "locale_name", "C"))
