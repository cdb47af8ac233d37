"""PE32 images: validation, the SEC_IMAGE layout, relocation, exports, imports, TLS.

`PeImage.from_bytes` checks a file the way the memory manager checks an image section
(MiCreateImageFileMap) and raises `NtError` with the NTSTATUS Windows returns.  `layout()`
gives the pages of the mapped view, with the protection of each section as SEC_IMAGE maps it.
Everything else reads the *mapped* image (after relocation), as ntdll's loader does.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

import pefile

from emu.status import NtError

PAGE = 0x1000

IMAGE_FILE_RELOCS_STRIPPED = 0x0001
IMAGE_FILE_EXECUTABLE_IMAGE = 0x0002
IMAGE_FILE_DLL = 0x2000
IMAGE_FILE_MACHINE_I386 = 0x014C
IMAGE_FILE_MACHINE_AMD64 = 0x8664
IMAGE_NT_OPTIONAL_HDR32_MAGIC = 0x10B
IMAGE_NT_OPTIONAL_HDR64_MAGIC = 0x20B

IMAGE_SCN_CNT_CODE = 0x20
IMAGE_SCN_CNT_INITIALIZED_DATA = 0x40
IMAGE_SCN_CNT_UNINITIALIZED_DATA = 0x80
IMAGE_SCN_MEM_EXECUTE = 0x20000000
IMAGE_SCN_MEM_READ = 0x40000000
IMAGE_SCN_MEM_WRITE = 0x80000000

# page protection of an image section by its (execute, read, write) characteristics
_SECTION_PROTECTION = {
    (0, 0, 0): 0x01, (1, 0, 0): 0x10, (0, 1, 0): 0x02, (1, 1, 0): 0x20,
    (0, 0, 1): 0x08, (1, 0, 1): 0x80, (0, 1, 1): 0x08, (1, 1, 1): 0x80,
}
PAGE_READONLY = 0x02
PAGE_EXECUTE_WRITECOPY = 0x80


@dataclass
class Section:
    name: str
    rva: int
    virtual_size: int
    raw_offset: int
    raw_size: int
    characteristics: int

    @property
    def protection(self) -> int:
        c = self.characteristics
        key = (1 if c & IMAGE_SCN_MEM_EXECUTE else 0, 1 if c & IMAGE_SCN_MEM_READ else 0,
               1 if c & IMAGE_SCN_MEM_WRITE else 0)
        return _SECTION_PROTECTION[key]


@dataclass
class Import:
    dll: str
    name: str | None
    ordinal: int | None
    hint: int
    iat_rva: int


@dataclass
class TlsDirectory:
    start: int          # VAs as found in the mapped (relocated) image
    end: int
    index_address: int
    callbacks_address: int
    zero_fill: int


@dataclass
class ImageInfo:
    """What NtQuerySection(SectionImageInformation) reports, plus what the loader needs."""
    entry_point_rva: int
    image_base: int
    size_of_image: int
    size_of_headers: int
    stack_reserve: int
    stack_commit: int
    heap_reserve: int
    heap_commit: int
    subsystem: int
    subsystem_version: tuple[int, int]
    os_version: tuple[int, int]
    machine: int
    characteristics: int
    dll_characteristics: int
    checksum: int
    timestamp: int

    def entry_va(self, base: int) -> int:
        """Where the entry point is for the image mapped at base: 32-bit address arithmetic, as the
        CPU does it (AddressOfEntryPoint is any 32-bit value; a wild one faults when run)."""
        return (base + self.entry_point_rva) & 0xFFFFFFFF


@dataclass
class PeImage:
    """A validated PE32 image file."""
    name: str
    data: bytes
    info: ImageInfo
    sections: list[Section]
    section_alignment: int
    file_alignment: int
    directories: list[tuple[int, int]] = field(default_factory=list)
    _pe: pefile.PE | None = None

    @property
    def is_dll(self) -> bool:
        return bool(self.info.characteristics & IMAGE_FILE_DLL)

    @property
    def has_relocations(self) -> bool:
        rva, size = self.directories[5] if len(self.directories) > 5 else (0, 0)
        return bool(rva and size) and not self.info.characteristics & IMAGE_FILE_RELOCS_STRIPPED

    # -- parsing -----------------------------------------------------------------------------------
    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> "PeImage":
        if len(data) < 0x40 or data[:2] != b"MZ":
            raise NtError("STATUS_INVALID_IMAGE_NOT_MZ", f"{name} is not a PE image (no MZ header)")
        e_lfanew = struct.unpack_from("<I", data, 0x3C)[0]
        # an MZ file without a PE header is an MS-DOS program (or a 16-bit NE/LE one) to Windows
        if e_lfanew + 4 > len(data) or e_lfanew > 0x10000000:
            raise NtError("STATUS_INVALID_IMAGE_PROTECT",
                          f"{name} is an MS-DOS program, not a PE image (e_lfanew {e_lfanew:#x} is past the end)")
        signature = data[e_lfanew:e_lfanew + 4]
        if signature[:2] == b"NE":
            raise NtError("STATUS_INVALID_IMAGE_NE_FORMAT", f"{name} is a 16-bit (NE) Windows program")
        if signature[:2] in (b"LE", b"LX"):
            raise NtError("STATUS_INVALID_IMAGE_LE_FORMAT", f"{name} is an LE/LX program")
        if signature != b"PE\0\0":
            raise NtError("STATUS_INVALID_IMAGE_PROTECT",
                          f"{name} is an MS-DOS program, not a PE image (no PE signature at {e_lfanew:#x})")
        if e_lfanew + 0x18 > len(data):
            raise NtError("STATUS_INVALID_IMAGE_FORMAT", f"{name}: the file ends inside its PE header")
        machine, nsections, timestamp, _, _, opt_size, characteristics = struct.unpack_from(
            "<HHIIIHH", data, e_lfanew + 4)
        opt = e_lfanew + 0x18
        if opt + 2 > len(data):
            raise NtError("STATUS_INVALID_IMAGE_FORMAT", f"{name}: truncated optional header")
        magic = struct.unpack_from("<H", data, opt)[0]
        if magic == IMAGE_NT_OPTIONAL_HDR64_MAGIC or machine == IMAGE_FILE_MACHINE_AMD64:
            raise NtError("STATUS_INVALID_IMAGE_WIN_64",
                          f"{name} is a 64-bit (PE32+) image; this system runs 32-bit images only")
        if magic != IMAGE_NT_OPTIONAL_HDR32_MAGIC:
            raise NtError("STATUS_INVALID_IMAGE_FORMAT", f"{name}: optional header magic {magic:#x}")
        if opt + 0x60 > len(data) or opt_size < 0x60:
            raise NtError("STATUS_INVALID_IMAGE_FORMAT", f"{name}: truncated optional header")
        if not characteristics & IMAGE_FILE_EXECUTABLE_IMAGE:
            raise NtError("STATUS_INVALID_IMAGE_FORMAT", f"{name} is not marked executable")
        (entry, base_of_code) = struct.unpack_from("<II", data, opt + 0x10)
        image_base, sect_align, file_align = struct.unpack_from("<III", data, opt + 0x1C)
        os_major, os_minor, _, _, ss_major, ss_minor = struct.unpack_from("<6H", data, opt + 0x28)
        size_of_image, size_of_headers, checksum, subsystem, dll_chars = struct.unpack_from(
            "<IIIHH", data, opt + 0x38)
        stack_reserve, stack_commit, heap_reserve, heap_commit = struct.unpack_from("<4I", data, opt + 0x48)
        ndirs = struct.unpack_from("<I", data, opt + 0x5C)[0]
        if not _valid_alignment(sect_align, file_align):
            raise NtError("STATUS_INVALID_IMAGE_FORMAT",
                          f"{name}: invalid alignment (SectionAlignment {sect_align:#x}, FileAlignment {file_align:#x})")
        if image_base & 0xFFFF:
            raise NtError("STATUS_INVALID_IMAGE_FORMAT", f"{name}: ImageBase {image_base:#x} is not 64K aligned")
        if size_of_headers > len(data) and sect_align >= PAGE:
            raise NtError("STATUS_INVALID_IMAGE_FORMAT",
                          f"{name}: the file ({len(data)} bytes) ends inside its {size_of_headers:#x} bytes of headers")
        dirs = []
        for i in range(min(ndirs, 16)):
            off = opt + 0x60 + 8 * i
            if off + 8 > opt + opt_size or off + 8 > len(data):
                break
            dirs.append(struct.unpack_from("<II", data, off))
        sect_table = opt + opt_size
        if sect_table + 40 * nsections > len(data):
            raise NtError("STATUS_INVALID_IMAGE_FORMAT",
                          f"{name}: the section table runs past the end of the file")
        sections = []
        for i in range(nsections):
            raw = data[sect_table + 40 * i: sect_table + 40 * (i + 1)]
            sname = raw[:8].rstrip(b"\0").decode("latin-1")
            vsize, rva, raw_size, raw_off = struct.unpack_from("<IIII", raw, 8)
            chars = struct.unpack_from("<I", raw, 36)[0]
            sections.append(Section(sname, rva, vsize, raw_off, raw_size, chars))
        size_of_image_aligned = _align(size_of_image, max(sect_align, 1))
        for s in sections:
            vsz = s.virtual_size or s.raw_size
            if s.rva + vsz > size_of_image_aligned or (sect_align >= PAGE and s.rva % sect_align):
                raise NtError("STATUS_INVALID_IMAGE_FORMAT",
                              f"{name}: section {s.name!r} at {s.rva:#x}+{vsz:#x} lies outside the image")
            if s.raw_size and _align_down(s.raw_offset, 0x200) + min(s.raw_size, _align(vsz, file_align)) > len(data):
                raise NtError("STATUS_INVALID_IMAGE_FORMAT",
                              f"{name}: section {s.name!r} raw data runs past the end of the file (truncated image)")
        info = ImageInfo(entry, image_base, size_of_image, size_of_headers, stack_reserve, stack_commit,
                         heap_reserve, heap_commit, subsystem, (ss_major, ss_minor), (os_major, os_minor),
                         machine, characteristics, dll_chars, checksum, timestamp)
        if machine != IMAGE_FILE_MACHINE_I386:
            raise NtError("STATUS_INVALID_IMAGE_FORMAT", f"{name}: machine {machine:#x} is not i386")
        return cls(name, bytes(data), info, sections, sect_align, file_align, dirs)

    @property
    def pe(self) -> pefile.PE:
        if self._pe is None:
            self._pe = pefile.PE(data=self.data, fast_load=True)
        return self._pe

    # -- mapping -----------------------------------------------------------------------------------
    def layout(self) -> list[tuple[int, int, bytes, int]]:
        """The mapped view as (rva, size, data, protection) runs, page aligned, within SizeOfImage.

        `size` bytes are mapped at `rva`: first `data` (the bytes the file holds, never more than
        `size`), then zeros.  Headers are read-only; each section sits at its RVA with the
        protection of its characteristics and a zero-filled tail; an image whose SectionAlignment is
        below a page is mapped flat, the file as it is, executable and writable, as Windows maps such
        images.  Nothing here is as large as the declared sizes: only the file's bytes are copied.
        Later runs win where headers and sections overlap (odd but valid layouts).
        """
        size = _align(self.info.size_of_image, PAGE)
        if self.section_alignment < PAGE:
            return [(0, size, self.data[:size], PAGE_EXECUTE_WRITECOPY)]
        header_size = _align(max(self.info.size_of_headers, 1), PAGE)
        runs = [(0, header_size, self.data[:min(self.info.size_of_headers, header_size)], PAGE_READONLY)]
        for s in sorted(self.sections, key=lambda s: s.rva):
            vsize = _align(_align(s.virtual_size or s.raw_size, self.section_alignment), PAGE)
            if vsize == 0:
                continue
            chunk = b""
            if s.raw_size:
                start = _align_down(s.raw_offset, 0x200)
                n = min(s.raw_size, _align(s.virtual_size or s.raw_size, self.file_alignment), vsize)
                chunk = self.data[start:start + n]
            runs.append((s.rva, vsize, chunk, s.protection))
        return runs

    def view_pieces(self) -> tuple[int, list[tuple[int, bytes]], list[tuple[int, int, int]]]:
        """The mapped view flattened: (size, [(rva, file bytes)], [(rva, size, protection)]).

        Overlaps resolved (a later run replaces what an earlier one put there, its zero tail too),
        data pieces and protection runs clipped to SizeOfImage, equal neighbours merged.  The cost
        is in the number of sections, not in the declared sizes."""
        size = _align(self.info.size_of_image, PAGE)
        data: list[tuple[int, int, bytes]] = []          # (start, end, bytes)
        prot: list[tuple[int, int, int]] = []            # (start, end, protection)
        for rva, length, chunk, protection in self.layout():
            end = min(rva + length, size)
            if rva >= end:
                continue
            data = _cut(data, rva, end)
            prot = _cut(prot, rva, end)
            chunk = chunk[:end - rva]
            if chunk:
                data.append((rva, rva + len(chunk), chunk))
            prot.append((rva, end, protection))
        runs: list[tuple[int, int, int]] = []
        for start, end, p in sorted(prot):
            if runs and runs[-1][0] + runs[-1][1] == start and runs[-1][2] == p:
                runs[-1] = (runs[-1][0], runs[-1][1] + end - start, p)
            else:
                runs.append((start, end - start, p))
        return size, [(start, chunk) for start, _, chunk in sorted(data, key=lambda d: d[0])], runs


def _cut(intervals: list, start: int, end: int) -> list:
    """The (s, e, value) intervals with [start, end) taken out (a bytes value is sliced along)."""
    out = []
    for s, e, v in intervals:
        if e <= start or s >= end:
            out.append((s, e, v))
            continue
        if s < start:
            out.append((s, start, v[:start - s] if isinstance(v, bytes) else v))
        if e > end:
            out.append((end, e, v[end - s:] if isinstance(v, bytes) else v))
    return out


def relocate(read, image: PeImage, size: int, new_base: int) -> tuple[dict[int, bytearray], int]:
    """Base relocations of an image mapped `size` bytes long, from its preferred base to new_base.

    `read(rva, n)` reads the mapped view.  Only the relocation blocks and the pages they fix up are
    read: returns ({page RVA: the page's new bytes}, number of fixups).  The header's ImageBase
    follows the image, as Windows does.  A block past its directory, a fixup outside the image or
    a type other than ABSOLUTE/HIGH/LOW/HIGHLOW is STATUS_INVALID_IMAGE_FORMAT (what
    LdrRelocateImage returns for a block it cannot process)."""
    delta = (new_base - image.info.image_base) & 0xFFFFFFFF
    rva, dir_size = image.directories[5] if len(image.directories) > 5 else (0, 0)
    pages: dict[int, bytearray] = {}

    def page(at: int) -> bytearray:
        p = at & ~(PAGE - 1)
        if p not in pages:
            pages[p] = bytearray(read(p, PAGE))
        return pages[p]

    def get(at: int, n: int) -> int:
        raw = bytes(page(at)[at % PAGE:]) + (bytes(page(at + n - 1))[:(at + n) % PAGE] if at % PAGE + n > PAGE else b"")
        return int.from_bytes(raw[:n], "little")

    def put(at: int, n: int, value: int) -> None:
        raw = value.to_bytes(n, "little")
        for i, b in enumerate(raw):
            page(at + i)[(at + i) % PAGE] = b

    count = 0
    pos, end = rva, min(rva + dir_size, size)
    while rva and pos + 8 <= end:
        page_rva, block_size = struct.unpack("<II", read(pos, 8))
        if block_size < 8:
            break
        if pos + block_size > end:
            raise NtError("STATUS_INVALID_IMAGE_FORMAT",
                             f"{image.name}: the relocation block at RVA {pos:#x} ({block_size:#x} bytes) "
                             f"runs past its directory")
        n = (block_size - 8) // 2
        for e in struct.unpack(f"<{n}H", read(pos + 8, 2 * n)):
            typ, where = e >> 12, page_rva + (e & 0xFFF)
            if typ == 0:        # IMAGE_REL_BASED_ABSOLUTE: padding
                continue
            if typ not in (1, 2, 3):
                raise NtError("STATUS_INVALID_IMAGE_FORMAT",
                                 f"{image.name}: unsupported relocation type {typ} at RVA {where:#x}")
            width = 4 if typ == 3 else 2
            if where + width > size:
                raise NtError("STATUS_INVALID_IMAGE_FORMAT",
                                 f"{image.name}: a relocation at RVA {where:#x} lies outside the image")
            v = get(where, width)
            if typ == 3:        # HIGHLOW
                put(where, 4, (v + delta) & 0xFFFFFFFF)
            elif typ == 2:      # LOW
                put(where, 2, (v + delta) & 0xFFFF)
            else:               # HIGH
                put(where, 2, ((v << 16) + delta) >> 16 & 0xFFFF)
            count += 1
        pos += block_size
    e_lfanew = struct.unpack("<I", read(0x3C, 4))[0]
    if e_lfanew + 0x18 + 0x20 <= size:
        put(e_lfanew + 0x18 + 0x1C, 4, new_base)
    return pages, count


def _align(value: int, alignment: int) -> int:
    return (value + alignment - 1) // alignment * alignment


def _align_down(value: int, alignment: int) -> int:
    return value // alignment * alignment


def _valid_alignment(sect: int, file: int) -> bool:
    def pow2(x):
        return x > 0 and x & (x - 1) == 0
    if not pow2(sect) or not pow2(file):
        return False
    if sect < PAGE:
        return file == sect
    return 0x200 <= file <= 0x10000 and file <= sect


# -- reading a mapped image (what ntdll's loader does with the bytes in memory) -----------------------

def read_exports(read, base: int) -> tuple[str, dict[str, int], dict[int, int | str], dict[str, str]]:
    """Parse the export directory of the image mapped at base.

    `read(addr, size) -> bytes`.  Returns (dll name, name -> ordinal, ordinal -> rva or forwarder
    string, name -> forwarder).
    """
    e_lfanew = struct.unpack("<I", read(base + 0x3C, 4))[0]
    dir_rva, dir_size = struct.unpack("<II", read(base + e_lfanew + 0x18 + 0x60, 8))
    if not dir_rva or not dir_size:
        return "", {}, {}, {}
    d = read(base + dir_rva, 40)
    name_rva, ord_base, nfuncs, nnames, funcs_rva, names_rva, ords_rva = struct.unpack_from("<7I", d, 12)
    # the counts are the image's word: no more entries than its tables can hold inside the image
    # (ntdll indexes them only as far as a lookup needs; entries past the image never resolve)
    size_of_image = struct.unpack("<I", read(base + e_lfanew + 0x18 + 0x38, 4))[0]
    nfuncs = min(nfuncs, max(size_of_image - funcs_rva, 0) // 4)
    nnames = min(nnames, max(size_of_image - names_rva, 0) // 4, max(size_of_image - ords_rva, 0) // 2)
    funcs = struct.unpack(f"<{nfuncs}I", read(base + funcs_rva, 4 * nfuncs)) if nfuncs else ()
    name_ptrs = struct.unpack(f"<{nnames}I", read(base + names_rva, 4 * nnames)) if nnames else ()
    ords = struct.unpack(f"<{nnames}H", read(base + ords_rva, 2 * nnames)) if nnames else ()
    by_ordinal: dict[int, int | str] = {}
    for i, rva in enumerate(funcs):
        if not rva:
            continue
        if dir_rva <= rva < dir_rva + dir_size:
            by_ordinal[ord_base + i] = read_cstring(read, base + rva).decode("latin-1")
        else:
            by_ordinal[ord_base + i] = rva
    by_name = {}
    for p, o in zip(name_ptrs, ords):
        by_name[read_cstring(read, base + p).decode("latin-1")] = ord_base + o
    dll_name = read_cstring(read, base + name_rva).decode("latin-1") if name_rva else ""
    forwarders = {n: by_ordinal[o] for n, o in by_name.items() if isinstance(by_ordinal.get(o), str)}
    return dll_name, by_name, by_ordinal, forwarders


def read_cstring(read, addr: int, limit: int = 512) -> bytes:
    out = b""
    while len(out) < limit:
        at = addr + len(out)
        # never read past the page the string goes on in: a name may end on the image's last byte
        chunk = read(at, min(64, PAGE - at % PAGE))
        z = chunk.find(b"\0")
        if z >= 0:
            return out + chunk[:z]
        out += chunk
    return out


def read_imports(read, base: int) -> list[tuple[str, list[Import]]]:
    """The import descriptors of the image mapped at base, in directory order.

    As ntdll walks them (LdrpHandleOldFormatImportDescriptors, LdrpSnapIAT): the list ends at the
    first descriptor whose Name or FirstThunk is 0; a descriptor whose IAT starts with 0 imports
    nothing and is skipped (its DLL is not loaded); an OriginalFirstThunk outside the image (below
    SizeOfHeaders or past SizeOfImage, as old Borland linkers left it) is ignored for FirstThunk.
    """
    e_lfanew = struct.unpack("<I", read(base + 0x3C, 4))[0]
    dir_rva, dir_size = struct.unpack("<II", read(base + e_lfanew + 0x18 + 0x68, 8))
    size_of_image, size_of_headers = struct.unpack("<II", read(base + e_lfanew + 0x18 + 0x38, 8))
    out = []
    if not dir_rva:
        return out
    pos = base + dir_rva
    while True:
        desc = read(pos, 20)
        oft, _, _, name_rva, ft = struct.unpack("<5I", desc)
        if not name_rva or not ft:
            break
        pos += 20
        if struct.unpack("<I", read(base + ft, 4))[0] == 0:
            continue
        dll = read_cstring(read, base + name_rva).decode("latin-1")
        lookup = oft if size_of_headers <= oft < size_of_image else ft
        entries = []
        i = 0
        while True:
            thunk = struct.unpack("<I", read(base + lookup + 4 * i, 4))[0]
            if thunk == 0:
                break
            iat_rva = ft + 4 * i
            if thunk & 0x80000000:
                entries.append(Import(dll, None, thunk & 0xFFFF, 0, iat_rva))
            else:
                hint = struct.unpack("<H", read(base + thunk, 2))[0]
                fname = read_cstring(read, base + thunk + 2).decode("latin-1")
                entries.append(Import(dll, fname, None, hint, iat_rva))
            i += 1
        out.append((dll, entries))
    return out


def read_tls(read, base: int) -> TlsDirectory | None:
    e_lfanew = struct.unpack("<I", read(base + 0x3C, 4))[0]
    dir_rva, dir_size = struct.unpack("<II", read(base + e_lfanew + 0x18 + 0x60 + 8 * 9, 8))
    if not dir_rva:
        return None
    start, end, index, callbacks, zero_fill, _ = struct.unpack("<6I", read(base + dir_rva, 24))
    return TlsDirectory(start, end, index, callbacks, zero_fill)


class ResourceNotFound(LookupError):
    """A resource lookup that failed: `level` is "directory" (no resource directory), "type", "name" or
    "language" (what LdrFindResource_U reports as STATUS_RESOURCE_DATA/TYPE/NAME/LANG_NOT_FOUND)."""

    def __init__(self, level: str, message: str):
        super().__init__(message)
        self.level = level


def find_resource(read, base: int, type_id: int | str, name_id: int | str,
                  languages=(0x0000, 0x0409, 0x0009, 0x0400, 0x0800)) -> tuple[int, int, int]:
    """Look a resource up in the resource directory of the image mapped at base, as FindResource does.

    `type_id` and `name_id` are integer IDs (RT_STRING = 6 ...) or names (compared case-insensitively).
    The language is the first of `languages` the resource has (neutral, then en-US and English, then
    the user and system defaults), else the resource's first language.  Returns (data RVA, size,
    language); raises ResourceNotFound."""
    e_lfanew = struct.unpack("<I", read(base + 0x3C, 4))[0]
    dir_rva, dir_size = struct.unpack("<II", read(base + e_lfanew + 0x18 + 0x60 + 8 * 2, 8))
    if not dir_rva or not dir_size:
        raise ResourceNotFound("directory", "the image has no resources")
    root = base + dir_rva

    def entries(directory: int):
        named, ids = struct.unpack("<HH", read(directory + 12, 4))
        for i in range(named + ids):
            name, target = struct.unpack("<II", read(directory + 16 + 8 * i, 8))
            if name & 0x80000000:
                at = root + (name & 0x7FFFFFFF)
                length = struct.unpack("<H", read(at, 2))[0]
                key: int | str = read(at + 2, 2 * length).decode("utf-16-le", "replace")
            else:
                key = name & 0xFFFF
            yield key, target

    def lookup(directory: int, wanted: int | str, level: str) -> int:
        for key, target in entries(directory):
            if key == wanted or (isinstance(key, str) and isinstance(wanted, str) and key.upper() == wanted.upper()):
                if not target & 0x80000000:
                    break                       # a leaf where a directory belongs: malformed
                return root + (target & 0x7FFFFFFF)
        raise ResourceNotFound(level, f"no resource {level} {wanted!r}")

    names = lookup(root, type_id, "type")
    langs = lookup(names, name_id, "name")
    found = {key: target for key, target in entries(langs) if isinstance(key, int) and not target & 0x80000000}
    if not found:
        raise ResourceNotFound("language", f"resource {name_id!r} has no language entry")
    language = next((lang for lang in languages if lang in found), next(iter(found)))
    data_rva, size = struct.unpack("<II", read(root + found[language], 8))
    return data_rva, size, language
