"""The end of threads and processes (PspTerminateThreadByPointer, PspExitProcess, PspDeleteProcess).

A thread that ends leaves its wait and the ready queue, runs down (abandons its mutants, drops its
APCs) and is signalled; a process that ends ends every thread, closes its handles and is signalled.
When a child process has ended the run loop releases its address space (its engine, heaps, C
runtime state and kernel-space mirrors); the first process keeps its engine for inspection.
"""
from __future__ import annotations

import gc
import struct

from kernel.mm.kernel_space import KERNEL_STACK_SIZE
from kernel.ps.process import THREAD_TERMINATED, EProcess, EThread


def terminate_thread(kernel, thread: EThread, status: int) -> None:
    """PspTerminateThreadByPointer: the thread's wait ends, it runs down and is signalled."""
    scheduler = kernel.scheduler
    if thread.wait is not None:
        for o in thread.wait.objects:
            if thread in o.waiters:
                o.waiters.remove(thread)
        thread.wait = None
    scheduler.rundown_thread(thread)
    thread.state = THREAD_TERMINATED
    thread.exit_status = status & 0xFFFFFFFF
    thread.exit_time = kernel.clock.system_time()
    thread.write_mirror(ExitStatus=status)
    process = thread.process
    process.write_mirror(ActiveThreads=sum(1 for t in process.threads if t.state != THREAD_TERMINATED))
    if thread in scheduler.ready_queue:
        scheduler.ready_queue.remove(thread)
    scheduler.signal(thread)
    if thread is scheduler.current_thread:
        scheduler.reschedule = True
        thread.process.machine.stop()


def terminate_process(kernel, process: EProcess, status: int, *, reason: str = "exited",
                      message: str = "") -> None:
    """NtTerminateProcess: every thread ends, the process is signalled with its exit status."""
    scheduler = kernel.scheduler
    if not process.alive:
        return
    process.exit_status = status & 0xFFFFFFFF
    process.exit_reason = reason
    process.exit_message = message
    process.exit_time = kernel.clock.system_time()
    process.write_mirror(ExitStatus=status)
    for t in process.threads:
        if t.state != THREAD_TERMINATED:
            terminate_thread(kernel, t, status)
    # the object manager closes every handle of a process that ends (a job with
    # kill-on-close whose last handle it held ends its processes; names go with their objects)
    process.handles.close_all()
    scheduler.signal(process)
    kernel.trace.step("4.7", "NtTerminateProcess", exit_status=f"{status & 0xFFFFFFFF:#x}", reason=reason)
    scheduler.reschedule = True
    process.machine.stop()


def release_address_space(kernel, process: EProcess) -> None:
    """A child process has ended: its engine and memory go (the EPROCESS object stays for the
    handles that still refer to it: exit code, times).  The first process keeps its engine so
    that it can be inspected after the run."""
    if process.machine is None:
        return
    kernel.space.detach(process.machine)
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
    process.dll_state.clear()
    process.crt_active = None
    for t in process.threads:
        t.cpu = None
        t.frames = []
    # the kernel-space mirrors go too: off PsActiveProcessHead, then freed (PspDeleteProcess)
    S = process.structs
    links = process.eprocess + S.EPROCESS.offsetof("ActiveProcessLinks")
    flink, blink = struct.unpack("<II", kernel.space.kread(links, 8))
    kernel.space.kwrite(blink, struct.pack("<I", flink))
    kernel.space.kwrite(flink + 4, struct.pack("<I", blink))
    for t in process.threads:
        if t.ethread:
            kernel.space.kfree(t.ethread)
        if t.kernel_stack:
            kernel.space.kfree(t.kernel_stack - KERNEL_STACK_SIZE)
    kernel.space.kfree(process.eprocess)
    # the engine sits in reference cycles (hooks -> closures -> machine); collect it now so its
    # guest memory goes back before the next child maps its own
    gc.collect()
