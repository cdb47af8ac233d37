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


def write_fields(write, base: int, cls, fields: dict) -> None:
    """write(addr, bytes) each field; keys are member paths (`__` may stand for `.`)."""
    for path, value in fields.items():
        off, size = field_location(cls, path.replace("__", "."))
        if isinstance(value, (bytes, bytearray)):
            data = bytes(value)[:size].ljust(size, b"\0")
        else:
            data = (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
        write(base + off, data)


def read_field(read, base: int, cls, path: str) -> int:
    off, size = field_location(cls, path)
    return int.from_bytes(read(base + off, size), "little")
