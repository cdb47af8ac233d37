"""libloaderapi.h: modules (GetModuleHandle, GetProcAddress, LoadLibrary(Ex), FreeLibrary,
GetModuleFileName), all through the user-mode loader."""

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, FARPROC, HANDLE, HMODULE, LPCSTR, LPCWSTR, LPSTR, LPVOID, LPWSTR
from kernel.rtl.status import STATUS, NtError, dos_error
from .state import kernel32_state

ERROR_MOD_NOT_FOUND = 126
ERROR_PROC_NOT_FOUND = 127
ERROR_INSUFFICIENT_BUFFER = 122


def module_handle(ctx, name: str | None) -> int:
    """GetModuleHandle: NULL is PEB.ImageBaseAddress; a name is looked up in the loader's
    InLoadOrderModuleList as guest memory has it (LdrGetDllHandle); not there: ERROR_MOD_NOT_FOUND."""
    if name is None:
        S = ctx.process.structs
        return ctx.read_u32(ctx.process.peb + S.PEB.offsetof("ImageBaseAddress"))
    loader = ctx.process.ldr
    entry = loader.find_entry(name) if loader else None
    if entry is None:
        ctx.set_last_error(ERROR_MOD_NOT_FOUND)
        return 0
    return loader.entry_field(entry, "DllBase")


@export
def GetModuleHandleA(ctx, lpModuleName: LPCSTR) -> HMODULE:
    return module_handle(ctx, lpModuleName)


@export
def GetModuleHandleW(ctx, lpModuleName: LPCWSTR) -> HMODULE:
    return module_handle(ctx, lpModuleName)


@export
def GetModuleHandleExA(ctx, dwFlags: DWORD, lpModuleName: LPVOID, phModule: LPVOID) -> BOOL:
    return _module_handle_ex(ctx, dwFlags, lpModuleName, phModule, wide=False)


@export
def GetModuleHandleExW(ctx, dwFlags: DWORD, lpModuleName: LPVOID, phModule: LPVOID) -> BOOL:
    return _module_handle_ex(ctx, dwFlags, lpModuleName, phModule, wide=True)


GET_MODULE_HANDLE_EX_FLAG_PIN = 0x1
GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT = 0x2
GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS = 0x4


def _module_handle_ex(ctx, flags, name_ptr, out, wide):
    """GetModuleHandleEx: the module by name or by an address in it; its load count goes up by one
    (the caller owes a FreeLibrary) unless UNCHANGED_REFCOUNT, or it is pinned with PIN."""
    if flags & ~0x7 or (flags & GET_MODULE_HANDLE_EX_FLAG_PIN and flags & GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT):
        if out:
            ctx.write_u32(out, 0)
        ctx.set_last_error(87)
        return 0
    if flags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS:
        loader = ctx.process.ldr
        entry = loader.entry_for_handle(name_ptr, containing=True) if loader else None
        base = loader.entry_field(entry, "DllBase") if entry is not None else 0
        if not base:
            ctx.set_last_error(ERROR_MOD_NOT_FOUND)
    else:
        name = None if not name_ptr else (ctx.read_wstr(name_ptr) if wide else ctx.read_str(name_ptr))
        base = module_handle(ctx, name)
    if base and not flags & GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT:
        module = ctx.process.ldr.module_for_handle(base) if ctx.process.ldr else None
        if module is not None:
            ctx.process.ldr.add_ref(module, pin=bool(flags & GET_MODULE_HANDLE_EX_FLAG_PIN))
    if out:
        ctx.write_u32(out, base)
    return 1 if base else 0


@export
def GetProcAddress(ctx, hModule: HMODULE, lpProcName: LPVOID) -> FARPROC:
    loader = ctx.process.ldr
    module = loader.module_for_handle(hModule) if loader else None
    if module is None:
        ctx.set_last_error(ERROR_MOD_NOT_FOUND)
        return 0
    if lpProcName >> 16 == 0:
        name, ordinal = None, lpProcName
    else:
        name, ordinal = ctx.read_cstr(lpProcName).decode("latin-1"), None
    try:
        address = yield from loader.get_procedure_address(module, name, ordinal)
    except NtError:
        ctx.set_last_error(ERROR_PROC_NOT_FOUND)
        return 0
    return address


def load_library(ctx, name: str | None):
    if not name:
        ctx.set_last_error(87)
        return 0
    try:
        module = yield from ctx.process.ldr.load_dll(name)
    except NtError as e:
        ctx.set_last_error(dos_error(e.status))
        ctx.kernel.trace.event("LoadLibrary failed", str(e))
        return 0
    return module.base


@export
def LoadLibraryA(ctx, lpLibFileName: LPCSTR) -> HMODULE:
    return (yield from load_library(ctx, lpLibFileName))


@export
def LoadLibraryW(ctx, lpLibFileName: LPCWSTR) -> HMODULE:
    return (yield from load_library(ctx, lpLibFileName))


@export
def LoadLibraryExA(ctx, lpLibFileName: LPCSTR, hFile: HANDLE, dwFlags: DWORD) -> HMODULE:
    return (yield from load_library(ctx, lpLibFileName))


@export
def LoadLibraryExW(ctx, lpLibFileName: LPCWSTR, hFile: HANDLE, dwFlags: DWORD) -> HMODULE:
    return (yield from load_library(ctx, lpLibFileName))


@export
def FreeLibrary(ctx, hLibModule: HMODULE) -> BOOL:
    loader = ctx.process.ldr
    module = loader.module_for_handle(hLibModule) if loader else None
    if module is None:
        ctx.set_last_error(ERROR_MOD_NOT_FOUND)
        return 0
    yield from loader.unload_dll(module)
    return 1


def module_file_name(ctx, hModule: int) -> str | None:
    """The FullDllName of the module's entry in guest memory (NULL: the program's, PEB.ImageBaseAddress)."""
    loader = ctx.process.ldr
    if loader is None:
        return ctx.process.image_path if not hModule else None
    if not hModule:
        S = ctx.process.structs
        hModule = ctx.read_u32(ctx.process.peb + S.PEB.offsetof("ImageBaseAddress"))
    entry = loader.entry_for_handle(hModule)
    if entry is None:
        return None
    try:
        return loader.entry_name(entry, "FullDllName")
    except NtError:
        return None


def _copy_name(ctx, name: str | None, buf: int, size: int, wide: bool) -> int:
    if name is None:
        ctx.set_last_error(ERROR_MOD_NOT_FOUND)
        return 0
    data = name.encode("utf-16-le") if wide else name.encode(ctx.kernel.ansi_codepage, "replace")
    unit = 2 if wide else 1
    chars = len(data) // unit
    if chars < size:
        ctx.write(buf, data + b"\0" * unit)
        return chars
    # too small: truncated and terminated, the size returned, ERROR_INSUFFICIENT_BUFFER (Vista and later)
    if size:
        ctx.write(buf, data[:(size - 1) * unit] + b"\0" * unit)
    ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
    return size


@export
def GetModuleFileNameA(ctx, hModule: HMODULE, lpFilename: LPSTR, nSize: DWORD) -> DWORD:
    return _copy_name(ctx, module_file_name(ctx, hModule), lpFilename, nSize, False)


@export
def GetModuleFileNameW(ctx, hModule: HMODULE, lpFilename: LPWSTR, nSize: DWORD) -> DWORD:
    return _copy_name(ctx, module_file_name(ctx, hModule), lpFilename, nSize, True)


LOAD_LIBRARY_SEARCH_DIRS = 0x200 | 0x400 | 0x800 | 0x1000     # APPLICATION_DIR, USER_DIRS, SYSTEM32, DEFAULT_DIRS


@export
def SetDefaultDllDirectories(ctx, DirectoryFlags: DWORD) -> BOOL:
    """Windows 7 SP1 with KB2533623: records the default search flags (0 or other bits:
    ERROR_INVALID_PARAMETER).  The loader's own search order does not change (known difference)."""
    if not DirectoryFlags or DirectoryFlags & ~LOAD_LIBRARY_SEARCH_DIRS:
        ctx.set_last_error(87)
        return 0
    kernel32_state(ctx.process).default_dll_directories = DirectoryFlags
    return 1


@export
def DelayLoadFailureHook(ctx, pszDllName: LPCSTR, pszProcName: LPVOID) -> FARPROC:
    """The delay-load helper's last resort.  Windows 7 returns a stub from its table of system DLLs that
    fails with an error code; ntboot has no such table: NULL (ERROR_PROC_NOT_FOUND), so a call through
    the unresolved import faults, as it does on Windows for a DLL outside the table."""
    ctx.set_last_error(ERROR_PROC_NOT_FOUND)
    return 0
