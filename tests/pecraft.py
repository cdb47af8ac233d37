"""pecraft: a tiny, readable builder of PE32 (i386) images for tests, able to express odd layouts.

Nothing is laid out behind the test's back: every section has the RVA the test gives it, and the
tables (imports, exports, relocations) are built for an RVA the test chooses, then placed wherever
the test wants them: in a section of their own, inside another section, or in the headers.

    pe = PE(base=0x400000)
    imp = Imports({"kernel32.dll": ["GetStdHandle", "WriteFile", "ExitProcess"]})
    pe.put_imports(imp, rva=0x2000)                    # builds the tables for RVA 0x2000
    text = Asm(pe.va(0x1000), base=pe.base)
    write_stdout_then_exit(text, pe.iat(imp), "hello\\n", 3)
    pe.add_section(".text", 0x1000, text.assemble(), CODE)
    pe.add_section(".idata", 0x2000, imp.blob, DATA)
    pe.entry = 0x1000
    pe.write(tmp_path / "hello.exe")

File layout: the headers are bytes 0..SizeOfHeaders of the file (what `put_header` wrote, over
the DOS, PE and section headers); each section's raw data follows at the next FileAlignment
boundary unless the test gives `raw_offset`.  For images mapped flat (SectionAlignment below a
page) pass `raw_offset=rva`.  `build()` checks nothing Windows would check: odd is the point.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

# -- constants ---------------------------------------------------------------------------------------
IMAGE_FILE_RELOCS_STRIPPED = 0x0001
IMAGE_FILE_EXECUTABLE_IMAGE = 0x0002
IMAGE_FILE_32BIT_MACHINE = 0x0100
IMAGE_FILE_DLL = 0x2000

IMAGE_SCN_CNT_CODE = 0x00000020
IMAGE_SCN_CNT_INITIALIZED_DATA = 0x00000040
IMAGE_SCN_CNT_UNINITIALIZED_DATA = 0x00000080
IMAGE_SCN_MEM_SHARED = 0x10000000
IMAGE_SCN_MEM_EXECUTE = 0x20000000
IMAGE_SCN_MEM_READ = 0x40000000
IMAGE_SCN_MEM_WRITE = 0x80000000

CODE = IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_MEM_READ
RDATA = IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ
DATA = IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE
BSS = IMAGE_SCN_CNT_UNINITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE
RWX = CODE | IMAGE_SCN_MEM_WRITE

DIR_EXPORT, DIR_IMPORT, DIR_BASERELOC, DIR_IAT = 0, 1, 5, 12

# page protections (what VirtualQuery reports)
PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY = 0x01, 0x02, 0x04, 0x08
PAGE_EXECUTE, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY = 0x10, 0x20, 0x40, 0x80

STD_OUTPUT_HANDLE = -11


def align(value: int, alignment: int) -> int:
    return (value + alignment - 1) // alignment * alignment


# -- the image ---------------------------------------------------------------------------------------
@dataclass
class Section:
    name: str
    rva: int
    data: bytes = b""                 # the raw bytes in the file
    characteristics: int = DATA
    virtual_size: int | None = None   # None: len(data)
    raw_size: int | None = None       # SizeOfRawData; None: len(data) rounded up to FileAlignment
    raw_offset: int | None = None     # PointerToRawData; None: the next FileAlignment boundary

    @property
    def vsize(self) -> int:
        return len(self.data) if self.virtual_size is None else self.virtual_size


@dataclass
class PE:
    base: int = 0x400000
    section_alignment: int = 0x1000
    file_alignment: int = 0x200
    e_lfanew: int = 0x40
    dll: bool = False
    entry: int = 0                            # AddressOfEntryPoint (RVA)
    subsystem: int = 3                        # IMAGE_SUBSYSTEM_WINDOWS_CUI
    subsystem_version: tuple[int, int] = (5, 1)
    os_version: tuple[int, int] = (5, 1)
    characteristics: int | None = None        # None: EXECUTABLE_IMAGE | 32BIT_MACHINE (| DLL)
    dll_characteristics: int = 0
    size_of_headers: int | None = None        # None: the headers rounded up to FileAlignment
    size_of_image: int | None = None          # None: end of the last section (or headers), aligned
    number_of_rva_and_sizes: int = 16
    size_of_optional_header: int | None = None    # None: 0x60 + 8 * number_of_rva_and_sizes
    number_of_sections: int | None = None     # None: len(sections); the table is written anyway
    stack_reserve: int = 0x100000
    stack_commit: int = 0x1000
    machine: int = 0x014C
    dos_stub: bool = True                     # a "This program cannot be run in DOS mode" stub at 0x40
    sections: list[Section] = field(default_factory=list)
    directories: dict[int, tuple[int, int]] = field(default_factory=dict)
    header_patches: list[tuple[int, bytes]] = field(default_factory=list)
    file_tail: bytes = b""                    # appended after everything (overlay)
    file_size: int | None = None              # cut (or pad) the file to this many bytes

    # -- building blocks -------------------------------------------------------------------------
    def va(self, rva: int) -> int:
        return self.base + rva

    def add_section(self, name: str, rva: int, data: bytes = b"", characteristics: int = DATA, *,
                    virtual_size: int | None = None, raw_size: int | None = None,
                    raw_offset: int | None = None) -> Section:
        s = Section(name, rva, bytes(data), characteristics, virtual_size, raw_size, raw_offset)
        self.sections.append(s)
        return s

    def put_header(self, offset: int, data: bytes) -> None:
        """Bytes written into the header area (file offset == RVA there), over the built headers."""
        self.header_patches.append((offset, bytes(data)))

    def directory(self, index: int, rva: int, size: int) -> None:
        self.directories[index] = (rva, size)

    def put_imports(self, imports: "Imports", rva: int, *, iat_rva: int | None = None) -> bytes:
        """Build the import tables for `rva` (and the IAT for `iat_rva`, if apart) and point the
        directories at them; returns the blob (also `imports.blob`) for the test to place."""
        blob = imports.build(rva, iat_rva=iat_rva)
        self.directory(DIR_IMPORT, imports.rva, imports.descriptors_size)
        self.directory(DIR_IAT, imports.iat_start, imports.iat_size)
        return blob

    def put_exports(self, exports: "Exports", rva: int) -> bytes:
        blob = exports.build(rva)
        self.directory(DIR_EXPORT, rva, len(blob))
        return blob

    def put_relocations(self, rvas, rva: int) -> bytes:
        blob = relocations(rvas)
        self.directory(DIR_BASERELOC, rva, len(blob))
        return blob

    def iat(self, imports: "Imports") -> dict:
        """name (or ordinal) -> VA of its IAT slot, for code that calls through it."""
        return {k: self.base + v for k, v in imports.slots.items()}

    # -- the file ---------------------------------------------------------------------------------
    def headers_end(self) -> int:
        """Where the section table ends (the minimum SizeOfHeaders)."""
        opt_size = self._opt_size()
        return self.e_lfanew + 0x18 + opt_size + 40 * len(self.sections)

    def _opt_size(self) -> int:
        if self.size_of_optional_header is not None:
            return self.size_of_optional_header
        return 0x60 + 8 * self.number_of_rva_and_sizes

    def effective_size_of_headers(self) -> int:
        if self.size_of_headers is not None:
            return self.size_of_headers
        end = max([self.headers_end()] + [o + len(d) for o, d in self.header_patches])
        return align(end, self.file_alignment)

    def effective_size_of_image(self) -> int:
        if self.size_of_image is not None:
            return self.size_of_image
        end = self.effective_size_of_headers()
        for s in self.sections:
            end = max(end, s.rva + max(s.vsize, 1))
        return align(end, self.section_alignment)

    def build(self) -> bytes:
        fa = self.file_alignment
        soh = self.effective_size_of_headers()
        # raw placement of each section
        placed = []
        cursor = align(soh, fa)
        for s in self.sections:
            raw_size = align(len(s.data), fa) if s.raw_size is None else s.raw_size
            if s.raw_offset is not None:
                off = s.raw_offset
            elif raw_size or s.data:
                off = cursor
            else:
                off = 0
            if raw_size or s.data:
                cursor = max(cursor, align(off + max(raw_size, len(s.data)), fa))
            placed.append((s, off, raw_size))
        file_size = max([soh] + [off + max(rs, len(s.data)) for s, off, rs in placed if rs or s.data])
        out = bytearray(file_size)

        # the DOS header (and stub)
        out[0:2] = b"MZ"
        if self.e_lfanew >= 0x40:
            struct.pack_into("<HHHHHHHHHH", out, 2, 0x90, 3, 0, 4, 0, 0xFFFF, 0, 0xB8, 0, 0)
            struct.pack_into("<H", out, 0x18, 0x40)
            if self.dos_stub and self.e_lfanew >= 0x40 + len(DOS_STUB):
                out[0x40:0x40 + len(DOS_STUB)] = DOS_STUB
        self._put(out, 0x3C, struct.pack("<I", self.e_lfanew))

        # the PE header: signature, COFF header, optional header, section table
        pe = self.e_lfanew
        chars = self.characteristics
        if chars is None:
            chars = IMAGE_FILE_EXECUTABLE_IMAGE | IMAGE_FILE_32BIT_MACHINE | (IMAGE_FILE_DLL if self.dll else 0)
        nsections = len(self.sections) if self.number_of_sections is None else self.number_of_sections
        opt_size = self._opt_size()
        code_size = sum(align(s.vsize, fa) for s in self.sections if s.characteristics & IMAGE_SCN_CNT_CODE)
        idata_size = sum(align(s.vsize, fa) for s in self.sections
                         if s.characteristics & IMAGE_SCN_CNT_INITIALIZED_DATA)
        base_of_code = next((s.rva for s in self.sections if s.characteristics & IMAGE_SCN_CNT_CODE), 0)
        header = bytearray(b"PE\0\0")
        header += struct.pack("<HHIIIHH", self.machine, nsections, 0x4E000000, 0, 0, opt_size, chars)
        opt = bytearray(max(opt_size, 0x60 + 8 * self.number_of_rva_and_sizes))
        struct.pack_into("<HBBIIIIII", opt, 0, 0x10B, 10, 0, code_size, idata_size, 0, self.entry,
                         base_of_code, 0)
        struct.pack_into("<III", opt, 0x1C, self.base, self.section_alignment, self.file_alignment)
        struct.pack_into("<6H", opt, 0x28, self.os_version[0], self.os_version[1], 0, 0,
                         self.subsystem_version[0], self.subsystem_version[1])
        struct.pack_into("<IIIIHH", opt, 0x34, 0, self.effective_size_of_image(), soh, 0, self.subsystem,
                         self.dll_characteristics)
        struct.pack_into("<IIIIII", opt, 0x48, self.stack_reserve, self.stack_commit, 0x100000, 0x1000, 0,
                         self.number_of_rva_and_sizes)
        for index, (rva, size) in self.directories.items():
            if 0x60 + 8 * index + 8 <= len(opt):
                struct.pack_into("<II", opt, 0x60 + 8 * index, rva, size)
        header += opt[:opt_size] if opt_size <= len(opt) else opt.ljust(opt_size, b"\0")
        for s, off, raw_size in placed:
            header += struct.pack("<8sIIIIIIHHI", s.name.encode("latin-1")[:8], s.vsize, s.rva, raw_size,
                                  off if (raw_size or s.data) else 0, 0, 0, 0, 0, s.characteristics)
        self._put(out, pe, bytes(header))

        # the sections' raw data
        for s, off, raw_size in placed:
            if s.data:
                out[off:off + len(s.data)] = s.data
        # header patches last: the test said so
        for offset, data in self.header_patches:
            self._put(out, offset, data)
        if struct.unpack_from("<I", out, 0x3C)[0] != self.e_lfanew:
            raise ValueError(f"e_lfanew {self.e_lfanew:#x} was overwritten by the headers "
                             f"(now {struct.unpack_from('<I', out, 0x3C)[0]:#x}): choose fields that agree")
        out = bytes(out) + self.file_tail
        if self.file_size is not None:
            out = out[:self.file_size].ljust(self.file_size, b"\0")
        return out

    @staticmethod
    def _put(out: bytearray, offset: int, data: bytes) -> None:
        if offset + len(data) > len(out):
            out.extend(bytes(offset + len(data) - len(out)))
        out[offset:offset + len(data)] = data

    def write(self, path) -> str:
        data = self.build()
        with open(path, "wb") as f:
            f.write(data)
        return str(path)


DOS_STUB = bytes.fromhex("0e1fba0e00b409cd21b8014ccd21") + b"This program cannot be run in DOS mode.\r\r\n$"


# -- imports -----------------------------------------------------------------------------------------
class Imports:
    """An import directory: {dll: [name or ordinal, ...]} (an int is an import by ordinal).

    `build(rva)` lays out, from rva: the descriptors (and their null terminator), then for each DLL
    its lookup table (ILT) and its IAT (unless `iat_rva` puts all IATs elsewhere), then the
    hint/name entries and the DLL names.  The size does not depend on the RVA.  After building,
    `slots[name]` (or `slots[(dll, name)]`) is the RVA of that import's IAT slot.
    """

    def __init__(self, imports: dict, *, hint: int = 0, no_ilt: bool = False):
        self.imports = {dll: list(names) for dll, names in imports.items()}
        self.hint = hint
        self.no_ilt = no_ilt          # OriginalFirstThunk 0: the loader reads the IAT itself
        self.slots: dict = {}
        self.rva = self.iat_start = self.iat_size = 0
        self.blob = b""
        self.iat_blob = b""

    @property
    def descriptors_size(self) -> int:
        return 20 * (len(self.imports) + 1)

    def _iat_size(self) -> int:
        return sum(4 * (len(n) + 1) for n in self.imports.values())

    def size(self, *, separate_iat: bool = False) -> int:
        return len(self._layout(0, None if not separate_iat else 0x10000000)[0])

    def build(self, rva: int, *, iat_rva: int | None = None) -> bytes:
        self.blob, self.iat_blob, self.slots, first_iat = self._layout(rva, iat_rva)
        self.rva = rva
        self.iat_start = first_iat
        self.iat_size = self._iat_size()
        return self.blob

    def _layout(self, rva: int, iat_rva: int | None):
        dlls = list(self.imports)
        pos = self.descriptors_size
        ilt_at, iat_at = {}, {}
        for dll in dlls:
            if not self.no_ilt:
                ilt_at[dll] = pos
                pos += 4 * (len(self.imports[dll]) + 1)
            if iat_rva is None:
                iat_at[dll] = pos
                pos += 4 * (len(self.imports[dll]) + 1)
        names_at = {}
        for dll in dlls:
            for name in self.imports[dll]:
                if isinstance(name, str) and (dll, name) not in names_at:
                    names_at[(dll, name)] = pos
                    pos += align(2 + len(name) + 1, 2)
        dllname_at = {}
        for dll in dlls:
            dllname_at[dll] = pos
            pos += len(dll) + 1
        blob = bytearray(align(pos, 4))
        iat_blob = bytearray(self._iat_size() if iat_rva is not None else 0)
        iat_cursor = 0
        slots = {}
        first_iat = None
        for i, dll in enumerate(dlls):
            thunks = []
            for name in self.imports[dll]:
                if isinstance(name, int):
                    thunks.append(0x80000000 | name)
                else:
                    thunks.append(rva + names_at[(dll, name)])
            if iat_rva is None:
                iat_here = rva + iat_at[dll]
                for j, t in enumerate(thunks):
                    struct.pack_into("<I", blob, iat_at[dll] + 4 * j, t)
            else:
                iat_here = iat_rva + iat_cursor
                for j, t in enumerate(thunks):
                    struct.pack_into("<I", iat_blob, iat_cursor + 4 * j, t)
                iat_cursor += 4 * (len(thunks) + 1)
            first_iat = iat_here if first_iat is None else first_iat
            if not self.no_ilt:
                for j, t in enumerate(thunks):
                    struct.pack_into("<I", blob, ilt_at[dll] + 4 * j, t)
            oft = 0 if self.no_ilt else rva + ilt_at[dll]
            struct.pack_into("<IIIII", blob, 20 * i, oft, 0, 0, rva + dllname_at[dll], iat_here)
            for j, name in enumerate(self.imports[dll]):
                slots[(dll, name)] = iat_here + 4 * j
                slots.setdefault(name, iat_here + 4 * j)
        for (dll, name), off in names_at.items():
            struct.pack_into("<H", blob, off, self.hint)
            blob[off + 2:off + 2 + len(name)] = name.encode("latin-1")
        for dll, off in dllname_at.items():
            blob[off:off + len(dll)] = dll.encode("latin-1")
        return bytes(blob), bytes(iat_blob), slots, first_iat or 0


# -- exports -----------------------------------------------------------------------------------------
class Exports:
    """An export directory.  `add(ordinal, rva_or_forwarder, name=None)`: an int target is an RVA,
    a str one a forwarder ("OTHER.Name" or "OTHER.#7"); name None exports by ordinal only."""

    def __init__(self, dll_name: str, ordinal_base: int = 1):
        self.dll_name = dll_name
        self.ordinal_base = ordinal_base
        self.entries: dict[int, tuple[int | str, str | None]] = {}

    def add(self, ordinal: int, target: int | str, name: str | None = None) -> None:
        self.entries[ordinal] = (target, name)

    def size(self) -> int:
        return len(self.build(0))

    def build(self, rva: int) -> bytes:
        nfuncs = max(self.entries) - self.ordinal_base + 1 if self.entries else 0
        named = sorted(((n, o) for o, (_, n) in self.entries.items() if n), key=lambda x: x[0].encode())
        pos = 40
        eat, pos = pos, pos + 4 * nfuncs
        names, pos = pos, pos + 4 * len(named)
        ords, pos = pos, pos + 2 * len(named)
        strings = bytearray()
        string_at = {}

        def string(text):
            if text not in string_at:
                string_at[text] = pos + len(strings)
                strings.extend(text.encode("latin-1") + b"\0")
            return rva + string_at[text]
        dll_name_rva = string(self.dll_name)
        blob = bytearray(pos)
        struct.pack_into("<IIHHIIIIIII", blob, 0, 0, 0x4E000000, 0, 0, dll_name_rva, self.ordinal_base,
                         nfuncs, len(named), rva + eat, rva + names, rva + ords)
        for o, (target, _) in self.entries.items():
            value = string(target) if isinstance(target, str) else target
            struct.pack_into("<I", blob, eat + 4 * (o - self.ordinal_base), value)
        for i, (n, o) in enumerate(named):
            struct.pack_into("<I", blob, names + 4 * i, string(n))
            struct.pack_into("<H", blob, ords + 2 * i, o - self.ordinal_base)
        return bytes(blob + strings).ljust(align(len(blob) + len(strings), 4), b"\0")


# -- base relocations --------------------------------------------------------------------------------
def relocations(rvas) -> bytes:
    """A .reloc blob of IMAGE_REL_BASED_HIGHLOW entries, one block per page, padded to 4 bytes."""
    pages: dict[int, list[int]] = {}
    for r in sorted(set(rvas)):
        pages.setdefault(r & ~0xFFF, []).append(r & 0xFFF)
    out = bytearray()
    for page, offsets in sorted(pages.items()):
        entries = [(3 << 12) | o for o in offsets]
        if len(entries) % 2:
            entries.append(0)               # IMAGE_REL_BASED_ABSOLUTE padding
        out += struct.pack("<II", page, 8 + 2 * len(entries)) + struct.pack(f"<{len(entries)}H", *entries)
    return bytes(out)


# -- hand-assembled x86 --------------------------------------------------------------------------------
class Asm:
    """Position-dependent i386 code at `va` in an image based at `base`.

    Absolute addresses (IAT slots, data) are recorded in `fixups` (as RVAs), so an image can carry
    base relocations for them.  Labels: `label(name)` marks here; `jz/jnz/jmp(name)` (short jumps)
    and `push_label/mov_eax_label` refer to labels defined before or after `assemble()` is called.
    """

    def __init__(self, va: int, base: int):
        self.va = va
        self.base = base
        self.buf = bytearray()
        self.labels: dict[str, int] = {}
        self._abs_refs: list[tuple[int, str, int]] = []     # (offset, label, addend)
        self._rel8_refs: list[tuple[int, str]] = []
        self._fixup_offsets: list[int] = []

    @property
    def here(self) -> int:
        return self.va + len(self.buf)

    def emit(self, *parts) -> "Asm":
        for p in parts:
            self.buf += bytes([p]) if isinstance(p, int) else bytes(p)
        return self

    def _abs32(self, value) -> None:
        """An absolute address: a VA, or a label name (resolved at assemble())."""
        self._fixup_offsets.append(len(self.buf))
        if isinstance(value, str):
            self._abs_refs.append((len(self.buf), value, 0))
            self.buf += b"\0\0\0\0"
        else:
            self.buf += struct.pack("<I", value & 0xFFFFFFFF)

    def label(self, name: str) -> int:
        self.labels[name] = self.here
        return self.here

    # data movement
    def push(self, imm: int) -> "Asm":
        if -128 <= imm <= 127:
            return self.emit(0x6A, imm & 0xFF)
        return self.emit(0x68, struct.pack("<I", imm & 0xFFFFFFFF))

    def push_addr(self, va_or_label) -> "Asm":
        """push imm32 with an absolute address (relocated)."""
        self.emit(0x68)
        self._abs32(va_or_label)
        return self

    def push_mem(self, va_or_label) -> "Asm":
        self.emit(0xFF, 0x35)
        self._abs32(va_or_label)
        return self

    def push_eax(self):
        return self.emit(0x50)

    def push_ebx(self):
        return self.emit(0x53)

    def push_ecx(self):
        return self.emit(0x51)

    def push_esi(self):
        return self.emit(0x56)

    def pop_eax(self):
        return self.emit(0x58)

    def pop_ebx(self):
        return self.emit(0x5B)

    def pop_esi(self):
        return self.emit(0x5E)

    def mov_eax_imm(self, imm: int):
        return self.emit(0xB8, struct.pack("<I", imm & 0xFFFFFFFF))

    def mov_eax_mem(self, va_or_label):
        """mov eax, [abs]"""
        self.emit(0xA1)
        self._abs32(va_or_label)
        return self

    def mov_mem_eax(self, va_or_label):
        """mov [abs], eax"""
        self.emit(0xA3)
        self._abs32(va_or_label)
        return self

    def mov_mem_imm(self, va_or_label, imm: int):
        """mov dword [abs], imm32"""
        self.emit(0xC7, 0x05)
        self._abs32(va_or_label)
        return self.emit(struct.pack("<I", imm & 0xFFFFFFFF))

    def mov_ebx_eax(self):
        return self.emit(0x89, 0xC3)

    def mov_esi_eax(self):
        return self.emit(0x89, 0xC6)

    def mov_ecx_esp(self):
        return self.emit(0x89, 0xE1)

    def mov_eax_arg(self, offset: int):
        """mov eax, [esp+offset] (offset 4 is the first stack argument at a function's entry)."""
        return self.emit(0x8B, 0x44, 0x24, offset)

    def add_eax_esi(self):
        return self.emit(0x01, 0xF0)

    def mov_eax_deref_eax(self):
        """mov eax, [eax]"""
        return self.emit(0x8B, 0x00)

    def mov_deref_eax_imm(self, imm: int):
        """mov dword [eax], imm32"""
        return self.emit(0xC7, 0x00, struct.pack("<I", imm & 0xFFFFFFFF))

    def add_eax_imm(self, imm: int):
        return self.emit(0x05, struct.pack("<I", imm & 0xFFFFFFFF))

    # arithmetic and flow
    def test_eax_eax(self):
        return self.emit(0x85, 0xC0)

    def cmp_eax_imm(self, imm: int):
        return self.emit(0x3D, struct.pack("<I", imm & 0xFFFFFFFF))

    def cmp_eax_addr(self, va_or_label):
        """cmp eax, imm32 with an absolute address (relocated)."""
        self.emit(0x3D)
        self._abs32(va_or_label)
        return self

    def cmp_eax_esi(self):
        return self.emit(0x39, 0xF0)

    def _jump8(self, opcode: int, target: str):
        self.emit(opcode)
        self._rel8_refs.append((len(self.buf), target))
        return self.emit(0)

    def jz(self, target: str):
        return self._jump8(0x74, target)

    def jnz(self, target: str):
        return self._jump8(0x75, target)

    def jmp(self, target: str):
        return self._jump8(0xEB, target)

    def call_mem(self, va_or_label):
        """call dword ptr [abs] (a call through an IAT slot)."""
        self.emit(0xFF, 0x15)
        self._abs32(va_or_label)
        return self

    def call_eax(self):
        return self.emit(0xFF, 0xD0)

    def ret(self, pop: int = 0):
        return self.emit(0xC3) if not pop else self.emit(0xC2, struct.pack("<H", pop))

    def data(self, payload: bytes, label: str | None = None) -> int:
        """Raw bytes here (strings, dwords); returns their VA."""
        va = self.here
        if label:
            self.labels[label] = va
        self.buf += payload
        return va

    # results
    @property
    def fixups(self) -> list[int]:
        """RVAs of the absolute addresses in the code (for relocations())."""
        return [self.va - self.base + off for off in self._fixup_offsets]

    def assemble(self) -> bytes:
        out = bytearray(self.buf)
        for off, name, addend in self._abs_refs:
            struct.pack_into("<I", out, off, self.labels[name] + addend)
        for off, name in self._rel8_refs:
            delta = self.labels[name] - (self.va + off + 1)
            if not -128 <= delta <= 127:
                raise ValueError(f"short jump to {name} out of range ({delta})")
            out[off] = delta & 0xFF
        return bytes(out)

    def __len__(self) -> int:
        return len(self.buf)


# -- ready-made snippets -------------------------------------------------------------------------------
def exit_with(asm: Asm, iat: dict, code: int) -> Asm:
    """push imm32; call dword ptr [ExitProcess's IAT slot]."""
    asm.emit(0x68, struct.pack("<I", code & 0xFFFFFFFF))
    return asm.call_mem(_slot(iat, "ExitProcess"))


def write_stdout(asm: Asm, iat: dict, text: str | bytes) -> Asm:
    """WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), text, len, &written (on the stack), NULL).
    The text goes in a data blob right after a jump over it, so the snippet is self-contained."""
    payload = text.encode() if isinstance(text, str) else bytes(text)
    n = len(asm.labels) + len(asm._rel8_refs)
    text_label, after = f"_text{n}_{len(asm)}", f"_after{n}_{len(asm)}"
    asm.push(STD_OUTPUT_HANDLE).call_mem(_slot(iat, "GetStdHandle"))
    asm.push(0).mov_ecx_esp()                 # a dword for NumberOfBytesWritten, on the stack
    asm.push(0).push_ecx().push(len(payload)).push_addr(text_label).push_eax()
    asm.call_mem(_slot(iat, "WriteFile"))
    asm.pop_eax()                             # drop the NumberOfBytesWritten dword
    if len(payload) > 125:
        raise ValueError("keep snippet texts short (a short jump goes over them)")
    asm.jmp(after)
    asm.data(payload, text_label)
    asm.label(after)
    return asm


def write_stdout_then_exit(asm: Asm, iat: dict, text: str | bytes, code: int) -> Asm:
    write_stdout(asm, iat, text)
    return exit_with(asm, iat, code)


def _slot(iat: dict, name: str) -> int:
    for key, va in iat.items():
        if key == name or (isinstance(key, tuple) and key[1] == name):
            return va
    raise KeyError(f"{name} is not imported (imports: {sorted(str(k) for k in iat)})")


KERNEL32_BASICS = ["GetStdHandle", "WriteFile", "ExitProcess"]


def console_exe(text: str, code: int, *, base: int = 0x400000, **pe_args) -> PE:
    """The plainest image of all: .text writes `text` and exits with `code`; .idata imports
    kernel32.  A starting point that tests bend into odd shapes."""
    pe = PE(base=base, **pe_args)
    imp = Imports({"kernel32.dll": KERNEL32_BASICS})
    idata_rva = align(0x1000, pe.section_alignment)
    text_rva = idata_rva + align(0x1000, pe.section_alignment)
    pe.put_imports(imp, idata_rva)
    asm = Asm(pe.va(text_rva), pe.base)
    write_stdout_then_exit(asm, pe.iat(imp), text, code)
    pe.add_section(".idata", idata_rva, imp.blob, DATA)
    pe.add_section(".text", text_rva, asm.assemble(), CODE)
    pe.entry = text_rva
    return pe
