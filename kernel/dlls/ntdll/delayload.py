"""Delay-load imports as the loader resolves them for a program's delay-load helper:
LdrResolveDelayLoadedAPI (kernel32's ResolveDelayLoadedAPI forwards here) and LdrResolveDelayLoadsFromDll.

An IMAGE_DELAYLOAD_DESCRIPTOR (32 bytes: Attributes, DllNameRVA, ModuleHandleRVA, ImportAddressTableRVA,
ImportNameTableRVA, BoundImportAddressTableRVA, UnloadInformationTableRVA, TimeDateStamp) names the DLL,
the HMODULE variable, and the IAT and name table of its imports; with Attributes bit 0 clear (Visual C++ 6)
the fields are addresses instead of RVAs.  Resolving the IAT slot `ThunkAddress`: the DLL is loaded once
(LoadLibrary's search; its handle stored in the module-handle variable), the import at the slot's index in
the name table (a name, or an ordinal with the high bit) looked up, the address stored in the slot and
returned.  On failure the FailureDllHook is called, if given, with dliFailLoadLib (3) or dliFailGetProc (4)
and a DELAYLOAD_INFO; if it is absent or returns NULL, the FailureSystemHook (kernel32's
DelayLoadFailureHook) with the DLL and procedure names (an ordinal as MAKEINTRESOURCE); its result is stored
and returned."""
from __future__ import annotations

import struct

from emu.status import MemoryFault

from kernel.ke.dispatch import GuestCall
from kernel.rtl.status import STATUS, NtError, dos_error

from ...hle.registry import export
from ...hle.types import NTSTATUS, PVOID, ULONG

dliFailLoadLib, dliFailGetProc = 3, 4
DELAYLOAD_INFO_SIZE = 36


class _Descriptor:
    def __init__(self, ctx, base: int, address: int):
        (self.attributes, name, handle, iat, int_, _bound, _unload, _stamp) = struct.unpack(
            "<8I", ctx.read(address, 32))
        relative = self.attributes & 1
        at = (lambda v: base + v) if relative else (lambda v: v)
        self.address = address
        self.dll_name_ptr = at(name)
        self.dll_name = ctx.read_cstr(self.dll_name_ptr).decode("latin-1")
        self.handle_ptr = at(handle)
        self.iat = at(iat)
        self.names = at(int_)
        self.at = at

    def import_at(self, ctx, thunk: int) -> tuple[str | None, int | None, int]:
        """(name, ordinal, the name table entry's value) of the import whose IAT slot is `thunk`."""
        entry = ctx.read_u32(self.names + (thunk - self.iat))
        if entry & 0x80000000:
            return None, entry & 0xFFFF, entry
        return ctx.read_cstr(self.at(entry) + 2).decode("latin-1"), None, entry


def _resolve(ctx, base: int, descriptor: _Descriptor, thunk: int, dll_hook: int, system_hook: int):
    """Generator: the address for one IAT slot (already stored there)."""
    loader = ctx.process.ldr
    name, ordinal, entry = descriptor.import_at(ctx, thunk)
    module, reason, error = None, 0, 0
    handle = ctx.read_u32(descriptor.handle_ptr)
    if handle:
        module = loader.module_at(handle)
    if module is None:
        try:
            module = yield from loader.load_dll(descriptor.dll_name)
            ctx.write_u32(descriptor.handle_ptr, module.base)
        except NtError as e:
            reason, error = dliFailLoadLib, dos_error(e.status)
    address = 0
    if module is not None:
        try:
            address = yield from loader.get_procedure_address(module, name, ordinal)
        except NtError as e:
            reason, error = dliFailGetProc, dos_error(e.status)
    if reason:
        ctx.set_last_error(error)
        address = 0
        if dll_hook:
            info = ctx.process.heap.allocate(DELAYLOAD_INFO_SIZE)
            name_field = descriptor.at(entry) + 2 if name is not None else ordinal
            ctx.write(info, struct.pack("<9I", DELAYLOAD_INFO_SIZE, descriptor.address, thunk,
                                        descriptor.dll_name_ptr, 1 if name is not None else 0, name_field,
                                        module.base if module else 0, 0, error))
            address = yield GuestCall(dll_hook, (reason, info), "delay-load failure hook")
            ctx.process.heap.free(info)
        if not address and system_hook:
            proc = descriptor.at(entry) + 2 if name is not None else ordinal
            address = yield GuestCall(system_hook, (descriptor.dll_name_ptr, proc), "delay-load system failure hook")
    ctx.write_u32(thunk, address & 0xFFFFFFFF)
    return address & 0xFFFFFFFF


@export
def LdrResolveDelayLoadedAPI(ctx, ParentModuleBase: PVOID, DelayloadedDescriptor: PVOID, FailureDllHook: PVOID,
                             FailureSystemHook: PVOID, ThunkAddress: PVOID, Flags: ULONG) -> PVOID:
    try:
        descriptor = _Descriptor(ctx, ParentModuleBase, DelayloadedDescriptor)
        descriptor.import_at(ctx, ThunkAddress)
    except MemoryFault:
        raise NtError("STATUS_ACCESS_VIOLATION", "LdrResolveDelayLoadedAPI: a bad descriptor or thunk") from None
    return (yield from _resolve(ctx, ParentModuleBase, descriptor, ThunkAddress, FailureDllHook, FailureSystemHook))


def _delay_descriptors(ctx, base: int):
    e_lfanew = ctx.read_u32(base + 0x3C)
    rva, size = struct.unpack("<II", ctx.read(base + e_lfanew + 0x18 + 0x60 + 8 * 13, 8))
    if not rva:
        return
    at = base + rva
    while ctx.read(at + 4, 4) != b"\0\0\0\0":          # a zero DllNameRVA ends the table
        yield _Descriptor(ctx, base, at)
        at += 32


@export
def LdrResolveDelayLoadsFromDll(ctx, ParentBase: PVOID, TargetDllName: PVOID, Flags: ULONG) -> NTSTATUS:
    """Resolves every delay-load import of the module at ParentBase from the DLL named TargetDllName
    (compared case-insensitively); STATUS_DLL_NOT_FOUND when the module has no delay imports from it, or
    the status of the first import that cannot be resolved."""
    try:
        wanted = ctx.read_cstr(TargetDllName).decode("latin-1").lower()
        descriptors = list(_delay_descriptors(ctx, ParentBase))
    except MemoryFault:
        return STATUS["STATUS_ACCESS_VIOLATION"]
    found = False
    for descriptor in descriptors:
        if descriptor.dll_name.lower() != wanted:
            continue
        found = True
        slot = descriptor.iat
        while ctx.read_u32(descriptor.names + (slot - descriptor.iat)):
            if not (yield from _resolve(ctx, ParentBase, descriptor, slot, 0, 0)):
                return STATUS["STATUS_PROCEDURE_NOT_FOUND"]
            slot += 4
    return 0 if found else STATUS["STATUS_DLL_NOT_FOUND"]
