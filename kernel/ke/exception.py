"""Exceptions, the kernel half: KiDispatchException.

A CPU fault (or a raised exception) becomes an EXCEPTION_RECORD and a CONTEXT copied to the user
stack, and the thread continues at ntdll!KiUserExceptionDispatcher, where RtlDispatchException runs
the vectored handlers and the fs:[0] chain (kernel/dlls/ntdll/exception.py).  If user mode cannot
handle it (second chance, or no room on the stack) the process ends with the exception code.
"""
from __future__ import annotations

import struct

from emu.context import CONTEXT_FULL, CONTEXT_SIZE, capture
from emu.cpu import ACCESS_EXECUTE

from kernel.ke.dispatch import Request
from kernel.rtl.status import STATUS

EXCEPTION_RECORD_SIZE = 0x50
EXCEPTION_NONCONTINUABLE = 0x1
EXCEPTION_MAXIMUM_PARAMETERS = 15

# CPU exception vector -> NTSTATUS (the Windows x86 trap handlers' mapping)
VECTOR_STATUS = {
    0: "STATUS_INTEGER_DIVIDE_BY_ZERO", 1: "STATUS_SINGLE_STEP", 3: "STATUS_BREAKPOINT",
    4: "STATUS_INTEGER_OVERFLOW", 5: "STATUS_ARRAY_BOUNDS_EXCEEDED", 6: "STATUS_ILLEGAL_INSTRUCTION",
    13: "STATUS_PRIVILEGED_INSTRUCTION", 16: "STATUS_FLOAT_INVALID_OPERATION",
    19: "STATUS_FLOAT_INVALID_OPERATION",
}


def exception_record(code: int, address: int, params=(), flags: int = 0, nested: int = 0) -> bytes:
    params = list(params)[:EXCEPTION_MAXIMUM_PARAMETERS]
    rec = struct.pack("<IIIII", code & 0xFFFFFFFF, flags, nested, address, len(params))
    rec += struct.pack(f"<{len(params)}I", *params) if params else b""
    return rec.ljust(EXCEPTION_RECORD_SIZE, b"\0")


def record_for_fault(machine, fault) -> tuple[bytes, bytearray]:
    """The EXCEPTION_RECORD and CONTEXT Windows builds for a CPU fault."""
    ctx = capture(machine, CONTEXT_FULL | 0x8 | 0x20)
    struct.pack_into("<I", ctx, 0xB8, fault.eip)
    if fault.kind == "memory":
        code = STATUS["STATUS_ACCESS_VIOLATION"]
        if fault.mapped and fault.guard:
            code = STATUS["STATUS_GUARD_PAGE_VIOLATION"]
        rec = exception_record(code, fault.eip, (fault.access if fault.access != ACCESS_EXECUTE else 8,
                                                 fault.address))
    else:
        code = STATUS[VECTOR_STATUS.get(fault.vector, "STATUS_ILLEGAL_INSTRUCTION")]
        eip = fault.eip
        if fault.vector == 3:
            # the trap leaves EIP after the int3; Windows backs the context up onto it (x86 KiDispatchException)
            eip = fault.trap_eip - 1
            struct.pack_into("<I", ctx, 0xB8, eip)
            params = (0,)                         # BREAKPOINT_BREAK
        elif fault.vector == 1:
            eip = fault.trap_eip
            struct.pack_into("<I", ctx, 0xB8, eip)
            params = ()
        else:
            params = ()
        rec = exception_record(code, eip, params)
    return rec, ctx


class ExceptionMixin:
    """KiDispatchException and its helpers (mixed into kernel.system.Kernel)."""

    def dispatch_exception(self, thread, record: bytes, context: bytes, *, first_chance: bool = True,
                           report=None) -> None:
        """Deliver an exception to user mode: frame on the user stack, EIP = KiUserExceptionDispatcher."""
        process = thread.process
        m = process.machine
        code = struct.unpack_from("<I", record, 0)[0]
        if report is not None:
            thread.exception_reports.append(report)
        if not first_chance:
            self.unhandled_exception(thread, code)
            return
        esp = struct.unpack_from("<I", context, 0xC4)[0]
        ctx_addr = (esp & ~3) - CONTEXT_SIZE
        rec_addr = ctx_addr - EXCEPTION_RECORD_SIZE
        frame = rec_addr - 8
        if not self._stack_room(process, thread, frame, esp - frame):
            # no room to deliver it: Windows ends the process (as with an unhandled stack overflow)
            self.unhandled_exception(thread, code)
            return
        m.write(ctx_addr, bytes(context))
        m.write(rec_addr, bytes(record))
        m.write(frame, struct.pack("<II", rec_addr, ctx_addr))
        m.set_reg("esp", frame)
        # the dispatcher itself must not trap: TF is cleared in the CPU (the CONTEXT keeps it)
        m.set_reg("eflags", m.reg("eflags") & ~0x100)
        dispatcher = self.export_address(process, "ntdll.dll", "KiUserExceptionDispatcher")
        thread.request = Request("return", eip=dispatcher)
        self.trace.event("exception", f"{code:#010x} at {self.describe_address(process, struct.unpack_from('<I', record, 12)[0])}"
                         f" delivered to KiUserExceptionDispatcher", thread=thread.tid)

    def _stack_room(self, process, thread, low: int, size: int) -> bool:
        """Whether [low, low+size) can be written (committing guard pages on the way, as stack growth)."""
        mem = process.memory
        from emu.memory import PAGE_GUARD, PAGE_READWRITE, PAGE_SIZE
        page = low & ~(PAGE_SIZE - 1)
        end = low + size
        while page < end:
            prot = mem.page_protection(page)
            if prot is None or prot == 0:
                if thread.stack_allocation + PAGE_SIZE <= page < thread.stack_base:
                    mem.commit(page, PAGE_SIZE, PAGE_READWRITE)
                else:
                    return False
            elif prot & PAGE_GUARD:
                mem.clear_guard(page)
            elif not prot & 0xCC:
                return False
            page += PAGE_SIZE
        return True

    def raise_exception(self, thread, record: bytes, context: bytes) -> None:
        """NtRaiseException/RtlRaiseException from user mode: dispatch it like a fault."""
        self.dispatch_exception(thread, record, context)
        self.reschedule = True
        thread.process.machine.stop()
