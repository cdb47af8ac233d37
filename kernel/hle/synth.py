"""Synthesizing the PE image of an emulated system DLL.

Layout of a synthesized DLL (all of it real PE, parsed by the guest like any other DLL):

    headers
    .data   exported variables and the DLL's own data
    .text   stub area:  one 8-byte stub per Python-backed export: `jmp rel32` to a shared `ret n`
                        (the `jmp` is the hooked first instruction, so one callback per call)
            ret area:   one `ret` / `ret n` per distinct pop count
            code area:  hand-written x86 (KiUserApcDispatcher, system-call stubs, ...)
    .edata  the export directory

Images are built once per (DLL, profile) and cached for the life of the Python process.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from loader.pewriter import Export, PeWriter

from ..dlls.export_lists import load_export_list
from .registry import ApiSpec, DataExport, DllSpec

STUB_SIZE = 8
SCN_TEXT = 0x60000020      # code, execute, read
SCN_DATA = 0xC0000040      # initialized data, read, write
SCN_RSRC = 0x40000040      # initialized data, read only


@dataclass
class Unimplemented:
    """An export that exists in Windows but has no handler: calling it stops the run (or, with
    --lenient, returns 0).  `stack_bytes` is the stdcall argument size from the export list (None:
    cdecl or unknown); the stub's `ret` pops what the real function would."""
    name: str
    dll: str
    stack_bytes: int | None = None
    fastcall: bool = False                   # thiscall pops like stdcall: only fastcall differs

    @property
    def pops(self) -> int:
        if self.stack_bytes is None:
            return 0
        return max(0, self.stack_bytes - 8) if self.fastcall else self.stack_bytes


@dataclass
class SynthesizedDll:
    spec: DllSpec
    image: bytes
    size_of_image: int
    stubs: dict = field(default_factory=dict)        # stub RVA -> ApiSpec | Unimplemented
    stub_range: tuple[int, int] = (0, 0)             # RVAs [begin, end) of the stub area
    ret_rvas: dict = field(default_factory=dict)     # pops -> RVA of its `ret`
    exports: dict = field(default_factory=dict)      # name -> RVA (code and data)
    labels: dict = field(default_factory=dict)       # hand-written code labels -> RVA
    entry_rva: int = 0

    def stub_for(self, name: str) -> int:
        return self.exports[name]


_cache: dict[tuple[str, str], SynthesizedDll] = {}


def synthesize(spec: DllSpec, profile) -> SynthesizedDll:
    key = (profile.name, spec.name.lower())
    cached = _cache.get(key)
    if cached is None:
        cached = _cache[key] = _build(spec, profile)
    return cached


# Data exports of the real DLL that ntboot gives no contents: zeroed space of this many bytes
# (a few are arrays whose real size is known).
UNSET_DATA_SIZE = 16
UNSET_DATA_SIZES = {"_mbctype": 257, "_mbcasemap": 257}


def _build(spec: DllSpec, profile) -> SynthesizedDll:
    dll_base_name = spec.name.lower().removesuffix(".dll")
    try:
        known = load_export_list(dll_base_name, profile.name)
    except FileNotFoundError:
        known = None
    # With a list, the DLL exports exactly the list's names (as the profile's Windows does): a
    # handler, forwarder or variable of a later Windows stays out of the export table.
    exported = (lambda name: True) if known is None else (lambda name: name in known)
    known = known or {}
    handlers = {n: a for n, a in spec.handlers().items() if n.startswith(".") or exported(n)}
    forwarders = {n: f for n, f in spec.forwarders.items() if exported(n)}
    data = [d for d in spec.data if exported(d.name)]
    data_names = {d.name for d in data}
    # the list's data exports without contents in ntboot: zeroed variables, so that programs
    # importing them load as on Windows
    data += [DataExport(name, UNSET_DATA_SIZES.get(name, UNSET_DATA_SIZE)) for name, info in sorted(known.items())
             if info.is_data and info.arg_bytes is None and name not in data_names
             and name not in handlers and name not in forwarders]
    data_names = {d.name for d in data}
    syscall_names = set(profile.syscall_numbers) if spec.syscalls else set()

    # which names get a Python stub: handlers, plus every real export that is neither data,
    # forwarded, hand-written code nor a system call (those become "unsupported API" stubs)
    stub_entries: list[tuple[str, ApiSpec | Unimplemented]] = []
    for name, api in sorted(handlers.items()):
        stub_entries.append((name, api))
    for name, info in sorted(known.items()):
        if name in handlers or name in forwarders or name in data_names or name in spec.absent:
            continue
        if spec.syscalls and (name in syscall_names or (name.startswith("Zw") and "Nt" + name[2:] in syscall_names)):
            continue
        stub_entries.append((name, Unimplemented(name, spec.name, info.arg_bytes, info.fastcall)))
    stub_entries.append(("", "entry"))          # the DLL entry point (DllMain) stub, not exported

    writer = PeWriter(spec.name, spec.base)
    # .data first: its RVA is known before any code is generated
    data_blob = bytearray()
    data_rvas = {}
    data_rva = writer.next_section_rva()
    for d in data:
        while len(data_blob) % 8:
            data_blob.append(0)
        data_rvas[d.name] = data_rva + len(data_blob)
        data_blob += d.init.ljust(d.size, b"\0")
    data_blob += b"\0" * 16
    writer.add_section(".data", bytes(data_blob), characteristics=SCN_DATA)

    text_rva = writer.next_section_rva()
    pops_needed = sorted({_pops(api) for _, api in stub_entries})
    stub_area = len(stub_entries) * STUB_SIZE
    ret_rvas = {}
    off = stub_area
    for p in pops_needed:
        ret_rvas[p] = text_rva + off
        off += 1 if p == 0 else 3
    code_off = (off + 15) & ~15
    text = bytearray(code_off)
    stubs = {}
    exports: dict[str, int] = dict(data_rvas)
    internal: dict[str, int] = {}
    entry_rva = 0
    for i, (name, api) in enumerate(stub_entries):
        rva = text_rva + i * STUB_SIZE
        target = ret_rvas[_pops(api)]
        text[i * STUB_SIZE: (i + 1) * STUB_SIZE] = b"\xE9" + struct.pack("<i", target - (rva + 5)) + b"\xCC" * 3
        stubs[rva] = api
        if name.startswith("."):
            internal[name] = rva          # a stub the DLL's own code calls, not exported
        elif name:
            exports[name] = rva
        else:
            entry_rva = rva
    for p, rva in ret_rvas.items():
        o = rva - text_rva
        text[o:o + (1 if p == 0 else 3)] = b"\xC3" if p == 0 else b"\xC2" + struct.pack("<H", p)

    labels = dict(internal)
    if spec.code is not None:
        def resolve(name: str) -> int:
            if name in exports:
                return spec.base + exports[name]
            if name in labels:
                return spec.base + labels[name]
            raise KeyError(f"{spec.name}: unknown symbol {name} in hand-written code")
        code, code_labels = spec.code(resolve, spec.base + text_rva + code_off, profile)
        labels.update({k: text_rva + code_off + v for k, v in code_labels.items()})
        text += code
        for label, o in code_labels.items():
            if not label.startswith(".") and exported(label):
                exports[label] = text_rva + code_off + o
    writer.add_section(".text", bytes(text), characteristics=SCN_TEXT)
    if spec.imports:
        idata_rva = writer.next_section_rva()
        idata, dir_size, iat_rva, iat_size = _import_directory(spec.imports, idata_rva)
        writer.add_section(".idata", idata, characteristics=SCN_DATA)
        writer.set_data_directory(1, idata_rva, dir_size)
        writer.set_data_directory(12, iat_rva, iat_size)
    if _is_system_file(dll_base_name) and profile.file_revision:
        from .version_resource import resource_section, version_info
        rsrc_rva = writer.next_section_rva()
        resource = version_info(spec.name, (profile.major, profile.minor, profile.build, profile.file_revision),
                                profile.build_lab)
        rsrc, dir_size = resource_section(rsrc_rva, resource)
        writer.add_section(".rsrc", rsrc, characteristics=SCN_RSRC)
        writer.set_data_directory(2, rsrc_rva, len(rsrc))
    writer.set_entry_point(entry_rva)
    def ordinal(name: str) -> int | None:
        info = known.get(name)
        return spec.ordinals.get(name, info.ordinal if info is not None else None)
    export_list = [Export(name=n, rva=r, ordinal=ordinal(n)) for n, r in exports.items()]
    export_list += [Export(name=n, forwarder=f, ordinal=ordinal(n)) for n, f in forwarders.items()]
    writer.set_exports(export_list)
    image = writer.build()
    size_of_image = struct.unpack_from("<I", image, struct.unpack_from("<I", image, 0x3C)[0] + 0x50)[0]
    return SynthesizedDll(spec, image, size_of_image, stubs, (text_rva, text_rva + stub_area),
                          ret_rvas, exports, labels, entry_rva)


def _is_system_file(dll_base_name: str) -> bool:
    """A DLL of the Windows version itself (its version resource is the profile's), not a redistributable
    that is the same file on every profile (exports/common/: ucrtbase, vcruntime140)."""
    from importlib import resources
    return not resources.files("kernel.dlls").joinpath("exports", "common", f"{dll_base_name}.txt").is_file()


def _import_directory(imports: dict, rva: int) -> tuple[bytes, int, int, int]:
    """An import directory: descriptors, then lookup tables, IATs, hint/names and DLL names."""
    dlls = list(imports.items())
    desc_size = 20 * (len(dlls) + 1)
    tables = 4 * sum(len(names) + 1 for _, names in dlls)
    ilt_off = desc_size
    iat_off = ilt_off + tables
    strings_off = iat_off + tables
    strings = bytearray()
    descs = bytearray()
    ilt = bytearray()
    for dll, names in dlls:
        dll_name_rva = rva + strings_off + len(strings)
        strings += dll.encode("ascii") + b"\0"
        if len(strings) % 2:
            strings += b"\0"
        entries = []
        for n in names:
            entries.append(rva + strings_off + len(strings))
            strings += struct.pack("<H", 0) + n.encode("ascii") + b"\0"
            if len(strings) % 2:
                strings += b"\0"
        table_rva = len(ilt)
        ilt += b"".join(struct.pack("<I", e) for e in entries) + b"\0" * 4
        descs += struct.pack("<5I", rva + ilt_off + table_rva, 0, 0, dll_name_rva, rva + iat_off + table_rva)
    descs += b"\0" * 20
    data = bytes(descs) + bytes(ilt) + bytes(ilt) + bytes(strings)
    return data, desc_size, rva + iat_off, tables


def _pops(api) -> int:
    if isinstance(api, ApiSpec):
        return api.pops
    if api == "entry":
        return 12                     # DllMain(hinst, reason, reserved), stdcall
    return api.pops                   # unimplemented: what the real export pops (returns only with --lenient)
