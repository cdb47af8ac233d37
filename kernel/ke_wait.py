"""Waiting on dispatcher objects (KeWaitForSingleObject / KeWaitForMultipleObjects) in virtual time.

A thread that waits leaves the ready queue and is listed on each object it waits for; signalling an
object re-checks its waiters.  A wait with a timeout has a deadline in virtual time: when no thread
is ready, the clock jumps to the earliest deadline and that wait ends with STATUS_TIMEOUT.  The
status a woken thread's wait returns is written to its EAX when it next runs.
"""
from __future__ import annotations

from dataclasses import dataclass

from .status import STATUS

STATUS_WAIT_0 = 0
STATUS_TIMEOUT = STATUS["STATUS_TIMEOUT"]


@dataclass
class Wait:
    objects: list
    wait_all: bool
    deadline: int | None            # virtual time (100 ns) or None for INFINITE
    what: str = ""


def satisfied(wait: Wait) -> int | None:
    """The wait's status if it can end now, else None."""
    if wait.wait_all:
        return STATUS_WAIT_0 if wait.objects and all(o.signaled for o in wait.objects) else None
    for i, o in enumerate(wait.objects):
        if o.signaled:
            return STATUS_WAIT_0 + i
    return None


def consume(wait: Wait, status: int) -> None:
    """Side effects of a satisfied wait on objects that reset when a wait takes them."""
    chosen = wait.objects if wait.wait_all else [wait.objects[status - STATUS_WAIT_0]]
    for o in chosen:
        acquire = getattr(o, "on_wait_satisfied", None)
        if acquire is not None:
            acquire()


class WaitMixin:
    """The Kernel's wait operations (mixed into kernel.system.Kernel)."""

    def wait_for(self, thread, objects: list, *, wait_all: bool = False, timeout_100ns: int | None = None,
                 what: str = "") -> int | None:
        """Begin a wait: returns the status when it ends at once, else None (the thread blocks)."""
        wait = Wait(list(objects), wait_all, None, what)
        status = satisfied(wait) if objects else None
        if status is not None:
            consume(wait, status)
            return status
        if timeout_100ns == 0:
            return STATUS_TIMEOUT
        if timeout_100ns is not None:
            wait.deadline = self.system_time() + timeout_100ns
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
        thread.wake_status = status
        self.ready(thread)

    def signal(self, obj) -> None:
        """The object became signalled: end every wait it now satisfies."""
        obj.signaled = True
        for thread in list(obj.waiters):
            if thread.wait is None:
                continue
            status = satisfied(thread.wait)
            if status is not None:
                consume(thread.wait, status)
                self.end_wait(thread, status)

    def expire_timeouts(self) -> bool:
        """No thread is ready: jump the clock to the earliest deadline and end those waits."""
        waiting = [t for p in self.processes if p.alive for t in p.threads
                   if t.state == "waiting" and t.wait is not None and t.wait.deadline is not None]
        if not waiting:
            return False
        deadline = min(t.wait.deadline for t in waiting)
        if deadline > self.clock_100ns:
            self.clock_100ns = deadline
        for t in waiting:
            if t.wait.deadline <= self.clock_100ns:
                self.end_wait(t, STATUS_TIMEOUT)
        for p in self.processes:
            if p.alive:
                self.update_kuser_time(p)
        return True

    def blocked_threads(self) -> list:
        return [t for p in self.processes if p.alive for t in p.threads if t.state == "waiting"]
