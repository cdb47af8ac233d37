"""processthreadsapi.h: the current process and thread, exit, startup info, TLS slots, thread contexts,
priority boosts."""
import struct

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import (BOOL, DWORD, HANDLE, INT, LPBOOL, LPCSTR, LPCWSTR, LPDWORD, LPSTARTUPINFOA, LPSTARTUPINFOW,
                         LPSTR, LPTHREAD_START_ROUTINE, LPVOID, LPWSTR, SIZE_T, UINT, VOID)
from kernel.ob.object import NtCurrentProcess, NtCurrentThread
from kernel.ob.handles import reference_object
from kernel.ps.process import EProcess, EThread
from kernel.ps.exit import terminate_process, terminate_thread
from .state import kernel32_state, kernel32_state_or_none
from ..ntdll.thread import exit_process
from kernel.rtl.status import NtError

TLS_OUT_OF_INDEXES = 0xFFFFFFFF

TLS_MINIMUM_AVAILABLE = 64
TLS_EXPANSION_SLOTS = 1024


@export
def GetCurrentProcess(ctx) -> HANDLE:
    return NtCurrentProcess


@export
def GetCurrentThread(ctx) -> HANDLE:
    return NtCurrentThread


@export
def GetCurrentProcessId(ctx) -> DWORD:
    return ctx.process.pid


@export
def GetCurrentThreadId(ctx) -> DWORD:
    return ctx.thread.tid


@export
def ExitProcess(ctx, uExitCode: UINT) -> VOID:
    yield from exit_process(ctx, uExitCode)


@export
def TerminateProcess(ctx, hProcess: HANDLE, uExitCode: UINT) -> BOOL:
    process = ctx.process if hProcess == NtCurrentProcess else ctx.process.handles.lookup(hProcess, EProcess)
    terminate_process(ctx.kernel, process, uExitCode,
                                 reason="exited" if process is ctx.process else "terminated")
    return 1


@export
def GetExitCodeProcess(ctx, hProcess: HANDLE, lpExitCode: LPDWORD) -> BOOL:
    process = ctx.process if hProcess == NtCurrentProcess else ctx.process.handles.lookup(hProcess, EProcess)
    ctx.write_u32(lpExitCode, process.exit_status)
    return 1


def _startup_info(ctx, out: int, wide: bool) -> None:
    S = ctx.process.structs
    P = S.RTL_USER_PROCESS_PARAMETERS
    params = ctx.process.params
    read = lambda f: ctx.read_u32(params + P.offsetof(f))
    # STARTUPINFO: cb, lpReserved, lpDesktop, lpTitle, dwX..dwFillAttribute, dwFlags, wShowWindow,
    # cbReserved2, lpReserved2, hStdInput, hStdOutput, hStdError
    desktop = ctx.read_u32(params + P.offsetof("DesktopInfo.Buffer"))
    title = ctx.read_u32(params + P.offsetof("WindowTitle.Buffer"))
    if not wide:
        # the ANSI strings live in a per-process buffer made once (kernel32 does the same)
        state = kernel32_state(ctx.process)
        if state.startup_ansi is None:
            d = ctx.read_unicode_string(params + P.offsetof("DesktopInfo")).encode("cp1252", "replace") + b"\0"
            t = ctx.read_unicode_string(params + P.offsetof("WindowTitle")).encode("cp1252", "replace") + b"\0"
            base = ctx.process.heap.allocate(len(d) + len(t))
            ctx.write(base, d + t)
            state.startup_ansi = (base, base + len(d))
        desktop, title = state.startup_ansi
    info = struct.pack("<IIII7IIHHIIII", 68, 0, desktop, title, 0, 0, 0, 0, 0, 0, 0,
                       read("WindowFlags"), read("ShowWindowFlags") & 0xFFFF, 0, 0,
                       read("StandardInput"), read("StandardOutput"), read("StandardError"))
    ctx.write(out, info)


@export
def GetStartupInfoA(ctx, lpStartupInfo: LPSTARTUPINFOA) -> VOID:
    _startup_info(ctx, lpStartupInfo, False)


@export
def GetStartupInfoW(ctx, lpStartupInfo: LPSTARTUPINFOW) -> VOID:
    _startup_info(ctx, lpStartupInfo, True)


# -- TLS slots: the PEB's TlsBitmap and the TEB's TlsSlots / TlsExpansionSlots, as Windows keeps them

def _tls_bitmap(ctx) -> tuple[int, int]:
    S = ctx.process.structs
    return (ctx.process.peb + S.PEB.offsetof("TlsBitmapBits"),
            ctx.process.peb + S.PEB.offsetof("TlsExpansionBitmapBits"))


@export
def TlsAlloc(ctx) -> DWORD:
    bits, expansion = _tls_bitmap(ctx)
    for base, count, offset in ((bits, TLS_MINIMUM_AVAILABLE, 0), (expansion, TLS_EXPANSION_SLOTS, 64)):
        data = bytearray(ctx.read(base, count // 8))
        for i in range(count):
            if not data[i // 8] & (1 << (i % 8)):
                data[i // 8] |= 1 << (i % 8)
                ctx.write(base, bytes(data))
                index = offset + i
                for t in ctx.process.threads:
                    _set_slot(ctx, t, index, 0)
                return index
    ctx.set_last_error(8)
    return TLS_OUT_OF_INDEXES


def _slot_address(ctx, thread, index: int) -> int:
    S = ctx.process.structs
    if index < TLS_MINIMUM_AVAILABLE:
        return thread.teb + S.TEB.offsetof("TlsSlots") + 4 * index
    array_field = thread.teb + S.TEB.offsetof("TlsExpansionSlots")
    array = ctx.read_u32(array_field)
    if not array:
        array = ctx.process.heap.allocate(4 * TLS_EXPANSION_SLOTS, 0x8)
        ctx.write_u32(array_field, array)
    return array + 4 * (index - TLS_MINIMUM_AVAILABLE)


def _set_slot(ctx, thread, index, value) -> None:
    ctx.write_u32(_slot_address(ctx, thread, index), value)


def _valid(ctx, index: int) -> bool:
    if index >= TLS_MINIMUM_AVAILABLE + TLS_EXPANSION_SLOTS:
        ctx.set_last_error(87)
        return False
    return True


@export
def TlsGetValue(ctx, dwTlsIndex: DWORD) -> LPVOID:
    if not _valid(ctx, dwTlsIndex):
        return 0
    ctx.set_last_error(0)
    return ctx.read_u32(_slot_address(ctx, ctx.thread, dwTlsIndex))


@export
def TlsSetValue(ctx, dwTlsIndex: DWORD, lpTlsValue: LPVOID) -> BOOL:
    if not _valid(ctx, dwTlsIndex):
        return 0
    _set_slot(ctx, ctx.thread, dwTlsIndex, lpTlsValue)
    return 1


@export
def TlsFree(ctx, dwTlsIndex: DWORD) -> BOOL:
    if not _valid(ctx, dwTlsIndex):
        return 0
    bits, expansion = _tls_bitmap(ctx)
    base, i = (bits, dwTlsIndex) if dwTlsIndex < 64 else (expansion, dwTlsIndex - 64)
    byte = ctx.read(base + i // 8, 1)[0]
    if not byte & (1 << (i % 8)):
        ctx.set_last_error(87)
        return 0
    ctx.write(base + i // 8, bytes([byte & ~(1 << (i % 8))]))
    for t in ctx.process.threads:
        _set_slot(ctx, t, dwTlsIndex, 0)
    return 1


CREATE_SUSPENDED = 0x4
STACK_SIZE_PARAM_IS_A_RESERVATION = 0x10000
STILL_ACTIVE = 259


@export
def CreateThread(ctx, lpThreadAttributes: LPVOID, dwStackSize: SIZE_T, lpStartAddress: LPTHREAD_START_ROUTINE,
                 lpParameter: LPVOID, dwCreationFlags: DWORD, lpThreadId: LPDWORD) -> HANDLE:
    from kernel.ps.create_process import create_thread
    reserve = dwStackSize if dwCreationFlags & STACK_SIZE_PARAM_IS_A_RESERVATION else 0
    commit = 0 if reserve else dwStackSize
    thread = create_thread(ctx.kernel, ctx.process, lpStartAddress, lpParameter, stack_reserve=reserve,
                           stack_commit=commit, suspended=bool(dwCreationFlags & CREATE_SUSPENDED))
    if lpThreadId:
        ctx.write_u32(lpThreadId, thread.tid)
    return ctx.process.handles.insert(thread, 0x1FFFFF)


@export
def ExitThread(ctx, dwExitCode: DWORD) -> VOID:
    from ..ntdll.thread import RtlExitUserThread
    yield from RtlExitUserThread(ctx, dwExitCode)


@export
def GetExitCodeThread(ctx, hThread: HANDLE, lpExitCode: LPDWORD) -> BOOL:
    thread = reference_object(ctx, hThread, EThread)
    ctx.write_u32(lpExitCode, STILL_ACTIVE if thread.state != "terminated" else thread.exit_status)
    return 1


@export
def ResumeThread(ctx, hThread: HANDLE) -> DWORD:
    from ...nt.process import resume_thread
    return resume_thread(ctx, reference_object(ctx, hThread, EThread))


@export
def SuspendThread(ctx, hThread: HANDLE) -> DWORD:
    from ...nt.process import suspend_thread
    from kernel.rtl.status import NtError, dos_error
    try:
        return suspend_thread(ctx, reference_object(ctx, hThread, EThread))
    except NtError as e:
        ctx.set_last_error(dos_error(e.status))
        return 0xFFFFFFFF


@export
def TerminateThread(ctx, hThread: HANDLE, dwExitCode: DWORD) -> BOOL:
    """Ends the thread at once: no DLL_THREAD_DETACH, as on Windows (the last thread ends the process)."""
    thread = reference_object(ctx, hThread, EThread)
    alive = [t for t in thread.process.threads if t.state != "terminated"]
    if alive == [thread]:
        terminate_process(ctx.kernel, thread.process, dwExitCode)
    else:
        terminate_thread(ctx.kernel, thread, dwExitCode)
    return 1


THREAD_PRIORITIES = {-15, -2, -1, 0, 1, 2, 15}
PRIORITY_CLASSES = {0x40, 0x4000, 0x20, 0x8000, 0x80, 0x100}


@export
def GetThreadPriority(ctx, hThread: HANDLE) -> INT:
    return reference_object(ctx, hThread, EThread).priority


@export
def SetThreadPriority(ctx, hThread: HANDLE, nPriority: INT) -> BOOL:
    """Recorded (and reported), but the scheduler is round robin: priorities do not reorder threads."""
    if nPriority not in THREAD_PRIORITIES:
        ctx.set_last_error(87)
        return 0
    reference_object(ctx, hThread, EThread).priority = nPriority
    return 1


@export
def GetPriorityClass(ctx, hProcess: HANDLE) -> DWORD:
    return reference_object(ctx, hProcess, EProcess).priority_class


@export
def SetPriorityClass(ctx, hProcess: HANDLE, dwPriorityClass: DWORD) -> BOOL:
    if dwPriorityClass not in PRIORITY_CLASSES:
        ctx.set_last_error(87)
        return 0
    reference_object(ctx, hProcess, EProcess).priority_class = dwPriorityClass
    return 1


@export
def SwitchToThread(ctx) -> BOOL:
    kernel = ctx.kernel
    others = any(t.state == "ready" for t in kernel.scheduler.ready_queue)
    kernel.scheduler.yield_thread(ctx.thread)
    return 1 if others else 0


@export
def GetThreadId(ctx, Thread: HANDLE) -> DWORD:
    return reference_object(ctx, Thread, EThread).tid


@export
def GetProcessId(ctx, Process: HANDLE) -> DWORD:
    return reference_object(ctx, Process, EProcess).pid


STARTF_USESTDHANDLES = 0x100
CREATE_UNICODE_ENVIRONMENT = 0x400
PROCESS_ALL_ACCESS = 0x1FFFFF


def _environment_block(ctx, address: int, unicode: bool) -> dict | None:
    """An lpEnvironment block: NAME=VALUE strings, each NUL-terminated, then an empty one."""
    if not address:
        return None
    env = {}
    pos = address
    while True:
        if unicode:
            raw = ctx.read_wcstr(pos)
            pos += len(raw) + 2
            entry = raw.decode("utf-16-le", "surrogatepass")
        else:
            raw = ctx.read_cstr(pos)
            pos += len(raw) + 1
            entry = raw.decode(ctx.kernel.ansi_codepage, "replace")
        if not entry:
            return env
        name, _, value = entry[1:].partition("=")
        env[entry[0] + name] = value


CREATE_NEW_PROCESS_GROUP = 0x200


def _inherit_console_group(ctx, child, flags: int) -> None:
    """The child's console process group and its "ignore Ctrl+C" bit (ConsoleFlags): the parent's, or
    with CREATE_NEW_PROCESS_GROUP a group of its own in which Ctrl+C is ignored."""
    from .consoleapi import CONSOLE_IGNORE_CTRL_C, console_flags_address, process_group
    ignore = ctx.read_u32(console_flags_address(ctx.process)) & CONSOLE_IGNORE_CTRL_C
    if flags & CREATE_NEW_PROCESS_GROUP:
        child.process_group = child.pid
        ignore = CONSOLE_IGNORE_CTRL_C
    else:
        child.process_group = process_group(ctx.process)
    child.machine.write_u32(console_flags_address(child), ignore)


def create_process(ctx, application: str | None, command_line: str | None, inherit: int, flags: int,
                   environment: int, directory: str | None, startup_info: int, process_information: int) -> int:
    """kernel32!CreateProcessW for a guest caller: the child goes through the whole BOOT-FLOW path
    in its own address space; PROCESS_INFORMATION gets handles in the caller's table."""
    from kernel.ps.create_process import create_process as nt_create_process
    from kernel.rtl.status import NtError, dos_error
    kernel = ctx.kernel
    if not application and not command_line:
        ctx.set_last_error(87)
        return 0
    std = None
    if startup_info:
        cb_flags = ctx.read_u32(startup_info + 44)
        if cb_flags & STARTF_USESTDHANDLES:
            std = struct.unpack("<III", ctx.read(startup_info + 56, 12))
    env = _environment_block(ctx, environment, bool(flags & CREATE_UNICODE_ENVIRONMENT))
    if env is None:
        from .processenv import environment as current_environment
        env = dict(current_environment(ctx))
    cmd = command_line if command_line is not None else application
    try:
        process, thread = nt_create_process(kernel, application, cmd, creation_flags=flags,
                                            current_directory=directory, environment=env,
                                            parent=ctx.process, std_handles=std,
                                            inherit_handles=bool(inherit))
    except NtError as e:
        ctx.set_last_error(dos_error(e.status))
        kernel.trace.event("CreateProcess failed", str(e))
        return 0
    finally:
        kernel.tracing_process = ctx.process
    _inherit_console_group(ctx, process, flags)
    ctx.write(process_information, struct.pack("<IIII", process.process_handle, process.thread_handle,
                                               process.pid, thread.tid))
    return 1


@export
def CreateProcessA(ctx, lpApplicationName: LPCSTR, lpCommandLine: LPCSTR, lpProcessAttributes: LPVOID,
                   lpThreadAttributes: LPVOID, bInheritHandles: BOOL, dwCreationFlags: DWORD,
                   lpEnvironment: LPVOID, lpCurrentDirectory: LPCSTR, lpStartupInfo: LPSTARTUPINFOA,
                   lpProcessInformation: LPVOID) -> BOOL:
    return create_process(ctx, lpApplicationName, lpCommandLine, bInheritHandles, dwCreationFlags,
                          lpEnvironment, lpCurrentDirectory, lpStartupInfo, lpProcessInformation)


@export
def CreateProcessW(ctx, lpApplicationName: LPCWSTR, lpCommandLine: LPCWSTR, lpProcessAttributes: LPVOID,
                   lpThreadAttributes: LPVOID, bInheritHandles: BOOL, dwCreationFlags: DWORD,
                   lpEnvironment: LPVOID, lpCurrentDirectory: LPCWSTR, lpStartupInfo: LPSTARTUPINFOW,
                   lpProcessInformation: LPVOID) -> BOOL:
    return create_process(ctx, lpApplicationName, lpCommandLine, bInheritHandles, dwCreationFlags,
                          lpEnvironment, lpCurrentDirectory, lpStartupInfo, lpProcessInformation)


@export
def OpenProcess(ctx, dwDesiredAccess: DWORD, bInheritHandle: BOOL, dwProcessId: DWORD) -> HANDLE:
    obj = ctx.kernel.cid_table.lookup(dwProcessId)
    if not isinstance(obj, EProcess):
        ctx.set_last_error(87)           # ERROR_INVALID_PARAMETER, what Windows gives for an unknown PID
        return 0
    return ctx.process.handles.insert(obj, dwDesiredAccess, 0x2 if bInheritHandle else 0)


def base_ansi_command_line(ctx) -> int:
    """BaseAnsiCommandLine: RTL_USER_PROCESS_PARAMETERS.CommandLine as guest memory has it, converted
    to the ANSI code page into the process heap.  Windows' kernel32 (KERNELBASE on Windows 7) makes it
    once, when it initializes (DLL_PROCESS_ATTACH); a later change of the parameters does not reach it."""
    S = ctx.process.structs
    at = ctx.process.params + S.RTL_USER_PROCESS_PARAMETERS.offsetof("CommandLine")
    length, _, buf = struct.unpack("<HHI", ctx.read(at, 8))
    text = ctx.read(buf, length & ~1).decode("utf-16-le", "replace") if length and buf else ""
    data = text.encode(ctx.kernel.ansi_codepage, "replace") + b"\0"
    ptr = ctx.process.heap.allocate(len(data))
    ctx.write(ptr, data)
    return ptr


def kernel32_init(ctx, base: int, reason: int) -> None:
    """kernel32's DllMain: on DLL_PROCESS_ATTACH, the ANSI command line (BaseAnsiCommandLine)."""
    state = kernel32_state(ctx.process)
    if reason == 1 and state.command_line_ansi is None:
        state.command_line_ansi = base_ansi_command_line(ctx)


def ansi_command_line(ctx) -> int:
    """BaseAnsiCommandLine.Buffer, made now if kernel32 has not initialized yet (or a fresh
    conversion in a process without kernel32: a program may import only msvcrt)."""
    state = kernel32_state_or_none(ctx.process)
    if state is None:
        return base_ansi_command_line(ctx)
    if state.command_line_ansi is None:
        state.command_line_ansi = base_ansi_command_line(ctx)
    return state.command_line_ansi


@export
def GetCommandLineA(ctx) -> LPSTR:
    """BaseAnsiCommandLine.Buffer: the ANSI copy made when kernel32 initialized."""
    return ansi_command_line(ctx)


@export
def GetCommandLineW(ctx) -> LPWSTR:
    S = ctx.process.structs
    return ctx.read_u32(ctx.process.params + S.RTL_USER_PROCESS_PARAMETERS.offsetof("CommandLine.Buffer"))


def _system_affinity(ctx) -> int:
    return (1 << ctx.kernel.profile.number_of_processors) - 1


@export
def GetProcessAffinityMask(ctx, hProcess: HANDLE, lpProcessAffinityMask: LPDWORD, lpSystemAffinityMask: LPDWORD) -> BOOL:
    process = reference_object(ctx, hProcess, EProcess)
    system = _system_affinity(ctx)
    ctx.write_u32(lpProcessAffinityMask, (process.affinity_mask or system))
    ctx.write_u32(lpSystemAffinityMask, system)
    return 1


@export
def SetProcessAffinityMask(ctx, hProcess: HANDLE, dwProcessAffinityMask: DWORD) -> BOOL:
    process = reference_object(ctx, hProcess, EProcess)
    if not dwProcessAffinityMask or dwProcessAffinityMask & ~_system_affinity(ctx):
        ctx.set_last_error(87)
        return 0
    process.affinity_mask = dwProcessAffinityMask
    return 1


@export
def SetThreadAffinityMask(ctx, hThread: HANDLE, dwThreadAffinityMask: DWORD) -> DWORD:
    """The thread's previous mask; a mask outside the process's: 0 with ERROR_INVALID_PARAMETER.
    (The schedule does not depend on it: one virtual CPU runs every thread.)"""
    thread = reference_object(ctx, hThread, EThread)
    allowed = thread.process.affinity_mask or _system_affinity(ctx)
    if not dwThreadAffinityMask or dwThreadAffinityMask & ~allowed:
        ctx.set_last_error(87)
        return 0
    previous = thread.affinity_mask or allowed
    thread.affinity_mask = dwThreadAffinityMask
    return previous


@export
def GetProcessTimes(ctx, hProcess: HANDLE, lpCreationTime: LPVOID, lpExitTime: LPVOID, lpKernelTime: LPVOID,
                    lpUserTime: LPVOID) -> BOOL:
    """Creation and exit time on the (virtual) system clock; the exit time is 0 while the process runs.
    Kernel and user times: the virtual time since creation counts as user time, no kernel time
    (ntboot does not account CPU time per mode)."""
    process = reference_object(ctx, hProcess, EProcess)
    now = ctx.kernel.clock.system_time()
    end = process.exit_time or now
    ctx.write(lpCreationTime, struct.pack("<Q", process.create_time))
    ctx.write(lpExitTime, struct.pack("<Q", process.exit_time))
    ctx.write(lpKernelTime, struct.pack("<Q", 0))
    ctx.write(lpUserTime, struct.pack("<Q", max(end - process.create_time, 0)))
    return 1


@export
def K32GetProcessMemoryInfo(ctx, Process: HANDLE, ppsmemCounters: LPVOID, cb: DWORD) -> BOOL:
    """PROCESS_MEMORY_COUNTERS(_EX) from the process's committed user memory: the working set and
    the page-file usage are the committed bytes, their peaks the largest value seen by this call;
    no page faults or pool quotas are counted.  cb below 40: ERROR_INSUFFICIENT_BUFFER."""
    process = reference_object(ctx, Process, EProcess)
    if cb < 40:
        ctx.set_last_error(122)
        return 0
    committed = process.memory.committed
    peak = max(process.peak_committed, committed)
    process.peak_committed = peak
    data = struct.pack("<10I", 40, 0, peak, committed, 0, 0, 0, 0, committed, peak)
    if cb >= 44:
        data = struct.pack("<I", 44) + data[4:] + struct.pack("<I", committed)
    ctx.write(ppsmemCounters, data)
    return 1


CPU_MHZ = 3300                 # HARDWARE\DESCRIPTION\System\CentralProcessor\0 "~MHz" (kernel/cm/registry.py)


@export
def QueryProcessCycleTime(ctx, ProcessHandle: HANDLE, CycleTime: LPVOID) -> BOOL:
    """The process's CPU cycles: its (virtual) time since creation at the processor's 3300 MHz, so
    runs repeat (ntboot counts no real cycles)."""
    process = reference_object(ctx, ProcessHandle, EProcess)
    end = process.exit_time or ctx.kernel.clock.system_time()
    ticks = max(end - process.create_time, 0)               # 100 ns units
    ctx.write(CycleTime, struct.pack("<Q", ticks * CPU_MHZ // 10))
    return 1


# -- thread contexts: GetThreadContext / SetThreadContext ------------------------------------------------
#
# The CONTEXT groups the caller names in ContextFlags (each with the CONTEXT_i386 bit, as the kernel
# checks them) are read from or written to where the thread's user-mode state is: a thread that has
# not started yet has its initial context (EIP the start thunk, EAX the start address, EBX the
# parameter); a thread that was switched out, its saved registers and the EIP it resumes at; the
# calling thread, the registers it returns to kernel32's caller with (EIP the return address).
# Setting the calling thread's context resumes it there at once, as NtSetContextThread on oneself does.

_GROUPS = ((0x10001, 0xB4, 0xCC), (0x10002, 0x9C, 0xB4), (0x10004, 0x8C, 0x9C), (0x10008, 0x1C, 0x8C),
           (0x10010, 0x04, 0x1C), (0x10020, 0xCC, 0x2CC))     # control, integer, segments, float, debug, extended


class _SavedCpu:
    """A thread's saved CPU state (Machine.save_cpu) reads and writes registers as the engine does,
    so capture() and apply() take it in place of the machine."""

    def __init__(self, state):
        self.uc = state


def _live_source(thread):
    """The registers of a thread that has started: its saved state, or its process's CPU if it is the
    thread that ran last there."""
    process = thread.process
    if process.current_thread is thread or thread.cpu is None:
        return process.machine
    return _SavedCpu(thread.cpu)


def _resume_eip(thread) -> int | None:
    req = thread.request
    if req is not None and req.kind == "return":
        return req.eip
    if req is None:
        return thread.resume_eip or None
    return None


def _thread_state(ctx, thread) -> bytearray:
    """The thread's complete user-mode CONTEXT (all groups)."""
    from emu.context import CONTEXT_ALL, capture
    req = thread.request
    if req is not None and req.kind == "start":
        state = bytearray(thread.initial_context)
        struct.pack_into("<I", state, 0, CONTEXT_ALL)
        return state
    if req is not None and req.kind == "context":
        state = bytearray(req.data)
        struct.pack_into("<I", state, 0, CONTEXT_ALL)
        return state
    if thread is ctx.thread:
        state = capture(ctx.machine, CONTEXT_ALL)
        esp = ctx.machine.reg("esp")
        struct.pack_into("<I", state, 0xB8, ctx.read_u32(esp))      # EIP: where the call returns
        struct.pack_into("<I", state, 0xC4, esp + 4 + 8)            # ESP: after its stdcall return
        return state
    state = capture(_live_source(thread), CONTEXT_ALL)
    eip = _resume_eip(thread)
    if eip is not None:
        struct.pack_into("<I", state, 0xB8, eip)
    return state


def _merge(state: bytearray, new: bytes, flags: int) -> None:
    for group, start, end in _GROUPS:
        if flags & group == group:
            state[start:end] = new[start:end]


@export
@probe
def GetThreadContext(ctx, hThread: HANDLE, lpContext: LPVOID) -> BOOL:
    thread = reference_object(ctx, hThread, EThread)
    flags = ctx.read_u32(lpContext)
    state = _thread_state(ctx, thread)
    out = bytearray(ctx.read(lpContext, 0x2CC))
    _merge(out, state, flags)
    ctx.write(lpContext, bytes(out))
    return 1


@export
@probe
def SetThreadContext(ctx, hThread: HANDLE, lpContext: LPVOID) -> BOOL:
    from emu.context import CONTEXT_ALL, apply
    from kernel.ke.dispatch import Request
    thread = reference_object(ctx, hThread, EThread)
    new = bytes(ctx.read(lpContext, 0x2CC))
    flags = struct.unpack_from("<I", new, 0)[0]
    state = _thread_state(ctx, thread)
    _merge(state, new, flags)
    req = thread.request
    if thread is ctx.thread:
        thread.request = Request("context", data=bytes(state))
        ctx.kernel.scheduler.reschedule = True
        return 1
    if req is not None and req.kind == "start":
        thread.initial_context = bytes(state)
        return 1
    if req is not None and req.kind == "context":
        req.data = bytes(state)
        return 1
    apply(_live_source(thread), bytes(state))
    if flags & 0x10001 == 0x10001:
        eip = struct.unpack_from("<I", state, 0xB8)[0]
        if req is not None and req.kind == "return":
            req.eip = eip
        elif req is None:
            thread.resume_eip = eip
    return 1


# -- priority boost ------------------------------------------------------------------------------------
# Recorded and reported; the round-robin scheduler has no dynamic boosts to turn off.

@export
@probe
def SetProcessPriorityBoost(ctx, hProcess: HANDLE, bDisablePriorityBoost: BOOL) -> BOOL:
    reference_object(ctx, hProcess, EProcess).priority_boost_disabled = 1 if bDisablePriorityBoost else 0
    return 1


@export
@probe
def GetProcessPriorityBoost(ctx, hProcess: HANDLE, pDisablePriorityBoost: LPVOID) -> BOOL:
    process = reference_object(ctx, hProcess, EProcess)
    ctx.write_u32(pDisablePriorityBoost, process.priority_boost_disabled)
    return 1


@export
@probe
def SetThreadPriorityBoost(ctx, hThread: HANDLE, bDisablePriorityBoost: BOOL) -> BOOL:
    reference_object(ctx, hThread, EThread).priority_boost_disabled = 1 if bDisablePriorityBoost else 0
    return 1


@export
@probe
def GetThreadPriorityBoost(ctx, hThread: HANDLE, pDisablePriorityBoost: LPVOID) -> BOOL:
    thread = reference_object(ctx, hThread, EThread)
    ctx.write_u32(pDisablePriorityBoost, thread.priority_boost_disabled)
    return 1
