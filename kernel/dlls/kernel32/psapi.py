"""psapi.h, the K32* forms in kernel32 (Windows 7; psapi.dll's EnumProcessModules etc. call them):
K32EnumProcessModules, K32GetModuleBaseNameA/W, K32GetModuleFileNameExA/W, K32GetModuleInformation, over
the modules the user-mode loader of the process has loaded (load order, the program first)."""
from __future__ import annotations

import struct

from kernel.ob.handles import reference_object
from kernel.ps.process import EProcess

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, HMODULE, LPDWORD, LPSTR, LPVOID, LPWSTR

ERROR_INVALID_HANDLE, ERROR_INSUFFICIENT_BUFFER = 6, 122


def _modules(ctx, process_handle: int) -> list:
    process = reference_object(ctx, process_handle, EProcess)
    return list(process.ldr.modules) if process.ldr else []


def _module(ctx, process_handle: int, base: int):
    modules = _modules(ctx, process_handle)
    if not base:
        return modules[0] if modules else None
    return next((m for m in modules if m.base == base), None)


@export
@probe
def K32EnumProcessModules(ctx, hProcess: HANDLE, lphModule: LPVOID, cb: DWORD, lpcbNeeded: LPDWORD) -> BOOL:
    """The handles (bases) of the process's modules, as many as cb bytes hold; *lpcbNeeded all of them."""
    bases = [m.base for m in _modules(ctx, hProcess)]
    ctx.write_u32(lpcbNeeded, 4 * len(bases))
    fit = bases[:cb // 4]
    if fit:
        ctx.write(lphModule, struct.pack(f"<{len(fit)}I", *fit))
    return 1


def _copy_name(ctx, text: str | None, buffer: int, size: int, wide: bool) -> int:
    """The characters copied (cut to size - 1 and terminated), 0 with ERROR_INVALID_HANDLE for no module."""
    if text is None:
        ctx.set_last_error(ERROR_INVALID_HANDLE)
        return 0
    if not size:
        ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
        return 0
    data = text.encode("utf-16-le") if wide else text.encode(ctx.kernel.ansi_codepage, "replace")
    unit = 2 if wide else 1
    chars = min(len(data) // unit, size - 1)
    ctx.write(buffer, data[:chars * unit] + b"\0" * unit)
    return chars


def _name(ctx, hProcess, hModule, full: bool) -> str | None:
    m = _module(ctx, hProcess, hModule)
    return None if m is None else (m.full_name if full else m.base_name)


@export
@probe
def K32GetModuleBaseNameW(ctx, hProcess: HANDLE, hModule: HMODULE, lpBaseName: LPWSTR, nSize: DWORD) -> DWORD:
    return _copy_name(ctx, _name(ctx, hProcess, hModule, False), lpBaseName, nSize, True)


@export
@probe
def K32GetModuleBaseNameA(ctx, hProcess: HANDLE, hModule: HMODULE, lpBaseName: LPSTR, nSize: DWORD) -> DWORD:
    return _copy_name(ctx, _name(ctx, hProcess, hModule, False), lpBaseName, nSize, False)


@export
@probe
def K32GetModuleFileNameExW(ctx, hProcess: HANDLE, hModule: HMODULE, lpFilename: LPWSTR, nSize: DWORD) -> DWORD:
    return _copy_name(ctx, _name(ctx, hProcess, hModule, True), lpFilename, nSize, True)


@export
@probe
def K32GetModuleFileNameExA(ctx, hProcess: HANDLE, hModule: HMODULE, lpFilename: LPSTR, nSize: DWORD) -> DWORD:
    return _copy_name(ctx, _name(ctx, hProcess, hModule, True), lpFilename, nSize, False)


@export
@probe
def K32GetModuleInformation(ctx, hProcess: HANDLE, hModule: HMODULE, lpmodinfo: LPVOID, cb: DWORD) -> BOOL:
    """MODULEINFO {lpBaseOfDll, SizeOfImage, EntryPoint}; cb below its 12 bytes: ERROR_INSUFFICIENT_BUFFER."""
    m = _module(ctx, hProcess, hModule)
    if m is None:
        ctx.set_last_error(ERROR_INVALID_HANDLE)
        return 0
    if cb < 12:
        ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
        return 0
    ctx.write(lpmodinfo, struct.pack("<III", m.base, m.size, m.entry_point))
    return 1
