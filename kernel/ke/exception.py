"""Exceptions, the kernel half: KiDispatchException.

A CPU fault (or a raised exception) becomes an EXCEPTION_RECORD and a CONTEXT copied to the user
stack, and the thread continues at ntdll!KiUserExceptionDispatcher, where RtlDispatchException runs
the vectored handlers and the fs:[0] chain (kernel/dlls/ntdll/exception.py).  If user mode cannot
handle it (second chance, or no room on the stack) the process ends with the exception code.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from emu.context import CONTEXT_FULL, CONTEXT_SIZE, capture
from emu.cpu import ACCESS_EXECUTE, Fault
from emu.memory import PAGE_GUARD, PAGE_READWRITE, PAGE_SIZE

from kernel.ke.dispatch import Request
from kernel.ps.exit import terminate_process
from kernel.structs.guestmem import write_fields
from kernel.rtl.status import STATUS, status_name

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


@dataclass
class FaultReport:
    """What the run result says about the exception that ended a process."""
    code: int
    description: str
    eip: int
    location: str
    instruction: str
    registers: dict
    last_services: list
    stack: list
    record: bytes = b""                      # the EXCEPTION_RECORD as dispatched (code, flags, address, parameters)


class ExceptionDispatcher:
    """KiDispatchException and the fault path: CPU faults (stack growth, or an exception delivered
    to user mode), raised exceptions, and the report of the one that ends a process."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.fault_report: FaultReport | None = None   # the unhandled exception that ended the run

    def dispatch_exception(self, thread, record: bytes, context: bytes, *, first_chance: bool = True,
                           report=None) -> None:
        """Deliver an exception to user mode: frame on the user stack, EIP = KiUserExceptionDispatcher."""
        process = thread.process
        m = process.machine
        code = struct.unpack_from("<I", record, 0)[0]
        thread.last_exception_record = bytes(record[:EXCEPTION_RECORD_SIZE])   # for the report and minidump
        if report is not None:
            report.record = thread.last_exception_record
            thread.exception_reports.append(report)
        if not first_chance:
            self.unhandled_exception(thread, code)
            return
        esp = struct.unpack_from("<I", context, 0xC4)[0]
        ctx_addr = (esp & ~3) - CONTEXT_SIZE
        rec_addr = ctx_addr - EXCEPTION_RECORD_SIZE
        frame = rec_addr - 8
        if not stack_room(process, thread, frame, esp - frame):
            # no room to deliver it: Windows ends the process (as with an unhandled stack overflow)
            self.unhandled_exception(thread, code)
            return
        m.write(ctx_addr, bytes(context))
        m.write(rec_addr, bytes(record))
        m.write(frame, struct.pack("<II", rec_addr, ctx_addr))
        m.set_reg("esp", frame)
        # the dispatcher itself must not trap: TF is cleared in the CPU (the CONTEXT keeps it)
        m.set_reg("eflags", m.reg("eflags") & ~0x100)
        dispatcher = self.kernel.export_address(process, "ntdll.dll", "KiUserExceptionDispatcher")
        thread.request = Request("return", eip=dispatcher)
        self.kernel.trace.event("exception", f"{code:#010x} at {process.describe_address(struct.unpack_from('<I', record, 12)[0])}"
                         f" delivered to KiUserExceptionDispatcher", thread=thread.tid)

    def raise_exception(self, thread, record: bytes, context: bytes) -> None:
        """NtRaiseException/RtlRaiseException from user mode: dispatch it like a fault."""
        self.dispatch_exception(thread, record, context)
        self.kernel.scheduler.reschedule = True
        thread.process.machine.stop()

    def on_fault(self, thread, fault) -> None:
        """A CPU fault: stack growth is handled here (MmAccessFault); everything else becomes an
        exception delivered to user mode (KiDispatchException)."""
        process = thread.process
        m = process.machine
        mem = process.memory
        if fault.kind == "memory" and fault.mapped:
            prot = mem.page_protection(fault.address)
            if prot and prot & PAGE_GUARD:
                mem.clear_guard(fault.address)          # a guard page fires once
                fault.guard = True
                page = fault.address & ~(PAGE_SIZE - 1)
                if thread.stack_allocation <= page < thread.stack_base:
                    # stack growth: the next page down becomes the guard page; when no room is left
                    # for one, the access succeeds but STATUS_STACK_OVERFLOW is raised (MmAccessFault)
                    below = page - PAGE_SIZE
                    thread.stack_limit = page
                    write_fields(m.write, thread.teb, process.structs.TEB, {"NtTib.StackLimit": page})
                    if below >= thread.stack_allocation + PAGE_SIZE:
                        mem.commit(below, PAGE_SIZE, PAGE_READWRITE | PAGE_GUARD)
                        thread.request = Request("return", eip=fault.eip)
                        return
                    context = capture(m, CONTEXT_FULL | 0x8 | 0x20)
                    struct.pack_into("<I", context, 0xB8, fault.eip)
                    code = STATUS["STATUS_STACK_OVERFLOW"]
                    record = exception_record(code, fault.eip, (fault.access, fault.address))
                    self.dispatch_exception(thread, record, context,
                                            report=self.fault_report_for(thread, code, fault))
                    return
        record, context = record_for_fault(m, fault)
        code = struct.unpack_from("<I", record, 0)[0]
        report = self.fault_report_for(thread, code, fault)
        self.dispatch_exception(thread, record, context, report=report)

    def unhandled_exception(self, thread, code: int) -> None:
        """No handler took it: the process ends with the exception code and a report."""
        process = thread.process
        report = next((r for r in reversed(thread.exception_reports) if r.code == code), None)
        if report is None:
            report = self.fault_report_for(thread, code, Fault("raised", process.machine.reg("eip")))
        record = thread.last_exception_record
        if not report.record and record[:4] == struct.pack("<I", code & 0xFFFFFFFF):
            report.record = record
        self.fault_report = report
        terminate_process(self.kernel, process, code, reason="unhandled exception", message=report.description)

    def fault_report_for(self, thread, code, fault) -> FaultReport:
        process = thread.process
        m = process.machine
        regs = m.registers()
        eip = fault.eip
        location = process.describe_address(eip)
        insn = disassemble(process, eip)
        if fault.kind == "memory":
            what = {0: "read from", 1: "write to", 8: "execute at"}[fault.access]
            detail = f"{what} {fault.address:#010x}"
        elif fault.kind == "raised":
            detail = "raised by the program"
        else:
            detail = f"CPU exception vector {fault.vector}"
        desc = (f"unhandled exception {code:#010x} ({status_name(code)}): {detail} at {location}"
                f" ({insn})")
        names = [self.kernel.service_names.get(n, hex(n)) for n in thread.last_services[-8:]]
        return FaultReport(code, desc, eip, location, insn, regs, names, stack_walk(process, regs))


def stack_room(process, thread, low: int, size: int) -> bool:
    """Whether [low, low+size) can be written (committing guard pages on the way, as stack growth)."""
    mem = process.memory
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


def stack_walk(process, regs: dict, limit: int = 32) -> list[str]:
    """Return addresses along the EBP chain, each as module+offset (bounded; stops at the
    first frame pointer outside the stack)."""
    m = process.machine
    frames = []
    ebp = regs["ebp"]
    esp = regs["esp"]
    for _ in range(limit):
        if ebp < esp or ebp & 3 or process.memory.page_protection(ebp) in (None, 0):
            break
        try:
            next_ebp, ret = m.read_u32(ebp), m.read_u32(ebp + 4)
        except Exception:
            break
        if ret == 0:
            break
        frames.append(process.describe_address(ret))
        if next_ebp <= ebp:
            break
        ebp = next_ebp
    return frames

def disassemble(process, address: int) -> str:
    try:
        from capstone import CS_ARCH_X86, CS_MODE_32, Cs
        code = process.machine.read(address, 16)
        for insn in Cs(CS_ARCH_X86, CS_MODE_32).disasm(code, address):
            return f"{insn.mnemonic} {insn.op_str}".strip()
    except Exception:
        pass
    return "<unreadable>"
