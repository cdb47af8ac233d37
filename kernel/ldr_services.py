"""What ntdll's loader asks of the system, answered for one process.

These are the operations ntdll performs through system services (NtOpenFile, NtCreateSection,
NtMapViewOfSection, NtProtectVirtualMemory, RtlAllocateHeap ...), gathered behind one narrow
interface so that `loader/` never reaches into the kernel's objects.
"""
from __future__ import annotations

from emu.status import MemoryFault

from emu.memory import PAGE_EXECUTE_READWRITE, PAGE_READWRITE

from kernel.rtl import paths
from kernel.rtl.status import NtError


class LoaderServices:
    def __init__(self, kernel, process):
        self.kernel = kernel
        self.process = process
        self.mem = process.memory

    # memory: the loader runs in user mode, so what it touches must be user memory it may access;
    # anything else is the access violation ntdll's loader takes there (the load fails with it)
    def read(self, addr: int, size: int) -> bytes:
        _check_user_range(addr, size, "read")
        try:
            return self.process.machine.read(addr, size)
        except MemoryFault:
            raise NtError("STATUS_ACCESS_VIOLATION",
                              f"the loader read {size} bytes at {addr:#x}: not readable memory") from None

    def write(self, addr: int, data: bytes) -> None:
        _check_user_range(addr, len(data), "wrote")
        try:
            self.process.machine.write(addr, data)
        except MemoryFault:
            raise NtError("STATUS_ACCESS_VIOLATION",
                              f"the loader wrote {len(data)} bytes at {addr:#x}: not writable memory") from None

    def heap_alloc(self, size: int) -> int:
        ptr = self.process.heap.allocate(size, 0x8)
        if not ptr:
            raise NtError("STATUS_NO_MEMORY", f"the process heap cannot give {size:#x} bytes")
        return ptr

    def protect_all_writable(self, base: int, size: int) -> list:
        """Make an image's committed pages writable (keeping execute); returns what to restore."""
        saved = []
        addr = base
        while addr < base + size:
            region = self.mem.query(addr)
            if region.state == 0x1000 and not region.protect & 0xCC:
                new = PAGE_EXECUTE_READWRITE if region.protect & 0xF0 else PAGE_READWRITE
                self.mem.protect(region.base, region.size, new)
                saved.append((region.base, region.size, region.protect))
            addr = region.base + region.size
        return saved

    def restore_protections(self, saved: list) -> None:
        for base, size, protect in saved:
            self.mem.protect(base, size, protect)

    # images
    def resolve_api_set(self, name: str) -> str | None:
        return self.kernel.profile.resolve_api_set(name)

    def find_dll(self, name: str, importer_path: str) -> str | None:
        """The DLL search order with SafeDllSearchMode (XP SP2 and later): the program's folder, System32,
        the Windows folder, the current folder, then PATH."""
        if "\\" in name or "/" in name or ":" in name:
            full = paths.normalize(name, self.process.current_directory)
            return full if self.kernel.io.exists(full) else None
        if "." not in paths.basename(name):
            name += ".dll"
        exe_dir = paths.dirname(self.process.image_path)
        dirs = [exe_dir, self.kernel.system_directory, self.kernel.windows_directory,
                self.process.current_directory]
        return self.kernel.io.search_path(name, self.process.current_directory, search_dirs=dirs)

    def map_image(self, path: str):
        """NtOpenFile + NtCreateSection(SEC_IMAGE) + NtMapViewOfSection."""
        file = self.kernel.io.open_image_file(paths.to_nt_path(path))
        section = self.kernel.mm.create_image_section(file)
        base, status = self.kernel.mm.map_view_of_section(self.process, section)
        return base, status != 0, section.image

    def unmap_image(self, base: int) -> None:
        self.kernel.mm.unmap_view_of_section(self.process, base)

    # threads
    def current_teb(self) -> int:
        return self.kernel.scheduler.current_thread.teb

    def all_tebs(self) -> list[int]:
        return [t.teb for t in self.process.threads if t.state != "terminated"]

    def trace(self, step: str, name: str, **details) -> None:
        self.kernel.trace.step(step, name, **details)


def _check_user_range(addr: int, size: int, verb: str) -> None:
    if addr < 0x10000 or addr + size > 0x7FFF0000:
        raise NtError("STATUS_ACCESS_VIOLATION",
                          f"the loader {verb} {size} bytes at {addr:#x}: outside user space")
