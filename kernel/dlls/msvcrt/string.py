"""string.h: memory and string functions on guest memory."""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import INT, PVOID, SIZE_T, WCHAR


@export(conv="cdecl")
def memcpy(ctx, dest: PVOID, src: PVOID, count: SIZE_T) -> PVOID:
    if count:
        ctx.write(dest, ctx.read(src, count))
    return dest


@export(conv="cdecl")
def memmove(ctx, dest: PVOID, src: PVOID, count: SIZE_T) -> PVOID:
    if count:
        ctx.write(dest, ctx.read(src, count))
    return dest


@export(conv="cdecl")
def memset(ctx, dest: PVOID, c: INT, count: SIZE_T) -> PVOID:
    if count:
        ctx.write(dest, bytes([c & 0xFF]) * count)
    return dest


@export(conv="cdecl")
def memcmp(ctx, buf1: PVOID, buf2: PVOID, count: SIZE_T) -> INT:
    if not count:
        return 0
    a, b = ctx.read(buf1, count), ctx.read(buf2, count)
    return 0 if a == b else (-1 if a < b else 1)


@export(conv="cdecl")
def strlen(ctx, str: PVOID) -> SIZE_T:
    return len(ctx.read_cstr(str))


@export(conv="cdecl")
def wcslen(ctx, str: PVOID) -> SIZE_T:
    return len(ctx.read_wcstr(str)) // 2


def _diff(a, b) -> int:
    """The difference of the first differing units (a NUL past the shorter one), as msvcrt's C
    string comparisons (strncmp, _stricmp, wcsncmp ...) return it."""
    for x, y in zip(a, b):
        if x != y:
            return x - y
    if len(a) == len(b):
        return 0
    return a[len(b)] if len(a) > len(b) else -b[len(a)]


def _cmp(a, b) -> int:
    return 0 if a == b else (-1 if a < b else 1)


@export(conv="cdecl")
def strcmp(ctx, string1: PVOID, string2: PVOID) -> INT:
    return _cmp(ctx.read_cstr(string1), ctx.read_cstr(string2))


@export(conv="cdecl")
def strncmp(ctx, string1: PVOID, string2: PVOID, count: SIZE_T) -> INT:
    return _diff(ctx.read_cstr(string1, count)[:count], ctx.read_cstr(string2, count)[:count])


@export(conv="cdecl")
def _stricmp(ctx, string1: PVOID, string2: PVOID) -> INT:
    return _diff(_fold(ctx.read_cstr(string1)), _fold(ctx.read_cstr(string2)))


@export(conv="cdecl")
def strcpy(ctx, dest: PVOID, src: PVOID) -> PVOID:
    ctx.write(dest, ctx.read_cstr(src) + b"\0")
    return dest


@export(conv="cdecl")
def strncpy(ctx, dest: PVOID, src: PVOID, count: SIZE_T) -> PVOID:
    data = ctx.read_cstr(src, count)[:count]
    ctx.write(dest, data + b"\0" * (count - len(data)))
    return dest


@export(conv="cdecl")
def strcat(ctx, dest: PVOID, src: PVOID) -> PVOID:
    ctx.write(dest + len(ctx.read_cstr(dest)), ctx.read_cstr(src) + b"\0")
    return dest


@export(conv="cdecl")
def strchr(ctx, str: PVOID, c: INT) -> PVOID:
    data = ctx.read_cstr(str) + b"\0"
    i = data.find(bytes([c & 0xFF]))
    return 0 if i < 0 else str + i


@export(conv="cdecl")
def strrchr(ctx, str: PVOID, c: INT) -> PVOID:
    data = ctx.read_cstr(str) + b"\0"
    i = data.rfind(bytes([c & 0xFF]))
    return 0 if i < 0 else str + i


@export(conv="cdecl")
def strstr(ctx, str: PVOID, strSearch: PVOID) -> PVOID:
    i = ctx.read_cstr(str).find(ctx.read_cstr(strSearch))
    return 0 if i < 0 else str + i


# -- more of string.h (narrow) ---------------------------------------------------------------------
EINVAL, ERANGE = 22, 34


def _set_errno(ctx, value):
    from .crt import set_errno
    set_errno(ctx, value)


@export(conv="cdecl")
def strncat(ctx, dest: PVOID, src: PVOID, count: SIZE_T) -> PVOID:
    data = ctx.read_cstr(src, count)[:count]
    ctx.write(dest + len(ctx.read_cstr(dest)), data + b"\0")
    return dest


@export(conv="cdecl")
def _strdup(ctx, strSource: PVOID) -> PVOID:
    if not strSource:
        return 0
    from .crt import crt
    data = ctx.read_cstr(strSource) + b"\0"
    p = crt(ctx).heap.allocate(len(data))
    if p:
        ctx.write(p, data)
    return p


def _fold(data: bytes) -> bytes:
    """The "C" locale's case folding of _stricmp: A-Z to a-z only."""
    return data.translate(_LOWER)


_LOWER = bytes(c + 32 if 65 <= c <= 90 else c for c in range(256))
_UPPER = bytes(c - 32 if 97 <= c <= 122 else c for c in range(256))


@export(conv="cdecl")
def _strnicmp(ctx, string1: PVOID, string2: PVOID, count: SIZE_T) -> INT:
    return _diff(_fold(ctx.read_cstr(string1, count)[:count]), _fold(ctx.read_cstr(string2, count)[:count]))


@export(conv="cdecl")
def _strcmpi(ctx, string1: PVOID, string2: PVOID) -> INT:
    return _diff(_fold(ctx.read_cstr(string1)), _fold(ctx.read_cstr(string2)))


@export(conv="cdecl")
def _memicmp(ctx, buf1: PVOID, buf2: PVOID, count: SIZE_T) -> INT:
    if not count:
        return 0
    return _diff(_fold(bytes(ctx.read(buf1, count))), _fold(bytes(ctx.read(buf2, count))))


@export(conv="cdecl")
def strcoll(ctx, string1: PVOID, string2: PVOID) -> INT:
    return _cmp(ctx.read_cstr(string1), ctx.read_cstr(string2))     # "C" locale: strcmp


@export(conv="cdecl")
def _stricoll(ctx, string1: PVOID, string2: PVOID) -> INT:
    return _diff(_fold(ctx.read_cstr(string1)), _fold(ctx.read_cstr(string2)))


@export(conv="cdecl")
def _strlwr(ctx, str: PVOID) -> PVOID:
    ctx.write(str, ctx.read_cstr(str).translate(_LOWER))
    return str


@export(conv="cdecl")
def _strupr(ctx, str: PVOID) -> PVOID:
    ctx.write(str, ctx.read_cstr(str).translate(_UPPER))
    return str


@export(conv="cdecl")
def _strrev(ctx, str: PVOID) -> PVOID:
    ctx.write(str, ctx.read_cstr(str)[::-1])
    return str


@export(conv="cdecl")
def _strset(ctx, str: PVOID, c: INT) -> PVOID:
    ctx.write(str, bytes([c & 0xFF]) * len(ctx.read_cstr(str)))
    return str


@export(conv="cdecl")
def _strnset(ctx, str: PVOID, c: INT, count: SIZE_T) -> PVOID:
    n = min(count, len(ctx.read_cstr(str)))
    ctx.write(str, bytes([c & 0xFF]) * n)
    return str


@export(conv="cdecl")
def strspn(ctx, str: PVOID, strCharSet: PVOID) -> SIZE_T:
    s, chars = ctx.read_cstr(str), set(ctx.read_cstr(strCharSet))
    n = 0
    while n < len(s) and s[n] in chars:
        n += 1
    return n


@export(conv="cdecl")
def strcspn(ctx, str: PVOID, strCharSet: PVOID) -> SIZE_T:
    s, chars = ctx.read_cstr(str), set(ctx.read_cstr(strCharSet))
    n = 0
    while n < len(s) and s[n] not in chars:
        n += 1
    return n


@export(conv="cdecl")
def strpbrk(ctx, str: PVOID, strCharSet: PVOID) -> PVOID:
    s, chars = ctx.read_cstr(str), set(ctx.read_cstr(strCharSet))
    for i, c in enumerate(s):
        if c in chars:
            return str + i
    return 0


@export(conv="cdecl")
def memchr(ctx, buf: PVOID, c: INT, count: SIZE_T) -> PVOID:
    if not count:
        return 0
    i = bytes(ctx.read(buf, count)).find(bytes([c & 0xFF]))
    return 0 if i < 0 else buf + i


def _tok(ctx, s: int, delim: int, saved: int, wide: bool) -> tuple[int, int]:
    """strtok's step: (token or 0, next position)."""
    unit = 2 if wide else 1
    read = ctx.read_wcstr if wide else ctx.read_cstr
    if not s:
        s = saved
    if not s:
        return 0, 0
    text = read(s)
    delims = read(delim)
    units = [text[i:i + unit] for i in range(0, len(text), unit)]
    dset = {delims[i:i + unit] for i in range(0, len(delims), unit)}
    i = 0
    while i < len(units) and units[i] in dset:
        i += 1
    if i == len(units):
        return 0, s + len(text)
    start = i
    while i < len(units) and units[i] not in dset:
        i += 1
    if i < len(units):
        ctx.write(s + i * unit, b"\0" * unit)
        return s + start * unit, s + (i + 1) * unit
    return s + start * unit, s + i * unit


@export(conv="cdecl")
def strtok(ctx, strToken: PVOID, strDelimit: PVOID) -> PVOID:
    from .crt import crt
    key = (ctx.thread.tid, "strtok")
    token, nxt = _tok(ctx, strToken, strDelimit, crt(ctx).per_thread.get(key, 0), False)
    crt(ctx).per_thread[key] = nxt
    return token


@export(conv="cdecl")
def strtok_s(ctx, strToken: PVOID, strDelimit: PVOID, context: PVOID) -> PVOID:
    if not context or not strDelimit or (not strToken and not ctx.read_u32(context)):
        _set_errno(ctx, EINVAL)
        return 0
    token, nxt = _tok(ctx, strToken, strDelimit, ctx.read_u32(context), False)
    ctx.write_u32(context, nxt)
    return token


@export(conv="cdecl")
def wcstok(ctx, strToken: PVOID, strDelimit: PVOID) -> PVOID:
    from .crt import crt
    key = (ctx.thread.tid, "wcstok")
    token, nxt = _tok(ctx, strToken, strDelimit, crt(ctx).per_thread.get(key, 0), True)
    crt(ctx).per_thread[key] = nxt
    return token


# the _s functions: invalid parameters give EINVAL (and empty the destination), too small a buffer
# ERANGE; msvcrt's invalid parameter handler then returns (it does not end the process)
def _s_copy(ctx, dest: int, size: int, data: bytes, unit: int, truncate_ok: bool = False) -> int:
    if not dest or size == 0:
        _set_errno(ctx, EINVAL)
        return EINVAL
    if len(data) // unit + 1 > size:
        ctx.write(dest, b"\0" * unit)
        _set_errno(ctx, ERANGE)
        return ERANGE
    ctx.write(dest, data + b"\0" * unit)
    return 0


@export(conv="cdecl")
def strcpy_s(ctx, dest: PVOID, size: SIZE_T, src: PVOID) -> INT:
    if not src:
        if dest and size:
            ctx.write(dest, b"\0")
        _set_errno(ctx, EINVAL)
        return EINVAL
    return _s_copy(ctx, dest, size, ctx.read_cstr(src), 1)


@export(conv="cdecl")
def strcat_s(ctx, dest: PVOID, size: SIZE_T, src: PVOID) -> INT:
    if not dest or size == 0:
        _set_errno(ctx, EINVAL)
        return EINVAL
    if not src:
        ctx.write(dest, b"\0")
        _set_errno(ctx, EINVAL)
        return EINVAL
    cur = ctx.read_cstr(dest, size)
    if len(cur) >= size:
        ctx.write(dest, b"\0")
        _set_errno(ctx, EINVAL)
        return EINVAL
    return _s_copy(ctx, dest, size, cur + ctx.read_cstr(src), 1)


@export(conv="cdecl")
def strncpy_s(ctx, dest: PVOID, size: SIZE_T, src: PVOID, count: SIZE_T) -> INT:
    if count == 0 and not dest and size == 0:
        return 0
    if not dest or size == 0:
        _set_errno(ctx, EINVAL)
        return EINVAL
    if count == 0:
        ctx.write(dest, b"\0")
        return 0
    if not src:
        ctx.write(dest, b"\0")
        _set_errno(ctx, EINVAL)
        return EINVAL
    data = ctx.read_cstr(src)
    if count != 0xFFFFFFFF:                      # _TRUNCATE
        data = data[:count]
    elif len(data) >= size:
        ctx.write(dest, data[:size - 1] + b"\0")
        return 80                                # STRUNCATE
    return _s_copy(ctx, dest, size, data, 1)


@export(conv="cdecl")
def strncat_s(ctx, dest: PVOID, size: SIZE_T, src: PVOID, count: SIZE_T) -> INT:
    if not dest or size == 0:
        _set_errno(ctx, EINVAL)
        return EINVAL
    cur = ctx.read_cstr(dest, size)
    data = ctx.read_cstr(src) if src else b""
    if count != 0xFFFFFFFF:
        data = data[:count]
    elif len(cur) + len(data) >= size:
        ctx.write(dest, (cur + data)[:size - 1] + b"\0")
        return 80
    return _s_copy(ctx, dest, size, cur + data, 1)


@export(conv="cdecl")
def wcscpy_s(ctx, dest: PVOID, size: SIZE_T, src: PVOID) -> INT:
    if not src:
        if dest and size:
            ctx.write(dest, b"\0\0")
        _set_errno(ctx, EINVAL)
        return EINVAL
    return _s_copy(ctx, dest, size, ctx.read_wcstr(src), 2)


# -- wchar string functions ------------------------------------------------------------------------
def _w(ctx, p: int, limit: int = 1 << 20) -> list[int]:
    raw = ctx.read_wcstr(p, 2 * limit)[:2 * limit]
    return list(struct.unpack(f"<{len(raw) // 2}H", raw))


def _wpack(units) -> bytes:
    return struct.pack(f"<{len(units)}H", *units)


@export(conv="cdecl")
def wcscpy(ctx, dest: PVOID, src: PVOID) -> PVOID:
    ctx.write(dest, ctx.read_wcstr(src) + b"\0\0")
    return dest


@export(conv="cdecl")
def wcsncpy(ctx, dest: PVOID, src: PVOID, count: SIZE_T) -> PVOID:
    units = _w(ctx, src, count)
    ctx.write(dest, _wpack(units + [0] * (count - len(units))))
    return dest


@export(conv="cdecl")
def wcscat(ctx, dest: PVOID, src: PVOID) -> PVOID:
    ctx.write(dest + len(ctx.read_wcstr(dest)), ctx.read_wcstr(src) + b"\0\0")
    return dest


@export(conv="cdecl")
def wcsncat(ctx, dest: PVOID, src: PVOID, count: SIZE_T) -> PVOID:
    ctx.write(dest + len(ctx.read_wcstr(dest)), _wpack(_w(ctx, src, count)) + b"\0\0")
    return dest


@export(conv="cdecl")
def wcscmp(ctx, string1: PVOID, string2: PVOID) -> INT:
    return _cmp(_w(ctx, string1), _w(ctx, string2))


@export(conv="cdecl")
def wcsncmp(ctx, string1: PVOID, string2: PVOID, count: SIZE_T) -> INT:
    return _diff(_w(ctx, string1, count), _w(ctx, string2, count))


def _wfold(units: list[int]) -> list[int]:
    return [u + 32 if 65 <= u <= 90 else u for u in units]


@export(conv="cdecl")
def _wcsicmp(ctx, string1: PVOID, string2: PVOID) -> INT:
    return _diff(_wfold(_w(ctx, string1)), _wfold(_w(ctx, string2)))


@export(conv="cdecl")
def _wcsnicmp(ctx, string1: PVOID, string2: PVOID, count: SIZE_T) -> INT:
    return _diff(_wfold(_w(ctx, string1, count)), _wfold(_w(ctx, string2, count)))


@export(conv="cdecl")
def wcschr(ctx, str: PVOID, c: WCHAR) -> PVOID:
    units = _w(ctx, str) + [0]
    c &= 0xFFFF
    return str + 2 * units.index(c) if c in units else 0


@export(conv="cdecl")
def wcsrchr(ctx, str: PVOID, c: WCHAR) -> PVOID:
    units = _w(ctx, str) + [0]
    c &= 0xFFFF
    if c not in units:
        return 0
    return str + 2 * (len(units) - 1 - units[::-1].index(c))


@export(conv="cdecl")
def wcsstr(ctx, str: PVOID, strSearch: PVOID) -> PVOID:
    hay, needle = _w(ctx, str), _w(ctx, strSearch)
    for i in range(len(hay) - len(needle) + 1):
        if hay[i:i + len(needle)] == needle:
            return str + 2 * i
    return 0


@export(conv="cdecl")
def wcsspn(ctx, str: PVOID, strCharSet: PVOID) -> SIZE_T:
    s, chars = _w(ctx, str), set(_w(ctx, strCharSet))
    n = 0
    while n < len(s) and s[n] in chars:
        n += 1
    return n


@export(conv="cdecl")
def wcscspn(ctx, str: PVOID, strCharSet: PVOID) -> SIZE_T:
    s, chars = _w(ctx, str), set(_w(ctx, strCharSet))
    n = 0
    while n < len(s) and s[n] not in chars:
        n += 1
    return n


@export(conv="cdecl")
def wcspbrk(ctx, str: PVOID, strCharSet: PVOID) -> PVOID:
    s, chars = _w(ctx, str), set(_w(ctx, strCharSet))
    for i, c in enumerate(s):
        if c in chars:
            return str + 2 * i
    return 0


@export(conv="cdecl")
def _wcsdup(ctx, strSource: PVOID) -> PVOID:
    if not strSource:
        return 0
    from .crt import crt
    data = ctx.read_wcstr(strSource) + b"\0\0"
    p = crt(ctx).heap.allocate(len(data))
    if p:
        ctx.write(p, data)
    return p


@export(conv="cdecl")
def _wcslwr(ctx, str: PVOID) -> PVOID:
    from ...nls.locale import lower
    ctx.write(str, _wpack([lower(u) for u in _w(ctx, str)]))
    return str


@export(conv="cdecl")
def _wcsupr(ctx, str: PVOID) -> PVOID:
    from ...nls.locale import upper
    ctx.write(str, _wpack([upper(u) for u in _w(ctx, str)]))
    return str


@export(conv="cdecl")
def _wcsrev(ctx, str: PVOID) -> PVOID:
    ctx.write(str, _wpack(_w(ctx, str)[::-1]))
    return str


_ERRORS = {
    0: "No error", 1: "Operation not permitted", 2: "No such file or directory", 3: "No such process",
    4: "Interrupted function call", 5: "Input/output error", 6: "No such device or address",
    7: "Arg list too long", 8: "Exec format error", 9: "Bad file descriptor", 10: "No child processes",
    11: "Resource temporarily unavailable", 12: "Not enough space", 13: "Permission denied",
    14: "Bad address", 16: "Resource device", 17: "File exists", 18: "Improper link",
    19: "No such device", 20: "Not a directory", 21: "Is a directory", 22: "Invalid argument",
    23: "Too many open files in system", 24: "Too many open files",
    25: "Inappropriate I/O control operation", 27: "File too large", 28: "No space left on device",
    29: "Invalid seek", 30: "Read-only file system", 31: "Too many links", 32: "Broken pipe",
    33: "Domain error", 34: "Result too large", 36: "Resource deadlock avoided",
    38: "Filename too long", 39: "No locks available", 40: "Function not implemented",
    41: "Directory not empty", 42: "Illegal byte sequence",
}


def error_message(errnum: int) -> str:
    """strerror's text of an errno value (also msvcrt's _sys_errlist)."""
    return _ERRORS.get(errnum, "Unknown error")


@export(conv="cdecl")
def strerror(ctx, errnum: INT) -> PVOID:
    from .crt import crt
    text = error_message(errnum).encode() + b"\0"
    key = (ctx.thread.tid, "strerror")
    state = crt(ctx)
    buf = state.per_thread.get(key)
    if buf is None:
        buf = state.per_thread[key] = state.heap.allocate(134)
    ctx.write(buf, text)
    return buf
