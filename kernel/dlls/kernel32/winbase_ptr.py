"""winbase.h / wow64apiset.h odds and ends: MulDiv, the IsBad*Ptr probes and IsWow64Process.

IsBadReadPtr, IsBadWritePtr, IsBadCodePtr and IsBadStringPtr touch every page of the range under a
structured exception handler on Windows: a page that is free, reserved, PAGE_NOACCESS (or, for writes,
not writable) makes them return TRUE.  A guard page raises STATUS_GUARD_PAGE_VIOLATION once, which the
probe catches (TRUE), and the guard is gone afterwards, as on Windows."""
from __future__ import annotations

from emu.memory import (PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY, PAGE_GUARD, PAGE_NOACCESS, PAGE_READWRITE,
                        PAGE_SIZE, PAGE_WRITECOPY)
from kernel.ob.handles import reference_object
from kernel.ps.process import EProcess

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, FARPROC, HANDLE, INT, LPBOOL, LPCVOID, LPVOID, UINT_PTR

WRITABLE = PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY


@export
def MulDiv(ctx, nNumber: INT, nNumerator: INT, nDenominator: INT) -> INT:
    """nNumber * nNumerator / nDenominator with a 64-bit intermediate, rounded half away from zero;
    -1 when nDenominator is 0 or the result does not fit in 32 bits."""
    if nDenominator == 0:
        return -1
    product = nNumber * nNumerator
    if nDenominator < 0:
        product, nDenominator = -product, -nDenominator
    quotient = (abs(product) + nDenominator // 2) // nDenominator
    result = quotient if product >= 0 else -quotient
    if not -0x80000000 <= result <= 0x7FFFFFFF:
        return -1
    return result


def _pages_ok(ctx, address: int, size: int, write: bool) -> bool:
    """Every page of [address, address+size) accessible (readable, or writable with `write`)."""
    if size == 0:
        return True
    end = address + size - 1
    if not address or end > 0xFFFFFFFF:
        return False
    memory = ctx.process.memory
    page = address & ~(PAGE_SIZE - 1)
    while page <= end:
        if page >= 0x80000000:
            return False
        protect = memory.page_protection(page)
        if not protect or protect & PAGE_NOACCESS:
            return False
        if protect & PAGE_GUARD:
            memory.clear_guard(page)           # the probe took the one-shot guard exception
            return False
        if write and not protect & WRITABLE:
            return False
        page += PAGE_SIZE
    return True


@export
def IsBadReadPtr(ctx, lp: LPCVOID, ucb: UINT_PTR) -> BOOL:
    return 0 if _pages_ok(ctx, lp, ucb, False) else 1


@export
def IsBadWritePtr(ctx, lp: LPVOID, ucb: UINT_PTR) -> BOOL:
    return 0 if _pages_ok(ctx, lp, ucb, True) else 1


@export
def IsBadHugeReadPtr(ctx, lp: LPCVOID, ucb: UINT_PTR) -> BOOL:
    return IsBadReadPtr(ctx, lp, ucb)


@export
def IsBadHugeWritePtr(ctx, lp: LPVOID, ucb: UINT_PTR) -> BOOL:
    return IsBadWritePtr(ctx, lp, ucb)


@export
def IsBadCodePtr(ctx, lpfn: FARPROC) -> BOOL:
    """Whether a byte at lpfn can be read (x86 has no separate execute check here)."""
    return 0 if _pages_ok(ctx, lpfn, 1, False) else 1


def _bad_string(ctx, address: int, max_chars: int, unit: int) -> int:
    """Reads up to max_chars characters or to the NUL, page by page: TRUE as soon as one cannot be read."""
    if max_chars == 0:
        return 0
    if not address:
        return 1
    position, remaining, carry = address, max_chars * unit, b""
    while remaining > 0:
        if position > 0xFFFFFFFF or not _pages_ok(ctx, position, 1, False):
            return 1
        n = min(PAGE_SIZE - (position & (PAGE_SIZE - 1)), remaining)
        data = carry + ctx.read(position, n)
        whole = len(data) - len(data) % unit
        if any(data[i:i + unit] == b"\0" * unit for i in range(0, whole, unit)):
            return 0
        carry = data[whole:]
        position += n
        remaining -= n
    return 0


@export
def IsBadStringPtrA(ctx, lpsz: LPVOID, ucchMax: UINT_PTR) -> BOOL:
    return _bad_string(ctx, lpsz, ucchMax, 1)


@export
def IsBadStringPtrW(ctx, lpsz: LPVOID, ucchMax: UINT_PTR) -> BOOL:
    return _bad_string(ctx, lpsz, ucchMax, 2)


@export
@probe
def IsWow64Process(ctx, hProcess: HANDLE, Wow64Process: LPBOOL) -> BOOL:
    """32-bit Windows 7 runs no process under WOW64: FALSE for every valid process handle."""
    reference_object(ctx, hProcess, EProcess)
    ctx.write_u32(Wow64Process, 0)
    return 1
