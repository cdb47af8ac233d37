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
import stat as stat_module
from dataclasses import dataclass, field

from kernel.rtl import paths
from kernel.ob.object import KernelObject
from kernel.rtl.status import NtError

FILE_ATTRIBUTE_READONLY = 0x1
FILE_ATTRIBUTE_HIDDEN = 0x2
FILE_ATTRIBUTE_SYSTEM = 0x4
FILE_ATTRIBUTE_DIRECTORY = 0x10
FILE_ATTRIBUTE_ARCHIVE = 0x20
FILE_ATTRIBUTE_NORMAL = 0x80
FILE_ATTRIBUTE_TEMPORARY = 0x100
FILE_ATTRIBUTE_OFFLINE = 0x1000
FILE_ATTRIBUTE_NOT_CONTENT_INDEXED = 0x2000
# what SetFileAttributes / FileBasicInformation may change
SETTABLE_ATTRIBUTES = (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE
                       | FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_OFFLINE | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED)

# access rights of file objects and the generic mapping of the file type (IoFileObjectType)
FILE_READ_DATA, FILE_WRITE_DATA, FILE_APPEND_DATA = 0x1, 0x2, 0x4
FILE_READ_EA, FILE_WRITE_EA, FILE_EXECUTE = 0x8, 0x10, 0x20
FILE_READ_ATTRIBUTES, FILE_WRITE_ATTRIBUTES = 0x80, 0x100
DELETE, READ_CONTROL, SYNCHRONIZE = 0x10000, 0x20000, 0x100000
FILE_LIST_DIRECTORY = FILE_READ_DATA
GENERIC_READ, GENERIC_WRITE, GENERIC_EXECUTE, GENERIC_ALL = 0x80000000, 0x40000000, 0x20000000, 0x10000000
MAXIMUM_ALLOWED = 0x02000000
FILE_GENERIC_READ = 0x120089
FILE_GENERIC_WRITE = 0x120116
FILE_GENERIC_EXECUTE = 0x1200A0
FILE_ALL_ACCESS = 0x1F01FF
FILE_SHARE_READ, FILE_SHARE_WRITE, FILE_SHARE_DELETE = 0x1, 0x2, 0x4
FILE_SHARE_ALL = 0x7

# NtCreateFile dispositions, options and results
FILE_SUPERSEDE, FILE_OPEN, FILE_CREATE, FILE_OPEN_IF, FILE_OVERWRITE, FILE_OVERWRITE_IF = range(6)
FILE_DIRECTORY_FILE = 0x1
FILE_WRITE_THROUGH = 0x2
FILE_SEQUENTIAL_ONLY = 0x4
FILE_SYNCHRONOUS_IO_ALERT = 0x10
FILE_SYNCHRONOUS_IO_NONALERT = 0x20
FILE_NON_DIRECTORY_FILE = 0x40
FILE_DELETE_ON_CLOSE = 0x1000
FILE_SUPERSEDED, FILE_OPENED, FILE_CREATED, FILE_OVERWRITTEN = 0, 1, 2, 3

FILETIME_UNIX_EPOCH = 116444736000000000       # 1970-01-01 in 100 ns units since 1601
VOLUME_SERIAL_NUMBER = 0x5A7E0C01
CLUSTER_SIZE = 4096
SECTOR_SIZE = 512
INVALID_NAME_CHARACTERS = '<>:"/\\|?*'


def map_generic(access: int, writable: bool = True) -> int:
    """RtlMapGenericMask with the file type's mapping; MAXIMUM_ALLOWED grants what the file allows."""
    mapped = access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED)
    if access & GENERIC_READ:
        mapped |= FILE_GENERIC_READ
    if access & GENERIC_WRITE:
        mapped |= FILE_GENERIC_WRITE
    if access & GENERIC_EXECUTE:
        mapped |= FILE_GENERIC_EXECUTE
    if access & GENERIC_ALL:
        mapped |= FILE_ALL_ACCESS
    if access & MAXIMUM_ALLOWED:
        mapped |= FILE_ALL_ACCESS if writable else FILE_GENERIC_READ | FILE_GENERIC_EXECUTE
    return mapped


def filetime_from_ns(ns: int) -> int:
    return ns // 100 + FILETIME_UNIX_EPOCH


def ns_from_filetime(filetime: int) -> int:
    return (filetime - FILETIME_UNIX_EPOCH) * 100


def sort_key(name: str) -> str:
    """NTFS orders a directory by its upcase table: names compared upper-cased, char by char."""
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in name)


def valid_component(name: str) -> bool:
    return bool(name) and not any(c in INVALID_NAME_CHARACTERS or ord(c) < 32 for c in name) \
        and not paths.is_device_name(name)


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

    @property
    def is_mount_root(self) -> bool:
        return self.guest_path.rstrip("\\").upper() == self.mount.guest.rstrip("\\").upper()

    @property
    def name(self) -> str:
        return paths.basename(self.guest_path)

    def read_bytes(self) -> bytes:
        if self.is_dir:
            raise NtError("STATUS_INVALID_DEVICE_REQUEST", f"{self.guest_path} is a folder")
        if self.host_path is not None:
            with open(self.host_path, "rb") as f:
                return f.read()
        return self.mount.virtual[self.virtual_name.lower()][1]()


@dataclass
class FileInfo:
    """What FileBasicInformation, FileStandardInformation and friends report of a file."""
    attributes: int
    creation: int
    last_access: int
    last_write: int
    change: int
    size: int
    allocation: int
    index: int
    links: int
    is_dir: bool


class Fcb:
    """What every open of one file shares: the opens (for share access), delete-pending, locks."""

    def __init__(self, key):
        self.key = key
        self.opens: list = []
        self.delete_pending = False
        self.locks: list = []        # (file object, offset, length, exclusive)


class FileObject(KernelObject):
    type_name = "File"

    def __init__(self, node: Node, access: int, data: bytes | None = None, *, share: int = FILE_SHARE_ALL,
                 options: int = 0, io=None):
        super().__init__(node.guest_path)
        self.node = node
        self.access = access
        self.position = 0
        self._data = data
        self.share = share
        self.options = options
        self.delete_on_close = bool(options & FILE_DELETE_ON_CLOSE)
        self.io = io
        self.fcb: Fcb | None = None
        self.directory_query = None  # NtQueryDirectoryFile's enumeration: (expression, entries, next index)

    def read_all(self) -> bytes:
        if self._data is None:
            self._data = self.node.read_bytes()
        return self._data

    def on_last_handle_closed(self) -> None:
        self.close()

    def close(self) -> None:
        if self.io is not None:
            io, self.io = self.io, None
            io.release(self)


class NullDevice(FileObject):
    """\\Device\\Null (NUL): reads find the end of the file, writes vanish."""

    def __init__(self, access: int):
        super().__init__(Node("\\Device\\Null", Mount("\\Device", None, False)), access, b"")


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
        self.fcbs: dict = {}                     # key -> Fcb of every file with an open handle
        self.extra_attributes: dict = {}         # host path -> attributes the host cannot keep
        self.creation_times: dict = {}           # host path -> FILETIME (the host keeps no birth time)
        self.access_times: dict = {}             # host path -> FILETIME set by the guest

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

    def guest_path_of_host(self, host_path: str, writable: bool = False) -> str | None:
        """Where the guest sees a host path (None: nowhere); `writable`: only through a writable mount."""
        real = os.path.realpath(host_path)
        best = None
        for m in self.mounts:
            if writable and not m.writable:
                continue
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


    # -- the clock and the processes the file system must know of -------------------------------------
    @property
    def system_file_time(self) -> int:
        """The time the installation's own files (and the volume) carry: the profile's."""
        return self.kernel.profile.system_file_time

    def now(self) -> int:
        return self.kernel.clock.system_time()

    def _current_directories(self) -> list[str]:
        """The current directory of every live process: each holds it open without FILE_SHARE_DELETE."""
        out = []
        for p in self.kernel.processes:
            if p.alive:
                out.append(paths.normalize(p.current_directory).upper())
        return out

    def ensure_folder(self, guest: str) -> None:
        """Create a folder (and its parents) of a writable host mount, as Windows setup would have."""
        guest = paths.normalize(guest)
        mount, parts = self._mount_for(guest)
        if mount.host is None or not mount.writable:
            return
        host = mount.host
        for part in parts:
            match = _match_case_insensitive(host, part)
            host = os.path.join(host, match or part)
            if match is None:
                os.mkdir(host)
            elif not os.path.isdir(host) or not _inside(mount, host):
                return

    def provide_folders(self, folders, side_host: str | None) -> None:
        """Folders every Windows 7 has (the user profile, ProgramData ...).  With `side_host` None
        they are created in the sandbox root (a folder of ntboot's own).  Otherwise the root is the
        user's, and ntboot adds nothing to it: each folder the root lacks is mounted, writable,
        from `side_host` (from its first missing component down), so the guest finds it and what
        it writes there stays out of the user's folder."""
        if side_host is None:
            for folder in folders:
                try:
                    self.ensure_folder(folder)
                except (OSError, NtError):
                    pass
            return
        side_host = os.path.realpath(side_host)
        for folder in folders:
            guest = paths.normalize(folder)
            mount, parts = self._mount_for(guest)
            if mount.host is None or not mount.writable:
                continue
            if mount.host == side_host or mount.host.startswith(side_host + os.sep):
                try:
                    self.ensure_folder(guest)
                except (OSError, NtError):
                    pass
                continue
            host = mount.host
            for i, part in enumerate(parts):
                match = _match_case_insensitive(host, part)
                if match is None or not os.path.isdir(os.path.join(host, match)):
                    prefix = mount.guest.rstrip("\\") + "\\" + "\\".join(parts[:i + 1])
                    side = os.path.join(side_host, *[p for p in prefix[3:].split("\\") if p])
                    os.makedirs(os.path.join(side, *parts[i + 1:]), exist_ok=True)
                    self.mount(prefix, side, True)
                    break
                host = os.path.join(host, match)

    # -- opening and creating (NtCreateFile) -----------------------------------------------------------
    def create(self, path: str, current_directory: str, access: int, disposition: int, options: int,
               share: int = FILE_SHARE_ALL, attributes: int = 0) -> tuple[FileObject, int]:
        """IoCreateFile: open or create `path`; returns the file object and the IO_STATUS_BLOCK's
        Information (FILE_OPENED, FILE_CREATED ...).  Failures raise NtError with Windows' status."""
        if disposition > FILE_OVERWRITE_IF:
            raise NtError("STATUS_INVALID_PARAMETER", f"create disposition {disposition}")
        if options & FILE_DIRECTORY_FILE and options & FILE_NON_DIRECTORY_FILE:
            raise NtError("STATUS_INVALID_PARAMETER", "FILE_DIRECTORY_FILE with FILE_NON_DIRECTORY_FILE")
        if options & FILE_DELETE_ON_CLOSE and not access & DELETE:
            raise NtError("STATUS_INVALID_PARAMETER", "FILE_DELETE_ON_CLOSE without DELETE access")
        node = self.resolve(path, current_directory)
        granted = map_generic(access, node.writable)
        wants_write = bool(granted & (FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE))
        if node.is_dir:
            if options & FILE_NON_DIRECTORY_FILE:
                raise NtError("STATUS_FILE_IS_A_DIRECTORY", f"{path} is a folder")
            if disposition == FILE_CREATE:
                raise NtError("STATUS_OBJECT_NAME_COLLISION", f"{path} exists")
            if disposition not in (FILE_OPEN, FILE_OPEN_IF):
                raise NtError("STATUS_FILE_IS_A_DIRECTORY", f"{path} is a folder: it cannot be overwritten")
            if granted & DELETE and (node.is_mount_root or not node.writable):
                raise NtError("STATUS_ACCESS_DENIED", f"{path} cannot be deleted or renamed")
            if granted & DELETE and node.guest_path.upper() in self._current_directories():
                raise NtError("STATUS_SHARING_VIOLATION", f"{path} is a process's current directory")
            file = FileObject(node, granted, share=share, options=options, io=self)
            self.attach(file)
            return file, FILE_OPENED
        if options & FILE_DIRECTORY_FILE:
            if node.exists:
                raise NtError("STATUS_NOT_A_DIRECTORY", f"{path} is not a folder")
            if disposition in (FILE_CREATE, FILE_OPEN_IF):
                return self._create_directory(node, path, granted, share, options, attributes)
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path}: no such folder")
        if node.host_path is None:                       # a virtual file (System32)
            if not node.exists:
                raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path}: file not found")
            if wants_write or disposition not in (FILE_OPEN, FILE_OPEN_IF):
                raise NtError("STATUS_ACCESS_DENIED", f"{path} is read-only")
            file = FileObject(node, granted, share=share, options=options, io=self)
            self.attach(file)
            return file, FILE_OPENED
        if (wants_write or disposition not in (FILE_OPEN, FILE_OPEN_IF)) and not node.writable:
            raise NtError("STATUS_ACCESS_DENIED" if node.exists else "STATUS_MEDIA_WRITE_PROTECTED",
                          f"{path} is on a read-only mount")
        flags = os.O_RDWR if node.writable and wants_write else os.O_RDONLY
        flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        if node.exists:
            if disposition == FILE_CREATE:
                raise NtError("STATUS_OBJECT_NAME_COLLISION", f"{path} exists")
            result = FILE_OPENED
            readonly = bool(self.query(node).attributes & FILE_ATTRIBUTE_READONLY)
            if disposition in (FILE_SUPERSEDE, FILE_OVERWRITE, FILE_OVERWRITE_IF):
                if readonly:
                    raise NtError("STATUS_ACCESS_DENIED", f"{path} is read-only")
                flags |= os.O_RDWR | os.O_TRUNC
                result = FILE_OVERWRITTEN if disposition != FILE_SUPERSEDE else FILE_SUPERSEDED
            if readonly and granted & (FILE_WRITE_DATA | FILE_APPEND_DATA):
                raise NtError("STATUS_ACCESS_DENIED", f"{path} is read-only")
            if readonly and options & FILE_DELETE_ON_CLOSE:
                raise NtError("STATUS_CANNOT_DELETE", f"{path} is read-only")
        else:
            if disposition in (FILE_OPEN, FILE_OVERWRITE):
                raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path}: file not found")
            if not valid_component(node.name):
                raise NtError("STATUS_OBJECT_NAME_INVALID", f"{path}: invalid name")
            flags |= os.O_CREAT | os.O_EXCL | os.O_RDWR
            result = FILE_CREATED
        file = HostFile(node, granted, None, share=share, options=options, io=self)
        self.attach(file)                     # share access is checked before anything changes
        try:
            fd = os.open(node.host_path, flags, 0o644)
        except OSError as e:
            self.release(file)
            raise NtError("STATUS_ACCESS_DENIED", f"{path}: {e.strerror}") from None
        file.fd = fd
        now = self.now()
        if result == FILE_CREATED:
            node.exists = True
            self.creation_times[node.host_path] = now
            self.access_times.pop(node.host_path, None)
            self.extra_attributes[node.host_path] = (attributes & SETTABLE_ATTRIBUTES & ~FILE_ATTRIBUTE_READONLY) \
                | FILE_ATTRIBUTE_ARCHIVE
            self._set_mtime(node.host_path, now, fd)
            if attributes & FILE_ATTRIBUTE_READONLY:
                self._chmod_readonly(node.host_path, True)
            self._touch_parent(node.host_path)
        elif result in (FILE_OVERWRITTEN, FILE_SUPERSEDED):
            self.extra_attributes[node.host_path] = self.extra_attributes.get(node.host_path, FILE_ATTRIBUTE_ARCHIVE) \
                | (attributes & SETTABLE_ATTRIBUTES & ~FILE_ATTRIBUTE_READONLY) | FILE_ATTRIBUTE_ARCHIVE
            self._set_mtime(node.host_path, now, fd)
        return file, result

    def _create_directory(self, node: Node, path: str, granted: int, share: int, options: int,
                          attributes: int) -> tuple[FileObject, int]:
        if node.host_path is None:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND" if node.mount.virtual else "STATUS_ACCESS_DENIED",
                          f"{path}: cannot create a folder there")
        if not node.writable:
            raise NtError("STATUS_MEDIA_WRITE_PROTECTED", f"{path} is on a read-only mount")
        if not valid_component(node.name):
            raise NtError("STATUS_OBJECT_NAME_INVALID", f"{path}: invalid name")
        try:
            os.mkdir(node.host_path)
        except OSError as e:
            raise NtError("STATUS_ACCESS_DENIED", f"{path}: {e.strerror}") from None
        now = self.now()
        node.exists, node.is_dir = True, True
        self.creation_times[node.host_path] = now
        self.extra_attributes[node.host_path] = attributes & SETTABLE_ATTRIBUTES & ~FILE_ATTRIBUTE_ARCHIVE
        self._set_mtime(node.host_path, now)
        self._touch_parent(node.host_path)
        file = FileObject(node, granted, share=share, options=options, io=self)
        self.attach(file)
        return file, FILE_CREATED

    # -- share access, delete-pending and byte-range locks (one Fcb per open file) ---------------------
    @staticmethod
    def fcb_key(node: Node):
        return node.host_path if node.host_path is not None else "virtual:" + node.guest_path.upper()

    def attach(self, file: FileObject) -> None:
        """IoCheckShareAccess + IoSetShareAccess: the open must agree with every other open."""
        key = self.fcb_key(file.node)
        fcb = self.fcbs.get(key)
        if fcb is not None:
            if fcb.delete_pending:
                raise NtError("STATUS_DELETE_PENDING", f"{file.node.guest_path} is being deleted")
            if _share_conflict(file.access, file.share, fcb.opens):
                raise NtError("STATUS_SHARING_VIOLATION", f"{file.node.guest_path} is open elsewhere")
        else:
            fcb = self.fcbs[key] = Fcb(key)
        fcb.opens.append(file)
        file.fcb = fcb

    def release(self, file: FileObject) -> None:
        """The last handle of a file object is closed: locks go, a pending delete happens."""
        fd = getattr(file, "fd", None)
        if fd is not None:
            os.close(fd)
            file.fd = None
        fcb = file.fcb
        if fcb is None:
            return
        file.fcb = None
        if file in fcb.opens:
            fcb.opens.remove(file)
        fcb.locks = [lock for lock in fcb.locks if lock[0] is not file]
        if file.delete_on_close:
            fcb.delete_pending = True
        if fcb.opens:
            return
        self.fcbs.pop(fcb.key, None)
        if fcb.delete_pending and file.node.host_path is not None:
            host = file.node.host_path
            try:
                if os.path.isdir(host) and not os.path.islink(host):
                    os.rmdir(host)
                else:
                    os.unlink(host)
            except OSError:
                return
            for table in (self.extra_attributes, self.creation_times, self.access_times):
                table.pop(host, None)
            self._touch_parent(host)

    def set_delete_disposition(self, file: FileObject, delete: bool) -> None:
        """FileDispositionInformation: delete when the last handle closes (or not any more)."""
        node = file.node
        if not file.access & DELETE:
            raise NtError("STATUS_ACCESS_DENIED", f"{node.guest_path} is not open for deleting")
        if delete:
            if node.host_path is None or node.is_mount_root or not node.writable:
                raise NtError("STATUS_CANNOT_DELETE", f"{node.guest_path} cannot be deleted")
            if node.is_dir:
                if self.list_directory(node, dots=False):
                    raise NtError("STATUS_DIRECTORY_NOT_EMPTY", f"{node.guest_path} is not empty")
            elif self.query(node).attributes & FILE_ATTRIBUTE_READONLY:
                raise NtError("STATUS_CANNOT_DELETE", f"{node.guest_path} is read-only")
        if file.fcb is not None:
            file.fcb.delete_pending = delete

    def lock(self, file: FileObject, offset: int, length: int, exclusive: bool) -> None:
        fcb = file.fcb
        for _, o, n, held_exclusive in fcb.locks:
            if _overlap(offset, length, o, n) and (exclusive or held_exclusive):
                raise NtError("STATUS_LOCK_NOT_GRANTED", f"{file.node.guest_path}: the range is locked")
        fcb.locks.append((file, offset, length, exclusive))

    def unlock(self, file: FileObject, offset: int, length: int) -> None:
        fcb = file.fcb
        for i, (other, o, n, _) in enumerate(fcb.locks):
            if other is file and o == offset and n == length:
                del fcb.locks[i]
                return
        raise NtError("STATUS_RANGE_NOT_LOCKED", f"{file.node.guest_path}: no such lock")

    def check_lock(self, file: FileObject, offset: int, length: int, write: bool) -> None:
        """A read or write meets a byte-range lock of another open (or a shared one when writing)."""
        fcb = file.fcb
        if fcb is None or not fcb.locks or not length:
            return
        for other, o, n, exclusive in fcb.locks:
            if not _overlap(offset, length, o, n):
                continue
            if other is file and (exclusive or not write):
                continue
            if not exclusive and not write:
                continue
            raise NtError("STATUS_FILE_LOCK_CONFLICT", f"{file.node.guest_path}: the range is locked")

    # -- what a file is (FileBasicInformation, FileStandardInformation ...) ----------------------------
    def query(self, node: Node) -> FileInfo:
        if node.host_path is None:
            if node.is_dir:
                t = self.system_file_time
                return FileInfo(FILE_ATTRIBUTE_DIRECTORY, t, t, t, t, 0, 0, _stable_index(node.guest_path), 1, True)
            size = len(node.read_bytes())
            t = self.system_file_time
            return FileInfo(FILE_ATTRIBUTE_ARCHIVE, t, t, t, t, size, _allocation(size),
                            _stable_index(node.guest_path), 1, False)
        try:
            st = os.stat(node.host_path)
        except OSError:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{node.guest_path}: not found") from None
        is_dir = stat_module.S_ISDIR(st.st_mode)
        host = node.host_path
        write = filetime_from_ns(st.st_mtime_ns)
        creation = self.creation_times.get(host, write)
        access = self.access_times.get(host, max(write, creation))
        if is_dir:
            attributes = FILE_ATTRIBUTE_DIRECTORY | self.extra_attributes.get(host, 0)
            if host == self.root:
                attributes |= FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM
            size = 0
        else:
            attributes = self.extra_attributes.get(host, FILE_ATTRIBUTE_ARCHIVE)
            if not st.st_mode & 0o200:
                attributes |= FILE_ATTRIBUTE_READONLY
            attributes = attributes or FILE_ATTRIBUTE_NORMAL
            size = st.st_size
        return FileInfo(attributes, creation, access, write, write, size, _allocation(size), st.st_ino,
                        1 if is_dir else st.st_nlink, is_dir)

    def set_basic(self, node: Node, creation: int, last_access: int, last_write: int, attributes: int) -> None:
        """FileBasicInformation: times (0 and -1: leave as is) and attributes (0: leave as is)."""
        if node.host_path is None or not node.writable:
            raise NtError("STATUS_ACCESS_DENIED" if node.host_path is None else "STATUS_MEDIA_WRITE_PROTECTED",
                          f"{node.guest_path} cannot be changed")
        host = node.host_path
        keep = (0, 0xFFFFFFFFFFFFFFFF, -1)
        if creation not in keep:
            self.creation_times[host] = creation
        if last_access not in keep:
            self.access_times[host] = last_access
        if last_write not in keep:
            self._set_mtime(host, last_write)
        if attributes:
            self.set_attributes(node, attributes)

    def set_attributes(self, node: Node, attributes: int) -> None:
        if node.host_path is None or not node.writable:
            raise NtError("STATUS_ACCESS_DENIED", f"{node.guest_path}: attributes cannot be changed")
        attributes &= SETTABLE_ATTRIBUTES
        if node.is_dir:
            self.extra_attributes[node.host_path] = attributes
            return
        self.extra_attributes[node.host_path] = attributes & ~FILE_ATTRIBUTE_READONLY
        self._chmod_readonly(node.host_path, bool(attributes & FILE_ATTRIBUTE_READONLY))

    def written(self, file: FileObject) -> None:
        """A write changed the file: LastWriteTime is now (virtual time), the archive bit is set."""
        host = file.node.host_path
        if host is None:
            return
        self._set_mtime(host, self.now(), getattr(file, "fd", None))
        self.extra_attributes[host] = self.extra_attributes.get(host, 0) | FILE_ATTRIBUTE_ARCHIVE

    def _set_mtime(self, host: str, filetime: int, fd: int | None = None) -> None:
        ns = ns_from_filetime(filetime)
        try:
            if fd is not None and os.utime in os.supports_fd:
                os.utime(fd, ns=(ns, ns))
            else:
                os.utime(host, ns=(ns, ns), follow_symlinks=False)
        except (OSError, OverflowError, ValueError):
            pass

    def _touch_parent(self, host: str) -> None:
        parent = os.path.dirname(host)
        if any(m.host and (parent == m.host or parent.startswith(m.host + os.sep)) for m in self.mounts):
            self._set_mtime(parent, self.now())

    @staticmethod
    def _chmod_readonly(host: str, readonly: bool) -> None:
        try:
            mode = os.stat(host).st_mode & 0o7777
            os.chmod(host, mode & ~0o222 if readonly else mode | 0o200)
        except OSError:
            pass

    # -- directories -------------------------------------------------------------------------------------
    def parent_of(self, node: Node) -> Node | None:
        if node.guest_path.rstrip("\\").upper() in ("C:", ""):
            return None
        return self.resolve(paths.dirname(node.guest_path))

    def list_directory(self, node: Node, dots: bool = True) -> list[tuple[str, Node]]:
        """A folder's entries as NTFS returns them: `.` and `..` first (not in a root), then the
        names in upcase order; mounted folders appear in their parent."""
        if not node.is_dir:
            raise NtError("STATUS_INVALID_PARAMETER", f"{node.guest_path} is not a folder")
        base = node.guest_path.rstrip("\\")
        entries: dict[str, tuple[str, Node]] = {}
        if node.host_path is None:
            for _, (display, provider) in node.mount.virtual.items():
                child = base + "\\" + display
                entries[display.upper()] = (display, Node(child, node.mount, virtual_name=display,
                                                          is_dir=provider is None))
        else:
            mount = node.mount
            try:
                scan = list(os.scandir(node.host_path))
            except OSError:
                scan = []
            for entry in scan:
                name = entry.name
                if not valid_component(name):
                    continue
                real = os.path.realpath(entry.path)
                if not _inside(mount, real) or not os.path.exists(real):
                    continue
                is_dir = os.path.isdir(real)
                if not is_dir and not os.path.isfile(real):
                    continue
                entries[name.upper()] = (name, Node(base + "\\" + name, mount, host_path=real, is_dir=is_dir))
        for m in self.mounts:
            guest = m.guest.rstrip("\\")
            if paths.dirname(guest).rstrip("\\").upper() == base.upper() and guest.upper() != base.upper():
                name = paths.basename(guest)
                entries[name.upper()] = (name, self.resolve(guest))
        listing = sorted(entries.values(), key=lambda e: sort_key(e[0]))
        if dots and base.upper() != "C:":
            parent = self.parent_of(node)
            listing = [(".", node), ("..", parent)] + listing
        return listing

    def rename(self, file: FileObject, target: str, replace: bool) -> None:
        """FileRenameInformation: the open file (or folder) gets another name, maybe in another folder."""
        node = file.node
        if not file.access & DELETE:
            raise NtError("STATUS_ACCESS_DENIED", f"{node.guest_path} is not open for renaming")
        if node.host_path is None or node.is_mount_root or not node.writable:
            raise NtError("STATUS_ACCESS_DENIED", f"{node.guest_path} cannot be renamed")
        dest = self.resolve(target)
        if dest.host_path is None:
            raise NtError("STATUS_ACCESS_DENIED", f"{target}: no files can be put there")
        if not dest.writable:
            raise NtError("STATUS_MEDIA_WRITE_PROTECTED", f"{target} is on a read-only mount")
        if not valid_component(paths.basename(dest.guest_path)):
            raise NtError("STATUS_OBJECT_NAME_INVALID", f"{target}: invalid name")
        same = dest.exists and dest.host_path == node.host_path
        if dest.exists and not same:
            if not replace:
                raise NtError("STATUS_OBJECT_NAME_COLLISION", f"{target} exists")
            if dest.is_dir or dest.is_mount_root:
                raise NtError("STATUS_ACCESS_DENIED", f"{target} is a folder")
            if self.query(dest).attributes & FILE_ATTRIBUTE_READONLY or self.fcbs.get(self.fcb_key(dest)):
                raise NtError("STATUS_ACCESS_DENIED", f"{target} is read-only or open")
        if node.is_dir:
            inner = node.host_path + os.sep
            if dest.host_path.startswith(inner):
                raise NtError("STATUS_INVALID_PARAMETER", f"{target} is inside {node.guest_path}")
            if any(k.startswith(inner) for k in self.fcbs if isinstance(k, str)) or any(
                    cwd.startswith(node.guest_path.upper() + "\\") for cwd in self._current_directories()):
                raise NtError("STATUS_ACCESS_DENIED", f"{node.guest_path} has open files")
        new_host = os.path.join(os.path.dirname(dest.host_path), paths.basename(dest.guest_path)) \
            if same else dest.host_path
        old_host = node.host_path
        try:
            os.rename(old_host, new_host)
        except OSError as e:
            import errno
            import shutil
            if e.errno != errno.EXDEV:
                raise NtError("STATUS_ACCESS_DENIED", f"{target}: {e.strerror}") from None
            try:
                shutil.move(old_host, new_host)
            except OSError as e2:
                raise NtError("STATUS_ACCESS_DENIED", f"{target}: {e2.strerror}") from None
        for table in (self.extra_attributes, self.creation_times, self.access_times):
            if old_host in table:
                table[new_host] = table.pop(old_host)
        fcb = file.fcb
        if fcb is not None:
            self.fcbs.pop(fcb.key, None)
            fcb.key = new_host
            self.fcbs[new_host] = fcb
        new_guest = paths.dirname(dest.guest_path).rstrip("\\") + "\\" + paths.basename(dest.guest_path)
        for f in (fcb.opens if fcb else [file]):
            f.node.guest_path = new_guest
            f.node.host_path = new_host
            f.node.mount = dest.mount
            f.name = new_guest
        self._touch_parent(old_host)
        self._touch_parent(new_host)

    # -- the volume -------------------------------------------------------------------------------------
    def disk_space(self) -> tuple[int, int]:
        """(total bytes, free bytes) of the volume holding the sandbox root."""
        try:
            st = os.statvfs(self.root)
            return st.f_blocks * st.f_frsize, st.f_bavail * st.f_frsize
        except (OSError, AttributeError):
            return 64 << 30, 32 << 30


def _inside(mount: Mount, real: str) -> bool:
    return real == mount.host or real.startswith(mount.host + os.sep)


def _allocation(size: int) -> int:
    return (size + CLUSTER_SIZE - 1) // CLUSTER_SIZE * CLUSTER_SIZE


def _stable_index(guest_path: str) -> int:
    import zlib
    return 0x1000000000000 | zlib.crc32(guest_path.upper().encode("utf-16-le"))


def _overlap(a: int, an: int, b: int, bn: int) -> bool:
    return an > 0 and bn > 0 and a < b + bn and b < a + an


_READ_ACCESS = FILE_READ_DATA | FILE_EXECUTE
_WRITE_ACCESS = FILE_WRITE_DATA | FILE_APPEND_DATA


def _share_conflict(access: int, share: int, opens: list) -> bool:
    """IoCheckShareAccess: opens asking only for attributes or synchronization take no part."""
    r, w, d = access & _READ_ACCESS, access & _WRITE_ACCESS, access & DELETE
    if not (r or w or d):
        return False
    for other in opens:
        orr, ow, od = other.access & _READ_ACCESS, other.access & _WRITE_ACCESS, other.access & DELETE
        if not (orr or ow or od):
            continue
        if (r and not other.share & FILE_SHARE_READ) or (w and not other.share & FILE_SHARE_WRITE) \
                or (d and not other.share & FILE_SHARE_DELETE):
            return True
        if (orr and not share & FILE_SHARE_READ) or (ow and not share & FILE_SHARE_WRITE) \
                or (od and not share & FILE_SHARE_DELETE):
            return True
    return False


class HostFile(FileObject):
    """An open file of the sandbox, with its host file descriptor."""

    def __init__(self, node, access, fd, **kw):
        super().__init__(node, access, **kw)
        self.fd = fd

    def on_last_handle_closed(self) -> None:
        if self.io is None and self.fd is not None:
            os.close(self.fd)
            self.fd = None
        self.close()


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
