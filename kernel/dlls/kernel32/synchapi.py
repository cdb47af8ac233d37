"""synchapi.h: critical-section set-up (Enter/Leave are forwarded to ntdll), Sleep."""
import struct

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPCRITICAL_SECTION, LPVOID, VOID
from ...ob_handles import reference_object
from ...status import NtError
from ..ntdll.rtl import initialize_critical_section


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


INFINITE = 0xFFFFFFFF
WAIT_FAILED = 0xFFFFFFFF


def _timeout(milliseconds: int) -> int | None:
    return None if milliseconds == INFINITE else milliseconds * 10_000


def sleep(ctx, milliseconds: int) -> None:
    """Sleep in virtual time: the thread waits on nothing until its deadline (Sleep(0) yields)."""
    if milliseconds == 0:
        ctx.kernel.yield_thread(ctx.thread)
        return
    ctx.kernel.wait_for(ctx.thread, [], timeout_100ns=_timeout(milliseconds), what=f"Sleep({milliseconds})")


@export
def Sleep(ctx, dwMilliseconds: DWORD) -> VOID:
    sleep(ctx, dwMilliseconds)


@export
def SleepEx(ctx, dwMilliseconds: DWORD, bAlertable: BOOL) -> DWORD:
    sleep(ctx, dwMilliseconds)
    return 0


def wait_handles(ctx, handles: list[int], wait_all: bool, milliseconds: int, name: str) -> int:
    try:
        objects = [reference_object(ctx, h) for h in handles]
    except NtError:
        ctx.set_last_error(6)
        return WAIT_FAILED
    what = f"{name}({', '.join(o.describe() for o in objects)})"
    status = ctx.kernel.wait_for(ctx.thread, objects, wait_all=wait_all, timeout_100ns=_timeout(milliseconds),
                                 what=what)
    return 0 if status is None else status


@export
def WaitForSingleObject(ctx, hHandle: HANDLE, dwMilliseconds: DWORD) -> DWORD:
    return wait_handles(ctx, [hHandle], False, dwMilliseconds, "WaitForSingleObject")


@export
def WaitForSingleObjectEx(ctx, hHandle: HANDLE, dwMilliseconds: DWORD, bAlertable: BOOL) -> DWORD:
    return wait_handles(ctx, [hHandle], False, dwMilliseconds, "WaitForSingleObjectEx")


@export
def WaitForMultipleObjects(ctx, nCount: DWORD, lpHandles: LPVOID, bWaitAll: BOOL, dwMilliseconds: DWORD) -> DWORD:
    if not 0 < nCount <= 64:
        ctx.set_last_error(87)
        return WAIT_FAILED
    handles = list(struct.unpack(f"<{nCount}I", ctx.read(lpHandles, 4 * nCount)))
    return wait_handles(ctx, handles, bool(bWaitAll), dwMilliseconds, "WaitForMultipleObjects")
