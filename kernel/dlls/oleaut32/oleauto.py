"""oleauto.h: BSTR functions, VariantInit and VariantClear.

A BSTR is laid out as Windows lays it out: a block of the process heap (through the task allocator,
as oleaut32 does) holding a DWORD with the length in *bytes*, the characters, and a NUL WCHAR; the
BSTR points at the characters, 4 bytes into the block.  So `((DWORD *)bstr)[-1]` is
SysStringByteLen, SysStringLen is half of it, and a BSTR may hold NULs or an odd number of bytes
(SysAllocStringByteLen).  Memory of SysAllocStringLen(NULL, n) / SysAllocStringByteLen(NULL, n) is
zero-filled (Windows leaves it uninitialized).  Windows' oleaut32 keeps a cache of freed BSTRs (a
freed BSTR's memory is reused by the next allocation of its size); here freed blocks go back to the
heap at once.

VariantClear frees what a simple VARIANT owns: a BSTR is freed, an IUnknown/IDispatch pointer is
Release()d (the program's own Release, called in the guest); VT_BYREF variants own nothing.  A VARIANT
that owns a SAFEARRAY (VT_ARRAY) or a record (VT_RECORD) stops the run as an unsupported API: the
SafeArray functions are not implemented.  Invalid types give DISP_E_BADVARTYPE, as
VARIANT_ValidateType decides them on Windows (VT_VECTOR, VT_RESERVED, type 15, VT_BYREF|VT_EMPTY ...).
"""
from __future__ import annotations

import struct

from kernel.rtl.status import MemoryFault

from ...hle.registry import export
from ...hle.types import HRESULT, INT, LPSTR, LPWSTR, PVOID, UINT
from kernel.ke.dispatch import GuestCall, UnsupportedApi
from kernel.hle.probe import probe
from ..ole32.combaseapi import task_alloc, task_free

MAX_BYTES = 0x7FFFFFFF - 6           # a BSTR's length prefix is a signed size: larger requests fail


def alloc_bstr(ctx, nbytes: int, data: bytes | None = None) -> int:
    """A new BSTR of nbytes bytes (data, or zeros), terminated; 0 when too large or out of memory."""
    if nbytes > MAX_BYTES:
        return 0
    block = task_alloc(ctx, 4 + nbytes + 2)
    if not block:
        return 0
    body = (data or b"")[:nbytes]
    ctx.write(block, struct.pack("<I", nbytes) + body + bytes(nbytes - len(body)) + b"\0\0")
    return block + 4


def free_bstr(ctx, bstr: int) -> None:
    if bstr:
        task_free(ctx, bstr - 4)


def bstr_bytes(ctx, bstr: int) -> int:
    return ctx.read_u32(bstr - 4) if bstr else 0


@export
@probe
def SysAllocString(ctx, psz: LPWSTR) -> LPWSTR:
    if not psz:
        return 0
    data = ctx.read_wcstr(psz)
    return alloc_bstr(ctx, len(data), data)


@export
@probe
def SysAllocStringLen(ctx, strIn: LPWSTR, ui: UINT) -> LPWSTR:
    if ui > MAX_BYTES // 2:
        return 0
    return alloc_bstr(ctx, 2 * ui, bytes(ctx.read(strIn, 2 * ui)) if strIn and ui else None)


@export
@probe
def SysAllocStringByteLen(ctx, psz: LPSTR, len: UINT) -> LPWSTR:
    if len > MAX_BYTES:
        return 0
    return alloc_bstr(ctx, len, bytes(ctx.read(psz, len)) if psz and len else None)


@export
@probe
def SysReAllocString(ctx, pbstr: PVOID, psz: LPWSTR) -> INT:
    if not pbstr:
        return 0
    data = ctx.read_wcstr(psz) if psz else None        # read first: psz may point into the old BSTR
    new = alloc_bstr(ctx, len(data), data) if data is not None else 0
    if data is not None and not new:
        return 0
    free_bstr(ctx, ctx.read_u32(pbstr))
    ctx.write_u32(pbstr, new)
    return 1


@export
@probe
def SysReAllocStringLen(ctx, pbstr: PVOID, psz: LPWSTR, len: UINT) -> INT:
    if not pbstr or len > MAX_BYTES // 2:
        return 0
    old = ctx.read_u32(pbstr)
    if psz:
        data = bytes(ctx.read(psz, 2 * len)) if len else b""
    else:                                               # NULL: the old characters are kept (as realloc)
        data = bytes(ctx.read(old, min(bstr_bytes(ctx, old), 2 * len))) if old else b""
    new = alloc_bstr(ctx, 2 * len, data)
    if not new:
        return 0
    free_bstr(ctx, old)
    ctx.write_u32(pbstr, new)
    return 1


@export
def SysFreeString(ctx, bstrString: LPWSTR) -> None:
    free_bstr(ctx, bstrString)


@export
@probe
def SysStringLen(ctx, pbstr: LPWSTR) -> UINT:
    return bstr_bytes(ctx, pbstr) // 2


@export
@probe
def SysStringByteLen(ctx, bstr: LPWSTR) -> UINT:
    return bstr_bytes(ctx, bstr)


# -- VARIANT --------------------------------------------------------------------------------------------
VT_EMPTY, VT_NULL, VT_BSTR, VT_DISPATCH, VT_UNKNOWN, VT_VOID, VT_RECORD, VT_CLSID = 0, 1, 8, 9, 13, 24, 36, 72
VT_VECTOR, VT_ARRAY, VT_BYREF, VT_RESERVED, VT_TYPEMASK = 0x1000, 0x2000, 0x4000, 0x8000, 0x0FFF
DISP_E_BADVARTYPE = 0x80020008
E_POINTER = 0x80004003


def validate_type(vt: int) -> bool:
    """VARIANT_ValidateType: the VARTYPEs a VARIANT may hold."""
    extra = vt & (VT_VECTOR | VT_ARRAY | VT_BYREF | VT_RESERVED)
    base = vt & VT_TYPEMASK
    if extra & (VT_VECTOR | VT_RESERVED):
        return False
    if base < VT_VOID or base in (VT_RECORD, VT_CLSID):
        if extra & (VT_BYREF | VT_ARRAY) and base <= VT_NULL:
            return False
        return base != 15
    return False


@export
@probe
def VariantInit(ctx, pvarg: PVOID) -> None:
    ctx.write_u16(pvarg, VT_EMPTY)               # only vt: Windows leaves the reserved words alone


@export
def VariantClear(ctx, pvarg: PVOID) -> HRESULT:
    try:
        vt = ctx.read_u16(pvarg)
        value = ctx.read_u32(pvarg + 8)
        release = 0
        if vt in (VT_DISPATCH, VT_UNKNOWN) and value:
            release = ctx.read_u32(ctx.read_u32(value) + 8)     # IUnknown::Release, third in the vtable
    except MemoryFault:
        return E_POINTER                       # a bad pointer (Windows: an access violation in the caller)
    if not validate_type(vt):
        return DISP_E_BADVARTYPE
    if not vt & VT_BYREF:
        if vt & VT_ARRAY or vt & VT_TYPEMASK == VT_RECORD:
            raise UnsupportedApi(f"oleaut32!VariantClear of a variant holding a "
                                 f"{'SAFEARRAY' if vt & VT_ARRAY else 'record'} (vt={vt:#x}) is not implemented")
        if vt == VT_BSTR:
            free_bstr(ctx, value)
        elif release:
            yield GuestCall(release, (value,), f"IUnknown::Release({value:#x}) for VariantClear")
    ctx.write_u16(pvarg, VT_EMPTY)
    return 0


@export
def VariantCopy(ctx, pvargDest: PVOID, pvargSrc: PVOID) -> HRESULT:
    """Clear the destination, then copy: a BSTR is duplicated (SysAllocStringByteLen of its bytes),
    an interface pointer is AddRef'ed, other simple types are copied as they are."""
    try:
        vt = ctx.read_u16(pvargSrc)
        raw = bytes(ctx.read(pvargSrc, 16))
    except MemoryFault:
        return E_POINTER
    if not validate_type(vt):
        return DISP_E_BADVARTYPE
    if pvargDest == pvargSrc:
        return 0
    if not vt & VT_BYREF and (vt & VT_ARRAY or vt & VT_TYPEMASK == VT_RECORD):
        raise UnsupportedApi(f"oleaut32!VariantCopy of a variant holding a "
                             f"{'SAFEARRAY' if vt & VT_ARRAY else 'record'} (vt={vt:#x}) is not implemented")
    hr = yield from VariantClear(ctx, pvargDest)
    if hr:
        return hr
    value = struct.unpack_from("<I", raw, 8)[0]
    if vt == VT_BSTR and value:
        copy = alloc_bstr(ctx, bstr_bytes(ctx, value), bytes(ctx.read(value, bstr_bytes(ctx, value))))
        raw = raw[:8] + struct.pack("<I", copy) + raw[12:]
    ctx.write(pvargDest, raw)
    if vt in (VT_DISPATCH, VT_UNKNOWN) and value:
        add_ref = ctx.read_u32(ctx.read_u32(value) + 4)
        yield GuestCall(add_ref, (value,), f"IUnknown::AddRef({value:#x}) for VariantCopy")
    return 0
