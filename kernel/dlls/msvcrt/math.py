"""math.h on x86: double arguments on the stack, results in ST0 (the DOUBLE return type), errno
EDOM/ERANGE as msvcrt sets them; domain errors give the x86 "indefinite" NaN (-1.#IND), overflows
+-infinity.  The _CI* intrinsics (what MSVC emits for sqrt, pow ...) take their arguments on the x87
stack (ST0, and ST1 for the two-argument ones) and leave the result in ST0."""
from __future__ import annotations

import math
import struct

from emu import x87

from ...hle.registry import export
from ...hle.types import DOUBLE, INT, LONGLONG, PVOID, VOID
from .crt import set_errno

EDOM, ERANGE = 33, 34
IND = struct.unpack("<d", struct.pack("<Q", 0xFFF8000000000000))[0]     # -1.#IND
INF = float("inf")


def _checked(ctx, fn, *args) -> float:
    """Run a libm function with msvcrt's error conventions."""
    if any(a != a for a in args):
        return args[0] if args[0] != args[0] else args[-1]        # NaN in, the NaN out (quiet)
    try:
        r = fn(*args)
    except ValueError:
        set_errno(ctx, EDOM)
        return IND
    except OverflowError:
        set_errno(ctx, ERANGE)
        return INF
    if r in (INF, -INF) and all(a not in (INF, -INF) for a in args):
        set_errno(ctx, ERANGE)
    return r


def _log(ctx, fn, x: float) -> float:
    if x == 0:
        set_errno(ctx, ERANGE)
        return -INF
    if x < 0:
        set_errno(ctx, EDOM)
        return IND
    return _checked(ctx, fn, x)


def _pow(ctx, x: float, y: float) -> float:
    if x == 0 and y < 0:
        set_errno(ctx, ERANGE)
        return INF if (y == int(y) and int(y) % 2 == 0) or math.copysign(1, x) > 0 else -INF
    return _checked(ctx, math.pow, x, y)


def _unary(name: str, fn):
    def handler(ctx, x: DOUBLE) -> DOUBLE:
        return _checked(ctx, fn, x)
    handler.__name__ = handler.__qualname__ = name
    h = export(handler, name=name, conv="cdecl")
    h.__module__ = __name__
    return h


sqrt = _unary("sqrt", math.sqrt)
floor = _unary("floor", math.floor)
ceil = _unary("ceil", math.ceil)
fabs = _unary("fabs", math.fabs)
sin = _unary("sin", math.sin)
cos = _unary("cos", math.cos)
tan = _unary("tan", math.tan)
asin = _unary("asin", math.asin)
acos = _unary("acos", math.acos)
atan = _unary("atan", math.atan)
sinh = _unary("sinh", math.sinh)
cosh = _unary("cosh", math.cosh)
tanh = _unary("tanh", math.tanh)
exp = _unary("exp", math.exp)


@export(conv="cdecl")
def log(ctx, x: DOUBLE) -> DOUBLE:
    return _log(ctx, math.log, x)


@export(conv="cdecl")
def log10(ctx, x: DOUBLE) -> DOUBLE:
    return _log(ctx, math.log10, x)


@export(conv="cdecl")
def pow(ctx, x: DOUBLE, y: DOUBLE) -> DOUBLE:
    return _pow(ctx, x, y)


@export(conv="cdecl")
def atan2(ctx, y: DOUBLE, x: DOUBLE) -> DOUBLE:
    return _checked(ctx, math.atan2, y, x)


@export(conv="cdecl")
def fmod(ctx, x: DOUBLE, y: DOUBLE) -> DOUBLE:
    if y == 0 or x in (INF, -INF):
        set_errno(ctx, EDOM)
        return IND
    return _checked(ctx, math.fmod, x, y)


@export(conv="cdecl")
def _hypot(ctx, x: DOUBLE, y: DOUBLE) -> DOUBLE:
    return _checked(ctx, math.hypot, x, y)


@export(conv="cdecl")
def ldexp(ctx, x: DOUBLE, exp: INT) -> DOUBLE:
    return _checked(ctx, math.ldexp, x, exp)


@export(conv="cdecl")
def frexp(ctx, x: DOUBLE, expptr: PVOID) -> DOUBLE:
    if x != x or x in (INF, -INF):
        ctx.write_u32(expptr, 0)
        return x
    m, e = math.frexp(x)
    ctx.write_u32(expptr, e & 0xFFFFFFFF)
    return m


@export(conv="cdecl")
def modf(ctx, x: DOUBLE, intptr: PVOID) -> DOUBLE:
    frac, whole = math.modf(x) if x == x else (x, x)
    ctx.write(intptr, struct.pack("<d", whole))
    return frac


@export(conv="cdecl")
def _finite(ctx, x: DOUBLE) -> INT:
    return int(math.isfinite(x))


@export(conv="cdecl")
def _isnan(ctx, x: DOUBLE) -> INT:
    return int(x != x)


@export(conv="cdecl")
def _copysign(ctx, x: DOUBLE, y: DOUBLE) -> DOUBLE:
    return math.copysign(x, y)


@export(conv="cdecl")
def _chgsign(ctx, x: DOUBLE) -> DOUBLE:
    return -x


# -- the _CI intrinsics: arguments and result on the x87 stack ----------------------------------------
def _ci_unary(name: str, fn):
    def handler(ctx) -> VOID:
        m = ctx.machine
        x = x87.pop(m)
        x87.push(m, fn(ctx, x))
    handler.__name__ = handler.__qualname__ = name
    h = export(handler, name=name, conv="cdecl")
    h.__module__ = __name__
    return h


def _ci_binary(name: str, fn):
    def handler(ctx) -> VOID:
        m = ctx.machine
        y = x87.pop(m)             # ST0: the second operand
        x = x87.pop(m)             # ST1: the first
        x87.push(m, fn(ctx, x, y))
    handler.__name__ = handler.__qualname__ = name
    h = export(handler, name=name, conv="cdecl")
    h.__module__ = __name__
    return h


_CIsqrt = _ci_unary("_CIsqrt", lambda ctx, x: _checked(ctx, math.sqrt, x))
_CIsin = _ci_unary("_CIsin", lambda ctx, x: _checked(ctx, math.sin, x))
_CIcos = _ci_unary("_CIcos", lambda ctx, x: _checked(ctx, math.cos, x))
_CItan = _ci_unary("_CItan", lambda ctx, x: _checked(ctx, math.tan, x))
_CIasin = _ci_unary("_CIasin", lambda ctx, x: _checked(ctx, math.asin, x))
_CIacos = _ci_unary("_CIacos", lambda ctx, x: _checked(ctx, math.acos, x))
_CIatan = _ci_unary("_CIatan", lambda ctx, x: _checked(ctx, math.atan, x))
_CIsinh = _ci_unary("_CIsinh", lambda ctx, x: _checked(ctx, math.sinh, x))
_CIcosh = _ci_unary("_CIcosh", lambda ctx, x: _checked(ctx, math.cosh, x))
_CItanh = _ci_unary("_CItanh", lambda ctx, x: _checked(ctx, math.tanh, x))
_CIexp = _ci_unary("_CIexp", lambda ctx, x: _checked(ctx, math.exp, x))
_CIlog = _ci_unary("_CIlog", lambda ctx, x: _log(ctx, math.log, x))
_CIlog10 = _ci_unary("_CIlog10", lambda ctx, x: _log(ctx, math.log10, x))
_CIpow = _ci_binary("_CIpow", _pow)
_CIatan2 = _ci_binary("_CIatan2", lambda ctx, y, x: _checked(ctx, math.atan2, y, x))
_CIfmod = _ci_binary("_CIfmod", lambda ctx, x, y: fmod(ctx, x, y))


@export(conv="cdecl")
def _controlfp(ctx, new: INT, mask: INT) -> INT:
    """The CRT's abstract floating-point control word: bits in `mask` take `new`'s values; returns
    the resulting word.  (Kept per process; the emulated x87 control word is not changed.)"""
    from .crt import crt
    state = crt(ctx)
    mask &= 0xFFFFFFFF
    state.controlfp = ((state.controlfp & ~mask) | (new & mask)) & 0xFFFFFFFF
    return state.controlfp


@export(conv="cdecl")
def _ftol(ctx) -> LONGLONG:
    """The compiler helper for (long long)x: ST0 truncated toward zero in EDX:EAX, ST0 popped; out
    of range or NaN gives the integer indefinite 0x8000000000000000."""
    value = x87.pop(ctx.machine)
    if value != value or not (-2.0 ** 63 <= value < 2.0 ** 63):
        return -(1 << 63)
    return int(value)


@export(conv="cdecl")
def _fpreset(ctx) -> VOID:
    """float.h: reinitializes the floating-point package: the x87 as FNINIT leaves it (an empty
    stack, no pending exceptions) with the control word the runtime starts with (0x27F: all
    exceptions masked, 53-bit precision, round to nearest), and the abstract control word
    _controlfp reports back at its start-up value."""
    from emu import x87
    from .crt import CW_DEFAULT, crt
    crt(ctx).controlfp = CW_DEFAULT
    x87.fninit(ctx.machine, 0x27F)
