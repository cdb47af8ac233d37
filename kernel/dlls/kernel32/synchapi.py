"""synchapi.h: critical-section set-up (Enter/Leave are forwarded to ntdll), Sleep."""
import struct

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, LPCRITICAL_SECTION, VOID
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


def sleep(ctx, milliseconds: int) -> None:
    kernel = ctx.kernel
    if milliseconds != 0xFFFFFFFF:
        kernel.advance_clock(milliseconds * 10_000)
    kernel.update_kuser_time(ctx.process)
    kernel.yield_thread(ctx.thread)


@export
def Sleep(ctx, dwMilliseconds: DWORD) -> VOID:
    sleep(ctx, dwMilliseconds)


@export
def SleepEx(ctx, dwMilliseconds: DWORD, bAlertable: BOOL) -> DWORD:
    sleep(ctx, dwMilliseconds)
    return 0
