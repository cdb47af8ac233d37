"""securitybaseapi.h/winbase.h, advapi32's part: process tokens and privileges (OpenProcessToken,
LookupPrivilegeValueA/W, AdjustTokenPrivileges).

The token is the one of a standard (UAC-filtered) user on Windows 7: it holds SeShutdownPrivilege,
SeChangeNotifyPrivilege (enabled), SeUndockPrivilege, SeIncreaseWorkingSetPrivilege and
SeTimeZonePrivilege.  Asking to enable anything else succeeds with ERROR_NOT_ALL_ASSIGNED, as on Windows.
"""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPCSTR, LPCWSTR, PHANDLE, PVOID
from kernel.ob.object import KernelObject

# winnt.h: SE_*_PRIVILEGE LUIDs (low part; high part 0)
PRIVILEGES = {name: i for i, name in enumerate((
    "SeCreateTokenPrivilege", "SeAssignPrimaryTokenPrivilege", "SeLockMemoryPrivilege",
    "SeIncreaseQuotaPrivilege", "SeMachineAccountPrivilege", "SeTcbPrivilege", "SeSecurityPrivilege",
    "SeTakeOwnershipPrivilege", "SeLoadDriverPrivilege", "SeSystemProfilePrivilege", "SeSystemtimePrivilege",
    "SeProfileSingleProcessPrivilege", "SeIncreaseBasePriorityPrivilege", "SeCreatePagefilePrivilege",
    "SeCreatePermanentPrivilege", "SeBackupPrivilege", "SeRestorePrivilege", "SeShutdownPrivilege",
    "SeDebugPrivilege", "SeAuditPrivilege", "SeSystemEnvironmentPrivilege", "SeChangeNotifyPrivilege",
    "SeRemoteShutdownPrivilege", "SeUndockPrivilege", "SeSyncAgentPrivilege", "SeEnableDelegationPrivilege",
    "SeManageVolumePrivilege", "SeImpersonatePrivilege", "SeCreateGlobalPrivilege",
    "SeTrustedCredManAccessPrivilege", "SeRelabelPrivilege", "SeIncreaseWorkingSetPrivilege",
    "SeTimeZonePrivilege", "SeCreateSymbolicLinkPrivilege"), start=2)}
STANDARD_USER_PRIVILEGES = {19: False, 23: True, 25: False, 33: False, 34: False}   # LUID -> enabled
SE_PRIVILEGE_ENABLED = 0x2
SE_PRIVILEGE_REMOVED = 0x4
ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NO_SUCH_PRIVILEGE, ERROR_NOT_ALL_ASSIGNED = 6, 87, 1313, 1300
ERROR_INSUFFICIENT_BUFFER = 122
CURRENT_PROCESS = 0xFFFFFFFF


class Token(KernelObject):
    type_name = "Token"

    def __init__(self):
        super().__init__("")
        self.privileges = dict(STANDARD_USER_PRIVILEGES)


def _token(ctx, process):
    if process.token is None:
        process.token = Token()
    return process.token


@export
def OpenProcessToken(ctx, ProcessHandle: HANDLE, DesiredAccess: DWORD, TokenHandle: PHANDLE) -> BOOL:
    if ProcessHandle == CURRENT_PROCESS:
        process = ctx.process
    else:
        entry = ctx.process.handles.entries.get(ProcessHandle & ~3)
        from kernel.ps.process import EProcess
        if entry is None or not isinstance(entry.obj, EProcess):
            ctx.set_last_error(ERROR_INVALID_HANDLE)
            return 0
        process = entry.obj
    handle = ctx.process.handles.insert(_token(ctx, process), DesiredAccess)
    ctx.write_u32(TokenHandle, handle)
    return 1


def _lookup(ctx, name: str | None, luid: int) -> int:
    value = PRIVILEGES.get(name or "")
    if value is None:
        lowered = {k.lower(): v for k, v in PRIVILEGES.items()}
        value = lowered.get((name or "").lower())
    if value is None:
        ctx.set_last_error(ERROR_NO_SUCH_PRIVILEGE)
        return 0
    ctx.write(luid, struct.pack("<Ii", value, 0))
    return 1


@export
def LookupPrivilegeValueW(ctx, lpSystemName: LPCWSTR, lpName: LPCWSTR, lpLuid: PVOID) -> BOOL:
    return _lookup(ctx, lpName, lpLuid)


@export
def LookupPrivilegeValueA(ctx, lpSystemName: LPCSTR, lpName: LPCSTR, lpLuid: PVOID) -> BOOL:
    return _lookup(ctx, lpName, lpLuid)


@export
def AdjustTokenPrivileges(ctx, TokenHandle: HANDLE, DisableAllPrivileges: BOOL, NewState: PVOID,
                          BufferLength: DWORD, PreviousState: PVOID, ReturnLength: PVOID) -> BOOL:
    entry = ctx.process.handles.entries.get(TokenHandle & ~3)
    if entry is None or not isinstance(entry.obj, Token):
        ctx.set_last_error(ERROR_INVALID_HANDLE)
        return 0
    token = entry.obj
    changes = []
    if DisableAllPrivileges:
        changes = [(luid, 0) for luid in token.privileges]
    elif NewState:
        count = ctx.read_u32(NewState)
        for i in range(count):
            low, high, attrs = struct.unpack("<IiI", ctx.read(NewState + 4 + 12 * i, 12))
            changes.append((low if high == 0 else -1, attrs))
    else:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    previous = []
    all_assigned = True
    for luid, attrs in changes:
        if luid not in token.privileges:
            all_assigned = False
            continue
        previous.append((luid, SE_PRIVILEGE_ENABLED if token.privileges[luid] else 0))
        token.privileges[luid] = bool(attrs & SE_PRIVILEGE_ENABLED)
    if PreviousState:
        needed = 4 + 12 * len(previous)
        if ReturnLength:
            ctx.write_u32(ReturnLength, needed)
        if BufferLength < needed:
            ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
            return 0
        ctx.write(PreviousState, struct.pack("<I", len(previous)) +
                  b"".join(struct.pack("<IiI", luid, 0, a) for luid, a in previous))
    ctx.set_last_error(0 if all_assigned else ERROR_NOT_ALL_ASSIGNED)
    return 1
