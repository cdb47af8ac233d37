"""One emulated i386 CPU and its address space: a Unicorn engine set up as Windows sets up x86.

`Machine` owns the engine, the user and kernel address spaces, a flat GDT in kernel space with the
selectors Windows uses (user code 0x1B, user data 0x23, FS 0x3B -> the current thread's TEB), SSE
enabled in CR0/CR4, and the traps through which guest code reaches the layers above:

* SYSENTER (the system-call path of ntdll's KiFastSystemCall), one callback;
* stub areas: code hooks limited to address ranges, so only the first instruction of an emulated
  export costs a callback and nothing else does;
* faults: unmapped/protected memory accesses and CPU exceptions, recorded with the exact EIP.

The engine runs in slices (`run`); everything that changes control flow beyond setting EAX/EDX is
done between slices by the caller, never from inside a hook.

Privilege: Unicorn refuses to load ring-3 SS while the CPU is at ring 0, so a new machine leaves
ring 0 once, the way the kernel does, with an `iretd` to a ring-3 frame.  From then on the CPU is at
CPL 3 and every thread, including the kernel's entry stubs, runs with the user selectors.
"""
from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass

from unicorn import (UC_ARCH_X86, UC_ERR_FETCH_PROT, UC_ERR_INSN_INVALID, UC_ERR_FETCH_UNMAPPED, UC_ERR_READ_PROT,
                     UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_PROT, UC_ERR_WRITE_UNMAPPED,
                     UC_HOOK_BLOCK, UC_HOOK_CODE, UC_HOOK_INSN, UC_HOOK_INTR,
                     UC_HOOK_MEM_FETCH_PROT, UC_HOOK_MEM_FETCH_UNMAPPED, UC_HOOK_MEM_READ_PROT,
                     UC_HOOK_MEM_READ_UNMAPPED, UC_HOOK_MEM_WRITE_PROT, UC_HOOK_MEM_WRITE_UNMAPPED,
                     UC_MEM_FETCH_PROT, UC_MEM_FETCH_UNMAPPED, UC_MEM_READ_PROT,
                     UC_MEM_READ_UNMAPPED, UC_MEM_WRITE_PROT, UC_MEM_WRITE_UNMAPPED, UC_MODE_32, Uc,
                     UcError)
from unicorn import x86_const as X

from .memory import PAGE_EXECUTE_READ, PAGE_READWRITE, AddressSpace
from .status import MemoryFault

USER_LOWEST = 0x00010000
USER_HIGHEST = 0x7FFEFFFF
KERNEL_LOWEST = 0x80000000
KERNEL_HIGHEST = 0xFFFEFFFF

SEL_KERNEL_CODE = 0x08
SEL_KERNEL_DATA = 0x10
SEL_USER_CODE = 0x1B
SEL_USER_DATA = 0x23
SEL_TEB = 0x3B

# access kinds of a memory fault (what the guest tried to do)
ACCESS_READ, ACCESS_WRITE, ACCESS_EXECUTE = 0, 1, 8

_MEM_ACCESS = {
    UC_MEM_READ_UNMAPPED: (ACCESS_READ, False), UC_MEM_WRITE_UNMAPPED: (ACCESS_WRITE, False),
    UC_MEM_FETCH_UNMAPPED: (ACCESS_EXECUTE, False), UC_MEM_READ_PROT: (ACCESS_READ, True),
    UC_MEM_WRITE_PROT: (ACCESS_WRITE, True), UC_MEM_FETCH_PROT: (ACCESS_EXECUTE, True),
}
_UC_FAULT_ERRORS = {UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_UNMAPPED, UC_ERR_FETCH_UNMAPPED,
                    UC_ERR_READ_PROT, UC_ERR_WRITE_PROT, UC_ERR_FETCH_PROT}

GENERAL_REGISTERS = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags")
_REG_IDS = {name: getattr(X, "UC_X86_REG_" + name.upper()) for name in
            GENERAL_REGISTERS + ("cs", "ds", "es", "fs", "gs", "ss")}
# register ids for the fast accessors Machine.reg32 / Machine.set_reg32 (the trap path's)
REG_EAX, REG_ECX, REG_EDX, REG_EBX = (_REG_IDS[n] for n in ("eax", "ecx", "edx", "ebx"))
REG_ESP, REG_EBP, REG_ESI, REG_EDI = (_REG_IDS[n] for n in ("esp", "ebp", "esi", "edi"))
REG_EIP, REG_EFLAGS = _REG_IDS["eip"], _REG_IDS["eflags"]
REGISTER_IDS = dict(_REG_IDS)     # name -> id, for reg32 over a set of registers


@dataclass
class Fault:
    """A CPU exception the guest raised: memory access or interrupt vector, at an exact EIP."""
    kind: str               # "memory" or "interrupt"
    eip: int
    access: int = 0         # ACCESS_READ / ACCESS_WRITE / ACCESS_EXECUTE for memory faults
    address: int = 0        # the faulting data address (or EIP for execute faults)
    mapped: bool = False    # the page exists but its protection forbids the access
    vector: int = 0         # interrupt vector (0 = #DE, 3 = #BP, 6 = #UD, 13 = #GP, ...)
    trap_eip: int = 0       # EIP as the CPU left it (after the instruction for traps: int3, single step)
    guard: bool = False     # set by the kernel: the page was a guard page


def _fast_register_access(uc):
    """(read, write) of a 32-bit register by Unicorn register id, straight through the C API.

    The binding's reg_read/reg_write look up the register's class on every call (about a microsecond);
    the trap path touches ESP and EAX on every emulated call, so it uses these.  Falls back to the
    binding if its internals are not the expected ones."""
    try:
        from unicorn.unicorn_py3.unicorn import uclib
        handle = uc._uch
        read_fn, write_fn = uclib.uc_reg_read, uclib.uc_reg_write
    except (ImportError, AttributeError):
        return uc.reg_read, lambda reg, value: uc.reg_write(reg, value & 0xFFFFFFFF)
    out = ctypes.c_uint32()
    out_ref = ctypes.byref(out)
    c_uint32 = ctypes.c_uint32
    byref = ctypes.byref

    def read(reg_id: int) -> int:
        read_fn(handle, reg_id, out_ref)
        return out.value

    def write(reg_id: int, value: int) -> None:
        write_fn(handle, reg_id, byref(c_uint32(value & 0xFFFFFFFF)))
    return read, write


def _descriptor(base: int, limit: int, access: int, flags: int) -> bytes:
    d = limit & 0xFFFF
    d |= (base & 0xFFFFFF) << 16
    d |= access << 40
    d |= ((limit >> 16) & 0xF) << 48
    d |= flags << 52
    d |= ((base >> 24) & 0xFF) << 56
    return struct.pack("<Q", d)


class Machine:
    """An i386 CPU with its address spaces; the unit one process runs on."""

    GDT_ENTRIES = 16

    def __init__(self) -> None:
        self.uc = Uc(UC_ARCH_X86, UC_MODE_32)
        self.memory = AddressSpace(self.uc, USER_LOWEST, USER_HIGHEST)
        self.kernel_memory = AddressSpace(self.uc, KERNEL_LOWEST, KERNEL_HIGHEST)
        self.fault: Fault | None = None
        self.stop_requested = False
        self._hooks: list[int] = []
        self._block_counter = None
        self._setup_cpu()
        self._fault_hooks()
        self.reg32, self.set_reg32 = _fast_register_access(self.uc)

    # -- set-up ------------------------------------------------------------------------------------
    def _setup_cpu(self) -> None:
        uc = self.uc
        self.gdt = self.kernel_memory.allocate(KERNEL_LOWEST, 0x10000, PAGE_READWRITE, tag="GDT")
        self.fs_base = 0
        entries = {
            SEL_KERNEL_CODE >> 3: _descriptor(0, 0xFFFFF, 0x9A, 0xC),
            SEL_KERNEL_DATA >> 3: _descriptor(0, 0xFFFFF, 0x92, 0xC),
            SEL_USER_CODE >> 3: _descriptor(0, 0xFFFFF, 0xFA, 0xC),
            SEL_USER_DATA >> 3: _descriptor(0, 0xFFFFF, 0xF2, 0xC),
            SEL_TEB >> 3: _descriptor(0, 0xFFF, 0xF2, 0x4),
        }
        for index, desc in entries.items():
            uc.mem_write(self.gdt + 8 * index, desc)
        uc.reg_write(X.UC_X86_REG_GDTR, (0, self.gdt, 8 * self.GDT_ENTRIES - 1, 0))
        # SSE: CR0.EM clear, CR0.MP set; CR4.OSFXSR and CR4.OSXMMEXCPT set
        cr0 = uc.reg_read(X.UC_X86_REG_CR0)
        uc.reg_write(X.UC_X86_REG_CR0, (cr0 & ~0x4) | 0x2 | 0x1)
        uc.reg_write(X.UC_X86_REG_CR4, uc.reg_read(X.UC_X86_REG_CR4) | 0x600)
        uc.reg_write(X.UC_X86_REG_CS, SEL_KERNEL_CODE)
        uc.reg_write(X.UC_X86_REG_SS, SEL_KERNEL_DATA)
        # leave ring 0 once: iretd to a ring-3 frame placed on a scratch kernel stack
        stub = self.gdt + 0x800
        frame = self.gdt + 0xF00
        uc.mem_write(stub, b"\xCF")                                # iretd
        uc.mem_write(stub + 1, b"\xF4")                            # (never reached)
        uc.mem_write(frame, struct.pack("<5I", stub + 1, SEL_USER_CODE, 0x202, frame + 0x80,
                                        SEL_USER_DATA))
        uc.reg_write(X.UC_X86_REG_ESP, frame)
        self.kernel_memory.protect(self.gdt, 0x1000, PAGE_EXECUTE_READ | 0)  # stub executable
        uc.emu_start(stub, stub + 1)
        self.kernel_memory.protect(self.gdt, 0x1000, PAGE_READWRITE)
        for reg in (X.UC_X86_REG_DS, X.UC_X86_REG_ES, X.UC_X86_REG_SS):
            uc.reg_write(reg, SEL_USER_DATA)
        uc.reg_write(X.UC_X86_REG_GS, 0)
        uc.reg_write(X.UC_X86_REG_FS, SEL_TEB)

    def set_fs_base(self, base: int) -> None:
        """Point the FS descriptor (selector 0x3B) at a thread's TEB and reload FS."""
        if base == self.fs_base:
            return
        self.uc.mem_write(self.gdt + (SEL_TEB & ~7), _descriptor(base, 0xFFF, 0xF2, 0x4))
        self.uc.reg_write(X.UC_X86_REG_FS, SEL_TEB)
        self.fs_base = base

    def _fault_hooks(self) -> None:
        def on_mem_fault(uc, access, address, size, value, _):
            kind, mapped = _MEM_ACCESS[access]
            eip = uc.reg_read(X.UC_X86_REG_EIP)
            if kind == ACCESS_EXECUTE:
                eip = address
            self.fault = Fault("memory", eip, kind, address, mapped)
            return False

        def on_interrupt(uc, intno, _):
            eip = uc.reg_read(X.UC_X86_REG_EIP)
            self.fault = Fault("interrupt", eip, vector=intno, trap_eip=eip)
            uc.emu_stop()

        mask = (UC_HOOK_MEM_READ_UNMAPPED | UC_HOOK_MEM_WRITE_UNMAPPED | UC_HOOK_MEM_FETCH_UNMAPPED
                | UC_HOOK_MEM_READ_PROT | UC_HOOK_MEM_WRITE_PROT | UC_HOOK_MEM_FETCH_PROT)
        self._hooks.append(self.uc.hook_add(mask, on_mem_fault))
        self._hooks.append(self.uc.hook_add(UC_HOOK_INTR, on_interrupt))

    # -- traps -------------------------------------------------------------------------------------
    def hook_sysenter(self, callback) -> int:
        """callback(machine) runs at every SYSENTER; execution continues after the instruction."""
        return self.uc.hook_add(UC_HOOK_INSN, lambda uc, _: callback(self), None, 1, 0,
                                X.UC_X86_INS_SYSENTER)

    def hook_code_range(self, begin: int, end: int, callback) -> int:
        """callback(address) before each instruction in [begin, end] (inclusive) only."""
        return self.uc.hook_add(UC_HOOK_CODE, lambda uc, addr, size, _: callback(addr), None,
                                begin, end)

    def remove_hook(self, handle: int) -> None:
        self.uc.hook_del(handle)

    def stop(self) -> None:
        """Ask the current slice to end before the next instruction (safe from hooks)."""
        self.stop_requested = True
        self.uc.emu_stop()

    def interrupt(self) -> None:
        """End the running slice from another host thread (a watchdog): `run` returns "slice",
        as when its count ran out.  An interrupt that comes between slices is lost."""
        try:
            self.uc.emu_stop()
        except UcError:
            pass

    # -- registers ---------------------------------------------------------------------------------
    def reg(self, name: str) -> int:
        return self.uc.reg_read(_REG_IDS[name])

    def set_reg(self, name: str, value: int) -> None:
        self.uc.reg_write(_REG_IDS[name], value & 0xFFFFFFFF)

    def registers(self) -> dict[str, int]:
        return {n: self.uc.reg_read(i) for n, i in _REG_IDS.items()}

    def save_cpu(self):
        """Complete CPU state (all registers, FPU, SSE) for a thread switch."""
        return self.uc.context_save()

    def restore_cpu(self, state) -> None:
        self.uc.context_restore(state)

    # -- memory helpers: memory that is not mapped, or protected against the access, raises
    # MemoryFault (STATUS_ACCESS_VIOLATION) ---------------------------------------------------------
    def read(self, addr: int, size: int) -> bytes:
        try:
            return bytes(self.uc.mem_read(addr, size))
        except UcError:
            raise MemoryFault(addr, size) from None

    def write(self, addr: int, data: bytes) -> None:
        try:
            self.uc.mem_write(addr, bytes(data))
        except UcError:
            raise MemoryFault(addr, len(data), write=True) from None

    def read_u32(self, addr: int) -> int:
        try:
            return struct.unpack("<I", self.uc.mem_read(addr, 4))[0]
        except UcError:
            raise MemoryFault(addr, 4) from None

    def write_u32(self, addr: int, value: int) -> None:
        try:
            self.uc.mem_write(addr, struct.pack("<I", value & 0xFFFFFFFF))
        except UcError:
            raise MemoryFault(addr, 4, write=True) from None

    def read_u16(self, addr: int) -> int:
        try:
            return struct.unpack("<H", self.uc.mem_read(addr, 2))[0]
        except UcError:
            raise MemoryFault(addr, 2) from None

    def write_u16(self, addr: int, value: int) -> None:
        try:
            self.uc.mem_write(addr, struct.pack("<H", value & 0xFFFF))
        except UcError:
            raise MemoryFault(addr, 2, write=True) from None

    def count_instructions(self, enable: bool) -> None:
        """Opt-in exact instruction counting (a block hook; costs speed, so only when asked)."""
        if enable and self._block_counter is None:
            from capstone import CS_ARCH_X86, CS_MODE_32, Cs
            cs = Cs(CS_ARCH_X86, CS_MODE_32)
            sizes: dict[tuple[int, int], int] = {}
            self.instructions = 0

            def on_block(uc, address, size, _):
                key = (address, size)
                n = sizes.get(key)
                if n is None:
                    code = bytes(uc.mem_read(address, size))
                    n = sum(1 for _ in cs.disasm_lite(code, address)) or 1
                    sizes[key] = n
                self.instructions += n
            self._block_counter = self.uc.hook_add(UC_HOOK_BLOCK, on_block)
        elif not enable and self._block_counter is not None:
            self.uc.hook_del(self._block_counter)
            self._block_counter = None

    def run(self, begin: int, *, count: int = 0, timeout_us: int = 0) -> str:
        """Run from `begin` until something stops the CPU.

        Returns why: "stopped" (a trap asked to stop), "fault" (see `self.fault`), or "slice"
        (the instruction count or time slice ran out).
        """
        self.fault = None
        self.stop_requested = False
        try:
            self.uc.emu_start(begin, 0xFFFFFFFF, timeout=timeout_us, count=count)
        except UcError as e:
            if self.fault is None:
                eip = self.uc.reg_read(X.UC_X86_REG_EIP)
                if e.errno in _UC_FAULT_ERRORS:
                    self.fault = Fault("memory", eip, ACCESS_READ, 0)
                else:
                    # UC_ERR_INSN_INVALID, UC_ERR_EXCEPTION ...: an invalid or privileged instruction
                    vector = 6 if e.errno == UC_ERR_INSN_INVALID else 13
                    self.fault = Fault("interrupt", eip, vector=vector)
        if self.fault is not None:
            return "fault"
        if self.stop_requested:
            return "stopped"
        return "slice"
