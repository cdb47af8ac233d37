"""The memory manager: image sections and their views.

`create_image_section` validates a file as an image (NtCreateSection with SEC_IMAGE) and
`map_view_of_section` lays it into a process as SEC_IMAGE does: at the preferred base when it is
free (STATUS_SUCCESS), elsewhere when it is not (STATUS_IMAGE_NOT_AT_BASE; the loader then
relocates, as ntdll does), with per-section protections.  A synthesized system DLL is a section
like any other; mapping one also arms its stub traps in that process.
"""
from __future__ import annotations

from emu.memory import MEM_IMAGE, PAGE_SIZE, page_ceil
from loader.image import PeImage

from kernel.rtl import paths
from kernel.ob.object import KernelObject
from kernel.rtl.status import STATUS, NtError

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
    def layout(self) -> tuple[int, list[tuple[int, bytes]], list[tuple[int, int, int]]]:
        """(size, [(rva, file bytes)], [(rva, size, protection)]) computed once per section."""
        if self._layout is None:
            self._layout = self.image.view_pieces()
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
        size, pieces, runs = section.layout
        mem = process.memory
        preferred = section.image.info.image_base
        status = 0
        fixed = False                    # the image cannot move and its base is taken
        try:
            try:
                base = mem.reserve(base or preferred, size, type=MEM_IMAGE, tag=f"image {section.path}")
            except NtError:
                fixed = not section.image.has_relocations
                if not fixed:
                    base = mem.reserve(None, size, type=MEM_IMAGE, tag=f"image {section.path}")
                    status = STATUS_IMAGE_NOT_AT_BASE
        except NtError as e:
            raise NtError("STATUS_NO_MEMORY" if e.status == STATUS["STATUS_NO_MEMORY"] else "STATUS_CONFLICTING_ADDRESSES",
                          f"no room for {section.path} ({size:#x} bytes): {e}") from None
        if fixed:
            raise NtError("STATUS_CONFLICTING_ADDRESSES",
                          f"{section.path} cannot be mapped at its base {preferred:#x} (in use) and has no relocations")
        # only the pages sections (and headers) cover are committed, each run of one protection as
        # it will stay (one mapping, never split again by a re-protection); pages no section covers
        # stay reserved; only the file's bytes are written (fresh pages are zero): the work follows
        # the file, not SizeOfImage
        try:
            for rva, length, protection in runs:
                mem.commit(base + rva, length, protection)
        except NtError as e:
            mem.release(base)
            raise NtError("STATUS_COMMITMENT_LIMIT" if "limit" in str(e) else e.status,
                          f"mapping {section.path}: {e}") from None
        for rva, data in pieces:
            mem.write(base + rva, data)
        mem.flush_code(base, size)
        process.mapped_images[base] = section
        if section.synthesized is not None:
            spec = section.synthesized.spec
            process.dispatcher.add_stub_dll(section.synthesized, base)
            if spec.state is not None:
                process.dll_state[spec.name.lower()] = spec.state(process, base)
        return base, status

    def unmap_view_of_section(self, process, base: int) -> None:
        section = process.mapped_images.pop(base, None)
        if section is None:
            raise NtError("STATUS_NOT_MAPPED_VIEW", f"no image view at {base:#x}")
        if section.synthesized is not None:
            process.dll_state.pop(section.synthesized.spec.name.lower(), None)
        process.memory.release(base)


def _stat(path: str):
    import os
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns)
