"""Reading and writing structure fields in guest memory by name (`"Cid.UniqueThread"`)."""
from __future__ import annotations

from functools import lru_cache

from kernel.structs import sizeof_spec


@lru_cache(maxsize=None)
def field_location(cls, path: str) -> tuple[int, int]:
    """(offset, size) of a member, dotted paths allowed."""
    offset, spec, bit = cls.field_info(path)
    if bit is not None:
        raise KeyError(f"{path} is a bit field; write its containing member")
    return offset, sizeof_spec(spec)


@lru_cache(maxsize=None)
def has_field(cls, path: str) -> bool:
    """The layout has this member (a field a newer Windows added is missing from an older one's)."""
    try:
        cls.field_info(path)
    except KeyError:
        return False
    return True


def write_fields(write, base: int, cls, fields: dict, *, if_present: tuple = ()) -> None:
    """write(addr, bytes) each field; keys are member paths (`__` may stand for `.`).  Paths named in
    `if_present` are written only where the layout has them (Windows-version-specific fields)."""
    for path, value in fields.items():
        path = path.replace("__", ".")
        if path in if_present and not has_field(cls, path):
            continue
        off, size = field_location(cls, path)
        if isinstance(value, (bytes, bytearray)):
            data = bytes(value)[:size].ljust(size, b"\0")
        else:
            data = (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
        write(base + off, data)


def read_field(read, base: int, cls, path: str) -> int:
    off, size = field_location(cls, path)
    return int.from_bytes(read(base + off, size), "little")
