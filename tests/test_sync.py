"""Synchronization objects and user APCs (sync.exe, deadlock2.exe): exact output, determinism, the
deadlock report; and the parts of the kernel objects a sample cannot reach directly."""
import struct

import pytest

from conftest import run_sample
from kernel.ke.clock import Clock

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)

SYNC_OUTPUT = [
    "cs: recursion count 2, owner is me: yes",
    "cs: TryEnterCriticalSection from another thread: 0",
    "cs: WaitForMultipleObjects(all) returned 0",
    "cs: total 400 (4 workers x 100)",
    "event: auto-reset woke 1 then 2 waiters",
    "event: PulseEvent woke 2 waiters, then the event is reset: 258",
    "event: second CreateEvent of a name: error 183, same event: yes",
    "event: SetEvent through a SYNCHRONIZE-only handle: 0, error 5",
    "event: SignalObjectAndWait returned 0",
    "semaphore: consumer got 20 items in order: yes, sum 210",
    "semaphore: ReleaseSemaphore past the maximum: 0, error 298",
    "semaphore: previous count 0, then waits 0 0 258",
    "mutex: recursive wait 0, ERROR_ALREADY_EXISTS: yes, OpenMutex ok: yes",
    "mutex: CreateEvent on the mutex's name: error 6; OpenMutex of no name: error 2",
    "mutex: releases 1 1 0 (error 288)",
    "mutex: wait for the mutex its owner abandoned returned 128, then 0",
    "timer: not signalled before it is due: 258",
    "timer: tick 0 after 50 ms",
    "timer: tick 1 after 150 ms",
    "timer: tick 2 after 250 ms",
    "timer: cancelled, wait returned 258",
    "timer: manual-reset stays signalled: 0 0, opened by name: yes",
    "timer: SleepEx returned 192, completion routine ran 1 time(s) with 7, at its due time: yes",
    "apc: SleepEx(0, FALSE) returned 0, APC ran: no",
    "apc: routine ran with 3 on the main thread",
    "apc: WaitForSingleObjectEx(alertable) returned 192",
    "apc: routine ran with 1 on the sleeping thread",
    "apc: routine ran with 2 on the sleeping thread",
    "apc: SleepEx returned 192 after 2 APC(s)",
    "apc: queued to a suspended thread, ran with 5 when it started",
    "apc: then its start routine ran (APCs before it: 1)",
    "srw: lock word 0x1 held exclusively, 0x21 held shared twice, 0x0 free",
    "srw: TryAcquireSRWLockExclusive while shared: 0, when free: 1",
    "srw: 5 values handed over, sum 15",
    "srw: SleepConditionVariableSRW timed out: 0, error 1460",
    "cv: SleepConditionVariableCS timed out: 0, error 1460, section held again: yes",
    "initonce: callback ran 1 time(s), contexts 0x1230 0x1230, results 1 1",
    "initonce: check-only 1 pending 0 context 0x1230",
    "initonce: begin 1 pending 1, complete 1, check 1 pending 0 context 0x40",
    "interlocked: 6 5 5 10 13 20 -> 20",
]


@pytest.mark.profiles("win7sp1")     # sync.exe imports SRW locks and condition variables (Vista): tests/test_xp.py
def test_sync_objects_and_apcs_print_the_right_results_deterministically():
    first = run_sample("sync.exe")
    assert (first.reason, first.exit_code) == ("exited", 0), first.message
    assert first.stdout.decode().splitlines() == SYNC_OUTPUT
    second = run_sample("sync.exe")
    assert second.stdout == first.stdout              # byte-identical: virtual time, fixed scheduling


def test_two_threads_waiting_for_each_others_mutex_end_the_run_as_a_deadlock():
    r = run_sample("deadlock2.exe")
    assert r.reason == "deadlock"
    assert r.stdout.decode().splitlines() == ["first: holds mutex 1, waits for mutex 2",
                                              "second: holds mutex 2, waits for mutex 1"]
    waits = r.message.split(": ", 1)[1].split("; ")
    assert len(waits) == 3
    main, first, second = waits
    assert "WaitForMultipleObjects(Thread" in main
    assert "WaitForSingleObject(Mutant \\Sessions\\1\\BaseNamedObjects\\deadlock2-mutex-2 (owned by thread" in first
    assert "WaitForSingleObject(Mutant \\Sessions\\1\\BaseNamedObjects\\deadlock2-mutex-1 (owned by thread" in second
    # each waits for the mutex the other one owns
    tid = lambda s: s.split()[1]
    assert first.endswith(f"owned by thread {tid(second)}))") and second.endswith(f"owned by thread {tid(first)}))")


# -- the objects themselves ----------------------------------------------------------------------------

class FakeThread:
    def __init__(self, tid, state="running"):
        self.tid = tid
        self.state = state
        self.wait = None
        self.owned_mutants = []
        self.user_apcs = []


class FakeScheduler:
    """Just what the objects call back: signal / timers / user APCs."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.signalled = []
        self.timers = []
        self.apcs = []

    def signal(self, obj):
        obj.signaled = True
        self.signalled.append(obj)

    def fire_due_timers(self):
        from kernel.ke.sync_objects import fire_due_timers
        fire_due_timers(self.kernel)

    def queue_user_apc(self, thread, routine, context, arg1, arg2, source=None):
        self.apcs.append((thread.tid, routine, context, arg1, arg2))
        return ("apc",)


class FakeKernel:
    """The components the objects reach: the scheduler and the clock."""

    def __init__(self):
        self.clock = Clock()
        self.clock.now = 1000
        self.scheduler = FakeScheduler(self)


def test_mutant_recursion_release_and_abandonment():
    from kernel.ke.wait import Wait, consume, satisfied
    from kernel.ke.sync_objects import KMutant
    from kernel.rtl.status import NtError
    kernel = FakeKernel()
    a, b = FakeThread(1), FakeThread(2)
    m = KMutant(owner=a)
    assert m.count == 0 and m.owner is a and m in a.owned_mutants and not m.signaled
    w = Wait([m], False, None)
    assert satisfied(w, a) == 0 and satisfied(w, b) is None       # the owner may take it again
    consume(w, 0, a)
    assert m.count == -1
    with pytest.raises(NtError) as e:
        m.release(kernel, b)
    assert e.value.status == 0xC0000046                              # STATUS_MUTANT_NOT_OWNED
    assert m.release(kernel, a) == -1 and m.owner is a
    m.abandon(kernel)                                                # a ends holding it
    assert m.owner is None and m.abandoned and m.signaled and not a.owned_mutants
    w = Wait([KMutant(owner=a), m], False, None)
    assert satisfied(w, b) == 0x81                                   # STATUS_ABANDONED_WAIT_0 + 1
    consume(w, 0x81, b)
    assert m.owner is b and not m.abandoned and m.count == 0


def test_semaphore_limit_and_event_kinds():
    from kernel.ke.sync_objects import KEvent, KSemaphore, NotificationEvent, SynchronizationEvent
    from kernel.rtl.status import NtError
    kernel = FakeKernel()
    s = KSemaphore(0, 2)
    assert not s.signaled
    assert s.release(kernel, 2) == 0 and s.count == 2
    with pytest.raises(NtError) as e:
        s.release(kernel, 1)
    assert e.value.status == 0xC0000047                              # STATUS_SEMAPHORE_LIMIT_EXCEEDED
    s.on_wait_satisfied(None)
    assert s.count == 1 and s.signaled
    auto = KEvent(SynchronizationEvent, True)
    auto.on_wait_satisfied(None)
    assert not auto.signaled
    manual = KEvent(NotificationEvent, True)
    manual.on_wait_satisfied(None)
    assert manual.signaled
    assert manual.pulse(kernel) == 1 and not manual.signaled


def test_timer_fires_in_order_rearms_periodically_and_queues_one_apc_at_a_time():
    from kernel.ke.sync_objects import KTimer, NotificationTimer, SynchronizationTimer
    kernel = FakeKernel()
    setter = FakeThread(7)
    periodic = KTimer(kernel, SynchronizationTimer)
    once = KTimer(kernel, NotificationTimer)
    periodic.set(kernel, 1000 + 50_000, 10, (setter, 0x401000, 0x1234))
    once.set(kernel, 1000 + 50_000, 0, None)
    assert kernel.scheduler.timers == [periodic, once] and not kernel.scheduler.signalled
    kernel.clock.advance(50_000)
    kernel.scheduler.fire_due_timers()
    assert kernel.scheduler.signalled == [periodic, once]                      # same due time: in the order set
    assert once.due is None and once not in kernel.scheduler.timers
    assert periodic.due == kernel.clock.now + 100_000                    # 10 ms later
    assert kernel.scheduler.apcs == [(7, 0x401000, 0x1234, kernel.clock.now & 0xFFFFFFFF, kernel.clock.now >> 32)]
    kernel.clock.advance(100_000)
    kernel.scheduler.fire_due_timers()
    assert len(kernel.scheduler.apcs) == 1                                     # the first one has not run yet
    periodic.on_apc_delivered()
    kernel.clock.advance(100_000)
    kernel.scheduler.fire_due_timers()
    assert len(kernel.scheduler.apcs) == 2
    setter.state = "terminated"                                      # its thread ended: cancelled
    kernel.clock.advance(100_000)
    kernel.scheduler.fire_due_timers()
    assert periodic.due is None and not kernel.scheduler.timers


@pytest.mark.parametrize("name,expected", [
    ("\\Sessions\\1\\BaseNamedObjects\\x", "\\Sessions\\1\\BaseNamedObjects\\x"),
    ("\\Sessions\\1\\BaseNamedObjects\\Global\\x", "\\BaseNamedObjects\\x"),
    ("\\BaseNamedObjects\\Local\\x", "\\Sessions\\1\\BaseNamedObjects\\x"),
    ("\\BaseNamedObjects\\x", "\\BaseNamedObjects\\x"),
])
def test_object_names_follow_the_global_and_local_links(name, expected):
    from kernel.ob.namespace import normalize_name
    assert normalize_name(name) == expected


@pytest.mark.parametrize("name,status", [
    ("x", "STATUS_OBJECT_PATH_SYNTAX_BAD"),
    ("\\Sessions\\1\\BaseNamedObjects\\a\\b", "STATUS_OBJECT_PATH_NOT_FOUND"),
    ("\\Somewhere\\x", "STATUS_OBJECT_PATH_NOT_FOUND"),
])
def test_bad_object_names_fail_as_the_object_manager_fails_them(name, status):
    from kernel.ob.namespace import normalize_name
    from kernel.rtl.status import STATUS, NtError
    with pytest.raises(NtError) as e:
        normalize_name(name)
    assert e.value.status == STATUS[status]


def test_named_objects_are_shared_case_insensitively_and_go_with_their_last_handle():
    from kernel.ob.object import HandleTable
    from kernel.ke.sync_objects import KEvent, KMutant
    from kernel.ob.namespace import create_object, open_object
    from kernel.rtl.status import NtError

    class K:
        named_objects = {}
    k = K()
    path = "\\Sessions\\1\\BaseNamedObjects\\Name"
    ev, existed = create_object(k, path, KEvent, lambda n: KEvent(0, False, n))
    assert not existed
    again, existed = create_object(k, path.upper(), KEvent, lambda n: KEvent(0, False, n))
    assert existed and again is ev
    with pytest.raises(NtError) as e:
        create_object(k, path, KMutant, lambda n: KMutant(None, n))
    assert e.value.status_name == "STATUS_OBJECT_TYPE_MISMATCH"
    handles = HandleTable()
    h = handles.insert(ev)
    assert open_object(k, path.lower(), KEvent) is ev
    handles.close(h)
    with pytest.raises(NtError) as e:
        open_object(k, path, KEvent)
    assert e.value.status_name == "STATUS_OBJECT_NAME_NOT_FOUND"
