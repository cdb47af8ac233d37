"""Fiber-local storage as Windows 7 keeps it in guest memory (the data behind kernel32's Fls*).

FLS came with Windows Vista (Server 2003 for x86 servers): a profile whose PEB has no FLS fields
(XP) has none of this; `supported` says which, and the lifecycle functions do nothing there.

* PEB.FlsBitmap points to an RTL_BITMAP of FLS_MAXIMUM_AVAILABLE (128) bits over PEB.FlsBitmapBits;
  bit 0 is set when the process starts, so the first index handed out is 1.
* PEB.FlsCallback points to a zeroed array of 128 FLS_CALLBACK_INFO {callback, reserved} made from
  the process heap by the first FlsAlloc; PEB.FlsHighIndex is the highest index ever allocated.
* TEB.FlsData points to the thread's FLS_DATA {LIST_ENTRY, Slots[128]} (slot i holds index i), made
  from the process heap when the thread first needs it and linked on PEB.FlsListHead.

At a thread's end (LdrShutdownThread) and at the end of the process for the exiting thread
(LdrShutdownProcess) the callback of every index whose slot is not NULL is called with the value
(`run_callbacks`), before the DLL detach notifications; then the FLS_DATA is unlinked and freed
(`free_data`).  TerminateThread and TerminateProcess run none of this, as on Windows.
"""
from __future__ import annotations

import struct

from ...rtl.heap import HEAP_ZERO_MEMORY

FLS_MAXIMUM_AVAILABLE = 128
FLS_OUT_OF_INDEXES = 0xFFFFFFFF
FLS_DATA_SIZE = 8 + 4 * FLS_MAXIMUM_AVAILABLE      # LIST_ENTRY + Slots[128]
CALLBACK_INFO_SIZE = 8                              # FLS_CALLBACK_INFO: callback, reserved


def supported(process) -> bool:
    """The profile's PEB and TEB have the FLS fields."""
    S = process.structs
    try:
        S.PEB.offsetof("FlsListHead")
        S.TEB.offsetof("FlsData")
    except KeyError:
        return False
    return True


def peb_field(process, name: str) -> int:
    return process.peb + process.structs.PEB.offsetof(name)


def initialize_process(mem, process, bitmap_struct: int) -> None:
    """What LdrpInitializeProcess does for FLS: the empty list, the bitmap with index 0 taken."""
    if not supported(process):
        return
    head = peb_field(process, "FlsListHead")
    bits = peb_field(process, "FlsBitmapBits")
    mem.write(bitmap_struct, struct.pack("<II", FLS_MAXIMUM_AVAILABLE, bits))
    mem.write(head, struct.pack("<II", head, head))
    mem.write(peb_field(process, "FlsBitmap"), struct.pack("<I", bitmap_struct))
    mem.write(bits, struct.pack("<4I", 1, 0, 0, 0))


def read_bits(process) -> int:
    return int.from_bytes(process.machine.read(peb_field(process, "FlsBitmapBits"), 16), "little")


def write_bits(process, bits: int) -> None:
    process.machine.write(peb_field(process, "FlsBitmapBits"), bits.to_bytes(16, "little"))


def data_field(thread) -> int:
    return thread.teb + thread.process.structs.TEB.offsetof("FlsData")


def thread_data(thread) -> int:
    """The thread's FLS_DATA, 0 if it has none yet (or FLS does not exist)."""
    if not supported(thread.process):
        return 0
    return thread.process.machine.read_u32(data_field(thread))


def ensure_thread_data(thread) -> int:
    """The thread's FLS_DATA, made and linked on PEB.FlsListHead if missing; 0 when out of memory."""
    process = thread.process
    m = process.machine
    data = m.read_u32(data_field(thread))
    if data:
        return data
    data = process.heap.allocate(FLS_DATA_SIZE, HEAP_ZERO_MEMORY)
    if not data:
        return 0
    head = peb_field(process, "FlsListHead")
    last = m.read_u32(head + 4)
    m.write(data, struct.pack("<II", head, last))      # InsertTailList
    m.write_u32(last, data)
    m.write_u32(head + 4, data)
    m.write_u32(data_field(thread), data)
    return data


def all_thread_data(process) -> list[int]:
    """Every FLS_DATA on PEB.FlsListHead, in list order."""
    m = process.machine
    head = peb_field(process, "FlsListHead")
    out = []
    link = m.read_u32(head)
    while link and link != head and len(out) < 1 << 16:
        out.append(link)
        link = m.read_u32(link)
    return out


def callback_table(process, create: bool = False) -> int:
    """PEB.FlsCallback (made zeroed on request); 0 if there is none."""
    m = process.machine
    field = peb_field(process, "FlsCallback")
    table = m.read_u32(field)
    if not table and create:
        table = process.heap.allocate(CALLBACK_INFO_SIZE * FLS_MAXIMUM_AVAILABLE, HEAP_ZERO_MEMORY)
        if table:
            m.write_u32(field, table)
    return table


def callback_of(process, index: int) -> int:
    table = callback_table(process)
    return process.machine.read_u32(table + CALLBACK_INFO_SIZE * index) if table else 0


def slot(data: int, index: int) -> int:
    return data + 8 + 4 * index


def run_callbacks(ctx, thread):
    """Generator: the first half of RtlProcessFlsData at a thread's end: call the callback of every
    index that has one and a non-NULL value in this thread, clearing the slot after it."""
    from kernel.ke.dispatch import GuestCall
    process = thread.process
    m = process.machine
    data = thread_data(thread)
    if not data:
        return
    high = min(m.read_u32(peb_field(process, "FlsHighIndex")), FLS_MAXIMUM_AVAILABLE - 1)
    for index in range(1, high + 1):
        value = m.read_u32(slot(data, index))
        callback = callback_of(process, index)
        if value and callback:
            yield GuestCall(callback, (value,),
                            f"FLS callback {process.describe_address(callback)} (index {index})")
            m.write_u32(slot(data, index), 0)


def free_data(thread) -> None:
    """The second half of RtlProcessFlsData: unlink the thread's FLS_DATA and free it."""
    process = thread.process
    m = process.machine
    data = thread_data(thread)
    if not data:
        return
    flink, blink = struct.unpack("<II", m.read(data, 8))
    m.write_u32(blink, flink)            # RemoveEntryList
    m.write_u32(flink + 4, blink)
    process.heap.free(data)
    m.write_u32(data_field(thread), 0)
