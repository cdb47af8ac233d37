"""stdlib.h: memory, environment, conversions (exit and friends are in crt.py)."""
from __future__ import annotations

from ...hle.registry import export
from ...hle.types import INT, LONG, LPCSTR, PVOID, SIZE_T, ULONG
from .crt import crt


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


def _parse_int(ctx, text_ptr: int, end_ptr: int, base: int, signed: bool) -> int:
    raw = ctx.read_cstr(text_ptr, 512)
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
        ctx.write_u32(end_ptr, text_ptr + i)
    if signed:
        limit = 0x80000000 if neg else 0x7FFFFFFF
        if value > limit:
            crt(ctx).errno = 34
            return 0x80000000 if neg else 0x7FFFFFFF
        return -value if neg else value
    if value > 0xFFFFFFFF:
        crt(ctx).errno = 34
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
