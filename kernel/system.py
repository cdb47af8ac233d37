"""The emulated NT system: the kernel object everything hangs off, and the run's entry point.

    kernel = Kernel(Options(root=...))
    process = kernel.create_process_from_host("hello.exe")
    result = kernel.run()

`Kernel` holds the OS profile, the object manager's tables, the I/O and memory managers and the
system DLL images, and one instance of each executive component: `clock` (kernel/ke/clock.py),
`space` (kernel space and KUSER_SHARED_DATA, kernel/mm/kernel_space.py), `scheduler` (ready queue,
run loop, waits, APC delivery: kernel/ke/scheduler.py) and `exceptions` (KiDispatchException and
fault reports: kernel/ke/exception.py); threads and processes end through kernel/ps/exit.py.
`run()` runs threads until every process has ended or the run is stopped, and returns a `RunResult`.
"""
from __future__ import annotations

import os
import sys
import tempfile
import traceback
from dataclasses import dataclass, field

from kernel.rtl import paths
from kernel.ps.create_process import create_process as _create_process
from .hle.synth import synthesize
from kernel.io.manager import IoManager
from kernel.ke.clock import Clock
from kernel.ke.exception import ExceptionDispatcher, FaultReport  # noqa: F401  (FaultReport: RunResult.fault)
from kernel.ke.scheduler import Scheduler
from kernel.mm.kernel_space import KernelSpace
from kernel.mm.section import MemoryManager
from kernel.ob.object import CidTable, HandleTable, KernelObject
from .profiles import get_profile
from kernel.ps.process import EProcess
from kernel.rtl.status import NtError
from .events import BootTrace

USER_NAME = "user"


def standard_folders(profile) -> tuple[str, ...]:
    """Folders of the profile's Windows installation the guest finds in the sandbox root (created if
    missing): the user profile the default environment names (TEMP, APPDATA ...) and the shared ones."""
    f = profile.folders
    home = f.user_profile(USER_NAME)
    return (f"{home}\\{f.temp}", f"{home}\\{f.roaming}", f"{home}\\{f.local}", f"{home}\\{f.documents}",
            f"{home}\\{f.desktop}", f.common_appdata, f.common_documents, "C:\\Program Files\\Common Files")



@dataclass
class Options:
    root: str | None = None                  # sandbox root (C:\); a fresh temporary folder if None
    mounts: list = field(default_factory=list)   # [(host, guest, writable)]
    app_writable: bool = False               # the program's own folder is read-only unless asked
    profile: str | None = None               # OS profile name (kernel/profiles); None: DEFAULT_PROFILE
    max_instructions: int = 0                # 0 = no limit (no per-instruction cost)
    timeout: float = 0.0                     # seconds of wall time, 0 = none
    environment: dict | None = None          # extra guest environment variables
    stdin: bytes = b""
    echo_output: bool = False                # copy guest stdout/stderr to the host's as it is written
    # HKLM\...\Image File Execution Options, by image name (lower case): {"prog.exe": {"Debugger": "..."}}
    image_file_execution_options: dict = field(default_factory=dict)
    # a registry file (kernel/cm/registry_file.py's JSON): merged in at the start, written back at close()
    registry_file: str | None = None
    real_time: bool = False                  # follow the host clock instead of the virtual one
    # an export or system service ntboot does not implement returns 0 / STATUS_NOT_IMPLEMENTED (with
    # ERROR_CALL_NOT_IMPLEMENTED) and the run goes on, instead of stopping with "unsupported API"
    lenient: bool = False


@dataclass
class RunResult:
    """How a run ended (`Emulator.run`, `run_to`, `step`).

    exit_code     the first process's exit code (an NTSTATUS when an exception or the loader ended
                  it); None when the run stopped before the process ended
    reason        "exited", "unhandled exception", "loader error", "unsupported API", "deadlock",
                  "timeout", "instruction limit", "API call limit", "memory limit", "process limit",
                  "breakpoint"/"paused" (resumable), "internal error"
    message       one line saying what happened and where (module+offset); "" for a plain exit
    stdout        what the guest wrote to its console's standard output (bytes)
    stderr        what it wrote to standard error (bytes)
    status        the NTSTATUS that ended the run, when one did
    fault         a FaultReport (code, description, eip, location, instruction, registers, last
                  system calls, stack walk, exception record) when a fault or exception ended it
    processes     every process of the run: [{pid, parent, image, exit_code, reason}]
    instructions  instructions executed, when they were counted (--max-insns, run_to insn:N)
    details       more text for an internal error (the Python traceback)
    warnings      what the run noted on the way (--lenient calls of unimplemented functions ...)
    ok            True when the program exited (whatever its exit code)
    """
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
        """True when the program exited by itself (whatever its exit code)."""
        return self.reason == "exited"


class HostProcess(KernelObject):
    """The creator of the first process (the role explorer or cmd plays): it holds handles."""
    type_name = "Process"

    def __init__(self):
        super().__init__("ntboot")
        self.handles = HandleTable()
        self.pid = 0
        self.current_directory = "C:\\"


class Kernel:
    def __init__(self, options: Options | None = None):
        self.options = options or Options()
        self.profile = get_profile(self.options.profile)
        self.clock = Clock(self.options.real_time)
        self.tracing_process = None
        self.trace = BootTrace(self)
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
        # what every installation of the profile has (GetTempPath's folder ...): in our own temporary root, or beside
        # a user's root (--root DIR gets nothing it did not have unless the guest writes it)
        self._side_root = None
        if self._temp_root is None:
            self._side_root = tempfile.TemporaryDirectory(prefix="ntboot-side-")
        self.io.provide_folders(standard_folders(self.profile), self._side_root.name if self._side_root else None)
        self.mm = MemoryManager(self)
        self.hle_entry_points = {}
        from .dlls.common import dll_entry_api
        self.dll_entry_api = dll_entry_api
        self.service_names = {n: name for name, n in self.profile.syscall_numbers.items()}
        self.api_trace = None
        # observability hooks (kernel.trace / kernel.report), all off unless asked for (the
        # scheduler's slice_hook and slice_interval too):
        self.file_write_capture = None       # callable(process, guest_path, offset, data) on file writes
        self.ansi_codepage = "cp1252"          # CP_ACP of the default (en-US) locale
        self.oem_codepage = "cp437"
        self.stdin_buffer = bytearray(self.options.stdin)
        self.console_stdout = bytearray()     # the shared console's output, every process's in order
        self.console_stderr = bytearray()
        # the shared console's state (kernel32's consoleapi*.py)
        self.console_modes: dict | None = None    # GetConsoleMode/SetConsoleMode, made on first use
        self.console_events: list = []            # key events a ReadConsoleInput left half read
        self.console_pending_line = ""             # the rest of a line ReadConsole read
        self.console_screen = None                 # the screen buffer (consoleapi2.py), made on first use
        self.boot_trace_calls = True
        self.internal_details = ""
        self.named_jobs = {}                 # kernel32: job objects by name
        self.random_stream = None            # advapi32: RtlGenRandom's deterministic stream, made on first use
        self._registry = None                # the configuration manager's registry (kernel/cm/registry.py)
        self._registry_saved = False         # close() wrote it back to Options.registry_file
        self.registry_error = ""             # why that failed
        self.warnings: list[str] = []        # notes for the user (RunResult.warnings; stderr when echoing)
        self.lenient_reported: set[str] = set()   # --lenient: unimplemented functions already reported
        # the components: the clock (first: files have times), kernel space, the scheduler (with
        # waits and APCs), exceptions
        self.space = KernelSpace(self.profile, self.clock)   # kernel space, shared by every engine
        self.scheduler = Scheduler(self)
        self.exceptions = ExceptionDispatcher(self)
        self.entry_hooks = {}
        from kernel.cm.registry_file import RegistryFileError, attach as attach_registry
        try:
            attach_registry(self)            # the registry: the defaults, Options.registry_file, the change log
        except RegistryFileError:
            for folder in (self._temp_root, self._side_root):
                if folder is not None:
                    folder.cleanup()
            raise

    @property
    def registry(self):
        """The configuration manager's registry (kernel/cm/registry.py), built on first use."""
        from kernel.cm.registry import registry_of
        return registry_of(self)

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

    def export_address(self, process: EProcess, dll: str, name: str) -> int:
        for base, section in process.mapped_images.items():
            synth = section.synthesized
            if synth is not None and synth.spec.name.lower() == dll.lower():
                # an export, or a DLL-internal function the kernel starts threads at (XP's kernel32
                # does not export BaseProcessStartThunk)
                rva = synth.exports.get(name, synth.labels.get("." + name))
                if rva is None:
                    raise NtError("STATUS_PROCEDURE_NOT_FOUND", f"{dll}!{name} does not exist on this Windows")
                return base + rva
        raise NtError("STATUS_DLL_NOT_FOUND", f"{dll} is not mapped in {process.image_name}")

    def system_dll_address(self, process: EProcess, dll: str, name: str) -> int:
        """Where a system DLL's function is in `process`, mapped or not yet: a DLL the loader has not
        mapped yet will be at its base, where it is in the creator (what NT 5.x's CreateProcess relies
        on when it puts kernel32!BaseProcessStartThunk in the initial CONTEXT of a process that has
        only the image and ntdll)."""
        try:
            return self.export_address(process, dll, name)
        except NtError as e:
            if e.status_name != "STATUS_DLL_NOT_FOUND":
                raise
        spec = next((s for n, s in self.system_dll_specs.items() if n.lower() == dll.lower()), None)
        if spec is None:
            raise NtError("STATUS_DLL_NOT_FOUND", f"{dll} is not a system DLL of {self.profile.description}")
        synth = synthesize(spec, self.profile)
        rva = synth.exports.get(name, synth.labels.get("." + name))
        if rva is None:
            raise NtError("STATUS_PROCEDURE_NOT_FOUND", f"{dll}!{name} does not exist on this Windows")
        return spec.base + rva

    def hle_entry_point_spec(self, process: EProcess, base: int):
        section = process.mapped_images.get(base)
        return section.synthesized.spec if section is not None and section.synthesized else None

    # -- environment -------------------------------------------------------------------------------
    def default_environment(self) -> dict:
        folders = self.profile.folders
        home = folders.user_profile(USER_NAME)
        env = {
            "ALLUSERSPROFILE": folders.all_users,
            "APPDATA": f"{home}\\{folders.roaming}",
            "COMPUTERNAME": "NTBOOT",
            "ComSpec": "C:\\Windows\\system32\\cmd.exe",
            "HOMEDRIVE": "C:",
            "HOMEPATH": home.removeprefix("C:"),
            "NUMBER_OF_PROCESSORS": str(self.profile.number_of_processors),
            "OS": "Windows_NT",
            "Path": "C:\\Windows\\system32;C:\\Windows",
            "PATHEXT": ".COM;.EXE;.BAT;.CMD",
            "PROCESSOR_ARCHITECTURE": "x86",
            "ProgramFiles": "C:\\Program Files",
            "SystemDrive": "C:",
            "SystemRoot": "C:\\Windows",
            "TEMP": f"{home}\\{folders.temp}",
            "TMP": f"{home}\\{folders.temp}",
            "USERNAME": USER_NAME,
            "USERPROFILE": home,
            "windir": "C:\\Windows",
        }
        if folders.local_appdata_variable:               # Vista and later
            env["LOCALAPPDATA"] = f"{home}\\{folders.local}"
        env.update(self.options.environment or {})
        return dict(sorted(env.items(), key=lambda kv: kv[0].upper()))

    # -- creating the first process ----------------------------------------------------------------
    def create_process_from_host(self, program: str, args: list[str] = (),
                                 current_directory: str | None = None) -> EProcess:
        """Mount the program's folder at C:\\app and create the process as CreateProcessW would;
        its current directory is `current_directory` (a guest path) or the program's folder."""
        from kernel.rtl.cmdline import build_command_line
        host_path = os.path.abspath(program)
        if os.path.isdir(host_path):        # CreateProcess opens it FILE_NON_DIRECTORY_FILE
            raise NtError("STATUS_FILE_IS_A_DIRECTORY", f"{program} is a folder, not a program")
        if not os.path.isfile(host_path):
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{program}: the program file does not exist")
        guest_path = self.io.guest_path_of_host(host_path)
        if guest_path is None:
            self.io.mount("C:\\app", os.path.dirname(host_path), self.options.app_writable)
            guest_path = "C:\\app\\" + os.path.basename(host_path)
            self.default_current_directory = "C:\\app"
        else:
            self.default_current_directory = paths.dirname(guest_path)
        if current_directory:
            self.default_current_directory = current_directory
        command_line = build_command_line([guest_path, *args])
        process, _ = self.create_process(guest_path, command_line)
        return process

    def create_process(self, application_name, command_line, **kw):
        return _create_process(self, application_name, command_line, **kw)

    # -- the run loop ------------------------------------------------------------------------------
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
        self.scheduler.stop_run("internal error", f"ntboot bug {where}: {type(error).__name__}: {error}")

    def run(self) -> RunResult:
        """Run every process until each has ended or the run stops; what happened."""
        self.scheduler.run()
        result = self._result()
        result.warnings = list(self.warnings)
        return result

    def _result(self) -> RunResult:
        first = self.processes[0] if self.processes else None
        procs = [{"pid": p.pid, "parent": p.parent_pid, "image": p.image_path,
                  "exit_code": None if p.alive else p.exit_status,
                  "reason": p.exit_reason or ("running" if p.alive else "exited")} for p in self.processes]
        stdout = bytes(self.console_stdout)
        stderr = bytes(self.console_stderr)
        scheduler = self.scheduler
        fault_report = self.exceptions.fault_report
        if scheduler.stopped is not None:
            stop = scheduler.stopped
            return RunResult(None if first is None or first.alive else first.exit_status, stop.reason,
                             str(stop), stdout, stderr, stop.status, fault_report, procs,
                             scheduler.instructions or None, self.internal_details)
        if first is None:
            return RunResult(None, "no process", "", b"", b"")
        if first.alive:
            waits = "; ".join(f"thread {t.tid} of {t.process.image_name} in {t.wait.what or 'a wait'}"
                              for t in scheduler.blocked_threads())
            return RunResult(None, "deadlock", f"every thread waits forever: {waits}", stdout, stderr,
                             processes=procs)
        reason = first.exit_reason or "exited"
        return RunResult(first.exit_status, reason, first.exit_message, stdout, stderr,
                         first.exit_status if reason != "exited" else None, fault_report, procs,
                         scheduler.instructions or None)

    def close(self) -> None:
        """Release engines and the temporary sandbox root; save the registry to its file."""
        if self.options.registry_file and not self._registry_saved:
            self._registry_saved = True
            from kernel.cm.registry_file import RegistryFileError, save_kernel_registry
            try:
                save_kernel_registry(self)
            except RegistryFileError as e:
                import sys
                self.registry_error = str(e)
                print(f"ntboot: {e}", file=sys.stderr)
        self.space.engines.clear()
        for p in self.processes:
            p.machine = None
        for folder in (self._temp_root, self._side_root):
            if folder is not None:
                folder.cleanup()
        self._temp_root = self._side_root = None
