"""The Python API: what the CLI does, available to scripts and tests.

    from kernel.api import Emulator
    emu = Emulator(timeout=10)
    emu.create_process("samples/bin/hello.exe", ["arg"])
    result = emu.run()            # RunResult: exit_code, reason, message, stdout, stderr, fault ...
    emu.close()

`run_to("entry")` stops at the image's entry point (the process stays inspectable: `dump`,
`read`, `registers`, `structure`); `add_code_hook(address, callback)` watches one address.
"""
from __future__ import annotations

import dataclasses
import os
import struct

from .status import NtError, status_name
from .system import Kernel, Options, RunResult

DUMPABLE = ("peb", "teb", "ldr", "params", "kuser", "eprocess", "ethread", "vad")


class ProgramError(Exception):
    """The program could not be started (missing file, refused image); `status` is the NTSTATUS."""

    def __init__(self, status: int, message: str):
        super().__init__(f"{message} [{status_name(status)} {status:#010x}]")
        self.status = status


class Emulator:
    def __init__(self, *, root: str | None = None, mounts=(), app_writable: bool = False,
                 environment: dict | None = None, max_instructions: int = 0, timeout: float = 0.0,
                 profile: str = "win7sp1", trace_boot: bool = False, trace_stream=None,
                 echo_output: bool = False, stdin: bytes = b"", image_file_execution_options=None):
        self.kernel = Kernel(Options(root=root, mounts=list(mounts), app_writable=app_writable,
                                     environment=environment, max_instructions=max_instructions,
                                     timeout=timeout, profile=profile, trace_boot=trace_boot,
                                     trace_stream=trace_stream, echo_output=echo_output, stdin=stdin,
                                     image_file_execution_options=image_file_execution_options or {}))
        self.process = None
        self.result: RunResult | None = None

    # -- life cycle --------------------------------------------------------------------------------
    def create_process(self, program: str, args=()):
        try:
            self.process = self.kernel.create_process_from_host(program, list(args))
        except NtError as e:
            raise ProgramError(e.status, str(e)) from None
        return self.process

    @property
    def thread(self):
        return self.process.threads[0] if self.process and self.process.threads else None

    def run(self) -> RunResult:
        self.result = self.kernel.run()
        return self.result

    def run_to(self, when) -> RunResult | None:
        """Run until `when` ("entry", "exit" or an address).  Returns None when stopped there, or the
        run's result if the process ended (or the run stopped) first."""
        if when == "exit":
            self.result = self.kernel.run()
            return None
        address = self.entry_point if when == "entry" else int(when)
        self.kernel.break_at(self.process, address)
        result = self.kernel.run()
        if result.reason == "breakpoint":
            self.kernel.resume_after_break()
            return None
        self.result = result
        return result

    def close(self) -> None:
        self.kernel.close()

    # -- inspection --------------------------------------------------------------------------------
    @property
    def entry_point(self) -> int:
        info = self.process.section.image.info
        return self.process.image_base + info.entry_point_rva

    @property
    def structs(self):
        return self.process.structs

    def read(self, address: int, size: int) -> bytes:
        return self.process.machine.read(address, size)

    def read_u32(self, address: int) -> int:
        return struct.unpack("<I", self.read(address, 4))[0]

    def registers(self) -> dict:
        return self.process.machine.registers()

    def structure(self, name: str, address: int):
        """A structure of the profile read from guest memory (a ctypes instance)."""
        cls = getattr(self.structs, name)
        return cls.from_bytes(self.read(address, cls.sizeof()))

    def add_code_hook(self, address: int, callback, end: int | None = None):
        """callback(address) before each instruction executed in [address, end].  On the first
        instruction of an emulated export (a trap) it runs before the export's handler."""
        dispatcher = self.process.dispatcher
        if end is None and address in dispatcher.stubs:
            dispatcher.observers.setdefault(address, []).append(callback)
            return ("observer", address, callback)
        return self.process.machine.hook_code_range(address, end if end is not None else address, callback)

    def _reader(self):
        machine = self.process.machine

        def read(addr, size):
            try:
                return machine.read(addr, size)
            except Exception:
                return None
        return read

    def dump(self, what: str, fmt: str = "text"):
        """A structure from guest memory: fmt "text" (WinDbg dt style), "json" or "hex"."""
        from .structs import dt
        S = self.structs
        p = self.process
        t = self.thread
        read = self._reader()
        if what == "vad":
            return self._memory_map(fmt)
        targets = {
            "peb": [(S.PEB, p.peb, "_PEB")],
            "teb": [(S.TEB, t.teb, "_TEB")],
            "params": [(S.RTL_USER_PROCESS_PARAMETERS, p.params, "_RTL_USER_PROCESS_PARAMETERS")],
            "kuser": [(S.KUSER_SHARED_DATA, 0x7FFE0000, "_KUSER_SHARED_DATA")],
            "eprocess": [(S.EPROCESS, p.eprocess, "_EPROCESS")],
            "ethread": [(S.ETHREAD, t.ethread, "_ETHREAD")],
        }
        if what == "ldr":
            ldr = self.read_u32(p.peb + S.PEB.offsetof("Ldr"))
            items = [(S.PEB_LDR_DATA, ldr, "_PEB_LDR_DATA")]
            if ldr:
                head = ldr + S.PEB_LDR_DATA.offsetof("InLoadOrderModuleList")
                link = self.read_u32(head)
                while link != head and len(items) < 256:
                    items.append((S.LDR_DATA_TABLE_ENTRY, link, "_LDR_DATA_TABLE_ENTRY"))
                    link = self.read_u32(link)
        else:
            items = targets[what]
        if fmt == "json":
            out = [dt.to_json(cls, addr, read) for cls, addr, _ in items]
            if what == "ldr":
                return {"ldr": out[0], "modules": out[1:], "orders": self.module_orders()}
            if what == "params":
                return {"parameters": out[0], "environment": self.environment()}
            return out[0]
        parts = []
        for cls, addr, name in items:
            if fmt == "hex":
                parts.append(f"{name} at {addr:#010x} ({cls.sizeof():#x} bytes)\n"
                             + dt.hexdump(addr, self.read(addr, cls.sizeof())))
            else:
                parts.append(dt.format_text(cls, addr, read))
        if what == "ldr" and fmt == "text":
            for order, names in self.module_orders().items():
                parts.append(f"{order}:\n" + "\n".join(f"  {b:#010x} {n}" for n, b in names))
        if what == "params" and fmt == "text":
            parts.append("Environment:\n" + "\n".join(f"  {e}" for e in self.environment()))
        return "\n\n".join(parts)

    def module_orders(self) -> dict:
        """The three LDR lists as walked in guest memory: order -> [(BaseDllName, DllBase)]."""
        S = self.structs
        E = S.LDR_DATA_TABLE_ENTRY
        ldr = self.read_u32(self.process.peb + S.PEB.offsetof("Ldr"))
        out = {}
        for lst, link_field in (("InLoadOrderModuleList", "InLoadOrderLinks"),
                                ("InMemoryOrderModuleList", "InMemoryOrderLinks"),
                                ("InInitializationOrderModuleList", "InInitializationOrderLinks")):
            head = ldr + S.PEB_LDR_DATA.offsetof(lst)
            link = self.read_u32(head)
            names = []
            while link != head and len(names) < 256:
                entry = link - E.offsetof(link_field)
                length, _, buf = struct.unpack("<HHI", self.read(entry + E.offsetof("BaseDllName"), 8))
                names.append((self.read(buf, length).decode("utf-16-le"), self.read_u32(entry + E.offsetof("DllBase"))))
                link = self.read_u32(link)
            out[lst] = names
        return out

    def environment(self) -> list[str]:
        S = self.structs
        block = self.read_u32(self.process.params + S.RTL_USER_PROCESS_PARAMETERS.offsetof("Environment"))
        out, pos = [], block
        while True:
            raw = b""
            while True:
                ch = self.read(pos, 2)
                pos += 2
                if ch == b"\0\0":
                    break
                raw += ch
            if not raw:
                return out
            out.append(raw.decode("utf-16-le"))

    def _memory_map(self, fmt: str):
        from emu.memory import STATE_NAMES, TYPE_NAMES, protection_name
        rows = []
        for r in self.process.memory.regions():
            rows.append({"base": r.base, "size": r.size, "state": STATE_NAMES.get(r.state, hex(r.state)),
                         "protect": protection_name(r.protect), "type": TYPE_NAMES.get(r.type, hex(r.type)),
                         "allocation_base": r.allocation_base, "purpose": r.tag})
        if fmt == "json":
            return rows
        lines = [f"{'Base':>10} {'Size':>10}  {'State':<11} {'Protect':<28} {'Type':<11} Purpose"]
        for row in rows:
            lines.append(f"{row['base']:#010x} {row['size']:#010x}  {row['state']:<11} {row['protect']:<28} "
                         f"{row['type']:<11} {row['purpose']}")
        return "\n".join(lines)


def result_to_json(result: RunResult) -> dict:
    data = dataclasses.asdict(result)
    data["stdout"] = result.stdout.decode("latin-1")
    data["stderr"] = result.stderr.decode("latin-1")
    if result.exit_code is not None:
        data["exit_code_name"] = status_name(result.exit_code)
    return data


RunResult.to_json = result_to_json


def list_imports(program: str) -> list[str]:
    """`ntboot imports`: every function the program imports, and whether ntboot implements it."""
    from loader.image import PeImage, read_imports
    from .profiles.apisets_win7 import resolve_api_set
    from .profiles import get_profile
    from .dlls import system_dlls
    with open(program, "rb") as f:
        data = f.read()
    image = PeImage.from_bytes(data, os.path.basename(program))
    size = (image.info.size_of_image + 0xFFF) & ~0xFFF
    view = bytearray(size)
    for rva, chunk, _ in image.layout():
        view[rva:rva + len(chunk)] = chunk[:size - rva]

    def read(addr, n):
        return bytes(view[addr:addr + n])
    specs = {name.lower(): spec for name, spec in system_dlls(get_profile()).items()}
    out = []
    for dll, entries in read_imports(read, 0):
        host = resolve_api_set(dll) or dll
        spec = specs.get(host.lower())
        implemented = set(spec.handlers()) | set(spec.forwarders) | {d.name for d in spec.data} if spec else set()
        for imp in entries:
            name = imp.name if imp.name else f"#{imp.ordinal}"
            mark = "implemented" if spec is None or imp.name in implemented else "NOT IMPLEMENTED"
            if spec is None:
                mark = "from the program's own DLL"
            out.append(f"{dll}!{name}\t{mark}")
    return out
