"""Kernel space: the part of every address space above 0x80000000 that all processes share.

Python owns its bytes (one copy) and writes them through to every process engine, so a kernel
structure written once (EPROCESS/ETHREAD mirrors, PsActiveProcessHead, kernel stacks) reads the same
from every process.  The kernel's own image lives here (KiThreadStartup's code, PsActiveProcessHead),
and so does what the kernel writes into each process's KUSER_SHARED_DATA page (built at address-space
creation, completed when ntdll is mapped, its times brought up to date as the clock moves).
"""
from __future__ import annotations

import struct

from emu.memory import PAGE_EXECUTE_READ, PAGE_READONLY, PAGE_READWRITE, PAGE_SIZE

from kernel.structs.guestmem import write_fields

KUSER_SHARED_DATA = 0x7FFE0000
KERNEL_IMAGE_BASE = 0x80100000       # where the kernel's own code and data (our "ntoskrnl") live
KERNEL_POOL_BASE = 0x80200000        # EPROCESS/ETHREAD mirrors and kernel stacks
KERNEL_STACK_SIZE = 0x3000


class KernelSpace:
    """Kernel-space allocations and the engines they are mapped in; KUSER_SHARED_DATA."""

    def __init__(self, profile, clock):
        self.profile = profile
        self.clock = clock
        self.allocations: list[tuple[int, int, int, str]] = []   # (base, size, protection, tag)
        self._bytes: dict[int, bytearray] = {}
        self._next = KERNEL_POOL_BASE
        self.engines = []                    # every live process engine (kernel space is in each)
        self.ki_thread_startup = 0
        self.ps_active_process_head = 0
        self._build_kernel_image()

    def _build_kernel_image(self) -> None:
        """Our ntoskrnl: KiThreadStartup's code (a trap, then iretd) and PsActiveProcessHead."""
        code = self.kalloc(PAGE_SIZE, "ntoskrnl code", PAGE_EXECUTE_READ, at=KERNEL_IMAGE_BASE)
        self.ki_thread_startup = code
        self.kwrite(code, b"\x90\xCF")                  # KiThreadStartup: (trap) ; iretd
        data = self.kalloc(PAGE_SIZE, "ntoskrnl data", PAGE_READWRITE, at=KERNEL_IMAGE_BASE + 0x10000)
        self.ps_active_process_head = data
        self.kwrite(data, struct.pack("<II", data, data))

    def kalloc(self, size: int, tag: str, protect: int = PAGE_READWRITE, at: int | None = None) -> int:
        """Allocate kernel space (pages, at `at` or the next free pool address) in every engine."""
        size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        if at is None:
            at = self._next
            self._next += (size + 0xFFFF) & ~0xFFFF
        self.allocations.append((at, size, protect, tag))
        self._bytes[at] = bytearray(size)
        for m in self.engines:
            m.kernel_memory.allocate(at, size, protect, tag=tag)
        return at

    def kfree(self, addr: int) -> None:
        """Free a kernel-space allocation in every engine."""
        for i, (base, size, _, _) in enumerate(self.allocations):
            if base <= addr < base + size:
                del self.allocations[i]
                del self._bytes[base]
                for m in self.engines:
                    m.kernel_memory.release(base)
                return

    def kwrite(self, addr: int, data: bytes) -> None:
        for base, buf in self._bytes.items():
            if base <= addr < base + len(buf):
                buf[addr - base: addr - base + len(data)] = data
                break
        else:
            raise ValueError(f"kernel write outside kernel allocations at {addr:#x}")
        for m in self.engines:
            m.write(addr, data)

    def kread(self, addr: int, size: int) -> bytes:
        for base, buf in self._bytes.items():
            if base <= addr < base + len(buf):
                return bytes(buf[addr - base: addr - base + size])
        raise ValueError(f"kernel read outside kernel allocations at {addr:#x}")

    # -- engines ------------------------------------------------------------------------------------
    def attach(self, machine) -> None:
        """Map kernel space, as it is now, into a new process's engine."""
        for base, size, protect, tag in self.allocations:
            machine.kernel_memory.allocate(base, size, protect, tag=tag)
            machine.write(base, bytes(self._bytes[base]))
        self.engines.append(machine)

    def detach(self, machine) -> None:
        """A process's engine goes: kernel-space writes no longer reach it."""
        if machine in self.engines:
            self.engines.remove(machine)

    # -- KUSER_SHARED_DATA ----------------------------------------------------------------------------
    def build_kuser_shared_data(self, process) -> None:
        S = process.structs
        mem = process.memory
        mem.reserve(KUSER_SHARED_DATA, PAGE_SIZE, tag="KUSER_SHARED_DATA", align=PAGE_SIZE)
        mem.commit(KUSER_SHARED_DATA, PAGE_SIZE, PAGE_READWRITE)
        root = "C:\\Windows".encode("utf-16-le")
        features = bytearray(64)
        for pf in (1, 2, 3, 6, 7, 8, 9, 10, 12, 13, 17):   # cmpxchg8b, mmx, xmmi, 3dnow?, rdtsc, pae, xmmi64, nx, sse3, ...
            if pf != 7:
                features[pf] = 1
        write_fields(mem.write, KUSER_SHARED_DATA, S.KUSER_SHARED_DATA, {
            "TickCountMultiplier": 0x0FA00000,
            "ImageNumberLow": 0x014C, "ImageNumberHigh": 0x014C,
            "NtSystemRoot": root,
            "MaxStackTraceDepth": 0,
            "CryptoExponent": 0x10001,
            "TimeZoneId": 0,
            "LargePageMinimum": 0x200000,
            "NtProductType": self.profile.product_type,
            "ProductTypeIsValid": 1,
            "NtMajorVersion": self.profile.major,
            "NtMinorVersion": self.profile.minor,
            "ProcessorFeatures": bytes(features),
            "SuiteMask": self.profile.suite_mask,
            "KdDebuggerEnabled": 0,
            "NXSupportPolicy": 2,
            "ActiveConsoleId": 1,
            "NumberOfPhysicalPages": 0x7FF00,
            "SafeBootMode": 0,
            "TestRetInstruction": 0xC3,
            "Cookie": 0x4E54424F,
        }, if_present=("LargePageMinimum",))
        self.update_kuser_time(process)

    def complete_kuser_shared_data(self, process, ntdll_base: int, synth) -> None:
        S = process.structs
        write_fields(process.memory.write, KUSER_SHARED_DATA, S.KUSER_SHARED_DATA, {
            "SystemCall": ntdll_base + synth.labels["KiFastSystemCall"],
            "SystemCallReturn": ntdll_base + synth.labels["KiFastSystemCallRet"],
        })
        process.memory.protect(KUSER_SHARED_DATA, PAGE_SIZE, PAGE_READONLY)

    def update_kuser_time(self, process) -> None:
        S = process.structs
        interrupt = self.clock.interrupt_time()
        ticks = interrupt // 10_000
        write_fields(process.machine.write, KUSER_SHARED_DATA, S.KUSER_SHARED_DATA, {
            "InterruptTime.LowPart": interrupt & 0xFFFFFFFF, "InterruptTime.High1Time": interrupt >> 32,
            "InterruptTime.High2Time": interrupt >> 32,
            "SystemTime.LowPart": self.clock.now & 0xFFFFFFFF, "SystemTime.High1Time": self.clock.now >> 32,
            "SystemTime.High2Time": self.clock.now >> 32,
            "TickCount.LowPart": ticks & 0xFFFFFFFF, "TickCount.High1Time": ticks >> 32,
            "TickCount.High2Time": ticks >> 32,
            "TickCountLowDeprecated": ticks & 0xFFFFFFFF,     # Windows 7's name
            "TickCountLow": ticks & 0xFFFFFFFF,               # XP's (the same dword at +0)
        }, if_present=("TickCountLowDeprecated", "TickCountLow"))
