"""winbase.h: the file functions MoveFile(Ex)/MoveFileWithProgress and CopyFile(Ex); SetHandleCount,
FormatMessage and CreateSymbolicLink.

A move is what Windows 7 does: the source is opened for DELETE and renamed
(FileRenameInformation), across folders of the sandbox too; MOVEFILE_DELAY_UNTIL_REBOOT only
records the operation in HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\
PendingFileRenameOperations, as Windows does (the run never reboots).  A copy opens the source for
reading (sharing reads), creates or overwrites the target with the source's attributes, copies the
bytes and gives the target the source's last-write time.  Progress routines are not called.
"""
from __future__ import annotations

import os
import struct

from ...hle.registry import export
from ...hle.types import BOOL, BOOLEAN, DWORD, LPBOOL, LPCSTR, LPCVOID, LPCWSTR, LPSTR, LPVOID, LPWSTR, UINT
from kernel.io.manager import (DELETE, FILE_ATTRIBUTE_ARCHIVE, FILE_CREATE, FILE_NON_DIRECTORY_FILE, FILE_OPEN,
                   FILE_OVERWRITE_IF, FILE_READ_ATTRIBUTES, FILE_SHARE_ALL, FILE_SHARE_DELETE, FILE_SHARE_READ,
                   FILE_SYNCHRONOUS_IO_NONALERT, GENERIC_WRITE, SYNCHRONIZE, HostFile)
from ...nt.file import FileBasicInformation, FileRenameInformation, file_info, open_file, set_information
from kernel.hle.probe import probe
from kernel.cm import registry as cm
from kernel.cm.registry_file import REG_MULTI_SZ, encode_data
from kernel.rtl.status import STATUS, NtError
from .fileapi import ERROR_FILE_EXISTS, ERROR_INVALID_PARAMETER, FILE_OPEN_FOR_BACKUP_INTENT, GENERIC_READ, \
    full_path, set_error

MOVEFILE_REPLACE_EXISTING, MOVEFILE_COPY_ALLOWED, MOVEFILE_DELAY_UNTIL_REBOOT = 0x1, 0x2, 0x4
MOVEFILE_WRITE_THROUGH, MOVEFILE_CREATE_HARDLINK, MOVEFILE_FAIL_IF_NOT_TRACKABLE = 0x8, 0x10, 0x20
COPY_FILE_FAIL_IF_EXISTS = 0x1
PENDING_KEY = "\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Session Manager"
CHUNK = 1 << 20


def nt_path_of(full: str) -> str:
    """RtlDosPathNameToNtPathName_U for a full path: `\\??\\C:\\x`, `\\??\\UNC\\server\\share\\x`."""
    if full.startswith(("\\\\?\\", "\\\\.\\")):
        return "\\??\\" + full[4:]
    if full.startswith("\\\\"):
        return "\\??\\UNC\\" + full[2:]
    return "\\??\\" + full


def _pending_rename(ctx, source: str, target: str | None, replace: bool) -> None:
    """MOVEFILE_DELAY_UNTIL_REBOOT: append (source, target) to PendingFileRenameOperations."""
    registry = cm.registry_of(ctx.kernel)
    node = registry.create_path(PENDING_KEY)
    old = node.values.get("PENDINGFILERENAMEOPERATIONS")
    items = []
    if old is not None and old.type == REG_MULTI_SZ:
        # pairs of NUL-terminated names, an empty target meaning "delete": empty strings inside
        text = old.data.decode("utf-16-le", "replace")
        items = text[:-1].split("\0")[:-1] if text.endswith("\0") else text.split("\0")
    items.append(nt_path_of(source))
    items.append(("!" if replace else "") + nt_path_of(target) if target else "")
    registry.set_value(node, "PendingFileRenameOperations", REG_MULTI_SZ, encode_data(REG_MULTI_SZ, items))


def move_file(ctx, source: str | None, target: str | None, flags: int) -> int:
    if flags & MOVEFILE_CREATE_HARDLINK or (flags & MOVEFILE_DELAY_UNTIL_REBOOT and flags & MOVEFILE_COPY_ALLOWED):
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    source_full = full_path(ctx, source)
    if flags & MOVEFILE_DELAY_UNTIL_REBOOT:
        _pending_rename(ctx, source_full, full_path(ctx, target) if target else None,
                        bool(flags & MOVEFILE_REPLACE_EXISTING))
        return 1
    if target is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    target_full = full_path(ctx, target)
    file, _ = open_file(ctx, source_full, DELETE | SYNCHRONIZE | FILE_READ_ATTRIBUTES, FILE_OPEN,
                        FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT, FILE_SHARE_ALL)
    try:
        name = nt_path_of(target_full).encode("utf-16-le", "surrogatepass")
        set_information(ctx, file, FileRenameInformation,
                        struct.pack("<BxxxII", int(bool(flags & MOVEFILE_REPLACE_EXISTING)), 0, len(name))
                        + name)
    finally:
        file.close()
    return 1


@export
@probe
def MoveFileExW(ctx, lpExistingFileName: LPCWSTR, lpNewFileName: LPCWSTR, dwFlags: DWORD) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName, dwFlags)


@export
@probe
def MoveFileExA(ctx, lpExistingFileName: LPCSTR, lpNewFileName: LPCSTR, dwFlags: DWORD) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName, dwFlags)


@export
@probe
def MoveFileW(ctx, lpExistingFileName: LPCWSTR, lpNewFileName: LPCWSTR) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName or "", MOVEFILE_COPY_ALLOWED)


@export
@probe
def MoveFileA(ctx, lpExistingFileName: LPCSTR, lpNewFileName: LPCSTR) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName or "", MOVEFILE_COPY_ALLOWED)


@export
@probe
def MoveFileWithProgressW(ctx, lpExistingFileName: LPCWSTR, lpNewFileName: LPCWSTR, lpProgressRoutine: LPVOID,
                          lpData: LPVOID, dwFlags: DWORD) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName, dwFlags)


@export
@probe
def MoveFileWithProgressA(ctx, lpExistingFileName: LPCSTR, lpNewFileName: LPCSTR, lpProgressRoutine: LPVOID,
                          lpData: LPVOID, dwFlags: DWORD) -> BOOL:
    return move_file(ctx, lpExistingFileName, lpNewFileName, dwFlags)


def copy_file(ctx, source: str | None, target: str | None, fail_if_exists: bool) -> int:
    source_full = full_path(ctx, source)
    target_full = full_path(ctx, target)
    src, _ = open_file(ctx, source_full, GENERIC_READ | SYNCHRONIZE, FILE_OPEN,
                       FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, FILE_SHARE_READ | FILE_SHARE_DELETE)
    try:
        info = file_info(ctx, src)
        try:
            dst, _ = open_file(ctx, target_full, GENERIC_WRITE | DELETE | SYNCHRONIZE | FILE_READ_ATTRIBUTES,
                               FILE_CREATE if fail_if_exists else FILE_OVERWRITE_IF,
                               FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, 0,
                               info.attributes & ~0x80 | FILE_ATTRIBUTE_ARCHIVE)
        except NtError as e:
            if e.status == STATUS["STATUS_OBJECT_NAME_COLLISION"]:
                ctx.set_last_error(ERROR_FILE_EXISTS)
                return 0
            raise
        try:
            _copy_bytes(src, dst)
            ctx.kernel.io.written(dst)
            set_information(ctx, dst, FileBasicInformation,
                            struct.pack("<QQQQII", 0, 0, info.last_write, 0, info.attributes, 0))
        except NtError:
            dst.delete_on_close = True                 # a failed copy leaves no half-written target
            raise
        finally:
            dst.close()
    except NtError as e:
        set_error(ctx, e)
        return 0
    finally:
        src.close()
    return 1


def _copy_bytes(src, dst) -> None:
    if not isinstance(dst, HostFile) or dst.fd is None:
        raise NtError("STATUS_ACCESS_DENIED", f"{dst.node.guest_path} cannot be written")
    os.ftruncate(dst.fd, 0)
    if isinstance(src, HostFile) and src.fd is not None:
        offset = 0
        while True:
            chunk = os.pread(src.fd, CHUNK, offset)
            if not chunk:
                break
            os.pwrite(dst.fd, chunk, offset)
            offset += len(chunk)
    else:
        os.pwrite(dst.fd, src.read_all(), 0)


@export
@probe
def CopyFileW(ctx, lpExistingFileName: LPCWSTR, lpNewFileName: LPCWSTR, bFailIfExists: BOOL) -> BOOL:
    return copy_file(ctx, lpExistingFileName, lpNewFileName, bool(bFailIfExists))


@export
@probe
def CopyFileA(ctx, lpExistingFileName: LPCSTR, lpNewFileName: LPCSTR, bFailIfExists: BOOL) -> BOOL:
    return copy_file(ctx, lpExistingFileName, lpNewFileName, bool(bFailIfExists))


@export
@probe
def CopyFileExW(ctx, lpExistingFileName: LPCWSTR, lpNewFileName: LPCWSTR, lpProgressRoutine: LPVOID,
                lpData: LPVOID, pbCancel: LPBOOL, dwCopyFlags: DWORD) -> BOOL:
    return copy_file(ctx, lpExistingFileName, lpNewFileName, bool(dwCopyFlags & COPY_FILE_FAIL_IF_EXISTS))


@export
@probe
def CopyFileExA(ctx, lpExistingFileName: LPCSTR, lpNewFileName: LPCSTR, lpProgressRoutine: LPVOID,
                lpData: LPVOID, pbCancel: LPBOOL, dwCopyFlags: DWORD) -> BOOL:
    return copy_file(ctx, lpExistingFileName, lpNewFileName, bool(dwCopyFlags & COPY_FILE_FAIL_IF_EXISTS))


@export
def SetHandleCount(ctx, uNumber: UINT) -> UINT:
    """A 16-bit Windows leftover: Win32 processes have no handle limit to raise, so it only returns
    uNumber, as Windows NT does."""
    return uNumber


# -- FormatMessage ------------------------------------------------------------------------------------------

FORMAT_MESSAGE_ALLOCATE_BUFFER = 0x100
FORMAT_MESSAGE_IGNORE_INSERTS = 0x200
FORMAT_MESSAGE_FROM_STRING = 0x400
FORMAT_MESSAGE_FROM_HMODULE = 0x800
FORMAT_MESSAGE_FROM_SYSTEM = 0x1000
FORMAT_MESSAGE_ARGUMENT_ARRAY = 0x2000
FORMAT_MESSAGE_MAX_WIDTH_MASK = 0xFF
ERROR_INSUFFICIENT_BUFFER = 122
ERROR_MR_MID_NOT_FOUND = 317
ERROR_RESOURCE_LANG_NOT_FOUND = 15100
# the languages the system message table has: neutral/user/system default and en-US
MESSAGE_LANGUAGES = {0x0000, 0x0400, 0x0800, 0x0409, 0x0009}

# The system message table (Windows 7, English): the text of the common Win32 errors, each ending with
# the CR LF the message compiler puts after every message.
SYSTEM_MESSAGES = {
    0: "The operation completed successfully.",
    1: "Incorrect function.",
    2: "The system cannot find the file specified.",
    3: "The system cannot find the path specified.",
    4: "The system cannot open the file.",
    5: "Access is denied.",
    6: "The handle is invalid.",
    8: "Not enough storage is available to process this command.",
    13: "The data is invalid.",
    14: "Not enough storage is available to complete this operation.",
    15: "The system cannot find the drive specified.",
    18: "There are no more files.",
    21: "The device is not ready.",
    32: "The process cannot access the file because it is being used by another process.",
    33: "The process cannot access the file because another process has locked a portion of the file.",
    38: "Reached the end of the file.",
    50: "The request is not supported.",
    80: "The file exists.",
    87: "The parameter is incorrect.",
    109: "The pipe has been ended.",
    111: "The file name is too long.",
    122: "The data area passed to a system call is too small.",
    123: "The filename, directory name, or volume label syntax is incorrect.",
    126: "The specified module could not be found.",
    127: "The specified procedure could not be found.",
    145: "The directory is not empty.",
    183: "Cannot create a file when that file already exists.",
    193: "%1 is not a valid Win32 application.",
    203: "The system could not find the environment option that was entered.",
    206: "The filename or extension is too long.",
    259: "No more data is available.",
    267: "The directory name is invalid.",
    317: "The system cannot find message text for message number 0x%1 in the message file for %2.",
    487: "Attempt to access invalid address.",
    740: "The requested operation requires elevation.",
    998: "Invalid access to memory location.",
    1114: "A dynamic link library (DLL) initialization routine failed.",
    1155: "No application is associated with the specified file for this operation.",
    1813: "The specified resource type cannot be found in the image file.",
    15100: "The resource loader failed to find MUI file.",
}


def _expand_message(ctx, text: str, flags: int, arguments: int, wide: bool) -> str | None:
    """The message with its escapes and inserts done (None: an insert without arguments)."""
    from ..msvcrt.printf import PrintfError, StackArgs, format_printf, format_wprintf
    width = flags & FORMAT_MESSAGE_MAX_WIDTH_MASK
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "%" and i + 1 < len(text):
            nxt = text[i + 1]
            if "1" <= nxt <= "9":
                j = i + 2
                if j < len(text) and text[j].isdigit():
                    j += 1
                number = int(text[i + 1:j])
                spec = "s"
                if j < len(text) and text[j] == "!":
                    end = text.find("!", j + 1)
                    if end > j:
                        spec, j = text[j + 1:end], end + 1
                if flags & FORMAT_MESSAGE_IGNORE_INSERTS:
                    out.append(text[i:j])
                elif not arguments:
                    return None
                else:
                    # 4-byte slots (a va_list or an argument array, the same on x86): %n from slot n-1 on
                    args = StackArgs(ctx.read, arguments + 4 * (number - 1), ctx.write)
                    try:
                        if wide:
                            out.append(format_wprintf("%" + spec, args))
                        else:
                            out.append(format_printf(("%" + spec).encode("cp1252", "replace"), args)
                                       .decode("cp1252", "replace"))
                    except PrintfError:
                        return None
                i = j
                continue
            if nxt == "0":
                break
            out.append({"n": "\r\n", "r": "\r", "t": "\t"}.get(nxt, nxt))
            i += 2
            continue
        if c == "%":
            i += 1
            continue
        if width and c in "\r\n":
            if c == "\r" and text[i + 1:i + 2] == "\n":
                i += 1
            out.append(" ")
        else:
            out.append(c)
        i += 1
    result = "".join(out)
    if width and width != FORMAT_MESSAGE_MAX_WIDTH_MASK:
        result = _wrap(result, width)
    return result


def _wrap(text: str, width: int) -> str:
    """Lines of at most `width` characters, broken after the last space that fits."""
    lines = []
    for hard in text.split("\r\n"):
        while len(hard) > width:
            cut = hard.rfind(" ", 0, width + 1)
            cut = width if cut <= 0 else cut + 1
            lines.append(hard[:cut])
            hard = hard[cut:]
        lines.append(hard)
    return "\r\n".join(lines)


def format_message(ctx, flags: int, source: int, message_id: int, language_id: int, buffer: int, size: int,
                   arguments: int, wide: bool) -> int:
    if flags & FORMAT_MESSAGE_FROM_STRING:
        if not source:
            ctx.set_last_error(ERROR_INVALID_PARAMETER)
            return 0
        text = ctx.read_wstr(source) if wide else ctx.read_cstr(source).decode("cp1252", "replace")
    elif flags & FORMAT_MESSAGE_FROM_SYSTEM:
        if language_id not in MESSAGE_LANGUAGES:
            ctx.set_last_error(ERROR_RESOURCE_LANG_NOT_FOUND)
            return 0
        text = SYSTEM_MESSAGES.get(message_id)
        if text is None and message_id >> 16 == 0x8007:      # HRESULT_FROM_WIN32: the Win32 error's text
            text = SYSTEM_MESSAGES.get(message_id & 0xFFFF)
        if text is None:
            ctx.set_last_error(ERROR_MR_MID_NOT_FOUND)
            return 0
        text += "\r\n"
    elif flags & FORMAT_MESSAGE_FROM_HMODULE:
        ctx.set_last_error(1813)              # no message table in the module: ERROR_RESOURCE_TYPE_NOT_FOUND
        return 0
    else:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    if arguments and not flags & FORMAT_MESSAGE_ARGUMENT_ARRAY:
        arguments = ctx.read_u32(arguments)   # a va_list*: the slots start where the va_list points
    message = _expand_message(ctx, text, flags, arguments, wide)
    if message is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    unit = 2 if wide else 1
    data = message.encode("utf-16-le", "surrogatepass") if wide else message.encode("cp1252", "replace")
    length = len(data) // unit
    if flags & FORMAT_MESSAGE_ALLOCATE_BUFFER:
        if not buffer:
            ctx.set_last_error(ERROR_INVALID_PARAMETER)
            return 0
        # LocalAlloc(LMEM_FIXED): a block of the process heap whose handle is its address
        block = ctx.process.heap.allocate(max(length + 1, size) * unit)
        if not block:
            ctx.set_last_error(8)
            return 0
        ctx.write(block, data + bytes(unit))
        ctx.write_u32(buffer, block)
        return length
    if length + 1 > size:
        ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
        return 0
    ctx.write(buffer, data + bytes(unit))
    return length


@export
def FormatMessageW(ctx, dwFlags: DWORD, lpSource: LPCVOID, dwMessageId: DWORD, dwLanguageId: DWORD,
                   lpBuffer: LPWSTR, nSize: DWORD, Arguments: LPVOID) -> DWORD:
    """A message from a string or from the system message table (common Win32 errors, English), with
    inserts %1..%99 (!printf format!, default !s!) from a va_list or an argument array, the escapes
    %0 %n %r %t %% and the width rules; FORMAT_MESSAGE_ALLOCATE_BUFFER gives a LocalAlloc'd buffer."""
    return format_message(ctx, dwFlags, lpSource, dwMessageId, dwLanguageId, lpBuffer, nSize, Arguments, True)


@export
def FormatMessageA(ctx, dwFlags: DWORD, lpSource: LPCVOID, dwMessageId: DWORD, dwLanguageId: DWORD,
                   lpBuffer: LPSTR, nSize: DWORD, Arguments: LPVOID) -> DWORD:
    return format_message(ctx, dwFlags, lpSource, dwMessageId, dwLanguageId, lpBuffer, nSize, Arguments, False)


# -- symbolic links -------------------------------------------------------------------------------------
# Creating one needs SeCreateSymbolicLinkPrivilege, which a Windows 7 user's token has only when
# elevated; the program runs as the non-elevated user, so CreateSymbolicLink fails before anything is
# created.  Flags beyond SYMBOLIC_LINK_FLAG_DIRECTORY (the only one Windows 7 knows) are
# ERROR_INVALID_PARAMETER.
SYMBOLIC_LINK_FLAG_DIRECTORY = 0x1
ERROR_PRIVILEGE_NOT_HELD = 1314


def _create_symbolic_link(ctx, link: str | None, target: str | None, flags: int) -> int:
    if flags & ~SYMBOLIC_LINK_FLAG_DIRECTORY:
        ctx.set_last_error(87)
        return 0
    if not link or target is None:
        ctx.set_last_error(3)                 # ERROR_PATH_NOT_FOUND: no name to convert
        return 0
    ctx.set_last_error(ERROR_PRIVILEGE_NOT_HELD)
    return 0


@export
@probe
def CreateSymbolicLinkW(ctx, lpSymlinkFileName: LPCWSTR, lpTargetFileName: LPCWSTR, dwFlags: DWORD) -> BOOLEAN:
    return _create_symbolic_link(ctx, lpSymlinkFileName, lpTargetFileName, dwFlags)


@export
@probe
def CreateSymbolicLinkA(ctx, lpSymlinkFileName: LPCSTR, lpTargetFileName: LPCSTR, dwFlags: DWORD) -> BOOLEAN:
    return _create_symbolic_link(ctx, lpSymlinkFileName, lpTargetFileName, dwFlags)
