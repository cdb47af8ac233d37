"""handleapi.h: handle flags and duplication (CloseHandle lives with the files, fileapi.py).

Object handles keep their flags in the process's handle table (HANDLE_FLAG_INHERIT is OBJ_INHERIT,
HANDLE_FLAG_PROTECT_FROM_CLOSE is OBJ_PROTECT_CLOSE).  Console handles (both low bits set) are not in
that table on Windows 7: kernel32 hands them to the console (Set/GetConsoleHandleInformation,
DuplicateConsoleHandle), which keeps their flags per process; so does ntboot."""
from kernel.io.console import console_kind, is_console_handle
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPDWORD, PHANDLE
from kernel.ob.object import NtCurrentProcess, NtCurrentThread
from kernel.ob.handles import reference_object
from kernel.ps.process import EProcess

HANDLE_FLAG_INHERIT = 0x1
HANDLE_FLAG_PROTECT_FROM_CLOSE = 0x2
OBJ_PROTECT_CLOSE = 0x1
OBJ_INHERIT = 0x2
DUPLICATE_CLOSE_SOURCE = 0x1
DUPLICATE_SAME_ACCESS = 0x2
ERROR_INVALID_HANDLE = 6
ERROR_INVALID_PARAMETER = 87


def _to_attributes(flags: int) -> int:
    return (OBJ_INHERIT if flags & HANDLE_FLAG_INHERIT else 0) | \
        (OBJ_PROTECT_CLOSE if flags & HANDLE_FLAG_PROTECT_FROM_CLOSE else 0)


def _to_flags(attributes: int) -> int:
    return (HANDLE_FLAG_INHERIT if attributes & OBJ_INHERIT else 0) | \
        (HANDLE_FLAG_PROTECT_FROM_CLOSE if attributes & OBJ_PROTECT_CLOSE else 0)


def console_handle_flags(process) -> dict:
    """handle -> HANDLE_FLAG_* of the process's console handles (the standard ones are inheritable)."""
    return process.console_handle_flags


@export
def SetHandleInformation(ctx, hObject: HANDLE, dwMask: DWORD, dwFlags: DWORD) -> BOOL:
    if is_console_handle(hObject):
        if console_kind(ctx.process, hObject) is None:
            ctx.set_last_error(ERROR_INVALID_HANDLE)
            return 0
        table = console_handle_flags(ctx.process)
        old = table.get(hObject, HANDLE_FLAG_INHERIT)
        table[hObject] = (old & ~dwMask) | (dwFlags & dwMask)
        return 1
    entry = ctx.process.handles.entries.get(hObject & ~3)
    if entry is None or hObject in (NtCurrentProcess, NtCurrentThread):
        ctx.set_last_error(ERROR_INVALID_HANDLE)
        return 0
    mask = _to_attributes(dwMask)
    entry.attributes = (entry.attributes & ~mask) | (_to_attributes(dwFlags) & mask)
    return 1


@export
def GetHandleInformation(ctx, hObject: HANDLE, lpdwFlags: LPDWORD) -> BOOL:
    if is_console_handle(hObject):
        if console_kind(ctx.process, hObject) is None:
            ctx.set_last_error(ERROR_INVALID_HANDLE)
            return 0
        ctx.write_u32(lpdwFlags, console_handle_flags(ctx.process).get(hObject, HANDLE_FLAG_INHERIT))
        return 1
    entry = ctx.process.handles.entries.get(hObject & ~3)
    if entry is None or hObject in (NtCurrentProcess, NtCurrentThread):
        ctx.set_last_error(ERROR_INVALID_HANDLE)
        return 0
    ctx.write_u32(lpdwFlags, _to_flags(entry.attributes))
    return 1


@export
def DuplicateHandle(ctx, hSourceProcessHandle: HANDLE, hSourceHandle: HANDLE, hTargetProcessHandle: HANDLE,
                    lpTargetHandle: PHANDLE, dwDesiredAccess: DWORD, bInheritHandle: BOOL, dwOptions: DWORD) -> BOOL:
    """NtDuplicateObject: a new handle in the target process to the source handle's object (pseudo
    handles of the source process name the process or thread itself); console handles are duplicated
    by the console, within the calling process."""
    source = reference_object(ctx, hSourceProcessHandle, EProcess)
    target = reference_object(ctx, hTargetProcessHandle, EProcess) if hTargetProcessHandle else None
    if is_console_handle(hSourceHandle):
        kind = console_kind(source, hSourceHandle)
        if kind is None or source is not ctx.process or target is not ctx.process:
            ctx.set_last_error(ERROR_INVALID_HANDLE)
            return 0
        handle = 3
        while handle in source.console_handles:
            handle += 4
        source.console_handles[handle] = kind
        console_handle_flags(source)[handle] = HANDLE_FLAG_INHERIT if bInheritHandle else 0
        if dwOptions & DUPLICATE_CLOSE_SOURCE and hSourceHandle not in (0x3, 0x7, 0xB):
            source.console_handles.pop(hSourceHandle, None)
        if lpTargetHandle:
            ctx.write_u32(lpTargetHandle, handle)
        return 1
    if hSourceHandle == NtCurrentProcess:
        obj, access = source, 0x1FFFFF
    elif hSourceHandle == NtCurrentThread and source is ctx.process:
        obj, access = ctx.thread, 0x1FFFFF
    else:
        entry = source.handles.entries.get(hSourceHandle & ~3)
        if entry is None:
            ctx.set_last_error(ERROR_INVALID_HANDLE)
            return 0
        obj, access = entry.obj, entry.access
    if not dwOptions & DUPLICATE_SAME_ACCESS:
        access = dwDesiredAccess
    handle = 0
    if target is not None:
        handle = target.handles.insert(obj, access, OBJ_INHERIT if bInheritHandle else 0)
    if dwOptions & DUPLICATE_CLOSE_SOURCE and hSourceHandle not in (NtCurrentProcess, NtCurrentThread):
        source.handles.close(hSourceHandle)
    if target is None:
        ctx.set_last_error(ERROR_INVALID_HANDLE)    # closing the source only: NtDuplicateObject fails
        return 0
    if lpTargetHandle:
        ctx.write_u32(lpTargetHandle, handle)
    return 1
