"""The Python API: what the CLI does, available to scripts and tests.

    from ntboot import Emulator
    emu = Emulator(timeout=10, trace=["api"], report=True)
    emu.create_process("samples/bin/hello.exe", ["arg"])
    result = emu.run()            # RunResult: exit_code, reason, message, stdout, stderr, fault ...
    report = emu.report()         # the versioned JSON report (ntboot/report_schema.json)
    emu.close()

Stopping on the way (`run_to`, see `parse_moment`): "entry", "exit", an address, "api:DLL!Name[#N]"
(before the Nth call of an export), "insn:N" (after N instructions); `step()` runs one instruction.
While stopped the process is inspectable and changeable: `read`/`write`, `registers`/`set_register`,
`structure(name)`, `dump(what)`, `minidump()`; `add_code_hook(address, cb)` and
`add_api_hook("kernel32!CreateFileW", cb)` watch the run; `stop()` (from a hook) ends it there.
"""
from __future__ import annotations

import os
import struct
import sys
import time

from kernel.ke.dispatch import SKIP_HANDLER, Request
from kernel.rtl.status import NtError, status_name
from kernel.system import Kernel, Options, RunResult
from kernel.structs.guestmem import has_field

HOST_CWD_GUEST = "C:\\work"              # where `host_cwd` (the CLI: the host's current directory) is mounted
DUMPABLE = ("peb", "teb", "ldr", "params", "kuser", "eprocess", "ethread", "vad", "handles", "heap")
PAUSED = ("breakpoint", "paused")          # run results that leave the run resumable


class ProgramError(Exception):
    """The program could not be started (missing file, refused image); `status` is the NTSTATUS."""

    def __init__(self, status: int, message: str):
        super().__init__(f"{message} [{status_name(status)} {status:#010x}]")
        self.status = status


def parse_moment(text):
    """A moment of the run: ("entry"|"exit", None), ("address", int), ("api", (name, n)),
    ("insn", n).  Accepts "entry", "exit", "0x401234", "api:kernel32!CreateFileW#2", "insn:1000"."""
    if isinstance(text, int):
        return "address", text
    t = str(text).strip()
    if t in ("entry", "exit"):
        return t, None
    if t.startswith("api:"):
        name, _, nth = t[4:].partition("#")
        if "!" not in name:
            raise ValueError(f"--at {t}: name the export as DLL!Function")
        return "api", (name, int(nth) if nth else 1)
    if t.startswith("insn:"):
        return "insn", int(t[5:], 0)
    try:
        return "address", int(t, 0)
    except ValueError:
        raise ValueError(f"unknown moment {t!r}: entry, exit, an address, api:DLL!Function[#N] "
                         f"or insn:N") from None


class Emulator:
    """One emulated system with (usually) one program in it.

    Observability options (all off by default, and costing nothing then):
      trace        kinds to print: "boot", "api", "syscall", "insn" or "insn=START-END"
      trace_format "text" or "json" (JSON Lines, one object with a "kind" per event)
      trace_stream where traces go (default stderr)
      report       collect what `report()` needs: call counts, the last calls, files written
      max_api_calls, max_memory (committed bytes per process), max_processes: limits that end the
                   run with their reason
      progress     a terminal stream for the one-line status (None: no status line)
    lenient: an export or system service ntboot does not implement returns 0 with
    ERROR_CALL_NOT_IMPLEMENTED (a service: STATUS_NOT_IMPLEMENTED) and the run goes on; each such
    function is reported once in RunResult.warnings (and on stderr when echoing output).

    The user's folder: `host_cwd` is a host folder (the CLI passes the host's current directory)
    that becomes the guest's current directory: where a mount (the root, `mounts`, the program's
    folder C:\\app) already shows it with enough access, at that guest path; otherwise mounted at
    HOST_CWD_GUEST (C:\\work), read-only unless `host_cwd_writable`.  `cwd` is a guest path for the
    current directory instead (it must be a folder).  Neither given: the program's folder.
    """

    def __init__(self, *, root: str | None = None, mounts=(), app_writable: bool = False,
                 environment: dict | None = None, max_instructions: int = 0, timeout: float = 0.0,
                 profile: str | None = None, trace_boot: bool = False, trace_stream=None,
                 echo_output: bool = False, stdin: bytes = b"", image_file_execution_options=None,
                 trace=(), trace_format: str = "text", report: bool = False, max_api_calls: int = 0,
                 max_memory: int = 0, max_processes: int = 0, progress=None, registry_file: str | None = None,
                 lenient: bool = False, real_time: bool = False, host_cwd: str | None = None,
                 host_cwd_writable: bool = False, cwd: str | None = None):
        from .trace import BootPrinter, CallMonitor, TraceSink, TRACE_KINDS
        kinds = set()
        self.insn_range = None            # None: the main image's .text
        for item in trace:
            kind, _, arg = str(item).partition("=")
            if kind not in TRACE_KINDS:
                raise ValueError(f"unknown trace {item!r} (known: {', '.join(TRACE_KINDS)})")
            kinds.add(kind)
            if kind == "insn" and arg:
                self.insn_range = arg
        if trace_boot:
            kinds.add("boot")
        self.trace_kinds = kinds
        stream = trace_stream if trace_stream is not None else sys.stderr
        self.kernel = Kernel(Options(root=root, mounts=list(mounts), app_writable=app_writable,
                                     environment=environment, max_instructions=max_instructions,
                                     timeout=timeout, profile=profile, echo_output=echo_output, stdin=stdin,
                                     image_file_execution_options=image_file_execution_options or {},
                                     registry_file=registry_file, lenient=lenient, real_time=real_time))
        if "boot" in kinds:
            self.kernel.trace.sink = BootPrinter(stream, trace_format == "json")
        self.sink = TraceSink(stream, trace_format) if kinds else None
        self.reporting = report
        self.limits = {"timeout": timeout or None, "max_instructions": max_instructions or None,
                       "max_api_calls": max_api_calls or None, "max_memory": max_memory or None,
                       "max_processes": max_processes or None}
        self.monitor = None
        if kinds & {"api", "syscall"} or report or max_api_calls or progress is not None:
            self.monitor = CallMonitor(self.kernel, self.sink, trace_api="api" in kinds,
                                       trace_syscall="syscall" in kinds, count=report,
                                       keep_last=32 if report else 0, max_calls=max_api_calls)
            self.monitor.install()
        self.capture = None
        if report:
            from ntboot.report import FileCapture
            self.capture = FileCapture()
            self.capture.install(self.kernel)
        self.max_memory = max_memory
        self.max_processes = max_processes
        if max_processes:
            self.kernel.process_notify_routines.append(self._on_process_created)
        if max_memory:      # from the first page: the image, its stack and heaps count too
            self.kernel.address_space_routines.append(self._limit_memory)
        self.progress = None
        if progress is not None:
            from ntboot.trace import Progress
            self.progress = Progress(self.kernel, progress, self.monitor)
            self.kernel.scheduler.slice_hook = self.progress
            self.kernel.scheduler.slice_interval = self.progress.interval
        self.insn_tracers = []
        self.host_cwd = host_cwd
        self.host_cwd_writable = host_cwd_writable
        self.cwd = cwd
        self.moment_hits = 0                # how often the last run_to's address or export was reached
        self._fired = (None, set())         # (address, user hooks that ran there for this instruction)
        self._skip = (None, set())          # (address, user hooks not to run again when it executes)
        self.process = None
        self.program = None
        self.args = []
        self.result: RunResult | None = None
        self.wall_seconds = 0.0
        self.started_at = None
        self._finished = False

    # -- life cycle --------------------------------------------------------------------------------
    def create_process(self, program: str, args=()):
        """Create the program's process (booted up to its first instruction, not run yet); its
        folder is C:\\app unless a mount already shows it.  ProgramError when it cannot start."""
        try:
            cwd = self._current_directory(program)
            self.process = self.kernel.create_process_from_host(program, list(args), current_directory=cwd)
        except NtError as e:
            raise ProgramError(e.status, str(e)) from None
        self.program = program
        self.args = list(args)
        if "insn" in self.trace_kinds:
            self.trace_instructions(self.insn_range)
        return self.process

    def _current_directory(self, program: str) -> str | None:
        """The guest's current directory from `cwd` / `host_cwd` (None: the kernel's default, the
        program's folder).  Mounts the host folder when no mount shows it yet."""
        io = self.kernel.io
        if self.host_cwd is not None:
            host_program = os.path.abspath(program)
            if os.path.isfile(host_program) and io.guest_path_of_host(host_program) is None:
                # the program's folder is C:\app before the user's folder is placed (as the kernel would)
                io.mount("C:\\app", os.path.dirname(host_program), self.kernel.options.app_writable)
            shown = io.guest_path_of_host(self.host_cwd, writable=self.host_cwd_writable)
            if shown is None:
                io.mount(HOST_CWD_GUEST, self.host_cwd, self.host_cwd_writable)
                shown = HOST_CWD_GUEST
        else:
            shown = None
        if self.cwd is None:
            return shown
        try:
            node = io.resolve(self.cwd)
        except NtError:
            node = None
        if node is None or not node.exists or not node.is_dir:
            raise ValueError(f"--cwd {self.cwd}: no such folder in the guest")
        return node.guest_path

    def _on_process_created(self, process, create: bool) -> None:
        if not create:
            return
        kernel = self.kernel
        if self.max_processes and len(kernel.processes) > self.max_processes:
            kernel.scheduler.stop_run("process limit", f"{process.image_name} would be process number "
                                              f"{len(kernel.processes)}; the limit is {self.max_processes}")

    def _limit_memory(self, process) -> None:
        kernel = self.kernel
        mem = process.memory
        mem.commit_limit = self.max_memory

        def over(requested, process=process):
            kernel.scheduler.stop_run("memory limit",
                            f"{process.image_name} would commit {requested:#x} more bytes "
                            f"with {process.memory.committed:#x} committed; the limit is {self.max_memory:#x}")
        mem.on_commit_limit = over

    def trace_instructions(self, where=None, process=None, limit: int = 0):
        """Trace every instruction in a range of `process` (default: the main image's .text)."""
        from ntboot.trace import InstructionTracer, TraceSink, main_text_range, parse_range
        process = process or self.process
        if isinstance(where, str):
            begin, end = parse_range(where, process)
        elif where is None:
            begin, end = main_text_range(process)
        else:
            begin, end = where
        sink = self.sink or TraceSink(sys.stderr)
        tracer = InstructionTracer(self.kernel, process, sink, begin, end, limit)
        self.insn_tracers.append(tracer)
        return tracer

    @property
    def thread(self):
        """The process's first thread (the one the process started with), or None."""
        return self.process.threads[0] if self.process and self.process.threads else None

    def thread_by_tid(self, tid: int | None):
        """The process's thread with this id (None: the first thread); ValueError naming the threads that
        exist."""
        if tid is None:
            return self.thread
        for t in self.process.threads:
            if t.tid == tid:
                return t
        raise ValueError(f"no thread {tid} in {self.process.image_name} "
                         f"(threads: {', '.join(str(t.tid) for t in self.process.threads)})")

    def _go(self, our_limit: bool = False) -> RunResult:
        if self.started_at is None:
            self.started_at = time.time()
        if self.progress is not None and self.kernel.options.echo_output:
            self.progress.wrap_host_streams()
        t = time.perf_counter()
        result = self.kernel.run()
        self.wall_seconds += time.perf_counter() - t
        if our_limit and result.reason == "instruction limit":
            result.reason = "paused"        # our own count ran out (run_to insn / step): resumable
        if result.reason in PAUSED:
            self.kernel.scheduler.resume_after_break()   # ready to go on, by run() or by kernel.run()
        else:
            self._finish()
        if self.progress is not None:
            self.progress.clear()
            self.progress.unwrap_host_streams()
        return result

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self.monitor is not None:
            self.monitor.finish()
        for tracer in self.insn_tracers:
            tracer.finish()
        if self.sink is not None:
            self.sink.flush()

    def run(self) -> RunResult:
        """Run (or go on running) until the run ends."""
        self.result = self._go()
        return self.result

    def run_to(self, when) -> RunResult | None:
        """Run until `when` (see `parse_moment`).  Returns None when stopped there (the run can go on
        with `run`, `run_to` or `step`), or the run's result if it ended first."""
        kind, arg = parse_moment(when)
        if kind == "exit":
            self.result = self._go()
            return None
        if kind == "insn":
            return self._run_instructions(arg, absolute=True)
        if kind == "api":
            name, nth = arg
            return self._pause_on(self.api_hook_address(name), nth)
        address = self.entry_point if kind == "entry" else arg
        return self._pause_on(address, 1)

    def _settle(self, result: RunResult) -> RunResult | None:
        if result.reason in PAUSED:
            return None
        self.result = result
        return result

    def _pause_on(self, address: int, nth: int) -> RunResult | None:
        """Stop before the nth time the CPU reaches `address`.  On an emulated export's stub the
        stop comes before its handler, which runs when the run goes on."""
        seen = [0]
        handle = [None]
        self.moment_hits = 0
        stopped = [False]

        def reached(addr):
            if stopped[0]:                  # the stopped instruction runs now: hooks fire normally again
                self._skip = (None, set())
                self.remove_hook(handle[0])
                return None
            seen[0] += 1
            self.moment_hits = seen[0]
            if seen[0] < nth or handle[0] is None:
                return None
            # the hooks that already ran for this instruction do not run again when it executes
            at, fired = self._fired
            self._skip = (addr, set(fired) if at == addr else set())
            stopped[0] = True               # kept registered for that one instruction, then removed
            self.kernel.scheduler.current_thread.request = Request("return", eip=addr)
            what = f"call {nth} of " if nth > 1 else ""
            self.kernel.scheduler.stop_run("breakpoint", f"stopped before {what}"
                                           f"{self.process.describe_address(addr)}")
            return SKIP_HANDLER
        handle[0] = self._add_hook(address, reached)
        result = self._go()
        if not stopped[0]:
            self.remove_hook(handle[0])
        return self._settle(result)

    def _run_instructions(self, n: int, absolute: bool = False) -> RunResult | None:
        opts = self.kernel.options
        saved = opts.max_instructions
        target = n if absolute else self.kernel.scheduler.instructions + n
        if saved and saved < target:
            target = saved
        opts.max_instructions = target
        try:
            result = self._go_counted(saved)
        finally:
            opts.max_instructions = saved
        return self._settle(result)

    def _go_counted(self, user_limit: int) -> RunResult:
        return self._go(our_limit=not (user_limit and self.kernel.options.max_instructions >= user_limit))

    def step(self, count: int = 1) -> RunResult | None:
        """Run `count` instructions (Unicorn's count): None when stopped after them."""
        return self._run_instructions(count)

    def stop(self, reason: str = "paused", message: str = "stopped by the Python API") -> None:
        """From a hook or callback: end the run after the current instruction.  With the default
        reason the run stays resumable (`run()` goes on)."""
        self.kernel.scheduler.stop_run(reason, message)

    def close(self) -> None:
        """End the run's bookkeeping (traces flushed) and release the engines, the temporary sandbox root
        and the registry file (written back when one was given).  Call it once, last."""
        self._finish()
        self.kernel.close()

    # -- hooks -------------------------------------------------------------------------------------
    def api_hook_address(self, name: str) -> int:
        """The address of an export ("kernel32!CreateFileW", "ntdll!NtClose") in the process.  A
        system DLL need not be loaded yet: they sit at their fixed bases."""
        dll, _, func = name.partition("!")
        if not dll.lower().endswith(".dll"):
            dll += ".dll"
        try:
            return self.kernel.export_address(self.process, dll, func)
        except (KeyError, NtError):
            pass
        for known in self.kernel.system_dll_specs:
            if known.lower() == dll.lower():
                synth = self.kernel.synthesized(known)
                if func in synth.exports:
                    return synth.spec.base + synth.exports[func]
                raise ValueError(f"{name}: {known} has no export {func}")
        ldr = self.process.ldr
        module = ldr.find_module(dll) if ldr is not None else None
        if module is not None:
            address = ldr.get_procedure_address(module, func, None)
            if isinstance(address, int):
                return address
        raise ValueError(f"{name}: no such export in {self.process.image_name}")

    def add_api_hook(self, name: str, callback):
        """callback(address) before every call of an export (before its handler)."""
        return self.add_code_hook(self.api_hook_address(name), callback)

    def add_code_hook(self, address: int, callback, end: int | None = None):
        """callback(address) before each instruction executed in [address, end].  On the first
        instruction of an emulated export (a trap) it runs before the export's handler.  A hook runs
        once per executed instruction: when `run_to` stopped before an instruction after the hook
        ran, going on (`step`, `run`) does not run it again for that instruction.  Returns a handle
        for `remove_hook`."""
        def hook(addr):
            at, skip = self._skip
            if at == addr and hook in skip:
                skip.discard(hook)
                return None
            at, fired = self._fired
            if at != addr:
                fired = set()
                self._fired = (addr, fired)
            fired.add(hook)
            return callback(addr)
        return self._add_hook(address, hook, end)

    def _add_hook(self, address: int, callback, end: int | None = None):
        dispatcher = self.process.dispatcher
        if end is None and self._is_stub(address):
            dispatcher.observers.setdefault(address, []).append(callback)
            return ("observer", address, callback)
        return self.process.machine.hook_code_range(address, end if end is not None else address, callback)

    def _is_stub(self, address: int) -> bool:
        """The first instruction of an emulated export (mapped or still to be)."""
        if address in self.process.dispatcher.stubs:
            return True
        if any(base <= address < base + s.image.info.size_of_image for base, s in self.process.mapped_images.items()):
            return False
        # a system DLL not mapped yet: the one whose fixed base is the nearest below the address
        below = [(spec.base, name) for name, spec in self.kernel.system_dll_specs.items() if spec.base <= address]
        if not below:
            return False
        synth = self.kernel.synthesized(max(below)[1])
        return synth.spec.base + synth.stub_range[0] <= address < synth.spec.base + synth.stub_range[1]

    def remove_hook(self, handle) -> None:
        """Remove a hook added by `add_code_hook` or `add_api_hook` (the handle they returned)."""
        if isinstance(handle, tuple) and handle and handle[0] == "observer":
            _, address, callback = handle
            callbacks = self.process.dispatcher.observers.get(address, [])
            if callback in callbacks:
                callbacks.remove(callback)
        else:
            self.process.machine.remove_hook(handle)

    # -- inspection --------------------------------------------------------------------------------
    @property
    def entry_point(self) -> int:
        """The main image's entry point address (image base + AddressOfEntryPoint)."""
        info = self.process.section.image.info
        return info.entry_va(self.process.image_base)

    @property
    def structs(self):
        """The structure layouts of the process's OS profile (ctypes classes: PEB, TEB,
        LDR_DATA_TABLE_ENTRY ...)."""
        return self.process.structs

    def read(self, address: int, size: int) -> bytes:
        """Guest memory of the process: `size` bytes at `address` (an unmapped address raises an error of
        the engine)."""
        return self.process.machine.read(address, size)

    def write(self, address: int, data: bytes) -> None:
        """Write bytes into guest memory of the process."""
        self.process.machine.write(address, bytes(data))

    def read_u32(self, address: int) -> int:
        """A little-endian DWORD of guest memory."""
        return struct.unpack("<I", self.read(address, 4))[0]

    def write_u32(self, address: int, value: int) -> None:
        """Write a little-endian DWORD into guest memory."""
        self.write(address, struct.pack("<I", value & 0xFFFFFFFF))

    def registers(self) -> dict:
        """The CPU registers of the stopped thread by name (eax ... eip, eflags); eip is where the thread
        goes on."""
        regs = self.process.machine.registers()
        thread = self.kernel.scheduler.current_thread
        if thread is not None and thread.process is self.process and thread.request is not None \
                and thread.request.kind == "return":
            regs["eip"] = thread.request.eip      # where the stopped thread goes on
        return regs

    def set_register(self, name: str, value: int) -> None:
        """Change a register of the stopped thread ("eax", "eip" ...); the run goes on with it."""
        name = name.lower()
        thread = self.kernel.scheduler.current_thread
        if name == "eip" and thread is not None and thread.request is not None and thread.request.kind == "return":
            thread.request.eip = value & 0xFFFFFFFF
        self.process.machine.set_reg(name, value)

    def structure_address(self, name: str, tid: int | None = None) -> int:
        """The guest address of a structure that has one per process or thread: PEB, TEB, PEB_LDR_DATA,
        RTL_USER_PROCESS_PARAMETERS, KUSER_SHARED_DATA, EPROCESS, ETHREAD (ValueError for others)."""
        S = self.structs
        p = self.process
        t = self.thread_by_tid(tid)
        name = name.upper().lstrip("_")
        fixed = {"PEB": p.peb, "TEB": t.teb, "RTL_USER_PROCESS_PARAMETERS": p.params,
                 "KUSER_SHARED_DATA": 0x7FFE0000, "EPROCESS": p.eprocess, "ETHREAD": t.ethread}
        if name in fixed:
            return fixed[name]
        if name == "PEB_LDR_DATA":
            return self.read_u32(p.peb + S.PEB.offsetof("Ldr"))
        raise ValueError(f"{name}: give its address")

    def structure(self, name: str, address: int | None = None, tid: int | None = None):
        """A structure of the profile read from guest memory (a ctypes instance); PEB, TEB,
        PEB_LDR_DATA, RTL_USER_PROCESS_PARAMETERS, KUSER_SHARED_DATA, EPROCESS and ETHREAD need no
        address."""
        cls = getattr(self.structs, name.lstrip("_"))
        if address is None:
            address = self.structure_address(name, tid)
        return cls.from_bytes(self.read(address, cls.sizeof()))

    # -- reports and minidumps ---------------------------------------------------------------------
    def report(self) -> dict:
        """The versioned JSON report of the run so far (ntboot/report_schema.json)."""
        from ntboot.report import build_report
        result = self.result
        if result is None:
            result = RunResult(None, "not run")
        return build_report(self.kernel, result, program=self.program or "", args=self.args,
                            monitor=self.monitor, capture=self.capture, wall_seconds=self.wall_seconds,
                            started_at=self.started_at, limits=self.limits)

    def write_report(self, path: str) -> dict:
        """Write the JSON report (see `report`) to `path`; returns it."""
        from ntboot.report import write_report
        data = self.report()
        write_report(data, path)
        return data

    def minidump(self, path: str | None = None) -> bytes:
        """A Windows minidump of the process as it is now; written to `path` when given."""
        from ntboot.minidump import build_minidump
        data = build_minidump(self.kernel, self.process)
        if path is not None:
            with open(path, "wb") as f:
                f.write(data)
        return data

    def _reader(self):
        machine = self.process.machine

        def read(addr, size):
            try:
                return machine.read(addr, size)
            except Exception:
                return None
        return read

    def dump(self, what: str, fmt: str = "text", tid: int | None = None):
        """A structure from guest memory: fmt "text" (WinDbg dt style), "json" or "hex".  `tid`
        picks the thread for teb/ethread (default: the first)."""
        from kernel.structs import dt
        S = self.structs
        p = self.process
        t = self.thread_by_tid(tid)
        read = self._reader()
        if what == "vad":
            return self._memory_map(fmt)
        if what == "handles":
            return self._handles(fmt)
        if what == "heap":
            return self._heaps(fmt)
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

    def summary(self, what: str, tid: int | None = None) -> str:
        """WinDbg's `!peb` / `!teb` summaries, read from guest memory."""
        S = self.structs
        if what == "teb":
            t = self.thread_by_tid(tid)
            T = S.TEB
            f = lambda path: int.from_bytes(self.read(t.teb + T.offsetof(path), 4), "little")
            rows = [("ExceptionList", f"{f('NtTib.ExceptionList'):08x}"), ("StackBase", f"{f('NtTib.StackBase'):08x}"),
                    ("StackLimit", f"{f('NtTib.StackLimit'):08x}"), ("SubSystemTib", f"{f('NtTib.SubSystemTib'):08x}"),
                    ("FiberData", f"{f('NtTib.FiberData'):08x}"),
                    ("ArbitraryUserPointer", f"{f('NtTib.ArbitraryUserPointer'):08x}"),
                    ("Self", f"{f('NtTib.Self'):08x}"), ("EnvironmentPointer", f"{f('EnvironmentPointer'):08x}"),
                    ("ClientId", f"{f('ClientId.UniqueProcess'):08x} . {f('ClientId.UniqueThread'):08x}"),
                    ("RpcHandle", f"{f('ActiveRpcHandle'):08x}"),
                    ("Tls Storage", f"{f('ThreadLocalStoragePointer'):08x}"),
                    ("PEB Address", f"{f('ProcessEnvironmentBlock'):08x}"),
                    ("LastErrorValue", str(f("LastErrorValue"))), ("LastStatusValue", f"{f('LastStatusValue'):x}"),
                    ("Count Owned Locks", str(f("CountOfOwnedCriticalSections")))]
            if has_field(S.TEB, "HardErrorMode"):        # Windows 7's !teb line (XP's TEB has no such field)
                rows.append(("HardErrorMode", str(f("HardErrorMode"))))
            return f"TEB at {t.teb:08x}\n" + "\n".join(f"    {k + ':':<22}{v}" for k, v in rows)
        if what != "peb":
            raise ValueError("a summary exists for peb and teb")
        p = self.process
        P = S.PEB
        f = lambda path, size=4: int.from_bytes(self.read(p.peb + P.offsetof(path), size), "little")
        yes = lambda v: "Yes" if v else "No"
        ldr = f("Ldr")
        lines = [f"PEB at {p.peb:08x}",
                 f"    InheritedAddressSpace:    {yes(f('InheritedAddressSpace', 1))}",
                 f"    ReadImageFileExecOptions: {yes(f('ReadImageFileExecOptions', 1))}",
                 f"    BeingDebugged:            {yes(f('BeingDebugged', 1))}",
                 f"    ImageBaseAddress:         {f('ImageBaseAddress'):08x}",
                 f"    Ldr                       {ldr:08x}"]
        if ldr:
            L = S.PEB_LDR_DATA
            g = lambda path: int.from_bytes(self.read(ldr + L.offsetof(path), 4), "little")
            lines.append(f"    Ldr.Initialized:          {yes(g('Initialized'))}")
            for name in ("InInitializationOrderModuleList", "InLoadOrderModuleList", "InMemoryOrderModuleList"):
                flink = g(name + ".Flink")
                blink = g(name + ".Blink")
                lines.append(f"    Ldr.{name + ':':<33}{flink:08x} . {blink:08x}")
            lines.append(f"        {'Base':>8} TimeStamp                     Module")
            E = S.LDR_DATA_TABLE_ENTRY
            import time as _time
            for name, base in self.module_orders()["InLoadOrderModuleList"]:
                entry = next(m for m in p.ldr.modules if m.base == base) if p.ldr else None
                stamp = entry.image.info.timestamp if entry else 0
                when = _time.strftime("%b %d %H:%M:%S %Y", _time.gmtime(stamp))
                lines.append(f"        {base:>8x} {stamp:08x} {when} {entry.full_name if entry else name}")
        params = f("ProcessParameters")
        R = S.RTL_USER_PROCESS_PARAMETERS

        def ustr(path):
            n = int.from_bytes(self.read(params + R.offsetof(path + ".Length"), 2), "little")
            buf = int.from_bytes(self.read(params + R.offsetof(path + ".Buffer"), 4), "little")
            return self.read(buf, n).decode("utf-16-le", "replace") if buf and n else ""
        lines += [f"    SubSystemData:     {f('SubSystemData'):08x}",
                  f"    ProcessHeap:       {f('ProcessHeap'):08x}",
                  f"    ProcessParameters: {params:08x}",
                  f"    CurrentDirectory:  '{ustr('CurrentDirectory.DosPath')}'",
                  f"    WindowTitle:  '{ustr('WindowTitle')}'",
                  f"    ImageFile:    '{ustr('ImagePathName')}'",
                  f"    CommandLine:  '{ustr('CommandLine')}'",
                  f"    DllPath:      '{ustr('DllPath')}'",
                  f"    Environment:  {int.from_bytes(self.read(params + R.offsetof('Environment'), 4), 'little'):08x}"]
        lines += [f"        {e}" for e in self.environment()]
        return "\n".join(lines)

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
        """The process's environment block, read from guest memory: ["NAME=value", ...] in block order."""
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

    def _handles(self, fmt: str):
        """The handle table: value, object type, name (what the object says it is), granted access."""
        from ntboot.trace import access_names
        rows = []
        for value, entry in sorted(self.process.handles.entries.items()):
            obj = entry.obj
            try:
                name = obj.describe()
            except Exception:
                name = getattr(obj, "name", "")
            type_name = getattr(obj, "type_name", type(obj).__name__)
            rows.append({"handle": value, "type": type_name, "name": name, "access": entry.access,
                         "access_names": access_names(entry.access, type_name == "File"),
                         "attributes": entry.attributes})
        for value, kind in sorted(self.process.console_handles.items()):
            rows.append({"handle": value, "type": "Console", "name": f"Console {kind}", "access": 0,
                         "access_names": "", "attributes": 0})
        if fmt == "json":
            return rows
        lines = [f"{'Handle':>8}  {'Type':<10} {'Access':>10}  Name"]
        for r in rows:
            lines.append(f"{r['handle']:#8x}  {r['type']:<10} {r['access']:#010x}  {r['name']}"
                         + (f"  [{r['access_names']}]" if r['access_names'] else ""))
        return "\n".join(lines)

    def _heaps(self, fmt: str):
        """Every heap of the process and its busy blocks (user pointer, requested size)."""
        p = self.process
        heaps = []
        for h in p.heaps:
            blocks = [{"address": ptr, "size": size} for ptr, size in h.blocks()]
            heaps.append({"base": h.base, "process_heap": h is p.heap, "flags": h.flags,
                          "committed": h.committed_end - h.base, "reserved": h.reserve_size,
                          "busy_blocks": len(blocks), "busy_bytes": sum(b["size"] for b in blocks),
                          "blocks": blocks})
        if fmt == "json":
            return heaps
        lines = []
        for h in heaps:
            lines.append(f"Heap {h['base']:#010x}{' (process heap)' if h['process_heap'] else ''}: "
                         f"flags {h['flags']:#x}, committed {h['committed']:#x} of {h['reserved']:#x}, "
                         f"{h['busy_blocks']} busy blocks, {h['busy_bytes']:#x} bytes")
            for b in h["blocks"]:
                lines.append(f"  {b['address']:#010x} {b['size']:#10x}")
        return "\n".join(lines)

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


def _mapped_reader(data: bytes, name: str):
    """read(addr, n) over the SEC_IMAGE view of an image file (RVAs as addresses)."""
    from loader.image import PeImage
    image = PeImage.from_bytes(data, name)
    _, pieces, _ = image.view_pieces()       # the file's bytes where they map; zeros elsewhere

    def read(addr, n):
        out = bytearray(n)
        for rva, chunk in pieces:
            lo, hi = max(addr, rva), min(addr + n, rva + len(chunk))
            if lo < hi:
                out[lo - addr:hi - addr] = chunk[lo - rva:hi - rva]
        return bytes(out)
    return read


class _SystemExports:
    """What ntboot's synthesized system DLLs export and implement (for `ntboot imports`)."""

    def __init__(self, profile: str | None = None):
        from kernel.dlls import system_dlls
        from kernel.hle.registry import ApiSpec
        from kernel.hle.synth import synthesize
        from kernel.nt import service_table
        from kernel.profiles import get_profile
        self.profile = get_profile(profile)
        self.specs = {name.lower(): spec for name, spec in system_dlls(self.profile).items()}
        self._synthesize = synthesize
        self._api_spec = ApiSpec
        self.services = set(service_table())
        self._ordinals = {}

    def spec(self, dll: str):
        return self.specs.get(dll.lower() if dll.lower().endswith(".dll") else dll.lower() + ".dll")

    def status(self, dll: str, name: str, depth: int = 0) -> str:
        """implemented, NOT IMPLEMENTED (a real export without a handler) or NOT EXPORTED."""
        spec = self.spec(dll)
        if spec is None or depth > 8:
            return "NOT EXPORTED"
        if name in spec.forwarders:
            target_dll, _, target = spec.forwarders[name].partition(".")
            return self.status(target_dll, target, depth + 1)
        synth = self._synthesize(spec, self.profile)
        rva = synth.exports.get(name)
        if rva is None:
            return "NOT EXPORTED"
        api = synth.stubs.get(rva)
        if api is None:                       # data or hand-written code (ntdll's system-call stubs)
            if spec.syscalls and name[:2] in ("Nt", "Zw") and "Nt" + name[2:] in self.profile.syscall_numbers:
                return "implemented" if "Nt" + name[2:] in self.services else "NOT IMPLEMENTED"
            return "implemented"
        return "implemented" if isinstance(api, self._api_spec) else "NOT IMPLEMENTED"

    def name_of_ordinal(self, dll: str, ordinal: int) -> str | None:
        spec = self.spec(dll)
        if spec.name not in self._ordinals:
            from loader.image import read_exports
            read = _mapped_reader(self._synthesize(spec, self.profile).image, spec.name)
            _, by_name, _, _ = read_exports(read, 0)
            self._ordinals[spec.name] = {o: n for n, o in by_name.items()}
        return self._ordinals[spec.name].get(ordinal)


IMPORT_STATUSES = ("implemented", "not_implemented", "own", "unresolvable")


def _open_image(path: str, name: str):
    """_mapped_reader of a host file, or ProgramError with the status `run` would give."""
    from kernel.rtl.status import STATUS
    if os.path.isdir(path):
        raise ProgramError(STATUS["STATUS_FILE_IS_A_DIRECTORY"], f"{path} is a folder, not a program")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ProgramError(STATUS["STATUS_OBJECT_NAME_NOT_FOUND"],
                           f"{path}: the program file does not exist") from None
    except OSError as e:
        raise ProgramError(STATUS["STATUS_ACCESS_DENIED"], f"{path}: {e.strerror}") from None
    try:
        return _mapped_reader(data, name)
    except NtError as e:
        raise ProgramError(e.status, str(e)) from None


def imports_table(program: str, profile: str | None = None) -> dict:
    """`ntboot imports --json`: every function the program imports and whether ntboot implements it,
    then the same for every DLL of the program's own that it would load (found in the program's
    folder, as the loader searches it first, recursively, each once, in the order they would be
    loaded).

    {"program": host path, "modules": [{"name", "path", "imports": [{"dll", "function" (or null),
    "ordinal" (or null), "status", "detail"}]}], "counts": {status: n}, "resolves": bool,
    "implemented": bool}.  status is one of IMPORT_STATUSES: "implemented", "not_implemented" (a real
    Windows export ntboot has no handler for: the run stops there unless --lenient), "own" (a DLL of
    the program's own exports it; detail names it) or "unresolvable" (detail: "DLL NOT FOUND",
    "NOT EXPORTED by X", or why the program's DLL cannot load): the loader would refuse the program.
    ProgramError when the program itself is missing or not an image Windows would map."""
    from loader.image import read_exports, read_imports
    program_path = os.path.abspath(program)
    first = _open_image(program_path, os.path.basename(program))
    system = _SystemExports(profile)
    resolve_api_set = system.profile.resolve_api_set
    folder = os.path.dirname(program_path)
    try:
        local_files = {f.lower(): f for f in os.listdir(folder)}
    except OSError:
        local_files = {}
    modules = []
    counts = dict.fromkeys(IMPORT_STATUSES, 0)
    queue = [(os.path.basename(program), program_path, first)]
    seen = {os.path.basename(program).lower()}
    local_exports = {}
    while queue:
        module, path, read = queue.pop(0)
        rows = []
        modules.append({"name": module, "path": path, "imports": rows})
        for dll, entries in read_imports(read, 0):
            host = resolve_api_set(dll) or dll
            key = host.lower() if "." in host else host.lower() + ".dll"
            own = local_files.get(key)
            if own is not None and key not in local_exports:
                try:
                    own_read = _open_image(os.path.join(folder, own), own)
                except ProgramError as e:
                    local_exports[key] = (own, None, str(e))
                else:
                    _, by_name, by_ordinal, _ = read_exports(own_read, 0)
                    local_exports[key] = (own, (set(by_name), set(by_ordinal)), "")
                    if key not in seen:
                        seen.add(key)
                        queue.append((own, os.path.join(folder, own), own_read))
            for imp in entries:
                if own is not None:
                    own_name, exported, why = local_exports[key]
                    if exported is None:
                        status, detail = "unresolvable", why
                    else:
                        names, ordinals = exported
                        found = imp.name in names if imp.name else imp.ordinal in ordinals
                        status, detail = ("own", f"in {own_name}") if found else \
                            ("unresolvable", f"NOT EXPORTED by {own_name}")
                elif system.spec(host) is not None:
                    function = imp.name or system.name_of_ordinal(host, imp.ordinal)
                    mark = system.status(host, function) if function else "NOT EXPORTED"
                    if mark == "NOT EXPORTED":
                        status, detail = "unresolvable", f"NOT EXPORTED by {system.spec(host).name}"
                    elif mark == "NOT IMPLEMENTED":
                        status, detail = "not_implemented", "NOT IMPLEMENTED"
                    else:
                        status, detail = "implemented", "implemented"
                else:
                    status, detail = "unresolvable", "DLL NOT FOUND"
                counts[status] += 1
                rows.append({"dll": dll, "function": imp.name or None,
                             "ordinal": None if imp.name else imp.ordinal, "status": status, "detail": detail})
    return {"program": program_path, "modules": modules, "counts": counts,
            "resolves": counts["unresolvable"] == 0,
            "implemented": counts["unresolvable"] == 0 and counts["not_implemented"] == 0}


def format_imports(table: dict) -> list[str]:
    """The text form of `imports_table`: a section per module, `name (host path):`, a line per
    import, `DLL!function<TAB>status` ("implemented", "NOT IMPLEMENTED", "NOT EXPORTED by X",
    "in X", "DLL NOT FOUND"), and a last line counting them."""
    out = []
    for m in table["modules"]:
        out.append(f"{m['name']} ({m['path']}):")
        for row in m["imports"]:
            name = row["function"] if row["function"] is not None else f"#{row['ordinal']}"
            out.append(f"  {row['dll']}!{name}\t{row['detail']}")
    c = table["counts"]
    out.append(f"{len(table['modules'])} module(s), {sum(c.values())} imports: {c['implemented']} implemented, "
               f"{c['not_implemented']} not implemented, {c['own']} from the program's own DLLs, "
               f"{c['unresolvable']} unresolvable")
    return out


def list_imports(program: str, profile: str | None = None) -> list[str]:
    """`ntboot imports` as text lines (see `imports_table` and `format_imports`)."""
    return format_imports(imports_table(program, profile))
