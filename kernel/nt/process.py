"""Process and thread services: NtTerminateProcess/Thread, NtContinue, NtTestAlert,
NtQueryInformationProcess/Thread, NtSetInformationProcess/Thread."""
from __future__ import annotations

import struct

from emu.context import CONTEXT_SIZE

from ..hle.registry import export
from ..hle.types import BOOLEAN, HANDLE, NTSTATUS, PCONTEXT, PULONG, PVOID, ULONG
from ..ke import Request
from ..ob import NtCurrentProcess, NtCurrentThread
from ..ps import EProcess, EThread
from ..status import STATUS, NtError

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
                ctx.kernel.terminate_thread(t, ExitStatus)
        return 0
    process = process_from_handle(ctx, ProcessHandle)
    ctx.kernel.terminate_process(process, ExitStatus)
    return 0


@export
def NtTerminateThread(ctx, ThreadHandle: HANDLE, ExitStatus: NTSTATUS) -> NTSTATUS:
    thread = ctx.thread if ThreadHandle == 0 else thread_from_handle(ctx, ThreadHandle)
    alive = [t for t in thread.process.threads if t.state != "terminated"]
    if alive == [thread]:
        ctx.kernel.terminate_process(thread.process, ExitStatus)
    else:
        ctx.kernel.terminate_thread(thread, ExitStatus)
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
    kernel.reschedule = True
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
