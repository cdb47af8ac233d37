"""Dispatcher objects: events, mutants, semaphores, waitable timers; the wait objects
of user-mode locks.

The objects follow the NT kernel's (KEVENT, KMUTANT, KSEMAPHORE, KTIMER):

* an event is a notification (manual-reset) or synchronization (auto-reset) event; a satisfied
  wait resets an auto-reset one, so setting it releases one waiter;
* a mutant has a signal state of 1 - its recursion count, an owner thread, and is abandoned when
  its owner ends while holding it: the next wait that takes it returns STATUS_ABANDONED_WAIT_0 +
  index and becomes the owner;
* a semaphore has a count and a limit; each satisfied wait takes one;
* a timer has a due time in virtual time, an optional period (ms) and an optional APC that is
  queued to the thread that set it each time it fires.  Timers fire when the clock passes their
  due time: at every wait and when the run loop jumps the clock (kernel/ke/wait.py).

Named objects live in the object namespace (kernel/ob/namespace.py).

User-mode locks (critical sections, SRW locks, condition variables, run-once structures) keep their
state in guest memory as Windows does; a thread that must block on one waits on an `AddressWait`
keyed by the lock's address in its process, and the lock's release code wakes it.
"""
from __future__ import annotations

from kernel.ob.object import KernelObject
from kernel.rtl.status import NtError

NotificationEvent, SynchronizationEvent = 0, 1
NotificationTimer, SynchronizationTimer = 0, 1
MUTANT_INCREMENT = 1

# access rights
SYNCHRONIZE = 0x00100000
STANDARD_RIGHTS_REQUIRED = 0x000F0000
STANDARD_RIGHTS_READ = 0x00020000
QUERY_STATE = 0x0001
MODIFY_STATE = 0x0002
EVENT_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3
MUTANT_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1
SEMAPHORE_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3
TIMER_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3
GENERIC_READ, GENERIC_WRITE, GENERIC_EXECUTE, GENERIC_ALL = 0x80000000, 0x40000000, 0x20000000, 0x10000000
MAXIMUM_ALLOWED = 0x02000000


class DispatcherObject(KernelObject):
    """A named-or-not dispatcher object (what the object manager and the waits see)."""
    all_access = 0x1F0003

    def __init__(self, name: str = ""):
        super().__init__(name)
        self.directory = None            # the namespace dict holding it, while named

    def map_access(self, access: int) -> int:
        """Generic rights -> the type's specific ones (its GENERIC_MAPPING); MAXIMUM_ALLOWED -> all."""
        mapped = access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED)
        if access & (GENERIC_ALL | MAXIMUM_ALLOWED):
            mapped |= self.all_access
        if access & GENERIC_READ:
            mapped |= STANDARD_RIGHTS_READ | QUERY_STATE
        if access & GENERIC_WRITE:
            mapped |= STANDARD_RIGHTS_READ | (MODIFY_STATE & self.all_access)
        if access & GENERIC_EXECUTE:
            mapped |= STANDARD_RIGHTS_READ | SYNCHRONIZE
        return mapped

    def on_last_handle_closed(self) -> None:
        if self.directory is not None:
            self.directory.pop(self.name.lower(), None)
            self.directory = None


class KEvent(DispatcherObject):
    type_name = "Event"
    all_access = EVENT_ALL_ACCESS

    def __init__(self, event_type: int, state: bool, name: str = ""):
        super().__init__(name)
        self.notification = event_type == NotificationEvent
        self.signaled = bool(state)

    def on_wait_satisfied(self, thread) -> None:
        if not self.notification:
            self.signaled = False

    def set(self, kernel) -> int:
        previous = int(self.signaled)
        if not self.signaled:
            kernel.scheduler.signal(self)
        return previous

    def reset(self) -> int:
        previous = int(self.signaled)
        self.signaled = False
        return previous

    def pulse(self, kernel) -> int:
        """Release what waits now (every waiter of a notification event, one of a synchronization
        event), then reset."""
        previous = int(self.signaled)
        kernel.scheduler.signal(self)
        self.signaled = False
        return previous


class KMutant(DispatcherObject):
    type_name = "Mutant"
    all_access = MUTANT_ALL_ACCESS

    def __init__(self, owner=None, name: str = ""):
        super().__init__(name)
        self.count = 1                   # the signal state: 1 free, 1 - recursion count when owned
        self.owner = None
        self.abandoned = False
        self.signaled = True
        if owner is not None:
            self._take(owner)

    def describe(self) -> str:
        who = f"owned by thread {self.owner.tid}" if self.owner is not None else "not owned"
        return f"{super().describe()} ({who})"

    def _take(self, thread) -> None:
        self.count -= 1
        if self.count == 0:
            self.owner = thread
            self.abandoned = False
            thread.owned_mutants.append(self)
        self.signaled = self.count > 0

    def signaled_for(self, thread) -> bool:
        return self.count > 0 or (thread is not None and self.owner is thread)

    def on_wait_satisfied(self, thread) -> None:
        self._take(thread)

    def release(self, kernel, thread) -> int:
        """KeReleaseMutant by the owner: returns the previous signal state."""
        if self.owner is not thread:
            raise NtError("STATUS_MUTANT_NOT_OWNED", f"{self.describe()} is not owned by thread {thread.tid}")
        previous = self.count
        self.count += MUTANT_INCREMENT
        if self.count == 1:
            self._disown()
            kernel.scheduler.signal(self)
        return previous

    def abandon(self, kernel) -> None:
        """Its owner ended while holding it."""
        self.count = 1
        self.abandoned = True
        self._disown()
        kernel.scheduler.signal(self)

    def _disown(self) -> None:
        if self.owner is not None and self in self.owner.owned_mutants:
            self.owner.owned_mutants.remove(self)
        self.owner = None


class KSemaphore(DispatcherObject):
    type_name = "Semaphore"
    all_access = SEMAPHORE_ALL_ACCESS

    def __init__(self, count: int, limit: int, name: str = ""):
        super().__init__(name)
        self.count = count
        self.limit = limit
        self.signaled = count > 0

    def describe(self) -> str:
        return f"{super().describe()} (count {self.count} of {self.limit})"

    def on_wait_satisfied(self, thread) -> None:
        self.count -= 1
        self.signaled = self.count > 0

    def release(self, kernel, count: int) -> int:
        if count <= 0:
            raise NtError("STATUS_INVALID_PARAMETER", "ReleaseSemaphore: the release count must be positive")
        if self.count + count > self.limit:
            raise NtError("STATUS_SEMAPHORE_LIMIT_EXCEEDED",
                          f"{self.describe()}: releasing {count} would exceed the limit")
        previous = self.count
        self.count += count
        kernel.scheduler.signal(self)
        return previous


class KTimer(DispatcherObject):
    type_name = "Timer"
    all_access = TIMER_ALL_ACCESS
    _sequence = 0

    def __init__(self, kernel, timer_type: int, name: str = ""):
        super().__init__(name)
        self.kernel = kernel
        self.notification = timer_type == NotificationTimer
        self.due: int | None = None      # absolute virtual time (100 ns) while set
        self.period = 0                  # milliseconds
        self.apc = None                  # (thread, routine, context) while set with an APC
        self.apc_queued = None           # the APC it queued that has not run yet (one at a time)
        self.seq = 0                     # set order: timers due at the same time fire in it

    def describe(self) -> str:
        return f"{super().describe()} ({'set' if self.due is not None else 'not set'})"

    def on_wait_satisfied(self, thread) -> None:
        if not self.notification:
            self.signaled = False

    def wakes_a_thread(self) -> bool:
        """Whether firing would end a wait (so the run loop may jump the clock to it: every such jump
        wakes somebody, so a periodic timer cannot keep the clock running while nothing can run)."""
        from kernel.ke.wait import _signaled
        for thread in self.waiters:
            wait = thread.wait
            if wait is not None and (not wait.wait_all or
                                     all(o is self or _signaled(o, thread) for o in wait.objects)):
                return True
        if self.apc is not None and self.apc_queued is None:
            thread = self.apc[0]
            return thread.state == "waiting" and thread.wait is not None and thread.wait.alertable
        return False

    def set(self, kernel, due: int, period: int, apc) -> int:
        """KeSetTimerEx: cancel, reset the signal state, arm.  Returns the previous state."""
        previous = int(self.signaled)
        self.cancel(kernel)
        self.signaled = False
        self.period = period
        self.apc = apc
        KTimer._sequence += 1
        self.seq = KTimer._sequence
        self.due = due
        kernel.scheduler.timers.append(self)
        kernel.scheduler.fire_due_timers()           # a due time already passed fires at once
        return previous

    def cancel(self, kernel) -> int:
        """KeCancelTimer (and the executive's removal of its queued APC)."""
        if self in kernel.scheduler.timers:
            kernel.scheduler.timers.remove(self)
        self.due = None
        if self.apc_queued is not None:
            thread = self.apc[0] if self.apc else None
            if thread is not None and self.apc_queued in thread.user_apcs:
                thread.user_apcs.remove(self.apc_queued)
            self.apc_queued = None
        self.apc = None
        return int(self.signaled)

    def fire(self, kernel) -> None:
        now = kernel.clock.system_time()
        if self.apc is not None and self.apc[0].state == "terminated":
            self.cancel(kernel)            # the thread that set it is gone: the timer is cancelled
            return
        if self.period:
            self.due = now + self.period * 10_000
        else:
            self.due = None
            kernel.scheduler.timers.remove(self)
        kernel.scheduler.signal(self)
        if self.apc is not None and self.apc_queued is None:
            thread, routine, context = self.apc
            self.apc_queued = kernel.scheduler.queue_user_apc(thread, routine, context, now & 0xFFFFFFFF, now >> 32,
                                                              source=self)

    def on_apc_delivered(self) -> None:
        self.apc_queued = None

    def on_last_handle_closed(self) -> None:
        """The last handle went: the timer is deleted (cancelled) unless a wait still holds it."""
        super().on_last_handle_closed()
        if not self.waiters:
            self.cancel(self.kernel)


def fire_due_timers(kernel) -> None:
    """Fire every timer whose due time has come, earliest first (ties in the order they were set)."""
    now = kernel.clock.system_time()
    while True:
        due = [t for t in kernel.scheduler.timers if t.due is not None and t.due <= now]
        if not due:
            return
        min(due, key=lambda t: (t.due, t.seq)).fire(kernel)


# -- wait objects of user-mode locks ----------------------------------------------------------------

class AddressWait(KernelObject):
    """What threads wait on while a user-mode lock at `address` is taken: never signalled, the
    lock's own code ends the waits it grants.  SRW locks keep their holders here too."""

    def __init__(self, kind: str, address: int):
        super().__init__("")
        self.type_name = kind
        self.address = address
        self.modes: dict = {}            # SRW lock: waiting thread -> "exclusive" / "shared"
        self.mode = None                 # SRW lock: None, "exclusive" or "shared"
        self.owner = None                # SRW lock held exclusively: by whom
        self.shared = 0                  # SRW lock held shared: by how many

    def describe(self) -> str:
        return f"{self.type_name} {self.address:#010x}"


def address_wait(process, kind: str, address: int, create: bool = True) -> AddressWait | None:
    key = (kind, address)
    obj = process.address_waits.get(key)
    if obj is None and create:
        obj = process.address_waits[key] = AddressWait(kind, address)
    return obj


def drop_address_wait(process, obj: AddressWait) -> None:
    """Forget a lock's wait object once nothing waits and nothing holds it."""
    if not obj.waiters and obj.mode is None:
        process.address_waits.pop((obj.type_name, obj.address), None)
