"""The x87 register stack through Unicorn: push and pop ST0 as Python floats.

Unicorn exposes the physical registers FP0..FP7 as (64-bit mantissa, 16-bit sign+exponent); ST(i)
is FP[(TOP + i) & 7] with TOP in bits 11..13 of the status word.  The tag word is written so that
the pushed register is valid and a popped one empty.
"""
from __future__ import annotations

import math
import struct

from unicorn.x86_const import UC_X86_REG_FP0, UC_X86_REG_FPCW, UC_X86_REG_FPSW, UC_X86_REG_FPTAG


def double_to_x87(value: float) -> tuple[int, int]:
    """An IEEE double as the 80-bit extended (mantissa with explicit integer bit, sign|exponent)."""
    bits = struct.unpack("<Q", struct.pack("<d", value))[0]
    sign = bits >> 63
    exp = (bits >> 52) & 0x7FF
    frac = bits & ((1 << 52) - 1)
    if exp == 0x7FF:                                   # inf / NaN (payload kept, quiet bit too)
        return (1 << 63) | (frac << 11), sign << 15 | 0x7FFF
    if exp == 0:
        if frac == 0:
            return 0, sign << 15
        top = frac.bit_length() - 1                    # denormal: normalize (frac * 2**-1074)
        return frac << (63 - top), sign << 15 | (16383 + top - 1074)
    return (1 << 63) | (frac << 11), sign << 15 | (exp - 1023 + 16383)


def x87_to_double(mantissa: int, sign_exp: int) -> float:
    sign = sign_exp >> 15
    exp = sign_exp & 0x7FFF
    if exp == 0x7FFF:
        frac = (mantissa >> 11) & ((1 << 52) - 1)
        bits = sign << 63 | 0x7FF << 52 | frac
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    if mantissa == 0:
        return -0.0 if sign else 0.0
    value = math.ldexp(mantissa, (exp or 1) - 16383 - 63)
    return -value if sign else value


def _top(uc) -> int:
    return (uc.reg_read(UC_X86_REG_FPSW) >> 11) & 7


def push(machine, value: float) -> None:
    """Push a double on the x87 stack (how x86 functions return one, in ST0)."""
    uc = machine.uc
    sw = uc.reg_read(UC_X86_REG_FPSW)
    top = ((sw >> 11) - 1) & 7
    uc.reg_write(UC_X86_REG_FP0 + top, double_to_x87(value))
    uc.reg_write(UC_X86_REG_FPSW, (sw & ~0x3800) | top << 11)
    uc.reg_write(UC_X86_REG_FPTAG, uc.reg_read(UC_X86_REG_FPTAG) & ~(3 << (2 * top)))


def read_st(machine, i: int = 0) -> float:
    uc = machine.uc
    reg = uc.reg_read(UC_X86_REG_FP0 + ((_top(uc) + i) & 7))
    return x87_to_double(reg[0], reg[1])


def pop(machine) -> float:
    uc = machine.uc
    value = read_st(machine, 0)
    sw = uc.reg_read(UC_X86_REG_FPSW)
    top = (sw >> 11) & 7
    uc.reg_write(UC_X86_REG_FPTAG, uc.reg_read(UC_X86_REG_FPTAG) | 3 << (2 * top))
    uc.reg_write(UC_X86_REG_FPSW, (sw & ~0x3800) | ((top + 1) & 7) << 11)
    return value


def fninit(machine, control_word: int = 0x37F) -> None:
    """The x87 as FNINIT leaves it (an empty stack, no pending exceptions), with `control_word`."""
    uc = machine.uc
    uc.reg_write(UC_X86_REG_FPCW, control_word)
    uc.reg_write(UC_X86_REG_FPSW, 0)
    uc.reg_write(UC_X86_REG_FPTAG, 0xFFFF)
