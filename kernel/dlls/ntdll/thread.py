"""ntdll's thread and process exit paths, the top-level exception handler of RtlUserThreadStart."""
from __future__ import annotations

from ...hle.registry import export
from ...hle.types import NTSTATUS, VOID
from kernel.ps.exit import terminate_process, terminate_thread
from . import fls


def exit_process(ctx, status: int):
    """RtlExitUserProcess: LdrShutdownProcess (the exiting thread's FLS callbacks, then
    DLL_PROCESS_DETACH in reverse order), then NtTerminateProcess.  A generator: the callbacks and
    the detach notifications run guest code."""
    kernel = ctx.kernel
    process = ctx.process
    if process.terminating:
        terminate_process(kernel, process, status)
        return
    process.terminating = True
    kernel.trace.step("4.7", "RtlExitUserProcess", exit_status=f"{status & 0xFFFFFFFF:#x}")
    # other threads end first, as NtTerminateProcess(NULL) does before LdrShutdownProcess
    for t in process.threads:
        if t is not ctx.thread and t.state != "terminated":
            terminate_thread(kernel, t, status)
    if process.ldr is not None:
        kernel.trace.step("4.7", "LdrShutdownProcess", modules=len(process.ldr.init_order))
        yield from fls.run_callbacks(ctx, ctx.thread)
        yield from process.ldr.shutdown_process()
        fls.free_data(ctx.thread)
    terminate_process(kernel, process, status)


@export
def RtlExitUserProcess(ctx, ExitStatus: NTSTATUS) -> VOID:
    yield from exit_process(ctx, ExitStatus)


@export
def RtlExitUserThread(ctx, ExitStatus: NTSTATUS) -> VOID:
    """The end of every thread (LdrShutdownThread: its FLS callbacks, then DLL_THREAD_DETACH); the last
    one ends the process with its exit code."""
    process = ctx.process
    alive = [t for t in process.threads if t.state != "terminated"]
    if len(alive) <= 1:
        yield from exit_process(ctx, ExitStatus)
        return
    if process.ldr is not None:
        yield from fls.run_callbacks(ctx, ctx.thread)
        yield from process.ldr.detach_thread()
        fls.free_data(ctx.thread)
    terminate_thread(ctx.kernel, ctx.thread, ExitStatus)
