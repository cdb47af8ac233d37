"""The registry's life outside one run: a file it is loaded from and saved to, and the log of what
the guest changed.  The registry itself is the configuration manager's (kernel/cm/registry.py); nothing here
changes how keys and values behave.

The file (`Options.registry_file`, `Emulator(registry_file=...)`) is JSON, readable and editable:

    {"format": "ntboot-registry", "version": 1,
     "keys": {
       "HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\App": {
         "values": [{"name": "Path", "type": "REG_SZ", "data": "C:\\app"},
                    {"name": "Count", "type": "REG_DWORD", "data": 3},
                    {"name": "List", "type": "REG_MULTI_SZ", "data": ["a", "b"]},
                    {"name": "Blob", "type": "REG_BINARY", "hex": "00ff10"}]}}}

Keys are named from HKEY_LOCAL_MACHINE or HKEY_USERS (HKLM, HKCU, HKCR, HKU, HKCC and
\\REGISTRY\\... are accepted when loading); values keep their order; "data" is a string
(REG_SZ, REG_EXPAND_SZ), a list of strings (REG_MULTI_SZ) or an integer (REG_DWORD, REG_QWORD,
REG_DWORD_BIG_ENDIAN); any other type, and any value whose bytes are not exactly what its type
says (a string without its terminator ...), is kept as "hex" so a save and a load give the same
bytes back.  `type` may also be a number.  Loading merges the file into the registry a fresh
Windows 7 has (keys are created, values set over the defaults); saving writes every key but the
volatile ones.  When the run ends the registry is saved back to the file it came from.

`attach(kernel)` sets this up when the kernel starts: the kernel's registry becomes a
`RecordingRegistry`, whose `changes` list has one `Change(action, key, value, old, new)` per key
created or deleted and per value set or deleted by the guest, in order.
"""
from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass

from kernel.cm import registry as cm
from kernel.rtl.status import NtError

FILE_FORMAT = "ntboot-registry"
FILE_VERSION = 1

REG_NONE, REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_DWORD_BIG_ENDIAN, REG_LINK, REG_MULTI_SZ = range(8)
REG_QWORD = 11
TYPE_NAMES = {0: "REG_NONE", 1: "REG_SZ", 2: "REG_EXPAND_SZ", 3: "REG_BINARY", 4: "REG_DWORD",
              5: "REG_DWORD_BIG_ENDIAN", 6: "REG_LINK", 7: "REG_MULTI_SZ", 8: "REG_RESOURCE_LIST",
              9: "REG_FULL_RESOURCE_DESCRIPTOR", 10: "REG_RESOURCE_REQUIREMENTS_LIST", 11: "REG_QWORD"}
TYPE_NUMBERS = {v: k for k, v in TYPE_NAMES.items()}
ROOTS = {"MACHINE": "HKEY_LOCAL_MACHINE", "USER": "HKEY_USERS"}


class RegistryFileError(ValueError):
    """A registry file that cannot be read or written; the message names the file and why."""


# -- names --------------------------------------------------------------------------------------------

def display_path(nt_path: str) -> str:
    """`\\REGISTRY\\MACHINE\\SOFTWARE` -> `HKEY_LOCAL_MACHINE\\SOFTWARE` (users: HKEY_USERS\\...)."""
    parts = [p for p in nt_path.split("\\") if p]
    if len(parts) >= 2 and parts[0].upper() == "REGISTRY" and parts[1].upper() in ROOTS:
        return "\\".join([ROOTS[parts[1].upper()]] + parts[2:])
    return nt_path


def nt_path(name: str) -> str:
    """HKLM\\x, HKEY_CURRENT_USER\\x, HKEY_USERS\\x, \\Registry\\Machine\\x -> \\REGISTRY\\...\\x."""
    parts = [p for p in name.split("\\") if p]
    if not parts:
        raise ValueError("an empty key name")
    if parts[0].upper() == "REGISTRY" and name.startswith("\\"):
        return "\\" + "\\".join(["REGISTRY"] + parts[1:])
    handle = cm.ROOT_NAMES.get(parts[0].upper())
    if handle is None:
        raise ValueError(f"{name}: a key must start with HKEY_LOCAL_MACHINE, HKEY_USERS, HKEY_CURRENT_USER, "
                         f"HKEY_CLASSES_ROOT or HKEY_CURRENT_CONFIG")
    return "\\".join([cm.HKEY_PATHS[handle]] + parts[1:])


# -- value data ------------------------------------------------------------------------------------------

def encode_data(type_: int, data) -> bytes:
    """A value's readable form (str, list of str, int) -> the bytes the registry keeps."""
    if type_ in (REG_SZ, REG_EXPAND_SZ):
        return (data + "\0").encode("utf-16-le", "surrogatepass")
    if type_ == REG_LINK:
        return data.encode("utf-16-le", "surrogatepass")
    if type_ == REG_MULTI_SZ:
        return ("".join(s + "\0" for s in data) + "\0").encode("utf-16-le", "surrogatepass")
    if type_ == REG_DWORD:
        return struct.pack("<I", data & 0xFFFFFFFF)
    if type_ == REG_DWORD_BIG_ENDIAN:
        return struct.pack(">I", data & 0xFFFFFFFF)
    if type_ == REG_QWORD:
        return struct.pack("<Q", data & 0xFFFFFFFFFFFFFFFF)
    raise TypeError(f"{TYPE_NAMES.get(type_, type_)} has no readable form")


def decode_data(type_: int, data: bytes):
    """The readable form of a value's bytes, or None when there is none that gives them back."""
    try:
        if type_ in (REG_SZ, REG_EXPAND_SZ) and data.endswith(b"\0\0") and len(data) % 2 == 0:
            text = data[:-2].decode("utf-16-le", "surrogatepass")
            return text if "\0" not in text else None
        if type_ == REG_MULTI_SZ and len(data) % 2 == 0:
            text = data.decode("utf-16-le", "surrogatepass")
            if text == "\0":
                return []
            if text.endswith("\0\0") and "\0\0" not in text[:-1]:
                return text[:-2].split("\0")
            return None
        if type_ in (REG_DWORD, REG_DWORD_BIG_ENDIAN) and len(data) == 4:
            return struct.unpack("<I" if type_ == REG_DWORD else ">I", data)[0]
        if type_ == REG_QWORD and len(data) == 8:
            return struct.unpack("<Q", data)[0]
    except UnicodeDecodeError:
        return None
    return None


def _type_json(type_: int):
    return TYPE_NAMES.get(type_, type_)


def value_json(value) -> dict:
    out = {"name": value.name, "type": _type_json(value.type)}
    readable = decode_data(value.type, value.data)
    if readable is not None and encode_data(value.type, readable) == value.data:
        out["data"] = readable
    else:
        out["hex"] = value.data.hex()
    return out


def value_from_json(key: str, item) -> tuple[str, int, bytes]:
    if not isinstance(item, dict) or "name" not in item or "type" not in item:
        raise ValueError(f"{key}: a value needs a name and a type")
    name = item["name"]
    if not isinstance(name, str):
        raise ValueError(f"{key}: a value's name must be a string")
    type_ = item["type"]
    if isinstance(type_, str):
        if type_ not in TYPE_NUMBERS:
            raise ValueError(f"{key}\\{name}: unknown value type {type_!r}")
        type_ = TYPE_NUMBERS[type_]
    if isinstance(type_, bool) or not isinstance(type_, int) or not 0 <= type_ <= 0xFFFFFFFF:
        raise ValueError(f"{key}\\{name}: bad value type {type_!r}")
    if "hex" in item:
        try:
            return name, type_, bytes.fromhex(str(item["hex"]))
        except ValueError:
            raise ValueError(f"{key}\\{name}: bad hex data") from None
    if "data" not in item:
        raise ValueError(f"{key}\\{name}: a value needs \"data\" or \"hex\"")
    data = item["data"]
    if type_ in (REG_SZ, REG_EXPAND_SZ, REG_LINK):
        ok = isinstance(data, str)
    elif type_ == REG_MULTI_SZ:
        ok = isinstance(data, list) and all(isinstance(s, str) for s in data)
    elif type_ in (REG_DWORD, REG_DWORD_BIG_ENDIAN, REG_QWORD):
        ok = isinstance(data, int) and not isinstance(data, bool)
    else:
        raise ValueError(f"{key}\\{name}: {_type_json(type_)} data is given as \"hex\"")
    if not ok:
        raise ValueError(f"{key}\\{name}: {_type_json(type_)} data of the wrong kind: {data!r}")
    return name, type_, encode_data(type_, data)


# -- the file -------------------------------------------------------------------------------------------

def _children(node) -> list:
    """A key's real subkeys in upcase order (a symbolic link, CurrentControlSet, is not one)."""
    return [child for shown, child in node.sorted_subkeys()
            if shown.upper() == child.name.upper() and child.parent is node and not child.deleted]


def to_json(reg) -> dict:
    keys = {}

    def walk(node):
        for child in _children(node):
            if child.volatile:
                continue
            entry = {}
            if child.class_name:
                entry["class"] = child.class_name
            entry["values"] = [value_json(v) for v in child.values.values()]
            keys[display_path(child.path)] = entry
            walk(child)
    for hive_root in _children(reg.root):
        walk(hive_root)
    return {"format": FILE_FORMAT, "version": FILE_VERSION, "keys": keys}


def merge_json(reg, doc) -> None:
    """Create the document's keys and set its values in `reg` (what load() does with a file)."""
    if not isinstance(doc, dict) or doc.get("format") != FILE_FORMAT:
        raise ValueError(f'not an ntboot registry file (it needs "format": "{FILE_FORMAT}")')
    if doc.get("version") != FILE_VERSION:
        raise ValueError(f"registry file version {doc.get('version')!r}; this ntboot reads version {FILE_VERSION}")
    keys = doc.get("keys", {})
    if not isinstance(keys, dict):
        raise ValueError('"keys" must be an object')
    for key, entry in keys.items():
        path = nt_path(key)
        if len([p for p in path.split("\\") if p]) < 3:
            raise ValueError(f"{key}: keys of a file are below HKEY_LOCAL_MACHINE or HKEY_USERS, not those")
        if not isinstance(entry, dict):
            raise ValueError(f"{key}: a key is an object with \"values\"")
        values = entry.get("values", [])
        if not isinstance(values, list):
            raise ValueError(f"{key}: \"values\" must be a list")
        parsed = [value_from_json(key, item) for item in values]
        try:
            node = reg.create_path(path)
            if entry.get("class"):
                node.class_name = str(entry["class"])
            for name, type_, data in parsed:
                reg.set_value(node, name, type_, data)
        except NtError as e:
            raise ValueError(f"{key}: {e}") from None


def save(reg, path: str) -> None:
    text = json.dumps(to_json(reg), indent=1, ensure_ascii=False) + "\n"
    temporary = path + ".tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    except OSError as e:
        raise RegistryFileError(f"cannot write the registry to {path}: {e.strerror or e}") from None


def load(reg, path: str) -> None:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise RegistryFileError(f"cannot read the registry file {path}: {e.strerror or e}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise RegistryFileError(f"{path} is not a registry file: {e}") from None
    try:
        merge_json(reg, doc)
    except (ValueError, TypeError) as e:
        raise RegistryFileError(f"{path}: {e}") from None


# -- the change log -------------------------------------------------------------------------------------

@dataclass
class Change:
    """One change the guest made: "create key", "delete key", "set value" or "delete value".
    `old` and `new` are (type name, readable data) of the value before and after, or None."""
    action: str
    key: str                      # HKEY_LOCAL_MACHINE\\..., HKEY_USERS\\...
    value: str | None = None      # the value's name ("" is the default value); None for a key
    old: tuple | None = None
    new: tuple | None = None

    def to_json(self) -> dict:
        return {"action": self.action, "key": self.key, "value": self.value,
                "old": list(self.old) if self.old else None, "new": list(self.new) if self.new else None}


def describe(value) -> tuple | None:
    if value is None:
        return None
    readable = decode_data(value.type, value.data)
    if readable is None:
        readable = value.data.hex()
    return _type_json(value.type), readable


class RecordingRegistry(cm.Registry):
    """The configuration manager's registry, logging every change in `changes` once `recording`."""
    recording = False

    def _log(self, action, node, value_name=None, old=None, new=None) -> None:
        if self.recording:
            self.changes.append(Change(action, display_path(node.path), value_name, describe(old), describe(new)))

    def create(self, path, base=None, volatile=False, class_name=""):
        node, created = super().create(path, base, volatile, class_name)
        if created:
            self._log("create key", node)
        return node, created

    def delete_key(self, node) -> None:
        path = node.path
        super().delete_key(node)
        if self.recording:
            self.changes.append(Change("delete key", display_path(path)))

    def set_value(self, node, name, type_, data) -> None:
        existing = node.values.get(name.upper()) if not node.deleted else None
        old = cm.Value(existing.name, existing.type, existing.data) if existing is not None else None
        super().set_value(node, name, type_, data)
        stored = node.values.get(name.upper())          # the name keeps the case it was created with
        self._log("set value", node, stored.name if stored else name, old, stored)

    def delete_value(self, node, name) -> None:
        old = node.values.get(name.upper()) if not node.deleted else None
        super().delete_value(node, name)
        self._log("delete value", node, old.name if old else name, old, None)


def attach(kernel):
    """The kernel's registry, ready for the guest: the defaults, the run's file merged in, and
    the change log started.  Returns it."""
    reg = cm.registry_of(kernel)
    if not isinstance(reg, RecordingRegistry):
        reg.__class__ = RecordingRegistry        # the same registry, now logging its changes
        reg.changes = []
    path = getattr(kernel.options, "registry_file", None)
    if path and os.path.exists(path):
        load(reg, path)
    reg.recording = True
    return reg


def save_kernel_registry(kernel) -> None:
    """Write the registry back to the run's registry file (Options.registry_file), if it has one."""
    path = getattr(kernel.options, "registry_file", None)
    if path:
        save(cm.registry_of(kernel), path)
