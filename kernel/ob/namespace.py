"""The object namespace: named objects by full NT path, case-insensitively (Windows' default
ObCaseInsensitive): `\\BaseNamedObjects\\x` (Global\\x) and `\\Sessions\\1\\BaseNamedObjects\\x` (what a
Win32 name means in the session every process of ntboot runs in).  A name disappears with the last
handle to its object.
"""
from __future__ import annotations

from kernel.rtl.status import NtError

SESSION = 1
GLOBAL_DIRECTORY = "\\BaseNamedObjects"
SESSION_DIRECTORY = f"\\Sessions\\{SESSION}\\BaseNamedObjects"
DIRECTORIES = (GLOBAL_DIRECTORY, SESSION_DIRECTORY)


def normalize_name(name: str) -> str:
    """An absolute object path in the BaseNamedObjects directories, with their Global/Local links
    followed.  Raises NtError as the object manager fails such a lookup."""
    if not name.startswith("\\"):
        raise NtError("STATUS_OBJECT_PATH_SYNTAX_BAD", f"{name}: an object name must be absolute")
    for directory in (SESSION_DIRECTORY, GLOBAL_DIRECTORY):
        prefix = directory + "\\"
        if name.lower().startswith(prefix.lower()):
            rest = name[len(prefix):]
            link, sep, tail = rest.partition("\\")
            if sep and link.lower() == "global":
                return normalize_name(GLOBAL_DIRECTORY + "\\" + tail)
            if sep and link.lower() == "local":
                return normalize_name(SESSION_DIRECTORY + "\\" + tail)
            if not rest:
                raise NtError("STATUS_OBJECT_NAME_INVALID", f"{name}: no object name")
            if "\\" in rest:
                raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{name}: no such object directory")
            return directory + "\\" + rest
    raise NtError("STATUS_OBJECT_PATH_NOT_FOUND", f"{name}: no such object directory")


def win32_object_name(name: str) -> str:
    """What kernel32 makes of a Win32 object name (BaseGetNamedObjectDirectory: the session's
    BaseNamedObjects, whose Global and Local links lead to the global one and back)."""
    return SESSION_DIRECTORY + "\\" + name


def namespace(kernel) -> dict:
    return kernel.named_objects


def create_object(kernel, name: str | None, cls, factory) -> tuple[object, bool]:
    """A new object, or the existing one of that name (existed=True).  A name held by another type
    fails with STATUS_OBJECT_TYPE_MISMATCH."""
    if not name:
        return factory(""), False
    path = normalize_name(name)
    space = namespace(kernel)
    existing = space.get(path.lower())
    if existing is not None:
        if not isinstance(existing, cls):
            raise NtError("STATUS_OBJECT_TYPE_MISMATCH", f"{path} is a {existing.type_name}, not a {cls.type_name}")
        return existing, True
    obj = factory(path)
    obj.directory = space
    space[path.lower()] = obj
    return obj, False


def open_object(kernel, name: str | None, cls):
    if not name:
        raise NtError("STATUS_OBJECT_NAME_INVALID", "an object must be opened by name")
    path = normalize_name(name)
    obj = namespace(kernel).get(path.lower())
    if obj is None:
        raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path} does not exist")
    if not isinstance(obj, cls):
        raise NtError("STATUS_OBJECT_TYPE_MISMATCH", f"{path} is a {obj.type_name}, not a {cls.type_name}")
    return obj
