"""Windows minidumps of an emulated process (what MiniDumpWriteDump writes), for WinDbg and friends.

    data = build_minidump(kernel, process)          # bytes of a .dmp file
    write_minidump(kernel, process, "out.dmp")

Layouts are those of minidumpapiset.h (x86): a MINIDUMP_HEADER ("MDMP"), its stream directory, and
the streams

* ThreadListStream: every thread with its CONTEXT (x86 layout, 0x2CC bytes), TEB and stack memory;
* ModuleListStream: every loaded module (base, size, timestamp, checksum, name as MINIDUMP_STRING);
* MemoryListStream: the committed, readable user memory: PEB, TEBs, stacks and images first, then
  the rest (heaps, process parameters, KUSER_SHARED_DATA ...) up to `MEMORY_CAP` bytes;
* SystemInfoStream: x86, the profile's version (6.1.7601 "Service Pack 1"), processor count;
* MiscInfoStream: process id and creation time;
* MemoryInfoListStream: every region of the address space (MEMORY_BASIC_INFORMATION, free gaps too);
* HandleDataStream: every handle with its type, name and granted access;
* ExceptionStream: when the process ended with an unhandled exception.

A thread's registers: the CPU's for the thread the engine holds, the saved Unicorn context of the
others (restored into the engine for a moment and captured), or the initial CONTEXT of a thread
that never ran.
"""
from __future__ import annotations

import struct
import time

from emu.context import CONTEXT_ALL, CONTEXT_SIZE, capture

MINIDUMP_SIGNATURE = 0x504D444D           # "MDMP"
MINIDUMP_VERSION = 0xA793                 # low word of Version; the high word is implementation-specific

ThreadListStream = 3
ModuleListStream = 4
MemoryListStream = 5
ExceptionStream = 6
SystemInfoStream = 7
HandleDataStream = 12
MiscInfoStream = 15
MemoryInfoListStream = 16

MiniDumpWithDataSegs = 0x1
MiniDumpWithHandleData = 0x4
MiniDumpWithProcessThreadData = 0x100
MiniDumpWithFullMemoryInfo = 0x800

PROCESSOR_ARCHITECTURE_INTEL = 0
VER_PLATFORM_WIN32_NT = 2
MEMORY_CAP = 256 << 20

MEM_COMMIT, MEM_FREE = 0x1000, 0x10000
PAGE_NOACCESS, PAGE_GUARD = 0x01, 0x100
FILETIME_UNIX_EPOCH = 116444736000000000


class _Writer:
    def __init__(self):
        self.buf = bytearray()

    def put(self, data: bytes, align: int = 4) -> int:
        while len(self.buf) % align:
            self.buf.append(0)
        rva = len(self.buf)
        self.buf += data
        return rva

    def string(self, text: str) -> int:
        """A MINIDUMP_STRING: Length in bytes (without the terminator), UTF-16LE, NUL."""
        raw = text.encode("utf-16-le")
        return self.put(struct.pack("<I", len(raw)) + raw + b"\0\0")


def thread_context(process, thread) -> bytes:
    """The thread's CONTEXT (x86, CONTEXT_ALL) as the dump shows it."""
    m = process.machine
    req = thread.request
    if req is not None and req.kind == "start" or (thread.cpu is None and process.current_thread is not thread):
        ctx = bytearray(thread.initial_context or bytes(CONTEXT_SIZE))
        return bytes(ctx.ljust(CONTEXT_SIZE, b"\0")[:CONTEXT_SIZE])
    if req is not None and req.kind == "context":
        return bytes(bytearray(req.data).ljust(CONTEXT_SIZE, b"\0")[:CONTEXT_SIZE])
    if process.current_thread is thread:
        ctx = capture(m, CONTEXT_ALL)
    else:
        saved = m.save_cpu()
        try:
            m.restore_cpu(thread.cpu)
            ctx = capture(m, CONTEXT_ALL)
        finally:
            m.restore_cpu(saved)
    if req is not None and req.kind == "return":
        struct.pack_into("<I", ctx, 0xB8, req.eip)          # where the thread goes on: its EIP
    elif process.current_thread is not thread and thread.resume_eip:
        struct.pack_into("<I", ctx, 0xB8, thread.resume_eip)
    return bytes(ctx)


def _readable(region) -> bool:
    return (region.state == MEM_COMMIT and region.protect and not region.protect & PAGE_GUARD
            and (region.protect & 0xFF) != PAGE_NOACCESS)


def memory_ranges(process, cap: int = MEMORY_CAP) -> list[tuple[int, int]]:
    """(base, size) of the memory to include, merged, in address order; important ranges first
    when the cap bites."""
    regions = [r for r in process.memory.regions() if _readable(r)]

    def priority(r):
        tag = (r.tag or "").lower()
        if tag in ("peb",) or tag.startswith(("teb", "peb")):
            return 0
        if "stack" in tag:
            return 1
        if tag.startswith("image"):
            return 2
        return 3
    chosen, total = [], 0
    for r in sorted(regions, key=lambda r: (priority(r), r.base)):
        if total + r.size > cap:
            continue
        chosen.append((r.base, r.size))
        total += r.size
    chosen.sort()
    merged: list[list[int]] = []
    for base, size in chosen:
        if merged and merged[-1][0] + merged[-1][1] == base:
            merged[-1][1] += size
        else:
            merged.append([base, size])
    return [(b, s) for b, s in merged]


def _all_regions(process) -> list:
    """Every region from the bottom to the top of user space, free gaps included."""
    from emu.memory import RegionInfo
    mem = process.memory
    out = []
    cursor = mem.lowest
    for r in mem.regions():
        if r.base > cursor:
            out.append(RegionInfo(cursor, 0, 0, r.base - cursor, MEM_FREE, PAGE_NOACCESS, 0))
        out.append(r)
        cursor = r.base + r.size
    if cursor < mem.highest + 1:
        out.append(RegionInfo(cursor, 0, 0, mem.highest + 1 - cursor, MEM_FREE, PAGE_NOACCESS, 0))
    return out


def build_minidump(kernel, process, *, timestamp: int | None = None, memory_cap: int = MEMORY_CAP) -> bytes:
    """The minidump of `process` as it is now (see the module doc)."""
    from ntboot.report import module_list
    profile = kernel.profile
    w = _Writer()
    streams: list[tuple[int, int, int]] = []           # (type, size, rva)
    n_streams = 8
    w.put(bytes(32))                                   # header, written last
    dir_rva = w.put(bytes(12 * n_streams))

    # memory first: thread stacks point into it
    m = process.machine
    ranges = memory_ranges(process, memory_cap)
    placed = []                                        # (base, size, rva)
    for base, size in ranges:
        data = m.read(base, size)
        placed.append((base, size, w.put(data, align=16)))

    def locate(address: int, size: int):
        for base, length, rva in placed:
            if base <= address and address + size <= base + length:
                return rva + (address - base)
        return None

    # threads
    thread_entries = []
    contexts = {}
    for t in process.threads:
        ctx = thread_context(process, t)
        contexts[t.tid] = ctx
        ctx_rva = w.put(ctx)
        esp = struct.unpack_from("<I", ctx, 0xC4)[0]
        stack_base = t.stack_base
        start = esp if t.stack_allocation <= esp < stack_base else t.stack_limit
        start &= ~3
        size = max(0, stack_base - start)
        rva = locate(start, size) if size else None
        if rva is None:                  # not in the memory list (odd ESP): copy what is readable
            try:
                data = m.read(start, size) if size else b""
            except Exception:
                data, start = b"", 0
            size = len(data)
            rva = w.put(data) if data else 0
        priority_class, priority = 0x20, 0          # NORMAL_PRIORITY_CLASS, THREAD_PRIORITY_NORMAL
        suspend = 0 if t.state != "initialized" else 1
        thread_entries.append(struct.pack("<IIIIQQII" + "II", t.tid, suspend, priority_class, priority, t.teb,
                                          start, size, rva, CONTEXT_SIZE, ctx_rva))
    data = struct.pack("<I", len(thread_entries)) + b"".join(thread_entries)
    streams.append((ThreadListStream, len(data), w.put(data)))

    # modules
    modules = module_list(kernel, process)
    names = [w.string(mod["path"]) for mod in modules]
    entries = []
    for mod, name_rva in zip(modules, names):
        entries.append(struct.pack("<QIIII", mod["base"], mod["size"], mod["checksum"] & 0xFFFFFFFF,
                                   mod["timestamp"] & 0xFFFFFFFF, name_rva)
                       + bytes(52)                    # VS_FIXEDFILEINFO (no version resource)
                       + bytes(8) + bytes(8)          # CvRecord, MiscRecord
                       + bytes(16))                   # Reserved0, Reserved1
    data = struct.pack("<I", len(entries)) + b"".join(entries)
    streams.append((ModuleListStream, len(data), w.put(data)))

    # memory list
    data = struct.pack("<I", len(placed)) + b"".join(struct.pack("<QII", base, size, rva)
                                                     for base, size, rva in placed)
    streams.append((MemoryListStream, len(data), w.put(data)))

    # system info
    csd_rva = w.string(profile.csd_version)
    vendor = struct.unpack("<III", b"GenuineIntel")
    data = struct.pack("<HHHBBIIIIIHH", PROCESSOR_ARCHITECTURE_INTEL, 6, 0x3A09,
                       profile.number_of_processors, profile.product_type, profile.major, profile.minor,
                       profile.build, VER_PLATFORM_WIN32_NT, csd_rva, profile.suite_mask, 0)
    data += struct.pack("<IIIIII", *vendor, 0x000306A9, 0xBFEBFBFF, 0)
    streams.append((SystemInfoStream, len(data), w.put(data)))

    # misc info: process id and times
    create = max(0, (process.create_time - FILETIME_UNIX_EPOCH) // 10_000_000)
    data = struct.pack("<IIIIII", 24, 0x1 | 0x2, process.pid, create & 0xFFFFFFFF, 0, 0)
    streams.append((MiscInfoStream, len(data), w.put(data)))

    # memory info list
    infos = []
    for r in _all_regions(process):
        protect = r.protect if r.state == MEM_COMMIT else (PAGE_NOACCESS if r.state == MEM_FREE else 0)
        infos.append(struct.pack("<QQIIQIIII", r.base, r.allocation_base, r.allocation_protect, 0, r.size,
                                 r.state, protect, r.type, 0))
    data = struct.pack("<IIQ", 16, 48, len(infos)) + b"".join(infos)
    streams.append((MemoryInfoListStream, len(data), w.put(data)))

    # handles
    handles = []
    for value, entry in sorted(process.handles.entries.items()):
        obj = entry.obj
        type_rva = w.string(getattr(obj, "type_name", "Object"))
        name = getattr(obj, "name", "") or ""
        name_rva = w.string(name) if name else 0
        handles.append(struct.pack("<QIIIIII", value, type_rva, name_rva, entry.attributes, entry.access,
                                   max(1, getattr(obj, "handle_count", 1)), 1))
    data = struct.pack("<IIII", 16, 32, len(handles), 0) + b"".join(handles)
    streams.append((HandleDataStream, len(data), w.put(data)))

    # exception (the process ended with an unhandled exception)
    report = kernel.exceptions.fault_report
    faulted = None
    if report is not None and process.exit_reason == "unhandled exception":
        faulted = next((t for t in process.threads if t is kernel.scheduler.current_thread),
                       process.threads[0] if process.threads else None)
    if faulted is not None:
        ctx_rva = w.put(contexts[faulted.tid])
        record = _minidump_exception(report)
        data = struct.pack("<II", faulted.tid, 0) + record + struct.pack("<II", CONTEXT_SIZE, ctx_rva)
        streams.append((ExceptionStream, len(data), w.put(data)))

    directory = b"".join(struct.pack("<III", t, size, rva) for t, size, rva in streams)
    directory = directory.ljust(12 * n_streams, b"\0")          # unused entries: UnusedStream (0)
    w.buf[dir_rva:dir_rva + len(directory)] = directory
    stamp = int(time.time()) if timestamp is None else timestamp
    flags = MiniDumpWithDataSegs | MiniDumpWithHandleData | MiniDumpWithProcessThreadData | MiniDumpWithFullMemoryInfo
    w.buf[0:32] = struct.pack("<IIIIIIQ", MINIDUMP_SIGNATURE, MINIDUMP_VERSION, n_streams, dir_rva, 0,
                              stamp & 0xFFFFFFFF, flags)
    return bytes(w.buf)


def write_minidump(kernel, process, path: str, **kw) -> int:
    data = build_minidump(kernel, process, **kw)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def _minidump_exception(report) -> bytes:
    """MINIDUMP_EXCEPTION (64-bit fields) from the x86 EXCEPTION_RECORD the process was given:
    code, flags, address and the parameters (an access violation's access type and address)."""
    rec = report.record
    if len(rec) >= 20:
        code, flags, nested, address, count = struct.unpack_from("<IIIII", rec, 0)
        count = min(count, 15, (len(rec) - 20) // 4)
        params = list(struct.unpack_from(f"<{count}I", rec, 20))
    else:
        code, flags, nested, address, params = report.code & 0xFFFFFFFF, 0, 0, report.eip, []
    return (struct.pack("<IIQQII", code, flags, nested, address, len(params), 0)
            + struct.pack("<15Q", *(params + [0] * (15 - len(params)))))
