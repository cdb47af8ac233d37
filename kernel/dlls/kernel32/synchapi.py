"""synchapi.h: critical-section set-up (Enter/Leave/TryEnter/Delete are forwarded to ntdll), events,
mutexes, semaphores, waitable timers, waits (alertable ones too), Sleep/SleepEx, SignalObjectAndWait,
condition-variable sleeps and one-time initialization (the SRW lock, condition-variable wake and
InitOnceInitialize exports are forwarded to ntdll, as on Windows 7).  Also QueueUserAPC and its
dispatch routine BaseDispatchAPC (processthreadsapi.h; kept with the waits that run the APCs).

Object names: a Win32 name `x` (or `Local\\x`) is \\Sessions\\1\\BaseNamedObjects\\x, `Global\\x`
is \\BaseNamedObjects\\x.  Create* of an existing name of the same type opens it and sets
ERROR_ALREADY_EXISTS (else the last error is 0); of another type fails with ERROR_INVALID_HANDLE.
"""
import struct

from ...hle.registry import export
from ...hle.types import (BOOL, DWORD, HANDLE, LONG, LPCRITICAL_SECTION, LPCSTR, LPCWSTR, LPVOID, PLARGE_INTEGER,
                          PLONG, PVOID, ULONG_PTR, VOID)
from kernel.ke.dispatch import GuestCall
from kernel.ob.handles import reference_object
from kernel.ke.sync_objects import (EVENT_ALL_ACCESS, MODIFY_STATE, MUTANT_ALL_ACCESS, SEMAPHORE_ALL_ACCESS, TIMER_ALL_ACCESS,
                        KEvent, KMutant, KSemaphore, KTimer, NotificationEvent, NotificationTimer,
                        SynchronizationEvent, SynchronizationTimer)
from kernel.ob.namespace import win32_object_name
from kernel.ps.process import EThread
from kernel.rtl.status import STATUS, NtError, dos_error
from ..ntdll.rtl import initialize_critical_section
from ..ntdll.synch import (SLEEP_CS, SLEEP_SRW_EXCLUSIVE, SLEEP_SRW_SHARED, SLEEP_TIMEOUT_MS, dll_address,
                           run_once_begin, run_once_complete, run_once_execute, sleep_condition_variable)
from ...nt.sync import (create_handle, open_handle, read_due_time, read_guest, reference, set_timer, signal_object,
                        write_guest)

INFINITE = 0xFFFFFFFF
WAIT_FAILED = 0xFFFFFFFF
WAIT_IO_COMPLETION = 0xC0
ERROR_INVALID_HANDLE = 6
ERROR_INVALID_PARAMETER = 87
ERROR_ALREADY_EXISTS = 183
ERROR_TIMEOUT = 1460
STATUS_USER_APC = STATUS["STATUS_USER_APC"]
STATUS_TIMEOUT = STATUS["STATUS_TIMEOUT"]
STATUS_PENDING = STATUS["STATUS_PENDING"]
OBJ_INHERIT = 0x2
CREATE_EVENT_MANUAL_RESET, CREATE_EVENT_INITIAL_SET = 0x1, 0x2
CREATE_MUTEX_INITIAL_OWNER = 0x1
CREATE_WAITABLE_TIMER_MANUAL_RESET = 0x1
CONDITION_VARIABLE_LOCKMODE_SHARED = 0x1


# -- critical sections --------------------------------------------------------------------------------

@export
def InitializeCriticalSection(ctx, lpCriticalSection: LPCRITICAL_SECTION) -> VOID:
    initialize_critical_section(ctx, lpCriticalSection)


@export
def InitializeCriticalSectionAndSpinCount(ctx, lpCriticalSection: LPCRITICAL_SECTION, dwSpinCount: DWORD) -> BOOL:
    initialize_critical_section(ctx, lpCriticalSection, dwSpinCount)
    return 1


@export
def InitializeCriticalSectionEx(ctx, lpCriticalSection: LPCRITICAL_SECTION, dwSpinCount: DWORD, Flags: DWORD) -> BOOL:
    initialize_critical_section(ctx, lpCriticalSection, dwSpinCount)
    return 1


# -- creating and opening named objects -------------------------------------------------------------

def _inherit(ctx, security_attributes: int) -> int:
    """SECURITY_ATTRIBUTES {nLength, lpSecurityDescriptor, bInheritHandle}: the handle attribute."""
    return OBJ_INHERIT if security_attributes and ctx.read_u32(security_attributes + 8) else 0


def _create(ctx, name: str | None, cls, factory, access: int, security_attributes: int) -> int:
    """kernel32's Create*: a new handle; ERROR_ALREADY_EXISTS when the name existed, else 0."""
    path = win32_object_name(name) if name else None
    handle, existed = create_handle(ctx, path, cls, factory, access, _inherit(ctx, security_attributes))
    ctx.set_last_error(ERROR_ALREADY_EXISTS if existed else 0)
    return handle


def _open(ctx, name: str | None, cls, access: int, inherit: int) -> int:
    if name is None:
        raise NtError("STATUS_INVALID_PARAMETER", "Open* needs a name")
    return open_handle(ctx, win32_object_name(name), cls, access, OBJ_INHERIT if inherit else 0)


# -- events -------------------------------------------------------------------------------------------

def _event(ctx, attributes, manual: bool, initial: bool, name, access=EVENT_ALL_ACCESS) -> int:
    kind = NotificationEvent if manual else SynchronizationEvent
    return _create(ctx, name, KEvent, lambda path: KEvent(kind, initial, path), access, attributes)


@export
def CreateEventA(ctx, lpEventAttributes: LPVOID, bManualReset: BOOL, bInitialState: BOOL, lpName: LPCSTR) -> HANDLE:
    return _event(ctx, lpEventAttributes, bool(bManualReset), bool(bInitialState), lpName)


@export
def CreateEventW(ctx, lpEventAttributes: LPVOID, bManualReset: BOOL, bInitialState: BOOL, lpName: LPCWSTR) -> HANDLE:
    return _event(ctx, lpEventAttributes, bool(bManualReset), bool(bInitialState), lpName)


def _event_ex(ctx, attributes, name, flags, access) -> int:
    if flags & ~(CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET):
        raise NtError("STATUS_INVALID_PARAMETER", f"CreateEventEx: unknown flags {flags:#x}")
    return _event(ctx, attributes, bool(flags & CREATE_EVENT_MANUAL_RESET), bool(flags & CREATE_EVENT_INITIAL_SET),
                  name, access)


@export
def CreateEventExA(ctx, lpEventAttributes: LPVOID, lpName: LPCSTR, dwFlags: DWORD, dwDesiredAccess: DWORD) -> HANDLE:
    return _event_ex(ctx, lpEventAttributes, lpName, dwFlags, dwDesiredAccess)


@export
def CreateEventExW(ctx, lpEventAttributes: LPVOID, lpName: LPCWSTR, dwFlags: DWORD, dwDesiredAccess: DWORD) -> HANDLE:
    return _event_ex(ctx, lpEventAttributes, lpName, dwFlags, dwDesiredAccess)


@export
def OpenEventA(ctx, dwDesiredAccess: DWORD, bInheritHandle: BOOL, lpName: LPCSTR) -> HANDLE:
    return _open(ctx, lpName, KEvent, dwDesiredAccess, bInheritHandle)


@export
def OpenEventW(ctx, dwDesiredAccess: DWORD, bInheritHandle: BOOL, lpName: LPCWSTR) -> HANDLE:
    return _open(ctx, lpName, KEvent, dwDesiredAccess, bInheritHandle)


@export
def SetEvent(ctx, hEvent: HANDLE) -> BOOL:
    reference(ctx, hEvent, KEvent, MODIFY_STATE).set(ctx.kernel)
    return 1


@export
def ResetEvent(ctx, hEvent: HANDLE) -> BOOL:
    reference(ctx, hEvent, KEvent, MODIFY_STATE).reset()
    return 1


@export
def PulseEvent(ctx, hEvent: HANDLE) -> BOOL:
    reference(ctx, hEvent, KEvent, MODIFY_STATE).pulse(ctx.kernel)
    return 1


# -- mutexes ------------------------------------------------------------------------------------------

def _mutex(ctx, attributes, owner: bool, name, access=MUTANT_ALL_ACCESS) -> int:
    thread = ctx.thread
    return _create(ctx, name, KMutant, lambda path: KMutant(thread if owner else None, path), access, attributes)


@export
def CreateMutexA(ctx, lpMutexAttributes: LPVOID, bInitialOwner: BOOL, lpName: LPCSTR) -> HANDLE:
    return _mutex(ctx, lpMutexAttributes, bool(bInitialOwner), lpName)


@export
def CreateMutexW(ctx, lpMutexAttributes: LPVOID, bInitialOwner: BOOL, lpName: LPCWSTR) -> HANDLE:
    return _mutex(ctx, lpMutexAttributes, bool(bInitialOwner), lpName)


def _mutex_ex(ctx, attributes, name, flags, access) -> int:
    if flags & ~CREATE_MUTEX_INITIAL_OWNER:
        raise NtError("STATUS_INVALID_PARAMETER", f"CreateMutexEx: unknown flags {flags:#x}")
    return _mutex(ctx, attributes, bool(flags & CREATE_MUTEX_INITIAL_OWNER), name, access)


@export
def CreateMutexExA(ctx, lpMutexAttributes: LPVOID, lpName: LPCSTR, dwFlags: DWORD, dwDesiredAccess: DWORD) -> HANDLE:
    return _mutex_ex(ctx, lpMutexAttributes, lpName, dwFlags, dwDesiredAccess)


@export
def CreateMutexExW(ctx, lpMutexAttributes: LPVOID, lpName: LPCWSTR, dwFlags: DWORD, dwDesiredAccess: DWORD) -> HANDLE:
    return _mutex_ex(ctx, lpMutexAttributes, lpName, dwFlags, dwDesiredAccess)


@export
def OpenMutexA(ctx, dwDesiredAccess: DWORD, bInheritHandle: BOOL, lpName: LPCSTR) -> HANDLE:
    return _open(ctx, lpName, KMutant, dwDesiredAccess, bInheritHandle)


@export
def OpenMutexW(ctx, dwDesiredAccess: DWORD, bInheritHandle: BOOL, lpName: LPCWSTR) -> HANDLE:
    return _open(ctx, lpName, KMutant, dwDesiredAccess, bInheritHandle)


@export
def ReleaseMutex(ctx, hMutex: HANDLE) -> BOOL:
    """ERROR_NOT_OWNER unless the calling thread owns it."""
    reference(ctx, hMutex, KMutant).release(ctx.kernel, ctx.thread)
    return 1


# -- semaphores ---------------------------------------------------------------------------------------

def _semaphore(ctx, attributes, initial: int, maximum: int, name, access=SEMAPHORE_ALL_ACCESS) -> int:
    if maximum <= 0 or initial < 0 or initial > maximum:
        raise NtError("STATUS_INVALID_PARAMETER", f"semaphore count {initial} of {maximum}")
    return _create(ctx, name, KSemaphore, lambda path: KSemaphore(initial, maximum, path), access, attributes)


@export
def CreateSemaphoreA(ctx, lpSemaphoreAttributes: LPVOID, lInitialCount: LONG, lMaximumCount: LONG,
                     lpName: LPCSTR) -> HANDLE:
    return _semaphore(ctx, lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName)


@export
def CreateSemaphoreW(ctx, lpSemaphoreAttributes: LPVOID, lInitialCount: LONG, lMaximumCount: LONG,
                     lpName: LPCWSTR) -> HANDLE:
    return _semaphore(ctx, lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName)


@export
def CreateSemaphoreExA(ctx, lpSemaphoreAttributes: LPVOID, lInitialCount: LONG, lMaximumCount: LONG,
                       lpName: LPCSTR, dwFlags: DWORD, dwDesiredAccess: DWORD) -> HANDLE:
    if dwFlags:
        raise NtError("STATUS_INVALID_PARAMETER", "CreateSemaphoreEx: dwFlags is reserved")
    return _semaphore(ctx, lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName, dwDesiredAccess)


@export
def CreateSemaphoreExW(ctx, lpSemaphoreAttributes: LPVOID, lInitialCount: LONG, lMaximumCount: LONG,
                       lpName: LPCWSTR, dwFlags: DWORD, dwDesiredAccess: DWORD) -> HANDLE:
    if dwFlags:
        raise NtError("STATUS_INVALID_PARAMETER", "CreateSemaphoreEx: dwFlags is reserved")
    return _semaphore(ctx, lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName, dwDesiredAccess)


@export
def OpenSemaphoreA(ctx, dwDesiredAccess: DWORD, bInheritHandle: BOOL, lpName: LPCSTR) -> HANDLE:
    return _open(ctx, lpName, KSemaphore, dwDesiredAccess, bInheritHandle)


@export
def OpenSemaphoreW(ctx, dwDesiredAccess: DWORD, bInheritHandle: BOOL, lpName: LPCWSTR) -> HANDLE:
    return _open(ctx, lpName, KSemaphore, dwDesiredAccess, bInheritHandle)


@export
def ReleaseSemaphore(ctx, hSemaphore: HANDLE, lReleaseCount: LONG, lpPreviousCount: PLONG) -> BOOL:
    """ERROR_TOO_MANY_POSTS when the count would pass the maximum."""
    previous = reference(ctx, hSemaphore, KSemaphore, MODIFY_STATE).release(ctx.kernel, lReleaseCount)
    if lpPreviousCount:
        write_guest(ctx, lpPreviousCount, struct.pack("<i", previous))
    return 1


# -- waitable timers ------------------------------------------------------------------------------------

def _timer(ctx, attributes, manual: bool, name, access=TIMER_ALL_ACCESS) -> int:
    kind = NotificationTimer if manual else SynchronizationTimer
    kernel = ctx.kernel
    return _create(ctx, name, KTimer, lambda path: KTimer(kernel, kind, path), access, attributes)


@export
def CreateWaitableTimerA(ctx, lpTimerAttributes: LPVOID, bManualReset: BOOL, lpTimerName: LPCSTR) -> HANDLE:
    return _timer(ctx, lpTimerAttributes, bool(bManualReset), lpTimerName)


@export
def CreateWaitableTimerW(ctx, lpTimerAttributes: LPVOID, bManualReset: BOOL, lpTimerName: LPCWSTR) -> HANDLE:
    return _timer(ctx, lpTimerAttributes, bool(bManualReset), lpTimerName)


def _timer_ex(ctx, attributes, name, flags, access) -> int:
    if flags & ~CREATE_WAITABLE_TIMER_MANUAL_RESET:
        raise NtError("STATUS_INVALID_PARAMETER", f"CreateWaitableTimerEx: unknown flags {flags:#x}")
    return _timer(ctx, attributes, bool(flags & CREATE_WAITABLE_TIMER_MANUAL_RESET), name, access)


@export
def CreateWaitableTimerExA(ctx, lpTimerAttributes: LPVOID, lpTimerName: LPCSTR, dwFlags: DWORD,
                           dwDesiredAccess: DWORD) -> HANDLE:
    return _timer_ex(ctx, lpTimerAttributes, lpTimerName, dwFlags, dwDesiredAccess)


@export
def CreateWaitableTimerExW(ctx, lpTimerAttributes: LPVOID, lpTimerName: LPCWSTR, dwFlags: DWORD,
                           dwDesiredAccess: DWORD) -> HANDLE:
    return _timer_ex(ctx, lpTimerAttributes, lpTimerName, dwFlags, dwDesiredAccess)


@export
def OpenWaitableTimerA(ctx, dwDesiredAccess: DWORD, bInheritHandle: BOOL, lpTimerName: LPCSTR) -> HANDLE:
    return _open(ctx, lpTimerName, KTimer, dwDesiredAccess, bInheritHandle)


@export
def OpenWaitableTimerW(ctx, dwDesiredAccess: DWORD, bInheritHandle: BOOL, lpTimerName: LPCWSTR) -> HANDLE:
    return _open(ctx, lpTimerName, KTimer, dwDesiredAccess, bInheritHandle)


def _set_waitable_timer(ctx, handle, due_ptr, period, routine, argument) -> int:
    timer = reference(ctx, handle, KTimer, MODIFY_STATE)
    due = read_due_time(ctx, due_ptr)
    set_timer(ctx, timer, due, period, routine, argument)
    return 1


@export
def SetWaitableTimer(ctx, hTimer: HANDLE, lpDueTime: PLARGE_INTEGER, lPeriod: LONG, pfnCompletionRoutine: PVOID,
                     lpArgToCompletionRoutine: LPVOID, fResume: BOOL) -> BOOL:
    """Due time: negative relative (100 ns), else absolute UTC FILETIME; period in ms (0: once).  The
    completion routine is an APC to this thread: it runs when the thread waits alertably."""
    return _set_waitable_timer(ctx, hTimer, lpDueTime, lPeriod, pfnCompletionRoutine, lpArgToCompletionRoutine)


@export
def SetWaitableTimerEx(ctx, hTimer: HANDLE, lpDueTime: PLARGE_INTEGER, lPeriod: LONG, pfnCompletionRoutine: PVOID,
                       lpArgToCompletionRoutine: LPVOID, WakeContext: PVOID, TolerableDelay: DWORD) -> BOOL:
    return _set_waitable_timer(ctx, hTimer, lpDueTime, lPeriod, pfnCompletionRoutine, lpArgToCompletionRoutine)


@export
def CancelWaitableTimer(ctx, hTimer: HANDLE) -> BOOL:
    timer = reference(ctx, hTimer, KTimer, MODIFY_STATE)
    ctx.kernel.scheduler.fire_due_timers()
    timer.cancel(ctx.kernel)
    return 1


# -- waits --------------------------------------------------------------------------------------------

def _timeout(milliseconds: int) -> int | None:
    return None if milliseconds == INFINITE else milliseconds * 10_000


def sleep(ctx, milliseconds: int, alertable: bool = False) -> int:
    """Sleep in virtual time: the thread waits on nothing until its deadline (Sleep(0) yields).
    Returns SleepEx's result: 0, or WAIT_IO_COMPLETION after APCs ran."""
    if milliseconds == 0 and not (alertable and ctx.thread.user_apcs):
        ctx.kernel.scheduler.yield_thread(ctx.thread)
        return 0
    status = ctx.kernel.scheduler.wait_for(ctx.thread, [], timeout_100ns=_timeout(milliseconds), alertable=alertable,
                                           on_end=_sleep_result, what=f"{'SleepEx' if alertable else 'Sleep'}({milliseconds})")
    return 0 if status is None else status


def _sleep_result(status: int) -> int:
    return WAIT_IO_COMPLETION if status == STATUS_USER_APC else 0


@export
def Sleep(ctx, dwMilliseconds: DWORD) -> VOID:
    sleep(ctx, dwMilliseconds)


@export
def SleepEx(ctx, dwMilliseconds: DWORD, bAlertable: BOOL) -> DWORD:
    return sleep(ctx, dwMilliseconds, bool(bAlertable))


def wait_handles(ctx, handles: list[int], wait_all: bool, milliseconds: int, name: str,
                 alertable: bool = False) -> int:
    """The WaitFor* functions: the wait's status is their result (WAIT_OBJECT_0 + i, WAIT_ABANDONED_0
    + i, WAIT_IO_COMPLETION, WAIT_TIMEOUT), WAIT_FAILED with the last error set on bad handles."""
    try:
        objects = [reference_object(ctx, h) for h in handles]
    except NtError as e:
        ctx.set_last_error(dos_error(e.status))
        return WAIT_FAILED
    what = f"{name}({', '.join(o.describe() for o in objects)})"
    status = ctx.kernel.scheduler.wait_for(ctx.thread, objects, wait_all=wait_all, timeout_100ns=_timeout(milliseconds),
                                           what=what, alertable=alertable)
    return 0 if status is None else status


@export
def WaitForSingleObject(ctx, hHandle: HANDLE, dwMilliseconds: DWORD) -> DWORD:
    return wait_handles(ctx, [hHandle], False, dwMilliseconds, "WaitForSingleObject")


@export
def WaitForSingleObjectEx(ctx, hHandle: HANDLE, dwMilliseconds: DWORD, bAlertable: BOOL) -> DWORD:
    return wait_handles(ctx, [hHandle], False, dwMilliseconds, "WaitForSingleObjectEx", bool(bAlertable))


def _handle_array(ctx, count: int, address: int) -> list[int] | None:
    if not 0 < count <= 64:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return None
    try:
        return list(struct.unpack(f"<{count}I", read_guest(ctx, address, 4 * count)))
    except NtError as e:
        ctx.set_last_error(dos_error(e.status))
        return None


@export
def WaitForMultipleObjects(ctx, nCount: DWORD, lpHandles: LPVOID, bWaitAll: BOOL, dwMilliseconds: DWORD) -> DWORD:
    handles = _handle_array(ctx, nCount, lpHandles)
    if handles is None:
        return WAIT_FAILED
    return wait_handles(ctx, handles, bool(bWaitAll), dwMilliseconds, "WaitForMultipleObjects")


@export
def WaitForMultipleObjectsEx(ctx, nCount: DWORD, lpHandles: LPVOID, bWaitAll: BOOL, dwMilliseconds: DWORD,
                             bAlertable: BOOL) -> DWORD:
    handles = _handle_array(ctx, nCount, lpHandles)
    if handles is None:
        return WAIT_FAILED
    return wait_handles(ctx, handles, bool(bWaitAll), dwMilliseconds, "WaitForMultipleObjectsEx", bool(bAlertable))


@export
def SignalObjectAndWait(ctx, hObjectToSignal: HANDLE, hObjectToWaitOn: HANDLE, dwMilliseconds: DWORD,
                        bAlertable: BOOL) -> DWORD:
    """Signal (set an event, release a semaphore or a mutex) and wait, as one step."""
    try:
        target = reference_object(ctx, hObjectToWaitOn)
        signal_object(ctx, hObjectToSignal)
    except NtError as e:
        ctx.set_last_error(dos_error(e.status))
        return WAIT_FAILED
    status = ctx.kernel.scheduler.wait_for(ctx.thread, [target], timeout_100ns=_timeout(dwMilliseconds),
                                           alertable=bool(bAlertable), what=f"SignalObjectAndWait({target.describe()})")
    return 0 if status is None else status


# -- user APCs ------------------------------------------------------------------------------------------

@export
def QueueUserAPC(ctx, pfnAPC: PVOID, hThread: HANDLE, dwData: ULONG_PTR) -> DWORD:
    """NtQueueApcThread(hThread, BaseDispatchAPC, pfnAPC, dwData, activation context): pfnAPC(dwData)
    runs in the thread the next time it waits alertably."""
    thread = reference_object(ctx, hThread, EThread)
    dispatch = dll_address(ctx, "kernel32.dll", ".BaseDispatchAPC")
    if ctx.kernel.scheduler.queue_user_apc(thread, dispatch, pfnAPC, dwData, 0) is None:
        raise NtError("STATUS_UNSUCCESSFUL", f"thread {thread.tid} has ended")
    return 1


@export(name=".BaseDispatchAPC")
def BaseDispatchAPC(ctx, ApcRoutine: PVOID, Data: ULONG_PTR, ActivationContext: PVOID) -> VOID:
    """The APC routine of QueueUserAPC (KiUserApcDispatcher calls it): calls the user's routine."""
    yield GuestCall(ApcRoutine, (Data,), "APC routine")


# -- condition variables (the sleeps; waking is forwarded to ntdll) --------------------------------------

def _cv_result(ctx, status: int) -> int:
    if status == STATUS_TIMEOUT:
        ctx.set_last_error(ERROR_TIMEOUT)
        return 0
    if status:
        ctx.set_last_error(dos_error(status))
        return 0
    return 1


@export
def SleepConditionVariableCS(ctx, ConditionVariable: PVOID, CriticalSection: LPCRITICAL_SECTION,
                             dwMilliseconds: DWORD) -> BOOL:
    """FALSE with ERROR_TIMEOUT when the time ran out; the critical section is held again either way."""
    status = yield from sleep_condition_variable(ctx, ConditionVariable, CriticalSection,
                                                 SLEEP_CS | SLEEP_TIMEOUT_MS, dwMilliseconds)
    return _cv_result(ctx, status)


@export
def SleepConditionVariableSRW(ctx, ConditionVariable: PVOID, SRWLock: PVOID, dwMilliseconds: DWORD,
                              Flags: DWORD) -> BOOL:
    if Flags & ~CONDITION_VARIABLE_LOCKMODE_SHARED:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    how = SLEEP_SRW_SHARED if Flags & CONDITION_VARIABLE_LOCKMODE_SHARED else SLEEP_SRW_EXCLUSIVE
    status = yield from sleep_condition_variable(ctx, ConditionVariable, SRWLock, how | SLEEP_TIMEOUT_MS,
                                                 dwMilliseconds)
    return _cv_result(ctx, status)


# -- one-time initialization ------------------------------------------------------------------------------

@export
def InitOnceBeginInitialize(ctx, lpInitOnce: PVOID, dwFlags: DWORD, fPending: PVOID, lpContext: PVOID) -> BOOL:
    status = yield from run_once_begin(ctx, lpInitOnce, dwFlags, lpContext)
    if status not in (0, STATUS_PENDING):
        ctx.set_last_error(dos_error(status))
        return 0
    if fPending:
        ctx.write_u32(fPending, 1 if status == STATUS_PENDING else 0)
    return 1


@export
def InitOnceComplete(ctx, lpInitOnce: PVOID, dwFlags: DWORD, lpContext: PVOID) -> BOOL:
    status = run_once_complete(ctx, lpInitOnce, dwFlags, lpContext)
    if status:
        ctx.set_last_error(dos_error(status))
        return 0
    return 1


@export
def InitOnceExecuteOnce(ctx, InitOnce: PVOID, InitFn: PVOID, Parameter: PVOID, Context: PVOID) -> BOOL:
    """Calls InitFn(InitOnce, Parameter, Context) once; other threads wait for it to finish."""
    status = yield from run_once_execute(ctx, InitOnce, InitFn, Parameter, Context)
    return 1 if status == 0 else 0
