"""WinDbg ``dt``-style formatting of guest structures.

All functions take a ``read(addr, size) -> bytes`` callable for guest memory.
Memory that cannot be read is reported by ``read`` either by raising an
exception (``MemoryReadError`` is provided for that purpose; any ``Exception``
is accepted, e.g. emu's ``MemoryFault``) or by returning ``None`` or fewer
than ``size`` bytes.  The dumper never lets such a failure escape: the
structure itself shows ``<unreadable ...>`` and strings it cannot fetch show
``<unreadable>``.

``format_text(cls, addr, read, *, name=None, depth=1, fields=None) -> str``
    One line per member, e.g. ``   +0x00c Ldr              : 0x77a77880
    _PEB_LDR_DATA``.  ``name`` replaces the type name in the header line,
    ``depth`` is how many levels of embedded structures are expanded,
    ``fields`` restricts the top level to the given member names.
``to_json(cls, addr, read) -> dict``
    ``{"type", "address", "size", "fields": [...]}``; each field has
    ``offset`` (relative to its parent, as dt prints it), ``address``,
    ``name``, ``type``, ``kind``, ``value`` and, where it applies,
    ``decoded`` (strings, list links, 64-bit integers, enum names),
    ``fields`` (embedded structures), ``elements`` (arrays of structures),
    ``bit_position``/``bit_width`` (bit fields, listed after their integer as
    WinDbg does) and ``error``.  Hidden padding never appears.
``hexdump(addr, data) -> str``
    16 bytes a line, WinDbg ``db`` style.
``iter_list(read, head)`` walks a LIST_ENTRY ring and yields entry addresses.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from . import Array, BitInfo, Bits, Enum, Ptr, Scalar, sizeof_spec, _is_aggregate

__all__ = ["MemoryReadError", "format_text", "to_json", "hexdump", "iter_list",
           "containing_record", "SUMMARISED_TYPES"]

Read = Callable[[int, int], "bytes | None"]

#: Longest string fetched for a UNICODE_STRING/STRING (Length is a USHORT).
MAX_STRING_BYTES = 0xFFFF
#: Scalar arrays up to this many elements are printed inline.
INLINE_ARRAY_MAX = 4
#: Types printed on one line (never expanded) by format_text.
SUMMARISED_TYPES = ("_LIST_ENTRY", "_UNICODE_STRING", "_STRING",
                    "_LARGE_INTEGER", "_ULARGE_INTEGER")


class MemoryReadError(Exception):
    """What a ``read`` callable may raise for unmapped guest memory."""


def _safe_read(read: Read, addr: int, size: int) -> bytes | None:
    if size == 0:
        return b""
    if addr < 0 or addr + size > 1 << 32:
        return None
    try:
        data = read(addr, size)
    except Exception:        # unreadable memory: any failure of the callback
        return None
    if data is None or len(data) < size:
        return None
    return bytes(data[:size])


# --------------------------------------------------------------------------
# Decoding to a neutral tree (the JSON form)
# --------------------------------------------------------------------------

def _int_at(data: bytes, off: int, size: int, signed: bool = False) -> int:
    return int.from_bytes(data[off:off + size], "little", signed=signed)


def _read_string(read: Read, buf: int, length: int, wide: bool):
    """-> (decoded or None, error or None)"""
    if buf == 0:
        return None, None
    length = min(length, MAX_STRING_BYTES)
    if wide:
        length &= ~1
    raw = _safe_read(read, buf, length)
    if raw is None:
        return None, "unreadable"
    text = raw.decode("utf-16-le", "replace") if wide else raw.decode("latin-1")
    return text, None


def _decode_special(type_name: str, fields: list[dict], read: Read) -> dict:
    """Extra keys for types with a natural one-line meaning."""
    vals = {f["name"]: f["value"] for f in fields if f.get("kind") != "bit"}
    if type_name == "_LIST_ENTRY":
        return {"decoded": {"Flink": vals["Flink"], "Blink": vals["Blink"]}}
    if type_name in ("_UNICODE_STRING", "_STRING"):
        text, err = _read_string(read, vals["Buffer"], vals["Length"],
                                 wide=type_name == "_UNICODE_STRING")
        out = {"decoded": text}
        if err:
            out["error"] = err
        return out
    if type_name in ("_LARGE_INTEGER", "_ULARGE_INTEGER"):
        return {"decoded": vals["QuadPart"]}
    return {}


def _bit_entries(bits: Iterable[BitInfo], raw: int, offset: int, addr: int) -> list[dict]:
    return [{"offset": offset, "address": addr, "name": b.name, "type": b.wintype,
             "kind": "bit", "value": b.extract(raw), "bit_position": b.pos,
             "bit_width": b.width} for b in bits]


def _decode_value(spec, data: bytes, off: int, addr: int, read: Read) -> dict:
    """Decode one member (no name/offset keys)."""
    if _is_aggregate(spec):
        fields = _decode_fields(spec, data, off, addr, read)
        node = {"type": spec._name_, "kind": "union" if spec._is_union_() else "struct",
                "value": None, "fields": fields}
        node.update(_decode_special(spec._name_, fields, read))
        return node
    if isinstance(spec, Ptr):
        return {"type": spec.wintype, "kind": "ptr", "pointee": spec.pointee,
                "value": _int_at(data, off, 4)}
    if isinstance(spec, Enum):
        v = _int_at(data, off, spec.size, spec.signed)
        return {"type": spec.wintype, "kind": "enum", "value": v,
                "decoded": spec.values.get(v)}
    if isinstance(spec, Bits):
        return {"type": spec.wintype, "kind": "bits",
                "value": _int_at(data, off, spec.size, spec.signed)}
    if isinstance(spec, Scalar):
        node = {"type": spec.wintype, "kind": "int",
                "value": _int_at(data, off, spec.size, spec.signed)}
        return node
    if isinstance(spec, Array):
        el, n = spec.elem, spec.count
        esize = sizeof_spec(el)
        node = {"type": spec.wintype, "kind": "array", "count": n}
        if _is_aggregate(el):
            node["value"] = None
            node["elements"] = []
            for i in range(n):
                sub = _decode_value(el, data, off + i * esize, addr + i * esize, read)
                sub["index"] = i
                sub["address"] = addr + i * esize
                node["elements"].append(sub)
            return node
        signed = getattr(el, "signed", False)
        vals = [_int_at(data, off + i * esize, esize, signed) for i in range(n)]
        node["value"] = vals
        if spec.string:
            if isinstance(el, Scalar) and el.wchar:
                raw = data[off:off + esize * n].decode("utf-16-le", "replace")
            else:
                raw = data[off:off + esize * n].decode("latin-1")
            node["decoded"] = raw.split("\0", 1)[0]
        return node
    raise TypeError(f"cannot decode {spec!r}")


def _decode_fields(cls, data: bytes, base: int, addr: int, read: Read,
                   only: Iterable[str] | None = None) -> list[dict]:
    wanted = set(only) if only is not None else None
    out: list[dict] = []
    for fi in cls.fields():
        if wanted is not None and fi.name not in wanted and \
                not any(b.name in wanted for b in fi.bits):
            continue
        off = base + fi.offset
        faddr = addr + fi.offset
        if fi.name is not None:
            node = {"offset": fi.offset, "address": faddr, "name": fi.name}
            node.update(_decode_value(fi.spec, data, off, faddr, read))
            out.append(node)
        if fi.bits:
            raw = _int_at(data, off, fi.spec.size)
            out.extend(_bit_entries(fi.bits, raw, fi.offset, faddr))
    return out


def to_json(cls, addr: int, read: Read) -> dict:
    """JSON-serialisable decoding of ``cls`` at guest address ``addr``."""
    size = cls.sizeof()
    result = {"type": cls._name_, "address": addr, "size": size}
    data = _safe_read(read, addr, size)
    if data is None:
        result["error"] = "unreadable"
        result["fields"] = []
        return result
    result["fields"] = _decode_fields(cls, data, 0, addr, read)
    return result


# --------------------------------------------------------------------------
# Text rendering
# --------------------------------------------------------------------------

def _fmt_unsigned(v: int) -> str:
    if v == 0:
        return "0"
    if v > 0xFFFFFFFF:
        return f"0x{v >> 32:08x}`{v & 0xFFFFFFFF:08x}"
    return f"0x{v:x}"


def _fmt_signed(v: int) -> str:
    return "0" if v == 0 else f"0n{v}"


def _fmt_number(v: int) -> str:
    """An integer member as WinDbg's dt prints it: below 10 as is, otherwise in hex."""
    return str(v) if 0 <= v < 10 else _fmt_unsigned(v)


def _fmt_char(v: int) -> str:
    ch = chr(v & 0xFF) if 0x20 <= (v & 0xFF) < 0x7F else ""
    return f"{_fmt_unsigned(v & 0xFF)} '{ch}'"


def _fmt_scalar(type_name: str, v: int) -> str:
    if type_name in ("UChar", "Char"):
        return _fmt_char(v)
    if type_name == "Wchar":
        ch = chr(v) if 0x20 <= v < 0x7F else ""
        return f"{_fmt_unsigned(v)} '{ch}'"
    if type_name.startswith("Int"):
        return _fmt_signed(v)
    return _fmt_number(v)


def _fmt_ptr_value(v: int) -> str:
    return "(null)" if v == 0 else f"0x{v:08x}"


def _quote(text: str | None, error: str | None) -> str:
    if error:
        return "<unreadable>"
    if text is None:
        return "(null)"
    return f'"{text}"'


def _summary(node: dict) -> str | None:
    """One-line value of an aggregate, or None if it must be expanded."""
    t = node["type"]
    if t == "_LIST_ENTRY":
        d = node["decoded"]
        return f"[ 0x{d['Flink']:x} - 0x{d['Blink']:x} ]"
    if t in ("_UNICODE_STRING", "_STRING"):
        return _quote(node.get("decoded"), node.get("error"))
    if t in ("_LARGE_INTEGER", "_ULARGE_INTEGER"):
        q = node["decoded"] & 0xFFFFFFFFFFFFFFFF
        return f"0x{q >> 32:08x}`{q & 0xFFFFFFFF:08x}"
    return None


def _elem_type(array_type: str) -> str:
    return array_type.split("] ", 1)[1]


def _fmt_array(node: dict) -> str:
    n = node["count"]
    if "decoded" in node:
        return f'[{n}]  "{node["decoded"]}"'
    etype = _elem_type(node["type"])
    if "elements" in node:
        summaries = [_summary(e) for e in node["elements"]]
        if n <= INLINE_ARRAY_MAX and all(s is not None for s in summaries):
            return f"[{n}] {etype} " + " ".join(summaries)
        return f"[{n}] {etype}"
    if n > INLINE_ARRAY_MAX:
        return f"[{n}] {etype}"
    if etype.startswith("Ptr32"):
        items = [_fmt_ptr_value(v) for v in node["value"]]
    elif etype in ("UChar", "Char", "Wchar"):
        items = [_fmt_unsigned(v & 0xFFFF) for v in node["value"]]
    else:
        items = [_fmt_scalar(etype, v) for v in node["value"]]
    return f"[{n}] " + " ".join(items)


def _fmt_line_value(node: dict) -> str:
    kind = node["kind"]
    if kind == "ptr":
        v = node["value"]
        return "(null)" if v == 0 else f"0x{v:08x} {node['pointee']}"
    if kind in ("int", "bits"):
        return _fmt_scalar(node["type"], node["value"])
    if kind == "enum":
        name = node.get("decoded")
        v = node["value"]
        return f"{name} (0n{v})" if name else f"0n{v}"
    if kind == "bit":
        w, v = node["bit_width"], node["value"]
        text = f"0y{v:0{w}b}"
        return text + (f" (0x{v:x})" if w > 8 else "")
    if kind == "array":
        return _fmt_array(node)
    summary = _summary(node)
    return node["type"] if summary is None else f"{node['type']} {summary}"


def _render(nodes: list[dict], indent: int, depth: int, lines: list[str]) -> None:
    pad = " " * indent
    for node in nodes:
        lines.append(f"{pad}+0x{node['offset']:03x} {node['name']:<16} : "
                     f"{_fmt_line_value(node)}")
        if node["kind"] in ("struct", "union") and depth > 0 and _summary(node) is None:
            _render(node["fields"], indent + 3, depth - 1, lines)


def format_text(cls, addr: int, read: Read, *, name: str | None = None,
                depth: int = 1, fields: Iterable[str] | None = None) -> str:
    """WinDbg ``dt``-style dump of ``cls`` at ``addr`` (see module doc)."""
    label = name or cls._name_
    lines = [f"{label} @ 0x{addr:08x}"]
    data = _safe_read(read, addr, cls.sizeof())
    if data is None:
        lines.append(f"   <unreadable memory at 0x{addr:08x}, "
                     f"size 0x{cls.sizeof():x}>")
        return "\n".join(lines)
    nodes = _decode_fields(cls, data, 0, addr, read, only=fields)
    _render(nodes, 3, depth, lines)
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Raw dumps and list walking
# --------------------------------------------------------------------------

def hexdump(addr: int, data: bytes) -> str:
    """Classic 16-bytes-a-line dump: ``00400000  4d 5a 90 00 ...-... ...  MZ..``."""
    out = []
    for i in range(0, len(data), 16):
        chunk = data[i:i + 16]
        hexes = [f"{b:02x}" for b in chunk] + ["  "] * (16 - len(chunk))
        left, right = " ".join(hexes[:8]), " ".join(hexes[8:])
        sep = "-" if len(chunk) > 8 else " "
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        out.append(f"{(addr + i) & 0xFFFFFFFF:08x}  {left}{sep}{right}  {text}")
    return "\n".join(out)


def iter_list(read: Read, head: int, *, limit: int = 4096) -> Iterator[int]:
    """Yield the addresses of the LIST_ENTRY links of a ring whose list head
    is at ``head`` (the head itself is not yielded).  Stops on unreadable
    memory, on a link that goes nowhere, or after ``limit`` entries."""
    seen = {head}
    raw = _safe_read(read, head, 4)
    cur = int.from_bytes(raw, "little") if raw else head
    while cur not in seen and cur != 0 and len(seen) <= limit:
        seen.add(cur)
        yield cur
        raw = _safe_read(read, cur, 4)
        if raw is None:
            return
        cur = int.from_bytes(raw, "little")


def containing_record(link_addr: int, cls, field: str) -> int:
    """CONTAINING_RECORD: address of the ``cls`` whose ``field`` is at
    ``link_addr``."""
    return (link_addr - cls.offsetof(field)) & 0xFFFFFFFF
