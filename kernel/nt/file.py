"""File and section services: NtCreateFile, NtOpenFile, NtReadFile, NtWriteFile, NtFlushBuffersFile,
NtQueryInformationFile, NtSetInformationFile, NtQueryDirectoryFile, NtQueryAttributesFile,
NtQueryFullAttributesFile, NtDeleteFile, NtQueryVolumeInformationFile, NtCreateSection,
NtMapViewOfSection, NtUnmapViewOfSection, NtQuerySection.

Paths go through the sandboxed I/O manager (kernel/io/manager.py): opening, share access, delete-pending,
renames and folder listings are its; this module is the system-service layer over it: it reads
the guest's OBJECT_ATTRIBUTES and buffers and lays out the FILE_*_INFORMATION structures the way
Windows 7 x86 does.  kernel32 calls the Python helpers here directly (open_file, read_file,
write_file, query_information, set_information, directory_entries ...) as its Win32 functions
call these services.
"""
from __future__ import annotations

import os
import struct


from kernel.rtl import paths
from kernel.io.console import console_kind, console_read, console_write
from ..hle.registry import export
from ..hle.types import (ACCESS_MASK, BOOLEAN, HANDLE, NTSTATUS, PHANDLE, PIO_STATUS_BLOCK, PLARGE_INTEGER,
                         POBJECT_ATTRIBUTES, PSIZE_T, PULONG, PUNICODE_STRING, PVOID, SIZE_T, ULONG)
from kernel.io.manager import (CLUSTER_SIZE, DELETE, FILE_APPEND_DATA, FILE_DELETE_ON_CLOSE, FILE_OPEN, FILE_OPENED,
                  FILE_READ_ATTRIBUTES, FILE_READ_DATA, FILE_SEQUENTIAL_ONLY, FILE_SHARE_ALL,
                  FILE_SYNCHRONOUS_IO_ALERT, FILE_SYNCHRONOUS_IO_NONALERT, FILE_WRITE_ATTRIBUTES, FILE_WRITE_DATA,
                  FILE_WRITE_THROUGH, SECTOR_SIZE, SYNCHRONIZE, VOLUME_SERIAL_NUMBER,
                  FileObject, HostFile, NullDevice)
# what callers of open_file name dispositions, options and results with (tests, msvcrt, kernel32)
from kernel.io.manager import (FILE_CREATE, FILE_CREATED, FILE_DIRECTORY_FILE, FILE_NON_DIRECTORY_FILE, FILE_OPEN_IF,
                  FILE_OVERWRITE, FILE_OVERWRITE_IF, FILE_OVERWRITTEN, FILE_SUPERSEDE, FILE_SUPERSEDED,
                  GENERIC_WRITE)
from kernel.mm.section import Section
from kernel.hle.probe import probe
from kernel.rtl.status import STATUS, NtError
from .process import process_from_handle

__all__ = ["FILE_CREATE", "FILE_CREATED", "FILE_DIRECTORY_FILE", "FILE_NON_DIRECTORY_FILE", "FILE_OPEN",
           "FILE_OPEN_IF", "FILE_OPENED", "FILE_OVERWRITE", "FILE_OVERWRITE_IF", "FILE_OVERWRITTEN",
           "FILE_SUPERSEDE", "FILE_SUPERSEDED", "GENERIC_WRITE", "DELETE", "FILE_WRITE_DATA", "HostFile",
           "open_file", "read_file", "write_file", "file_object", "file_size", "query_information",
           "set_information", "directory_entries", "delete_path", "io_status", "object_attributes_path"]

SEC_IMAGE = 0x1000000
OBJ_INHERIT = 0x2

# FILE_INFORMATION_CLASS
(FileDirectoryInformation, FileFullDirectoryInformation, FileBothDirectoryInformation, FileBasicInformation,
 FileStandardInformation, FileInternalInformation, FileEaInformation, FileAccessInformation,
 FileNameInformation, FileRenameInformation, FileLinkInformation, FileNamesInformation,
 FileDispositionInformation, FilePositionInformation, FileFullEaInformation, FileModeInformation,
 FileAlignmentInformation, FileAllInformation, FileAllocationInformation,
 FileEndOfFileInformation) = range(1, 21)
FileNetworkOpenInformation = 34
FileAttributeTagInformation = 35
FileIdBothDirectoryInformation = 37
FileIdFullDirectoryInformation = 38
FileValidDataLengthInformation = 39

# FS_INFORMATION_CLASS
FileFsVolumeInformation, FileFsSizeInformation, FileFsDeviceInformation, FileFsAttributeInformation = 1, 3, 4, 5
FileFsFullSizeInformation = 7
FILE_DEVICE_DISK, FILE_DEVICE_NULL = 0x7, 0x15
FILE_DEVICE_IS_MOUNTED = 0x20
FILE_SYSTEM_NAME = "NTFS"
MAX_COMPONENT_LENGTH = 255

MODE_FLAGS = FILE_WRITE_THROUGH | FILE_SEQUENTIAL_ONLY | 0x8 | FILE_SYNCHRONOUS_IO_ALERT | \
    FILE_SYNCHRONOUS_IO_NONALERT | FILE_DELETE_ON_CLOSE

# the fixed part of each directory information class, and where FileName starts
_DIR_LAYOUT = {
    FileDirectoryInformation: 0x40,
    FileFullDirectoryInformation: 0x44,
    FileBothDirectoryInformation: 0x5E,
    FileNamesInformation: 0x0C,
    FileIdBothDirectoryInformation: 0x68,
    FileIdFullDirectoryInformation: 0x50,
}


def object_attributes(ctx, attributes: int) -> tuple[str, int]:
    """The full path an OBJECT_ATTRIBUTES names (RootDirectory + ObjectName) and its Attributes."""
    _, root, name_ptr, attrs = struct.unpack("<IIII", ctx.read(attributes, 16))
    name = ctx.read_unicode_string(name_ptr) or ""
    if root:
        base = ctx.process.handles.lookup(root, FileObject)
        if not base.node.is_dir:
            raise NtError("STATUS_INVALID_PARAMETER", f"{base.node.guest_path} is not a folder")
        if name.startswith("\\"):
            raise NtError("STATUS_OBJECT_PATH_SYNTAX_BAD", f"{name}: a relative name must not start with \\")
        name = base.node.guest_path.rstrip("\\") + ("\\" + name if name else "")
    elif not name:
        raise NtError("STATUS_OBJECT_PATH_SYNTAX_BAD", "an empty object name")
    return name, attrs


def object_attributes_path(ctx, attributes: int) -> str:
    return object_attributes(ctx, attributes)[0]


def io_status(ctx, iosb: int, status: int, information: int) -> None:
    if iosb:
        ctx.write(iosb, struct.pack("<II", status & 0xFFFFFFFF, information & 0xFFFFFFFF))


def is_null_device(path: str) -> bool:
    """`\\??\\NUL`, `\\Device\\Null`, `NUL`: the null device."""
    raw = paths.from_nt_path(path)
    return raw.upper() in ("NUL", "\\DEVICE\\NULL") or path.upper() == "\\DEVICE\\NULL"


def open_file(ctx, path: str, access: int, disposition: int, options: int, share: int = FILE_SHARE_ALL,
              attributes: int = 0) -> tuple[FileObject, int]:
    """IoCreateFile for a path of the sandbox: (file object, IO_STATUS_BLOCK.Information)."""
    if is_null_device(path):
        return NullDevice(_map_null_access(access)), FILE_OPENED
    return ctx.kernel.io.create(path, ctx.process.current_directory, access, disposition, options,
                                share=share, attributes=attributes)


def _map_null_access(access: int) -> int:
    from kernel.io.manager import map_generic
    return map_generic(access)


def file_object(ctx, handle: int, cls=FileObject):
    """The file object behind a handle (console handles are not objects: STATUS_INVALID_HANDLE)."""
    if console_kind(ctx.process, handle) is not None:
        raise NtError("STATUS_INVALID_HANDLE", f"handle {handle:#x} is a console handle")
    return ctx.process.handles.lookup(handle, cls)


def read_file(ctx, handle: int, size: int, offset: int | None = None) -> bytes:
    kind = console_kind(ctx.process, handle)
    if kind is not None:
        if kind != "input":
            raise NtError("STATUS_ACCESS_DENIED", "a console output handle cannot be read")
        return console_read(ctx.kernel, size)
    file = ctx.process.handles.lookup(handle, (FileObject, NullDevice))
    if isinstance(file, NullDevice):
        return b""
    if file.node.is_dir:
        raise NtError("STATUS_INVALID_DEVICE_REQUEST", f"{file.node.guest_path} is a folder")
    if not file.access & FILE_READ_DATA:
        raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path} is not open for reading")
    pos = file.position if offset is None else offset
    io = ctx.kernel.io
    io.check_lock(file, pos, size, write=False)
    if isinstance(file, HostFile) and file.fd is not None:
        try:
            data = os.pread(file.fd, size, pos)
        except OSError as e:
            raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path}: {e.strerror}") from None
    else:
        data = file.read_all()[pos:pos + size]
    file.position = pos + len(data)
    return data


def write_file(ctx, handle: int, data: bytes, offset: int | None = None) -> int:
    """Write at `offset`, at the file pointer (None), or at the end (-1, and always for a handle
    opened with FILE_APPEND_DATA but not FILE_WRITE_DATA)."""
    kind = console_kind(ctx.process, handle)
    if kind is not None:
        if kind == "input":
            raise NtError("STATUS_ACCESS_DENIED", "the console input handle cannot be written")
        console_write(ctx.kernel, ctx.process, kind, data)
        return len(data)
    file = ctx.process.handles.lookup(handle, (FileObject, NullDevice))
    if isinstance(file, NullDevice):
        return len(data)
    if file.node.is_dir:
        raise NtError("STATUS_INVALID_DEVICE_REQUEST", f"{file.node.guest_path} is a folder")
    if not isinstance(file, HostFile) or file.fd is None or not file.node.writable \
            or not file.access & (FILE_WRITE_DATA | FILE_APPEND_DATA):
        raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path} is not open for writing")
    if offset == -1 or not file.access & FILE_WRITE_DATA:
        pos = os.fstat(file.fd).st_size
    else:
        pos = file.position if offset is None else offset
    io = ctx.kernel.io
    io.check_lock(file, pos, len(data), write=True)
    try:
        n = os.pwrite(file.fd, data, pos) if data else 0
    except OSError as e:
        raise NtError("STATUS_DISK_FULL" if e.errno == 28 else "STATUS_ACCESS_DENIED",
                      f"{file.node.guest_path}: {e.strerror}") from None
    file.position = pos + n
    if n:
        io.written(file)
        capture = ctx.kernel.file_write_capture
        if capture is not None:              # reports: what the guest wrote (kernel.report.FileCapture)
            capture(ctx.process, file.node.guest_path, pos, data[:n])
    return n


def file_size(file) -> int:
    if isinstance(file, NullDevice):
        return 0
    if isinstance(file, HostFile) and file.fd is not None:
        return os.fstat(file.fd).st_size
    if file.node.is_dir:
        return 0
    return len(file.read_all())


def set_end_of_file(ctx, file: FileObject, size: int) -> None:
    if file.node.is_dir:
        raise NtError("STATUS_INVALID_PARAMETER", f"{file.node.guest_path} is a folder")
    if not isinstance(file, HostFile) or file.fd is None or not file.access & FILE_WRITE_DATA:
        raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path} is not open for writing")
    if size >= 1 << 63:
        raise NtError("STATUS_INVALID_PARAMETER", "a negative size")
    try:
        os.ftruncate(file.fd, size)
    except (OSError, OverflowError) as e:
        raise NtError("STATUS_DISK_FULL", f"{file.node.guest_path}: {e}") from None
    ctx.kernel.io.written(file)


# -- what NtQueryInformationFile returns ----------------------------------------------------------------

def volume_path(file: FileObject) -> str:
    """The file's name on its volume, as FileNameInformation gives it: `\\dir\\file.txt`."""
    guest = file.node.guest_path
    rest = guest[2:] if len(guest) >= 2 and guest[1] == ":" else guest
    return rest if rest.startswith("\\") else "\\" + rest


def _basic(info) -> bytes:
    return struct.pack("<QQQQII", info.creation, info.last_access, info.last_write, info.change,
                       info.attributes, 0)


def _standard(info, delete_pending: bool) -> bytes:
    return struct.pack("<QQIBBH", info.allocation, info.size, info.links, int(delete_pending), int(info.is_dir), 0)


def _network_open(info) -> bytes:
    return struct.pack("<QQQQQQII", info.creation, info.last_access, info.last_write, info.change,
                       info.allocation, info.size, info.attributes, 0)


def file_info(ctx, file):
    """FileInfo of an open file (sizes of an open host file come from its descriptor)."""
    info = ctx.kernel.io.query(file.node)
    if isinstance(file, HostFile) and file.fd is not None:
        size = os.fstat(file.fd).st_size
        info.size = size
        info.allocation = (size + CLUSTER_SIZE - 1) // CLUSTER_SIZE * CLUSTER_SIZE
    return info


def query_information(ctx, file, cls: int) -> tuple[bytes, int]:
    """(the structure's bytes, its fixed size) for FILE_INFORMATION_CLASS `cls`."""
    if isinstance(file, NullDevice):
        if cls == FilePositionInformation:
            return struct.pack("<Q", 0), 8
        if cls == FileStandardInformation:
            return struct.pack("<QQIBBH", 0, 0, 1, 0, 0, 0), 24
        if cls == FileAccessInformation:
            return struct.pack("<I", file.access), 4
        if cls == FileModeInformation:
            return struct.pack("<I", FILE_SYNCHRONOUS_IO_NONALERT), 4
        raise NtError("STATUS_INVALID_PARAMETER", "the null device has no such information")
    fcb = file.fcb
    delete_pending = bool(fcb and fcb.delete_pending)
    if cls == FilePositionInformation:
        return struct.pack("<Q", file.position), 8
    if cls == FileAccessInformation:
        return struct.pack("<I", file.access), 4
    if cls == FileModeInformation:
        return struct.pack("<I", file.options & MODE_FLAGS), 4
    if cls == FileAlignmentInformation:
        return struct.pack("<I", 0), 4
    if cls == FileEaInformation:
        return struct.pack("<I", 0), 4
    if cls == FileNameInformation:
        name = volume_path(file).encode("utf-16-le")
        return struct.pack("<I", len(name)) + name, 4
    info = file_info(ctx, file)
    if cls == FileBasicInformation:
        if not file.access & (FILE_READ_ATTRIBUTES | FILE_READ_DATA) and file.access:
            raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path} is not open to read attributes")
        return _basic(info), 40
    if cls == FileStandardInformation:
        return _standard(info, delete_pending), 24
    if cls == FileInternalInformation:
        return struct.pack("<Q", info.index), 8
    if cls == FileNetworkOpenInformation:
        return _network_open(info), 56
    if cls == FileAttributeTagInformation:
        return struct.pack("<II", info.attributes, 0), 8
    if cls == FileAllInformation:
        name = volume_path(file).encode("utf-16-le")
        data = (_basic(info) + _standard(info, delete_pending) + struct.pack("<Q", info.index)
                + struct.pack("<II", 0, file.access) + struct.pack("<Q", file.position)
                + struct.pack("<II", file.options & MODE_FLAGS, 0) + struct.pack("<I", len(name)) + name)
        return data, 100
    raise NtError("STATUS_INVALID_INFO_CLASS", f"FILE_INFORMATION_CLASS {cls}")


_MIN_QUERY_LENGTH = {FileBasicInformation: 40, FileStandardInformation: 24, FileInternalInformation: 8,
                     FileEaInformation: 4, FileAccessInformation: 4, FileNameInformation: 8,
                     FilePositionInformation: 8, FileModeInformation: 4, FileAlignmentInformation: 4,
                     FileAllInformation: 104, FileNetworkOpenInformation: 56, FileAttributeTagInformation: 8}


@export
@probe
def NtQueryInformationFile(ctx, FileHandle: HANDLE, IoStatusBlock: PIO_STATUS_BLOCK, FileInformation: PVOID,
                           Length: ULONG, FileInformationClass: ULONG) -> NTSTATUS:
    file = file_object(ctx, FileHandle, (FileObject, NullDevice))
    return _answer_query(ctx, _MIN_QUERY_LENGTH, FileInformationClass, Length, FileInformation, IoStatusBlock,
                         lambda: query_information(ctx, file, FileInformationClass))


def _answer_query(ctx, minimums: dict, cls: int, length: int, buffer: int, iosb: int, produce) -> int:
    """The common part of the query services: the class's minimum length, then as much of the answer
    as fits (STATUS_BUFFER_OVERFLOW for a variable-length tail that does not)."""
    minimum = minimums.get(cls)
    if minimum is None:
        return STATUS["STATUS_INVALID_INFO_CLASS"]
    if length < minimum:
        return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
    data, _ = produce()
    status = 0
    if len(data) > length:
        data = data[:length & ~1]
        status = STATUS["STATUS_BUFFER_OVERFLOW"]
    ctx.write(buffer, data)
    io_status(ctx, iosb, status, len(data))
    return status


# -- NtSetInformationFile -------------------------------------------------------------------------------

_MIN_SET_LENGTH = {FileBasicInformation: 40, FileRenameInformation: 13, FileDispositionInformation: 1,
                   FilePositionInformation: 8, FileAllocationInformation: 8, FileEndOfFileInformation: 8,
                   FileValidDataLengthInformation: 8, FileModeInformation: 4}


def set_information(ctx, file, cls: int, data: bytes) -> None:
    """NtSetInformationFile's work on an open file, given the structure's bytes."""
    if isinstance(file, NullDevice):
        if cls == FilePositionInformation:
            return
        raise NtError("STATUS_INVALID_PARAMETER", "the null device has no such information")
    io = ctx.kernel.io
    if cls == FilePositionInformation:
        position = struct.unpack_from("<Q", data)[0]
        if position >= 1 << 63:
            raise NtError("STATUS_INVALID_PARAMETER", "a negative file position")
        file.position = position
    elif cls == FileModeInformation:
        mode = struct.unpack_from("<I", data)[0]
        file.options = (file.options & ~(FILE_WRITE_THROUGH | FILE_SEQUENTIAL_ONLY)) | \
            (mode & (FILE_WRITE_THROUGH | FILE_SEQUENTIAL_ONLY))
    elif cls == FileBasicInformation:
        if not file.access & FILE_WRITE_ATTRIBUTES:
            raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path} is not open to write attributes")
        creation, access, write, _change, attributes = struct.unpack_from("<QQQQI", data)
        io.set_basic(file.node, creation, access, write, attributes)
    elif cls == FileDispositionInformation:
        io.set_delete_disposition(file, bool(data[0]))
    elif cls == FileRenameInformation:
        replace = bool(data[0])
        root, length = struct.unpack_from("<II", data, 4)
        name = data[12:12 + length].decode("utf-16-le", "surrogatepass")
        if root:
            base = ctx.process.handles.lookup(root, FileObject)
            if not base.node.is_dir:
                raise NtError("STATUS_INVALID_PARAMETER", f"{base.node.guest_path} is not a folder")
            target = base.node.guest_path.rstrip("\\") + "\\" + name
        elif name.startswith("\\"):
            target = name
        else:
            if "\\" in name or "/" in name or not name:
                raise NtError("STATUS_INVALID_PARAMETER", f"{name}: a rename in place takes a simple name")
            target = paths.dirname(file.node.guest_path).rstrip("\\") + "\\" + name
        io.rename(file, target, replace)
    elif cls in (FileEndOfFileInformation, FileAllocationInformation, FileValidDataLengthInformation):
        size = struct.unpack_from("<Q", data)[0]
        if cls == FileAllocationInformation:
            if size < file_size(file):          # an allocation below the end of the file truncates it
                set_end_of_file(ctx, file, size)
            elif not file.access & FILE_WRITE_DATA:
                raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path} is not open for writing")
        elif cls == FileValidDataLengthInformation:
            if not file.access & FILE_WRITE_DATA:
                raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path} is not open for writing")
            if size > file_size(file):
                raise NtError("STATUS_INVALID_PARAMETER", "a valid data length past the end of the file")
        else:
            set_end_of_file(ctx, file, size)
    else:
        raise NtError("STATUS_INVALID_INFO_CLASS", f"FILE_INFORMATION_CLASS {cls}")


@export
@probe
def NtSetInformationFile(ctx, FileHandle: HANDLE, IoStatusBlock: PIO_STATUS_BLOCK, FileInformation: PVOID,
                         Length: ULONG, FileInformationClass: ULONG) -> NTSTATUS:
    file = file_object(ctx, FileHandle, (FileObject, NullDevice))
    minimum = _MIN_SET_LENGTH.get(FileInformationClass)
    if minimum is None:
        return STATUS["STATUS_INVALID_INFO_CLASS"]
    if Length < minimum:
        return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
    data = ctx.read(FileInformation, Length)
    if FileInformationClass == FileRenameInformation and 12 + struct.unpack_from("<I", data, 8)[0] > Length:
        return STATUS["STATUS_INVALID_PARAMETER"]
    set_information(ctx, file, FileInformationClass, data)
    io_status(ctx, IoStatusBlock, 0, 0)
    return 0


# -- opening ------------------------------------------------------------------------------------------

@export
@probe
def NtCreateFile(ctx, FileHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
                 IoStatusBlock: PIO_STATUS_BLOCK, AllocationSize: PLARGE_INTEGER, FileAttributes: ULONG,
                 ShareAccess: ULONG, CreateDisposition: ULONG, CreateOptions: ULONG, EaBuffer: PVOID,
                 EaLength: ULONG) -> NTSTATUS:
    path, attrs = object_attributes(ctx, ObjectAttributes)
    file, info = open_file(ctx, path, DesiredAccess, CreateDisposition, CreateOptions, ShareAccess, FileAttributes)
    return _insert_opened(ctx, file, info, attrs, FileHandle, IoStatusBlock)


@export
@probe
def NtOpenFile(ctx, FileHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
               IoStatusBlock: PIO_STATUS_BLOCK, ShareAccess: ULONG, OpenOptions: ULONG) -> NTSTATUS:
    path, attrs = object_attributes(ctx, ObjectAttributes)
    file, info = open_file(ctx, path, DesiredAccess, FILE_OPEN, OpenOptions, ShareAccess)
    return _insert_opened(ctx, file, info, attrs, FileHandle, IoStatusBlock)


def _insert_opened(ctx, file, info: int, attrs: int, handle_out: int, iosb: int) -> int:
    """A handle for a file just opened (closed again if the handle cannot be written back)."""
    try:
        ctx.write_u32(handle_out, ctx.process.handles.insert(file, file.access, attrs & OBJ_INHERIT))
    except Exception:
        if isinstance(file, FileObject):
            file.close()
        raise
    io_status(ctx, iosb, 0, info)
    return 0


def _byte_offset(ctx, pointer: int, for_write: bool) -> int | None:
    """A ByteOffset argument: None (the file pointer), -1 (the end of the file) or an offset."""
    if not pointer:
        return None
    low, high = struct.unpack("<II", ctx.read(pointer, 8))
    if high == 0xFFFFFFFF and low == 0xFFFFFFFE:        # FILE_USE_FILE_POINTER_POSITION
        return None
    if high == 0xFFFFFFFF and low == 0xFFFFFFFF:        # FILE_WRITE_TO_END_OF_FILE
        return -1 if for_write else None
    if high & 0x80000000:
        raise NtError("STATUS_INVALID_PARAMETER", "a negative byte offset")
    return low | high << 32


@export
@probe
def NtReadFile(ctx, FileHandle: HANDLE, Event: HANDLE, ApcRoutine: PVOID, ApcContext: PVOID,
               IoStatusBlock: PIO_STATUS_BLOCK, Buffer: PVOID, Length: ULONG, ByteOffset: PLARGE_INTEGER,
               Key: PULONG) -> NTSTATUS:
    offset = _byte_offset(ctx, ByteOffset, False)
    data = read_file(ctx, FileHandle, Length, offset)
    if not data and Length:
        io_status(ctx, IoStatusBlock, STATUS["STATUS_END_OF_FILE"], 0)
        return STATUS["STATUS_END_OF_FILE"]
    ctx.write(Buffer, data)
    io_status(ctx, IoStatusBlock, 0, len(data))
    return 0


@export
@probe
def NtWriteFile(ctx, FileHandle: HANDLE, Event: HANDLE, ApcRoutine: PVOID, ApcContext: PVOID,
                IoStatusBlock: PIO_STATUS_BLOCK, Buffer: PVOID, Length: ULONG, ByteOffset: PLARGE_INTEGER,
                Key: PULONG) -> NTSTATUS:
    offset = _byte_offset(ctx, ByteOffset, True)
    n = write_file(ctx, FileHandle, ctx.read(Buffer, Length) if Length else b"", offset)
    io_status(ctx, IoStatusBlock, 0, n)
    return 0


@export
@probe
def NtFlushBuffersFile(ctx, FileHandle: HANDLE, IoStatusBlock: PIO_STATUS_BLOCK) -> NTSTATUS:
    file = file_object(ctx, FileHandle, (FileObject, NullDevice))
    if isinstance(file, FileObject) and not file.access & (FILE_WRITE_DATA | FILE_APPEND_DATA):
        return STATUS["STATUS_ACCESS_DENIED"]
    io_status(ctx, IoStatusBlock, 0, 0)
    return 0


# -- attributes by name ---------------------------------------------------------------------------------

def query_path(ctx, path: str):
    """FileInfo of a file or folder by name (NtQueryAttributesFile): missing is an NtError."""
    io = ctx.kernel.io
    node = io.resolve(path, ctx.process.current_directory)
    if not node.exists:
        raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path}: not found")
    raw = paths.from_nt_path(path)
    if not node.is_dir and raw.endswith(("\\", "/")):
        raise NtError("STATUS_OBJECT_NAME_INVALID", f"{path}: a file named as a folder")
    fcb = io.fcbs.get(io.fcb_key(node))
    if fcb is not None and fcb.delete_pending:          # it cannot be opened, even for its attributes
        raise NtError("STATUS_DELETE_PENDING", f"{path} is being deleted")
    return node, io.query(node)


@export
@probe
def NtQueryAttributesFile(ctx, ObjectAttributes: POBJECT_ATTRIBUTES, FileInformation: PVOID) -> NTSTATUS:
    path, _ = object_attributes(ctx, ObjectAttributes)
    _, info = query_path(ctx, path)
    ctx.write(FileInformation, _basic(info))
    return 0


@export
@probe
def NtQueryFullAttributesFile(ctx, ObjectAttributes: POBJECT_ATTRIBUTES, FileInformation: PVOID) -> NTSTATUS:
    path, _ = object_attributes(ctx, ObjectAttributes)
    _, info = query_path(ctx, path)
    ctx.write(FileInformation, _network_open(info))
    return 0


def delete_path(ctx, path: str, options: int) -> None:
    """Open for DELETE, mark for deletion, close: what DeleteFile and RemoveDirectory do."""
    file, _ = open_file(ctx, path, DELETE | SYNCHRONIZE | FILE_READ_ATTRIBUTES, FILE_OPEN,
                        options | FILE_SYNCHRONOUS_IO_NONALERT, FILE_SHARE_ALL)
    try:
        ctx.kernel.io.set_delete_disposition(file, True)
    finally:
        file.close()


@export
@probe
def NtDeleteFile(ctx, ObjectAttributes: POBJECT_ATTRIBUTES) -> NTSTATUS:
    path, _ = object_attributes(ctx, ObjectAttributes)
    delete_path(ctx, path, 0)
    return 0


# -- folders: NtQueryDirectoryFile ----------------------------------------------------------------------

class DirectoryQuery:
    """The enumeration state of a folder's file object (NTFS keeps it in the handle's CCB)."""

    def __init__(self, expression: str, entries: list):
        self.expression = expression
        self.entries = entries            # [(name, FileInfo)], matching the expression
        self.index = 0
        self.returned_any = False


def directory_entries(ctx, node, expression: str) -> list:
    """[(name, FileInfo)] of the folder's entries matching `expression`, in the order NTFS gives."""
    io = ctx.kernel.io
    out = []
    for name, child in io.list_directory(node):
        if child is None or not paths.is_name_in_expression(expression, name):
            continue
        try:
            info = io.query(child)
        except NtError:
            continue
        out.append((name, info))
    return out


def directory_entry(cls: int, name: str, info) -> bytes:
    """One FILE_*_DIRECTORY_INFORMATION entry (NextEntryOffset 0, no padding)."""
    encoded = name.encode("utf-16-le", "surrogatepass")
    if cls == FileNamesInformation:
        return struct.pack("<III", 0, 0, len(encoded)) + encoded
    head = struct.pack("<IIQQQQQQII", 0, 0, info.creation, info.last_access, info.last_write, info.change,
                       info.size, info.allocation, info.attributes, len(encoded))
    if cls == FileDirectoryInformation:
        return head + encoded
    head += struct.pack("<I", 0)                         # EaSize
    if cls == FileFullDirectoryInformation:
        return head + encoded
    if cls == FileIdFullDirectoryInformation:
        return head + b"\0" * 4 + struct.pack("<Q", info.index) + encoded
    head += struct.pack("<BB", 0, 0) + b"\0" * 24        # ShortNameLength, Reserved, ShortName[12]
    if cls == FileBothDirectoryInformation:
        return head + encoded
    return head + b"\0" * 2 + struct.pack("<Q", info.index) + encoded      # FileIdBothDirectoryInformation


def fill_directory_buffer(query: DirectoryQuery, cls: int, length: int, single: bool) -> tuple[bytes, int]:
    """As many entries as fit (one if `single`): (buffer bytes, status)."""
    out = bytearray()
    last = None
    while query.index < len(query.entries):
        name, info = query.entries[query.index]
        entry = directory_entry(cls, name, info)
        start = (len(out) + 7) & ~7 if out else 0
        if start + len(entry) > length:
            if last is None:                              # not even the first one: its name is cut
                fixed = _DIR_LAYOUT[cls]
                out = bytearray(entry[:max(fixed, length & ~1)])
                query.index += 1
                return bytes(out), STATUS["STATUS_BUFFER_OVERFLOW"]
            break
        if last is not None:
            struct.pack_into("<I", out, last, start - last)
            out += b"\0" * (start - len(out))
        last = start
        out += entry
        query.index += 1
        if single:
            break
    return bytes(out), 0


@export
@probe
def NtQueryDirectoryFile(ctx, FileHandle: HANDLE, Event: HANDLE, ApcRoutine: PVOID, ApcContext: PVOID,
                         IoStatusBlock: PIO_STATUS_BLOCK, FileInformation: PVOID, Length: ULONG,
                         FileInformationClass: ULONG, ReturnSingleEntry: BOOLEAN, FileName: PUNICODE_STRING,
                         RestartScan: BOOLEAN) -> NTSTATUS:
    file = file_object(ctx, FileHandle)
    if FileInformationClass not in _DIR_LAYOUT:
        return STATUS["STATUS_INVALID_INFO_CLASS"]
    if not file.node.is_dir:
        return STATUS["STATUS_INVALID_PARAMETER"]
    if Length < _DIR_LAYOUT[FileInformationClass]:
        return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
    query = file.directory_query
    if query is None:
        expression = (ctx.read_unicode_string(FileName) if FileName else None) or "*"
        query = file.directory_query = DirectoryQuery(expression, directory_entries(ctx, file.node, expression))
    elif RestartScan & 0xFF:
        query.entries = directory_entries(ctx, file.node, query.expression)
        query.index = 0
        query.returned_any = False
    if query.index >= len(query.entries):
        status = STATUS["STATUS_NO_MORE_FILES"] if query.returned_any else STATUS["STATUS_NO_SUCH_FILE"]
        io_status(ctx, IoStatusBlock, status, 0)
        return status
    data, status = fill_directory_buffer(query, FileInformationClass, Length, bool(ReturnSingleEntry & 0xFF))
    query.returned_any = True
    ctx.write(FileInformation, data)
    io_status(ctx, IoStatusBlock, status, len(data))
    return status


# -- the volume -----------------------------------------------------------------------------------------

def volume_information(ctx, file, cls: int) -> tuple[bytes, int]:
    """(structure bytes, fixed size) of FS_INFORMATION_CLASS `cls` for the volume of `file`."""
    if cls == FileFsDeviceInformation:
        device = FILE_DEVICE_NULL if isinstance(file, NullDevice) else FILE_DEVICE_DISK
        return struct.pack("<II", device, 0 if isinstance(file, NullDevice) else FILE_DEVICE_IS_MOUNTED), 8
    if isinstance(file, NullDevice):
        raise NtError("STATUS_INVALID_DEVICE_REQUEST", "the null device has no volume")
    total, free = ctx.kernel.io.disk_space()
    clusters, free_clusters = total // CLUSTER_SIZE, free // CLUSTER_SIZE
    sectors = CLUSTER_SIZE // SECTOR_SIZE
    if cls == FileFsVolumeInformation:
        return struct.pack("<QIIBB", ctx.kernel.profile.system_file_time, VOLUME_SERIAL_NUMBER, 0, 1, 0), 0x12
    if cls == FileFsSizeInformation:
        return struct.pack("<QQII", clusters, free_clusters, sectors, SECTOR_SIZE), 24
    if cls == FileFsFullSizeInformation:
        return struct.pack("<QQQII", clusters, free_clusters, free_clusters, sectors, SECTOR_SIZE), 32
    if cls == FileFsAttributeInformation:
        name = FILE_SYSTEM_NAME.encode("utf-16-le")
        return struct.pack("<III", ctx.kernel.profile.file_system_flags, MAX_COMPONENT_LENGTH, len(name)) + name, 12
    raise NtError("STATUS_INVALID_INFO_CLASS", f"FS_INFORMATION_CLASS {cls}")


_MIN_VOLUME_LENGTH = {FileFsVolumeInformation: 0x18, FileFsSizeInformation: 24, FileFsDeviceInformation: 8,
                      FileFsAttributeInformation: 16, FileFsFullSizeInformation: 32}


@export
@probe
def NtQueryVolumeInformationFile(ctx, FileHandle: HANDLE, IoStatusBlock: PIO_STATUS_BLOCK, FsInformation: PVOID,
                                 Length: ULONG, FsInformationClass: ULONG) -> NTSTATUS:
    file = file_object(ctx, FileHandle, (FileObject, NullDevice))
    return _answer_query(ctx, _MIN_VOLUME_LENGTH, FsInformationClass, Length, FsInformation, IoStatusBlock,
                         lambda: volume_information(ctx, file, FsInformationClass))


# -- sections -------------------------------------------------------------------------------------------

@export
def NtCreateSection(ctx, SectionHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
                    MaximumSize: PLARGE_INTEGER, SectionPageProtection: ULONG, AllocationAttributes: ULONG,
                    FileHandle: HANDLE) -> NTSTATUS:
    if not AllocationAttributes & SEC_IMAGE or not FileHandle:
        return STATUS["STATUS_NOT_SUPPORTED"]
    file = ctx.process.handles.lookup(FileHandle, FileObject)
    section = ctx.kernel.mm.create_image_section(file)
    ctx.write_u32(SectionHandle, ctx.process.handles.insert(section, DesiredAccess))
    return 0


@export
def NtMapViewOfSection(ctx, SectionHandle: HANDLE, ProcessHandle: HANDLE, BaseAddress: PVOID, ZeroBits: ULONG,
                       CommitSize: SIZE_T, SectionOffset: PLARGE_INTEGER, ViewSize: PSIZE_T,
                       InheritDisposition: ULONG, AllocationType: ULONG, Win32Protect: ULONG) -> NTSTATUS:
    section = ctx.process.handles.lookup(SectionHandle, Section)
    process = process_from_handle(ctx, ProcessHandle)
    base, status = ctx.kernel.mm.map_view_of_section(process, section, ctx.read_u32(BaseAddress) or None)
    ctx.write_u32(BaseAddress, base)
    ctx.write_u32(ViewSize, section.layout[0])
    return status


@export
def NtUnmapViewOfSection(ctx, ProcessHandle: HANDLE, BaseAddress: PVOID) -> NTSTATUS:
    ctx.kernel.mm.unmap_view_of_section(process_from_handle(ctx, ProcessHandle), BaseAddress)
    return 0


@export
def NtQuerySection(ctx, SectionHandle: HANDLE, SectionInformationClass: ULONG, SectionInformation: PVOID,
                   SectionInformationLength: ULONG, ReturnLength: PULONG) -> NTSTATUS:
    section = ctx.process.handles.lookup(SectionHandle, Section)
    if SectionInformationClass != 1:        # SectionImageInformation
        return STATUS["STATUS_INVALID_INFO_CLASS"]
    info = section.image.info
    data = struct.pack("<IIIIIHHIHHHHBBBBII", info.entry_va(info.image_base), 0,
                       info.stack_reserve, info.stack_commit, info.subsystem,
                       info.subsystem_version[1], info.subsystem_version[0], 0, info.characteristics,
                       info.dll_characteristics, info.machine, 0, 1, 0, 0, 0, 0, 0)
    if SectionInformationLength < 0x30:
        return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
    ctx.write(SectionInformation, data[:0x30].ljust(0x30, b"\0"))
    if ReturnLength:
        ctx.write_u32(ReturnLength, 0x30)
    return 0
