"""ntdll's loader exports (Ldr*): the Python side of LdrInitializeThunk, LdrLoadDll & co."""
from __future__ import annotations

from loader.ldr import Loader

from ...hle.registry import export
from ...hle.types import (NTSTATUS, PANSI_STRING, PCWSTR, PHANDLE, PULONG, PUNICODE_STRING, PVOID,
                          ULONG, VOID)
from kernel.ldr_services import LoaderServices
from kernel.ps.exit import terminate_process, terminate_thread
from kernel.rtl.status import STATUS, NtError


def create_loader(ctx) -> Loader:
    process = ctx.process
    kernel = ctx.kernel
    from ...rtl.heap import Heap
    info = process.section.image.info
    try:
        process.heap = Heap(process, reserve=info.heap_reserve or 0x100000, commit=info.heap_commit or 0x1000,
                            tag="process heap")
    except NtError as e:               # RtlCreateHeap fails: so does process initialization
        raise NtError("STATUS_NO_MEMORY", f"the process heap (reserve {info.heap_reserve:#x}, commit "
                                              f"{info.heap_commit:#x}) cannot be created: {e}") from None
    process.heaps.append(process.heap)
    S = process.structs
    ctx.write_u32(process.peb + S.PEB.offsetof("ProcessHeap"), process.heap.base)
    ctx.write_u32(process.peb + S.PEB.offsetof("NumberOfHeaps"), 1)
    ctx.write_u32(ctx.read_u32(process.peb + S.PEB.offsetof("ProcessHeaps")), process.heap.base)
    kernel.trace.step("4.4", "RtlCreateHeap", heap=process.heap.base, reserve=process.heap.reserve_size,
                      role="process heap")
    ntdll_section = process.mapped_images[process.ntdll_base]
    loader = Loader(LoaderServices(kernel, process), S, exe_base=process.image_base,
                    exe_image=process.section.image, exe_path=process.image_path,
                    ntdll_base=process.ntdll_base, ntdll_image=ntdll_section.image,
                    ntdll_path=ntdll_section.path, peb=process.peb)
    process.ldr = loader
    return loader


@export
def LdrInitializeThunk(ctx, NormalContext: PVOID, SystemArgument1: PVOID, SystemArgument2: PVOID) -> VOID:
    """(CPU) the APC routine of every new thread: process initialization for the first one.

    BOOT-FLOW 4.4: KiUserApcDispatcher calls it as the APC's NormalRoutine with three arguments and
    then calls NtContinue itself.  (Windows 7's export pops 16 bytes: there the CONTEXT that follows
    is its fourth argument and it continues the thread on its own.)"""
    kernel = ctx.kernel
    kernel.trace.step("4.4", "LdrInitializeThunk", tid=ctx.thread.tid, ntdll_base=SystemArgument1)
    if ctx.process.ldr is None:
        try:
            loader = create_loader(ctx)
            yield from loader.initialize_process()
        except NtError as e:
            kernel.trace.step("4.4", "LdrpInitializationFailure", status=e.status_name, message=str(e))
            terminate_process(kernel, ctx.process, e.status, reason="loader error", message=str(e))
            return
    else:
        loader = ctx.process.ldr
        try:
            loader.allocate_thread_tls(ctx.thread.teb)
            yield from loader.attach_thread()
        except NtError as e:                 # LdrpInitialize ends a thread it cannot initialize
            kernel.trace.step("4.4", "LdrpInitializationFailure", status=e.status_name, message=str(e))
            terminate_thread(kernel, ctx.thread, e.status)


def loader_of(ctx) -> Loader:
    return ctx.process.ldr


@export
def LdrLoadDll(ctx, PathToFile: PCWSTR, Flags: PULONG, ModuleFileName: PUNICODE_STRING,
               ModuleHandle: PHANDLE) -> NTSTATUS:
    name = ctx.read_unicode_string(ModuleFileName)
    try:
        module = yield from loader_of(ctx).load_dll(name)
    except NtError as e:
        return e.status
    ctx.write_u32(ModuleHandle, module.base)
    return 0


@export
def LdrGetDllHandle(ctx, DllPath: PCWSTR, DllCharacteristics: PULONG, DllName: PUNICODE_STRING,
                    DllHandle: PVOID) -> NTSTATUS:
    loader = loader_of(ctx)
    entry = loader.find_entry(ctx.read_unicode_string(DllName))
    if entry is None:
        return STATUS["STATUS_DLL_NOT_FOUND"]
    ctx.write_u32(DllHandle, loader.entry_field(entry, "DllBase"))
    return 0


@export
def LdrGetProcedureAddress(ctx, DllHandle: PVOID, ProcedureName: PANSI_STRING, ProcedureNumber: ULONG,
                           ProcedureAddress: PVOID) -> NTSTATUS:
    loader = loader_of(ctx)
    module = loader.module_for_handle(DllHandle)
    if module is None:
        return STATUS["STATUS_DLL_NOT_FOUND"]
    name = None
    if ProcedureName:
        import struct
        length, _, buf = struct.unpack("<HHI", ctx.read(ProcedureName, 8))
        name = ctx.read(buf, length).decode("latin-1")
    try:
        address = yield from loader.get_procedure_address(module, name, None if name else ProcedureNumber)
    except NtError as e:
        return e.status
    ctx.write_u32(ProcedureAddress, address)
    return 0


@export
def LdrUnloadDll(ctx, DllHandle: PVOID) -> NTSTATUS:
    loader = loader_of(ctx)
    module = loader.module_for_handle(DllHandle)
    if module is None:
        return STATUS["STATUS_DLL_NOT_FOUND"]
    yield from loader.unload_dll(module)
    return 0
