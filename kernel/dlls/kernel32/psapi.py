"""psapi.h, as Windows 7's kernel32 implements it (K32*; psapi.dll forwards its exports here): the
modules of a process, their names and extents.

The modules are those of the target process's loader, in load order (the program first), as
EnumProcessModules reads them from the process's PEB_LDR_DATA.  A process whose loader has not run
yet (created suspended) has no list: ERROR_PARTIAL_COPY, what reading its empty PEB.Ldr gives on
Windows.  A module handle the process does not have: ERROR_INVALID_HANDLE."""
from __future__ import annotations

import struct

from kernel.ob.handles import reference_object
from kernel.ps.process import EProcess
from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, HMODULE, LPDWORD, LPSTR, LPVOID, LPWSTR

ERROR_INVALID_HANDLE, ERROR_INSUFFICIENT_BUFFER, ERROR_PARTIAL_COPY = 6, 122, 299
LIST_MODULES_32BIT, LIST_MODULES_ALL = 0x01, 0x03


def _modules(ctx, handle: int):
    process = reference_object(ctx, handle, EProcess)
    ldr = process.ldr
    if ldr is None or not ldr.modules or not process.alive:
        ctx.set_last_error(ERROR_PARTIAL_COPY)
        return None
    return ldr.modules


def _module(ctx, handle: int, module: int):
    modules = _modules(ctx, handle)
    if modules is None:
        return None
    for m in modules:
        if (m.is_exe if not module else m.base == module):
            return m
    ctx.set_last_error(ERROR_INVALID_HANDLE)
    return None


def _enum(ctx, process: int, out: int, cb: int, needed: int) -> int:
    modules = _modules(ctx, process)
    if modules is None:
        return 0
    bases = [m.base for m in modules]
    count = min(cb // 4, len(bases))
    if count:
        ctx.write(out, struct.pack(f"<{count}I", *bases[:count]))
    ctx.write_u32(needed, 4 * len(bases))
    return 1


@export
@probe
def K32EnumProcessModules(ctx, hProcess: HANDLE, lphModule: LPVOID, cb: DWORD, lpcbNeeded: LPDWORD) -> BOOL:
    """As many module handles as cb bytes hold; *lpcbNeeded the bytes all of them take."""
    return _enum(ctx, hProcess, lphModule, cb, lpcbNeeded)


@export
@probe
def K32EnumProcessModulesEx(ctx, hProcess: HANDLE, lphModule: LPVOID, cb: DWORD, lpcbNeeded: LPDWORD,
                            dwFilterFlag: DWORD) -> BOOL:
    """A 32-bit process's modules are all 32-bit: every filter lists them (flags beyond
    LIST_MODULES_ALL: ERROR_INVALID_PARAMETER)."""
    if dwFilterFlag & ~LIST_MODULES_ALL:
        ctx.set_last_error(87)
        return 0
    return _enum(ctx, hProcess, lphModule, cb, lpcbNeeded)


def _copy(ctx, text: str, out: int, size: int, wide: bool) -> int:
    """Up to `size` characters of the name, NUL-terminated if there is room; returns the characters
    copied (a name cut short has no terminator, as psapi's copy leaves it)."""
    raw = text.encode("utf-16-le") if wide else text.encode(ctx.kernel.ansi_codepage, "replace")
    unit = 2 if wide else 1
    chars = min(len(raw) // unit, size)
    data = raw[:chars * unit]
    if chars < size:
        data += b"\0" * unit
    if data:
        ctx.write(out, data)
    return chars


def _name(ctx, process: int, module: int, out: int, size: int, wide: bool, full: bool) -> int:
    m = _module(ctx, process, module)
    if m is None:
        return 0
    return _copy(ctx, m.full_name if full else m.base_name, out, size, wide)


@export
@probe
def K32GetModuleBaseNameW(ctx, hProcess: HANDLE, hModule: HMODULE, lpBaseName: LPWSTR, nSize: DWORD) -> DWORD:
    return _name(ctx, hProcess, hModule, lpBaseName, nSize, True, False)


@export
@probe
def K32GetModuleBaseNameA(ctx, hProcess: HANDLE, hModule: HMODULE, lpBaseName: LPSTR, nSize: DWORD) -> DWORD:
    return _name(ctx, hProcess, hModule, lpBaseName, nSize, False, False)


@export
@probe
def K32GetModuleFileNameExW(ctx, hProcess: HANDLE, hModule: HMODULE, lpFilename: LPWSTR, nSize: DWORD) -> DWORD:
    return _name(ctx, hProcess, hModule, lpFilename, nSize, True, True)


@export
@probe
def K32GetModuleFileNameExA(ctx, hProcess: HANDLE, hModule: HMODULE, lpFilename: LPSTR, nSize: DWORD) -> DWORD:
    return _name(ctx, hProcess, hModule, lpFilename, nSize, False, True)


@export
@probe
def K32GetModuleInformation(ctx, hProcess: HANDLE, hModule: HMODULE, lpmodinfo: LPVOID, cb: DWORD) -> BOOL:
    """MODULEINFO: lpBaseOfDll, SizeOfImage, EntryPoint (cb below its 12 bytes:
    ERROR_INSUFFICIENT_BUFFER)."""
    if cb < 12:
        ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
        return 0
    m = _module(ctx, hProcess, hModule)
    if m is None:
        return 0
    ctx.write(lpmodinfo, struct.pack("<III", m.base, m.size, m.entry_point))
    return 1
