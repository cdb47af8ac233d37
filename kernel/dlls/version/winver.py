"""winver.h: a file's VS_VERSIONINFO resource (RT_VERSION 16, ID 1), read from the file itself through the
sandboxed I/O manager (the bytes a system DLL's synthesized image has, for those), as version.dll does
with LoadLibraryEx(LOAD_LIBRARY_AS_DATAFILE).

* GetFileVersionInfoSize: twice the resource's size plus 4 (the room Windows keeps after the resource
  for the "FE2X" signature and VerQueryValueA's ANSI copies of the strings); *lpdwHandle = 0.
* GetFileVersionInfo: the resource's bytes (cut to dwLen), then "FE2X" when there is room.
* VerQueryValue: "\\" is the VS_FIXEDFILEINFO, "\\VarFileInfo\\Translation" the language/code-page
  pairs, "\\StringFileInfo\\<lang-cp>\\<name>" a string (length in characters, with the NUL); keys are
  compared case-insensitively.  VerQueryValueA converts a string into the block's second half.

The file name is searched as LoadLibrary searches (the program's folder, System32, the Windows folder,
the current folder).  Errors: ERROR_FILE_NOT_FOUND, ERROR_BAD_EXE_FORMAT (not a PE file),
ERROR_RESOURCE_DATA_NOT_FOUND (no resources), ERROR_RESOURCE_TYPE_NOT_FOUND (no version resource)."""
from __future__ import annotations

import struct

from emu.status import MemoryFault

from kernel.rtl import paths

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, LPCSTR, LPCWSTR, LPDWORD, LPVOID, PULONG as PUINT, PVOID
from ..kernel32.winbase_res import ResourceError, ResourceTree

ERROR_FILE_NOT_FOUND = 2
ERROR_BAD_EXE_FORMAT = 193
ERROR_RESOURCE_DATA_NOT_FOUND = 1812
ERROR_RESOURCE_TYPE_NOT_FOUND = 1813
ERROR_INSUFFICIENT_BUFFER = 122
RT_VERSION = 16
VS_VERSION_INFO = 1
SIGNATURE = b"FE2X"


class VersionError(Exception):
    def __init__(self, error: int, message: str):
        super().__init__(message)
        self.error = error


def _find_file(ctx, name: str) -> str | None:
    kernel, process = ctx.kernel, ctx.process
    cwd = process.current_directory
    if "\\" in name or "/" in name or ":" in name:
        full = paths.normalize(name, cwd)
        return kernel.io.existing_file(full)
    dirs = [paths.dirname(process.image_path), kernel.windows_directory + "\\system32", kernel.windows_directory,
            cwd]
    return kernel.io.search_path(name, cwd, search_dirs=dirs)


def _file_bytes(ctx, path: str) -> bytes:
    synthesized = ctx.kernel.synthesized_for_path(path)
    if synthesized is not None:
        return synthesized.image
    return ctx.kernel.io.resolve(path).read_bytes()


def _pe_reader(data: bytes):
    """(read(rva, n), resource directory RVA) of PE32 file bytes; raises VersionError."""
    try:
        if data[:2] != b"MZ":
            raise VersionError(ERROR_BAD_EXE_FORMAT, "not an MZ file")
        e_lfanew = struct.unpack_from("<I", data, 0x3C)[0]
        if data[e_lfanew:e_lfanew + 4] != b"PE\0\0":
            raise VersionError(ERROR_BAD_EXE_FORMAT, "no PE signature")
        nsections, = struct.unpack_from("<H", data, e_lfanew + 6)
        opt_size, = struct.unpack_from("<H", data, e_lfanew + 20)
        opt = e_lfanew + 24
        magic, = struct.unpack_from("<H", data, opt)
        dirs = opt + (96 if magic == 0x10B else 112)
        rsrc_rva, rsrc_size = struct.unpack_from("<II", data, dirs + 8 * 2)
        sections = []
        table = opt + opt_size
        for i in range(nsections):
            vsize, va, raw_size, raw_ptr = struct.unpack_from("<IIII", data, table + 40 * i + 8)
            sections.append((va, max(vsize, raw_size), raw_ptr, raw_size))
    except struct.error:
        raise VersionError(ERROR_BAD_EXE_FORMAT, "a truncated PE header") from None
    if not rsrc_rva or not rsrc_size:
        raise VersionError(ERROR_RESOURCE_DATA_NOT_FOUND, "no resources")

    def read(rva: int, n: int) -> bytes:
        for va, size, raw_ptr, raw_size in sections:
            if va <= rva and rva + n <= va + size:
                offset = rva - va
                chunk = data[raw_ptr + offset:raw_ptr + min(offset + n, raw_size)]
                return chunk.ljust(n, b"\0")
        raise VersionError(ERROR_RESOURCE_DATA_NOT_FOUND, f"RVA {rva:#x} is in no section")
    return read, rsrc_rva


def version_resource(ctx, name: str | None) -> bytes:
    """The bytes of the file's VS_VERSIONINFO resource; raises VersionError."""
    path = _find_file(ctx, name) if name else None
    if path is None:
        raise VersionError(ERROR_FILE_NOT_FOUND, f"{name}: not found")
    read, root = _pe_reader(_file_bytes(ctx, path))
    try:
        tree = ResourceTree(read, root)
        rva, size = tree.data(tree.find(RT_VERSION, VS_VERSION_INFO))
        return read(rva, size)
    except ResourceError:
        raise VersionError(ERROR_RESOURCE_TYPE_NOT_FOUND, f"{name}: no version resource") from None
    except struct.error:
        raise VersionError(ERROR_RESOURCE_DATA_NOT_FOUND, f"{name}: a broken resource directory") from None


def _size(ctx, name: str | None, handle_ptr: int) -> int:
    if handle_ptr:
        ctx.write_u32(handle_ptr, 0)
    try:
        resource = version_resource(ctx, name)
    except VersionError as e:
        ctx.set_last_error(e.error)
        return 0
    return 2 * len(resource) + 4


@export
@probe
def GetFileVersionInfoSizeW(ctx, lptstrFilename: LPCWSTR, lpdwHandle: LPDWORD) -> DWORD:
    return _size(ctx, lptstrFilename, lpdwHandle)


@export
@probe
def GetFileVersionInfoSizeA(ctx, lptstrFilename: LPCSTR, lpdwHandle: LPDWORD) -> DWORD:
    return _size(ctx, lptstrFilename, lpdwHandle)


def _info(ctx, name: str | None, length: int, data: int) -> int:
    try:
        resource = version_resource(ctx, name)
    except VersionError as e:
        ctx.set_last_error(e.error)
        return 0
    if not data:
        ctx.set_last_error(998)                 # ERROR_NOACCESS
        return 0
    ctx.write(data, resource[:length])
    if length >= len(resource) + len(SIGNATURE):
        ctx.write(data + len(resource), SIGNATURE)
    return 1


@export
@probe
def GetFileVersionInfoW(ctx, lptstrFilename: LPCWSTR, dwHandle: DWORD, dwLen: DWORD, lpData: LPVOID) -> BOOL:
    return _info(ctx, lptstrFilename, dwLen, lpData)


@export
@probe
def GetFileVersionInfoA(ctx, lptstrFilename: LPCSTR, dwHandle: DWORD, dwLen: DWORD, lpData: LPVOID) -> BOOL:
    return _info(ctx, lptstrFilename, dwLen, lpData)


# -- VerQueryValue --------------------------------------------------------------------------------------
def _align(n: int) -> int:
    return (n + 3) & ~3


def _node(ctx, at: int):
    """(wLength, wValueLength, wType, key, value offset, children offset) of the block at `at`."""
    length, value_length, type_ = struct.unpack("<HHH", ctx.read(at, 6))
    key_units = []
    pos = at + 6
    while len(key_units) < 256:
        unit = ctx.read_u16(pos)
        pos += 2
        if unit == 0:
            break
        key_units.append(unit)
    key = struct.pack(f"<{len(key_units)}H", *key_units).decode("utf-16-le", "replace")
    value = at + _align(pos - at)
    value_bytes = value_length * 2 if type_ == 1 else value_length
    children = at + _align(value - at + value_bytes)
    return length, value_length, type_, key, value, children


def _query(ctx, block: int, sub_block: str):
    """(address of the value, its length (bytes, or characters for text), is text) or None."""
    at = block
    length, value_length, type_, key, value, children = _node(ctx, at)
    for part in [p for p in sub_block.split("\\") if p]:
        end = at + length
        child = children
        for _ in range(4096):
            if child + 6 > end:
                return None
            c_length, c_vlen, c_type, c_key, c_value, c_children = _node(ctx, child)
            if c_length == 0:
                return None
            if c_key.upper() == part.upper():
                at, length, value_length, type_, value, children = child, c_length, c_vlen, c_type, c_value, c_children
                break
            child += _align(c_length)
        else:
            return None
    return value, value_length, type_ == 1


def _query_value(ctx, block, sub_block, buffer_ptr, length_ptr, wide):
    if not block or sub_block is None:
        return 0
    try:
        found = _query(ctx, block, sub_block)
    except MemoryFault:
        return 0
    if found is None:
        ctx.set_last_error(ERROR_RESOURCE_TYPE_NOT_FOUND)
        return 0
    value, value_length, text = found
    if text and not wide:
        string = ctx.read(value, 2 * value_length).decode("utf-16-le", "replace").split("\0")[0]
        ansi = string.encode(ctx.kernel.ansi_codepage, "replace") + b"\0"
        total = struct.unpack("<H", ctx.read(block, 2))[0]
        value = block + _align(total) + len(SIGNATURE) + (value - block) // 2
        ctx.write(value, ansi)
        value_length = len(ansi)
    ctx.write_u32(buffer_ptr, value)
    if length_ptr:
        ctx.write_u32(length_ptr, value_length)
    return 1


@export
@probe
def VerQueryValueW(ctx, pBlock: LPVOID, lpSubBlock: LPCWSTR, lplpBuffer: PVOID, puLen: PUINT) -> BOOL:
    return _query_value(ctx, pBlock, lpSubBlock, lplpBuffer, puLen, True)


@export
@probe
def VerQueryValueA(ctx, pBlock: LPVOID, lpSubBlock: LPCSTR, lplpBuffer: PVOID, puLen: PUINT) -> BOOL:
    return _query_value(ctx, pBlock, lpSubBlock, lplpBuffer, puLen, False)
