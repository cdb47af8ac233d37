"""ntdll's slim locks: SRW locks, condition variables, run-once initialization (Rtl*; kernel32's
InitializeSRWLock, AcquireSRWLock*, WakeConditionVariable ... forward here, as on Windows 7).

Each is one pointer-sized word in guest memory.  Windows keeps flags in its low bits and, while
threads wait, a pointer to their wait blocks in the rest; here the word is kept meaningful but
simpler, and the queue of waiting threads is kernel-side, on a wait object kept for the address
(kernel/ke/sync_objects.py AddressWait):

* SRW lock: 0 free; bit 0 (owned) set while held, bit 1 while threads wait, and the number of
  shared owners from bit 4 (0x11 one reader, 0x21 two, 0x1 a writer, 0x3 a writer and waiters).
  A released lock goes to the waiters first come first served: one writer, or every reader up to
  the next writer.  A new reader does not overtake a waiting writer.
* condition variable: 0 with nobody waiting, else the number of waiting threads from bit 4.
  Waking takes the first waiter (or all); a woken thread then re-acquires its lock.
* run-once: 0 not started, 1 in progress, (context | 2) done, 3 in progress asynchronously.

Blocking operations that must also re-acquire a lock (SleepConditionVariable*) and run-once's
wait-then-recheck loop are generators calling small internal stubs (`.RtlpSleepConditionVariable`,
`.RtlpWaitOnRunOnce`) and the lock's own exports as guest calls, so that every block is a whole
call the thread returns from when woken.
"""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import BOOLEAN, NTSTATUS, PLARGE_INTEGER, PVOID, ULONG, VOID
from kernel.ke.dispatch import GuestCall
from kernel.ke.sync_objects import address_wait, drop_address_wait
from kernel.rtl.status import STATUS, NtError

STATUS_TIMEOUT = STATUS["STATUS_TIMEOUT"]
STATUS_PENDING = STATUS["STATUS_PENDING"]
STATUS_UNSUCCESSFUL = STATUS["STATUS_UNSUCCESSFUL"]
STATUS_INVALID_PARAMETER = STATUS["STATUS_INVALID_PARAMETER"]

SRW = "SRW lock"
CONDITION_VARIABLE = "condition variable"
RUN_ONCE = "run-once"
CONDITION_VARIABLE_LOCKMODE_SHARED = 0x1
RTL_RUN_ONCE_CHECK_ONLY, RTL_RUN_ONCE_ASYNC, RTL_RUN_ONCE_INIT_FAILED = 1, 2, 4

# how .RtlpSleepConditionVariable is told which lock to release and what its timeout is
SLEEP_CS, SLEEP_SRW_EXCLUSIVE, SLEEP_SRW_SHARED = 0, 1, 2
SLEEP_TIMEOUT_MS = 0x10            # the timeout argument is milliseconds (INFINITE 0xFFFFFFFF), not a PLARGE_INTEGER
INFINITE = 0xFFFFFFFF


def dll_address(ctx, dll: str, name: str) -> int:
    """The address of a synthesized DLL's export or internal stub in the calling process."""
    for base, section in ctx.process.mapped_images.items():
        synth = section.synthesized
        if synth is not None and synth.spec.name.lower() == dll:
            rva = synth.exports.get(name)
            return base + (rva if rva is not None else synth.labels[name])
    raise NtError("STATUS_DLL_NOT_FOUND", f"{dll} is not mapped in {ctx.process.image_name}")


def ntdll_address(ctx, name: str) -> int:
    return dll_address(ctx, "ntdll.dll", name)


# -- SRW locks ----------------------------------------------------------------------------------------

def _srw_store(process, obj) -> None:
    """Write the lock word from the kernel-side state."""
    if obj.mode is None:
        value = 0
    else:
        value = 0x1 | (obj.shared << 4 if obj.mode == "shared" else 0)
    if obj.waiters:
        value |= 0x2
    process.machine.write_u32(obj.address, value)
    drop_address_wait(process, obj)


def _srw_can_take(obj, mode: str) -> bool:
    if obj.waiters:
        return False                                  # first come, first served
    return obj.mode is None or (mode == "shared" and obj.mode == "shared")


def _srw_take(obj, thread, mode: str) -> None:
    obj.mode = mode
    if mode == "shared":
        obj.shared += 1
    else:
        obj.owner = thread


def _srw_grant(kernel, obj) -> None:
    """The lock became free (or shared): hand it to the waiters at the head of the queue."""
    while obj.waiters:
        thread = obj.waiters[0]
        mode = obj.modes.get(thread, "exclusive")
        if obj.mode == "exclusive" or (obj.mode == "shared" and mode == "exclusive"):
            break
        obj.modes.pop(thread, None)
        _srw_take(obj, thread, mode)
        kernel.scheduler.end_wait(thread, 0)
        if mode == "exclusive":
            break


def srw_acquire(ctx, lock: int, mode: str) -> None:
    obj = address_wait(ctx.process, SRW, lock)
    if _srw_can_take(obj, mode):
        _srw_take(obj, ctx.thread, mode)
        _srw_store(ctx.process, obj)
        return
    held = (f"held exclusively by thread {obj.owner.tid}" if obj.mode == "exclusive" and obj.owner is not None
            else f"held shared by {obj.shared}" if obj.mode == "shared" else f"{len(obj.waiters)} waiting")
    obj.modes[ctx.thread] = mode
    name = "RtlAcquireSRWLockExclusive" if mode == "exclusive" else "RtlAcquireSRWLockShared"
    ctx.kernel.scheduler.wait_for(ctx.thread, [obj], what=f"{name}({lock:#010x}, {held})")
    _srw_store(ctx.process, obj)


def srw_try_acquire(ctx, lock: int, mode: str) -> bool:
    obj = address_wait(ctx.process, SRW, lock)
    if _srw_can_take(obj, mode):
        _srw_take(obj, ctx.thread, mode)
        _srw_store(ctx.process, obj)
        return True
    drop_address_wait(ctx.process, obj)
    return False


def srw_release(ctx, lock: int, mode: str) -> None:
    """Windows raises STATUS_RESOURCE_NOT_OWNED for a lock not held that way; here it is ignored."""
    obj = address_wait(ctx.process, SRW, lock, create=False)
    if obj is None or obj.mode != mode:
        return
    if mode == "shared":
        obj.shared -= 1
        if obj.shared > 0:
            _srw_store(ctx.process, obj)
            return
    obj.mode = None
    obj.owner = None
    obj.shared = 0
    _srw_grant(ctx.kernel, obj)
    _srw_store(ctx.process, obj)


@export
def RtlInitializeSRWLock(ctx, SRWLock: PVOID) -> VOID:
    ctx.write_u32(SRWLock, 0)
    obj = address_wait(ctx.process, SRW, SRWLock, create=False)
    if obj is not None and not obj.waiters:
        obj.mode, obj.owner, obj.shared = None, None, 0
        drop_address_wait(ctx.process, obj)


@export
def RtlAcquireSRWLockExclusive(ctx, SRWLock: PVOID) -> VOID:
    srw_acquire(ctx, SRWLock, "exclusive")


@export
def RtlAcquireSRWLockShared(ctx, SRWLock: PVOID) -> VOID:
    srw_acquire(ctx, SRWLock, "shared")


@export
def RtlReleaseSRWLockExclusive(ctx, SRWLock: PVOID) -> VOID:
    srw_release(ctx, SRWLock, "exclusive")


@export
def RtlReleaseSRWLockShared(ctx, SRWLock: PVOID) -> VOID:
    srw_release(ctx, SRWLock, "shared")


@export
def RtlTryAcquireSRWLockExclusive(ctx, SRWLock: PVOID) -> BOOLEAN:
    return 1 if srw_try_acquire(ctx, SRWLock, "exclusive") else 0


@export
def RtlTryAcquireSRWLockShared(ctx, SRWLock: PVOID) -> BOOLEAN:
    return 1 if srw_try_acquire(ctx, SRWLock, "shared") else 0


# -- condition variables --------------------------------------------------------------------------------

def _cv_store(process, obj) -> None:
    process.machine.write_u32(obj.address, len(obj.waiters) << 4)
    drop_address_wait(process, obj)


@export
def RtlInitializeConditionVariable(ctx, ConditionVariable: PVOID) -> VOID:
    ctx.write_u32(ConditionVariable, 0)


@export(name=".RtlpSleepConditionVariable")
def RtlpSleepConditionVariable(ctx, ConditionVariable: PVOID, Lock: PVOID, How: ULONG, Timeout: ULONG) -> NTSTATUS:
    """Release the lock and wait on the condition variable, as one step (no wake-up is lost)."""
    from ...nt.wait import timeout_of
    from .rtl import RtlLeaveCriticalSection
    if How & SLEEP_TIMEOUT_MS:
        timeout = None if Timeout == INFINITE else Timeout * 10_000
    else:
        timeout = timeout_of(ctx, Timeout)
    kind = How & 0xF
    if kind == SLEEP_CS:
        RtlLeaveCriticalSection(ctx, Lock)
    else:
        srw_release(ctx, Lock, "shared" if kind == SLEEP_SRW_SHARED else "exclusive")
    process = ctx.process
    obj = address_wait(process, CONDITION_VARIABLE, ConditionVariable)

    def ended(status: int) -> int:
        _cv_store(process, obj)
        return status
    lock_name = "critical section" if kind == SLEEP_CS else "SRW lock"
    status = ctx.kernel.scheduler.wait_for(ctx.thread, [obj], timeout_100ns=timeout, on_end=ended,
                                           what=f"SleepConditionVariable({ConditionVariable:#010x}, {lock_name} {Lock:#010x})")
    if status is None:
        _cv_store(process, obj)
        return 0
    return status


def wake_condition_variable(ctx, cv: int, all_waiters: bool) -> None:
    obj = address_wait(ctx.process, CONDITION_VARIABLE, cv, create=False)
    if obj is None:
        return
    for thread in list(obj.waiters) if all_waiters else obj.waiters[:1]:
        ctx.kernel.scheduler.end_wait(thread, 0)
    _cv_store(ctx.process, obj)


@export
def RtlWakeConditionVariable(ctx, ConditionVariable: PVOID) -> VOID:
    wake_condition_variable(ctx, ConditionVariable, False)


@export
def RtlWakeAllConditionVariable(ctx, ConditionVariable: PVOID) -> VOID:
    wake_condition_variable(ctx, ConditionVariable, True)


def sleep_condition_variable(ctx, cv: int, lock: int, how: int, timeout: int):
    """Generator: wait on `cv` releasing `lock`, then take the lock again; returns the wait's status
    (STATUS_SUCCESS, or STATUS_TIMEOUT)."""
    status = yield GuestCall(ntdll_address(ctx, ".RtlpSleepConditionVariable"), (cv, lock, how, timeout))
    kind = how & 0xF
    if kind == SLEEP_CS:
        again = "RtlEnterCriticalSection"
    else:
        again = "RtlAcquireSRWLockShared" if kind == SLEEP_SRW_SHARED else "RtlAcquireSRWLockExclusive"
    yield GuestCall(ntdll_address(ctx, again), (lock,))
    return status


@export
def RtlSleepConditionVariableCS(ctx, ConditionVariable: PVOID, CriticalSection: PVOID,
                                Timeout: PLARGE_INTEGER) -> NTSTATUS:
    return (yield from sleep_condition_variable(ctx, ConditionVariable, CriticalSection, SLEEP_CS, Timeout))


@export
def RtlSleepConditionVariableSRW(ctx, ConditionVariable: PVOID, SRWLock: PVOID, Timeout: PLARGE_INTEGER,
                                 Flags: ULONG) -> NTSTATUS:
    if Flags & ~CONDITION_VARIABLE_LOCKMODE_SHARED:
        return STATUS_INVALID_PARAMETER
    how = SLEEP_SRW_SHARED if Flags & CONDITION_VARIABLE_LOCKMODE_SHARED else SLEEP_SRW_EXCLUSIVE
    return (yield from sleep_condition_variable(ctx, ConditionVariable, SRWLock, how, Timeout))


# -- run-once ---------------------------------------------------------------------------------------------

@export
def RtlRunOnceInitialize(ctx, RunOnce: PVOID) -> VOID:
    ctx.write_u32(RunOnce, 0)


@export(name=".RtlpWaitOnRunOnce")
def RtlpWaitOnRunOnce(ctx, RunOnce: PVOID) -> NTSTATUS:
    """Block while another thread runs the initialization (the caller checks again when woken)."""
    if ctx.read_u32(RunOnce) & 3 == 1:
        obj = address_wait(ctx.process, RUN_ONCE, RunOnce)
        ctx.kernel.scheduler.wait_for(ctx.thread, [obj], what=f"InitOnce({RunOnce:#010x}) being initialized by another thread")
    return 0


def run_once_begin(ctx, once: int, flags: int, context: int):
    """Generator: RtlRunOnceBeginInitialize.  STATUS_PENDING: the caller initializes; STATUS_SUCCESS:
    done (the context stored); blocks while another thread initializes synchronously."""
    if flags & ~(RTL_RUN_ONCE_CHECK_ONLY | RTL_RUN_ONCE_ASYNC) or \
            flags & RTL_RUN_ONCE_CHECK_ONLY and flags & RTL_RUN_ONCE_ASYNC:
        return STATUS_INVALID_PARAMETER
    while True:
        value = ctx.read_u32(once)
        state = value & 3
        if state == 2:
            if context:
                ctx.write_u32(context, value & ~3)
            return 0
        if flags & RTL_RUN_ONCE_CHECK_ONLY:
            return STATUS_UNSUCCESSFUL
        if flags & RTL_RUN_ONCE_ASYNC:
            if state == 1:
                return STATUS_INVALID_PARAMETER
            ctx.write_u32(once, 3)
            return STATUS_PENDING
        if state == 0:
            ctx.write_u32(once, 1)
            return STATUS_PENDING
        if state == 3:
            return STATUS_INVALID_PARAMETER
        yield GuestCall(ntdll_address(ctx, ".RtlpWaitOnRunOnce"), (once,))


def run_once_complete(ctx, once: int, flags: int, context: int) -> int:
    if context & 3:
        return STATUS_INVALID_PARAMETER
    if flags & RTL_RUN_ONCE_INIT_FAILED:
        if context or flags & RTL_RUN_ONCE_ASYNC:
            return STATUS_INVALID_PARAMETER
        value = 0
    else:
        value = context | 2
    state = ctx.read_u32(once) & 3
    if state == 1:
        ctx.write_u32(once, value)
        obj = address_wait(ctx.process, RUN_ONCE, once, create=False)
        if obj is not None:
            for thread in list(obj.waiters):       # they look again: done, or (failed) one starts over
                ctx.kernel.scheduler.end_wait(thread, 0)
            drop_address_wait(ctx.process, obj)
        return 0
    if state == 3:
        if not flags & RTL_RUN_ONCE_ASYNC:
            return STATUS_INVALID_PARAMETER
        ctx.write_u32(once, value)
        return 0
    return STATUS_UNSUCCESSFUL


def run_once_execute(ctx, once: int, init_fn: int, parameter: int, context: int):
    """Generator: RtlRunOnceExecuteOnce, calling the guest's init function at most once."""
    status = yield from run_once_begin(ctx, once, 0, context)
    if status != STATUS_PENDING:
        return status
    ok = yield GuestCall(init_fn, (once, parameter, context), "InitOnce callback")
    if not ok:
        run_once_complete(ctx, once, RTL_RUN_ONCE_INIT_FAILED, 0)
        return STATUS_UNSUCCESSFUL
    return run_once_complete(ctx, once, 0, ctx.read_u32(context) if context else 0)


@export
def RtlRunOnceBeginInitialize(ctx, RunOnce: PVOID, Flags: ULONG, Context: PVOID) -> NTSTATUS:
    return (yield from run_once_begin(ctx, RunOnce, Flags, Context))


@export
def RtlRunOnceComplete(ctx, RunOnce: PVOID, Flags: ULONG, Context: PVOID) -> NTSTATUS:
    return run_once_complete(ctx, RunOnce, Flags, Context)


@export
def RtlRunOnceExecuteOnce(ctx, RunOnce: PVOID, InitFn: PVOID, Parameter: PVOID, Context: PVOID) -> NTSTATUS:
    return (yield from run_once_execute(ctx, RunOnce, InitFn, Parameter, Context))
