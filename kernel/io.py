"""The I/O manager's view of files: a sandboxed drive C:, file objects, the console.

The guest sees one drive, C:.  Its root is a host folder, the sandbox root; other host folders are
mounted at guest paths (the program's own folder at C:\\app, read-only by default);
C:\\Windows\\System32 is virtual and lists the synthesized system DLLs.  Names resolve the Windows
way (case-insensitively, `..` stops at the root) and a resolved host path must stay inside its
mount: `..`, absolute host paths, symbolic links pointing out, device names and alternate data
streams all fail the way a missing or denied path fails on Windows.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import paths
from .ob import KernelObject
from .status import NtError

FILE_ATTRIBUTE_READONLY = 0x1
FILE_ATTRIBUTE_DIRECTORY = 0x10
FILE_ATTRIBUTE_ARCHIVE = 0x20
FILE_ATTRIBUTE_NORMAL = 0x80


@dataclass
class Mount:
    guest: str                  # normalized guest path, e.g. "C:\\app"
    host: str | None            # host folder (None for a virtual folder)
    writable: bool
    virtual: dict = field(default_factory=dict)   # lower-case name -> (display name, bytes provider)


@dataclass
class Node:
    """A resolved guest path."""
    guest_path: str
    mount: Mount
    host_path: str | None = None
    virtual_name: str | None = None
    is_dir: bool = False
    exists: bool = True

    @property
    def writable(self) -> bool:
        return self.mount.writable and self.host_path is not None

    def read_bytes(self) -> bytes:
        if self.host_path is not None:
            with open(self.host_path, "rb") as f:
                return f.read()
        return self.mount.virtual[self.virtual_name.lower()][1]()


class FileObject(KernelObject):
    type_name = "File"

    def __init__(self, node: Node, access: int, data: bytes | None = None):
        super().__init__(node.guest_path)
        self.node = node
        self.access = access
        self.position = 0
        self._data = data

    def read_all(self) -> bytes:
        if self._data is None:
            self._data = self.node.read_bytes()
        return self._data


class ConsoleObject(KernelObject):
    """A console input or output buffer (what Windows 7's console handles 3, 7 and 11 name)."""
    type_name = "Console"

    def __init__(self, kernel, kind: str):
        super().__init__(kind)
        self.kernel = kernel
        self.kind = kind        # "input", "output", "error"


class IoManager:
    def __init__(self, kernel, root: str, system_files: dict):
        self.kernel = kernel
        self.mounts: list[Mount] = []
        self.root = os.path.realpath(root)
        self.mount("C:\\", root, writable=True)
        self.mounts.append(Mount("C:\\Windows\\System32", None, False, dict(system_files)))
        self.mounts.append(Mount("C:\\Windows", None, False, {"system32": ("System32", None)}))

    def mount(self, guest: str, host: str, writable: bool) -> None:
        guest = paths.normalize(guest)
        if not os.path.isdir(host):
            raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"cannot mount {host}: not a folder")
        self.mounts.append(Mount(guest, os.path.realpath(host), writable))

    # -- resolution --------------------------------------------------------------------------------
    def _mount_for(self, guest: str) -> tuple[Mount, list[str]]:
        best = None
        for m in self.mounts:
            prefix = m.guest.rstrip("\\").upper()
            g = guest.upper()
            if g == prefix or g.startswith(prefix + "\\") or (prefix.endswith(":") and g.startswith(prefix)):
                if best is None or len(prefix) > len(best.guest.rstrip("\\")):
                    best = m
        rest = guest[len(best.guest.rstrip("\\")):].strip("\\")
        return best, [p for p in rest.split("\\") if p]

    def resolve(self, path: str, current_directory: str = "C:\\") -> Node:
        """Resolve a Win32 or NT path.  Missing leaf: Node(exists=False); missing folder: NtError."""
        raw = paths.from_nt_path(path)
        if raw.startswith("\\\\") or (len(raw) >= 2 and raw[1] == ":" and raw[0].upper() != "C"):
            raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{path}: no such drive or share")
        guest = paths.normalize(raw, current_directory)
        if guest[:3].upper() != "C:\\":         # relative to a current directory not on C:
            raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{path}: no such drive or share")
        mount, parts = self._mount_for(guest)
        for i, part in enumerate(parts):
            if ":" in part or paths.is_device_name(part) or any(c in part for c in '<>"|?*') or \
                    any(ord(c) < 32 for c in part):
                raise NtError("STATUS_OBJECT_NAME_INVALID" if i == len(parts) - 1 else "STATUS_OBJECT_PATH_NOT_FOUND",
                              f"{path}: invalid name {part!r}")
        if mount.host is None:
            if not parts:
                return Node(guest, mount, is_dir=True)
            if len(parts) > 1:
                raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{path}: no such folder")
            entry = mount.virtual.get(parts[0].lower())
            if entry is None:
                return Node(guest, mount, virtual_name=parts[0], exists=False)
            return Node(mount.guest.rstrip("\\") + "\\" + entry[0], mount, virtual_name=entry[0],
                        is_dir=entry[1] is None)
        host = mount.host
        canonical = mount.guest.rstrip("\\")
        for i, part in enumerate(parts):
            match = _match_case_insensitive(host, part)
            last = i == len(parts) - 1
            if match is None:
                if last:
                    candidate = os.path.join(host, part)
                    return Node(guest, mount, host_path=candidate, exists=False)
                raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{path}: no such folder")
            host = os.path.join(host, match)
            canonical += "\\" + match
            real = os.path.realpath(host)
            if not (real == mount.host or real.startswith(mount.host + os.sep)):
                # a link leading out of the sandbox: as if it were not there
                raise NtError("STATUS_OBJECT_NAME_NOT_FOUND" if last else "STATUS_OBJECT_PATH_NOT_FOUND",
                              f"{path}: not found")
            if not last and not os.path.isdir(real):
                raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{path}: {part} is not a folder")
        # the link-free host path: open_file opens with O_NOFOLLOW, so a link (checked above to stay
        # inside the mount) as the final component would otherwise fail
        return Node(canonical if parts else guest, mount, host_path=os.path.realpath(host),
                    is_dir=os.path.isdir(host))

    def guest_path_of_host(self, host_path: str) -> str | None:
        real = os.path.realpath(host_path)
        best = None
        for m in self.mounts:
            if m.host and (real == m.host or real.startswith(m.host + os.sep)):
                if best is None or len(m.host) > len(best.host):
                    best = m
        if best is None:
            return None
        rel = os.path.relpath(real, best.host)
        return paths.normalize(best.guest + ("" if rel == "." else "\\" + rel.replace(os.sep, "\\")))

    # -- what process creation and the loader need --------------------------------------------------
    def open_image_file(self, nt_path: str) -> FileObject:
        node = self.resolve(nt_path)
        if not node.exists:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{paths.from_nt_path(nt_path)}: file not found")
        if node.is_dir:
            raise NtError("STATUS_FILE_IS_A_DIRECTORY", f"{paths.from_nt_path(nt_path)} is a folder")
        return FileObject(node, 0x100020)

    def exists(self, path: str) -> bool:
        return self.existing_file(path) is not None

    def existing_file(self, path: str) -> str | None:
        """The canonical guest path of an existing file (its real name's case), or None."""
        try:
            node = self.resolve(path)
        except NtError:
            return None
        return node.guest_path if node.exists and not node.is_dir else None

    def search_path(self, name: str, current_directory: str | None, *, extension: str | None = None,
                    search_dirs: list[str] | None = None) -> str | None:
        """SearchPath: a full path when `name` has a folder part, else the search order."""
        candidates = [name]
        if extension and "." not in paths.basename(name):
            candidates.insert(0, name + extension)
        cwd = current_directory or self.kernel.default_current_directory
        if "\\" in name or "/" in name or (len(name) > 1 and name[1] == ":"):
            for c in candidates:
                found = self.existing_file(paths.normalize(c, cwd))
                if found:
                    return found
            return None
        dirs = search_dirs or [cwd, self.kernel.system_directory, self.kernel.windows_directory]
        for d in dirs:
            for c in candidates:
                found = self.existing_file(paths.normalize(d.rstrip("\\") + "\\" + c))
                if found:
                    return found
        return None


def _match_case_insensitive(folder: str, name: str) -> str | None:
    if os.path.lexists(os.path.join(folder, name)):
        return name
    try:
        entries = os.listdir(folder)
    except OSError:
        return None
    low = name.lower()
    for e in entries:
        if e.lower() == low:
            return e
    return None
