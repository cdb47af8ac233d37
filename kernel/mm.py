"""The memory manager: image sections and their views.

`create_image_section` validates a file as an image (NtCreateSection with SEC_IMAGE) and
`map_view_of_section` lays it into a process as SEC_IMAGE does: at the preferred base when it is
free (STATUS_SUCCESS), elsewhere when it is not (STATUS_IMAGE_NOT_AT_BASE; the loader then
relocates, as ntdll does), with per-section protections.  A synthesized system DLL is a section
like any other; mapping one also arms its stub traps in that process.
"""
from __future__ import annotations

from emu.memory import MEM_IMAGE, PAGE_SIZE, MemoryError_, page_ceil
from loader.image import PeImage

from . import paths
from .ob import KernelObject
from .status import STATUS, NtError

STATUS_IMAGE_NOT_AT_BASE = STATUS["STATUS_IMAGE_NOT_AT_BASE"]


class Section(KernelObject):
    type_name = "Section"

    def __init__(self, image: PeImage, path: str, synthesized=None):
        super().__init__(path)
        self.image = image
        self.path = path              # Win32 path of the backing file
        self.synthesized = synthesized
        self._layout = None

    @property
    def layout(self) -> tuple[int, bytes, list[tuple[int, int, int]]]:
        """(size, view bytes, [(rva, size, protection)]) computed once per section."""
        if self._layout is None:
            size = page_ceil(self.image.info.size_of_image)
            view = bytearray(size)
            prot = [0] * (size // PAGE_SIZE)
            for rva, data, protection in self.image.layout():
                end = min(rva + len(data), size)
                view[rva:end] = data[:end - rva]
                for p in range(rva // PAGE_SIZE, (end + PAGE_SIZE - 1) // PAGE_SIZE):
                    prot[p] = protection
            runs = []
            start = 0
            for i in range(1, len(prot) + 1):
                if i == len(prot) or prot[i] != prot[start]:
                    if prot[start]:
                        runs.append((start * PAGE_SIZE, (i - start) * PAGE_SIZE, prot[start]))
                    start = i
            self._layout = (size, bytes(view), runs)
        return self._layout


class MemoryManager:
    def __init__(self, kernel):
        self.kernel = kernel
        self._image_cache: dict[tuple, Section] = {}

    def create_image_section(self, file) -> Section:
        node = file.node
        synthesized = self.kernel.synthesized_for_path(node.guest_path)
        if synthesized is not None:
            key = ("synth", node.guest_path.lower())
        else:
            st = _stat(node.host_path)
            key = ("file", node.host_path, st)
        cached = self._image_cache.get(key)
        if cached is not None:
            return cached
        data = synthesized.image if synthesized is not None else file.read_all()
        image = PeImage.from_bytes(data, paths.basename(node.guest_path))
        section = Section(image, node.guest_path, synthesized)
        self._image_cache[key] = section
        return section

    def map_view_of_section(self, process, section: Section, base: int | None = None) -> tuple[int, int]:
        """Map an image section; returns (base, STATUS_SUCCESS or STATUS_IMAGE_NOT_AT_BASE)."""
        size, view, runs = section.layout
        mem = process.memory
        preferred = section.image.info.image_base
        status = 0
        try:
            base = mem.reserve(base or preferred, size, type=MEM_IMAGE, tag=f"image {section.path}")
        except MemoryError_:
            if not section.image.has_relocations:
                raise NtError("STATUS_CONFLICTING_ADDRESSES",
                              f"{section.path} cannot be mapped at its base {preferred:#x} (in use) "
                              f"and has no relocations") from None
            base = mem.reserve(None, size, type=MEM_IMAGE, tag=f"image {section.path}")
            status = STATUS_IMAGE_NOT_AT_BASE
        # each run of pages of one protection is committed as it will stay (one mapping, never split
        # again by a re-protection); pages no section covers stay reserved
        for rva, length, protection in runs:
            mem.commit(base + rva, length, protection)
            mem.write(base + rva, view[rva:rva + length])
        mem.flush_code(base, size)
        if section.synthesized is not None:
            process.dispatcher.add_stub_dll(section.synthesized, base)
        process.mapped_images[base] = section
        return base, status

    def unmap_view_of_section(self, process, base: int) -> None:
        section = process.mapped_images.pop(base, None)
        if section is None:
            raise NtError("STATUS_NOT_MAPPED_VIEW", f"no image view at {base:#x}")
        process.memory.release(base)


def _stat(path: str):
    import os
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns)
