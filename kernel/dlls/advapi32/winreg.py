"""winreg.h: the registry functions (Reg*), on the configuration manager (kernel/cm/registry.py).

They return a Win32 error code and leave the last error alone, as Windows' do.  The predefined
handles (HKEY_LOCAL_MACHINE ...) stand for their keys without being opened; every other HKEY is a
key handle of the process's handle table (what NtOpenKey gives).  The *A functions convert names
and string data (REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ) between the ANSI code page and the UTF-16
the registry stores, with the sizes Windows reports for the converted data.
"""
from __future__ import annotations

import functools
import struct


from kernel.cm.registry import (HKEY_PATHS, KEY_ENUMERATE_SUB_KEYS, KEY_QUERY_VALUE, KEY_SET_VALUE,
                   MAXIMUM_ALLOWED, REG_BINARY, REG_CREATED_NEW_KEY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ,
                   REG_NONE, REG_OPENED_EXISTING_KEY, REG_OPTION_VOLATILE, REG_QWORD, REG_SZ, STRING_TYPES,
                   KeyNode, KeyObject, map_key_access, registry_of, split_key_path)
from ...hle.registry import export
from ...hle.types import DWORD, HKEY, LONG, LPCSTR, LPCVOID, LPCWSTR, LPDWORD, LPFILETIME, LPSTR, LPVOID, LPWSTR
from ...nt.registry import key_of
from kernel.rtl.status import NtError, dos_error

ERROR_SUCCESS, ERROR_FILE_NOT_FOUND, ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE = 0, 2, 5, 6
ERROR_INVALID_PARAMETER, ERROR_BAD_PATHNAME, ERROR_MORE_DATA, ERROR_NO_MORE_ITEMS = 87, 161, 234, 259
ERROR_NOACCESS, ERROR_DATATYPE_MISMATCH, ERROR_UNSUPPORTED_TYPE = 998, 1629, 1630
HKEY_PERFORMANCE_DATA = 0x80000004

RRF_RT_REG_NONE, RRF_RT_REG_SZ, RRF_RT_REG_EXPAND_SZ, RRF_RT_REG_BINARY = 0x1, 0x2, 0x4, 0x8
RRF_RT_REG_DWORD, RRF_RT_REG_MULTI_SZ, RRF_RT_REG_QWORD = 0x10, 0x20, 0x40
RRF_RT_DWORD, RRF_RT_QWORD, RRF_RT_ANY = 0x18, 0x48, 0xFFFF
RRF_NOEXPAND, RRF_ZEROONFAILURE = 0x10000000, 0x20000000
TYPE_FLAGS = {REG_NONE: RRF_RT_REG_NONE, REG_SZ: RRF_RT_REG_SZ, REG_EXPAND_SZ: RRF_RT_REG_EXPAND_SZ,
              REG_BINARY: RRF_RT_REG_BINARY, REG_DWORD: RRF_RT_REG_DWORD, REG_MULTI_SZ: RRF_RT_REG_MULTI_SZ,
              REG_QWORD: RRF_RT_REG_QWORD}


class RegError(Exception):
    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def lstatus(func):
    """The function's failures (NtError, a bad guest pointer, RegError) become its return value."""
    @functools.wraps(func)
    def wrapper(ctx, *args):
        try:
            return func(ctx, *args)
        except RegError as e:
            return e.code
        except NtError as e:             # a bad guest pointer too (MemoryFault): ERROR_NOACCESS
            return dos_error(e.status)
    return wrapper


# -- keys and handles ------------------------------------------------------------------------------

def key_node(ctx, hkey: int, access: int = 0) -> KeyNode:
    if hkey in HKEY_PATHS:
        return registry_of(ctx.kernel).open(HKEY_PATHS[hkey])
    if not hkey or hkey & 0x80000000:
        raise RegError(ERROR_INVALID_HANDLE)
    return key_of(ctx, hkey, access)


def subkey_node(ctx, hkey: int, subkey: str | None, create: bool = False, volatile: bool = False) -> tuple[KeyNode, bool]:
    """The key `subkey` names below `hkey` (itself when empty): (key, created)."""
    base = key_node(ctx, hkey)
    if not subkey:
        return base, False
    if subkey.startswith("\\"):
        raise RegError(ERROR_BAD_PATHNAME)
    reg = registry_of(ctx.kernel)
    if not create:
        return reg.open(subkey, base), False
    node, created = base, False
    for part in split_key_path(subkey):
        node, created = reg.create(part, node, volatile)
    return node, created


def new_handle(ctx, node: KeyNode, access: int) -> int:
    obj = KeyObject(node, map_key_access(access))
    return ctx.process.handles.insert(obj, obj.access)


def _nonzero_pointer(ctx, pointer: int, value: int) -> None:
    if pointer:
        ctx.write_u32(pointer, value)


# -- string data: what the *A functions see ---------------------------------------------------------

def to_ansi(ctx, data: bytes) -> bytes:
    """UTF-16 registry data as the ANSI functions return it (RtlUnicodeToMultiByteN)."""
    if len(data) % 2:
        data = data[:-1]
    return data.decode("utf-16-le", "surrogatepass").encode(ctx.kernel.ansi_codepage, "replace")


def from_ansi(ctx, data: bytes) -> bytes:
    return data.decode(ctx.kernel.ansi_codepage, "replace").encode("utf-16-le", "surrogatepass")


def _string_bytes(ctx, pointer: int, size: int, unit: int) -> bytes:
    """The data RegSetValueEx stores for a string type: `size` bytes, plus the terminator the caller
    forgot to count when it is there in memory (as NT does)."""
    data = ctx.read(pointer, size + unit)
    body = data[:size]
    if size >= unit and body[-unit:] != b"\0" * unit and data[size:size + unit] == b"\0" * unit:
        body += b"\0" * unit
    return body


# -- opening, creating, closing, deleting keys -----------------------------------------------------

def open_key_ex(ctx, hkey: int, subkey: str | None, options: int, access: int, result: int) -> int:
    if not result:
        return ERROR_INVALID_PARAMETER
    ctx.write_u32(result, 0)
    node, _ = subkey_node(ctx, hkey, subkey)
    ctx.write_u32(result, new_handle(ctx, node, access))
    return ERROR_SUCCESS


@export
@lstatus
def RegOpenKeyExW(ctx, hKey: HKEY, lpSubKey: LPCWSTR, ulOptions: DWORD, samDesired: DWORD, phkResult: LPVOID) -> LONG:
    return open_key_ex(ctx, hKey, lpSubKey, ulOptions, samDesired, phkResult)


@export
@lstatus
def RegOpenKeyExA(ctx, hKey: HKEY, lpSubKey: LPCSTR, ulOptions: DWORD, samDesired: DWORD, phkResult: LPVOID) -> LONG:
    return open_key_ex(ctx, hKey, lpSubKey, ulOptions, samDesired, phkResult)


def open_key(ctx, hkey: int, subkey: str | None, result: int) -> int:
    if not result:
        return ERROR_INVALID_PARAMETER
    if not subkey:
        ctx.write_u32(result, hkey)
        return ERROR_SUCCESS
    if not hkey:
        return ERROR_INVALID_HANDLE
    return open_key_ex(ctx, hkey, subkey, 0, MAXIMUM_ALLOWED, result)


@export
@lstatus
def RegOpenKeyW(ctx, hKey: HKEY, lpSubKey: LPCWSTR, phkResult: LPVOID) -> LONG:
    return open_key(ctx, hKey, lpSubKey, phkResult)


@export
@lstatus
def RegOpenKeyA(ctx, hKey: HKEY, lpSubKey: LPCSTR, phkResult: LPVOID) -> LONG:
    return open_key(ctx, hKey, lpSubKey, phkResult)


@export
@lstatus
def RegOpenCurrentUser(ctx, samDesired: DWORD, phkResult: LPVOID) -> LONG:
    return open_key_ex(ctx, 0x80000001, None, 0, samDesired, phkResult)


def create_key_ex(ctx, hkey: int, subkey: str | None, options: int, access: int, result: int,
                  disposition: int) -> int:
    if not result:
        return ERROR_INVALID_PARAMETER
    if subkey is None:
        return ERROR_INVALID_PARAMETER
    node, created = subkey_node(ctx, hkey, subkey, create=True, volatile=bool(options & REG_OPTION_VOLATILE))
    ctx.write_u32(result, new_handle(ctx, node, access))
    _nonzero_pointer(ctx, disposition, REG_CREATED_NEW_KEY if created else REG_OPENED_EXISTING_KEY)
    return ERROR_SUCCESS


@export
@lstatus
def RegCreateKeyExW(ctx, hKey: HKEY, lpSubKey: LPCWSTR, Reserved: DWORD, lpClass: LPWSTR, dwOptions: DWORD,
                    samDesired: DWORD, lpSecurityAttributes: LPVOID, phkResult: LPVOID,
                    lpdwDisposition: LPDWORD) -> LONG:
    return create_key_ex(ctx, hKey, lpSubKey, dwOptions, samDesired, phkResult, lpdwDisposition)


@export
@lstatus
def RegCreateKeyExA(ctx, hKey: HKEY, lpSubKey: LPCSTR, Reserved: DWORD, lpClass: LPSTR, dwOptions: DWORD,
                    samDesired: DWORD, lpSecurityAttributes: LPVOID, phkResult: LPVOID,
                    lpdwDisposition: LPDWORD) -> LONG:
    return create_key_ex(ctx, hKey, lpSubKey, dwOptions, samDesired, phkResult, lpdwDisposition)


def create_key(ctx, hkey: int, subkey: str | None, result: int) -> int:
    if not result:
        return ERROR_INVALID_PARAMETER
    if not subkey:
        key_node(ctx, hkey)
        ctx.write_u32(result, hkey)
        return ERROR_SUCCESS
    return create_key_ex(ctx, hkey, subkey, 0, MAXIMUM_ALLOWED, result, 0)


@export
@lstatus
def RegCreateKeyW(ctx, hKey: HKEY, lpSubKey: LPCWSTR, phkResult: LPVOID) -> LONG:
    return create_key(ctx, hKey, lpSubKey, phkResult)


@export
@lstatus
def RegCreateKeyA(ctx, hKey: HKEY, lpSubKey: LPCSTR, phkResult: LPVOID) -> LONG:
    return create_key(ctx, hKey, lpSubKey, phkResult)


@export
@lstatus
def RegCloseKey(ctx, hKey: HKEY) -> LONG:
    if hKey in HKEY_PATHS or hKey == HKEY_PERFORMANCE_DATA:
        return ERROR_SUCCESS
    if not hKey:
        return ERROR_INVALID_HANDLE
    ctx.process.handles.close(hKey)
    return ERROR_SUCCESS


@export
@lstatus
def RegFlushKey(ctx, hKey: HKEY) -> LONG:
    key_node(ctx, hKey)
    return ERROR_SUCCESS


def delete_key(ctx, hkey: int, subkey: str | None) -> int:
    if subkey is None:
        return ERROR_INVALID_PARAMETER
    node, _ = subkey_node(ctx, hkey, subkey)
    if node.fixed or any(node is registry_of(ctx.kernel).open(p) for p in HKEY_PATHS.values()):
        return ERROR_ACCESS_DENIED
    registry_of(ctx.kernel).delete_key(node)
    return ERROR_SUCCESS


@export
@lstatus
def RegDeleteKeyW(ctx, hKey: HKEY, lpSubKey: LPCWSTR) -> LONG:
    return delete_key(ctx, hKey, lpSubKey)


@export
@lstatus
def RegDeleteKeyA(ctx, hKey: HKEY, lpSubKey: LPCSTR) -> LONG:
    return delete_key(ctx, hKey, lpSubKey)


@export
@lstatus
def RegDeleteKeyExW(ctx, hKey: HKEY, lpSubKey: LPCWSTR, samDesired: DWORD, Reserved: DWORD) -> LONG:
    return delete_key(ctx, hKey, lpSubKey)


@export
@lstatus
def RegDeleteKeyExA(ctx, hKey: HKEY, lpSubKey: LPCSTR, samDesired: DWORD, Reserved: DWORD) -> LONG:
    return delete_key(ctx, hKey, lpSubKey)


def delete_tree(ctx, hkey: int, subkey: str | None) -> int:
    reg = registry_of(ctx.kernel)
    node, _ = subkey_node(ctx, hkey, subkey)
    reg.delete_tree(node)
    if subkey:
        reg.delete_key(node)
    else:
        for name in list(node.values):
            reg.delete_value(node, node.values[name].name)
    return ERROR_SUCCESS


@export
@lstatus
def RegDeleteTreeW(ctx, hKey: HKEY, lpSubKey: LPCWSTR) -> LONG:
    return delete_tree(ctx, hKey, lpSubKey)


@export
@lstatus
def RegDeleteTreeA(ctx, hKey: HKEY, lpSubKey: LPCSTR) -> LONG:
    return delete_tree(ctx, hKey, lpSubKey)


def delete_value(ctx, hkey: int, subkey: str | None, name: str | None) -> int:
    node = subkey_node(ctx, hkey, subkey)[0] if subkey else key_node(ctx, hkey, KEY_SET_VALUE)
    registry_of(ctx.kernel).delete_value(node, name or "")
    return ERROR_SUCCESS


@export
@lstatus
def RegDeleteValueW(ctx, hKey: HKEY, lpValueName: LPCWSTR) -> LONG:
    return delete_value(ctx, hKey, None, lpValueName)


@export
@lstatus
def RegDeleteValueA(ctx, hKey: HKEY, lpValueName: LPCSTR) -> LONG:
    return delete_value(ctx, hKey, None, lpValueName)


@export
@lstatus
def RegDeleteKeyValueW(ctx, hKey: HKEY, lpSubKey: LPCWSTR, lpValueName: LPCWSTR) -> LONG:
    return delete_value(ctx, hKey, lpSubKey, lpValueName)


@export
@lstatus
def RegDeleteKeyValueA(ctx, hKey: HKEY, lpSubKey: LPCSTR, lpValueName: LPCSTR) -> LONG:
    return delete_value(ctx, hKey, lpSubKey, lpValueName)


# -- values ----------------------------------------------------------------------------------------

def set_value(ctx, node: KeyNode, name: str | None, type_: int, data: int, size: int, wide: bool) -> int:
    if data and data < 0x10000 and size:
        return ERROR_NOACCESS
    if size and not data:
        return ERROR_NOACCESS
    if type_ in STRING_TYPES and size:
        raw = _string_bytes(ctx, data, size, 2 if wide else 1)
        if not wide:
            raw = from_ansi(ctx, raw)
    else:
        raw = ctx.read(data, size) if size else b""
    registry_of(ctx.kernel).set_value(node, name or "", type_, raw)
    return ERROR_SUCCESS


@export
@lstatus
def RegSetValueExW(ctx, hKey: HKEY, lpValueName: LPCWSTR, Reserved: DWORD, dwType: DWORD, lpData: LPCVOID,
                   cbData: DWORD) -> LONG:
    return set_value(ctx, key_node(ctx, hKey, KEY_SET_VALUE), lpValueName, dwType, lpData, cbData, True)


@export
@lstatus
def RegSetValueExA(ctx, hKey: HKEY, lpValueName: LPCSTR, Reserved: DWORD, dwType: DWORD, lpData: LPCVOID,
                   cbData: DWORD) -> LONG:
    return set_value(ctx, key_node(ctx, hKey, KEY_SET_VALUE), lpValueName, dwType, lpData, cbData, False)


def set_key_value(ctx, hkey: int, subkey: str | None, name: str | None, type_: int, data: int, size: int,
                  wide: bool) -> int:
    node = key_node(ctx, hkey, KEY_SET_VALUE) if not subkey else subkey_node(ctx, hkey, subkey, create=True)[0]
    return set_value(ctx, node, name, type_, data, size, wide)


@export
@lstatus
def RegSetKeyValueW(ctx, hKey: HKEY, lpSubKey: LPCWSTR, lpValueName: LPCWSTR, dwType: DWORD, lpData: LPCVOID,
                    cbData: DWORD) -> LONG:
    return set_key_value(ctx, hKey, lpSubKey, lpValueName, dwType, lpData, cbData, True)


@export
@lstatus
def RegSetKeyValueA(ctx, hKey: HKEY, lpSubKey: LPCSTR, lpValueName: LPCSTR, dwType: DWORD, lpData: LPCVOID,
                    cbData: DWORD) -> LONG:
    return set_key_value(ctx, hKey, lpSubKey, lpValueName, dwType, lpData, cbData, False)


def set_default_string(ctx, hkey: int, subkey: str | None, type_: int, data: int, wide: bool) -> int:
    """RegSetValue: REG_SZ only; the length is the string's, whatever the size says."""
    if type_ != REG_SZ or not data:
        return ERROR_INVALID_PARAMETER
    text = ctx.read_wstr(data) if wide else ctx.read_str(data)
    node, _ = subkey_node(ctx, hkey, subkey, create=True) if subkey else (key_node(ctx, hkey, KEY_SET_VALUE), False)
    registry_of(ctx.kernel).set_value(node, "", REG_SZ, (text + "\0").encode("utf-16-le", "surrogatepass"))
    return ERROR_SUCCESS


@export
@lstatus
def RegSetValueW(ctx, hKey: HKEY, lpSubKey: LPCWSTR, dwType: DWORD, lpData: LPCVOID, cbData: DWORD) -> LONG:
    return set_default_string(ctx, hKey, lpSubKey, dwType, lpData, True)


@export
@lstatus
def RegSetValueA(ctx, hKey: HKEY, lpSubKey: LPCSTR, dwType: DWORD, lpData: LPCVOID, cbData: DWORD) -> LONG:
    return set_default_string(ctx, hKey, lpSubKey, dwType, lpData, False)


def value_for(ctx, node: KeyNode, name: str | None, wide: bool) -> tuple[int, bytes]:
    """A value's type and data as the W or A functions return it."""
    value = registry_of(ctx.kernel).value(node, name or "")
    data = value.data
    if not wide and value.type in STRING_TYPES:
        data = to_ansi(ctx, data)
    return value.type, data


def copy_data(ctx, type_: int, data: bytes, buffer: int, size_pointer: int, wide: bool) -> int:
    """The lpData/lpcbData protocol: the size always; the data when it fits, else ERROR_MORE_DATA.
    The ANSI functions add a NUL after an unterminated string when there is room for it."""
    if not size_pointer:
        return ERROR_SUCCESS
    room = ctx.read_u32(size_pointer)
    ctx.write_u32(size_pointer, len(data))
    if not buffer:
        return ERROR_SUCCESS
    if len(data) > room:
        return ERROR_MORE_DATA
    out = data
    if not wide and type_ in STRING_TYPES and room > len(data) and (not data or data[-1:] != b"\0"):
        out = data + b"\0"
    if out:
        ctx.write(buffer, out)
    return ERROR_SUCCESS


def query_value_ex(ctx, hkey: int, name: str | None, reserved: int, type_pointer: int, buffer: int,
                   size_pointer: int, wide: bool) -> int:
    if reserved or (buffer and not size_pointer):
        return ERROR_INVALID_PARAMETER
    if hkey == HKEY_PERFORMANCE_DATA:
        return ERROR_INVALID_HANDLE
    type_, data = value_for(ctx, key_node(ctx, hkey, KEY_QUERY_VALUE), name, wide)
    _nonzero_pointer(ctx, type_pointer, type_)
    return copy_data(ctx, type_, data, buffer, size_pointer, wide)


@export
@lstatus
def RegQueryValueExW(ctx, hKey: HKEY, lpValueName: LPCWSTR, lpReserved: LPDWORD, lpType: LPDWORD, lpData: LPVOID,
                     lpcbData: LPDWORD) -> LONG:
    return query_value_ex(ctx, hKey, lpValueName, lpReserved, lpType, lpData, lpcbData, True)


@export
@lstatus
def RegQueryValueExA(ctx, hKey: HKEY, lpValueName: LPCSTR, lpReserved: LPDWORD, lpType: LPDWORD, lpData: LPVOID,
                     lpcbData: LPDWORD) -> LONG:
    return query_value_ex(ctx, hKey, lpValueName, lpReserved, lpType, lpData, lpcbData, False)


def query_default(ctx, hkey: int, subkey: str | None, buffer: int, size_pointer: int, wide: bool) -> int:
    """RegQueryValue: a key's default value as a terminated string ("" when it has none)."""
    if buffer and not size_pointer:
        return ERROR_INVALID_PARAMETER
    node, _ = subkey_node(ctx, hkey, subkey)
    found = node.values.get("")
    text = b"" if found is None else found.data
    if len(text) % 2:
        text = text[:-1]
    string = text.decode("utf-16-le", "surrogatepass").split("\0", 1)[0]
    data = (string + "\0").encode("utf-16-le", "surrogatepass") if wide else \
        (string + "\0").encode(ctx.kernel.ansi_codepage, "replace")
    return copy_data(ctx, REG_SZ, data, buffer, size_pointer, True)


@export
@lstatus
def RegQueryValueW(ctx, hKey: HKEY, lpSubKey: LPCWSTR, lpData: LPWSTR, lpcbData: LPDWORD) -> LONG:
    return query_default(ctx, hKey, lpSubKey, lpData, lpcbData, True)


@export
@lstatus
def RegQueryValueA(ctx, hKey: HKEY, lpSubKey: LPCSTR, lpData: LPSTR, lpcbData: LPDWORD) -> LONG:
    return query_default(ctx, hKey, lpSubKey, lpData, lpcbData, False)


def get_value(ctx, hkey: int, subkey: str | None, name: str | None, flags: int, type_pointer: int, buffer: int,
              size_pointer: int, wide: bool) -> int:
    """RegGetValue: RegQueryValueEx with a type filter, REG_EXPAND_SZ expanded (then reported as
    REG_SZ) unless RRF_NOEXPAND, strings always terminated, the buffer zeroed on failure when asked."""
    if (buffer and not size_pointer) or not flags & RRF_RT_ANY:
        return ERROR_INVALID_PARAMETER
    if flags & RRF_RT_ANY != RRF_RT_ANY and flags & RRF_RT_REG_EXPAND_SZ and not flags & RRF_NOEXPAND:
        return ERROR_INVALID_PARAMETER
    room = ctx.read_u32(size_pointer) if size_pointer else 0
    try:
        node, _ = subkey_node(ctx, hkey, subkey)
        if subkey is None or subkey == "":
            node = key_node(ctx, hkey, KEY_QUERY_VALUE)
        value = registry_of(ctx.kernel).value(node, name or "")
        type_, data = value.type, value.data
        if len(data) % 2 and type_ in STRING_TYPES:
            data = data[:-1]
        if type_ == REG_EXPAND_SZ and not flags & RRF_NOEXPAND:
            from ..kernel32.processenv import expand_environment
            text = data.decode("utf-16-le", "surrogatepass").split("\0", 1)[0]
            data, type_ = (expand_environment(ctx, text) + "\0").encode("utf-16-le", "surrogatepass"), REG_SZ
        elif type_ in (REG_SZ, REG_EXPAND_SZ) and data[-2:] != b"\0\0" and data:
            data += b"\0\0"
        elif type_ == REG_MULTI_SZ and data and data[-4:] != b"\0\0\0\0":
            data += b"\0\0" if data[-2:] == b"\0\0" else b"\0\0\0\0"
        if not wide and type_ in STRING_TYPES:
            data = to_ansi(ctx, data)
        status = copy_data(ctx, type_, data, buffer, size_pointer, True)
        mask = TYPE_FLAGS.get(type_, 0)
        if status in (ERROR_SUCCESS, ERROR_MORE_DATA):
            if not flags & mask:
                status = ERROR_UNSUPPORTED_TYPE
            elif type_ == REG_BINARY:
                expected = {RRF_RT_DWORD: 4, RRF_RT_QWORD: 8}.get(flags & RRF_RT_ANY)
                if expected and len(data) != expected:
                    status = ERROR_DATATYPE_MISMATCH
        _nonzero_pointer(ctx, type_pointer, type_)
    except NtError as e:
        status = dos_error(e.status)
    except RegError as e:
        status = e.code
    if status != ERROR_SUCCESS and flags & RRF_ZEROONFAILURE and buffer and room:
        ctx.write(buffer, bytes(room))
    return status


@export
@lstatus
def RegGetValueW(ctx, hkey: HKEY, lpSubKey: LPCWSTR, lpValue: LPCWSTR, dwFlags: DWORD, pdwType: LPDWORD,
                 pvData: LPVOID, pcbData: LPDWORD) -> LONG:
    return get_value(ctx, hkey, lpSubKey, lpValue, dwFlags, pdwType, pvData, pcbData, True)


@export
@lstatus
def RegGetValueA(ctx, hkey: HKEY, lpSubKey: LPCSTR, lpValue: LPCSTR, dwFlags: DWORD, pdwType: LPDWORD,
                 pvData: LPVOID, pcbData: LPDWORD) -> LONG:
    return get_value(ctx, hkey, lpSubKey, lpValue, dwFlags, pdwType, pvData, pcbData, False)


# -- enumerating -----------------------------------------------------------------------------------

def _name_bytes(ctx, name: str, wide: bool) -> tuple[bytes, int]:
    data = name.encode("utf-16-le", "surrogatepass") if wide else name.encode(ctx.kernel.ansi_codepage, "replace")
    unit = 2 if wide else 1
    return data, len(data) // unit


def enum_value(ctx, hkey: int, index: int, name_buffer: int, name_size_pointer: int, reserved: int,
               type_pointer: int, buffer: int, size_pointer: int, wide: bool) -> int:
    if not name_buffer or not name_size_pointer or (buffer and not size_pointer) or reserved:
        return ERROR_INVALID_PARAMETER
    node = key_node(ctx, hkey, KEY_QUERY_VALUE)
    values = list(node.values.values())
    if index >= len(values):
        return ERROR_NO_MORE_ITEMS
    value = values[index]
    data = value.data if wide or value.type not in STRING_TYPES else to_ansi(ctx, value.data)
    name, chars = _name_bytes(ctx, value.name, wide)
    _nonzero_pointer(ctx, type_pointer, value.type)
    room = ctx.read_u32(name_size_pointer)
    data_room = ctx.read_u32(size_pointer) if size_pointer else 0
    if size_pointer:
        ctx.write_u32(size_pointer, len(data))
    if chars + 1 > room or (buffer and len(data) > data_room):
        return ERROR_MORE_DATA
    ctx.write(name_buffer, name + b"\0" * (2 if wide else 1))
    ctx.write_u32(name_size_pointer, chars)
    if buffer:
        ctx.write_u32(size_pointer, data_room)
        return copy_data(ctx, value.type, data, buffer, size_pointer, wide)
    return ERROR_SUCCESS


@export
@lstatus
def RegEnumValueW(ctx, hKey: HKEY, dwIndex: DWORD, lpValueName: LPWSTR, lpcchValueName: LPDWORD, lpReserved: LPDWORD,
                  lpType: LPDWORD, lpData: LPVOID, lpcbData: LPDWORD) -> LONG:
    return enum_value(ctx, hKey, dwIndex, lpValueName, lpcchValueName, lpReserved, lpType, lpData, lpcbData, True)


@export
@lstatus
def RegEnumValueA(ctx, hKey: HKEY, dwIndex: DWORD, lpValueName: LPSTR, lpcchValueName: LPDWORD, lpReserved: LPDWORD,
                  lpType: LPDWORD, lpData: LPVOID, lpcbData: LPDWORD) -> LONG:
    return enum_value(ctx, hKey, dwIndex, lpValueName, lpcchValueName, lpReserved, lpType, lpData, lpcbData, False)


def enum_key(ctx, hkey: int, index: int, name_buffer: int, name_size_pointer: int, class_buffer: int,
             class_size_pointer: int, time_pointer: int, wide: bool) -> int:
    if not name_buffer or not name_size_pointer:
        return ERROR_INVALID_PARAMETER
    node = key_node(ctx, hkey, KEY_ENUMERATE_SUB_KEYS)
    subkeys = node.sorted_subkeys()
    if index >= len(subkeys):
        return ERROR_NO_MORE_ITEMS
    name, child = subkeys[index]
    data, chars = _name_bytes(ctx, name, wide)
    if chars + 1 > ctx.read_u32(name_size_pointer):
        return ERROR_MORE_DATA
    klass, class_chars = _name_bytes(ctx, child.class_name, wide)
    if class_buffer and class_size_pointer and class_chars + 1 > ctx.read_u32(class_size_pointer):
        return ERROR_MORE_DATA
    ctx.write(name_buffer, data + b"\0" * (2 if wide else 1))
    ctx.write_u32(name_size_pointer, chars)
    if class_buffer:
        ctx.write(class_buffer, klass + b"\0" * (2 if wide else 1))
    _nonzero_pointer(ctx, class_size_pointer, class_chars)
    if time_pointer:
        ctx.write(time_pointer, struct.pack("<Q", child.last_write))
    return ERROR_SUCCESS


@export
@lstatus
def RegEnumKeyExW(ctx, hKey: HKEY, dwIndex: DWORD, lpName: LPWSTR, lpcchName: LPDWORD, lpReserved: LPDWORD,
                  lpClass: LPWSTR, lpcchClass: LPDWORD, lpftLastWriteTime: LPFILETIME) -> LONG:
    return enum_key(ctx, hKey, dwIndex, lpName, lpcchName, lpClass, lpcchClass, lpftLastWriteTime, True)


@export
@lstatus
def RegEnumKeyExA(ctx, hKey: HKEY, dwIndex: DWORD, lpName: LPSTR, lpcchName: LPDWORD, lpReserved: LPDWORD,
                  lpClass: LPSTR, lpcchClass: LPDWORD, lpftLastWriteTime: LPFILETIME) -> LONG:
    return enum_key(ctx, hKey, dwIndex, lpName, lpcchName, lpClass, lpcchClass, lpftLastWriteTime, False)


def enum_key_simple(ctx, hkey: int, index: int, name_buffer: int, size: int, wide: bool) -> int:
    """RegEnumKey: RegEnumKeyEx with the buffer's size given by value."""
    if not name_buffer:
        return ERROR_INVALID_PARAMETER
    node = key_node(ctx, hkey, KEY_ENUMERATE_SUB_KEYS)
    subkeys = node.sorted_subkeys()
    if index >= len(subkeys):
        return ERROR_NO_MORE_ITEMS
    data, chars = _name_bytes(ctx, subkeys[index][0], wide)
    if chars + 1 > size:
        return ERROR_MORE_DATA
    ctx.write(name_buffer, data + b"\0" * (2 if wide else 1))
    return ERROR_SUCCESS


@export
@lstatus
def RegEnumKeyW(ctx, hKey: HKEY, dwIndex: DWORD, lpName: LPWSTR, cchName: DWORD) -> LONG:
    return enum_key_simple(ctx, hKey, dwIndex, lpName, cchName, True)


@export
@lstatus
def RegEnumKeyA(ctx, hKey: HKEY, dwIndex: DWORD, lpName: LPSTR, cchName: DWORD) -> LONG:
    return enum_key_simple(ctx, hKey, dwIndex, lpName, cchName, False)


def query_info_key(ctx, hkey: int, class_buffer: int, class_size_pointer: int, reserved: int, subkeys_pointer: int,
                   max_subkey_pointer: int, max_class_pointer: int, values_pointer: int, max_value_name_pointer: int,
                   max_value_pointer: int, security_pointer: int, time_pointer: int, wide: bool) -> int:
    if reserved or (class_buffer and not class_size_pointer):
        return ERROR_INVALID_PARAMETER
    node = key_node(ctx, hkey, KEY_QUERY_VALUE)
    klass, class_chars = _name_bytes(ctx, node.class_name, wide)
    if class_buffer:
        if class_chars + 1 > ctx.read_u32(class_size_pointer):
            ctx.write_u32(class_size_pointer, class_chars)
            return ERROR_MORE_DATA
        ctx.write(class_buffer, klass + b"\0" * (2 if wide else 1))
    _nonzero_pointer(ctx, class_size_pointer, class_chars)
    subkeys = list(node.subkeys.values())
    values = list(node.values.values())
    _nonzero_pointer(ctx, subkeys_pointer, len(subkeys))
    _nonzero_pointer(ctx, max_subkey_pointer, max((_name_bytes(ctx, n, wide)[1] for n, _ in subkeys), default=0))
    _nonzero_pointer(ctx, max_class_pointer, max((_name_bytes(ctx, k.class_name, wide)[1] for _, k in subkeys),
                                                 default=0))
    _nonzero_pointer(ctx, values_pointer, len(values))
    _nonzero_pointer(ctx, max_value_name_pointer, max((_name_bytes(ctx, v.name, wide)[1] for v in values), default=0))
    _nonzero_pointer(ctx, max_value_pointer, max((len(v.data) for v in values), default=0))
    _nonzero_pointer(ctx, security_pointer, 0)
    if time_pointer:
        ctx.write(time_pointer, struct.pack("<Q", node.last_write))
    return ERROR_SUCCESS


@export
@lstatus
def RegQueryInfoKeyW(ctx, hKey: HKEY, lpClass: LPWSTR, lpcchClass: LPDWORD, lpReserved: LPDWORD, lpcSubKeys: LPDWORD,
                     lpcbMaxSubKeyLen: LPDWORD, lpcbMaxClassLen: LPDWORD, lpcValues: LPDWORD,
                     lpcbMaxValueNameLen: LPDWORD, lpcbMaxValueLen: LPDWORD, lpcbSecurityDescriptor: LPDWORD,
                     lpftLastWriteTime: LPFILETIME) -> LONG:
    return query_info_key(ctx, hKey, lpClass, lpcchClass, lpReserved, lpcSubKeys, lpcbMaxSubKeyLen, lpcbMaxClassLen,
                          lpcValues, lpcbMaxValueNameLen, lpcbMaxValueLen, lpcbSecurityDescriptor,
                          lpftLastWriteTime, True)


@export
@lstatus
def RegQueryInfoKeyA(ctx, hKey: HKEY, lpClass: LPSTR, lpcchClass: LPDWORD, lpReserved: LPDWORD, lpcSubKeys: LPDWORD,
                     lpcbMaxSubKeyLen: LPDWORD, lpcbMaxClassLen: LPDWORD, lpcValues: LPDWORD,
                     lpcbMaxValueNameLen: LPDWORD, lpcbMaxValueLen: LPDWORD, lpcbSecurityDescriptor: LPDWORD,
                     lpftLastWriteTime: LPFILETIME) -> LONG:
    return query_info_key(ctx, hKey, lpClass, lpcchClass, lpReserved, lpcSubKeys, lpcbMaxSubKeyLen, lpcbMaxClassLen,
                          lpcValues, lpcbMaxValueNameLen, lpcbMaxValueLen, lpcbSecurityDescriptor,
                          lpftLastWriteTime, False)
