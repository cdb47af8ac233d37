"""Process and thread services: NtTerminateProcess/Thread, NtContinue, NtTestAlert,
NtQueryInformationProcess/Thread, NtSetInformationProcess/Thread."""
from __future__ import annotations

import struct

from emu.context import CONTEXT_SIZE

from ..hle.registry import export
from ..hle.types import BOOLEAN, HANDLE, NTSTATUS, PCONTEXT, PHANDLE, PULONG, PVOID, ULONG
from kernel.ke.dispatch import Request
from kernel.ob.object import NtCurrentProcess, NtCurrentThread
from kernel.ps.process import EProcess, EThread
from kernel.ps.exit import terminate_process, terminate_thread
from kernel.rtl.status import STATUS

ProcessBasicInformation = 0
ProcessDebugPort = 7
ProcessDefaultHardErrorMode = 12
ProcessWow64Information = 26
ProcessImageFileName = 27
ProcessDebugObjectHandle = 30
ProcessDebugFlags = 31
ProcessExecuteFlags = 34
ProcessImageInformation = 37
ThreadBasicInformation = 0
ThreadQuerySetWin32StartAddress = 9


def process_from_handle(ctx, handle: int) -> EProcess:
    if handle == NtCurrentProcess:
        return ctx.process
    return ctx.process.handles.lookup(handle, EProcess)


def thread_from_handle(ctx, handle: int) -> EThread:
    if handle == NtCurrentThread:
        return ctx.thread
    return ctx.process.handles.lookup(handle, EThread)


@export
def NtTerminateProcess(ctx, ProcessHandle: HANDLE, ExitStatus: NTSTATUS) -> NTSTATUS:
    if ProcessHandle == 0:
        # terminate every other thread of the current process (what RtlExitUserProcess does first)
        for t in ctx.process.threads:
            if t is not ctx.thread and t.state != "terminated":
                terminate_thread(ctx.kernel, t, ExitStatus)
        return 0
    process = process_from_handle(ctx, ProcessHandle)
    terminate_process(ctx.kernel, process, ExitStatus,
                                 reason="exited" if process is ctx.process else "terminated")
    return 0


@export
def NtTerminateThread(ctx, ThreadHandle: HANDLE, ExitStatus: NTSTATUS) -> NTSTATUS:
    thread = ctx.thread if ThreadHandle == 0 else thread_from_handle(ctx, ThreadHandle)
    alive = [t for t in thread.process.threads if t.state != "terminated"]
    if alive == [thread]:
        terminate_process(ctx.kernel, thread.process, ExitStatus)
    else:
        terminate_thread(ctx.kernel, thread, ExitStatus)
    return 0


@export
def NtContinue(ctx, ContextRecord: PCONTEXT, TestAlert: BOOLEAN) -> NTSTATUS:
    """Resume the thread at a CONTEXT (the end of APC delivery and of exception handling)."""
    context = ctx.read(ContextRecord, CONTEXT_SIZE)
    eip = struct.unpack_from("<I", context, 0xB8)[0]
    kernel = ctx.kernel
    kernel.trace.step("4.5", "NtContinue", context=ContextRecord, eip=eip,
                      eax=struct.unpack_from("<I", context, 0xB0)[0],
                      esp=struct.unpack_from("<I", context, 0xC4)[0], test_alert=bool(TestAlert))
    ctx.thread.request = Request("context", data=context)
    kernel.scheduler.reschedule = True
    return 0


@export
def NtTestAlert(ctx) -> NTSTATUS:
    return 0


@export
def NtQueryInformationProcess(ctx, ProcessHandle: HANDLE, ProcessInformationClass: ULONG,
                              ProcessInformation: PVOID, ProcessInformationLength: ULONG,
                              ReturnLength: PULONG) -> NTSTATUS:
    process = process_from_handle(ctx, ProcessHandle)
    cls = ProcessInformationClass
    if cls == ProcessBasicInformation:
        data = struct.pack("<IIIIII", process.exit_status, process.peb, 1, 8, process.pid, process.parent_pid)
    elif cls in (ProcessDebugPort, ProcessWow64Information, ProcessDebugObjectHandle):
        if cls == ProcessDebugObjectHandle:
            return STATUS["STATUS_PORT_NOT_SET"]
        data = struct.pack("<I", 0)
    elif cls == ProcessDebugFlags:
        data = struct.pack("<I", 1)          # NoDebugInherit: not being debugged
    elif cls == ProcessDefaultHardErrorMode:
        data = struct.pack("<I", 1)
    elif cls == ProcessExecuteFlags:
        data = struct.pack("<I", 0x22)      # MEM_EXECUTE_OPTION_DISABLE | PERMANENT: DEP on
    elif cls == ProcessImageFileName:
        text = ("\\Device\\HarddiskVolume1" + process.image_path[2:]).encode("utf-16-le")
        if ProcessInformationLength < 8 + len(text) + 2:
            if ReturnLength:
                ctx.write_u32(ReturnLength, 8 + len(text) + 2)
            return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
        data = struct.pack("<HHI", len(text), len(text) + 2, ProcessInformation + 8) + text + b"\0\0"
    else:
        return STATUS["STATUS_INVALID_INFO_CLASS"]
    if ProcessInformationLength < len(data) and cls != ProcessImageFileName:
        return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
    ctx.write(ProcessInformation, data)
    if ReturnLength:
        ctx.write_u32(ReturnLength, len(data))
    return 0


@export
def NtSetInformationProcess(ctx, ProcessHandle: HANDLE, ProcessInformationClass: ULONG,
                            ProcessInformation: PVOID, ProcessInformationLength: ULONG) -> NTSTATUS:
    process_from_handle(ctx, ProcessHandle)
    if ProcessInformationClass in (ProcessDefaultHardErrorMode, ProcessExecuteFlags, 33, 39):
        return 0
    return STATUS["STATUS_INVALID_INFO_CLASS"]


@export
def NtQueryInformationThread(ctx, ThreadHandle: HANDLE, ThreadInformationClass: ULONG,
                             ThreadInformation: PVOID, ThreadInformationLength: ULONG,
                             ReturnLength: PULONG) -> NTSTATUS:
    thread = thread_from_handle(ctx, ThreadHandle)
    if ThreadInformationClass == ThreadBasicInformation:
        data = struct.pack("<IIIIII", thread.exit_status, thread.teb, thread.process.pid, thread.tid, 1, 8)
    elif ThreadInformationClass == ThreadQuerySetWin32StartAddress:
        data = struct.pack("<I", thread.win32_start_address)
    else:
        return STATUS["STATUS_INVALID_INFO_CLASS"]
    if ThreadInformationLength < len(data):
        return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
    ctx.write(ThreadInformation, data)
    if ReturnLength:
        ctx.write_u32(ReturnLength, len(data))
    return 0


@export
def NtSetInformationThread(ctx, ThreadHandle: HANDLE, ThreadInformationClass: ULONG,
                           ThreadInformation: PVOID, ThreadInformationLength: ULONG) -> NTSTATUS:
    thread_from_handle(ctx, ThreadHandle)
    if ThreadInformationClass in (17, 0x11, 2, 3, 9):   # HideFromDebugger, priority, base priority, start address
        return 0
    return STATUS["STATUS_INVALID_INFO_CLASS"]


THREAD_CREATE_FLAGS_CREATE_SUSPENDED = 0x1


@export
def NtCreateThreadEx(ctx, ThreadHandle: PHANDLE, DesiredAccess: ULONG, ObjectAttributes: PVOID,
                     ProcessHandle: HANDLE, StartRoutine: PVOID, Argument: PVOID, CreateFlags: ULONG,
                     ZeroBits: ULONG, StackSize: ULONG, MaximumStackSize: ULONG, AttributeList: PVOID) -> NTSTATUS:
    """Windows 7's thread creation service: the same path as the first thread (3.1-3.7, 4.1-4.6)."""
    from kernel.ps.create_process import create_thread
    process = process_from_handle(ctx, ProcessHandle)
    if process is not ctx.process:
        return STATUS["STATUS_NOT_SUPPORTED"]          # threads in other processes: the child-process issue
    thread = create_thread(ctx.kernel, process, StartRoutine, Argument, stack_reserve=MaximumStackSize,
                           stack_commit=StackSize, suspended=bool(CreateFlags & THREAD_CREATE_FLAGS_CREATE_SUSPENDED))
    ctx.write_u32(ThreadHandle, ctx.process.handles.insert(thread, DesiredAccess or 0x1FFFFF))
    return 0


def resume_thread(ctx, thread: EThread) -> int:
    """Decrement the suspend count; at zero the thread becomes ready.  Returns the previous count."""
    previous = thread.suspend_count
    if previous > 0:
        thread.suspend_count -= 1
        if thread.suspend_count == 0 and thread.state in ("initialized", "suspended"):
            ctx.kernel.scheduler.ready(thread)
    return previous


@export
def NtResumeThread(ctx, ThreadHandle: HANDLE, PreviousSuspendCount: PULONG) -> NTSTATUS:
    previous = resume_thread(ctx, thread_from_handle(ctx, ThreadHandle))
    if PreviousSuspendCount:
        ctx.write_u32(PreviousSuspendCount, previous)
    return 0


@export
def NtRaiseException(ctx, ExceptionRecord: PVOID, ContextRecord: PCONTEXT, FirstChance: BOOLEAN) -> NTSTATUS:
    """First chance: dispatch to user mode again; second chance: nobody handled it, the process ends."""
    from emu.context import CONTEXT_SIZE
    record = ctx.read(ExceptionRecord, 0x50)
    context = ctx.read(ContextRecord, CONTEXT_SIZE)
    if FirstChance:
        ctx.kernel.exceptions.raise_exception(ctx.thread, record, context)
    else:
        ctx.kernel.exceptions.unhandled_exception(ctx.thread, struct.unpack_from("<I", record, 0)[0])
    return 0


MAXIMUM_SUSPEND_COUNT = 127


def suspend_thread(ctx, thread: EThread) -> int:
    """Increment the suspend count; a ready or running thread stops being scheduled.  Returns the
    previous count (STATUS_SUSPEND_COUNT_EXCEEDED past 127)."""
    if thread.state == "terminated":
        raise NtError("STATUS_THREAD_IS_TERMINATING", f"thread {thread.tid} has ended")
    previous = thread.suspend_count
    if previous >= MAXIMUM_SUSPEND_COUNT:
        raise NtError("STATUS_SUSPEND_COUNT_EXCEEDED", f"thread {thread.tid} is suspended 127 times")
    thread.suspend_count += 1
    kernel = ctx.kernel
    if thread.state in ("ready", "running"):
        kernel.scheduler.ready(thread)                     # with a count above 0: becomes "suspended"
        if thread is ctx.thread:
            kernel.scheduler.reschedule = True
            thread.process.machine.stop()
    return previous


@export
def NtSuspendThread(ctx, ThreadHandle: HANDLE, PreviousSuspendCount: PULONG) -> NTSTATUS:
    previous = suspend_thread(ctx, thread_from_handle(ctx, ThreadHandle))
    if PreviousSuspendCount:
        ctx.write_u32(PreviousSuspendCount, previous)
    return 0
