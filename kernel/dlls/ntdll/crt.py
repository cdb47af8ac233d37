"""ntdll's C runtime exports (Windows 7's ntdll exports about 200: strings, memory, the
_vsnprintf family, integer conversions, ctype, qsort/bsearch, and the compiler's 64-bit
arithmetic helpers).

Where msvcrt's handlers implement a function, ntdll exports the same handler: the semantics are
the same for these.  Known differences of the real ntdll, not reproduced: its printf family
formats no floating point, and its ctype and case functions know the "C" locale only (ntboot's
msvcrt starts in the "C" locale too, so they agree unless a program calls setlocale).

The 64-bit helpers the compiler calls for `long long` arithmetic are ntdll's own (msvcrt does not
export them): `_allmul`, `_alldiv`, `_aulldiv`, `_allrem`, `_aullrem` take two 64-bit stack
operands and pop them (stdcall, 16 bytes) returning EDX:EAX; the shifts take the value in EDX:EAX
and the count in CL; `_alldvrm`/`_aulldvrm` return the quotient in EDX:EAX and the remainder in
EBX:ECX.  Division by zero raises STATUS_INTEGER_DIVIDE_BY_ZERO as the real `div` instruction does.
"""
from __future__ import annotations

import dataclasses


from ...hle.registry import export
from ...hle.types import LONGLONG, ULONGLONG

_M64 = (1 << 64) - 1


class _Shared:
    """msvcrt's handler of a function exported by ntdll too (its own ApiSpec, so that the
    'which DLL' of each copy stays right)."""

    def __init__(self, api):
        self.__hle__ = dataclasses.replace(api)
        self.__module__ = __name__


def hle_populate() -> None:
    """Add msvcrt's handlers of ntdll's C runtime exports to this module (run by
    DllSpec.handlers(); not at import, since msvcrt imports kernel32, which imports ntdll)."""
    if "_shared_wcslen" not in globals():
        globals().update(_shared())


def _shared() -> dict:
    from ..export_lists import load_export_list
    from ..msvcrt import ctype, math, stdio, stdlib, string
    ntdll_names = load_export_list("ntdll")
    out = {}
    for module in (ctype, math, stdio, stdlib, string):
        for obj in vars(module).values():
            api = getattr(obj, "__hle__", None)
            if api is None or getattr(obj, "__module__", None) != module.__name__:
                continue
            if api.name in ntdll_names and (api.name[:1].islower() or api.name.startswith("_")):
                out["_shared_" + api.name] = _Shared(api)
    return out


def _signed(v: int) -> int:
    v &= _M64
    return v - (1 << 64) if v >> 63 else v


def _divide_by_zero(ctx) -> int:
    """The `div` of the real helper faults: STATUS_INTEGER_DIVIDE_BY_ZERO at the call (a handler
    that resumes continues after it, with 0)."""
    from kernel.ke.exception import exception_record
    from kernel.rtl.status import STATUS
    from .exception import raise_from_call
    raise_from_call(ctx, exception_record(STATUS["STATUS_INTEGER_DIVIDE_BY_ZERO"], ctx.return_eip))
    return 0


def _trunc_div(a: int, b: int) -> tuple[int, int]:
    """C division: the quotient rounds toward zero, the remainder has the dividend's sign."""
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return q, a - q * b


@export
def _allmul(ctx, a: LONGLONG, b: LONGLONG) -> LONGLONG:
    return (a * b) & _M64


@export
def _alldiv(ctx, a: LONGLONG, b: LONGLONG) -> LONGLONG:
    if b == 0:
        return _divide_by_zero(ctx)
    return _trunc_div(_signed(a), _signed(b))[0] & _M64


@export
def _allrem(ctx, a: LONGLONG, b: LONGLONG) -> LONGLONG:
    if b == 0:
        return _divide_by_zero(ctx)
    return _trunc_div(_signed(a), _signed(b))[1] & _M64


@export
def _aulldiv(ctx, a: ULONGLONG, b: ULONGLONG) -> ULONGLONG:
    if b == 0:
        return _divide_by_zero(ctx)
    return (a & _M64) // (b & _M64)


@export
def _aullrem(ctx, a: ULONGLONG, b: ULONGLONG) -> ULONGLONG:
    if b == 0:
        return _divide_by_zero(ctx)
    return (a & _M64) % (b & _M64)


def _set_ebx_ecx(ctx, value: int) -> None:
    ctx.machine.set_reg("ecx", value & 0xFFFFFFFF)
    ctx.machine.set_reg("ebx", (value >> 32) & 0xFFFFFFFF)


@export
def _alldvrm(ctx, a: LONGLONG, b: LONGLONG) -> LONGLONG:
    if b == 0:
        return _divide_by_zero(ctx)
    q, r = _trunc_div(_signed(a), _signed(b))
    _set_ebx_ecx(ctx, r & _M64)
    return q & _M64


@export
def _aulldvrm(ctx, a: ULONGLONG, b: ULONGLONG) -> ULONGLONG:
    if b == 0:
        return _divide_by_zero(ctx)
    q, r = divmod(a & _M64, b & _M64)
    _set_ebx_ecx(ctx, r)
    return q


def _edx_eax_cl(ctx) -> tuple[int, int]:
    m = ctx.machine
    value = (m.reg("edx") << 32) | m.reg("eax")
    return value, m.reg("ecx") & 0xFF


@export(conv="cdecl")            # no stack operands: EDX:EAX and CL
def _allshl(ctx) -> LONGLONG:
    value, count = _edx_eax_cl(ctx)
    return 0 if count >= 64 else (value << count) & _M64


@export(conv="cdecl")            # no stack operands: EDX:EAX and CL
def _allshr(ctx) -> LONGLONG:
    value, count = _edx_eax_cl(ctx)
    return (_signed(value) >> min(count, 63)) & _M64


@export(conv="cdecl")            # no stack operands: EDX:EAX and CL
def _aullshr(ctx) -> ULONGLONG:
    value, count = _edx_eax_cl(ctx)
    return 0 if count >= 64 else value >> count
