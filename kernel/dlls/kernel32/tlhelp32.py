"""tlhelp32.h: Toolhelp snapshots of the emulated processes (CreateToolhelp32Snapshot, Process32First/Next
W/A, Module32First/Next W/A, Thread32First/Next).

The snapshot copies, when it is taken, the list of running processes (PROCESSENTRY32), all their threads
(THREADENTRY32) and the modules of one process (MODULEENTRY32, in load order, the program first); it is
a kernel object (a section on Windows) closed with CloseHandle.  Walking it needs dwSize at least the
structure's size (else ERROR_INVALID_PARAMETER for processes and modules, ERROR_BAD_LENGTH for
threads); its end is ERROR_NO_MORE_FILES.  Heap lists (TH32CS_SNAPHEAPLIST) are recorded as empty."""
from __future__ import annotations

import struct

from kernel.ob.object import KernelObject
from kernel.ps.process import STATUS_PENDING

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPVOID

TH32CS_SNAPHEAPLIST, TH32CS_SNAPPROCESS, TH32CS_SNAPTHREAD, TH32CS_SNAPMODULE, TH32CS_SNAPMODULE32 = 1, 2, 4, 8, 0x10
ERROR_NO_MORE_FILES = 18
ERROR_BAD_LENGTH = 24
ERROR_INVALID_PARAMETER = 87
INVALID_HANDLE_VALUE = 0xFFFFFFFF
NORMAL_PRIORITY = 8
MAX_PATH = 260
MAX_MODULE_NAME32 = 255

PROCESSENTRY32_SIZE = {True: 36 + 2 * MAX_PATH, False: 36 + MAX_PATH}                       # 556, 296
MODULEENTRY32_SIZE = {True: 32 + 2 * (MAX_MODULE_NAME32 + 1) + 2 * MAX_PATH,               # 1064
                      False: 32 + (MAX_MODULE_NAME32 + 1) + MAX_PATH}                        # 548
THREADENTRY32_SIZE = 28


class Snapshot(KernelObject):
    type_name = "Section"

    def __init__(self, processes: list, threads: list, modules: list):
        super().__init__("")
        self.lists = {"process": processes, "thread": threads, "module": modules}
        self.position = {"process": 0, "thread": 0, "module": 0}


def _modules(process) -> list[tuple]:
    loader = process.ldr
    if loader is None:
        return []
    return [(m.base, m.size, 0xFFFF if m.static or m.is_exe else m.load_count, m.base_name, m.full_name)
            for m in loader.modules]


@export
def CreateToolhelp32Snapshot(ctx, dwFlags: DWORD, th32ProcessID: DWORD) -> HANDLE:
    kernel = ctx.kernel
    running = [p for p in kernel.processes if p.alive]
    processes, threads, modules = [], [], []
    if dwFlags & TH32CS_SNAPPROCESS:
        for p in running:
            name = p.image_path.rsplit("\\", 1)[-1] if p.image_path else p.image_name
            count = sum(1 for t in p.threads if t.exit_status == STATUS_PENDING)
            processes.append((p.pid, count, p.parent_pid, name))
    if dwFlags & TH32CS_SNAPTHREAD:
        for p in running:
            for t in p.threads:
                if t.exit_status == STATUS_PENDING:         # not ended
                    threads.append((t.tid, p.pid))
    if dwFlags & (TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32):
        if th32ProcessID in (0, ctx.process.pid):
            target = ctx.process
        else:
            target = next((p for p in running if p.pid == th32ProcessID), None)
            if target is None:
                ctx.set_last_error(ERROR_INVALID_PARAMETER)
                return INVALID_HANDLE_VALUE
        modules = [(target.pid,) + m for m in _modules(target)]
    snapshot = Snapshot(processes, threads, modules)
    return ctx.process.handles.insert(snapshot, 0xF001F | (0x80000000 if dwFlags & 0x80000000 else 0))


def _snapshot(ctx, handle: int) -> Snapshot:
    return ctx.process.handles.lookup(handle, Snapshot)


def _next(ctx, handle: int, kind: str, first: bool, out: int, size_needed: int, size_error: int, write) -> int:
    snapshot = _snapshot(ctx, handle)
    if ctx.read_u32(out) < size_needed:
        ctx.set_last_error(size_error)
        return 0
    if first:
        snapshot.position[kind] = 0
    items = snapshot.lists[kind]
    index = snapshot.position[kind]
    if index >= len(items):
        ctx.set_last_error(ERROR_NO_MORE_FILES)
        return 0
    snapshot.position[kind] = index + 1
    write(items[index])
    return 1


def _text(ctx, text: str, chars: int, wide: bool) -> bytes:
    if wide:
        return text.encode("utf-16-le")[:2 * (chars - 1)].ljust(2 * chars, b"\0")
    return text.encode(ctx.kernel.ansi_codepage, "replace")[:chars - 1].ljust(chars, b"\0")


def _process32(ctx, hSnapshot, lppe, first, wide):
    def write(item):
        pid, threads, parent, name = item
        ctx.write(lppe + 4, struct.pack("<IIIIIIiI", 0, pid, 0, 0, threads, parent, NORMAL_PRIORITY, 0)
                  + _text(ctx, name, MAX_PATH, wide))
    return _next(ctx, hSnapshot, "process", first, lppe, PROCESSENTRY32_SIZE[wide], ERROR_INVALID_PARAMETER, write)


@export
@probe
def Process32FirstW(ctx, hSnapshot: HANDLE, lppe: LPVOID) -> BOOL:
    return _process32(ctx, hSnapshot, lppe, True, True)


@export
@probe
def Process32NextW(ctx, hSnapshot: HANDLE, lppe: LPVOID) -> BOOL:
    return _process32(ctx, hSnapshot, lppe, False, True)


@export
@probe
def Process32First(ctx, hSnapshot: HANDLE, lppe: LPVOID) -> BOOL:
    return _process32(ctx, hSnapshot, lppe, True, False)


@export
@probe
def Process32Next(ctx, hSnapshot: HANDLE, lppe: LPVOID) -> BOOL:
    return _process32(ctx, hSnapshot, lppe, False, False)


def _module32(ctx, hSnapshot, lpme, first, wide):
    def write(item):
        pid, base, size, count, name, path = item
        ctx.write(lpme + 4, struct.pack("<IIIIIII", 1, pid, count, count, base, size, base)
                  + _text(ctx, name, MAX_MODULE_NAME32 + 1, wide) + _text(ctx, path, MAX_PATH, wide))
    return _next(ctx, hSnapshot, "module", first, lpme, MODULEENTRY32_SIZE[wide], ERROR_INVALID_PARAMETER, write)


@export
@probe
def Module32FirstW(ctx, hSnapshot: HANDLE, lpme: LPVOID) -> BOOL:
    return _module32(ctx, hSnapshot, lpme, True, True)


@export
@probe
def Module32NextW(ctx, hSnapshot: HANDLE, lpme: LPVOID) -> BOOL:
    return _module32(ctx, hSnapshot, lpme, False, True)


@export
@probe
def Module32First(ctx, hSnapshot: HANDLE, lpme: LPVOID) -> BOOL:
    return _module32(ctx, hSnapshot, lpme, True, False)


@export
@probe
def Module32Next(ctx, hSnapshot: HANDLE, lpme: LPVOID) -> BOOL:
    return _module32(ctx, hSnapshot, lpme, False, False)


def _thread32(ctx, hSnapshot, lpte, first):
    def write(item):
        tid, pid = item
        ctx.write(lpte + 4, struct.pack("<IIIiiI", 0, tid, pid, NORMAL_PRIORITY, 0, 0))
    return _next(ctx, hSnapshot, "thread", first, lpte, THREADENTRY32_SIZE, ERROR_BAD_LENGTH, write)


@export
@probe
def Thread32First(ctx, hSnapshot: HANDLE, lpte: LPVOID) -> BOOL:
    return _thread32(ctx, hSnapshot, lpte, True)


@export
@probe
def Thread32Next(ctx, hSnapshot: HANDLE, lpte: LPVOID) -> BOOL:
    return _thread32(ctx, hSnapshot, lpte, False)
