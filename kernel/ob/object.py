"""The object manager: kernel objects, handle tables, the CID table.

Objects are Python instances of `KernelObject` subclasses; a process's handle table maps handle
values (multiples of 4 from 4 up, as NT hands them out) to (object, access, attributes).
"""
from __future__ import annotations

from dataclasses import dataclass

from kernel.rtl.status import NtError

NtCurrentProcess = 0xFFFFFFFF
NtCurrentThread = 0xFFFFFFFE

OBJ_INHERIT = 0x02


class KernelObject:
    """Base of every object a handle can refer to."""
    type_name = "Object"

    def __init__(self, name: str = ""):
        self.name = name
        self.handle_count = 0
        self.waiters: list = []
        self.signaled = False

    def describe(self) -> str:
        return f"{self.type_name} {self.name}".strip()

    def on_last_handle_closed(self) -> None:
        """Called when no handle refers to the object any more."""


@dataclass
class HandleEntry:
    obj: KernelObject
    access: int
    attributes: int = 0


class HandleTable:
    """One process's handles."""

    def __init__(self):
        self.entries: dict[int, HandleEntry] = {}
        self._next = 4

    def insert(self, obj: KernelObject, access: int = 0x1F0FFF, attributes: int = 0) -> int:
        handle = self._next
        while handle in self.entries:
            handle += 4
        self._next = handle + 4
        self.entries[handle] = HandleEntry(obj, access, attributes)
        obj.handle_count += 1
        return handle

    def insert_at(self, handle: int, obj: KernelObject, access: int, attributes: int = 0) -> None:
        """Put an object at a given handle value (handle inheritance keeps the parent's values)."""
        self.entries[handle] = HandleEntry(obj, access, attributes)
        obj.handle_count += 1

    def inherit_from(self, parent: "HandleTable") -> int:
        """Copy the parent's inheritable handles at the same values; returns how many."""
        count = 0
        for handle, entry in parent.entries.items():
            if entry.attributes & OBJ_INHERIT:
                self.insert_at(handle, entry.obj, entry.access, entry.attributes)
                count += 1
        self._next = max([self._next] + [h + 4 for h in self.entries])
        return count

    def lookup(self, handle: int, cls: type | tuple | None = None) -> KernelObject:
        entry = self.entries.get(handle & ~3)
        if entry is None:
            raise NtError("STATUS_INVALID_HANDLE", f"handle {handle:#x} is not open")
        if cls is not None and not isinstance(entry.obj, cls):
            raise NtError("STATUS_OBJECT_TYPE_MISMATCH",
                          f"handle {handle:#x} is a {entry.obj.type_name}, not a {_type_names(cls)}")
        return entry.obj

    def close(self, handle: int) -> KernelObject:
        entry = self.entries.pop(handle & ~3, None)
        if entry is None:
            raise NtError("STATUS_INVALID_HANDLE", f"handle {handle:#x} is not open")
        if handle & ~3 < self._next:
            self._next = handle & ~3
        entry.obj.handle_count -= 1
        if entry.obj.handle_count == 0:
            entry.obj.on_last_handle_closed()
        return entry.obj

    def close_all(self) -> None:
        for handle in list(self.entries):
            self.close(handle)


def _type_names(cls) -> str:
    if isinstance(cls, tuple):
        return " or ".join(c.type_name for c in cls)
    return cls.type_name


class CidTable:
    """PspCidTable: process and thread IDs, multiples of 4, shared by processes and threads."""

    def __init__(self, first: int = 0x100):
        self._next = first
        self.objects: dict[int, KernelObject] = {}

    def create(self, obj: KernelObject) -> int:
        cid = self._next
        self._next += 4
        self.objects[cid] = obj
        return cid

    def lookup(self, cid: int) -> KernelObject | None:
        return self.objects.get(cid)

    def remove(self, cid: int) -> None:
        self.objects.pop(cid, None)
