"""fibersapi.h: fiber-local storage (FlsAlloc, FlsFree, FlsGetValue, FlsSetValue).

Threads that are not fibers have one FLS block each; the data lives where Windows 7 keeps it (PEB
FlsBitmap/FlsCallback/FlsListHead/FlsHighIndex, TEB FlsData: see kernel/dlls/ntdll/fls.py), so a
program that reads those fields sees what it would on Windows."""
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, LPVOID, PVOID
from ..ntdll import fls

ERROR_NOT_ENOUGH_MEMORY = 8
ERROR_INVALID_PARAMETER = 87


@export
def FlsAlloc(ctx, lpCallback: LPVOID) -> DWORD:
    """The lowest free index (the first is 1); its slot is cleared in every thread and its callback
    recorded.  Out of indexes: FLS_OUT_OF_INDEXES with ERROR_NOT_ENOUGH_MEMORY (STATUS_NO_MEMORY)."""
    process = ctx.process
    bits = fls.read_bits(process)
    index = next((i for i in range(fls.FLS_MAXIMUM_AVAILABLE) if not bits >> i & 1), None)
    if index is None or not fls.ensure_thread_data(ctx.thread) or not fls.callback_table(process, create=True):
        ctx.set_last_error(ERROR_NOT_ENOUGH_MEMORY)
        return fls.FLS_OUT_OF_INDEXES
    fls.write_bits(process, bits | 1 << index)
    ctx.write(fls.callback_table(process) + fls.CALLBACK_INFO_SIZE * index, lpCallback.to_bytes(4, "little") + bytes(4))
    for data in fls.all_thread_data(process):
        ctx.write_u32(fls.slot(data, index), 0)
    high = fls.peb_field(process, "FlsHighIndex")
    if index > ctx.read_u32(high):
        ctx.write_u32(high, index)
    return index


def _valid_index(index: int) -> bool:
    return 0 < index < fls.FLS_MAXIMUM_AVAILABLE


@export
def FlsFree(ctx, dwFlsIndex: DWORD) -> BOOL:
    """Frees an allocated index: its callback is called (on the calling thread) for every thread whose
    slot holds a value, each slot is cleared, then the index is free again."""
    from kernel.ke.dispatch import GuestCall
    process = ctx.process
    if not _valid_index(dwFlsIndex) or not fls.read_bits(process) >> dwFlsIndex & 1:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    callback = fls.callback_of(process, dwFlsIndex)
    for data in fls.all_thread_data(process):
        value = ctx.read_u32(fls.slot(data, dwFlsIndex))
        if value and callback:
            yield GuestCall(callback, (value,),
                            f"FLS callback {process.describe_address(callback)} (index {dwFlsIndex})")
        ctx.write_u32(fls.slot(data, dwFlsIndex), 0)
    table = fls.callback_table(process)
    if table:
        ctx.write(table + fls.CALLBACK_INFO_SIZE * dwFlsIndex, bytes(fls.CALLBACK_INFO_SIZE))
    fls.write_bits(process, fls.read_bits(process) & ~(1 << dwFlsIndex))
    return 1


@export
def FlsGetValue(ctx, dwFlsIndex: DWORD) -> PVOID:
    """The calling thread's value (NULL before the thread set one), last error ERROR_SUCCESS; an index
    out of range, or a thread without FLS data, gives NULL with ERROR_INVALID_PARAMETER."""
    data = fls.thread_data(ctx.thread)
    if not _valid_index(dwFlsIndex) or not data:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    ctx.set_last_error(0)
    return ctx.read_u32(fls.slot(data, dwFlsIndex))


@export
def FlsSetValue(ctx, dwFlsIndex: DWORD, lpFlsData: PVOID) -> BOOL:
    """Stores the calling thread's value, making its FLS data on first use."""
    if not _valid_index(dwFlsIndex):
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    data = fls.ensure_thread_data(ctx.thread)
    if not data:
        ctx.set_last_error(ERROR_NOT_ENOUGH_MEMORY)
        return 0
    ctx.write_u32(fls.slot(data, dwFlsIndex), lpFlsData)
    return 1
