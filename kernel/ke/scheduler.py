"""The scheduler (the kernel's dispatcher): the ready queue, thread switches and the run loop.

A thread is a saved CPU context plus its kernel objects.  The run loop takes the next ready thread,
loads it on its process's CPU (`_switch_to` applies what a handler asked for: start in
KiThreadStartup, a guest call, a return, a new CONTEXT, user APCs to deliver) and runs it until it
blocks, ends or its slice runs out.  A lone runnable thread runs without an instruction count;
several share the CPU in counted slices of THREAD_SLICE instructions, which is also when virtual
time moves with the instructions run.  When no thread is ready the clock jumps to the next deadline
(kernel/ke/wait.py).  One host watchdog thread per run ends slices at the wall-time deadline.

The waits (kernel/ke/wait.py) and user-APC delivery (kernel/ke/apc.py) are the scheduler's too.
"""
from __future__ import annotations

import struct
import threading
import time

from emu.context import CONTEXT_SIZE, apply as apply_context

from kernel.ke.apc import ApcMixin
from kernel.ke.clock import SLICE_TIME_100NS
from kernel.ke.dispatch import THREAD_SLICE, Request, RunStop
from kernel.ke.wait import WaitMixin
from kernel.ps.exit import release_address_space
from kernel.ps.process import THREAD_READY, THREAD_RUNNING, THREAD_TERMINATED, EProcess, EThread


class Scheduler(WaitMixin, ApcMixin):
    def __init__(self, kernel):
        self.kernel = kernel
        self.ready_queue: list[EThread] = []
        self.current_thread: EThread | None = None
        self.reschedule = False              # the running slice ends at the next chance
        self.stopped: RunStop | None = None  # why the whole run stopped
        self.timers = []                     # waitable timers that are set (kernel/ke/sync_objects.py)
        self.instructions = 0                # counted only with an instruction budget
        # observability hooks (kernel.trace / kernel.report), off unless asked for:
        self.slice_hook = None               # callable() in the run loop after every slice
        self.slice_interval = 0.0            # when > 0, slices end at least this often (seconds)
        self.cpu_boot_addresses = {}         # where the first thread's boot steps are, for traces
        self._break = None
        self._running_machine = None

    def ready(self, thread: EThread) -> None:
        if thread.suspend_count > 0:
            thread.state = "suspended"          # runnable again when ResumeThread brings it to 0
            if thread in self.ready_queue:
                self.ready_queue.remove(thread)
            return
        thread.state = THREAD_READY
        if thread not in self.ready_queue:
            self.ready_queue.append(thread)

    def yield_thread(self, thread: EThread) -> None:
        """Give up the CPU if another thread is ready (Sleep, NtYieldExecution)."""
        if any(t.state == THREAD_READY for t in self.ready_queue):
            self.reschedule = True

    def stop_run(self, reason: str, message: str, status: int | None = None) -> None:
        """End the whole run after the current instruction (callable from handlers)."""
        if self.stopped is None:
            self.stopped = RunStop(reason, message, status)
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
            self.stop_run("breakpoint", f"stopped at {process.describe_address(addr)}")
        handle = m.hook_code_range(address, address, hit)
        self._break = handle

    def resume_after_break(self) -> None:
        """After a breakpoint stop, `run()` goes on from where it stopped."""
        self.stopped = None
        if self.current_thread is not None and self.current_thread.state == THREAD_RUNNING:
            self.current_thread.state = THREAD_READY
            if self.current_thread not in self.ready_queue:
                self.ready_queue.insert(0, self.current_thread)

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
                    m.interrupt()                # a stop between slices is lost: the loop repeats
        thread = threading.Thread(target=watch, name="ntboot-watchdog", daemon=True)
        thread.start()
        return done

    def run(self) -> None:
        """Run threads until every process has ended, no thread can run, or the run is stopped
        (the options' instruction budget and wall-time limit included)."""
        started = time.perf_counter()
        opts = self.kernel.options
        deadline = started + opts.timeout if opts.timeout else None
        budget = opts.max_instructions or 0
        counting = bool(budget)
        watchdog = self._start_watchdog(deadline)
        try:
            self._run_loop(deadline, budget, counting)
        finally:
            if watchdog is not None:
                watchdog.set()

    def _run_loop(self, deadline, budget, counting) -> None:
        opts = self.kernel.options
        while self.stopped is None:
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
                self.kernel.exceptions.on_fault(thread, m.fault)
            elif outcome == "slice":
                if timed and count == THREAD_SLICE:
                    # virtual time moves with the instructions run: a slice is SLICE_TIME
                    self.kernel.clock.advance(SLICE_TIME_100NS)
                    self.wake_expired()
                if counting and self.instructions >= budget:
                    self.stop_run("instruction limit", f"the run reached its limit of {budget} instructions "
                                  f"at {process.describe_address(m.reg('eip'))}")
            if deadline is not None and self.stopped is None and time.perf_counter() >= deadline:
                self.stop_run("timeout", f"the run exceeded its time limit of {opts.timeout:g} s "
                              f"at {process.describe_address(m.reg('eip')) if process.machine else '?'}")
            if self.slice_hook is not None:
                self.slice_hook()
            if thread.state == THREAD_RUNNING:
                thread.state = THREAD_READY
                if thread.request is None:
                    thread.resume_eip = m.reg("eip")
                self.ready_queue.append(thread)
            for p in self.kernel.processes[1:]:
                if not p.alive and p.machine is not None:
                    release_address_space(self.kernel, p)

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
        self.kernel.tracing_process = process
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
            return self.kernel.space.ki_thread_startup
        if req.kind == "call":
            frame, call = req.data
            return process.dispatcher.start_guest_call(thread, frame, call)
        if req.kind == "return":
            if thread.user_apc_pending:          # an alertable wait ended for user APCs
                return self.deliver_user_apc(thread, req.eip)
            return req.eip
        if req.kind == "context":
            apply_context(m, req.data)
            if thread.apc_returns:               # NtContinue at the end of an APC: the next one?
                eip = self.continue_after_apc(thread, req.data)
                if eip is not None:
                    return eip
            return m.reg("eip")
        raise AssertionError(req.kind)

    def ki_thread_startup(self, dispatcher) -> None:
        """(CPU) KiThreadStartup -> PspUserThreadStartup -> the APC to LdrInitializeThunk."""
        thread = self.current_thread
        process = thread.process
        m = process.machine
        self.kernel.trace.step("4.1", "KiThreadStartup", tid=thread.tid, irql="APC_LEVEL",
                        address=self.kernel.space.ki_thread_startup)
        ldr_thunk = self.kernel.export_address(process, "ntdll.dll", "LdrInitializeThunk")
        self.kernel.trace.step("4.2", "PspUserThreadStartup", apc_routine=f"{ldr_thunk:#010x} (ntdll!LdrInitializeThunk)",
                        normal_context=0, system_argument1=process.ntdll_base)
        thread.user_apcs.appendleft((ldr_thunk, 0, process.ntdll_base, 0))   # before APCs queued early
        user_esp = self.ki_initialize_user_apc(thread, thread.initial_context)
        # return to user mode through the iretd that follows the trap: EIP, CS, EFLAGS
        dispatcher_va = self.kernel.export_address(process, "ntdll.dll", "KiUserApcDispatcher")
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
        dispatcher_va = self.kernel.export_address(process, "ntdll.dll", "KiUserApcDispatcher")
        self.kernel.trace.step("4.3", "KiInitializeUserApc", context=ctx_addr, apc_frame=frame,
                        eip=f"{dispatcher_va:#010x} (ntdll!KiUserApcDispatcher)")
        return frame

    def _watch_boot_steps(self, process: EProcess, thread: EThread) -> None:
        """One-address hooks that record when the CPU reaches the user-mode boot steps."""
        m = process.machine
        apc = self.kernel.export_address(process, "ntdll.dll", "KiUserApcDispatcher")
        thunk_dll, thunk_name = self.kernel.profile.start_thunk
        thunk = thread.start_address          # the initial CONTEXT's Eip (kernel32 may not be mapped yet)
        info = process.section.image.info
        entry = info.entry_va(process.image_base)
        hooks = []
        seen = set()

        def observe(addr, step, name, **details):
            def cb(address):
                if address in seen or self.current_thread is not thread:
                    return
                seen.add(address)
                self.kernel.trace.step(step, name, address=address, **details)
                if address == entry:
                    for h in hooks:
                        m.remove_hook(h)
            hooks.append(m.hook_code_range(addr, addr, cb))
        observe(apc, "4.4", "KiUserApcDispatcher")
        observe(thunk, "4.6", thunk_name, entry_point=entry)
        self.cpu_boot_addresses = {"KiThreadStartup": self.kernel.space.ki_thread_startup, "KiUserApcDispatcher": apc,
                                   "LdrInitializeThunk": self.kernel.export_address(process, "ntdll.dll", "LdrInitializeThunk"),
                                   "start thunk": thunk, "entry point": entry}
        profile = self.kernel.profile
        if profile.start_function is not None:            # NT 5.x: BaseProcessStart, then the entry point
            start_dll, start_name = profile.start_function
            start = self.kernel.system_dll_address(process, start_dll, start_name)
            observe(start, "4.6", start_name, seh_frame=f"{start_dll.removesuffix('.dll')}!_except_handler3, "
                                                         f"filter UnhandledExceptionFilter")
            self.cpu_boot_addresses["start function"] = start
        observe(entry, "4.6", "entry point", image=process.image_name)
