"""fileapi.h (and CloseHandle of handleapi.h): files, folders, find handles, paths, drives.

Each function does what Windows 7's kernel32 does with the system services underneath: the name
becomes a full path (RtlGetFullPathName_U, kernel/rtl/paths.py), the file is opened through the
sandboxed I/O manager as NtCreateFile/NtOpenFile would (kernel/nt/file.py), and a failure's
NTSTATUS becomes the last error through RtlNtStatusToDosError, with the few conversions kernel32
itself makes (ERROR_FILE_EXISTS for CREATE_NEW, ERROR_ALREADY_EXISTS *with success* for
CREATE_ALWAYS/OPEN_ALWAYS on an existing file, ERROR_PATH_NOT_FOUND for a missing folder of
FindFirstFile ...).  The `A` functions convert names with the ANSI code page and return lengths
in bytes of it, as Windows does when the file APIs are ANSI (AreFileApisANSI).
"""
from __future__ import annotations

import struct

from kernel.rtl import paths
from kernel.io.console import console_kind, is_console_handle
from ...hle.registry import export
from .state import kernel32_state
from ...hle.types import (BOOL, DWORD, HANDLE, LARGE_INTEGER, LONG, LPCSTR, LPCVOID, LPCWSTR, LPDWORD, LPFILETIME,
                          LPOVERLAPPED, LPSECURITY_ATTRIBUTES, LPSTR, LPVOID, LPWSTR, PLARGE_INTEGER, PLONG, UINT, VOID)
from kernel.io.manager import (CLUSTER_SIZE, DELETE, FILE_APPEND_DATA, FILE_ATTRIBUTE_NORMAL,
                   FILE_CREATE, FILE_DELETE_ON_CLOSE, FILE_DIRECTORY_FILE, FILE_NON_DIRECTORY_FILE, FILE_OPEN,
                   FILE_OPEN_IF, FILE_OPENED, FILE_OVERWRITE, FILE_OVERWRITE_IF, FILE_OVERWRITTEN,
                   FILE_READ_ATTRIBUTES, FILE_SEQUENTIAL_ONLY, FILE_SHARE_ALL, FILE_SYNCHRONOUS_IO_NONALERT,
                   FILE_WRITE_ATTRIBUTES, FILE_WRITE_DATA, FILE_WRITE_THROUGH, GENERIC_WRITE, SECTOR_SIZE,
                   SYNCHRONIZE, VOLUME_SERIAL_NUMBER, FileObject, NullDevice)
from ...nt.file import (FILE_SYSTEM_NAME, MAX_COMPONENT_LENGTH, OBJ_INHERIT,
                        FileAttributeTagInformation, FileBasicInformation, FileDispositionInformation,
                        FileEndOfFileInformation, FileAllocationInformation, FileNameInformation,
                        FilePositionInformation, FileRenameInformation, FileStandardInformation, delete_path,
                        directory_entries, file_info, file_object, file_size, open_file, query_information,
                        read_file, set_information, volume_path, write_file)
from kernel.ob.object import KernelObject
from kernel.hle.probe import probe
from kernel.rtl.status import STATUS, NtError, dos_error
from ..ntdll.path import current_directory

INVALID_HANDLE_VALUE = 0xFFFFFFFF
INVALID_FILE_ATTRIBUTES = INVALID_FILE_SIZE = INVALID_SET_FILE_POINTER = 0xFFFFFFFF
MAX_PATH = 260

ERROR_SUCCESS, ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_ACCESS_DENIED = 0, 2, 3, 5
ERROR_INVALID_HANDLE, ERROR_NO_MORE_FILES, ERROR_BAD_LENGTH, ERROR_HANDLE_EOF = 6, 18, 24, 38
ERROR_NOT_SUPPORTED, ERROR_FILE_EXISTS, ERROR_INVALID_PARAMETER, ERROR_BUFFER_OVERFLOW = 50, 80, 87, 111
ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_NAME, ERROR_NEGATIVE_SEEK, ERROR_DIR_NOT_ROOT = 122, 123, 131, 144
ERROR_ALREADY_EXISTS, ERROR_FILENAME_EXCED_RANGE, ERROR_MORE_DATA, ERROR_DIRECTORY = 183, 206, 234, 267

CREATE_NEW, CREATE_ALWAYS, OPEN_EXISTING, OPEN_ALWAYS, TRUNCATE_EXISTING = 1, 2, 3, 4, 5
_DISPOSITIONS = {CREATE_NEW: FILE_CREATE, CREATE_ALWAYS: FILE_OVERWRITE_IF, OPEN_EXISTING: FILE_OPEN,
                 OPEN_ALWAYS: FILE_OPEN_IF, TRUNCATE_EXISTING: FILE_OVERWRITE}
FILE_FLAG_WRITE_THROUGH, FILE_FLAG_OVERLAPPED, FILE_FLAG_NO_BUFFERING = 0x80000000, 0x40000000, 0x20000000
FILE_FLAG_RANDOM_ACCESS, FILE_FLAG_SEQUENTIAL_SCAN, FILE_FLAG_DELETE_ON_CLOSE = 0x10000000, 0x08000000, 0x04000000
FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT = 0x02000000, 0x00200000
FILE_ATTRIBUTE_VALID_FLAGS = 0x7FA7
FILE_NO_INTERMEDIATE_BUFFERING, FILE_RANDOM_ACCESS, FILE_OPEN_FOR_BACKUP_INTENT = 0x8, 0x800, 0x4000
FILE_OPEN_REPARSE_POINT = 0x200000
FILE_TYPE_UNKNOWN, FILE_TYPE_DISK, FILE_TYPE_CHAR = 0, 1, 2
FILE_BEGIN, FILE_CURRENT, FILE_END = 0, 1, 2
DRIVE_NO_ROOT_DIR, DRIVE_FIXED = 1, 3
FILE_LIST_DIRECTORY = 0x1
GENERIC_READ = 0x80000000


# -- strings in and out -------------------------------------------------------------------------------

def encode(ctx, text: str, wide: bool) -> bytes:
    return text.encode("utf-16-le", "surrogatepass") if wide else text.encode(ctx.kernel.ansi_codepage, "replace")


def copy_out(ctx, text: str, buffer: int, size: int, wide: bool) -> int:
    """The Win32 convention: characters written without the NUL, or the size needed with it (the
    buffer is not touched then).  For `A` functions characters are bytes of the ANSI code page."""
    data = encode(ctx, text, wide)
    unit = 2 if wide else 1
    if len(data) // unit + 1 > size or not buffer:
        return len(data) // unit + 1
    ctx.write(buffer, data + b"\0" * unit)
    return len(data) // unit


def full_path(ctx, name: str | None) -> str:
    """The full Win32 path of a name a file function was given (RtlDosPathNameToNtPathName_U's
    first half); an empty name is a missing path, as on Windows."""
    if not name:
        raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", "an empty path")
    return paths.full_path_name(name, current_directory(ctx))[0]


def set_error(ctx, error: NtError | int) -> None:
    ctx.set_last_error(dos_error(error.status) if isinstance(error, NtError) else error)


def device_of(full: str) -> str | None:
    """The DOS device a full path names (`\\\\.\\NUL` ...), upper-cased, or None."""
    if full.startswith("\\\\.\\") and "\\" not in full[4:]:
        return full[4:].upper()
    return None


def _inherit(ctx, security_attributes: int) -> int:
    if security_attributes and ctx.read_u32(security_attributes) >= 12 and ctx.read_u32(security_attributes + 8):
        return OBJ_INHERIT
    return 0


def _new_console_handle(ctx, kind: str) -> int:
    handles = ctx.process.console_handles
    value = 0xF
    while value in handles or ctx.process.handles.entries.get(value & ~3) is not None:
        value += 4
    handles[value] = kind
    return value


# -- CreateFile -----------------------------------------------------------------------------------------

def create_file(ctx, name: str | None, access: int, share: int, security: int, disposition: int,
                flags: int) -> int:
    if disposition not in _DISPOSITIONS:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return INVALID_HANDLE_VALUE
    if disposition == TRUNCATE_EXISTING and not access & GENERIC_WRITE:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return INVALID_HANDLE_VALUE
    try:
        console = (name or "").upper()
        if console in ("CONIN$", "CONOUT$", "CON"):             # kernel32 opens the console itself
            if console == "CON":
                kind = "output" if access & GENERIC_WRITE else "input"
            else:
                kind = "input" if console == "CONIN$" else "output"
            ctx.set_last_error(ERROR_SUCCESS)
            return _new_console_handle(ctx, kind)
        full = full_path(ctx, name)
        device = device_of(full)
        options = 0
        if not flags & FILE_FLAG_OVERLAPPED:
            options |= FILE_SYNCHRONOUS_IO_NONALERT
        if flags & FILE_FLAG_WRITE_THROUGH:
            options |= FILE_WRITE_THROUGH
        if flags & FILE_FLAG_NO_BUFFERING:
            options |= FILE_NO_INTERMEDIATE_BUFFERING
        if flags & FILE_FLAG_RANDOM_ACCESS:
            options |= FILE_RANDOM_ACCESS
        if flags & FILE_FLAG_SEQUENTIAL_SCAN:
            options |= FILE_SEQUENTIAL_ONLY
        if flags & FILE_FLAG_DELETE_ON_CLOSE:
            options |= FILE_DELETE_ON_CLOSE
            access |= DELETE
        if flags & FILE_FLAG_BACKUP_SEMANTICS:
            options |= FILE_OPEN_FOR_BACKUP_INTENT
        else:
            options |= FILE_NON_DIRECTORY_FILE
        if flags & FILE_FLAG_OPEN_REPARSE_POINT:
            options |= FILE_OPEN_REPARSE_POINT
        nt_disposition = _DISPOSITIONS[disposition]
        if device == "NUL":
            file, info = open_file(ctx, "\\Device\\Null", access, nt_disposition, options, share)
        elif device is not None:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{full}: no such device")
        else:
            file, info = open_file(ctx, full, access | SYNCHRONIZE | FILE_READ_ATTRIBUTES, nt_disposition,
                                   options, share, flags & FILE_ATTRIBUTE_VALID_FLAGS)
        handle = ctx.process.handles.insert(file, file.access, _inherit(ctx, security))
    except NtError as e:
        if e.status == STATUS["STATUS_OBJECT_NAME_COLLISION"] and disposition == CREATE_NEW:
            ctx.set_last_error(ERROR_FILE_EXISTS)
        else:
            set_error(ctx, e)
        return INVALID_HANDLE_VALUE
    existed = disposition in (CREATE_ALWAYS, OPEN_ALWAYS) and info in (FILE_OPENED, FILE_OVERWRITTEN)
    ctx.set_last_error(ERROR_ALREADY_EXISTS if existed else ERROR_SUCCESS)
    return handle


@export
@probe
def CreateFileW(ctx, lpFileName: LPCWSTR, dwDesiredAccess: DWORD, dwShareMode: DWORD,
                lpSecurityAttributes: LPSECURITY_ATTRIBUTES, dwCreationDisposition: DWORD,
                dwFlagsAndAttributes: DWORD, hTemplateFile: HANDLE) -> HANDLE:
    return create_file(ctx, lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
                       dwCreationDisposition, dwFlagsAndAttributes)


@export
@probe
def CreateFileA(ctx, lpFileName: LPCSTR, dwDesiredAccess: DWORD, dwShareMode: DWORD,
                lpSecurityAttributes: LPSECURITY_ATTRIBUTES, dwCreationDisposition: DWORD,
                dwFlagsAndAttributes: DWORD, hTemplateFile: HANDLE) -> HANDLE:
    return create_file(ctx, lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
                       dwCreationDisposition, dwFlagsAndAttributes)


# -- reading and writing --------------------------------------------------------------------------------

def _overlapped_offset(ctx, overlapped: int) -> int:
    low, high = struct.unpack("<II", ctx.read(overlapped + 8, 8))
    return low | high << 32


@export
@probe
def WriteFile(ctx, hFile: HANDLE, lpBuffer: LPCVOID, nNumberOfBytesToWrite: DWORD,
              lpNumberOfBytesWritten: LPDWORD, lpOverlapped: LPOVERLAPPED) -> BOOL:
    if lpNumberOfBytesWritten:
        ctx.write_u32(lpNumberOfBytesWritten, 0)
    data = ctx.read(lpBuffer, nNumberOfBytesToWrite) if nNumberOfBytesToWrite else b""
    offset = None
    if lpOverlapped:
        offset = _overlapped_offset(ctx, lpOverlapped)
        if offset == 0xFFFFFFFFFFFFFFFF:
            offset = -1                          # append
    n = write_file(ctx, hFile, data, offset)
    if lpOverlapped:
        ctx.write(lpOverlapped, struct.pack("<II", 0, n))
    if lpNumberOfBytesWritten:
        ctx.write_u32(lpNumberOfBytesWritten, n)
    return 1


@export
@probe
def ReadFile(ctx, hFile: HANDLE, lpBuffer: LPVOID, nNumberOfBytesToRead: DWORD,
             lpNumberOfBytesRead: LPDWORD, lpOverlapped: LPOVERLAPPED) -> BOOL:
    if lpNumberOfBytesRead:
        ctx.write_u32(lpNumberOfBytesRead, 0)
    offset = _overlapped_offset(ctx, lpOverlapped) if lpOverlapped else None
    data = read_file(ctx, hFile, nNumberOfBytesToRead, offset)
    if lpOverlapped:
        if not data and nNumberOfBytesToRead and console_kind(ctx.process, hFile) is None:
            ctx.write(lpOverlapped, struct.pack("<II", STATUS["STATUS_END_OF_FILE"], 0))
            ctx.set_last_error(ERROR_HANDLE_EOF)
            return 0
        ctx.write(lpOverlapped, struct.pack("<II", 0, len(data)))
    if data:
        ctx.write(lpBuffer, data)
    if lpNumberOfBytesRead:
        ctx.write_u32(lpNumberOfBytesRead, len(data))
    return 1


@export
def CloseHandle(ctx, hObject: HANDLE) -> BOOL:
    if is_console_handle(hObject):
        if hObject not in (0x3, 0x7, 0xB):
            ctx.process.console_handles.pop(hObject, None)
        return 1
    ctx.process.handles.close(hObject)
    return 1


@export
def GetFileType(ctx, hFile: HANDLE) -> DWORD:
    if console_kind(ctx.process, hFile) is not None:
        return FILE_TYPE_CHAR
    obj = ctx.process.handles.lookup(hFile, (FileObject, NullDevice))
    return FILE_TYPE_CHAR if isinstance(obj, NullDevice) else FILE_TYPE_DISK


@export
@probe
def FlushFileBuffers(ctx, hFile: HANDLE) -> BOOL:
    kind = console_kind(ctx.process, hFile)
    if kind is not None:
        if kind == "input":
            return 1
        ctx.set_last_error(ERROR_INVALID_HANDLE)      # FlushConsoleInputBuffer refuses an output buffer
        return 0
    file = file_object(ctx, hFile, (FileObject, NullDevice))
    if isinstance(file, FileObject) and not file.access & (FILE_WRITE_DATA | FILE_APPEND_DATA):
        raise NtError("STATUS_ACCESS_DENIED", f"{file.node.guest_path} is not open for writing")
    return 1


# -- the file pointer and the size ------------------------------------------------------------------------

def _seek(ctx, handle: int, distance: int, method: int) -> int:
    file = file_object(ctx, handle, (FileObject, NullDevice))
    if method == FILE_BEGIN:
        position = distance
    elif method == FILE_CURRENT:
        position = file.position + distance
    elif method == FILE_END:
        position = file_size(file) + distance
    else:
        raise NtError("STATUS_INVALID_PARAMETER", f"move method {method}")
    if position < 0:
        raise _NegativeSeek()
    return position


class _NegativeSeek(Exception):
    pass


@export
@probe
def SetFilePointer(ctx, hFile: HANDLE, lDistanceToMove: LONG, lpDistanceToMoveHigh: PLONG,
                   dwMoveMethod: DWORD) -> DWORD:
    if lpDistanceToMoveHigh:
        distance = (lDistanceToMove & 0xFFFFFFFF) | ctx.read_u32(lpDistanceToMoveHigh) << 32
        distance -= (distance & 1 << 63) << 1
    else:
        distance = lDistanceToMove
    try:
        position = _seek(ctx, hFile, distance, dwMoveMethod)
        if not lpDistanceToMoveHigh and position > 0xFFFFFFFF:
            ctx.set_last_error(ERROR_INVALID_PARAMETER)
            return INVALID_SET_FILE_POINTER
        file = file_object(ctx, hFile, (FileObject, NullDevice))
        set_information(ctx, file, FilePositionInformation, struct.pack("<Q", position))
    except _NegativeSeek:
        ctx.set_last_error(ERROR_NEGATIVE_SEEK)
        return INVALID_SET_FILE_POINTER
    except NtError as e:
        if lpDistanceToMoveHigh:
            ctx.write_u32(lpDistanceToMoveHigh, 0xFFFFFFFF)
        set_error(ctx, e)
        return INVALID_SET_FILE_POINTER
    if lpDistanceToMoveHigh:
        ctx.write_u32(lpDistanceToMoveHigh, position >> 32)
    if position & 0xFFFFFFFF == 0xFFFFFFFF:
        ctx.set_last_error(ERROR_SUCCESS)            # a valid position that looks like the error value
    return position & 0xFFFFFFFF


@export
@probe
def SetFilePointerEx(ctx, hFile: HANDLE, liDistanceToMove: LARGE_INTEGER, lpNewFilePointer: PLARGE_INTEGER,
                     dwMoveMethod: DWORD) -> BOOL:
    try:
        position = _seek(ctx, hFile, liDistanceToMove, dwMoveMethod)
    except _NegativeSeek:
        ctx.set_last_error(ERROR_NEGATIVE_SEEK)
        return 0
    file = file_object(ctx, hFile, (FileObject, NullDevice))
    set_information(ctx, file, FilePositionInformation, struct.pack("<Q", position))
    if lpNewFilePointer:
        ctx.write(lpNewFilePointer, struct.pack("<Q", position))
    return 1


@export
@probe
def GetFileSize(ctx, hFile: HANDLE, lpFileSizeHigh: LPDWORD) -> DWORD:
    try:
        size = file_size(file_object(ctx, hFile, (FileObject, NullDevice)))
    except NtError as e:
        set_error(ctx, e)
        return INVALID_FILE_SIZE
    if lpFileSizeHigh:
        ctx.write_u32(lpFileSizeHigh, size >> 32)
    return size & 0xFFFFFFFF


@export
@probe
def GetFileSizeEx(ctx, hFile: HANDLE, lpFileSize: PLARGE_INTEGER) -> BOOL:
    size = file_size(file_object(ctx, hFile, (FileObject, NullDevice)))
    ctx.write(lpFileSize, struct.pack("<Q", size))
    return 1


@export
@probe
def SetEndOfFile(ctx, hFile: HANDLE) -> BOOL:
    file = file_object(ctx, hFile)
    set_information(ctx, file, FileEndOfFileInformation, struct.pack("<Q", file.position))
    set_information(ctx, file, FileAllocationInformation, struct.pack("<Q", file.position))
    return 1


# -- attributes and times --------------------------------------------------------------------------------

def _attributes_by_name(ctx, name: str | None):
    from ...nt.file import query_path
    full = full_path(ctx, name)
    if device_of(full) is not None:
        raise NtError("STATUS_OBJECT_NAME_INVALID", f"{full} is a device")
    return query_path(ctx, full)[1]


def _get_attributes(ctx, name) -> int:
    try:
        return _attributes_by_name(ctx, name).attributes
    except NtError as e:
        set_error(ctx, e)
        return INVALID_FILE_ATTRIBUTES


@export
@probe
def GetFileAttributesW(ctx, lpFileName: LPCWSTR) -> DWORD:
    return _get_attributes(ctx, lpFileName)


@export
@probe
def GetFileAttributesA(ctx, lpFileName: LPCSTR) -> DWORD:
    return _get_attributes(ctx, lpFileName)


def _get_attributes_ex(ctx, name, level, out) -> int:
    if level != 0:                                   # GetFileExInfoStandard
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    info = _attributes_by_name(ctx, name)
    ctx.write(out, struct.pack("<IQQQII", info.attributes, info.creation, info.last_access, info.last_write,
                               info.size >> 32, info.size & 0xFFFFFFFF))
    return 1


@export
@probe
def GetFileAttributesExW(ctx, lpFileName: LPCWSTR, fInfoLevelId: DWORD, lpFileInformation: LPVOID) -> BOOL:
    return _get_attributes_ex(ctx, lpFileName, fInfoLevelId, lpFileInformation)


@export
@probe
def GetFileAttributesExA(ctx, lpFileName: LPCSTR, fInfoLevelId: DWORD, lpFileInformation: LPVOID) -> BOOL:
    return _get_attributes_ex(ctx, lpFileName, fInfoLevelId, lpFileInformation)


def _set_attributes(ctx, name, attributes) -> int:
    full = full_path(ctx, name)
    file, _ = open_file(ctx, full, FILE_WRITE_ATTRIBUTES | SYNCHRONIZE, FILE_OPEN,
                        FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT, FILE_SHARE_ALL)
    try:
        set_information(ctx, file, FileBasicInformation,
                        struct.pack("<QQQQII", 0, 0, 0, 0, attributes or FILE_ATTRIBUTE_NORMAL, 0))
    finally:
        file.close()
    return 1


@export
@probe
def SetFileAttributesW(ctx, lpFileName: LPCWSTR, dwFileAttributes: DWORD) -> BOOL:
    return _set_attributes(ctx, lpFileName, dwFileAttributes)


@export
@probe
def SetFileAttributesA(ctx, lpFileName: LPCSTR, dwFileAttributes: DWORD) -> BOOL:
    return _set_attributes(ctx, lpFileName, dwFileAttributes)


@export
@probe
def GetFileTime(ctx, hFile: HANDLE, lpCreationTime: LPFILETIME, lpLastAccessTime: LPFILETIME,
                lpLastWriteTime: LPFILETIME) -> BOOL:
    info = file_info(ctx, file_object(ctx, hFile))
    for pointer, value in ((lpCreationTime, info.creation), (lpLastAccessTime, info.last_access),
                           (lpLastWriteTime, info.last_write)):
        if pointer:
            ctx.write(pointer, struct.pack("<Q", value))
    return 1


@export
@probe
def SetFileTime(ctx, hFile: HANDLE, lpCreationTime: LPFILETIME, lpLastAccessTime: LPFILETIME,
                lpLastWriteTime: LPFILETIME) -> BOOL:
    file = file_object(ctx, hFile)
    times = [struct.unpack("<Q", ctx.read(p, 8))[0] if p else 0
             for p in (lpCreationTime, lpLastAccessTime, lpLastWriteTime)]
    set_information(ctx, file, FileBasicInformation, struct.pack("<QQQQII", *times, 0, 0, 0))
    return 1


def _filetime(ctx, pointer: int) -> int:
    low, high = struct.unpack("<II", ctx.read(pointer, 8))
    return low | high << 32


@export
@probe
def CompareFileTime(ctx, lpFileTime1: LPFILETIME, lpFileTime2: LPFILETIME) -> LONG:
    a, b = _filetime(ctx, lpFileTime1), _filetime(ctx, lpFileTime2)
    return -1 if a < b else (1 if a > b else 0)


@export
@probe
def FileTimeToLocalFileTime(ctx, lpFileTime: LPFILETIME, lpLocalFileTime: LPFILETIME) -> BOOL:
    # the machine's time zone is UTC (bias 0), so local time is UTC
    ctx.write(lpLocalFileTime, struct.pack("<Q", _filetime(ctx, lpFileTime)))
    return 1


@export
@probe
def LocalFileTimeToFileTime(ctx, lpLocalFileTime: LPFILETIME, lpFileTime: LPFILETIME) -> BOOL:
    ctx.write(lpFileTime, struct.pack("<Q", _filetime(ctx, lpLocalFileTime)))
    return 1


@export
@probe
def GetFileInformationByHandle(ctx, hFile: HANDLE, lpFileInformation: LPVOID) -> BOOL:
    file = file_object(ctx, hFile)
    info = file_info(ctx, file)
    ctx.write(lpFileInformation, struct.pack(
        "<IQQQIIIIII", info.attributes, info.creation, info.last_access, info.last_write, VOLUME_SERIAL_NUMBER,
        info.size >> 32, info.size & 0xFFFFFFFF, info.links, (info.index >> 32) & 0xFFFFFFFF,
        info.index & 0xFFFFFFFF))
    return 1


# FILE_INFO_BY_HANDLE_CLASS -> FILE_INFORMATION_CLASS, for what Get/SetFileInformationByHandle support
_BY_HANDLE_QUERY = {0: FileBasicInformation, 1: FileStandardInformation, 2: FileNameInformation,
                    9: FileAttributeTagInformation}
_BY_HANDLE_SET = {0: FileBasicInformation, 3: FileRenameInformation, 4: FileDispositionInformation,
                  5: FileAllocationInformation, 6: FileEndOfFileInformation}


@export
@probe
def GetFileInformationByHandleEx(ctx, hFile: HANDLE, FileInformationClass: DWORD, lpFileInformation: LPVOID,
                                 dwBufferSize: DWORD) -> BOOL:
    cls = _BY_HANDLE_QUERY.get(FileInformationClass)
    if cls is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    data, fixed = query_information(ctx, file_object(ctx, hFile), cls)
    if dwBufferSize < fixed:
        ctx.set_last_error(ERROR_BAD_LENGTH)
        return 0
    if len(data) > dwBufferSize:
        ctx.write(lpFileInformation, data[:dwBufferSize & ~1])
        ctx.set_last_error(ERROR_MORE_DATA)
        return 0
    ctx.write(lpFileInformation, data)
    return 1


@export
@probe
def SetFileInformationByHandle(ctx, hFile: HANDLE, FileInformationClass: DWORD, lpFileInformation: LPVOID,
                               dwBufferSize: DWORD) -> BOOL:
    cls = _BY_HANDLE_SET.get(FileInformationClass)
    if cls is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    set_information(ctx, file_object(ctx, hFile), cls, ctx.read(lpFileInformation, dwBufferSize))
    return 1


# -- deleting, folders --------------------------------------------------------------------------------------

@export
@probe
def DeleteFileW(ctx, lpFileName: LPCWSTR) -> BOOL:
    delete_path(ctx, full_path(ctx, lpFileName), FILE_NON_DIRECTORY_FILE)
    return 1


@export
@probe
def DeleteFileA(ctx, lpFileName: LPCSTR) -> BOOL:
    delete_path(ctx, full_path(ctx, lpFileName), FILE_NON_DIRECTORY_FILE)
    return 1


def create_directory(ctx, name: str | None) -> int:
    full = full_path(ctx, name)
    if len(full) > MAX_PATH - 12:
        ctx.set_last_error(ERROR_FILENAME_EXCED_RANGE)
        return 0
    node = ctx.kernel.io.resolve(full, current_directory(ctx))
    if node.exists:
        raise NtError("STATUS_OBJECT_NAME_COLLISION", f"{full} exists")
    file, _ = open_file(ctx, full, FILE_LIST_DIRECTORY | SYNCHRONIZE, FILE_CREATE,
                        FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT,
                        FILE_SHARE_ALL)
    file.close()
    return 1


@export
@probe
def CreateDirectoryW(ctx, lpPathName: LPCWSTR, lpSecurityAttributes: LPSECURITY_ATTRIBUTES) -> BOOL:
    return create_directory(ctx, lpPathName)


@export
@probe
def CreateDirectoryA(ctx, lpPathName: LPCSTR, lpSecurityAttributes: LPSECURITY_ATTRIBUTES) -> BOOL:
    return create_directory(ctx, lpPathName)


def _create_directory_ex(ctx, template, name) -> int:
    info = _attributes_by_name(ctx, template)
    if not info.is_dir:
        raise NtError("STATUS_NOT_A_DIRECTORY", f"{template} is not a folder")
    return create_directory(ctx, name)


@export
@probe
def CreateDirectoryExW(ctx, lpTemplateDirectory: LPCWSTR, lpNewDirectory: LPCWSTR,
                       lpSecurityAttributes: LPSECURITY_ATTRIBUTES) -> BOOL:
    return _create_directory_ex(ctx, lpTemplateDirectory, lpNewDirectory)


@export
@probe
def CreateDirectoryExA(ctx, lpTemplateDirectory: LPCSTR, lpNewDirectory: LPCSTR,
                       lpSecurityAttributes: LPSECURITY_ATTRIBUTES) -> BOOL:
    return _create_directory_ex(ctx, lpTemplateDirectory, lpNewDirectory)


@export
@probe
def RemoveDirectoryW(ctx, lpPathName: LPCWSTR) -> BOOL:
    delete_path(ctx, full_path(ctx, lpPathName), FILE_DIRECTORY_FILE | FILE_OPEN_FOR_BACKUP_INTENT)
    return 1


@export
@probe
def RemoveDirectoryA(ctx, lpPathName: LPCSTR) -> BOOL:
    delete_path(ctx, full_path(ctx, lpPathName), FILE_DIRECTORY_FILE | FILE_OPEN_FOR_BACKUP_INTENT)
    return 1


# -- finding files ---------------------------------------------------------------------------------------

class FindHandle(KernelObject):
    """What FindFirstFile returns: the folder's matching entries, read once, and where we are."""
    type_name = "Find"

    def __init__(self, folder: str, entries: list, basic: bool):
        super().__init__(folder)
        self.entries = entries
        self.index = 0
        self.basic = basic


def _find_data(ctx, name: str, info, wide: bool) -> bytes:
    head = struct.pack("<IQQQIIII", info.attributes, info.creation, info.last_access, info.last_write,
                       info.size >> 32, info.size & 0xFFFFFFFF, 0, 0)
    if wide:
        file_name = name.encode("utf-16-le", "surrogatepass")[:2 * (MAX_PATH - 1)]
        return head + file_name.ljust(2 * MAX_PATH, b"\0") + b"\0" * 28
    file_name = encode(ctx, name, False)[:MAX_PATH - 1]
    return head + file_name.ljust(MAX_PATH, b"\0") + b"\0" * 14 + b"\0" * 2


def find_first(ctx, name: str | None, level: int, out: int, search_op: int, search_filter: int, flags: int,
               wide: bool) -> int:
    if level not in (0, 1) or search_filter or flags & ~0x3 or search_op > 2:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return INVALID_HANDLE_VALUE
    if search_op == 2:                               # FindExSearchLimitToDevices
        ctx.set_last_error(ERROR_NOT_SUPPORTED)
        return INVALID_HANDLE_VALUE
    try:
        full, part = paths.full_path_name(name or "", current_directory(ctx)) if name else ("", None)
        if not name:
            raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", "an empty path")
        folder = full[:part] if part is not None else full
        pattern = full[part:] if part is not None else ""
        io = ctx.kernel.io
        node = io.resolve(folder, current_directory(ctx))
        if not node.exists:
            raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{folder}: no such folder")
        if not node.is_dir:
            raise NtError("STATUS_NOT_A_DIRECTORY", f"{folder} is not a folder")
        if not pattern:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{name}: no file name to look for")
        expression = paths.find_expression(pattern, name.rstrip(" ").endswith("."))
        entries = directory_entries(ctx, node, expression)
        if flags & 0x1:                              # FIND_FIRST_EX_CASE_SENSITIVE
            entries = [(n, i) for n, i in entries if paths.is_name_in_expression(expression, n, ignore_case=False)]
        if search_op == 1:                           # FindExSearchLimitToDirectories: advisory, as on NTFS
            pass
        if not entries:
            raise NtError("STATUS_NO_SUCH_FILE", f"{name}: no match")
    except NtError as e:
        set_error(ctx, e)
        return INVALID_HANDLE_VALUE
    find = FindHandle(folder, entries, level == 1)
    first_name, first_info = entries[0]
    ctx.write(out, _find_data(ctx, first_name, first_info, wide))
    find.index = 1
    return ctx.process.handles.insert(find, 0)


@export
@probe
def FindFirstFileW(ctx, lpFileName: LPCWSTR, lpFindFileData: LPVOID) -> HANDLE:
    return find_first(ctx, lpFileName, 0, lpFindFileData, 0, 0, 0, True)


@export
@probe
def FindFirstFileA(ctx, lpFileName: LPCSTR, lpFindFileData: LPVOID) -> HANDLE:
    return find_first(ctx, lpFileName, 0, lpFindFileData, 0, 0, 0, False)


@export
@probe
def FindFirstFileExW(ctx, lpFileName: LPCWSTR, fInfoLevelId: DWORD, lpFindFileData: LPVOID, fSearchOp: DWORD,
                     lpSearchFilter: LPVOID, dwAdditionalFlags: DWORD) -> HANDLE:
    return find_first(ctx, lpFileName, fInfoLevelId, lpFindFileData, fSearchOp, lpSearchFilter,
                      dwAdditionalFlags, True)


@export
@probe
def FindFirstFileExA(ctx, lpFileName: LPCSTR, fInfoLevelId: DWORD, lpFindFileData: LPVOID, fSearchOp: DWORD,
                     lpSearchFilter: LPVOID, dwAdditionalFlags: DWORD) -> HANDLE:
    return find_first(ctx, lpFileName, fInfoLevelId, lpFindFileData, fSearchOp, lpSearchFilter,
                      dwAdditionalFlags, False)


def _find_handle(ctx, handle: int) -> FindHandle:
    if handle in (0, INVALID_HANDLE_VALUE) or is_console_handle(handle):
        raise NtError("STATUS_INVALID_HANDLE", f"{handle:#x} is not a find handle")
    try:
        return ctx.process.handles.lookup(handle, FindHandle)
    except NtError:
        raise NtError("STATUS_INVALID_HANDLE", f"{handle:#x} is not a find handle") from None


def find_next(ctx, handle: int, out: int, wide: bool) -> int:
    find = _find_handle(ctx, handle)
    if find.index >= len(find.entries):
        ctx.set_last_error(ERROR_NO_MORE_FILES)
        return 0
    name, info = find.entries[find.index]
    find.index += 1
    ctx.write(out, _find_data(ctx, name, info, wide))
    return 1


@export
@probe
def FindNextFileW(ctx, hFindFile: HANDLE, lpFindFileData: LPVOID) -> BOOL:
    return find_next(ctx, hFindFile, lpFindFileData, True)


@export
@probe
def FindNextFileA(ctx, hFindFile: HANDLE, lpFindFileData: LPVOID) -> BOOL:
    return find_next(ctx, hFindFile, lpFindFileData, False)


@export
def FindClose(ctx, hFindFile: HANDLE) -> BOOL:
    _find_handle(ctx, hFindFile)
    ctx.process.handles.close(hFindFile)
    return 1


# -- path names ------------------------------------------------------------------------------------------

def get_full_path_name(ctx, name: str | None, size: int, buffer: int, file_part: int, wide: bool) -> int:
    if not name:
        ctx.set_last_error(ERROR_INVALID_NAME)
        return 0
    full, part = paths.full_path_name(name, current_directory(ctx))
    n = copy_out(ctx, full, buffer, size, wide)
    if n < size and file_part:
        offset = len(encode(ctx, full[:part], wide)) if part is not None else None
        ctx.write_u32(file_part, buffer + offset if offset is not None else 0)
    return n


@export
@probe
def GetFullPathNameW(ctx, lpFileName: LPCWSTR, nBufferLength: DWORD, lpBuffer: LPWSTR, lpFilePart: LPVOID) -> DWORD:
    return get_full_path_name(ctx, lpFileName, nBufferLength, lpBuffer, lpFilePart, True)


@export
@probe
def GetFullPathNameA(ctx, lpFileName: LPCSTR, nBufferLength: DWORD, lpBuffer: LPSTR, lpFilePart: LPVOID) -> DWORD:
    return get_full_path_name(ctx, lpFileName, nBufferLength, lpBuffer, lpFilePart, False)


def _existing_path(ctx, name: str | None, size: int, buffer: int, wide: bool) -> int:
    """GetShortPathName/GetLongPathName: no 8.3 names exist here (as on a volume with short-name
    generation off), so an existing path is its own short and long form."""
    if name is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    _attributes_by_name(ctx, name)
    return copy_out(ctx, name, buffer, size, wide)


@export
@probe
def GetShortPathNameW(ctx, lpszLongPath: LPCWSTR, lpszShortPath: LPWSTR, cchBuffer: DWORD) -> DWORD:
    return _existing_path(ctx, lpszLongPath, cchBuffer, lpszShortPath, True)


@export
@probe
def GetShortPathNameA(ctx, lpszLongPath: LPCSTR, lpszShortPath: LPSTR, cchBuffer: DWORD) -> DWORD:
    return _existing_path(ctx, lpszLongPath, cchBuffer, lpszShortPath, False)


@export
@probe
def GetLongPathNameW(ctx, lpszShortPath: LPCWSTR, lpszLongPath: LPWSTR, cchBuffer: DWORD) -> DWORD:
    return _existing_path(ctx, lpszShortPath, cchBuffer, lpszLongPath, True)


@export
@probe
def GetLongPathNameA(ctx, lpszShortPath: LPCSTR, lpszLongPath: LPSTR, cchBuffer: DWORD) -> DWORD:
    return _existing_path(ctx, lpszShortPath, cchBuffer, lpszLongPath, False)


def get_temp_path(ctx) -> str:
    """GetTempPath's choice: TMP, TEMP, USERPROFILE, else the Windows folder; full, ending in `\\`."""
    from .processenv import lookup
    for variable in ("TMP", "TEMP", "USERPROFILE"):
        value = lookup(ctx, variable)
        if value:
            break
    else:
        value = ctx.kernel.windows_directory
    full = paths.full_path_name(value, current_directory(ctx))[0]
    return full if full.endswith("\\") else full + "\\"


@export
@probe
def GetTempPathW(ctx, nBufferLength: DWORD, lpBuffer: LPWSTR) -> DWORD:
    return copy_out(ctx, get_temp_path(ctx), lpBuffer, nBufferLength, True)


@export
@probe
def GetTempPathA(ctx, nBufferLength: DWORD, lpBuffer: LPSTR) -> DWORD:
    return copy_out(ctx, get_temp_path(ctx), lpBuffer, nBufferLength, False)


def get_temp_file_name(ctx, path: str | None, prefix: str | None, unique: int, out: int, wide: bool) -> int:
    if path is None or not out:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    base = path if path.endswith(("\\", "/")) or not path else path + "\\"
    base += (prefix or "")[:3]
    if len(base) > MAX_PATH - 14:
        ctx.set_last_error(ERROR_BUFFER_OVERFLOW)
        return 0
    unique &= 0xFFFF
    if unique:
        name = f"{base}{unique:X}.tmp"
        ctx.write(out, encode(ctx, name, wide) + (b"\0\0" if wide else b"\0"))
        return unique
    number = ctx.kernel.clock.tick_count() & 0xFFFF or 1
    for _ in range(0x10000):
        name = f"{base}{number:X}.tmp"
        try:
            file, _ = open_file(ctx, full_path(ctx, name), GENERIC_WRITE | SYNCHRONIZE | FILE_READ_ATTRIBUTES,
                                FILE_CREATE, FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, 0)
        except NtError as e:
            if e.status in (STATUS["STATUS_OBJECT_NAME_COLLISION"], STATUS["STATUS_SHARING_VIOLATION"]):
                number = number % 0xFFFF + 1
                continue
            if e.status in (STATUS["STATUS_OBJECT_PATH_NOT_FOUND"], STATUS["STATUS_OBJECT_NAME_NOT_FOUND"],
                            STATUS["STATUS_NOT_A_DIRECTORY"]):
                ctx.set_last_error(ERROR_DIRECTORY)
            else:
                set_error(ctx, e)
            return 0
        file.close()
        ctx.write(out, encode(ctx, name, wide) + (b"\0\0" if wide else b"\0"))
        return number
    ctx.set_last_error(ERROR_FILE_EXISTS)
    return 0


@export
@probe
def GetTempFileNameW(ctx, lpPathName: LPCWSTR, lpPrefixString: LPCWSTR, uUnique: UINT,
                     lpTempFileName: LPWSTR) -> UINT:
    return get_temp_file_name(ctx, lpPathName, lpPrefixString, uUnique, lpTempFileName, True)


@export
@probe
def GetTempFileNameA(ctx, lpPathName: LPCSTR, lpPrefixString: LPCSTR, uUnique: UINT,
                     lpTempFileName: LPSTR) -> UINT:
    return get_temp_file_name(ctx, lpPathName, lpPrefixString, uUnique, lpTempFileName, False)


@export
@probe
def GetFinalPathNameByHandleW(ctx, hFile: HANDLE, lpszFilePath: LPWSTR, cchFilePath: DWORD, dwFlags: DWORD) -> DWORD:
    return _final_path(ctx, hFile, lpszFilePath, cchFilePath, dwFlags, True)


@export
@probe
def GetFinalPathNameByHandleA(ctx, hFile: HANDLE, lpszFilePath: LPSTR, cchFilePath: DWORD, dwFlags: DWORD) -> DWORD:
    return _final_path(ctx, hFile, lpszFilePath, cchFilePath, dwFlags, False)


VOLUME_GUID = "{3a4e6f5c-8d21-11e0-9d6a-806e6f6e6963}"


def _final_path(ctx, handle, buffer, size, flags, wide) -> int:
    if flags & ~0xF or (flags & 0x7) not in (0, 1, 2, 4):
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    name = volume_path(file_object(ctx, handle))
    volume = flags & 0x7
    if volume == 0:
        text = "\\\\?\\C:" + name
    elif volume == 1:
        text = f"\\\\?\\Volume{VOLUME_GUID}" + name
    elif volume == 2:
        text = "\\Device\\HarddiskVolume1" + name
    else:
        text = name
    return copy_out(ctx, text, buffer, size, wide)


@export
def AreFileApisANSI(ctx) -> BOOL:
    return 0 if kernel32_state(ctx.process).file_apis_oem else 1


@export
def SetFileApisToOEM(ctx) -> VOID:
    """Records the choice (AreFileApisANSI then says FALSE); the A file functions keep converting
    names with the ANSI code page (known difference)."""
    kernel32_state(ctx.process).file_apis_oem = True


@export
def SetFileApisToANSI(ctx) -> VOID:
    kernel32_state(ctx.process).file_apis_oem = False


# -- byte-range locks -------------------------------------------------------------------------------------

def _lock(ctx, handle: int, offset: int, length: int, exclusive: bool) -> int:
    file = file_object(ctx, handle)
    if file.fcb is None:
        raise NtError("STATUS_INVALID_HANDLE", f"{handle:#x} cannot be locked")
    ctx.kernel.io.lock(file, offset, length, exclusive)
    return 1


@export
@probe
def LockFile(ctx, hFile: HANDLE, dwFileOffsetLow: DWORD, dwFileOffsetHigh: DWORD,
             nNumberOfBytesToLockLow: DWORD, nNumberOfBytesToLockHigh: DWORD) -> BOOL:
    return _lock(ctx, hFile, dwFileOffsetLow | dwFileOffsetHigh << 32,
                 nNumberOfBytesToLockLow | nNumberOfBytesToLockHigh << 32, True)


@export
@probe
def LockFileEx(ctx, hFile: HANDLE, dwFlags: DWORD, dwReserved: DWORD, nNumberOfBytesToLockLow: DWORD,
               nNumberOfBytesToLockHigh: DWORD, lpOverlapped: LPOVERLAPPED) -> BOOL:
    if dwReserved or not lpOverlapped:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    return _lock(ctx, hFile, _overlapped_offset(ctx, lpOverlapped),
                 nNumberOfBytesToLockLow | nNumberOfBytesToLockHigh << 32, bool(dwFlags & 0x2))


def _unlock(ctx, handle: int, offset: int, length: int) -> int:
    file = file_object(ctx, handle)
    if file.fcb is None:
        raise NtError("STATUS_RANGE_NOT_LOCKED", "nothing is locked")
    ctx.kernel.io.unlock(file, offset, length)
    return 1


@export
@probe
def UnlockFile(ctx, hFile: HANDLE, dwFileOffsetLow: DWORD, dwFileOffsetHigh: DWORD,
               nNumberOfBytesToUnlockLow: DWORD, nNumberOfBytesToUnlockHigh: DWORD) -> BOOL:
    return _unlock(ctx, hFile, dwFileOffsetLow | dwFileOffsetHigh << 32,
                   nNumberOfBytesToUnlockLow | nNumberOfBytesToUnlockHigh << 32)


@export
@probe
def UnlockFileEx(ctx, hFile: HANDLE, dwReserved: DWORD, nNumberOfBytesToUnlockLow: DWORD,
                 nNumberOfBytesToUnlockHigh: DWORD, lpOverlapped: LPOVERLAPPED) -> BOOL:
    if dwReserved or not lpOverlapped:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    return _unlock(ctx, hFile, _overlapped_offset(ctx, lpOverlapped),
                   nNumberOfBytesToUnlockLow | nNumberOfBytesToUnlockHigh << 32)


# -- drives and the volume --------------------------------------------------------------------------------

def _drive_type(ctx, root: str | None) -> int:
    if root is None:
        return DRIVE_FIXED if current_directory(ctx)[:2].upper() == "C:" else DRIVE_NO_ROOT_DIR
    text = root[4:] if root.startswith("\\\\?\\") else root
    if len(text) >= 2 and text[1] == ":" and text[2:] in ("", "\\", "/"):
        return DRIVE_FIXED if text[0].upper() == "C" else DRIVE_NO_ROOT_DIR
    return DRIVE_NO_ROOT_DIR


@export
@probe
def GetDriveTypeW(ctx, lpRootPathName: LPCWSTR) -> UINT:
    return _drive_type(ctx, lpRootPathName)


@export
@probe
def GetDriveTypeA(ctx, lpRootPathName: LPCSTR) -> UINT:
    return _drive_type(ctx, lpRootPathName)


@export
def GetLogicalDrives(ctx) -> DWORD:
    return 1 << 2                                    # C:


def _logical_drive_strings(ctx, size: int, buffer: int, wide: bool) -> int:
    data = encode(ctx, "C:\\\0", wide) + (b"\0\0" if wide else b"\0")
    unit = 2 if wide else 1
    if len(data) > size * unit:
        return len(data) // unit
    ctx.write(buffer, data)
    return len(data) // unit - 1


@export
@probe
def GetLogicalDriveStringsW(ctx, nBufferLength: DWORD, lpBuffer: LPWSTR) -> DWORD:
    return _logical_drive_strings(ctx, nBufferLength, lpBuffer, True)


@export
@probe
def GetLogicalDriveStringsA(ctx, nBufferLength: DWORD, lpBuffer: LPSTR) -> DWORD:
    return _logical_drive_strings(ctx, nBufferLength, lpBuffer, False)


def _check_volume_root(ctx, root: str | None) -> None:
    """GetVolumeInformation's and GetDiskFreeSpace's root: `C:\\` (a trailing backslash needed)."""
    if root is None:
        root = current_directory(ctx)[:3]
    text = root[4:] if root.startswith("\\\\?\\") else root
    text = text.replace("/", "\\")
    if not text.endswith("\\"):
        raise NtError("STATUS_OBJECT_NAME_INVALID", f"{root}: a root needs its trailing backslash")
    if len(text) < 2 or text[1] != ":" or text[0].upper() != "C":
        raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{root}: no such drive")
    if text[2:] != "\\":
        node = ctx.kernel.io.resolve(text, current_directory(ctx))
        if not node.exists:
            raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{root}: no such folder")
        ctx.set_last_error(ERROR_DIR_NOT_ROOT)
        raise _NotRoot()


class _NotRoot(Exception):
    pass


def _volume_information(ctx, root, label, label_size, serial, max_component, flags, fs_name, fs_size, wide):
    try:
        _check_volume_root(ctx, root)
    except _NotRoot:
        return 0
    unit = 2 if wide else 1
    if label and label_size < 1:
        ctx.set_last_error(ERROR_BAD_LENGTH)
        return 0
    name = encode(ctx, FILE_SYSTEM_NAME, wide)
    if fs_name and fs_size * unit < len(name) + unit:
        ctx.set_last_error(ERROR_BAD_LENGTH)
        return 0
    if label:
        ctx.write(label, b"\0" * unit)               # the system volume has no label
    if serial:
        ctx.write_u32(serial, VOLUME_SERIAL_NUMBER)
    if max_component:
        ctx.write_u32(max_component, MAX_COMPONENT_LENGTH)
    if flags:
        ctx.write_u32(flags, ctx.kernel.profile.file_system_flags)
    if fs_name:
        ctx.write(fs_name, name + b"\0" * unit)
    return 1


@export
@probe
def GetVolumeInformationW(ctx, lpRootPathName: LPCWSTR, lpVolumeNameBuffer: LPWSTR, nVolumeNameSize: DWORD,
                          lpVolumeSerialNumber: LPDWORD, lpMaximumComponentLength: LPDWORD,
                          lpFileSystemFlags: LPDWORD, lpFileSystemNameBuffer: LPWSTR,
                          nFileSystemNameSize: DWORD) -> BOOL:
    return _volume_information(ctx, lpRootPathName, lpVolumeNameBuffer, nVolumeNameSize, lpVolumeSerialNumber,
                               lpMaximumComponentLength, lpFileSystemFlags, lpFileSystemNameBuffer,
                               nFileSystemNameSize, True)


@export
@probe
def GetVolumeInformationA(ctx, lpRootPathName: LPCSTR, lpVolumeNameBuffer: LPSTR, nVolumeNameSize: DWORD,
                          lpVolumeSerialNumber: LPDWORD, lpMaximumComponentLength: LPDWORD,
                          lpFileSystemFlags: LPDWORD, lpFileSystemNameBuffer: LPSTR,
                          nFileSystemNameSize: DWORD) -> BOOL:
    return _volume_information(ctx, lpRootPathName, lpVolumeNameBuffer, nVolumeNameSize, lpVolumeSerialNumber,
                               lpMaximumComponentLength, lpFileSystemFlags, lpFileSystemNameBuffer,
                               nFileSystemNameSize, False)


def _disk_free_space_ex(ctx, directory, free_to_caller, total, total_free) -> int:
    if directory is not None:
        full = full_path(ctx, directory)
        node = ctx.kernel.io.resolve(full, current_directory(ctx))
        if not node.exists:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{full}: no such folder")
        if not node.is_dir:
            raise NtError("STATUS_NOT_A_DIRECTORY", f"{full} is not a folder")
    size, free = ctx.kernel.io.disk_space()
    for pointer, value in ((free_to_caller, free), (total, size), (total_free, free)):
        if pointer:
            ctx.write(pointer, struct.pack("<Q", value))
    return 1


@export
@probe
def GetDiskFreeSpaceExW(ctx, lpDirectoryName: LPCWSTR, lpFreeBytesAvailableToCaller: PLARGE_INTEGER,
                        lpTotalNumberOfBytes: PLARGE_INTEGER, lpTotalNumberOfFreeBytes: PLARGE_INTEGER) -> BOOL:
    return _disk_free_space_ex(ctx, lpDirectoryName, lpFreeBytesAvailableToCaller, lpTotalNumberOfBytes,
                               lpTotalNumberOfFreeBytes)


@export
@probe
def GetDiskFreeSpaceExA(ctx, lpDirectoryName: LPCSTR, lpFreeBytesAvailableToCaller: PLARGE_INTEGER,
                        lpTotalNumberOfBytes: PLARGE_INTEGER, lpTotalNumberOfFreeBytes: PLARGE_INTEGER) -> BOOL:
    return _disk_free_space_ex(ctx, lpDirectoryName, lpFreeBytesAvailableToCaller, lpTotalNumberOfBytes,
                               lpTotalNumberOfFreeBytes)


def _disk_free_space(ctx, root, sectors_per_cluster, bytes_per_sector, free_clusters, total_clusters) -> int:
    try:
        _check_volume_root(ctx, root)
    except _NotRoot:
        return 0
    size, free = ctx.kernel.io.disk_space()
    values = ((sectors_per_cluster, CLUSTER_SIZE // SECTOR_SIZE), (bytes_per_sector, SECTOR_SIZE),
              (free_clusters, min(free // CLUSTER_SIZE, 0xFFFFFFFF)),
              (total_clusters, min(size // CLUSTER_SIZE, 0xFFFFFFFF)))
    for pointer, value in values:
        if pointer:
            ctx.write_u32(pointer, value)
    return 1


@export
@probe
def GetDiskFreeSpaceW(ctx, lpRootPathName: LPCWSTR, lpSectorsPerCluster: LPDWORD, lpBytesPerSector: LPDWORD,
                      lpNumberOfFreeClusters: LPDWORD, lpTotalNumberOfClusters: LPDWORD) -> BOOL:
    return _disk_free_space(ctx, lpRootPathName, lpSectorsPerCluster, lpBytesPerSector, lpNumberOfFreeClusters,
                            lpTotalNumberOfClusters)


@export
@probe
def GetDiskFreeSpaceA(ctx, lpRootPathName: LPCSTR, lpSectorsPerCluster: LPDWORD, lpBytesPerSector: LPDWORD,
                      lpNumberOfFreeClusters: LPDWORD, lpTotalNumberOfClusters: LPDWORD) -> BOOL:
    return _disk_free_space(ctx, lpRootPathName, lpSectorsPerCluster, lpBytesPerSector, lpNumberOfFreeClusters,
                            lpTotalNumberOfClusters)
