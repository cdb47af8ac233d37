"""memoryapi.h: VirtualAlloc, VirtualFree, VirtualProtect, VirtualQuery."""
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, LPDWORD, LPVOID, PMEMORY_BASIC_INFORMATION, SIZE_T
from ...nt.memory import allocate_virtual_memory, free_virtual_memory, memory_basic_information
from kernel.rtl.status import NtError


@export
def VirtualAlloc(ctx, lpAddress: LPVOID, dwSize: SIZE_T, flAllocationType: DWORD, flProtect: DWORD) -> LPVOID:
    base, _ = allocate_virtual_memory(ctx.process, lpAddress, dwSize, flAllocationType, flProtect)
    return base


@export
def VirtualFree(ctx, lpAddress: LPVOID, dwSize: SIZE_T, dwFreeType: DWORD) -> BOOL:
    free_virtual_memory(ctx.process, lpAddress, dwSize, dwFreeType)
    return 1


@export
def VirtualProtect(ctx, lpAddress: LPVOID, dwSize: SIZE_T, flNewProtect: DWORD, lpflOldProtect: LPDWORD) -> BOOL:
    old = ctx.process.memory.protect(lpAddress, dwSize, flNewProtect)
    if not lpflOldProtect:
        ctx.set_last_error(998)          # ERROR_NOACCESS: Windows requires the out pointer
        return 0
    ctx.write_u32(lpflOldProtect, old)
    return 1


@export
def VirtualQuery(ctx, lpAddress: LPVOID, lpBuffer: PMEMORY_BASIC_INFORMATION, dwLength: SIZE_T) -> SIZE_T:
    if dwLength < 28 or lpAddress > 0x7FFEFFFF:
        ctx.set_last_error(87)
        return 0
    ctx.write(lpBuffer, memory_basic_information(ctx.process.memory.query(lpAddress)))
    return 28
