"""File and section services: NtCreateFile, NtOpenFile, NtReadFile, NtWriteFile,
NtQueryInformationFile, NtSetInformationFile, NtCreateSection, NtMapViewOfSection,
NtUnmapViewOfSection, NtQuerySection.  Paths go through the sandboxed I/O manager."""
from __future__ import annotations

import os
import struct

from loader.image import ImageError

from ..console import console_kind, console_read, console_write
from ..hle.registry import export
from ..hle.types import (ACCESS_MASK, HANDLE, NTSTATUS, PHANDLE, PIO_STATUS_BLOCK, PLARGE_INTEGER,
                         POBJECT_ATTRIBUTES, PSIZE_T, PULONG, PVOID, SIZE_T, ULONG)
from ..io import FileObject
from ..mm import Section
from ..status import STATUS, NtError
from .process import process_from_handle

FILE_SUPERSEDE, FILE_OPEN, FILE_CREATE, FILE_OPEN_IF, FILE_OVERWRITE, FILE_OVERWRITE_IF = range(6)
FILE_DIRECTORY_FILE = 0x1
FILE_NON_DIRECTORY_FILE = 0x40
GENERIC_WRITE = 0x40000000
FILE_WRITE_DATA = 0x2
FILE_APPEND_DATA = 0x4
DELETE = 0x10000
SEC_IMAGE = 0x1000000

FILE_SUPERSEDED, FILE_OPENED, FILE_CREATED, FILE_OVERWRITTEN = 0, 1, 2, 3


def object_attributes_path(ctx, attributes: int) -> str:
    """The full path an OBJECT_ATTRIBUTES names (RootDirectory + ObjectName)."""
    _, root, name_ptr = struct.unpack("<III", ctx.read(attributes, 12))
    name = ctx.read_unicode_string(name_ptr) or ""
    if root:
        base = ctx.process.handles.lookup(root, FileObject)
        name = base.node.guest_path.rstrip("\\") + "\\" + name
    return name


def io_status(ctx, iosb: int, status: int, information: int) -> None:
    if iosb:
        ctx.write(iosb, struct.pack("<II", status & 0xFFFFFFFF, information & 0xFFFFFFFF))


class HostFile(FileObject):
    """An open file of the sandbox, with its host file descriptor."""

    def __init__(self, node, access, fd):
        super().__init__(node, access)
        self.fd = fd

    def on_last_handle_closed(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def open_file(ctx, path: str, access: int, disposition: int, options: int) -> tuple[FileObject, int]:
    node = ctx.kernel.io.resolve(path, ctx.process.current_directory)
    wants_write = bool(access & (GENERIC_WRITE | FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE))
    if node.is_dir:
        if options & FILE_NON_DIRECTORY_FILE:
            raise NtError("STATUS_FILE_IS_A_DIRECTORY", f"{path} is a folder")
        return FileObject(node, access), FILE_OPENED
    if options & FILE_DIRECTORY_FILE:
        raise NtError("STATUS_NOT_A_DIRECTORY" if node.exists else "STATUS_OBJECT_NAME_NOT_FOUND", path)
    if node.host_path is None:                       # a virtual file (System32)
        if not node.exists:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path}: file not found")
        if wants_write or disposition not in (FILE_OPEN, FILE_OPEN_IF):
            raise NtError("STATUS_ACCESS_DENIED", f"{path} is read-only")
        return FileObject(node, access), FILE_OPENED
    if (wants_write or disposition not in (FILE_OPEN, FILE_OPEN_IF)) and not node.writable:
        raise NtError("STATUS_ACCESS_DENIED" if node.exists else "STATUS_MEDIA_WRITE_PROTECTED",
                      f"{path} is on a read-only mount")
    flags = os.O_RDWR if node.writable and wants_write else os.O_RDONLY
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    if node.exists:
        if disposition == FILE_CREATE:
            raise NtError("STATUS_OBJECT_NAME_COLLISION", f"{path} exists")
        result = FILE_OPENED
        if disposition in (FILE_SUPERSEDE, FILE_OVERWRITE, FILE_OVERWRITE_IF):
            flags |= os.O_TRUNC
            result = FILE_OVERWRITTEN if disposition != FILE_SUPERSEDE else FILE_SUPERSEDED
    else:
        if disposition in (FILE_OPEN, FILE_OVERWRITE):
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path}: file not found")
        flags |= os.O_CREAT | os.O_EXCL
        result = FILE_CREATED
    try:
        fd = os.open(node.host_path, flags, 0o644)
    except OSError as e:
        raise NtError("STATUS_ACCESS_DENIED", f"{path}: {e.strerror}") from None
    node.exists = True
    return HostFile(node, access, fd), result


@export
def NtCreateFile(ctx, FileHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
                 IoStatusBlock: PIO_STATUS_BLOCK, AllocationSize: PLARGE_INTEGER, FileAttributes: ULONG,
                 ShareAccess: ULONG, CreateDisposition: ULONG, CreateOptions: ULONG, EaBuffer: PVOID,
                 EaLength: ULONG) -> NTSTATUS:
    path = object_attributes_path(ctx, ObjectAttributes)
    file, info = open_file(ctx, path, DesiredAccess, CreateDisposition, CreateOptions)
    ctx.write_u32(FileHandle, ctx.process.handles.insert(file, DesiredAccess))
    io_status(ctx, IoStatusBlock, 0, info)
    return 0


@export
def NtOpenFile(ctx, FileHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
               IoStatusBlock: PIO_STATUS_BLOCK, ShareAccess: ULONG, OpenOptions: ULONG) -> NTSTATUS:
    path = object_attributes_path(ctx, ObjectAttributes)
    file, info = open_file(ctx, path, DesiredAccess, FILE_OPEN, OpenOptions)
    ctx.write_u32(FileHandle, ctx.process.handles.insert(file, DesiredAccess))
    io_status(ctx, IoStatusBlock, 0, info)
    return 0


def read_file(ctx, handle: int, size: int, offset: int | None = None) -> bytes:
    kind = console_kind(ctx.process, handle)
    if kind is not None:
        return console_read(ctx.kernel, size)
    file = ctx.process.handles.lookup(handle, FileObject)
    if isinstance(file, HostFile) and file.fd is not None:
        pos = file.position if offset is None else offset
        data = os.pread(file.fd, size, pos)
    else:
        blob = file.read_all()
        pos = file.position if offset is None else offset
        data = blob[pos:pos + size]
    file.position = pos + len(data)
    return data


def write_file(ctx, handle: int, data: bytes, offset: int | None = None) -> int:
    kind = console_kind(ctx.process, handle)
    if kind is not None:
        console_write(ctx.kernel, ctx.process, kind, data)
        return len(data)
    file = ctx.process.handles.lookup(handle, FileObject)
    if not isinstance(file, HostFile) or file.fd is None or not file.node.writable \
            or not file.access & (GENERIC_WRITE | FILE_WRITE_DATA | FILE_APPEND_DATA):
        raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path} is not open for writing")
    pos = file.position if offset is None else offset
    try:
        n = os.pwrite(file.fd, data, pos)
    except OSError as e:
        raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path}: {e.strerror}") from None
    file.position = pos + n
    capture = getattr(ctx.kernel, "file_write_capture", None)
    if capture is not None:                  # reports: what the guest wrote (kernel.report.FileCapture)
        capture(ctx.process, file.node.guest_path, pos, data[:n])
    return n


@export
def NtReadFile(ctx, FileHandle: HANDLE, Event: HANDLE, ApcRoutine: PVOID, ApcContext: PVOID,
               IoStatusBlock: PIO_STATUS_BLOCK, Buffer: PVOID, Length: ULONG, ByteOffset: PLARGE_INTEGER,
               Key: PULONG) -> NTSTATUS:
    offset = None
    if ByteOffset:
        low, high = struct.unpack("<II", ctx.read(ByteOffset, 8))
        if not (low == 0xFFFFFFFE and high == 0xFFFFFFFF):
            offset = low | high << 32
    data = read_file(ctx, FileHandle, Length, offset)
    if not data and Length:
        io_status(ctx, IoStatusBlock, STATUS["STATUS_END_OF_FILE"], 0)
        return STATUS["STATUS_END_OF_FILE"]
    ctx.write(Buffer, data)
    io_status(ctx, IoStatusBlock, 0, len(data))
    return 0


@export
def NtWriteFile(ctx, FileHandle: HANDLE, Event: HANDLE, ApcRoutine: PVOID, ApcContext: PVOID,
                IoStatusBlock: PIO_STATUS_BLOCK, Buffer: PVOID, Length: ULONG, ByteOffset: PLARGE_INTEGER,
                Key: PULONG) -> NTSTATUS:
    offset = None
    if ByteOffset:
        low, high = struct.unpack("<II", ctx.read(ByteOffset, 8))
        if not (low == 0xFFFFFFFF and high == 0xFFFFFFFF):
            offset = low | high << 32
    n = write_file(ctx, FileHandle, ctx.read(Buffer, Length) if Length else b"", offset)
    io_status(ctx, IoStatusBlock, 0, n)
    return 0


@export
def NtQueryInformationFile(ctx, FileHandle: HANDLE, IoStatusBlock: PIO_STATUS_BLOCK, FileInformation: PVOID,
                           Length: ULONG, FileInformationClass: ULONG) -> NTSTATUS:
    file = ctx.process.handles.lookup(FileHandle, FileObject)
    if FileInformationClass == 5:          # FileStandardInformation
        size = _file_size(file)
        data = struct.pack("<QQIBBH", (size + 0xFFF) & ~0xFFF, size, 1, 0, 1 if file.node.is_dir else 0, 0)
    elif FileInformationClass == 14:       # FilePositionInformation
        data = struct.pack("<Q", file.position)
    else:
        return STATUS["STATUS_INVALID_INFO_CLASS"]
    if Length < len(data):
        return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
    ctx.write(FileInformation, data)
    io_status(ctx, IoStatusBlock, 0, len(data))
    return 0


def _file_size(file: FileObject) -> int:
    if isinstance(file, HostFile) and file.fd is not None:
        return os.fstat(file.fd).st_size
    if file.node.is_dir:
        return 0
    return len(file.read_all())


@export
def NtSetInformationFile(ctx, FileHandle: HANDLE, IoStatusBlock: PIO_STATUS_BLOCK, FileInformation: PVOID,
                         Length: ULONG, FileInformationClass: ULONG) -> NTSTATUS:
    file = ctx.process.handles.lookup(FileHandle, FileObject)
    if FileInformationClass == 14:
        file.position = struct.unpack("<Q", ctx.read(FileInformation, 8))[0]
    elif FileInformationClass == 20 and isinstance(file, HostFile):    # FileEndOfFileInformation
        os.ftruncate(file.fd, struct.unpack("<Q", ctx.read(FileInformation, 8))[0])
    else:
        return STATUS["STATUS_INVALID_INFO_CLASS"]
    io_status(ctx, IoStatusBlock, 0, 0)
    return 0


@export
def NtCreateSection(ctx, SectionHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
                    MaximumSize: PLARGE_INTEGER, SectionPageProtection: ULONG, AllocationAttributes: ULONG,
                    FileHandle: HANDLE) -> NTSTATUS:
    if not AllocationAttributes & SEC_IMAGE or not FileHandle:
        return STATUS["STATUS_NOT_SUPPORTED"]
    file = ctx.process.handles.lookup(FileHandle, FileObject)
    try:
        section = ctx.kernel.mm.create_image_section(file)
    except ImageError as e:
        raise NtError(e.status, str(e)) from None
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
    data = struct.pack("<IIIIIHHIHHHHBBBBII", info.image_base + info.entry_point_rva, 0,
                       info.stack_reserve, info.stack_commit, info.subsystem,
                       info.subsystem_version[1], info.subsystem_version[0], 0, info.characteristics,
                       info.dll_characteristics, info.machine, 0, 1, 0, 0, 0, 0, 0)
    if SectionInformationLength < 0x30:
        return STATUS["STATUS_INFO_LENGTH_MISMATCH"]
    ctx.write(SectionInformation, data[:0x30].ljust(0x30, b"\0"))
    if ReturnLength:
        ctx.write_u32(ReturnLength, 0x30)
    return 0
