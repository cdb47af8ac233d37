"""The emulated NT system: the kernel object everything hangs off, and the run loop.

    kernel = Kernel(Options(root=...))
    process, thread = kernel.create_process(["C:\\app\\hello.exe"])   # via the host paths helper
    result = kernel.run()

`Kernel` holds the OS profile, the object manager's tables, the I/O and memory managers, kernel space
(shared by every process engine), the system DLL images and the scheduler.  `run()` runs threads
until every process has ended or the run is stopped, and returns a `RunResult`.
"""
from __future__ import annotations

import gc
import os
import struct
import threading
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field


from emu.context import CONTEXT_SIZE, apply as apply_context
from emu.memory import PAGE_EXECUTE_READ, PAGE_READONLY, PAGE_READWRITE, PAGE_SIZE, PAGE_GUARD

from . import paths
from .create_process import create_process as _create_process
from .hle.synth import synthesize
from .io import IoManager
from .ke_apc import ApcMixin
from .ke_exception import ExceptionMixin
from .ke_wait import WaitMixin
from .ke import THREAD_SLICE, Dispatcher, Request, RunStop
from .mm import MemoryManager
from .ob import CidTable, HandleTable, KernelObject
from .profiles import get_profile
from .ps import (THREAD_READY, THREAD_RUNNING, THREAD_TERMINATED, EProcess, EThread)
from .status import STATUS, NtError, status_name
from .trace import BootTrace

# folders of a Windows 7 installation the guest finds in the sandbox root (created if missing):
# the user profile the default environment names (TEMP, APPDATA, LOCALAPPDATA) and the shared ones
STANDARD_FOLDERS = ("C:\\Users\\user\\AppData\\Local\\Temp", "C:\\Users\\user\\AppData\\Roaming",
                    "C:\\Users\\user\\Documents", "C:\\Users\\user\\Desktop", "C:\\ProgramData",
                    "C:\\Program Files\\Common Files")
KUSER_SHARED_DATA = 0x7FFE0000
KERNEL_IMAGE_BASE = 0x80100000       # where the kernel's own code and data (our "ntoskrnl") live
KERNEL_POOL_BASE = 0x80200000        # EPROCESS/ETHREAD mirrors and kernel stacks
KERNEL_STACK_SIZE = 0x3000
SLICE_TIME_100NS = 10_000            # virtual time a full slice of THREAD_SLICE instructions takes (1 ms)
EPOCH_FILETIME = 133485408000000000  # 2024-01-01 00:00:00 UTC, the virtual clock's start


def host_filetime() -> int:
    return int(time.time() * 10_000_000) + 116444736000000000



@dataclass
class Options:
    root: str | None = None                  # sandbox root (C:\); a fresh temporary folder if None
    mounts: list = field(default_factory=list)   # [(host, guest, writable)]
    app_writable: bool = False               # the program's own folder is read-only unless asked
    profile: str = "win7sp1"
    max_instructions: int = 0                # 0 = no limit (no per-instruction cost)
    timeout: float = 0.0                     # seconds of wall time, 0 = none
    environment: dict | None = None          # extra guest environment variables
    stdin: bytes = b""
    echo_output: bool = False                # copy guest stdout/stderr to the host's as it is written
    trace_boot: bool = False
    trace_stream: object = None
    # HKLM\...\Image File Execution Options, by image name (lower case): {"prog.exe": {"Debugger": "..."}}
    image_file_execution_options: dict = field(default_factory=dict)
    # a registry file (kernel/registry.py's JSON): merged in at the start, written back at close()
    registry_file: str | None = None
    real_time: bool = False                  # follow the host clock instead of the virtual one
    # an export or system service ntboot does not implement returns 0 / STATUS_NOT_IMPLEMENTED (with
    # ERROR_CALL_NOT_IMPLEMENTED) and the run goes on, instead of stopping with "unsupported API"
    lenient: bool = False


@dataclass
class FaultReport:
    code: int
    description: str
    eip: int
    location: str
    instruction: str
    registers: dict
    last_services: list
    stack: list


@dataclass
class RunResult:
    exit_code: int | None
    reason: str                              # "exited", "unhandled exception", "unsupported API", ...
    message: str = ""
    stdout: bytes = b""
    stderr: bytes = b""
    status: int | None = None                # the NTSTATUS that ended it, when one did
    fault: FaultReport | None = None
    processes: list = field(default_factory=list)   # [{pid, parent, image, exit_code, reason}]
    instructions: int | None = None
    details: str = ""
    warnings: list = field(default_factory=list)    # what the run noted on the way (--lenient calls ...)

    @property
    def ok(self) -> bool:
        return self.reason == "exited"


class HostProcess(KernelObject):
    """The creator of the first process (the role explorer or cmd plays): it holds handles."""
    type_name = "Process"

    def __init__(self):
        super().__init__("ntboot")
        self.handles = HandleTable()
        self.pid = 0
        self.current_directory = "C:\\"


class Kernel(WaitMixin, ApcMixin, ExceptionMixin):
    def __init__(self, options: Options | None = None):
        self.options = options or Options()
        self.profile = get_profile(self.options.profile)
        self.trace = BootTrace(self)
        if self.options.trace_boot:
            self.trace.enable(self.options.trace_stream)
        self.tracing_process = None
        self.cid_table = CidTable()
        self.named_objects = {}              # the object namespace: lower-case NT path -> object
        self.processes: list[EProcess] = []
        self.host_process = HostProcess()
        self.process_notify_routines = []
        self.address_space_routines = []        # callable(process) when its address space exists
        self.image_file_execution_options = {k.lower(): v for k, v in
                                             self.options.image_file_execution_options.items()}
        self.windows_directory = "C:\\Windows"
        self.system_directory = "C:\\Windows\\System32"
        self.default_current_directory = "C:\\"
        self._temp_root = None
        root = self.options.root
        if root is None:
            self._temp_root = tempfile.TemporaryDirectory(prefix="ntboot-root-")
            root = self._temp_root.name
        from .dlls import system_dlls
        self.system_dll_specs = system_dlls(self.profile)
        self.io = IoManager(self, root, {name.lower(): (name, self._dll_image_provider(name))
                                         for name in self.system_dll_specs})
        for host, guest, writable in self.options.mounts:
            self.io.mount(guest, host, writable)
        for folder in STANDARD_FOLDERS:      # what every Windows 7 has (GetTempPath's folder ...)
            try:
                self.io.ensure_folder(folder)
            except (OSError, NtError):
                pass
        self.mm = MemoryManager(self)
        self.hle_entry_points = {}
        from .dlls.common import dll_entry_api
        self.dll_entry_api = dll_entry_api
        self.service_names = {n: name for name, n in self.profile.syscall_numbers.items()}
        self.api_trace = None
        # observability hooks (kernel.trace / kernel.report), all off unless asked for:
        self.file_write_capture = None       # callable(process, guest_path, offset, data) on file writes
        self.slice_hook = None               # callable() in the run loop after every slice
        self.slice_interval = 0.0            # when > 0, slices end at least this often (seconds)
        self.ansi_codepage = "cp1252"          # CP_ACP of the default (en-US) locale
        self.oem_codepage = "cp437"
        self.stdin_buffer = bytearray(self.options.stdin)
        self.console_stdout = bytearray()     # the shared console's output, every process's in order
        self.console_stderr = bytearray()
        self.boot_trace_calls = True
        # scheduler state
        self.ready_queue: list[EThread] = []
        self.current_thread: EThread | None = None
        self.reschedule = False
        self._stop: RunStop | None = None
        self._break = None
        self._running_machine = None
        self.fault_report: FaultReport | None = None
        self.internal_details = ""
        self.warnings: list[str] = []        # notes for the user (RunResult.warnings; stderr when echoing)
        self.lenient_reported: set[str] = set()   # --lenient: unimplemented functions already reported
        # virtual time
        self.clock_100ns = EPOCH_FILETIME
        self.boot_clock = EPOCH_FILETIME - 10_000_000 * 3600   # "booted an hour ago"
        self.real_time = self.options.real_time
        if self.real_time:
            self.clock_100ns = host_filetime()
            self.boot_clock = self.clock_100ns - 10_000_000 * 3600
        self.timers = []                     # waitable timers that are set (kernel/ob_sync.py)
        self.instructions = 0
        # kernel space: Python owns its bytes and writes them through to every engine
        self._kernel_allocations: list[tuple[int, int, int, str]] = []
        self._kernel_bytes: dict[int, bytearray] = {}
        self._kernel_next = KERNEL_POOL_BASE
        self._engines = []                   # every live process engine (kernel space is in each)
        self._build_kernel_image()
        self.entry_hooks = {}
        from .registry import RegistryFileError, attach as attach_registry
        try:
            attach_registry(self)            # the registry: the defaults, Options.registry_file, the change log
        except RegistryFileError:
            if self._temp_root is not None:
                self._temp_root.cleanup()
            raise

    @property
    def registry(self):
        """The configuration manager's registry (kernel/cm.py), built on first use."""
        from .cm import registry_of
        return registry_of(self)

    # -- kernel space -----------------------------------------------------------------------------
    def _build_kernel_image(self) -> None:
        code = self.kalloc(PAGE_SIZE, "ntoskrnl code", PAGE_EXECUTE_READ, at=KERNEL_IMAGE_BASE)
        self.ki_thread_startup = code
        self.kwrite(code, b"\x90\xCF")                  # KiThreadStartup: (trap) ; iretd
        data = self.kalloc(PAGE_SIZE, "ntoskrnl data", PAGE_READWRITE, at=KERNEL_IMAGE_BASE + 0x10000)
        self.ps_active_process_head = data
        self.kwrite(data, struct.pack("<II", data, data))

    def kalloc(self, size: int, tag: str, protect: int = PAGE_READWRITE, at: int | None = None) -> int:
        size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        if at is None:
            at = self._kernel_next
            self._kernel_next += (size + 0xFFFF) & ~0xFFFF
        self._kernel_allocations.append((at, size, protect, tag))
        self._kernel_bytes[at] = bytearray(size)
        for m in self._engines:
            m.kernel_memory.allocate(at, size, protect, tag=tag)
        return at

    def kfree(self, addr: int) -> None:
        """Free a kernel-space allocation in every engine."""
        for i, (base, size, _, _) in enumerate(self._kernel_allocations):
            if base <= addr < base + size:
                del self._kernel_allocations[i]
                del self._kernel_bytes[base]
                for m in self._engines:
                    m.kernel_memory.release(base)
                return

    def kwrite(self, addr: int, data: bytes) -> None:
        for base, buf in self._kernel_bytes.items():
            if base <= addr < base + len(buf):
                buf[addr - base: addr - base + len(data)] = data
                break
        else:
            raise ValueError(f"kernel write outside kernel allocations at {addr:#x}")
        for m in self._engines:
            m.write(addr, data)

    def kread(self, addr: int, size: int) -> bytes:
        for base, buf in self._kernel_bytes.items():
            if base <= addr < base + len(buf):
                return bytes(buf[addr - base: addr - base + size])
        raise ValueError(f"kernel read outside kernel allocations at {addr:#x}")

    # -- address spaces ------------------------------------------------------------------------------
    def attach_address_space(self, process: EProcess) -> None:
        """MmCreateProcessAddressSpace: kernel space, KUSER_SHARED_DATA, traps, the EPROCESS mirror."""
        m = process.machine
        for routine in self.address_space_routines:
            routine(process)
        for base, size, protect, tag in self._kernel_allocations:
            m.kernel_memory.allocate(base, size, protect, tag=tag)
            m.write(base, bytes(self._kernel_bytes[base]))
        self._engines.append(m)
        from .hle.context import ApiContext
        process.api_context = ApiContext(self, process)
        process.dispatcher = Dispatcher(self, process)
        process.sysenter_hook = m.hook_sysenter(process.dispatcher.dispatch_system_service)
        process.dispatcher.add_trap(self.ki_thread_startup, self._ki_thread_startup)
        services = {}
        from .nt import service_table
        for name, api in service_table().items():
            number = self.profile.syscall_numbers.get(name)
            if number is not None:
                from .ke import _Entry
                services[number] = _Entry(api, "ntdll!" + name, 0, service=True)
        process.dispatcher.services = services
        # EPROCESS mirror
        S = process.structs
        process.eprocess = self.kalloc(S.EPROCESS.sizeof(), f"EPROCESS of {process.image_name}")
        name = process.image_name.encode("latin-1", "replace")[:15]
        process.write_mirror(ImageFileName=name, CreateTime=process.create_time,
                             InheritedFromUniqueProcessId=process.parent_pid)
        self._build_kuser_shared_data(process)

    def _build_kuser_shared_data(self, process: EProcess) -> None:
        S = process.structs
        mem = process.memory
        mem.reserve(KUSER_SHARED_DATA, PAGE_SIZE, tag="KUSER_SHARED_DATA", align=PAGE_SIZE)
        mem.commit(KUSER_SHARED_DATA, PAGE_SIZE, PAGE_READWRITE)
        process.kuser_pending = True
        root = "C:\\Windows".encode("utf-16-le")
        from .guestmem import write_fields
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
        })
        self.update_kuser_time(process)

    def complete_kuser_shared_data(self, process: EProcess, ntdll_base: int, synth) -> None:
        from .guestmem import write_fields
        S = process.structs
        write_fields(process.memory.write, KUSER_SHARED_DATA, S.KUSER_SHARED_DATA, {
            "SystemCall": ntdll_base + synth.labels["KiFastSystemCall"],
            "SystemCallReturn": ntdll_base + synth.labels["KiFastSystemCallRet"],
        })
        process.memory.protect(KUSER_SHARED_DATA, PAGE_SIZE, PAGE_READONLY)

    def update_kuser_time(self, process: EProcess) -> None:
        from .guestmem import write_fields
        S = process.structs
        interrupt = self.clock_100ns - self.boot_clock
        ticks = interrupt // 10_000
        write_fields(process.machine.write, KUSER_SHARED_DATA, S.KUSER_SHARED_DATA, {
            "InterruptTime.LowPart": interrupt & 0xFFFFFFFF, "InterruptTime.High1Time": interrupt >> 32,
            "InterruptTime.High2Time": interrupt >> 32,
            "SystemTime.LowPart": self.clock_100ns & 0xFFFFFFFF, "SystemTime.High1Time": self.clock_100ns >> 32,
            "SystemTime.High2Time": self.clock_100ns >> 32,
            "TickCount.LowPart": ticks & 0xFFFFFFFF, "TickCount.High1Time": ticks >> 32,
            "TickCount.High2Time": ticks >> 32,
            "TickCountLowDeprecated": ticks & 0xFFFFFFFF,
        })

    # -- system DLLs ------------------------------------------------------------------------------
    def _dll_image_provider(self, name: str):
        return lambda: self.synthesized(name).image

    def synthesized(self, name: str):
        spec = self.system_dll_specs[name]
        return synthesize(spec, self.profile)

    def synthesized_for_path(self, guest_path: str):
        if paths.dirname(guest_path).lower() != self.system_directory.lower():
            return None
        name = paths.basename(guest_path)
        for known in self.system_dll_specs:
            if known.lower() == name.lower():
                return self.synthesized(known)
        return None

    def map_ntdll(self, process: EProcess) -> int:
        """ntdll is mapped into every process by the kernel, before any user code runs."""
        file = self.io.open_image_file(paths.to_nt_path(self.system_directory + "\\ntdll.dll"))
        section = self.mm.create_image_section(file)
        base, _ = self.mm.map_view_of_section(process, section)
        synth = section.synthesized
        process.ntdll_base = base
        process.dispatcher.sysret_eip = base + synth.labels["KiFastSystemCallRet"]
        process.dispatcher.return_trap = base + synth.labels[".return_trap"]
        process.dispatcher.add_trap(process.dispatcher.return_trap, process.dispatcher.on_return_trap)
        self.complete_kuser_shared_data(process, base, synth)
        return base

    def export_address(self, process: EProcess, dll: str, name: str) -> int:
        for base, section in process.mapped_images.items():
            if section.synthesized is not None and section.synthesized.spec.name.lower() == dll.lower():
                return base + section.synthesized.exports[name]
        raise NtError("STATUS_DLL_NOT_FOUND", f"{dll} is not mapped in {process.image_name}")

    # -- process and thread plumbing ---------------------------------------------------------------
    def insert_active_process(self, process: EProcess) -> None:
        S = process.structs
        links = process.eprocess + S.EPROCESS.offsetof("ActiveProcessLinks")
        head = self.ps_active_process_head
        last = struct.unpack("<I", self.kread(head + 4, 4))[0]
        self.kwrite(links, struct.pack("<II", head, last))
        self.kwrite(last, struct.pack("<I", links))          # last.Flink
        self.kwrite(head + 4, struct.pack("<I", links))      # head.Blink
        process.write_mirror(UniqueProcessId=process.pid)
        self.tracing_process = process

    def create_ethread_mirror(self, thread: EThread) -> None:
        process = thread.process
        S = process.structs
        thread.ethread = self.kalloc(S.ETHREAD.sizeof(), f"ETHREAD of {process.image_name}")
        thread.write_mirror(CreateTime=thread.create_time)

    def initialize_thread_context(self, thread: EThread) -> None:
        """KiInitializeContextThread: the thread will begin in KiThreadStartup on its kernel stack."""
        stack = self.kalloc(KERNEL_STACK_SIZE, f"kernel stack of thread {thread.tid}")
        thread.kernel_stack = stack + KERNEL_STACK_SIZE
        thread.write_mirror(**{"Cid.UniqueProcess": thread.process.pid, "Cid.UniqueThread": thread.tid,
                               "StartAddress": thread.start_address,
                               "Win32StartAddress": thread.win32_start_address,
                               "Tcb.InitialStack": thread.kernel_stack, "Tcb.StackLimit": stack,
                               "Tcb.KernelStack": thread.kernel_stack - 0x10})
        thread.request = Request("start")

    def insert_thread_list(self, thread: EThread) -> None:
        process = thread.process
        S = process.structs
        head = process.eprocess + S.EPROCESS.offsetof("ThreadListHead")
        entry = thread.ethread + S.ETHREAD.offsetof("ThreadListEntry")
        flink, blink = struct.unpack("<II", self.kread(head, 8))
        if flink == 0:
            flink = blink = head
            self.kwrite(head, struct.pack("<II", head, head))
        self.kwrite(entry, struct.pack("<II", head, blink))
        self.kwrite(blink, struct.pack("<I", entry))
        self.kwrite(head + 4, struct.pack("<I", entry))
        process.write_mirror(ActiveThreads=len(process.threads))

    def yield_thread(self, thread: EThread) -> None:
        """Give up the CPU if another thread is ready (Sleep, NtYieldExecution)."""
        if any(t.state == THREAD_READY for t in self.ready_queue):
            self.reschedule = True

    def hle_entry_point_spec(self, process: EProcess, base: int):
        section = process.mapped_images.get(base)
        return section.synthesized.spec if section is not None and section.synthesized else None

    def ready(self, thread: EThread) -> None:
        if thread.suspend_count > 0:
            thread.state = "suspended"          # runnable again when ResumeThread brings it to 0
            if thread in self.ready_queue:
                self.ready_queue.remove(thread)
            return
        thread.state = THREAD_READY
        if thread not in self.ready_queue:
            self.ready_queue.append(thread)

    # -- system time -------------------------------------------------------------------------------
    def set_st0(self, machine, value: float) -> None:
        """Return a double the way x86 functions do: pushed on the x87 stack as ST0."""
        from emu.x87 import push
        push(machine.uc, value)

    def system_time(self) -> int:
        """The system time (FILETIME units).  Virtual by default; with --real-time the host's
        (the one clock is then kept in step with the host at every read)."""
        if self.real_time:
            self.clock_100ns = max(self.clock_100ns, host_filetime())
        return self.clock_100ns

    def advance_clock(self, delta_100ns: int) -> None:
        if not self.real_time:                  # real time advances by itself
            self.clock_100ns += max(0, delta_100ns)

    def tick_count(self) -> int:
        return (self.system_time() - self.boot_clock) // 10_000

    # -- environment -------------------------------------------------------------------------------
    def default_environment(self) -> dict:
        env = {
            "ALLUSERSPROFILE": "C:\\ProgramData",
            "APPDATA": "C:\\Users\\user\\AppData\\Roaming",
            "COMPUTERNAME": "NTBOOT",
            "ComSpec": "C:\\Windows\\system32\\cmd.exe",
            "HOMEDRIVE": "C:",
            "HOMEPATH": "\\Users\\user",
            "LOCALAPPDATA": "C:\\Users\\user\\AppData\\Local",
            "NUMBER_OF_PROCESSORS": str(self.profile.number_of_processors),
            "OS": "Windows_NT",
            "Path": "C:\\Windows\\system32;C:\\Windows",
            "PATHEXT": ".COM;.EXE;.BAT;.CMD",
            "PROCESSOR_ARCHITECTURE": "x86",
            "ProgramFiles": "C:\\Program Files",
            "SystemDrive": "C:",
            "SystemRoot": "C:\\Windows",
            "TEMP": "C:\\Users\\user\\AppData\\Local\\Temp",
            "TMP": "C:\\Users\\user\\AppData\\Local\\Temp",
            "USERNAME": "user",
            "USERPROFILE": "C:\\Users\\user",
            "windir": "C:\\Windows",
        }
        env.update(self.options.environment or {})
        return dict(sorted(env.items(), key=lambda kv: kv[0].upper()))

    # -- creating the first process ----------------------------------------------------------------
    def create_process_from_host(self, program: str, args: list[str] = ()) -> EProcess:
        """Mount the program's folder at C:\\app and create the process as CreateProcessW would."""
        from .cmdline import build_command_line
        host_path = os.path.abspath(program)
        if not os.path.isfile(host_path):
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{program}: the program file does not exist")
        guest_path = self.io.guest_path_of_host(host_path)
        if guest_path is None:
            self.io.mount("C:\\app", os.path.dirname(host_path), self.options.app_writable)
            guest_path = "C:\\app\\" + os.path.basename(host_path)
            self.default_current_directory = "C:\\app"
        else:
            self.default_current_directory = paths.dirname(guest_path)
        command_line = build_command_line([guest_path, *args])
        process, _ = self.create_process(guest_path, command_line)
        return process

    def create_process(self, application_name, command_line, **kw):
        return _create_process(self, application_name, command_line, **kw)

    # -- the run loop ------------------------------------------------------------------------------
    def stop_run(self, reason: str, message: str, status: int | None = None) -> None:
        """End the whole run after the current instruction (callable from handlers)."""
        if self._stop is None:
            self._stop = RunStop(reason, message, status)
        self.reschedule = True
        if self.current_thread is not None:
            self.current_thread.process.machine.stop()

    def break_at(self, process: EProcess, address: int) -> None:
        """Stop the run (reason "breakpoint") the first time the CPU reaches `address`."""
        m = process.machine

        def hit(addr):
            if self._break is None:
                return
            self._break = None
            m.remove_hook(handle)
            thread = self.current_thread
            thread.request = Request("return", eip=addr)
            self.stop_run("breakpoint", f"stopped at {self.describe_address(process, addr)}")
        handle = m.hook_code_range(address, address, hit)
        self._break = handle

    def resume_after_break(self) -> None:
        """After a breakpoint stop, `run()` goes on from where it stopped."""
        self._stop = None
        if self.current_thread is not None and self.current_thread.state == THREAD_RUNNING:
            self.current_thread.state = THREAD_READY
            if self.current_thread not in self.ready_queue:
                self.ready_queue.insert(0, self.current_thread)

    def warn(self, message: str) -> None:
        """A note for the user that does not stop the run: kept in RunResult.warnings, recorded in the
        boot trace, and printed on the host's stderr when guest output is echoed (the CLI)."""
        self.warnings.append(message)
        self.trace.event("warning", message)
        if self.options.echo_output:
            sys.stderr.write(f"ntboot: {message}\n")
            sys.stderr.flush()

    def internal_error(self, error: Exception, where: str) -> None:
        self.internal_details = "".join(traceback.format_exception(error))
        self.stop_run("internal error", f"ntboot bug {where}: {type(error).__name__}: {error}")

    def _start_watchdog(self, deadline: float | None):
        """One host thread per run that interrupts the running engine at the deadline (and every
        slice_interval for the progress line).  Unicorn's own timeout would start a timer thread
        at every emu_start, i.e. at every thread switch and every guest call from Python."""
        if deadline is None and not self.slice_interval:
            return None
        done = threading.Event()

        def watch():
            while True:
                wait = self.slice_interval or 0.05
                if deadline is not None and time.perf_counter() < deadline:
                    wait = min(wait, deadline - time.perf_counter()) if self.slice_interval else \
                        deadline - time.perf_counter()
                if done.wait(max(wait, 0.001)):
                    return
                m = self._running_machine
                if m is not None:
                    try:
                        m.uc.emu_stop()          # a stop between slices is lost: the loop repeats
                    except Exception:
                        pass
        thread = threading.Thread(target=watch, name="ntboot-watchdog", daemon=True)
        thread.start()
        return done

    def run(self) -> RunResult:
        started = time.perf_counter()
        opts = self.options
        deadline = started + opts.timeout if opts.timeout else None
        budget = opts.max_instructions or 0
        counting = bool(budget)
        watchdog = self._start_watchdog(deadline)
        try:
            return self._run_loop(started, deadline, budget, counting)
        finally:
            if watchdog is not None:
                watchdog.set()

    def _run_loop(self, started, deadline, budget, counting) -> RunResult:
        opts = self.options
        while self._stop is None:
            thread = self._next_thread()
            if thread is None:
                break
            process = thread.process
            m = process.machine
            if counting:
                m.count_instructions(True)
                before = m.instructions
            eip = self._switch_to(thread)
            if eip is None:
                continue
            count = 0
            runnable = sum(1 for t in self.ready_queue if t.state == THREAD_READY) + 1
            timed = self.has_timed_waits()
            if runnable > 1 or timed:
                # several threads share the CPU, or one must wake while another computes: slices
                count = THREAD_SLICE
            if counting:
                remaining = max(1, budget - self.instructions)    # block counts may overshoot
                count = min(count, remaining) if count else remaining
            self.reschedule = False
            self._running_machine = m
            outcome = m.run(eip, count=count)
            self._running_machine = None
            if counting:
                self.instructions += m.instructions - before
            if outcome == "fault":
                self._on_fault(thread, m.fault)
            elif outcome == "slice":
                if timed and count == THREAD_SLICE:
                    # virtual time moves with the instructions run: a slice is SLICE_TIME
                    self.advance_clock(SLICE_TIME_100NS)
                    self.wake_expired()
                if counting and self.instructions >= budget:
                    self.stop_run("instruction limit", f"the run reached its limit of {budget} instructions "
                                  f"at {self.describe_address(process, m.reg('eip'))}")
            if deadline is not None and self._stop is None and time.perf_counter() >= deadline:
                self.stop_run("timeout", f"the run exceeded its time limit of {opts.timeout:g} s "
                              f"at {self.describe_address(process, m.reg('eip')) if process.machine else '?'}")
            if self.slice_hook is not None:
                self.slice_hook()
            if thread.state == THREAD_RUNNING:
                thread.state = THREAD_READY
                if thread.request is None:
                    thread.resume_eip = m.reg("eip")
                self.ready_queue.append(thread)
            for p in self.processes[1:]:
                if not p.alive and p.machine is not None:
                    self.release_address_space(p)
        result = self._result(time.perf_counter() - started)
        result.warnings = list(self.warnings)
        return result

    def _next_thread(self) -> EThread | None:
        while True:
            while self.ready_queue:
                thread = self.ready_queue.pop(0)
                if thread.state == THREAD_READY and thread.process.alive:
                    return thread
            if not self.expire_timeouts():
                return None

    def _switch_to(self, thread: EThread) -> int | None:
        """Load the thread on its process's CPU; apply its pending request; return the EIP to run."""
        process = thread.process
        m = process.machine
        if process.current_thread is not thread:
            if process.current_thread is not None and process.current_thread.state != THREAD_TERMINATED:
                process.current_thread.cpu = m.save_cpu()
            if thread.cpu is not None:
                m.restore_cpu(thread.cpu)
            process.current_thread = thread
        m.set_fs_base(thread.teb)
        self.current_thread = thread
        self.tracing_process = process
        process.api_context.thread = thread
        thread.state = THREAD_RUNNING
        if thread.wake_status is not None:
            m.set_reg("eax", thread.wake_status)
            thread.wake_status = None
        req, thread.request = thread.request, None
        if req is None:
            return thread.resume_eip or m.reg("eip")
        if req.kind == "start":
            for name in ("eax", "ebx", "ecx", "edx", "esi", "edi", "ebp"):
                m.set_reg(name, 0)
            m.set_reg("esp", thread.kernel_stack)
            m.set_reg("eflags", 0x202)
            return self.ki_thread_startup
        if req.kind == "call":
            frame, call = req.data
            return process.dispatcher.start_guest_call(thread, frame, call)
        if req.kind == "return":
            if thread.user_apc_pending:          # an alertable wait ended for user APCs
                return self.deliver_user_apc(thread, req.eip)
            return req.eip
        if req.kind == "context":
            apply_context(m.uc, req.data)
            if thread.apc_returns:               # NtContinue at the end of an APC: the next one?
                eip = self.continue_after_apc(thread, req.data)
                if eip is not None:
                    return eip
            return m.reg("eip")
        raise AssertionError(req.kind)

    # -- boot steps on the CPU ---------------------------------------------------------------------
    def _ki_thread_startup(self, dispatcher) -> None:
        """(CPU) KiThreadStartup -> PspUserThreadStartup -> the APC to LdrInitializeThunk."""
        thread = self.current_thread
        process = thread.process
        m = process.machine
        self.trace.step("4.1", "KiThreadStartup", tid=thread.tid, irql="APC_LEVEL",
                        address=self.ki_thread_startup)
        ldr_thunk = self.export_address(process, "ntdll.dll", "LdrInitializeThunk")
        self.trace.step("4.2", "PspUserThreadStartup", apc_routine=f"{ldr_thunk:#010x} (ntdll!LdrInitializeThunk)",
                        normal_context=0, system_argument1=process.ntdll_base)
        thread.user_apcs.appendleft((ldr_thunk, 0, process.ntdll_base, 0))   # before APCs queued early
        user_esp = self.ki_initialize_user_apc(thread, thread.initial_context)
        # return to user mode through the iretd that follows the trap: EIP, CS, EFLAGS
        dispatcher_va = self.export_address(process, "ntdll.dll", "KiUserApcDispatcher")
        frame = user_esp - 12
        m.write(frame, struct.pack("<III", dispatcher_va, 0x1B, 0x202))
        m.set_reg("esp", frame)
        if thread is process.threads[0]:
            self._watch_boot_steps(process, thread)

    def ki_initialize_user_apc(self, thread: EThread, context: bytes) -> int:
        """Deliver the first queued user APC: CONTEXT and the APC frame on the user stack."""
        process = thread.process
        m = process.machine
        routine, normal_context, arg1, arg2 = thread.user_apcs.popleft()
        esp = struct.unpack_from("<I", context, 0xC4)[0]
        ctx_addr = ((esp & ~3) - CONTEXT_SIZE)
        m.write(ctx_addr, bytes(context))
        frame = ctx_addr - 16
        m.write(frame, struct.pack("<IIII", routine, normal_context, arg1, arg2))
        # its NtContinue(TestAlert) delivers user APCs queued before the thread started
        thread.apc_returns.append((esp, struct.unpack_from("<I", context, 0xB8)[0]))
        dispatcher_va = self.export_address(process, "ntdll.dll", "KiUserApcDispatcher")
        self.trace.step("4.3", "KiInitializeUserApc", context=ctx_addr, apc_frame=frame,
                        eip=f"{dispatcher_va:#010x} (ntdll!KiUserApcDispatcher)")
        return frame

    def _watch_boot_steps(self, process: EProcess, thread: EThread) -> None:
        """One-address hooks that record when the CPU reaches the user-mode boot steps."""
        m = process.machine
        apc = self.export_address(process, "ntdll.dll", "KiUserApcDispatcher")
        thunk_dll, thunk_name = self.profile.start_thunk
        thunk = self.export_address(process, thunk_dll, thunk_name)
        info = process.section.image.info
        entry = info.entry_va(process.image_base)
        hooks = []
        seen = set()

        def observe(addr, step, name, **details):
            def cb(address):
                if address in seen or self.current_thread is not thread:
                    return
                seen.add(address)
                self.trace.step(step, name, address=address, **details)
                if address == entry:
                    for h in hooks:
                        m.remove_hook(h)
            hooks.append(m.hook_code_range(addr, addr, cb))
        observe(apc, "4.4", "KiUserApcDispatcher")
        observe(thunk, "4.6", thunk_name, entry_point=entry)
        observe(entry, "4.6", "entry point", image=process.image_name)
        self.cpu_boot_addresses = {"KiThreadStartup": self.ki_thread_startup, "KiUserApcDispatcher": apc,
                                   "LdrInitializeThunk": self.export_address(process, "ntdll.dll", "LdrInitializeThunk"),
                                   "start thunk": thunk, "entry point": entry}

    # -- faults ------------------------------------------------------------------------------------
    def _on_fault(self, thread: EThread, fault) -> None:
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
                    from .guestmem import write_fields
                    write_fields(m.write, thread.teb, process.structs.TEB, {"NtTib.StackLimit": page})
                    if below >= thread.stack_allocation + PAGE_SIZE:
                        mem.commit(below, PAGE_SIZE, PAGE_READWRITE | PAGE_GUARD)
                        thread.request = Request("return", eip=fault.eip)
                        return
                    from .ke_exception import exception_record
                    from emu.context import CONTEXT_FULL, capture
                    context = capture(m.uc, CONTEXT_FULL | 0x8 | 0x20)
                    struct.pack_into("<I", context, 0xB8, fault.eip)
                    code = STATUS["STATUS_STACK_OVERFLOW"]
                    record = exception_record(code, fault.eip, (fault.access, fault.address))
                    self.dispatch_exception(thread, record, context,
                                            report=self.fault_report_for(thread, code, fault))
                    return
        from .ke_exception import record_for_fault
        record, context = record_for_fault(m, fault)
        code = struct.unpack_from("<I", record, 0)[0]
        report = self.fault_report_for(thread, code, fault)
        self.dispatch_exception(thread, record, context, report=report)

    def unhandled_exception(self, thread: EThread, code: int) -> None:
        """No handler took it: the process ends with the exception code and a report."""
        process = thread.process
        report = next((r for r in reversed(thread.exception_reports) if r.code == code), None)
        if report is None:
            from emu import Fault
            report = self.fault_report_for(thread, code, Fault("raised", process.machine.reg("eip")))
        self.fault_report = report
        self.terminate_process(process, code, reason="unhandled exception", message=report.description)

    def fault_report_for(self, thread, code, fault) -> FaultReport:
        process = thread.process
        m = process.machine
        regs = m.registers()
        eip = fault.eip
        location = self.describe_address(process, eip)
        insn = self.disassemble(process, eip)
        if fault.kind == "memory":
            what = {0: "read from", 1: "write to", 8: "execute at"}[fault.access]
            detail = f"{what} {fault.address:#010x}"
        elif fault.kind == "raised":
            detail = "raised by the program"
        else:
            detail = f"CPU exception vector {fault.vector}"
        desc = (f"unhandled exception {code:#010x} ({status_name(code)}): {detail} at {location}"
                f" ({insn})")
        names = [self.service_names.get(n, hex(n)) for n in thread.last_services[-8:]]
        return FaultReport(code, desc, eip, location, insn, regs, names, self.stack_walk(process, regs))

    def stack_walk(self, process: EProcess, regs: dict, limit: int = 32) -> list[str]:
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
            frames.append(self.describe_address(process, ret))
            if next_ebp <= ebp:
                break
            ebp = next_ebp
        return frames

    def disassemble(self, process: EProcess, address: int) -> str:
        try:
            from capstone import CS_ARCH_X86, CS_MODE_32, Cs
            code = process.machine.read(address, 16)
            for insn in Cs(CS_ARCH_X86, CS_MODE_32).disasm(code, address):
                return f"{insn.mnemonic} {insn.op_str}".strip()
        except Exception:
            pass
        return "<unreadable>"

    def describe_address(self, process: EProcess, address: int) -> str:
        """module+offset for an address in an image, or the address and what region it is in."""
        for base, section in process.mapped_images.items():
            if base <= address < base + section.image.info.size_of_image:
                return f"{paths.basename(section.path)}+{address - base:#x}"
        try:
            region = process.memory.query(address)
            if region.tag:
                return f"{address:#010x} ({region.tag})"
        except Exception:
            pass
        return f"{address:#010x}"

    # -- termination -------------------------------------------------------------------------------
    def terminate_thread(self, thread: EThread, status: int) -> None:
        if thread.wait is not None:
            for o in thread.wait.objects:
                if thread in o.waiters:
                    o.waiters.remove(thread)
            thread.wait = None
        self.rundown_thread(thread)
        thread.state = THREAD_TERMINATED
        thread.exit_status = status & 0xFFFFFFFF
        thread.exit_time = self.system_time()
        thread.write_mirror(ExitStatus=status)
        process = thread.process
        process.write_mirror(ActiveThreads=sum(1 for t in process.threads if t.state != THREAD_TERMINATED))
        if thread in self.ready_queue:
            self.ready_queue.remove(thread)
        self.signal(thread)
        if thread is self.current_thread:
            self.reschedule = True
            thread.process.machine.stop()

    def terminate_process(self, process: EProcess, status: int, *, reason: str = "exited",
                          message: str = "") -> None:
        """NtTerminateProcess: every thread ends, the process is signalled with its exit status."""
        if not process.alive:
            return
        process.exit_status = status & 0xFFFFFFFF
        process.exit_reason = reason
        process.exit_message = message
        process.exit_time = self.system_time()
        process.write_mirror(ExitStatus=status)
        for t in process.threads:
            if t.state != THREAD_TERMINATED:
                self.terminate_thread(t, status)
        # the object manager closes every handle of a process that ends (a job with
        # kill-on-close whose last handle it held ends its processes; names go with their objects)
        process.handles.close_all()
        self.signal(process)
        self.trace.step("4.7", "NtTerminateProcess", exit_status=f"{status & 0xFFFFFFFF:#x}", reason=reason)
        self.reschedule = True
        process.machine.stop()

    # -- results -----------------------------------------------------------------------------------
    def _result(self, elapsed: float) -> RunResult:
        first = self.processes[0] if self.processes else None
        procs = [{"pid": p.pid, "parent": p.parent_pid, "image": p.image_path,
                  "exit_code": None if p.alive else p.exit_status,
                  "reason": p.exit_reason or ("running" if p.alive else "exited")} for p in self.processes]
        stdout = bytes(self.console_stdout)
        stderr = bytes(self.console_stderr)
        if self._stop is not None:
            stop = self._stop
            return RunResult(None if first is None or first.alive else first.exit_status, stop.reason,
                             str(stop), stdout, stderr, stop.status, self.fault_report, procs,
                             self.instructions or None, self.internal_details)
        if first is None:
            return RunResult(None, "no process", "", b"", b"")
        if first.alive:
            waits = "; ".join(f"thread {t.tid} of {t.process.image_name} in {t.wait.what or 'a wait'}"
                              for t in self.blocked_threads())
            return RunResult(None, "deadlock", f"every thread waits forever: {waits}", stdout, stderr,
                             processes=procs)
        reason = first.exit_reason or "exited"
        return RunResult(first.exit_status, reason, first.exit_message, stdout, stderr,
                         first.exit_status if reason != "exited" else None, self.fault_report, procs,
                         self.instructions or None)

    def release_address_space(self, process: EProcess) -> None:
        """A child process has ended: its engine and memory go (the EPROCESS object stays for the
        handles that still refer to it: exit code, times).  The first process keeps its engine so
        that it can be inspected after the run."""
        if process.machine is None:
            return
        if process.machine in self._engines:
            self._engines.remove(process.machine)
        if process.current_thread is not None:
            process.current_thread = None
        process.machine = None
        process.dispatcher = None
        process.api_context = None
        process.ldr = None
        # everything else that reaches the engine: heaps (their address space), the C runtime's
        # state, saved CPU contexts and pending guest calls of its threads
        process.heap = None
        process.heaps = []
        process.crt = None
        for t in process.threads:
            t.cpu = None
            t.frames = []
        # the kernel-space mirrors go too: off PsActiveProcessHead, then freed (PspDeleteProcess)
        S = process.structs
        links = process.eprocess + S.EPROCESS.offsetof("ActiveProcessLinks")
        flink, blink = struct.unpack("<II", self.kread(links, 8))
        self.kwrite(blink, struct.pack("<I", flink))
        self.kwrite(flink + 4, struct.pack("<I", blink))
        for t in process.threads:
            if t.ethread:
                self.kfree(t.ethread)
            if t.kernel_stack:
                self.kfree(t.kernel_stack - KERNEL_STACK_SIZE)
        self.kfree(process.eprocess)
        # the engine sits in reference cycles (hooks -> closures -> machine); collect it now so its
        # guest memory goes back before the next child maps its own
        gc.collect()

    def close(self) -> None:
        """Release engines and the temporary sandbox root; save the registry to its file."""
        if self.options.registry_file and not getattr(self, "_registry_saved", False):
            self._registry_saved = True
            from .registry import RegistryFileError, save_kernel_registry
            try:
                save_kernel_registry(self)
            except RegistryFileError as e:
                import sys
                self.registry_error = str(e)
                print(f"ntboot: {e}", file=sys.stderr)
        self._engines.clear()
        for p in self.processes:
            p.machine = None
        if self._temp_root is not None:
            self._temp_root.cleanup()
            self._temp_root = None
