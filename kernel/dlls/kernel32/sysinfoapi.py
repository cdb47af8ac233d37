"""sysinfoapi.h / profileapi.h: versions, system information, clocks, processor features, the system
folders and the computer's name."""
import struct

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import (BOOL, DWORD, LPDWORD, LPFILETIME, LPSTR, LPSYSTEM_INFO, LPVOID, LPWSTR, PLARGE_INTEGER,
                          UINT, ULONGLONG, VOID)
from ...nt.system import PERFORMANCE_FREQUENCY


@export
def GetVersion(ctx) -> DWORD:
    p = ctx.kernel.profile
    return p.major | p.minor << 8 | p.build << 16


def _version_ex(ctx, out: int, wide: bool) -> int:
    p = ctx.kernel.profile
    size = ctx.read_u32(out)
    base_size = 276 if wide else 148
    ex_size = 284 if wide else 156
    if size not in (base_size, ex_size):
        ctx.set_last_error(122)
        return 0
    csd = p.csd_version.encode("utf-16-le" if wide else "ascii")
    ctx.write(out + 4, struct.pack("<IIII", p.major, p.minor, p.build, 2))
    ctx.write(out + 20, csd.ljust(256 if wide else 128, b"\0"))
    if size == ex_size:
        off = out + 20 + (256 if wide else 128)
        ctx.write(off, struct.pack("<HHHBB", p.service_pack[0], p.service_pack[1], p.suite_mask,
                                   p.product_type, 0))
    return 1


@export
def GetVersionExA(ctx, lpVersionInformation: LPVOID) -> BOOL:
    return _version_ex(ctx, lpVersionInformation, False)


@export
def GetVersionExW(ctx, lpVersionInformation: LPVOID) -> BOOL:
    return _version_ex(ctx, lpVersionInformation, True)


def _system_info(ctx, out: int) -> None:
    n = ctx.kernel.profile.number_of_processors
    ctx.write(out, struct.pack("<HHIIIIIIIHH", 0, 0, 0x1000, 0x10000, 0x7FFEFFFF, (1 << n) - 1, n,
                               586, 0x10000, 6, 0x2A07))


@export
def GetSystemInfo(ctx, lpSystemInfo: LPSYSTEM_INFO) -> VOID:
    _system_info(ctx, lpSystemInfo)


@export
def GetNativeSystemInfo(ctx, lpSystemInfo: LPSYSTEM_INFO) -> VOID:
    _system_info(ctx, lpSystemInfo)


@export
def GetTickCount(ctx) -> DWORD:
    ctx.kernel.clock.advance(10)
    return ctx.kernel.clock.tick_count() & 0xFFFFFFFF


@export
def GetTickCount64(ctx) -> ULONGLONG:
    ctx.kernel.clock.advance(10)
    return ctx.kernel.clock.tick_count()


@export
def GetSystemTimeAsFileTime(ctx, lpSystemTimeAsFileTime: LPFILETIME) -> VOID:
    ctx.kernel.clock.advance(10)
    ctx.write(lpSystemTimeAsFileTime, struct.pack("<Q", ctx.kernel.clock.system_time()))


@export
def QueryPerformanceCounter(ctx, lpPerformanceCount: PLARGE_INTEGER) -> BOOL:
    kernel = ctx.kernel
    kernel.clock.advance(10)
    ctx.write(lpPerformanceCount, struct.pack("<Q", (kernel.clock.system_time() - kernel.clock.boot_time)
                                               * PERFORMANCE_FREQUENCY // 10_000_000))
    return 1


@export
def QueryPerformanceFrequency(ctx, lpFrequency: PLARGE_INTEGER) -> BOOL:
    ctx.write(lpFrequency, struct.pack("<Q", PERFORMANCE_FREQUENCY))
    return 1


@export
def IsProcessorFeaturePresent(ctx, ProcessorFeature: DWORD) -> BOOL:
    if ProcessorFeature >= 64:
        return 0
    S = ctx.process.structs
    return ctx.read(0x7FFE0000 + S.KUSER_SHARED_DATA.offsetof("ProcessorFeatures") + ProcessorFeature, 1)[0]


@export
def IsDebuggerPresent(ctx) -> BOOL:
    return ctx.read(ctx.process.peb + 2, 1)[0]


# -- memory status: the machine of KUSER_SHARED_DATA.NumberOfPhysicalPages (0x7FF00 pages), half of it
# free, a page file as large as the memory, the 2 GiB user space of a 32-bit process without
# /LARGEADDRESSAWARE (fixed values, so runs repeat)
TOTAL_PHYS = 0x7FF00 * 0x1000
AVAIL_PHYS = TOTAL_PHYS // 2
TOTAL_PAGE_FILE = 2 * TOTAL_PHYS
AVAIL_PAGE_FILE = TOTAL_PAGE_FILE - (TOTAL_PHYS - AVAIL_PHYS)
TOTAL_VIRTUAL = 0x7FFE0000
MEMORY_LOAD = 50


def _avail_virtual(ctx) -> int:
    """The user space not reserved by the process (its address space's regions)."""
    used = sum(a.size for a in ctx.process.memory.allocations() if a.base < 0x7FFE0000)
    return max(TOTAL_VIRTUAL - used, 0)


@export
def GlobalMemoryStatusEx(ctx, lpBuffer: LPVOID) -> BOOL:
    if ctx.read_u32(lpBuffer) != 64:               # dwLength must be sizeof(MEMORYSTATUSEX)
        ctx.set_last_error(87)
        return 0
    ctx.write(lpBuffer + 4, struct.pack("<IQQQQQQQ", MEMORY_LOAD, TOTAL_PHYS, AVAIL_PHYS, TOTAL_PAGE_FILE,
                                        AVAIL_PAGE_FILE, TOTAL_VIRTUAL, _avail_virtual(ctx), 0))
    return 1


@export
def GlobalMemoryStatus(ctx, lpBuffer: LPVOID) -> VOID:
    """The 32-bit form: sizes above 4 GiB are capped (at 0xFFFFFFFF); dwLength is set."""
    def cap(v):
        return min(v, 0xFFFFFFFF)
    ctx.write(lpBuffer, struct.pack("<IIIIIIII", 32, MEMORY_LOAD, cap(TOTAL_PHYS), cap(AVAIL_PHYS),
                                    cap(TOTAL_PAGE_FILE), cap(AVAIL_PAGE_FILE), TOTAL_VIRTUAL, _avail_virtual(ctx)))


# -- the Windows and System32 folders: the length written without the NUL, or, when the buffer
# (in characters) is too small, the size it needs with the NUL; the A forms count ANSI bytes

def system_folder(ctx) -> str:
    """What GetSystemDirectory returns: the Windows folder and "system32", spelled as Windows does."""
    return ctx.kernel.windows_directory + "\\system32"


def _folder(ctx, text: str, buffer: int, size: int, wide: bool) -> int:
    from .fileapi import copy_out
    return copy_out(ctx, text, buffer, size, wide)


@export
@probe
def GetSystemDirectoryW(ctx, lpBuffer: LPWSTR, uSize: UINT) -> UINT:
    return _folder(ctx, system_folder(ctx), lpBuffer, uSize, True)


@export
@probe
def GetSystemDirectoryA(ctx, lpBuffer: LPSTR, uSize: UINT) -> UINT:
    return _folder(ctx, system_folder(ctx), lpBuffer, uSize, False)


@export
@probe
def GetWindowsDirectoryW(ctx, lpBuffer: LPWSTR, uSize: UINT) -> UINT:
    return _folder(ctx, ctx.kernel.windows_directory, lpBuffer, uSize, True)


@export
@probe
def GetWindowsDirectoryA(ctx, lpBuffer: LPSTR, uSize: UINT) -> UINT:
    return _folder(ctx, ctx.kernel.windows_directory, lpBuffer, uSize, False)


@export
@probe
def GetSystemWindowsDirectoryW(ctx, lpBuffer: LPWSTR, uSize: UINT) -> UINT:
    return _folder(ctx, ctx.kernel.windows_directory, lpBuffer, uSize, True)


@export
@probe
def GetSystemWindowsDirectoryA(ctx, lpBuffer: LPSTR, uSize: UINT) -> UINT:
    return _folder(ctx, ctx.kernel.windows_directory, lpBuffer, uSize, False)


# -- the computer's names: the NetBIOS name from the registry's ActiveComputerName; a workgroup
# machine (no DNS domain), so the DNS host name and the fully qualified name are that name too
ERROR_INVALID_PARAMETER = 87
ERROR_BUFFER_OVERFLOW = 111
ERROR_MORE_DATA = 234
COMPUTER_NAME_MAX = 8               # COMPUTER_NAME_FORMAT: NetBIOS .. PhysicalDnsFullyQualified
DNS_DOMAIN_FORMATS = (2, 6)         # ComputerNameDnsDomain, ComputerNamePhysicalDnsDomain


def computer_name(ctx) -> str:
    name = ctx.kernel.registry.get(
        "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ActiveComputerName", "ComputerName")
    return name if isinstance(name, str) and name else "NTBOOT"


def _computer_name_ex(ctx, name_type: int, buffer: int, size_ptr: int, wide: bool) -> int:
    if name_type >= COMPUTER_NAME_MAX or not size_ptr:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    text = "" if name_type in DNS_DOMAIN_FORMATS else computer_name(ctx)
    return _name_out(ctx, text, buffer, size_ptr, wide, ERROR_MORE_DATA)


def _name_out(ctx, text: str, buffer: int, size_ptr: int, wide: bool, too_small_error: int) -> int:
    """The name in the buffer and its length (no NUL) in *nSize; a buffer too small: FALSE,
    too_small_error and the size needed (with the NUL) in *nSize."""
    from .fileapi import encode
    data = encode(ctx, text, wide)
    unit = 2 if wide else 1
    need = len(data) // unit + 1
    if not buffer or ctx.read_u32(size_ptr) < need:
        ctx.write_u32(size_ptr, need)
        ctx.set_last_error(too_small_error)
        return 0
    ctx.write(buffer, data + b"\0" * unit)
    ctx.write_u32(size_ptr, need - 1)
    return 1


@export
@probe
def GetComputerNameW(ctx, lpBuffer: LPWSTR, nSize: LPDWORD) -> BOOL:
    """The NetBIOS name; a buffer too small: ERROR_BUFFER_OVERFLOW (GetComputerNameEx: ERROR_MORE_DATA)."""
    return _name_out(ctx, computer_name(ctx), lpBuffer, nSize, True, ERROR_BUFFER_OVERFLOW)


@export
@probe
def GetComputerNameA(ctx, lpBuffer: LPSTR, nSize: LPDWORD) -> BOOL:
    return _name_out(ctx, computer_name(ctx), lpBuffer, nSize, False, ERROR_BUFFER_OVERFLOW)


@export
@probe
def GetComputerNameExW(ctx, NameType: DWORD, lpBuffer: LPWSTR, nSize: LPDWORD) -> BOOL:
    return _computer_name_ex(ctx, NameType, lpBuffer, nSize, True)


@export
@probe
def GetComputerNameExA(ctx, NameType: DWORD, lpBuffer: LPSTR, nSize: LPDWORD) -> BOOL:
    return _computer_name_ex(ctx, NameType, lpBuffer, nSize, False)


# -- VerifyVersionInfo (winbase.h): RtlVerifyVersionInfo's comparison (kernel/dlls/ntdll/version.py) ------
ERROR_OLD_WIN_VERSION = 1150
ERROR_BAD_ARGUMENTS = 160


def _verify_version(ctx, info: int, type_mask: int, condition_mask: int, wide: bool) -> int:
    from ..ntdll.version import verify_version, version_fields
    result = verify_version(ctx.kernel.profile, version_fields(ctx, info, wide), type_mask, condition_mask)
    if result == "STATUS_SUCCESS":
        return 1
    ctx.set_last_error(ERROR_OLD_WIN_VERSION if result == "STATUS_REVISION_MISMATCH" else ERROR_BAD_ARGUMENTS)
    return 0


@export
@probe
def VerifyVersionInfoW(ctx, lpVersionInformation: LPVOID, dwTypeMask: DWORD, dwlConditionMask: ULONGLONG) -> BOOL:
    """TRUE when the OS meets every requested comparison; else FALSE with ERROR_OLD_WIN_VERSION, or
    ERROR_BAD_ARGUMENTS for an empty type mask or a type without a condition."""
    return _verify_version(ctx, lpVersionInformation, dwTypeMask, dwlConditionMask, True)


@export
@probe
def VerifyVersionInfoA(ctx, lpVersionInformation: LPVOID, dwTypeMask: DWORD, dwlConditionMask: ULONGLONG) -> BOOL:
    return _verify_version(ctx, lpVersionInformation, dwTypeMask, dwlConditionMask, False)
