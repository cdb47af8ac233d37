"""Waiting on dispatcher objects (KeWaitForSingleObject / KeWaitForMultipleObjects) in virtual time.

A thread that waits leaves the ready queue and is listed on each object it waits for; signalling an
object re-checks its waiters.  A wait with a timeout has a deadline in virtual time: when no thread
is ready, the clock jumps to the earliest deadline (or to the due time of a waitable timer somebody
waits for) and that wait ends with STATUS_TIMEOUT.  The status a woken thread's wait returns is
written to its EAX when it next runs.

Objects may refine what "signalled" means for a given waiter (`signaled_for(thread)`: a mutant is
signalled for its owner), report abandonment (`abandoned`: the wait returns STATUS_ABANDONED_WAIT_0
+ index) and change state when a wait takes them (`on_wait_satisfied(thread)`: an auto-reset event
resets, a semaphore's count drops, a mutant gets its owner).  An alertable wait also ends when a
user APC is queued to the thread (STATUS_USER_APC; the APCs run on its way back to user mode, see
kernel/ke/apc.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from kernel.rtl.status import STATUS

STATUS_WAIT_0 = 0
STATUS_ABANDONED_WAIT_0 = STATUS["STATUS_ABANDONED_WAIT_0"]
STATUS_USER_APC = STATUS["STATUS_USER_APC"]
STATUS_TIMEOUT = STATUS["STATUS_TIMEOUT"]


@dataclass
class Wait:
    objects: list
    wait_all: bool
    deadline: int | None            # virtual time (100 ns) or None for INFINITE
    what: str = ""
    alertable: bool = False         # a user APC queued to the thread ends the wait (STATUS_USER_APC)
    on_end: object = None           # callable(status) -> the status the caller sees (SleepEx: 0 or 0xC0)


def _signaled(obj, thread) -> bool:
    check = getattr(obj, "signaled_for", None)
    return check(thread) if check is not None else obj.signaled


def satisfied(wait: Wait, thread=None) -> int | None:
    """The wait's status if it can end now, else None."""
    if wait.wait_all:
        if wait.objects and all(_signaled(o, thread) for o in wait.objects):
            if any(getattr(o, "abandoned", False) for o in wait.objects):
                return STATUS_ABANDONED_WAIT_0
            return STATUS_WAIT_0
        return None
    for i, o in enumerate(wait.objects):
        if _signaled(o, thread):
            return (STATUS_ABANDONED_WAIT_0 if getattr(o, "abandoned", False) else STATUS_WAIT_0) + i
    return None


def consume(wait: Wait, status: int, thread=None) -> None:
    """Side effects of a satisfied wait on objects that change when a wait takes them."""
    chosen = wait.objects if wait.wait_all else [wait.objects[status & 0x3F]]
    for o in chosen:
        acquire = getattr(o, "on_wait_satisfied", None)
        if acquire is not None:
            acquire(thread)


class WaitMixin:
    """The Kernel's wait operations (mixed into kernel.ke.scheduler.Scheduler)."""

    def wait_for(self, thread, objects: list, *, wait_all: bool = False, timeout_100ns: int | None = None,
                 what: str = "", alertable: bool = False, on_end=None) -> int | None:
        """Begin a wait: returns the status when it ends at once, else None (the thread blocks).

        The checks run in Windows' order: the objects, then (alertable waits) queued user APCs,
        then a zero timeout."""
        self.fire_due_timers()
        wait = Wait(list(objects), wait_all, None, what, alertable, on_end)
        status = satisfied(wait, thread) if objects else None
        if status is not None:
            consume(wait, status, thread)
        elif alertable and thread.user_apcs:
            # the APCs run when the thread returns to user mode (KiDeliverApc), so end this slice
            thread.user_apc_pending = True
            self.reschedule = True
            thread.process.machine.stop()
            status = STATUS_USER_APC
        elif timeout_100ns == 0:
            status = STATUS_TIMEOUT
        if status is not None:
            return on_end(status) if on_end is not None else status
        if timeout_100ns is not None:
            wait.deadline = self.kernel.clock.system_time() + timeout_100ns
        thread.wait = wait
        thread.state = "waiting"
        for o in wait.objects:
            o.waiters.append(thread)
        if thread in self.ready_queue:
            self.ready_queue.remove(thread)
        self.reschedule = True
        thread.process.machine.stop()
        return None

    def end_wait(self, thread, status: int) -> None:
        wait = thread.wait
        for o in wait.objects:
            if thread in o.waiters:
                o.waiters.remove(thread)
        thread.wait = None
        if status == STATUS_USER_APC:
            thread.user_apc_pending = True
        thread.wake_status = wait.on_end(status) if wait.on_end is not None else status
        self.ready(thread)

    def signal(self, obj) -> None:
        """The object became signalled: end every wait it now satisfies."""
        obj.signaled = True
        self.wake_waiters(obj)

    def wake_waiters(self, obj) -> None:
        """Re-check the waits on an object whose state changed, first waiter first."""
        for thread in list(obj.waiters):
            if thread.wait is None:
                continue
            status = satisfied(thread.wait, thread)
            if status is not None:
                consume(thread.wait, status, thread)
                self.end_wait(thread, status)

    def expire_timeouts(self) -> bool:
        """No thread is ready: jump the clock to the earliest deadline (a wait's timeout, or the due
        time of a waitable timer that would wake a thread) and end the waits that are then over."""
        waiting = [t for p in self.kernel.processes if p.alive for t in p.threads
                   if t.state == "waiting" and t.wait is not None and t.wait.deadline is not None]
        deadlines = [t.wait.deadline for t in waiting]
        deadlines += [timer.due for timer in self.timers if timer.due is not None and timer.wakes_a_thread()]
        if not deadlines:
            return False
        deadline = min(deadlines)
        self.kernel.clock.advance_to(deadline)
        self.fire_due_timers()
        for t in waiting:
            if t.wait is not None and t.wait.deadline is not None and t.wait.deadline <= self.kernel.clock.now:
                self.end_wait(t, STATUS_TIMEOUT)
        for p in self.kernel.processes:
            if p.alive:
                self.kernel.space.update_kuser_time(p)
        return True

    def fire_due_timers(self) -> None:
        """Signal the waitable timers whose due time has come (kernel/ke/sync_objects.py)."""
        if self.timers:
            from kernel.ke.sync_objects import fire_due_timers
            fire_due_timers(self.kernel)

    def rundown_thread(self, thread) -> None:
        """A thread ends (KeRundownThread): the mutants it owns are abandoned, its APCs dropped."""
        for mutant in list(thread.owned_mutants):
            mutant.abandon(self.kernel)
        thread.user_apcs.clear()
        thread.user_apc_pending = False
        thread.apc_returns.clear()

    def has_timed_waits(self) -> bool:
        return any(t.state == "waiting" and t.wait is not None and t.wait.deadline is not None
                   for p in self.kernel.processes if p.alive for t in p.threads)

    def wake_expired(self) -> None:
        """End the waits whose deadline the clock has reached (time passed while others ran);
        KUSER_SHARED_DATA's clocks move with it (programs read the time there without a call)."""
        self.kernel.clock.system_time()
        for p in self.kernel.processes:
            if not p.alive:
                continue
            self.kernel.space.update_kuser_time(p)
            for t in p.threads:
                if t.state == "waiting" and t.wait is not None and t.wait.deadline is not None \
                        and t.wait.deadline <= self.kernel.clock.now:
                    self.end_wait(t, STATUS_TIMEOUT)

    def blocked_threads(self) -> list:
        return [t for p in self.kernel.processes if p.alive for t in p.threads if t.state == "waiting"]
