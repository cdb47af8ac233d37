"""Processes and threads: EPROCESS/ETHREAD, PspCreateProcess, PspCreateThread, exit.

EPROCESS and ETHREAD are Python objects; each is mirrored into kernel-space memory of its process's
engine with the profile's layout (UniqueProcessId, ActiveProcessLinks on PsActiveProcessHead,
ImageFileName, Peb, ThreadListHead, Cid, StartAddress, Teb ...), so that dumps show real bytes.
"""
from __future__ import annotations

from collections import deque

from emu import Machine
from kernel.rtl import paths
from kernel.structs.guestmem import write_fields
from kernel.ob.object import HandleTable, KernelObject
from kernel.rtl.status import STATUS

STATUS_PENDING = STATUS["STATUS_PENDING"]

THREAD_INITIALIZED, THREAD_READY, THREAD_RUNNING, THREAD_WAITING, THREAD_TERMINATED = (
    "initialized", "ready", "running", "waiting", "terminated")


class EProcess(KernelObject):
    type_name = "Process"

    def __init__(self, kernel, image_name: str):
        super().__init__(image_name)
        self.kernel = kernel
        self.profile = kernel.profile
        self.structs = kernel.profile.structs
        self.machine = Machine()
        self.handles = HandleTable()
        self.threads: list[EThread] = []
        self.pid = 0
        self.parent_pid = 0
        self.image_name = image_name          # base name, as EPROCESS.ImageFileName
        self.image_path = ""                  # Win32 path of the image
        self.section = None
        self.image_base = 0
        self.peb = 0
        self.params = 0
        self.exit_status = STATUS_PENDING
        self.create_time = kernel.clock.system_time()
        self.exit_time = 0
        self.eprocess = 0                     # kernel-space mirror address
        self.ntdll_base = 0                   # where the kernel mapped ntdll
        self.sysenter_hook = None             # the engine's SYSENTER hook (system services)
        self.ldr = None                       # the user-mode loader's state (loader.ldr.Loader)
        self.api_context = None
        self.dispatcher = None
        self.heap = None                      # the process heap (kernel.rtl.heap.Heap)
        self.heaps = []
        self.mapped_images = {}               # view base -> Section
        self.current_directory = "C:\\"
        self.command_line = ""
        self.process_handle = 0
        self.thread_handle = 0
        self.current_thread = None            # the thread whose registers the engine holds
        self.priority_class = 0x20            # NORMAL_PRIORITY_CLASS (recorded; scheduling is round robin)
        self.priority_boost_disabled = 0      # SetProcessPriorityBoost (recorded)
        self.console_handles = {0x3: "input", 0x7: "output", 0xB: "error"}
        self.console_handle_flags: dict[int, int] = {}   # console handle -> HANDLE_FLAG_* (SetHandleInformation)
        self.process_group = 0                # console process group; 0: the process's own (its id)
        self.address_waits = {}               # (kind, guest address) -> wait object of a user-mode lock
        self.console_attached = True
        self.job = None
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.terminating = False
        self.exit_reason = ""
        self.exit_message = ""
        # per-process state of the system DLLs mapped in the process, by lower-case DLL name: each
        # DLL declares its class (DllSpec.state) and a typed accessor (msvcrt_state(process) ...)
        self.dll_state: dict[str, object] = {}
        self.crt_active = None                # the C runtime (msvcrt's or ucrtbase's) whose export runs
        self.token = None                     # the primary token (advapi32's Token), made on first use
        self.affinity_mask = 0                # SetProcessAffinityMask; 0: every processor of the system
        self.peak_committed = 0               # the largest committed size GetProcessMemoryInfo has seen

    @property
    def memory(self):
        return self.machine.memory

    def std_handles(self) -> tuple[int, int, int]:
        """The process's standard handles, as its RTL_USER_PROCESS_PARAMETERS hold them."""
        P = self.structs.RTL_USER_PROCESS_PARAMETERS
        read = self.machine.read_u32
        return tuple(read(self.params + P.offsetof(f)) for f in ("StandardInput", "StandardOutput", "StandardError"))

    @property
    def alive(self) -> bool:
        return self.exit_status == STATUS_PENDING

    def describe(self) -> str:
        return f"Process {self.image_name} (pid {self.pid})"

    def write_mirror(self, **fields) -> None:
        """Write EPROCESS fields (dotted paths allowed) into the kernel-space mirror."""
        write_fields(self.kernel.space.kwrite, self.eprocess, self.structs.EPROCESS, fields)

    def describe_address(self, address: int) -> str:
        """module+offset for an address in an image, or the address and what region it is in."""
        for base, section in self.mapped_images.items():
            if base <= address < base + section.image.info.size_of_image:
                return f"{paths.basename(section.path)}+{address - base:#x}"
        try:
            region = self.memory.query(address)
            if region.tag:
                return f"{address:#010x} ({region.tag})"
        except Exception:
            pass
        return f"{address:#010x}"


class EThread(KernelObject):
    type_name = "Thread"

    def __init__(self, process: EProcess):
        super().__init__("")
        self.process = process
        self.tid = 0
        self.teb = 0
        self.ethread = 0
        self.stack_base = 0
        self.stack_limit = 0
        self.stack_allocation = 0
        self.kernel_stack = 0
        self.start_address = 0
        self.win32_start_address = 0
        self.initial_context: bytes = b""
        self.cpu = None                       # saved CPU state while not running
        self.priority = 0                     # THREAD_PRIORITY_NORMAL (recorded; scheduling is round robin)
        self.priority_boost_disabled = 0      # SetThreadPriorityBoost (recorded)
        self.state = THREAD_INITIALIZED
        self.exit_status = STATUS_PENDING
        self.create_time = process.kernel.clock.system_time()
        self.frames = []                      # generator frames of Python handlers calling the guest
        self.request = None                   # what the run loop must do before running it again
        self.user_apcs: deque = deque()
        self.user_apc_pending = False         # deliver user APCs when it next returns to user mode
        self.apc_returns: list = []           # (esp, eip) where delivered APCs return (NtContinue)
        self.owned_mutants: list = []         # mutants it owns, abandoned if it ends holding them
        self.last_services: list[int] = []
        self.resume_eip = 0                   # where the thread continues when scheduled
        self.wait = None                      # the wait it is blocked in (kernel.ke_wait.Wait)
        self.wake_status = None               # status its wait returns, put in EAX when it next runs
        self.exit_time = 0
        self.suspend_count = 0
        self.exception_reports = []           # first-chance fault reports, for when one goes unhandled
        self.last_exception_record = b""       # the EXCEPTION_RECORD last dispatched (reports, minidumps)
        # what user-mode DLLs keep per thread (on Windows: in the TEB or the DLL's thread data)
        self.locale = 0                       # kernel32: SetThreadLocale's LCID; 0: the user default
        self.affinity_mask = 0                # kernel32: SetThreadAffinityMask; 0: the process's
        self.exception_scratch = 0            # ntdll: guest buffer of the exception dispatch, made on first use
        self.seh3_pointers = 0                # msvcrt: _except_handler3's EXCEPTION_POINTERS, made on first use
        self.cxx_current = None               # msvcrt: (object, ThrowInfo) of the C++ catch block running

    def describe(self) -> str:
        return f"Thread {self.tid} of {self.process.image_name}"

    def write_mirror(self, **fields) -> None:
        write_fields(self.process.kernel.space.kwrite, self.ethread, self.process.structs.ETHREAD, fields)
