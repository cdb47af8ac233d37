"""Synchronization services: events, mutants, semaphores, timers (create/open/set/release/query),
NtSignalAndWaitForSingleObject and NtQueueApcThread.  The objects are kernel/ke/sync_objects.py's.

Object names are absolute NT paths in \\BaseNamedObjects or \\Sessions\\1\\BaseNamedObjects
(object directory handles as RootDirectory are not implemented).  NtCreate* of an existing name
opens it when OBJ_OPENIF is given (STATUS_OBJECT_NAME_EXISTS, a success) and fails with
STATUS_OBJECT_NAME_COLLISION otherwise, as the object manager does.
"""
from __future__ import annotations

import struct

from ..hle.registry import export
from ..hle.types import (ACCESS_MASK, BOOLEAN, HANDLE, LONG, NTSTATUS, PHANDLE, PLARGE_INTEGER, PLONG,
                         POBJECT_ATTRIBUTES, PULONG, PVOID, ULONG)
from kernel.ob.object import OBJ_INHERIT
from kernel.ob.handles import reference_object
from kernel.ke.sync_objects import MODIFY_STATE, QUERY_STATE, KEvent, KMutant, KSemaphore, KTimer
from kernel.ob.namespace import create_object, open_object
from kernel.ps.process import EThread
from kernel.rtl.status import STATUS, MemoryFault, NtError
from .wait import timeout_of, wait

OBJ_OPENIF = 0x80
STATUS_OBJECT_NAME_EXISTS = STATUS["STATUS_OBJECT_NAME_EXISTS"]
STATUS_INVALID_PARAMETER = STATUS["STATUS_INVALID_PARAMETER"]
STATUS_INFO_LENGTH_MISMATCH = STATUS["STATUS_INFO_LENGTH_MISMATCH"]
STATUS_INVALID_INFO_CLASS = STATUS["STATUS_INVALID_INFO_CLASS"]


# -- helpers shared with kernel32 ------------------------------------------------------------------

def read_guest(ctx, address: int, size: int) -> bytes:
    """Guest memory the caller passed: a bad pointer fails the call with STATUS_ACCESS_VIOLATION
    (what the kernel's probe of a user buffer gives), not an ntboot error."""
    if not address:
        raise MemoryFault(address, size)
    return ctx.read(address, size)


def write_guest(ctx, address: int, data: bytes) -> None:
    if not address:
        raise MemoryFault(address, len(data), write=True)
    ctx.write(address, data)


def read_due_time(ctx, address: int) -> int:
    return struct.unpack("<q", read_guest(ctx, address, 8))[0]


def object_attributes(ctx, address: int) -> tuple[str | None, int]:
    """OBJECT_ATTRIBUTES {Length, RootDirectory, ObjectName, Attributes, ...}: (name, attributes)."""
    if not address:
        return None, 0
    _, root, name_ptr, attributes = struct.unpack("<IIII", read_guest(ctx, address, 16))
    try:
        name = ctx.read_unicode_string(name_ptr) if name_ptr else None
    except MemoryFault:
        raise NtError("STATUS_ACCESS_VIOLATION", "the object name cannot be read") from None
    if root and name:
        reference_object(ctx, root)          # STATUS_INVALID_HANDLE for a handle that is not open
        raise NtError("STATUS_OBJECT_TYPE_MISMATCH",
                      "object directory handles (RootDirectory) are not implemented; use an absolute name")
    return name, attributes


def insert_handle(ctx, obj, access: int, attributes: int) -> int:
    return ctx.process.handles.insert(obj, obj.map_access(access), attributes & OBJ_INHERIT)


def create_handle(ctx, name: str | None, cls, factory, access: int, attributes: int,
                  open_if: bool = True) -> tuple[int, bool]:
    """Create (or, open_if, open) a named or unnamed object: (handle, existed)."""
    obj, existed = create_object(ctx.kernel, name, cls, factory)
    if existed and not open_if:
        raise NtError("STATUS_OBJECT_NAME_COLLISION", f"{obj.name} already exists")
    return insert_handle(ctx, obj, access, attributes), existed


def open_handle(ctx, name: str | None, cls, access: int, attributes: int) -> int:
    return insert_handle(ctx, open_object(ctx.kernel, name, cls), access, attributes)


def reference(ctx, handle: int, cls, access: int = 0):
    """ObReferenceObjectByHandle with the type and the access the operation needs."""
    obj = reference_object(ctx, handle, cls)
    if access:
        entry = ctx.process.handles.entries.get(handle & ~3)
        if entry is not None and entry.access & access != access:
            raise NtError("STATUS_ACCESS_DENIED", f"handle {handle:#x} lacks access {access:#x} to {obj.describe()}")
    return obj


def _nt_create(ctx, out: int, access: int, attributes_ptr: int, cls, factory) -> int:
    name, attributes = object_attributes(ctx, attributes_ptr)
    read_guest(ctx, out, 4)
    handle, existed = create_handle(ctx, name, cls, factory, access, attributes,
                                    open_if=bool(attributes & OBJ_OPENIF))
    write_guest(ctx, out, struct.pack("<I", handle))
    return STATUS_OBJECT_NAME_EXISTS if existed else 0


def _nt_open(ctx, out: int, access: int, attributes_ptr: int, cls) -> int:
    name, attributes = object_attributes(ctx, attributes_ptr)
    read_guest(ctx, out, 4)
    write_guest(ctx, out, struct.pack("<I", open_handle(ctx, name, cls, access, attributes)))
    return 0


def _put(ctx, pointer: int, fmt: str, value: int) -> None:
    if pointer:
        write_guest(ctx, pointer, struct.pack(fmt, value))


def _query(ctx, data: bytes, info: int, length: int, return_length: int) -> int:
    if return_length:
        write_guest(ctx, return_length, struct.pack("<I", len(data)))
    if length < len(data):
        return STATUS_INFO_LENGTH_MISMATCH
    write_guest(ctx, info, data)
    return 0


def due_time(ctx, value: int) -> int:
    """An NT due time (negative: relative 100 ns, else absolute system time) as absolute virtual time."""
    now = ctx.kernel.clock.system_time()
    return now - value if value < 0 else value


def set_timer(ctx, timer: KTimer, due: int, period: int, routine: int, context: int) -> int:
    if period < 0:
        raise NtError("STATUS_INVALID_PARAMETER", "a timer's period cannot be negative")
    apc = (ctx.thread, routine, context) if routine else None
    return timer.set(ctx.kernel, due_time(ctx, due), period, apc)


def signal_object(ctx, handle: int) -> None:
    """What NtSignalAndWaitForSingleObject signals: set an event, release a semaphore or a mutant."""
    obj = reference_object(ctx, handle)
    if isinstance(obj, KEvent):
        reference(ctx, handle, KEvent, MODIFY_STATE).set(ctx.kernel)
    elif isinstance(obj, KSemaphore):
        reference(ctx, handle, KSemaphore, MODIFY_STATE).release(ctx.kernel, 1)
    elif isinstance(obj, KMutant):
        obj.release(ctx.kernel, ctx.thread)
    else:
        raise NtError("STATUS_OBJECT_TYPE_MISMATCH", f"{obj.describe()} cannot be signalled")


# -- events -------------------------------------------------------------------------------------------

@export
def NtCreateEvent(ctx, EventHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
                  EventType: ULONG, InitialState: BOOLEAN) -> NTSTATUS:
    if EventType > 1:
        return STATUS_INVALID_PARAMETER
    return _nt_create(ctx, EventHandle, DesiredAccess, ObjectAttributes, KEvent,
                      lambda name: KEvent(EventType, bool(InitialState), name))


@export
def NtOpenEvent(ctx, EventHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES) -> NTSTATUS:
    return _nt_open(ctx, EventHandle, DesiredAccess, ObjectAttributes, KEvent)


@export
def NtSetEvent(ctx, EventHandle: HANDLE, PreviousState: PLONG) -> NTSTATUS:
    _put(ctx, PreviousState, "<i", reference(ctx, EventHandle, KEvent, MODIFY_STATE).set(ctx.kernel))
    return 0


@export
def NtResetEvent(ctx, EventHandle: HANDLE, PreviousState: PLONG) -> NTSTATUS:
    _put(ctx, PreviousState, "<i", reference(ctx, EventHandle, KEvent, MODIFY_STATE).reset())
    return 0


@export
def NtClearEvent(ctx, EventHandle: HANDLE) -> NTSTATUS:
    reference(ctx, EventHandle, KEvent, MODIFY_STATE).reset()
    return 0


@export
def NtPulseEvent(ctx, EventHandle: HANDLE, PreviousState: PLONG) -> NTSTATUS:
    _put(ctx, PreviousState, "<i", reference(ctx, EventHandle, KEvent, MODIFY_STATE).pulse(ctx.kernel))
    return 0


@export
def NtQueryEvent(ctx, EventHandle: HANDLE, EventInformationClass: ULONG, EventInformation: PVOID,
                 EventInformationLength: ULONG, ReturnLength: PULONG) -> NTSTATUS:
    event = reference(ctx, EventHandle, KEvent, QUERY_STATE)
    if EventInformationClass != 0:                  # EventBasicInformation {EventType, EventState}
        return STATUS_INVALID_INFO_CLASS
    data = struct.pack("<Ii", 0 if event.notification else 1, int(event.signaled))
    return _query(ctx, data, EventInformation, EventInformationLength, ReturnLength)


# -- mutants ------------------------------------------------------------------------------------------

@export
def NtCreateMutant(ctx, MutantHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
                   InitialOwner: BOOLEAN) -> NTSTATUS:
    thread = ctx.thread
    return _nt_create(ctx, MutantHandle, DesiredAccess, ObjectAttributes, KMutant,
                      lambda name: KMutant(thread if InitialOwner else None, name))


@export
def NtOpenMutant(ctx, MutantHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES) -> NTSTATUS:
    return _nt_open(ctx, MutantHandle, DesiredAccess, ObjectAttributes, KMutant)


@export
def NtReleaseMutant(ctx, MutantHandle: HANDLE, PreviousCount: PLONG) -> NTSTATUS:
    _put(ctx, PreviousCount, "<i", reference(ctx, MutantHandle, KMutant).release(ctx.kernel, ctx.thread))
    return 0


@export
def NtQueryMutant(ctx, MutantHandle: HANDLE, MutantInformationClass: ULONG, MutantInformation: PVOID,
                  MutantInformationLength: ULONG, ReturnLength: PULONG) -> NTSTATUS:
    mutant = reference(ctx, MutantHandle, KMutant, QUERY_STATE)
    if MutantInformationClass != 0:                 # MutantBasicInformation
        return STATUS_INVALID_INFO_CLASS
    data = struct.pack("<iBB2x", mutant.count, int(mutant.owner is ctx.thread), int(mutant.abandoned))
    return _query(ctx, data, MutantInformation, MutantInformationLength, ReturnLength)


# -- semaphores ---------------------------------------------------------------------------------------

@export
def NtCreateSemaphore(ctx, SemaphoreHandle: PHANDLE, DesiredAccess: ACCESS_MASK,
                      ObjectAttributes: POBJECT_ATTRIBUTES, InitialCount: LONG, MaximumCount: LONG) -> NTSTATUS:
    if MaximumCount <= 0 or InitialCount < 0 or InitialCount > MaximumCount:
        return STATUS_INVALID_PARAMETER
    return _nt_create(ctx, SemaphoreHandle, DesiredAccess, ObjectAttributes, KSemaphore,
                      lambda name: KSemaphore(InitialCount, MaximumCount, name))


@export
def NtOpenSemaphore(ctx, SemaphoreHandle: PHANDLE, DesiredAccess: ACCESS_MASK,
                    ObjectAttributes: POBJECT_ATTRIBUTES) -> NTSTATUS:
    return _nt_open(ctx, SemaphoreHandle, DesiredAccess, ObjectAttributes, KSemaphore)


@export
def NtReleaseSemaphore(ctx, SemaphoreHandle: HANDLE, ReleaseCount: LONG, PreviousCount: PLONG) -> NTSTATUS:
    semaphore = reference(ctx, SemaphoreHandle, KSemaphore, MODIFY_STATE)
    _put(ctx, PreviousCount, "<i", semaphore.release(ctx.kernel, ReleaseCount))
    return 0


@export
def NtQuerySemaphore(ctx, SemaphoreHandle: HANDLE, SemaphoreInformationClass: ULONG, SemaphoreInformation: PVOID,
                     SemaphoreInformationLength: ULONG, ReturnLength: PULONG) -> NTSTATUS:
    semaphore = reference(ctx, SemaphoreHandle, KSemaphore, QUERY_STATE)
    if SemaphoreInformationClass != 0:              # SemaphoreBasicInformation
        return STATUS_INVALID_INFO_CLASS
    data = struct.pack("<ii", semaphore.count, semaphore.limit)
    return _query(ctx, data, SemaphoreInformation, SemaphoreInformationLength, ReturnLength)


# -- timers -------------------------------------------------------------------------------------------

@export
def NtCreateTimer(ctx, TimerHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
                  TimerType: ULONG) -> NTSTATUS:
    if TimerType > 1:
        return STATUS_INVALID_PARAMETER
    kernel = ctx.kernel
    return _nt_create(ctx, TimerHandle, DesiredAccess, ObjectAttributes, KTimer,
                      lambda name: KTimer(kernel, TimerType, name))


@export
def NtOpenTimer(ctx, TimerHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES) -> NTSTATUS:
    return _nt_open(ctx, TimerHandle, DesiredAccess, ObjectAttributes, KTimer)


@export
def NtSetTimer(ctx, TimerHandle: HANDLE, DueTime: PLARGE_INTEGER, TimerApcRoutine: PVOID, TimerContext: PVOID,
               ResumeTimer: BOOLEAN, Period: LONG, PreviousState: PVOID) -> NTSTATUS:
    timer = reference(ctx, TimerHandle, KTimer, MODIFY_STATE)
    due = read_due_time(ctx, DueTime)
    previous = set_timer(ctx, timer, due, Period, TimerApcRoutine, TimerContext)
    _put(ctx, PreviousState, "<B", previous)
    return 0


@export
def NtCancelTimer(ctx, TimerHandle: HANDLE, CurrentState: PVOID) -> NTSTATUS:
    timer = reference(ctx, TimerHandle, KTimer, MODIFY_STATE)
    ctx.kernel.scheduler.fire_due_timers()
    _put(ctx, CurrentState, "<B", timer.cancel(ctx.kernel))
    return 0


@export
def NtQueryTimer(ctx, TimerHandle: HANDLE, TimerInformationClass: ULONG, TimerInformation: PVOID,
                 TimerInformationLength: ULONG, ReturnLength: PULONG) -> NTSTATUS:
    timer = reference(ctx, TimerHandle, KTimer, QUERY_STATE)
    if TimerInformationClass != 0:                  # TimerBasicInformation {RemainingTime, TimerState}
        return STATUS_INVALID_INFO_CLASS
    ctx.kernel.scheduler.fire_due_timers()
    remaining = max(0, timer.due - ctx.kernel.clock.system_time()) if timer.due is not None else 0
    data = struct.pack("<qB7x", remaining, int(timer.signaled))
    return _query(ctx, data, TimerInformation, TimerInformationLength, ReturnLength)


# -- signal-and-wait, APCs ------------------------------------------------------------------------------

@export
def NtSignalAndWaitForSingleObject(ctx, SignalHandle: HANDLE, WaitHandle: HANDLE, Alertable: BOOLEAN,
                                   Timeout: PLARGE_INTEGER) -> NTSTATUS:
    target = reference_object(ctx, WaitHandle)
    signal_object(ctx, SignalHandle)
    return wait(ctx, [target], False, timeout_of(ctx, Timeout),
                f"NtSignalAndWaitForSingleObject({target.describe()})", bool(Alertable))


@export
def NtQueueApcThread(ctx, ThreadHandle: HANDLE, ApcRoutine: PVOID, ApcArgument1: PVOID, ApcArgument2: PVOID,
                     ApcArgument3: PVOID) -> NTSTATUS:
    """The APC runs ApcRoutine(ApcArgument1, ApcArgument2, ApcArgument3) in the thread, the next time
    it waits alertably."""
    thread = reference_object(ctx, ThreadHandle, EThread)
    if ctx.kernel.scheduler.queue_user_apc(thread, ApcRoutine, ApcArgument1, ApcArgument2, ApcArgument3) is None:
        return STATUS["STATUS_UNSUCCESSFUL"]
    return 0
