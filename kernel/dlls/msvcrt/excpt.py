"""msvcrt's SEH support for MSVC C code: _except_handler3 (the scope-table frame handler of
__try/__except/__finally) and _XcptFilter (the filter of the CRT start-up code).

_except_handler3's registration (VC "SEH3"): EBP-0x18 saved ESP, EBP-0x14 EXCEPTION_POINTERS*,
EBP-0x10 next, EBP-0x0C handler, EBP-8 scope table, EBP-4 try level; the scope table's entries are
{previous level, filter (NULL for __finally), handler}.  Filters and __finally blocks run with the
function's EBP; an __except block is entered by jumping there (it reloads ESP from EBP-0x18).
"""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import INT, PVOID
from kernel.ke.dispatch import GuestCall, ResumeContext

EXCEPTION_UNWINDING = 0x2
EXCEPTION_EXIT_UNWIND = 0x4
ExceptionContinueExecution, ExceptionContinueSearch = 0, 1
TRYLEVEL_NONE = 0xFFFFFFFF


def _pointers_block(ctx) -> int:
    t = ctx.thread
    if not t.seh3_pointers:
        t.seh3_pointers = ctx.process.heap.allocate(8, 0x8)
    return t.seh3_pointers


def local_unwind(ctx, frame: int, stop_level: int):
    """Generator: run the __finally blocks from the frame's try level down to stop_level."""
    table = ctx.read_u32(frame + 8)
    ebp = frame + 0x10
    level = ctx.read_u32(frame + 12)
    while level != TRYLEVEL_NONE and level != stop_level:
        prev, filt, handler = struct.unpack("<III", ctx.read(table + 12 * level, 12))
        ctx.write_u32(frame + 12, prev)
        if filt == 0 and handler:
            yield GuestCall(handler, (), "__finally block", regs={"ebp": ebp})
        level = prev


@export(conv="cdecl")
def _except_handler3(ctx, ExceptionRecord: PVOID, EstablisherFrame: PVOID, ContextRecord: PVOID,
                     DispatcherContext: PVOID) -> INT:
    frame = EstablisherFrame
    flags = ctx.read_u32(ExceptionRecord + 4)
    if flags & (EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND):
        yield from local_unwind(ctx, frame, TRYLEVEL_NONE)
        return ExceptionContinueSearch
    pointers = _pointers_block(ctx)
    ctx.write(pointers, struct.pack("<II", ExceptionRecord, ContextRecord))
    ctx.write_u32(frame - 4, pointers)
    table = ctx.read_u32(frame + 8)
    ebp = frame + 0x10
    level = ctx.read_u32(frame + 12)
    while level != TRYLEVEL_NONE:
        prev, filt, handler = struct.unpack("<III", ctx.read(table + 12 * level, 12))
        if filt:
            verdict = yield GuestCall(filt, (), "__except filter", regs={"ebp": ebp})
            verdict = struct.unpack("<i", struct.pack("<I", verdict & 0xFFFFFFFF))[0]
            if verdict < 0:
                return ExceptionContinueExecution
            if verdict > 0:
                rtl_unwind = ctx.kernel.export_address(ctx.process, "ntdll.dll", "RtlUnwind")
                yield GuestCall(rtl_unwind, (frame, 0, ExceptionRecord, 0), "RtlUnwind (__except)")
                yield from local_unwind(ctx, frame, level)
                ctx.write_u32(frame + 12, prev)
                from emu.context import CONTEXT_FULL, capture
                new = capture(ctx.machine, CONTEXT_FULL | 0x8 | 0x20)
                struct.pack_into("<I", new, 0xB8, handler)
                struct.pack_into("<I", new, 0xB4, ebp)
                struct.pack_into("<I", new, 0xC4, ctx.read_u32(frame - 8))
                teb_list = ctx.thread.teb + ctx.process.structs.TEB.offsetof("NtTib.ExceptionList")
                ctx.write_u32(teb_list, frame)
                yield ResumeContext(bytes(new))
        level = prev
    return ExceptionContinueSearch


@export(conv="cdecl")
def _XcptFilter(ctx, xcptnum: INT, pxcptinfoptrs: PVOID) -> INT:
    """The start-up code's filter: no signal handler for the exception (msvcrt's SIGSEGV/SIGFPE/SIGILL
    defaults) -> UnhandledExceptionFilter decides."""
    from ..ntdll.exception import unhandled_exception_filter
    return (yield from unhandled_exception_filter(ctx, pxcptinfoptrs))
