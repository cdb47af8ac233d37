"""string.h: memory and string functions on guest memory."""
from __future__ import annotations

from ...hle.registry import export
from ...hle.types import INT, PVOID, SIZE_T


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


def _cmp(a: bytes, b: bytes) -> int:
    return 0 if a == b else (-1 if a < b else 1)


@export(conv="cdecl")
def strcmp(ctx, string1: PVOID, string2: PVOID) -> INT:
    return _cmp(ctx.read_cstr(string1), ctx.read_cstr(string2))


@export(conv="cdecl")
def strncmp(ctx, string1: PVOID, string2: PVOID, count: SIZE_T) -> INT:
    return _cmp(ctx.read_cstr(string1, count)[:count], ctx.read_cstr(string2, count)[:count])


@export(conv="cdecl")
def _stricmp(ctx, string1: PVOID, string2: PVOID) -> INT:
    return _cmp(ctx.read_cstr(string1).lower(), ctx.read_cstr(string2).lower())


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
