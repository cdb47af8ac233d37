"""The i386 CONTEXT record <-> the CPU's registers.

The x86 CONTEXT layout is the CPU's own save format (it does not change between Windows versions):
0x2CC bytes, with the FXSAVE image in ExtendedRegisters.  `capture` fills one from the CPU for the
parts named by its ContextFlags; `apply` loads the CPU from one.
"""
from __future__ import annotations

import struct

from unicorn import x86_const as X

CONTEXT_i386 = 0x00010000
CONTEXT_CONTROL = CONTEXT_i386 | 0x01
CONTEXT_INTEGER = CONTEXT_i386 | 0x02
CONTEXT_SEGMENTS = CONTEXT_i386 | 0x04
CONTEXT_FLOATING_POINT = CONTEXT_i386 | 0x08
CONTEXT_DEBUG_REGISTERS = CONTEXT_i386 | 0x10
CONTEXT_EXTENDED_REGISTERS = CONTEXT_i386 | 0x20
CONTEXT_FULL = CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS
CONTEXT_ALL = CONTEXT_FULL | CONTEXT_FLOATING_POINT | CONTEXT_DEBUG_REGISTERS | CONTEXT_EXTENDED_REGISTERS

CONTEXT_SIZE = 0x2CC
OFF_FLOATSAVE = 0x1C
OFF_EXTENDED = 0xCC

# (offset, unicorn register) by ContextFlags group
_CONTROL = ((0xB4, X.UC_X86_REG_EBP), (0xB8, X.UC_X86_REG_EIP), (0xBC, X.UC_X86_REG_CS),
            (0xC0, X.UC_X86_REG_EFLAGS), (0xC4, X.UC_X86_REG_ESP), (0xC8, X.UC_X86_REG_SS))
_INTEGER = ((0x9C, X.UC_X86_REG_EDI), (0xA0, X.UC_X86_REG_ESI), (0xA4, X.UC_X86_REG_EBX),
            (0xA8, X.UC_X86_REG_EDX), (0xAC, X.UC_X86_REG_ECX), (0xB0, X.UC_X86_REG_EAX))
_SEGMENTS = ((0x8C, X.UC_X86_REG_GS), (0x90, X.UC_X86_REG_FS), (0x94, X.UC_X86_REG_ES),
             (0x98, X.UC_X86_REG_DS))
_XMM = tuple(getattr(X, f"UC_X86_REG_XMM{i}") for i in range(8))

# EFLAGS bits a user-mode CONTEXT may change (the kernel sanitizes the rest, as Windows does)
EFLAGS_USER_MASK = 0x00DD5
EFLAGS_IF = 0x200


def capture(machine, flags: int = CONTEXT_FULL) -> bytearray:
    """A CONTEXT of the machine's CPU state for the groups in `flags`."""
    uc = machine.uc
    ctx = bytearray(CONTEXT_SIZE)
    struct.pack_into("<I", ctx, 0, flags)
    groups = []
    if flags & 0x01:
        groups.append(_CONTROL)
    if flags & 0x02:
        groups.append(_INTEGER)
    if flags & 0x04:
        groups.append(_SEGMENTS)
    for group in groups:
        for off, reg in group:
            struct.pack_into("<I", ctx, off, uc.reg_read(reg) & 0xFFFFFFFF)
    if flags & 0x08:
        struct.pack_into("<III", ctx, OFF_FLOATSAVE, uc.reg_read(X.UC_X86_REG_FPCW),
                         uc.reg_read(X.UC_X86_REG_FPSW), uc.reg_read(X.UC_X86_REG_FPTAG))
    if flags & 0x20:
        ext = OFF_EXTENDED
        struct.pack_into("<HH", ctx, ext, uc.reg_read(X.UC_X86_REG_FPCW), uc.reg_read(X.UC_X86_REG_FPSW))
        struct.pack_into("<I", ctx, ext + 24, uc.reg_read(X.UC_X86_REG_MXCSR))
        for i, reg in enumerate(_XMM):
            value = uc.reg_read(reg)
            ctx[ext + 160 + 16 * i: ext + 176 + 16 * i] = value.to_bytes(16, "little")
    return ctx


def apply(machine, ctx: bytes, *, user_mode: bool = True) -> None:
    """Load the machine's CPU from a CONTEXT, honouring its ContextFlags."""
    uc = machine.uc
    flags = struct.unpack_from("<I", ctx, 0)[0]
    if flags & 0x02:
        for off, reg in _INTEGER:
            uc.reg_write(reg, struct.unpack_from("<I", ctx, off)[0])
    if flags & 0x01:
        ebp, eip, _cs, eflags, esp, _ss = struct.unpack_from("<6I", ctx, 0xB4)
        if user_mode:
            # selectors stay the user ones; IF stays set, privileged flags cannot be forged
            eflags = (eflags & EFLAGS_USER_MASK) | EFLAGS_IF | 0x2 | (eflags & 0x100)
        uc.reg_write(X.UC_X86_REG_EBP, ebp)
        uc.reg_write(X.UC_X86_REG_ESP, esp)
        uc.reg_write(X.UC_X86_REG_EFLAGS, eflags)
        uc.reg_write(X.UC_X86_REG_EIP, eip)
    if flags & 0x08:
        cw, sw = struct.unpack_from("<II", ctx, OFF_FLOATSAVE)
        uc.reg_write(X.UC_X86_REG_FPCW, cw & 0xFFFF)
        uc.reg_write(X.UC_X86_REG_FPSW, sw & 0xFFFF)
    if flags & 0x20:
        ext = OFF_EXTENDED
        uc.reg_write(X.UC_X86_REG_MXCSR, struct.unpack_from("<I", ctx, ext + 24)[0] & 0xFFBF)
        for i, reg in enumerate(_XMM):
            uc.reg_write(reg, int.from_bytes(ctx[ext + 160 + 16 * i: ext + 176 + 16 * i], "little"))
