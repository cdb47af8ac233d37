"""A small PE32 (i386) writer for the synthesized system DLL images.

The system DLLs (ntdll, kernel32, ...) are implemented in Python, but guest code
expects real images behind their module handles: shellcode walks the export table
from ``e_lfanew``, CRTs read the optional header, GetProcAddress implementations
binary-search the name table. :class:`PeWriter` builds such an image::

    w = PeWriter("kernel32.dll", 0x7B800000)
    text_rva = w.next_section_rva()                  # generate position-dependent code
    w.add_section(".text", code, characteristics=SECTION_TEXT)
    w.set_exports([Export("GetProcAddress", rva=text_rva + 0x10),
                   Export("HeapAlloc", forwarder="NTDLL.RtlAllocateHeap")])
    image = w.build()                                # the file image, checksummed

Layout: headers at file offset 0 / RVA 0 (one ``SizeOfHeaders`` block); sections in
the order added, each at the next ``section_alignment`` boundary in memory and the
next ``file_alignment`` boundary in the file; the export directory gets its own
``.edata`` section, added last by :meth:`PeWriter.build`. The file is what
``LoadLibrary`` would read from disk; a SEC_IMAGE mapper copies the headers to RVA 0
and each section's raw data to its RVA (zero-filling up to its VirtualSize).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = [
    "Export",
    "PeWriter",
    "pe_checksum",
    "SECTION_TEXT",
    "SECTION_RDATA",
    "SECTION_DATA",
    "SECTION_BSS",
    "IMAGE_FILE_EXECUTABLE_IMAGE",
    "IMAGE_FILE_32BIT_MACHINE",
    "IMAGE_FILE_DLL",
    "IMAGE_SCN_CNT_CODE",
    "IMAGE_SCN_CNT_INITIALIZED_DATA",
    "IMAGE_SCN_CNT_UNINITIALIZED_DATA",
    "IMAGE_SCN_MEM_EXECUTE",
    "IMAGE_SCN_MEM_READ",
    "IMAGE_SCN_MEM_WRITE",
    "IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE",
    "IMAGE_DLLCHARACTERISTICS_NX_COMPAT",
    "IMAGE_DIRECTORY_ENTRY_EXPORT",
    "DEFAULT_TIMESTAMP",
]

# --- constants -------------------------------------------------------------------

IMAGE_FILE_MACHINE_I386 = 0x014C

IMAGE_FILE_EXECUTABLE_IMAGE = 0x0002
IMAGE_FILE_32BIT_MACHINE = 0x0100
IMAGE_FILE_DLL = 0x2000

IMAGE_SUBSYSTEM_WINDOWS_CUI = 3

IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE = 0x0040
IMAGE_DLLCHARACTERISTICS_NX_COMPAT = 0x0100

IMAGE_SCN_CNT_CODE = 0x00000020
IMAGE_SCN_CNT_INITIALIZED_DATA = 0x00000040
IMAGE_SCN_CNT_UNINITIALIZED_DATA = 0x00000080
IMAGE_SCN_MEM_EXECUTE = 0x20000000
IMAGE_SCN_MEM_READ = 0x40000000
IMAGE_SCN_MEM_WRITE = 0x80000000

SECTION_TEXT = IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_MEM_READ          # 0x60000020
SECTION_RDATA = IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ                    # 0x40000040
SECTION_DATA = IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE  # 0xC0000040
SECTION_BSS = IMAGE_SCN_CNT_UNINITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE  # 0xC0000080

IMAGE_DIRECTORY_ENTRY_EXPORT = 0
IMAGE_NUMBEROF_DIRECTORY_ENTRIES = 16

#: Fixed so that a build is reproducible (and cacheable): 2010-11-20 09:14:26 UTC,
#: roughly Windows 7 SP1's system DLLs.
DEFAULT_TIMESTAMP = 0x4CE7B9E2

DLL_CHARACTERISTICS = IMAGE_FILE_EXECUTABLE_IMAGE | IMAGE_FILE_32BIT_MACHINE | IMAGE_FILE_DLL

# The classic MS-DOS header + stub ("This program cannot be run in DOS mode."),
# 0x80 bytes; e_lfanew (at 0x3C) points right after it.
_E_LFANEW = 0x80
_DOS_HEADER = struct.pack(
    "<2s13H8s2H20sI",
    b"MZ",
    0x90,    # e_cblp: bytes on last page
    3,       # e_cp: pages in file
    0,       # e_crlc: relocations
    4,       # e_cparhdr: header size in paragraphs
    0,       # e_minalloc
    0xFFFF,  # e_maxalloc
    0,       # e_ss
    0xB8,    # e_sp
    0,       # e_csum
    0,       # e_ip
    0,       # e_cs
    0x40,    # e_lfarlc
    0,       # e_ovno
    b"",     # e_res[4]
    0,       # e_oemid
    0,       # e_oeminfo
    b"",     # e_res2[10]
    _E_LFANEW,
)
_DOS_STUB = (
    bytes.fromhex("0e1fba0e00b409cd21b8014ccd21")      # push cs; pop ds; mov dx,0e; mov ah,9; int 21h; mov ax,4c01h; int 21h
    + b"This program cannot be run in DOS mode.\r\r\n$"
)
_DOS = (_DOS_HEADER + _DOS_STUB).ljust(_E_LFANEW, b"\0")
assert len(_DOS_HEADER) == 0x40 and len(_DOS) == _E_LFANEW

_COFF_FMT = "<4sHHIIIHH"          # "PE\0\0" + IMAGE_FILE_HEADER
_OPT_FMT = "<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII"   # IMAGE_OPTIONAL_HEADER32 without data dirs
_SIZEOF_COFF = struct.calcsize(_COFF_FMT)                                     # 24
_SIZEOF_OPT = struct.calcsize(_OPT_FMT) + 8 * IMAGE_NUMBEROF_DIRECTORY_ENTRIES  # 224
_SECTION_FMT = "<8sIIIIIIHHI"
_SIZEOF_SECTION = 40
_CHECKSUM_OFFSET = _E_LFANEW + _SIZEOF_COFF + 64   # OptionalHeader.CheckSum
_SECTIONS_OFFSET = _E_LFANEW + _SIZEOF_COFF + _SIZEOF_OPT

#: Room reserved in the headers for section headers (build()'s .edata included).
#: Section RVAs are handed out as sections are added, so the header size must be
#: fixed up front; 16 keeps SizeOfHeaders at 0x400, as in real system DLLs.
MAX_SECTIONS = 16

_LINKER_VERSION = (14, 0)
_STACK_RESERVE, _STACK_COMMIT = 0x40000, 0x1000
_HEAP_RESERVE, _HEAP_COMMIT = 0x100000, 0x1000


def _align(value: int, alignment: int) -> int:
    return (value + alignment - 1) & ~(alignment - 1)


def pe_checksum(data: bytes) -> int:
    """The PE image checksum (what ``CheckSumMappedFile`` / ``pefile`` compute).

    The 16-bit one's-complement sum of the file's little-endian words, with the
    ``OptionalHeader.CheckSum`` field counted as zero, plus the file length.

    Since 2**16 == 1 (mod 0xFFFF), a one's-complement sum of 16-bit words equals
    the plain sum of any wider little-endian words reduced mod 0xFFFF (0xFFFF, not
    0, for a non-zero sum), so the file is summed as 64-bit words in C.
    """
    n = len(data)
    mv = memoryview(data)
    if n % 8:
        mv = memoryview(bytes(data) + b"\0" * (8 - n % 8))
    total = sum(mv.cast("Q"))
    if n >= 0x40:
        (e_lfanew,) = struct.unpack_from("<I", data, 0x3C)
        off = e_lfanew + 0x58
        if off + 4 <= n:
            (stored,) = struct.unpack_from("<I", data, off)
            if stored:
                if off % 2 == 0:
                    total -= (stored & 0xFFFF) + (stored >> 16)
                else:   # not a sane PE; do it the slow way
                    buf = bytearray(data)
                    buf[off:off + 4] = b"\0\0\0\0"
                    return pe_checksum(bytes(buf))
    folded = total % 0xFFFF
    if folded == 0 and total:
        folded = 0xFFFF
    return (folded + n) & 0xFFFFFFFF


# --- exports ---------------------------------------------------------------------

@dataclass
class Export:
    """One export. ``name`` None = exported by ordinal only (then ``ordinal`` is
    required); ``ordinal`` None = assigned by :meth:`PeWriter.build`: named exports
    without an ordinal get, in name order, the free ordinals from ``ordinal_base`` up.
    Exactly one of ``rva`` (the exported code/data) and ``forwarder``
    (``"NTDLL.RtlAllocateHeap"`` or ``"NTDLL.#12"``) is set."""

    name: str | None
    ordinal: int | None = None
    rva: int | None = None
    forwarder: str | None = None


@dataclass
class _Section:
    name: bytes
    data: bytes
    virtual_size: int
    characteristics: int
    rva: int


class PeWriter:
    """Builds a PE32 i386 DLL file image. See the module docstring."""

    def __init__(
        self,
        dll_name: str,
        image_base: int,
        *,
        characteristics: int = DLL_CHARACTERISTICS,
        subsystem: int = IMAGE_SUBSYSTEM_WINDOWS_CUI,
        os_version: tuple[int, int] = (6, 1),
        subsystem_version: tuple[int, int] = (6, 1),
        image_version: tuple[int, int] | None = None,
        timestamp: int = DEFAULT_TIMESTAMP,
        section_alignment: int = 0x1000,
        file_alignment: int = 0x200,
        dll_characteristics: int = IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE | IMAGE_DLLCHARACTERISTICS_NX_COMPAT,
    ) -> None:
        for what, v in (("section_alignment", section_alignment), ("file_alignment", file_alignment)):
            if v <= 0 or v & (v - 1):
                raise ValueError(f"{what} must be a power of two, not {v:#x}")
        if not 0x200 <= file_alignment <= 0x10000:
            raise ValueError(f"file_alignment must be in 0x200..0x10000, not {file_alignment:#x}")
        if section_alignment < file_alignment:
            raise ValueError("section_alignment must be >= file_alignment")
        if image_base & 0xFFFF or not 0 < image_base < 0x1_0000_0000:
            raise ValueError(f"image_base must be a 64K-aligned 32-bit address, not {image_base:#x}")
        dll_name.encode("ascii")
        self.dll_name = dll_name
        self.image_base = image_base
        self.characteristics = characteristics
        self.subsystem = subsystem
        self.os_version = os_version
        self.subsystem_version = subsystem_version
        self.image_version = os_version if image_version is None else image_version
        self.timestamp = timestamp & 0xFFFFFFFF
        self.section_alignment = section_alignment
        self.file_alignment = file_alignment
        self.dll_characteristics = dll_characteristics
        self.entry_point = 0
        self._sections: list[_Section] = []
        self._exports: list[Export] = []
        self._ordinal_base = 1
        self._data_dirs: dict[int, tuple[int, int]] = {}
        self._size_of_headers = _align(_SECTIONS_OFFSET + MAX_SECTIONS * _SIZEOF_SECTION, file_alignment)
        self._first_rva = _align(self._size_of_headers, section_alignment)

    # -- building blocks --------------------------------------------------------

    def next_section_rva(self) -> int:
        """The RVA at which the next added section (or build()'s ``.edata``) starts."""
        if not self._sections:
            return self._first_rva
        last = self._sections[-1]
        return _align(last.rva + last.virtual_size, self.section_alignment)

    def add_section(self, name: str, data: bytes, *, virtual_size: int | None = None,
                    characteristics: int) -> int:
        """Append a section; returns its RVA. ``virtual_size`` may exceed ``len(data)``
        (the tail is zero-filled when mapped, e.g. ``.bss``)."""
        raw_name = name.encode("ascii")
        if not raw_name or len(raw_name) > 8:
            raise ValueError(f"section name must be 1..8 ASCII bytes: {name!r}")
        data = bytes(data)
        vsize = len(data) if virtual_size is None else virtual_size
        if vsize < len(data):
            raise ValueError(f"{name}: virtual_size {vsize:#x} < data size {len(data):#x}")
        if vsize == 0:
            raise ValueError(f"{name}: empty section")
        if len(self._sections) >= MAX_SECTIONS - 1:     # one slot kept for .edata
            raise ValueError(f"too many sections (max {MAX_SECTIONS - 1})")
        rva = self.next_section_rva()
        self._sections.append(_Section(raw_name.ljust(8, b"\0"), data, vsize, characteristics & 0xFFFFFFFF, rva))
        return rva

    def set_exports(self, exports: list[Export], *, ordinal_base: int = 1) -> None:
        """Set the export table (validated here; laid out by build())."""
        if not 1 <= ordinal_base <= 0xFFFF:
            raise ValueError(f"ordinal_base out of range: {ordinal_base}")
        names: set[str] = set()
        ordinals: set[int] = set()
        for e in exports:
            if (e.rva is None) == (e.forwarder is None):
                raise ValueError(f"export {e.name or e.ordinal!r}: exactly one of rva and forwarder must be set")
            if e.name is None and e.ordinal is None:
                raise ValueError("an ordinal-only export (name None) needs an ordinal")
            if e.name is not None:
                if not e.name or "\0" in e.name:
                    raise ValueError(f"bad export name {e.name!r}")
                e.name.encode("ascii")
                if e.name in names:
                    raise ValueError(f"duplicate export name {e.name!r}")
                names.add(e.name)
            if e.ordinal is not None:
                if not ordinal_base <= e.ordinal <= 0xFFFF:
                    raise ValueError(f"export {e.name!r}: ordinal {e.ordinal} outside {ordinal_base}..65535")
                if e.ordinal in ordinals:
                    raise ValueError(f"duplicate ordinal {e.ordinal}")
                ordinals.add(e.ordinal)
            if e.forwarder is not None:
                e.forwarder.encode("ascii")
                if "." not in e.forwarder or "\0" in e.forwarder:
                    raise ValueError(f"bad forwarder {e.forwarder!r} (want 'DLL.Name' or 'DLL.#ordinal')")
            elif not 0 < e.rva < 0x1_0000_0000:
                raise ValueError(f"export {e.name or e.ordinal!r}: bad rva {e.rva:#x}")
        self._exports = list(exports)
        self._ordinal_base = ordinal_base

    def set_entry_point(self, rva: int) -> None:
        """AddressOfEntryPoint (the DllMain RVA; 0 = none)."""
        self.entry_point = rva

    def set_data_directory(self, index: int, rva: int, size: int) -> None:
        """Set a data directory entry other than the export table (which set_exports
        owns), e.g. an import table or base relocations the caller put in a section."""
        if not 0 <= index < IMAGE_NUMBEROF_DIRECTORY_ENTRIES or index == IMAGE_DIRECTORY_ENTRY_EXPORT:
            raise ValueError(f"bad data directory index {index}")
        self._data_dirs[index] = (rva, size)

    # -- the export directory ---------------------------------------------------

    def _assign_ordinals(self) -> list[tuple[int, Export]]:
        taken = {e.ordinal for e in self._exports if e.ordinal is not None}
        auto = sorted((e for e in self._exports if e.ordinal is None), key=lambda e: e.name.encode("ascii"))
        out = [(e.ordinal, e) for e in self._exports if e.ordinal is not None]
        ordinal = self._ordinal_base
        for e in auto:
            while ordinal in taken:
                ordinal += 1
            if ordinal > 0xFFFF:
                raise ValueError("ran out of ordinals")
            out.append((ordinal, e))
            ordinal += 1
        return out

    def _export_directory(self, rva: int) -> bytes:
        """IMAGE_EXPORT_DIRECTORY + tables + strings, laid out at ``rva``."""
        numbered = self._assign_ordinals()
        base = self._ordinal_base
        n_funcs = max(o for o, _ in numbered) - base + 1
        named = sorted(((e.name.encode("ascii"), o) for o, e in numbered if e.name is not None))
        n_names = len(named)

        eat_rva = rva + 40
        names_rva = eat_rva + 4 * n_funcs
        ords_rva = names_rva + 4 * n_names
        dllname_rva = ords_rva + 2 * n_names
        dllname = self.dll_name.encode("ascii") + b"\0"
        strings = [dllname]
        pos = dllname_rva + len(dllname)

        name_ptrs = []
        for name, _ in named:
            name_ptrs.append(pos)
            strings.append(name)
            strings.append(b"\0")
            pos += len(name) + 1

        eat = [0] * n_funcs
        for o, e in numbered:
            if e.forwarder is not None:
                eat[o - base] = pos
                fs = e.forwarder.encode("ascii")
                strings.append(fs)
                strings.append(b"\0")
                pos += len(fs) + 1
            else:
                eat[o - base] = e.rva
        size = pos - rva
        for o, e in numbered:     # an rva inside the directory would read as a forwarder
            if e.forwarder is None and rva <= e.rva < rva + size:
                raise ValueError(f"export {e.name or o!r}: rva {e.rva:#x} lies in the export directory")

        header = struct.pack("<IIHHIIIIIII", 0, self.timestamp, 0, 0, dllname_rva, base,
                             n_funcs, n_names, eat_rva, names_rva, ords_rva)
        return b"".join((
            header,
            struct.pack(f"<{n_funcs}I", *eat),
            struct.pack(f"<{n_names}I", *name_ptrs),
            struct.pack(f"<{n_names}H", *(o - base for _, o in named)),
            *strings,
        ))

    # -- the image ----------------------------------------------------------------

    def build(self) -> bytes:
        """The complete, checksummed file image. Does not modify the writer."""
        sections = list(self._sections)
        data_dirs = dict(self._data_dirs)
        if self._exports:
            edata_rva = self.next_section_rva()
            edata = self._export_directory(edata_rva)
            sections.append(_Section(b".edata\0\0", edata, len(edata), SECTION_RDATA, edata_rva))
            data_dirs[IMAGE_DIRECTORY_ENTRY_EXPORT] = (edata_rva, len(edata))

        fa = self.file_alignment
        size_of_headers = self._size_of_headers
        if sections:
            last = sections[-1]
            size_of_image = _align(last.rva + last.virtual_size, self.section_alignment)
        else:
            size_of_image = self._first_rva

        if self.entry_point and not any(s.rva <= self.entry_point < s.rva + s.virtual_size for s in sections):
            raise ValueError(f"entry point {self.entry_point:#x} is not inside a section")
        for e in self._exports:
            if e.rva is not None and e.rva >= size_of_image:
                raise ValueError(f"export {e.name or e.ordinal!r}: rva {e.rva:#x} beyond SizeOfImage {size_of_image:#x}")

        # file layout + section headers
        section_headers = []
        raw_chunks = []
        file_off = size_of_headers
        size_code = size_idata = size_udata = 0
        base_of_code = base_of_data = 0
        for s in sections:
            raw_size = _align(len(s.data), fa)
            ptr = file_off if raw_size else 0
            section_headers.append(struct.pack(_SECTION_FMT, s.name, s.virtual_size, s.rva,
                                               raw_size, ptr, 0, 0, 0, 0, s.characteristics))
            if raw_size:
                raw_chunks.append(s.data)
                raw_chunks.append(b"\0" * (raw_size - len(s.data)))
                file_off += raw_size
            if s.characteristics & IMAGE_SCN_CNT_CODE:
                size_code += raw_size
                if not base_of_code:
                    base_of_code = s.rva
            elif not base_of_data:
                base_of_data = s.rva
            if s.characteristics & IMAGE_SCN_CNT_INITIALIZED_DATA:
                size_idata += raw_size
            if s.characteristics & IMAGE_SCN_CNT_UNINITIALIZED_DATA:
                size_udata += _align(s.virtual_size, fa)

        coff = struct.pack(_COFF_FMT, b"PE\0\0", IMAGE_FILE_MACHINE_I386, len(sections),
                           self.timestamp, 0, 0, _SIZEOF_OPT, self.characteristics)
        opt = struct.pack(
            _OPT_FMT,
            0x10B, *_LINKER_VERSION,
            size_code, size_idata, size_udata,
            self.entry_point, base_of_code, base_of_data,
            self.image_base, self.section_alignment, fa,
            *self.os_version, *self.image_version, *self.subsystem_version,
            0,                                  # Win32VersionValue
            size_of_image, size_of_headers,
            0,                                  # CheckSum, patched below
            self.subsystem, self.dll_characteristics,
            _STACK_RESERVE, _STACK_COMMIT, _HEAP_RESERVE, _HEAP_COMMIT,
            0,                                  # LoaderFlags
            IMAGE_NUMBEROF_DIRECTORY_ENTRIES,
        )
        dirs = b"".join(struct.pack("<II", *data_dirs.get(i, (0, 0)))
                        for i in range(IMAGE_NUMBEROF_DIRECTORY_ENTRIES))
        headers = b"".join((_DOS, coff, opt, dirs, *section_headers))
        image = bytearray(headers.ljust(size_of_headers, b"\0"))
        image += b"".join(raw_chunks)
        struct.pack_into("<I", image, _CHECKSUM_OFFSET, pe_checksum(image))
        return bytes(image)
