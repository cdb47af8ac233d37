"""The user-mode loader: what ntdll's Ldr* functions do, with the lists in guest memory.

`Loader` keeps PEB_LDR_DATA and its three LDR_DATA_TABLE_ENTRY lists in guest memory, maps DLLs in
dependency order, relocates images not at their base, binds imports (names, ordinals, forwarder
chains, API sets), sets up static TLS, and runs DLL entry points and TLS callbacks.  It reaches the
rest of the system only through `services` (a narrow interface, as ntdll reaches the kernel through
system calls); calls into guest code are yielded as `call(address, *args)` requests, so every
loader operation that may run guest code is a generator.

Guest memory is the truth: lookups by name or handle (LdrGetDllHandle, LdrGetProcedureAddress,
LdrUnloadDll, GetModuleFileName) walk InLoadOrderModuleList as the guest's memory has it, and the load
count is the entry's LoadCount, so a program that unlinks or renames an entry sees what Windows shows
it.  The Python `Module` objects are an index by base address (image, exports, dependencies, TLS).

Structure layouts come from the profile's struct module (`structs`): the loader is told, not asking.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from emu.status import STATUS, NtError

from .image import PAGE, PeImage, read_imports, read_tls, relocate

DLL_PROCESS_DETACH, DLL_PROCESS_ATTACH, DLL_THREAD_ATTACH, DLL_THREAD_DETACH = 0, 1, 2, 3
REASON_NAMES = {0: "DLL_PROCESS_DETACH", 1: "DLL_PROCESS_ATTACH", 2: "DLL_THREAD_ATTACH",
                3: "DLL_THREAD_DETACH"}

LDRP_STATIC_LINK = 0x00000002
LDRP_IMAGE_DLL = 0x00000004
LDRP_LOAD_IN_PROGRESS = 0x00001000
LDRP_ENTRY_PROCESSED = 0x00004000
LDRP_DONT_CALL_FOR_THREADS = 0x00040000
LDRP_PROCESS_ATTACH_CALLED = 0x00080000

PAGE_READWRITE = 0x04
PAGE_EXECUTE_READWRITE = 0x40

PINNED = 0xFFFF              # LoadCount of a module that is never unloaded (static imports, Windows 7 and XP)
MAX_LIST_ENTRIES = 4096      # a walk of a guest list ends after this many entries (a loop the guest made)


@dataclass
class Module:
    base: int
    size: int
    entry_point: int                 # VA, 0 if none
    full_name: str                   # Win32 path
    base_name: str
    image: PeImage
    entry: int = 0                   # LDR_DATA_TABLE_ENTRY address (its LoadCount is the load count)
    is_exe: bool = False
    static: bool = False
    tls_index: int | None = None
    initialized: bool = False
    dependencies: list = field(default_factory=list)
    _exports: tuple | None = None

    @property
    def end(self) -> int:
        return self.base + self.size


@dataclass
class Call:
    """A request to the caller: run guest `address(*args)` and send back EAX."""
    address: int
    args: tuple
    what: str


class Loader:
    def __init__(self, services, structs, *, exe_base: int, exe_image: PeImage, exe_path: str,
                 ntdll_base: int, ntdll_image: PeImage, ntdll_path: str, peb: int):
        self.services = services
        self.S = structs
        self.peb = peb
        self.modules: list[Module] = []          # load order
        self.init_order: list[Module] = []
        self.ldr_data = 0
        self.tls_modules: list[Module] = []
        self.exe = Module(exe_base, _size(exe_image), _entry(exe_base, exe_image), exe_path,
                          _basename(exe_path), exe_image, is_exe=True, static=True)
        self.ntdll = Module(ntdll_base, _size(ntdll_image), _entry(ntdll_base, ntdll_image), ntdll_path,
                            _basename(ntdll_path), ntdll_image, static=True, initialized=True)
        self.process_initialized = False

    # -- guest memory helpers ----------------------------------------------------------------------
    def _read(self, addr: int, size: int) -> bytes:
        return self.services.read(addr, size)

    def _u32(self, addr: int) -> int:
        return struct.unpack("<I", self.services.read(addr, 4))[0]

    def _w32(self, addr: int, value: int) -> None:
        self.services.write(addr, struct.pack("<I", value & 0xFFFFFFFF))

    def _list_insert_tail(self, head: int, link: int) -> None:
        blink = self._u32(head + 4)
        self._w32(link, head)
        self._w32(link + 4, blink)
        self._w32(blink, link)
        self._w32(head + 4, link)

    def _list_remove(self, link: int) -> None:
        flink, blink = struct.unpack("<II", self._read(link, 8))
        self._w32(blink, flink)
        self._w32(flink + 4, blink)
        self._w32(link, link)
        self._w32(link + 4, link)

    def _unicode_string(self, text: str) -> tuple[int, int, int]:
        data = text.encode("utf-16-le")
        buf = self.services.heap_alloc(len(data) + 2)
        self.services.write(buf, data + b"\0\0")
        return len(data), len(data) + 2, buf

    # -- process initialization (LdrInitializeThunk for the first thread) ---------------------------
    def initialize_process(self):
        """Generator: the whole of LdrpInitializeProcess.  Raises NtError on failure."""
        S = self.S
        sv = self.services
        self.ldr_data = sv.heap_alloc(S.PEB_LDR_DATA.sizeof())
        data = S.PEB_LDR_DATA()
        data.Length = S.PEB_LDR_DATA.sizeof()
        data.Initialized = 1
        sv.write(self.ldr_data, data.to_bytes())
        for name in ("InLoadOrderModuleList", "InMemoryOrderModuleList", "InInitializationOrderModuleList"):
            head = self.ldr_data + S.PEB_LDR_DATA.offsetof(name)
            self._w32(head, head)
            self._w32(head + 4, head)
        self._w32(self.peb + S.PEB.offsetof("Ldr"), self.ldr_data)
        sv.trace("4.4", "PEB_LDR_DATA", ldr=self.ldr_data, lists="InLoadOrder InMemoryOrder InInitializationOrder")

        # the image and ntdll are mapped already; relocate the image if it is not at its base
        if self.exe.base != self.exe.image.info.image_base:
            self._relocate(self.exe)
        self._add_entry(self.exe)
        self._add_entry(self.ntdll)
        self._insert_init_order(self.ntdll)
        sv.trace("4.4", "LdrpInitializeProcess", image=self.exe.base_name, image_base=self.exe.base,
                 ntdll_base=self.ntdll.base)
        self._walk_imports(self.exe, static=True, chain=[self.exe.base_name])
        self._setup_static_tls()
        pending = [m for m in self._init_candidates(self.exe) if not m.initialized]
        yield from self._run_initializers(pending, static=True)
        if self.exe.image and read_tls(self._read, self.exe.base):
            yield from self._call_tls_callbacks(self.exe, DLL_PROCESS_ATTACH)
        self.process_initialized = True

    def _init_candidates(self, root: Module) -> list[Module]:
        """Modules in initialization order: dependencies before the modules that import them."""
        out, seen = [], set()

        def visit(m):
            if id(m) in seen:
                return
            seen.add(id(m))
            for d in m.dependencies:
                visit(d)
            if not m.is_exe:
                out.append(m)
        visit(root)
        return out

    # -- mapping ------------------------------------------------------------------------------------
    def load_order_entries(self):
        """The LDR_DATA_TABLE_ENTRY addresses of InLoadOrderModuleList, walked in guest memory (ntdll's
        own PEB_LDR_DATA, not PEB.Ldr).  A list the guest broke ends the walk: at an unreadable link,
        or after MAX_LIST_ENTRIES entries."""
        if not self.ldr_data:
            return
        head = self.ldr_data + self.S.PEB_LDR_DATA.offsetof("InLoadOrderModuleList")
        links = self.S.LDR_DATA_TABLE_ENTRY.offsetof("InLoadOrderLinks")
        try:
            link = self._u32(head)
            for _ in range(MAX_LIST_ENTRIES):
                if link == head:
                    return
                yield link - links
                link = self._u32(link)
        except NtError:
            return

    def entry_field(self, entry: int, name: str) -> int:
        return self._u32(entry + self.S.LDR_DATA_TABLE_ENTRY.offsetof(name))

    def entry_name(self, entry: int, which: str = "BaseDllName") -> str:
        """An entry's BaseDllName or FullDllName, from guest memory."""
        length, _, buf = struct.unpack("<HHI", self._read(entry + self.S.LDR_DATA_TABLE_ENTRY.offsetof(which), 8))
        return self._read(buf, length & ~1).decode("utf-16-le", "replace") if length else ""

    def find_entry(self, name: str) -> int | None:
        """LdrGetDllHandle's search: the first entry of InLoadOrderModuleList whose BaseDllName (a
        bare name) or FullDllName (a name with a path) is `name`, case-insensitively; a name without
        an extension means NAME.dll, one ending in a dot means no extension."""
        name = name.replace("/", "\\")
        folder, sep, last = name.rpartition("\\")
        if last.endswith("."):
            last = last[:-1]
        elif "." not in last:
            last += ".dll"
        want = (folder + sep + last).lower()
        which = "FullDllName" if sep else "BaseDllName"
        for entry in self.load_order_entries():
            try:
                if self.entry_name(entry, which).lower() == want:
                    return entry
            except NtError:
                continue
        return None

    def entry_for_handle(self, handle: int, *, containing: bool = False) -> int | None:
        """The entry whose DllBase is `handle` (LdrpCheckForLoadedDllHandle), or with `containing`
        the one whose image holds the address (LdrFindEntryForAddress), walked in guest memory."""
        for entry in self.load_order_entries():
            try:
                base = self.entry_field(entry, "DllBase")
                if base == handle or containing and base <= handle < base + self.entry_field(entry, "SizeOfImage"):
                    return entry
            except NtError:
                continue
        return None

    def module_of_entry(self, entry: int | None) -> Module | None:
        """The loader's record of the image an entry names (by its DllBase), if the loader mapped one."""
        if entry is None:
            return None
        try:
            base = self.entry_field(entry, "DllBase")
        except NtError:
            return None
        for m in self.modules:
            if m.base == base:
                return m
        return None

    def find_module(self, name: str) -> Module | None:
        """The loaded module LdrGetDllHandle finds under `name`, or None."""
        return self.module_of_entry(self.find_entry(name))

    def module_for_handle(self, handle: int) -> Module | None:
        """The loaded module whose handle (base) is `handle`, as the guest's list has it, or None."""
        return self.module_of_entry(self.entry_for_handle(handle))

    def load_count(self, m: Module) -> int:
        return struct.unpack("<H", self._read(m.entry + self.S.LDR_DATA_TABLE_ENTRY.offsetof("LoadCount"), 2))[0]

    def _set_load_count(self, m: Module, count: int) -> None:
        self.services.write(m.entry + self.S.LDR_DATA_TABLE_ENTRY.offsetof("LoadCount"), struct.pack("<H", count))

    def add_ref(self, m: Module, *, pin: bool = False) -> None:
        """LdrAddRefDll: one more reference (LoadCount + 1), or with `pin` never unloaded (0xFFFF)."""
        count = self.load_count(m)
        if count != PINNED:
            self._set_load_count(m, PINNED if pin else count + 1)

    def module_at(self, address: int) -> Module | None:
        """The module whose image holds `address` (the loader's own index: for reports and
        exception dispatch, not for the guest's lookups)."""
        for m in self.modules:
            if m.base <= address < m.end:
                return m
        return None

    def _load(self, name: str, *, static: bool, importer: Module | None, chain: list[str]) -> Module:
        """Map a DLL (if not loaded) with its imports; returns the module (init not run)."""
        host = self.services.resolve_api_set(name)
        if host is not None:
            name = host
        path = None
        if any(c in name for c in "\\/:"):       # a path: resolved first, then looked up by full name
            path = self.services.find_dll(name, importer.full_name if importer else self.exe.full_name)
        existing = self.find_module(path or name)
        if existing is not None:
            self.add_ref(existing)         # LdrpUpdateLoadCount: a pinned module stays pinned
            return existing
        if path is None:
            path = self.services.find_dll(name, importer.full_name if importer else self.exe.full_name)
        if path is None:
            who = importer.base_name if importer else self.exe.base_name
            raise NtError("STATUS_DLL_NOT_FOUND",
                          f"{name} was not found (imported by {who}); searched the program folder, "
                          f"the current folder, C:\\Windows\\System32, C:\\Windows and PATH")
        try:
            base, not_at_base, image = self.services.map_image(path)
        except NtError as e:
            raise NtError(e.status, f"{path}: {e}") from None
        if not image.is_dll:
            self.services.unmap_image(base)
            raise NtError("STATUS_INVALID_IMAGE_FORMAT", f"{path} is not a DLL (imported by "
                          f"{importer.base_name if importer else self.exe.base_name})")
        m = Module(base, _size(image), _entry(base, image), path, _basename(path), image, static=static)
        self.services.trace("4.4", "LdrpMapDll", dll=m.base_name, base=base,
                            relocated=bool(not_at_base), path=path)
        if not_at_base:
            self._relocate(m)
        self._add_entry(m)
        self._walk_imports(m, static=static, chain=chain + [m.base_name])
        return m

    def _relocate(self, m: Module) -> None:
        """LdrRelocateImage: apply base relocations with the pages temporarily writable."""
        sv = self.services
        pages, count = relocate(lambda rva, n: sv.read(m.base + rva, n), m.image, m.size, m.base)
        old = sv.protect_all_writable(m.base, m.size)
        for rva, data in sorted(pages.items()):
            sv.write(m.base + rva, bytes(data))
        sv.restore_protections(old)
        sv.trace("4.4", "LdrRelocateImage", dll=m.base_name, base=m.base,
                 preferred_base=m.image.info.image_base, fixups=count)

    def _add_entry(self, m: Module) -> None:
        """Allocate its LDR_DATA_TABLE_ENTRY and append it to the load- and memory-order lists."""
        S = self.S
        E = S.LDR_DATA_TABLE_ENTRY
        sv = self.services
        m.entry = sv.heap_alloc(E.sizeof())
        e = E()
        e.DllBase = m.base
        e.EntryPoint = m.entry_point
        e.SizeOfImage = m.size
        e.FullDllName.Length, e.FullDllName.MaximumLength, e.FullDllName.Buffer = self._unicode_string(m.full_name)
        e.BaseDllName.Length, e.BaseDllName.MaximumLength, e.BaseDllName.Buffer = self._unicode_string(m.base_name)
        e.Flags = (0 if m.is_exe else LDRP_IMAGE_DLL) | (LDRP_STATIC_LINK if m.static and not m.is_exe else 0)
        e.LoadCount = PINNED if m.static else 1     # Windows 7 and XP show static imports as 0xFFFF
        e.TimeDateStamp = m.image.info.timestamp
        e.OriginalBase = m.image.info.image_base
        sv.write(m.entry, e.to_bytes())
        hash_links = m.entry + E.offsetof("HashLinks")
        self._w32(hash_links, hash_links)
        self._w32(hash_links + 4, hash_links)
        for name in ("ForwarderLinks", "ServiceTagLinks", "StaticLinks"):
            try:
                link = m.entry + E.offsetof(name)
            except KeyError:
                continue
            self._w32(link, link)
            self._w32(link + 4, link)
        self._list_insert_tail(self.ldr_data + S.PEB_LDR_DATA.offsetof("InLoadOrderModuleList"),
                               m.entry + E.offsetof("InLoadOrderLinks"))
        self._list_insert_tail(self.ldr_data + S.PEB_LDR_DATA.offsetof("InMemoryOrderModuleList"),
                               m.entry + E.offsetof("InMemoryOrderLinks"))
        init = m.entry + E.offsetof("InInitializationOrderLinks")
        self._w32(init, 0)
        self._w32(init + 4, 0)
        self.modules.append(m)

    def _insert_init_order(self, m: Module) -> None:
        S = self.S
        self._list_insert_tail(self.ldr_data + S.PEB_LDR_DATA.offsetof("InInitializationOrderModuleList"),
                               m.entry + S.LDR_DATA_TABLE_ENTRY.offsetof("InInitializationOrderLinks"))
        self.init_order.append(m)

    def _set_flags(self, m: Module, flags: int) -> None:
        off = m.entry + self.S.LDR_DATA_TABLE_ENTRY.offsetof("Flags")
        self._w32(off, self._u32(off) | flags)

    # -- imports ------------------------------------------------------------------------------------
    def _walk_imports(self, m: Module, *, static: bool, chain: list[str]) -> None:
        """LdrpWalkImportDescriptor: load each imported DLL, then snap the IAT."""
        descriptors = read_imports(self._read, m.base)
        if not descriptors:
            return
        writes = []
        for dll_name, entries in descriptors:
            dep = self._load(dll_name, static=static, importer=m, chain=chain)
            if dep not in m.dependencies and dep is not m:
                m.dependencies.append(dep)
            for imp in entries:
                address = self._resolve_import(dep, imp.name, imp.ordinal, importer=m, chain=chain,
                                               static=static)
                writes.append((m.base + imp.iat_rva, address))
        old = self.services.protect_all_writable(m.base, m.size)
        for where, value in writes:
            self._w32(where, value)
        self.services.restore_protections(old)
        self.services.trace("4.4", "LdrpSnapIAT", dll=m.base_name,
                            imports=sum(len(e) for _, e in descriptors),
                            from_dlls=", ".join(d for d, _ in descriptors))

    def exports_of(self, m: Module):
        if m._exports is None:
            from .image import read_exports
            m._exports = read_exports(_PageCache(self.services.read), m.base)
        return m._exports

    def _resolve_import(self, dep: Module, name: str | None, ordinal: int | None, *, importer: Module,
                        chain: list[str], static: bool, depth: int = 0, snapping: Module | None = None) -> int:
        _, by_name, by_ordinal, _ = self.exports_of(dep)
        if name is not None:
            o = by_name.get(name)
            if o is None:
                raise NtError("STATUS_ENTRYPOINT_NOT_FOUND",
                              f"the procedure entry point {name} could not be located in {dep.base_name}"
                              f" (imported by {importer.base_name})")
        else:
            o = ordinal
        target = by_ordinal.get(o)
        if target is None:
            if name is None:
                raise NtError("STATUS_ORDINAL_NOT_FOUND",
                              f"the ordinal {ordinal} could not be located in {dep.base_name}"
                              f" (imported by {importer.base_name})")
            raise NtError("STATUS_ENTRYPOINT_NOT_FOUND",
                          f"the procedure entry point {name} could not be located in {dep.base_name}")
        if isinstance(target, int):
            return dep.base + target
        # a forwarder "DLL.Name" or "DLL.#ordinal"
        if depth > 16:
            raise NtError("STATUS_INVALID_IMAGE_FORMAT", f"forwarder loop at {dep.base_name}!{name or ordinal}")
        fwd_dll, _, fwd_name = target.rpartition(".")
        fwd = self._load(fwd_dll, static=static, importer=dep, chain=chain)
        # LdrpSnapThunk loads the forwarded-to DLL while it snaps the IAT of the module being bound,
        # after the forwarding DLL went on the initialization list: it is initialized after that
        # one, as the next dependency of the module being bound (XP ldrsnap.c; Wine's
        # find_forwarded_export does the same)
        owner = snapping or importer
        if fwd not in owner.dependencies and fwd is not owner:
            owner.dependencies.append(fwd)
        if fwd_name.startswith("#"):
            return self._resolve_import(fwd, None, int(fwd_name[1:]), importer=dep, chain=chain,
                                        static=static, depth=depth + 1, snapping=owner)
        return self._resolve_import(fwd, fwd_name, None, importer=dep, chain=chain, static=static,
                                    depth=depth + 1, snapping=owner)

    def get_procedure_address(self, m: Module, name: str | None, ordinal: int | None):
        """Generator (a forwarder may load and initialize a DLL): the VA, or NtError."""
        before = set(id(x) for x in self.modules)
        try:
            address = self._resolve_import(m, name, ordinal, importer=m, chain=[m.base_name], static=False)
        except NtError as e:
            raise NtError("STATUS_PROCEDURE_NOT_FOUND" if e.status in
                          (STATUS["STATUS_ENTRYPOINT_NOT_FOUND"], STATUS["STATUS_ORDINAL_NOT_FOUND"]) else e.status,
                          str(e)) from None
        new = [x for x in self.modules if id(x) not in before]
        if new:
            yield from self._run_initializers(self._init_order_of(new), static=False)
        return address

    # -- TLS ----------------------------------------------------------------------------------------
    def _setup_static_tls(self) -> None:
        for m in [self.exe] + [x for x in self.modules if x is not self.exe]:
            tls = read_tls(self._read, m.base)
            if tls is None:
                continue
            m.tls_index = len(self.tls_modules)
            self.tls_modules.append(m)
            if tls.index_address:
                old = self.services.protect_all_writable(m.base, m.size)
                self._w32(tls.index_address, m.tls_index)
                self.services.restore_protections(old)
            self.services.write(m.entry + self.S.LDR_DATA_TABLE_ENTRY.offsetof("TlsIndex"),
                                struct.pack("<H", m.tls_index))
            self.services.trace("4.4", "LdrpInitializeTls", dll=m.base_name, tls_index=m.tls_index,
                                template=f"{tls.start:#x}-{tls.end:#x}", zero_fill=tls.zero_fill)
        self.allocate_thread_tls(self.services.current_teb())

    def allocate_thread_tls(self, teb: int) -> None:
        """LdrpAllocateTls: the thread's ThreadLocalStoragePointer array and a copy of each template."""
        if not self.tls_modules:
            return
        sv = self.services
        array = sv.heap_alloc(4 * max(len(self.tls_modules), 1))
        for m in self.tls_modules:
            tls = read_tls(self._read, m.base)
            # unsigned 32-bit arithmetic, as ntdll's: an end before the start is a huge template
            size = (tls.end - tls.start) & 0xFFFFFFFF
            total = size + tls.zero_fill
            if total >= 0x80000000:
                raise NtError("STATUS_NO_MEMORY", f"{m.base_name}: a TLS block of {total:#x} bytes "
                                                      f"(template {tls.start:#x}-{tls.end:#x}, zero fill {tls.zero_fill:#x})")
            block = sv.heap_alloc(total + 4)         # zeroed: the zero fill needs no writing
            for done in range(0, size, 0x10000):     # the template, 64 KiB at a time
                n = min(0x10000, size - done)
                sv.write(block + done, sv.read(tls.start + done, n))
            self._w32(array + 4 * m.tls_index, block)
        self._w32(teb + self.S.TEB.offsetof("ThreadLocalStoragePointer"), array)

    def _call_tls_callbacks(self, m: Module, reason: int):
        tls = read_tls(self._read, m.base)
        if tls is None or not tls.callbacks_address:
            return
        i = 0
        while True:
            cb = self._u32(tls.callbacks_address + 4 * i)
            if not cb:
                break
            yield Call(cb, (m.base, reason, 0), f"TLS callback {m.base_name}+{cb - m.base:#x} ({REASON_NAMES[reason]})")
            i += 1

    # -- initialization and shutdown ----------------------------------------------------------------
    def _init_order_of(self, new: list[Module]) -> list[Module]:
        ids = {id(m) for m in new}
        order = []
        for root in new:
            for m in self._init_candidates(root):
                if id(m) in ids and m not in order:
                    order.append(m)
        return order

    def _run_initializers(self, modules: list[Module], *, static: bool):
        """LdrpRunInitializeRoutines: TLS callbacks and DllMain(DLL_PROCESS_ATTACH) in order."""
        for m in modules:
            if m.initialized:
                continue
            m.initialized = True
            self._insert_init_order(m)
            self._set_flags(m, LDRP_ENTRY_PROCESSED)
            yield from self._call_tls_callbacks(m, DLL_PROCESS_ATTACH)
            if m.entry_point:
                self._set_flags(m, LDRP_PROCESS_ATTACH_CALLED)
                ok = yield Call(m.entry_point, (m.base, DLL_PROCESS_ATTACH, 1 if static else 0),
                                f"DllMain({m.base_name}, DLL_PROCESS_ATTACH)")
                self.services.trace("4.4", "DllMain", dll=m.base_name, reason="DLL_PROCESS_ATTACH",
                                    returned=ok)
                if not ok & 0xFF:
                    raise NtError("STATUS_DLL_INIT_FAILED",
                                  f"the initialization of {m.base_name} failed: its DllMain returned FALSE "
                                  f"for DLL_PROCESS_ATTACH")

    def load_dll(self, name: str):
        """Generator: LdrLoadDll.  Returns the module; raises NtError."""
        before = set(id(x) for x in self.modules)
        m = self._load(name, static=False, importer=None, chain=[name])
        new = [x for x in self.modules if id(x) not in before]
        if new:
            new_tls = [x for x in new if read_tls(self._read, x.base)]
            for x in new_tls:
                self._add_dynamic_tls(x)
            try:
                yield from self._run_initializers(self._init_order_of(new), static=False)
            except NtError:
                for x in reversed(new):
                    self._unload(x)
                raise
        return m

    def _add_dynamic_tls(self, m: Module) -> None:
        tls = read_tls(self._read, m.base)
        m.tls_index = len(self.tls_modules)
        self.tls_modules.append(m)
        if tls.index_address:
            old = self.services.protect_all_writable(m.base, m.size)
            self._w32(tls.index_address, m.tls_index)
            self.services.restore_protections(old)
        for teb in self.services.all_tebs():
            self.allocate_thread_tls(teb)

    def unload_dll(self, m: Module):
        """Generator: LdrUnloadDll.  Decrements the entry's LoadCount in guest memory (a pinned one,
        0xFFFF, stays); at zero DllMain(DLL_PROCESS_DETACH), the entry leaves the three lists and the
        image is unmapped, and each of its dependencies is released the same way."""
        if m.is_exe:
            return
        count = self.load_count(m)
        if count == PINNED or count == 0:
            return
        count -= 1
        self._set_load_count(m, count)
        if count > 0:
            return
        if m.initialized and m.entry_point:
            yield Call(m.entry_point, (m.base, DLL_PROCESS_DETACH, 0),
                       f"DllMain({m.base_name}, DLL_PROCESS_DETACH)")
        yield from self._call_tls_callbacks(m, DLL_PROCESS_DETACH) if m.tls_index is not None else iter(())
        self._unload(m)
        for dep in m.dependencies:
            if dep in self.modules:
                yield from self.unload_dll(dep)

    def _unload(self, m: Module) -> None:
        S = self.S
        E = S.LDR_DATA_TABLE_ENTRY
        self._list_remove(m.entry + E.offsetof("InLoadOrderLinks"))
        self._list_remove(m.entry + E.offsetof("InMemoryOrderLinks"))
        if m in self.init_order:
            self._list_remove(m.entry + E.offsetof("InInitializationOrderLinks"))
            self.init_order.remove(m)
        self.modules.remove(m)
        self.services.unmap_image(m.base)
        self.services.trace("", "LdrUnloadDll", dll=m.base_name, base=m.base)

    def attach_thread(self):
        """Generator: a new thread's DLL_THREAD_ATTACH to every initialized DLL, then TLS callbacks."""
        for m in list(self.init_order):
            if m is self.ntdll or not m.initialized:
                continue
            if m.tls_index is not None:
                yield from self._call_tls_callbacks(m, DLL_THREAD_ATTACH)
            if m.entry_point:
                yield Call(m.entry_point, (m.base, DLL_THREAD_ATTACH, 0), f"DllMain({m.base_name}, DLL_THREAD_ATTACH)")
        if self.exe.tls_index is not None:
            yield from self._call_tls_callbacks(self.exe, DLL_THREAD_ATTACH)

    def detach_thread(self):
        """Generator: an ending thread's DLL_THREAD_DETACH, in reverse initialization order."""
        for m in reversed(list(self.init_order)):
            if m is self.ntdll or not m.initialized:
                continue
            if m.entry_point:
                yield Call(m.entry_point, (m.base, DLL_THREAD_DETACH, 0), f"DllMain({m.base_name}, DLL_THREAD_DETACH)")
            if m.tls_index is not None:
                yield from self._call_tls_callbacks(m, DLL_THREAD_DETACH)
        if self.exe.tls_index is not None:
            yield from self._call_tls_callbacks(self.exe, DLL_THREAD_DETACH)

    def shutdown_process(self):
        """Generator: LdrShutdownProcess: DLL_PROCESS_DETACH in reverse initialization order."""
        for m in reversed(list(self.init_order)):
            if m is self.ntdll or not m.initialized:
                continue
            if m.tls_index is not None:
                yield from self._call_tls_callbacks(m, DLL_PROCESS_DETACH)
            if m.entry_point:
                yield Call(m.entry_point, (m.base, DLL_PROCESS_DETACH, 1),
                           f"DllMain({m.base_name}, DLL_PROCESS_DETACH)")
        if self.exe.tls_index is not None:
            yield from self._call_tls_callbacks(self.exe, DLL_PROCESS_DETACH)


class _PageCache:
    """Reads guest memory a page at a time, each page once (export parsing makes many small reads)."""

    def __init__(self, read):
        self.read = read
        self.pages: dict[int, bytes] = {}

    def __call__(self, addr: int, size: int) -> bytes:
        out = b""
        while len(out) < size:
            at = addr + len(out)
            page = at & ~(PAGE - 1)
            data = self.pages.get(page)
            if data is None:
                data = self.pages[page] = self.read(page, PAGE)
            out += data[at - page:at - page + size - len(out)]
        return out


def _basename(path: str) -> str:
    return path.replace("/", "\\").rsplit("\\", 1)[-1]


def _size(image: PeImage) -> int:
    return (image.info.size_of_image + 0xFFF) & ~0xFFF


def _entry(base: int, image: PeImage) -> int:
    return image.info.entry_va(base) if image.info.entry_point_rva else 0
