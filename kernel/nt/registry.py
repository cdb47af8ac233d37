"""Registry services: NtCreateKey, NtOpenKey, NtOpenKeyEx, NtDeleteKey, NtDeleteValueKey,
NtEnumerateKey, NtEnumerateValueKey, NtQueryKey, NtQueryValueKey, NtSetValueKey, NtFlushKey.

Keys are the configuration manager's (kernel/cm/registry.py); a handle is a KeyObject with its granted access.
Information classes have the Windows layouts (KEY_BASIC_INFORMATION, KEY_VALUE_PARTIAL_INFORMATION ...);
a buffer smaller than the fixed part is STATUS_BUFFER_TOO_SMALL, one that holds the fixed part but
not the rest STATUS_BUFFER_OVERFLOW with the fixed part filled, and ResultLength is always the size
needed, as the configuration manager does it."""
from __future__ import annotations

import struct

from kernel.cm.registry import (DELETE, KEY_ENUMERATE_SUB_KEYS, KEY_QUERY_VALUE, KEY_SET_VALUE, REG_CREATED_NEW_KEY,
                  REG_OPENED_EXISTING_KEY, REG_OPTION_VOLATILE, KeyNode, KeyObject, map_key_access, registry_of)
from ..hle.registry import export
from ..hle.types import (ACCESS_MASK, HANDLE, NTSTATUS, PHANDLE, POBJECT_ATTRIBUTES, PULONG, PUNICODE_STRING,
                         PVOID, ULONG)
from kernel.rtl.status import STATUS, NtError

KeyBasicInformation, KeyNodeInformation, KeyFullInformation, KeyNameInformation = 0, 1, 2, 3
KeyValueBasicInformation, KeyValueFullInformation, KeyValuePartialInformation = 0, 1, 2
KeyValueFullInformationAlign64, KeyValuePartialInformationAlign64 = 3, 4
NO_CLASS = 0xFFFFFFFF


def key_of(ctx, handle: int, access: int = 0) -> KeyNode:
    """The key a handle names, checked for `access` and for having been deleted."""
    key = ctx.process.handles.lookup(handle, KeyObject)
    if access and not key.access & access:
        raise NtError("STATUS_ACCESS_DENIED", f"{key.node.path} is not open for {access:#x}")
    if key.node.deleted:
        raise NtError("STATUS_KEY_DELETED", f"{key.node.path} was deleted")
    return key.node


def _object_name(ctx, attributes: int) -> tuple[str, KeyNode | None]:
    if not attributes:
        raise NtError("STATUS_INVALID_PARAMETER", "no OBJECT_ATTRIBUTES")
    _, root, name_ptr = struct.unpack("<III", ctx.read(attributes, 12))
    name = ctx.read_unicode_string(name_ptr) or ""
    base = key_of(ctx, root) if root else None
    return name, base


def _insert(ctx, out: int, node: KeyNode, access: int, attributes: int) -> None:
    obj = KeyObject(node, map_key_access(access))
    handle_attributes = ctx.read_u32(attributes + 12) & 0x2
    ctx.write_u32(out, ctx.process.handles.insert(obj, obj.access, handle_attributes))


@export
def NtCreateKey(ctx, KeyHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
                TitleIndex: ULONG, Class: PUNICODE_STRING, CreateOptions: ULONG, Disposition: PULONG) -> NTSTATUS:
    name, base = _object_name(ctx, ObjectAttributes)
    class_name = ctx.read_unicode_string(Class) if Class else ""
    node, created = registry_of(ctx.kernel).create(name, base, bool(CreateOptions & REG_OPTION_VOLATILE),
                                                   class_name or "")
    _insert(ctx, KeyHandle, node, DesiredAccess, ObjectAttributes)
    if Disposition:
        ctx.write_u32(Disposition, REG_CREATED_NEW_KEY if created else REG_OPENED_EXISTING_KEY)
    return 0


@export
def NtOpenKey(ctx, KeyHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES) -> NTSTATUS:
    name, base = _object_name(ctx, ObjectAttributes)
    node = registry_of(ctx.kernel).open(name, base)
    _insert(ctx, KeyHandle, node, DesiredAccess, ObjectAttributes)
    return 0


@export
def NtOpenKeyEx(ctx, KeyHandle: PHANDLE, DesiredAccess: ACCESS_MASK, ObjectAttributes: POBJECT_ATTRIBUTES,
                OpenOptions: ULONG) -> NTSTATUS:
    return NtOpenKey(ctx, KeyHandle, DesiredAccess, ObjectAttributes)


@export
def NtDeleteKey(ctx, KeyHandle: HANDLE) -> NTSTATUS:
    registry_of(ctx.kernel).delete_key(key_of(ctx, KeyHandle, DELETE))
    return 0


@export
def NtFlushKey(ctx, KeyHandle: HANDLE) -> NTSTATUS:
    key_of(ctx, KeyHandle)
    return 0


# -- keys: NtQueryKey, NtEnumerateKey ---------------------------------------------------------------

def key_information(node: KeyNode, cls: int) -> tuple[bytes, int]:
    """(the structure, the size of its fixed part) for a KEY_INFORMATION_CLASS."""
    name = node.name.encode("utf-16-le")
    klass = node.class_name.encode("utf-16-le")
    if cls == KeyBasicInformation:
        return struct.pack("<QII", node.last_write, 0, len(name)) + name, 16
    if cls == KeyNodeInformation:
        offset = (24 + len(name) + 3) & ~3 if klass else NO_CLASS
        data = struct.pack("<QIIII", node.last_write, 0, offset, len(klass), len(name)) + name
        if klass:
            data = data.ljust(offset, b"\0") + klass
        return data, 24
    if cls == KeyFullInformation:
        subkeys = [n for n, _ in node.subkeys.values()]
        classes = [k.class_name for _, k in node.subkeys.values()]
        values = list(node.values.values())
        data = struct.pack("<QIIIIIIIII", node.last_write, 0, 44 if klass else NO_CLASS, len(klass),
                           len(subkeys), 2 * max((len(n) for n in subkeys), default=0),
                           2 * max((len(c) for c in classes), default=0), len(values),
                           2 * max((len(v.name) for v in values), default=0),
                           max((len(v.data) for v in values), default=0)) + klass
        return data, 44
    if cls == KeyNameInformation:
        path = node.path.encode("utf-16-le")
        return struct.pack("<I", len(path)) + path, 4
    raise NtError("STATUS_INVALID_PARAMETER", f"key information class {cls}")


def deliver(ctx, data: bytes, fixed: int, buffer: int, length: int, result_length: int) -> int:
    """Copy an information structure out with the configuration manager's buffer rules."""
    if result_length:
        ctx.write_u32(result_length, len(data))
    if length < fixed:
        return STATUS["STATUS_BUFFER_TOO_SMALL"]
    if length < len(data):
        ctx.write(buffer, data[:fixed])
        return STATUS["STATUS_BUFFER_OVERFLOW"]
    ctx.write(buffer, data)
    return 0


@export
def NtQueryKey(ctx, KeyHandle: HANDLE, KeyInformationClass: ULONG, KeyInformation: PVOID, Length: ULONG,
               ResultLength: PULONG) -> NTSTATUS:
    access = 0 if KeyInformationClass == KeyNameInformation else KEY_QUERY_VALUE
    node = key_of(ctx, KeyHandle, access)
    data, fixed = key_information(node, KeyInformationClass)
    return deliver(ctx, data, fixed, KeyInformation, Length, ResultLength)


@export
def NtEnumerateKey(ctx, KeyHandle: HANDLE, Index: ULONG, KeyInformationClass: ULONG, KeyInformation: PVOID,
                   Length: ULONG, ResultLength: PULONG) -> NTSTATUS:
    node = key_of(ctx, KeyHandle, KEY_ENUMERATE_SUB_KEYS)
    if KeyInformationClass not in (KeyBasicInformation, KeyNodeInformation, KeyFullInformation):
        return STATUS["STATUS_INVALID_PARAMETER"]
    subkeys = node.sorted_subkeys()
    if Index >= len(subkeys):
        return STATUS["STATUS_NO_MORE_ENTRIES"]
    name, child = subkeys[Index]
    data, fixed = key_information(_named(child, name), KeyInformationClass)
    return deliver(ctx, data, fixed, KeyInformation, Length, ResultLength)


def _named(node: KeyNode, name: str) -> KeyNode:
    """A key as its parent lists it (a link's name, not its target's)."""
    if node.name == name:
        return node
    view = KeyNode(name, node.parent, node.last_write, node.volatile, node.class_name)
    view.subkeys, view.values = node.subkeys, node.values
    return view


# -- values ----------------------------------------------------------------------------------------

def value_information(name: str, type_: int, data: bytes, cls: int) -> tuple[bytes, int]:
    encoded = name.encode("utf-16-le")
    if cls == KeyValueBasicInformation:
        return struct.pack("<III", 0, type_, len(encoded)) + encoded, 12
    if cls in (KeyValueFullInformation, KeyValueFullInformationAlign64):
        align = 8 if cls == KeyValueFullInformationAlign64 else 4
        offset = (20 + len(encoded) + align - 1) & ~(align - 1)
        head = struct.pack("<IIIII", 0, type_, offset, len(data), len(encoded)) + encoded
        return head.ljust(offset, b"\0") + data, 20
    if cls == KeyValuePartialInformation:
        return struct.pack("<III", 0, type_, len(data)) + data, 12
    if cls == KeyValuePartialInformationAlign64:
        return struct.pack("<II", type_, len(data)) + data, 8
    raise NtError("STATUS_INVALID_PARAMETER", f"value information class {cls}")


@export
def NtQueryValueKey(ctx, KeyHandle: HANDLE, ValueName: PUNICODE_STRING, KeyValueInformationClass: ULONG,
                    KeyValueInformation: PVOID, Length: ULONG, ResultLength: PULONG) -> NTSTATUS:
    node = key_of(ctx, KeyHandle, KEY_QUERY_VALUE)
    value = registry_of(ctx.kernel).value(node, ctx.read_unicode_string(ValueName) or "")
    data, fixed = value_information(value.name, value.type, value.data, KeyValueInformationClass)
    return deliver(ctx, data, fixed, KeyValueInformation, Length, ResultLength)


@export
def NtEnumerateValueKey(ctx, KeyHandle: HANDLE, Index: ULONG, KeyValueInformationClass: ULONG,
                        KeyValueInformation: PVOID, Length: ULONG, ResultLength: PULONG) -> NTSTATUS:
    node = key_of(ctx, KeyHandle, KEY_QUERY_VALUE)
    values = list(node.values.values())
    if Index >= len(values):
        return STATUS["STATUS_NO_MORE_ENTRIES"]
    value = values[Index]
    data, fixed = value_information(value.name, value.type, value.data, KeyValueInformationClass)
    return deliver(ctx, data, fixed, KeyValueInformation, Length, ResultLength)


@export
def NtSetValueKey(ctx, KeyHandle: HANDLE, ValueName: PUNICODE_STRING, TitleIndex: ULONG, Type: ULONG,
                  Data: PVOID, DataSize: ULONG) -> NTSTATUS:
    node = key_of(ctx, KeyHandle, KEY_SET_VALUE)
    data = ctx.read(Data, DataSize) if DataSize else b""
    registry_of(ctx.kernel).set_value(node, ctx.read_unicode_string(ValueName) or "", Type, data)
    return 0


@export
def NtDeleteValueKey(ctx, KeyHandle: HANDLE, ValueName: PUNICODE_STRING) -> NTSTATUS:
    node = key_of(ctx, KeyHandle, KEY_SET_VALUE)
    registry_of(ctx.kernel).delete_value(node, ctx.read_unicode_string(ValueName) or "")
    return 0
