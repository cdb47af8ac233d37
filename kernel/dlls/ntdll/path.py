"""ntdll's path functions (RtlGetFullPathName_U, RtlDosPathNameToNtPathName_U, the current
directory ...), and the helpers kernel32's file functions share with them.

The current directory lives where Windows keeps it, in RTL_USER_PROCESS_PARAMETERS.CurrentDirectory
(a UNICODE_STRING ending with a backslash, room for MAX_PATH characters); the process object keeps
a copy for the kernel's own path lookups (the loader's search order, relative names)."""
from __future__ import annotations

import struct

from kernel.rtl import paths
from ...hle.registry import export
from ...hle.types import BOOLEAN, NTSTATUS, PCWSTR, PUNICODE_STRING, PVOID, PWSTR, ULONG, VOID
from kernel.rtl.status import STATUS, NtError

MAX_PATH = 260
CURDIR_ROOM = 2 * (MAX_PATH + 1)          # bytes Windows gives CurrentDirectory.DosPath


# -- the current directory -------------------------------------------------------------------------

def _curdir_location(ctx) -> int:
    S = ctx.process.structs
    return ctx.process.params + S.RTL_USER_PROCESS_PARAMETERS.offsetof("CurrentDirectory")


def current_directory(ctx) -> str:
    """The current directory as GetCurrentDirectory gives it: no trailing backslash but for a root."""
    if not ctx.process.params:
        return ctx.process.current_directory
    dos = ctx.read_unicode_string(_curdir_location(ctx)) or ctx.process.current_directory
    return dos.rstrip("\\") if len(dos) > 3 and dos.endswith("\\") else dos


def set_current_directory(ctx, path: str) -> None:
    """RtlSetCurrentDirectory_U: the folder must exist; stored full, with a trailing backslash."""
    if not path:
        raise NtError("STATUS_OBJECT_NAME_INVALID", "empty path")
    full, _ = paths.full_path_name(path, current_directory(ctx))
    if not full.endswith("\\"):
        full += "\\"
    if len(full) + 1 > MAX_PATH:
        raise NtError("STATUS_NAME_TOO_LONG", f"{full} is longer than MAX_PATH")
    if paths.path_type(full) != paths.PATH_DRIVE_ABSOLUTE:
        raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{full}: no such drive or share")
    node = ctx.kernel.io.resolve(full, current_directory(ctx))
    if not node.exists:
        raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path}: no such folder")
    if not node.is_dir:
        raise NtError("STATUS_NOT_A_DIRECTORY", f"{path} is not a folder")
    location = _curdir_location(ctx)
    _, maximum, buffer = struct.unpack("<HHI", ctx.read(location, 8))
    data = full.encode("utf-16-le", "surrogatepass")
    if not buffer or maximum < len(data) + 2:
        buffer = ctx.process.heap.allocate(CURDIR_ROOM)
        maximum = CURDIR_ROOM
    ctx.write(buffer, data + b"\0\0")
    ctx.write(location, struct.pack("<HHI", len(data), maximum, buffer))
    ctx.process.current_directory = full.rstrip("\\") if len(full) > 3 else full


# -- strings in the process heap (what RtlFreeUnicodeString frees) ---------------------------------

def new_unicode_string(ctx, at: int, text: str) -> int:
    """Fill the UNICODE_STRING at `at` with a copy of text in the process heap; returns the buffer."""
    data = text.encode("utf-16-le", "surrogatepass")
    buffer = ctx.process.heap.allocate(len(data) + 2)
    ctx.write(buffer, data + b"\0\0")
    ctx.write(at, struct.pack("<HHI", len(data), len(data) + 2, buffer))
    return buffer


def copy_out_w(ctx, text: str, buffer: int, size_bytes: int) -> int:
    """The Rtl convention: bytes written without the NUL, or the bytes needed with it."""
    data = text.encode("utf-16-le", "surrogatepass")
    if len(data) + 2 > size_bytes:
        return len(data) + 2
    ctx.write(buffer, data + b"\0\0")
    return len(data)


# -- the exports -----------------------------------------------------------------------------------

@export
def RtlDetermineDosPathNameType_U(ctx, Path: PCWSTR) -> ULONG:
    return paths.path_type(Path or "")


@export
def RtlIsDosDeviceName_U(ctx, DosFileName: PCWSTR) -> ULONG:
    found = paths.dos_device_name(DosFileName or "")
    if found is None:
        return 0
    offset, length = found
    return (2 * offset) << 16 | 2 * length


@export
def RtlGetFullPathName_U(ctx, FileName: PCWSTR, Size: ULONG, Buffer: PWSTR, ShortName: PVOID) -> ULONG:
    if not FileName:
        return 0
    full, part = paths.full_path_name(FileName, current_directory(ctx))
    written = copy_out_w(ctx, full, Buffer, Size)
    if ShortName:
        ctx.write_u32(ShortName, Buffer + 2 * part if part is not None and written < Size else 0)
    return written


def dos_path_to_nt(ctx, DosFileName: str | None, NtFileName: int, FilePart: int, RelativeName: int) -> int:
    if not DosFileName:
        return STATUS["STATUS_OBJECT_NAME_INVALID"]
    nt, part = paths.dos_path_to_nt_path(DosFileName, current_directory(ctx))
    buffer = new_unicode_string(ctx, NtFileName, nt)
    if FilePart:
        ctx.write_u32(FilePart, buffer + 2 * part if part is not None else 0)
    if RelativeName:
        ctx.write(RelativeName, bytes(16))     # RTL_RELATIVE_NAME_U: no relative name, no handle
    return 0


@export
def RtlDosPathNameToNtPathName_U(ctx, DosFileName: PCWSTR, NtFileName: PUNICODE_STRING, FilePart: PVOID,
                                 RelativeName: PVOID) -> BOOLEAN:
    return 1 if dos_path_to_nt(ctx, DosFileName, NtFileName, FilePart, RelativeName) == 0 else 0


@export
def RtlDosPathNameToNtPathName_U_WithStatus(ctx, DosFileName: PCWSTR, NtFileName: PUNICODE_STRING,
                                            FilePart: PVOID, RelativeName: PVOID) -> NTSTATUS:
    return dos_path_to_nt(ctx, DosFileName, NtFileName, FilePart, RelativeName)


@export
def RtlDosPathNameToRelativeNtPathName_U(ctx, DosFileName: PCWSTR, NtFileName: PUNICODE_STRING,
                                         FilePart: PVOID, RelativeName: PVOID) -> BOOLEAN:
    return 1 if dos_path_to_nt(ctx, DosFileName, NtFileName, FilePart, RelativeName) == 0 else 0


@export
def RtlReleaseRelativeName(ctx, RelativeName: PVOID) -> VOID:
    """Nothing to release: relative names hold no directory handle here."""


@export
def RtlFreeUnicodeString(ctx, UnicodeString: PUNICODE_STRING) -> VOID:
    if not UnicodeString:
        return
    buffer = ctx.read_u32(UnicodeString + 4)
    if buffer:
        ctx.process.heap.free(buffer)
    ctx.write(UnicodeString, bytes(8))


@export
def RtlGetCurrentDirectory_U(ctx, MaximumLength: ULONG, Buffer: PWSTR) -> ULONG:
    return copy_out_w(ctx, current_directory(ctx), Buffer, MaximumLength)


@export
def RtlSetCurrentDirectory_U(ctx, PathName: PUNICODE_STRING) -> NTSTATUS:
    set_current_directory(ctx, ctx.read_unicode_string(PathName) or "")
    return 0


@export
def RtlDoesFileExists_U(ctx, FileName: PCWSTR) -> BOOLEAN:
    if not FileName:
        return 0
    try:
        node = ctx.kernel.io.resolve(paths.full_path_name(FileName, current_directory(ctx))[0])
    except NtError:
        return 0
    return 1 if node.exists else 0


@export
def RtlIsNameInExpression(ctx, Expression: PUNICODE_STRING, Name: PUNICODE_STRING, IgnoreCase: BOOLEAN,
                          UpcaseTable: PVOID) -> BOOLEAN:
    expression = ctx.read_unicode_string(Expression) or ""
    name = ctx.read_unicode_string(Name) or ""
    return 1 if paths.is_name_in_expression(expression, name, bool(IgnoreCase)) else 0
