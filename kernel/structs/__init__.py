"""A small declarative layer over ctypes for 32-bit guest structures.

Every guest structure is a ``ctypes`` little-endian Structure (or Union)
whose layout is computed here with the MSVC x86 rules, independently of the
host: 1/2/4/8-byte scalars are aligned on their size, pointers are 4-byte
``c_uint32`` values, a structure is aligned on its most-aligned member and its
size is rounded up to that alignment.  The computed layout is materialised
with ``_pack_ = 1`` plus explicit (hidden) padding members, so ctypes offsets
are exactly the Windows ones on any host, and are checked after class
creation.

Declaring a structure::

    class LIST_ENTRY(Struct):
        _name_ = "_LIST_ENTRY"                     # WinDbg type name
        _size_ = 0x8                               # optional: asserted
        _fields_ = [
            ("Flink", Ptr("_LIST_ENTRY")),         # (name, spec)
            ("Blink", Ptr("_LIST_ENTRY"), 0x4),    # (name, spec, offset)
        ]

A third tuple element is the documented offset: it is asserted, and if it is
beyond the current end of the layout the gap becomes hidden padding (that is
how partially declared structures are written; add ``_partial_ = True`` to
let ``_size_`` pad the tail as well).

Field specs: the scalar specs below (``UCHAR``, ``ULONG``, ``LONGLONG``,
``WCHAR``, ...), ``Ptr("_PEB")`` / ``PVOID`` (4 bytes, display type
``Ptr32 _PEB``), ``Array(spec, n)``, ``CharArray(n)`` (a UCHAR array shown as
a string), ``Enum(name, values)``, ``Bits(base, [(name, width), ...])`` (an
integer whose bit members are listed the way WinDbg does, and are readable and
writable as attributes), ``Pad(n)`` (hidden), other ``Struct``/``Union``
classes, and inline anonymous aggregates ``U(...)`` / ``S(...)``.  A member
whose name is ``None`` is anonymous: its members are flattened into the parent
(ctypes ``_anonymous_``), as WinDbg shows them.

Reading layouts back::

    PEB.offsetof("Ldr")              -> 0xc   (dotted paths and bit names work)
    PEB.Ldr.offset                   -> 0xc   (plain ctypes)
    PEB.sizeof(), ctypes.sizeof(PEB) -> 0x248
    PEB.fields()                     -> [FieldInfo, ...] (hidden padding excluded)

Filling a structure and getting bytes::

    peb = PEB(); peb.Ldr = 0x77a77880; peb.ImageUsesLargePages = 1
    blob = peb.to_bytes()            # == bytes(peb)
    peb2 = PEB.from_bytes(blob)
"""

from __future__ import annotations

import ctypes
import sys
import itertools
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

__all__ = [
    "LayoutError", "Spec", "Scalar", "Ptr", "Array", "CharArray", "Enum",
    "Bits", "Pad", "Struct", "Union", "S", "U", "FieldInfo", "BitInfo",
    "UCHAR", "CHAR", "BOOLEAN", "USHORT", "SHORT", "WCHAR", "ULONG", "LONG",
    "ULONGLONG", "LONGLONG", "PVOID", "HANDLE", "NTSTATUS", "ULONG_PTR",
    "FUNCPTR", "spec_of", "wintype_of", "sizeof_spec", "alignof_spec",
]


class LayoutError(Exception):
    """A declared offset or size does not match the computed layout."""


def _round_up(value: int, align: int) -> int:
    return (value + align - 1) // align * align


# --------------------------------------------------------------------------
# Field specs
# --------------------------------------------------------------------------

class Spec:
    """Base class of non-aggregate field specs."""

    kind = "?"
    ctype: Any = None
    size = 0
    align = 1
    wintype = "?"


class Scalar(Spec):
    """A fixed-size integer.  ``char`` marks UChar/Char (shown with a char)."""

    def __init__(self, ctype, wintype: str, *, signed: bool = False,
                 char: bool = False, wchar: bool = False):
        self.kind = "int"
        self.ctype = ctype
        self.size = ctypes.sizeof(ctype)
        self.align = self.size
        self.wintype = wintype
        self.signed = signed
        self.char = char
        self.wchar = wchar

    def __repr__(self):
        return f"<{self.wintype}>"


UCHAR = Scalar(ctypes.c_uint8, "UChar", char=True)
CHAR = Scalar(ctypes.c_int8, "Char", signed=True, char=True)
BOOLEAN = UCHAR
USHORT = Scalar(ctypes.c_uint16, "Uint2B")
SHORT = Scalar(ctypes.c_int16, "Int2B", signed=True)
WCHAR = Scalar(ctypes.c_uint16, "Wchar", wchar=True)
ULONG = Scalar(ctypes.c_uint32, "Uint4B")
LONG = Scalar(ctypes.c_int32, "Int4B", signed=True)
ULONGLONG = Scalar(ctypes.c_uint64, "Uint8B")
LONGLONG = Scalar(ctypes.c_int64, "Int8B", signed=True)
NTSTATUS = LONG
ULONG_PTR = ULONG


class Ptr(Spec):
    """A 32-bit guest pointer, stored as ``c_uint32``.

    ``target`` is the WinDbg name of the pointee ("Void", "_PEB", "Uint2B")
    or another ``Ptr`` for pointers to pointers.
    """

    kind = "ptr"
    ctype = ctypes.c_uint32
    size = 4
    align = 4

    def __init__(self, target: "str | Ptr" = "Void", *, func: bool = False):
        self.target = target
        self.func = func

    @property
    def pointee(self) -> str:
        if self.func:
            return "    void"          # WinDbg prints code pointers this way
        return self.target.wintype if isinstance(self.target, Ptr) else self.target

    @property
    def wintype(self) -> str:           # type: ignore[override]
        return "Ptr32 " + self.pointee

    def __repr__(self):
        return f"<{self.wintype}>"


PVOID = Ptr("Void")
HANDLE = PVOID
FUNCPTR = Ptr(func=True)


class Array(Spec):
    """``count`` consecutive elements of ``elem`` (a spec or Struct class)."""

    kind = "array"

    def __init__(self, elem, count: int, *, string: bool = False):
        self.elem = spec_of(elem)
        self.count = count
        self.ctype = _ctype_of(self.elem) * count
        self.size = sizeof_spec(self.elem) * count
        self.align = alignof_spec(self.elem)
        el = self.elem
        self.string = string or (isinstance(el, Scalar) and el.wchar)

    @property
    def wintype(self) -> str:           # type: ignore[override]
        return f"[{self.count}] {wintype_of(self.elem)}"

    def __repr__(self):
        return f"<{self.wintype}>"


def CharArray(count: int) -> Array:
    """A UCHAR array displayed as an ANSI string (e.g. ImageFileName)."""
    return Array(UCHAR, count, string=True)


class Enum(Spec):
    """A 4-byte enumeration; ``values`` maps numbers to enumerator names."""

    kind = "enum"

    def __init__(self, name: str, values: dict[int, str], base: Scalar = LONG):
        self.name = name
        self.values = dict(values)
        self.base = base
        self.ctype = base.ctype
        self.size = base.size
        self.align = base.align
        self.signed = base.signed

    @property
    def wintype(self) -> str:           # type: ignore[override]
        return self.name


@dataclass(frozen=True)
class BitInfo:
    name: str
    pos: int
    width: int

    @property
    def wintype(self) -> str:
        return f"Pos {self.pos}, {self.width} Bit" + ("s" if self.width != 1 else "")

    def extract(self, value: int) -> int:
        return (value >> self.pos) & ((1 << self.width) - 1)


class Bits(Spec):
    """An integer holding bit fields.

    ``bits`` is a list of ``(name, width)`` assigned from bit 0 upwards, or
    ``(name, pos, width)``.  The member's own name (may be ``None``) is the
    whole integer, e.g. ``("CrossProcessFlags", Bits(ULONG, [...]))``.
    """

    kind = "bits"

    def __init__(self, base: Scalar, bits: Sequence[tuple]):
        self.base = base
        self.ctype = base.ctype
        self.size = base.size
        self.align = base.align
        self.signed = base.signed
        out, pos = [], 0
        for item in bits:
            if len(item) == 3:
                name, pos, width = item
            else:
                name, width = item
            if pos + width > base.size * 8:
                raise LayoutError(f"bit field {name} overflows {base.wintype}")
            out.append(BitInfo(name, pos, width))
            pos += width
        self.bits = tuple(out)

    @property
    def wintype(self) -> str:           # type: ignore[override]
        return self.base.wintype


class Pad(Spec):
    """Hidden filler of ``size`` bytes (gaps in partial declarations)."""

    kind = "pad"
    align = 1
    wintype = "Pad"

    def __init__(self, size: int):
        self.size = size
        self.ctype = ctypes.c_uint8 * size


def spec_of(obj):
    """Normalise a field spec (Spec instance or aggregate class)."""
    if isinstance(obj, Spec):
        return obj
    if isinstance(obj, type) and issubclass(obj, (Struct, Union)):
        return obj
    raise TypeError(f"not a field spec: {obj!r}")


def _is_aggregate(spec) -> bool:
    return isinstance(spec, type) and issubclass(spec, (Struct, Union))


def _ctype_of(spec):
    return spec if _is_aggregate(spec) else spec.ctype


def sizeof_spec(spec) -> int:
    return spec._nt_size_ if _is_aggregate(spec) else spec.size


def alignof_spec(spec) -> int:
    return spec._nt_align_ if _is_aggregate(spec) else spec.align


def wintype_of(spec) -> str:
    return spec._name_ if _is_aggregate(spec) else spec.wintype


# --------------------------------------------------------------------------
# Layout metadata
# --------------------------------------------------------------------------

@dataclass
class FieldInfo:
    """One member of a structure, as laid out.

    ``name`` is the Windows member name (``None`` for anonymous aggregates),
    ``cname`` the ctypes attribute actually used, ``offset`` is relative to
    the owning structure.
    """

    name: str | None
    cname: str
    offset: int
    spec: Any
    hidden: bool = False
    anonymous: bool = False
    bits: tuple = field(default_factory=tuple)

    @property
    def size(self) -> int:
        return sizeof_spec(self.spec)

    @property
    def wintype(self) -> str:
        return wintype_of(self.spec)


_anon_counter = itertools.count()
_pad_counter = itertools.count()


def _normalise_entry(entry) -> tuple[str | None, Any, int | None]:
    if not isinstance(entry, tuple) or len(entry) not in (2, 3):
        raise LayoutError(f"bad field entry {entry!r}")
    name, spec = entry[0], spec_of(entry[1])
    offset = entry[2] if len(entry) == 3 else None
    return name, spec, offset


def _build(mcls_super, mcls, clsname, bases, ns, is_union):
    raw = ns["_fields_"]
    ns.setdefault("_name_", "_" + clsname)
    declared_size = ns.get("_size_")
    partial = ns.get("_partial_", False)

    cfields: list[tuple] = []
    meta: list[FieldInfo] = []
    anonymous: list[str] = []
    offset = 0
    max_align = 1
    max_size = 0

    def add_pad(at: int, size: int):
        cname = f"_pad{next(_pad_counter)}"
        cfields.append((cname, ctypes.c_uint8 * size))
        meta.append(FieldInfo(None, cname, at, Pad(size), hidden=True))

    for entry in raw:
        name, spec, want = _normalise_entry(entry)
        size, align = sizeof_spec(spec), alignof_spec(spec)
        if is_union:
            at = 0
            if want not in (None, 0):
                raise LayoutError(f"{clsname}.{name}: union members are at 0")
        else:
            if want is not None and want > offset:
                add_pad(offset, want - offset)          # documented gap
                offset = want
            at = _round_up(offset, align)
            if at > offset:
                add_pad(offset, at - offset)            # alignment filler
            if want is not None and at != want:
                raise LayoutError(
                    f"{clsname}.{name}: computed offset {at:#x}, documented {want:#x}")
        anon = name is None and _is_aggregate(spec)
        if isinstance(spec, Pad):
            cname, hidden = f"_pad{next(_pad_counter)}", True
        elif name is None:
            prefix = "_anon" if anon else "_bits"
            cname, hidden = f"{prefix}{next(_anon_counter)}", False
        else:
            cname, hidden = name, False
        if anon:
            anonymous.append(cname)
        cfields.append((cname, _ctype_of(spec)))
        meta.append(FieldInfo(name, cname, at, spec, hidden=hidden, anonymous=anon,
                              bits=spec.bits if isinstance(spec, Bits) else ()))
        max_align = max(max_align, align)
        max_size = max(max_size, size)
        if not is_union:
            offset = at + size

    natural = _round_up(max_size if is_union else offset, max_align)
    if declared_size is not None and declared_size != natural:
        if not (partial and declared_size > natural and not is_union):
            raise LayoutError(
                f"{clsname}: computed size {natural:#x}, documented {declared_size:#x}")
    total = declared_size if declared_size is not None else natural
    used = max_size if is_union else offset
    if total > used:
        if is_union:
            cfields.append((f"_pad{next(_pad_counter)}", ctypes.c_uint8 * total))
        else:
            add_pad(offset, total - offset)

    ns = dict(ns)
    ns["_pack_"] = 1
    ns["_fields_"] = cfields
    if anonymous:
        ns["_anonymous_"] = tuple(anonymous)
    cls = mcls_super.__new__(mcls, clsname, bases, ns)
    cls._nt_meta_ = tuple(meta)
    cls._nt_size_ = total
    cls._nt_align_ = max_align
    if not _FIELDS_IN_NEW:
        return cls                  # Python 3.13+: ctypes lays the fields out in the metaclass's __init__
    return _finish(cls)


def _finish(cls):
    """Check ctypes' layout against the computed one and add the accessors."""
    clsname, total, meta = cls.__name__, cls._nt_size_, cls._nt_meta_
    if ctypes.sizeof(cls) != total:
        raise LayoutError(f"{clsname}: ctypes size {ctypes.sizeof(cls):#x} != {total:#x}")
    for fi in meta:
        if getattr(cls, fi.cname).offset != fi.offset:
            raise LayoutError(f"{clsname}.{fi.cname}: ctypes disagrees on offset")
    _add_accessors(cls)
    return cls


def _bit_property(storage: str, bit: BitInfo, ctype, path: tuple[str, ...] = ()):
    full = (1 << (ctypes.sizeof(ctype) * 8)) - 1
    width_mask = (1 << bit.width) - 1
    mask = width_mask << bit.pos

    def owner(self):
        obj = self
        for step in path:
            obj = getattr(obj, step)
        return obj

    def fget(self):
        return ((getattr(owner(self), storage) & full) >> bit.pos) & width_mask

    def fset(self, value):
        obj = owner(self)
        raw = getattr(obj, storage) & full
        raw = (raw & ~mask) | ((int(value) << bit.pos) & mask)
        setattr(obj, storage, ctype(raw).value)     # wraps for signed storage

    return property(fget, fset, doc=f"{bit.name}: {bit.wintype}")


def _accessible_bits(cls, path=()):
    """(name, storage cname, BitInfo, storage ctype, path) for every bit
    reachable by attribute access on ``cls``."""
    for fi in cls._nt_meta_:
        for b in fi.bits:
            yield b.name, fi.cname, b, fi.spec.ctype, path
        if fi.anonymous:
            yield from _accessible_bits(fi.spec, path + (fi.cname,))


def _add_accessors(cls):
    for name, storage, bit, ctype, path in _accessible_bits(cls):
        if hasattr(cls, name):
            continue                      # never shadow a real member
        setattr(cls, name, _bit_property(storage, bit, ctype, path))


# --------------------------------------------------------------------------
# Base classes
# --------------------------------------------------------------------------

class _Common:
    """Helpers shared by Struct and Union (names chosen not to clash with
    Windows member names)."""

    _nt_meta_: tuple = ()
    _nt_size_ = 0
    _nt_align_ = 1
    _name_ = "?"

    @classmethod
    def sizeof(cls) -> int:
        return cls._nt_size_

    @classmethod
    def _is_union_(cls) -> bool:
        return isinstance(cls, _UnionMeta)

    @classmethod
    def fields(cls, *, flatten: bool = True, hidden: bool = False) -> list[FieldInfo]:
        """Members in declaration order.  Anonymous aggregates are flattened
        (offsets made relative to ``cls``) unless ``flatten`` is false."""
        out: list[FieldInfo] = []
        for fi in cls._nt_meta_:
            if fi.hidden and not hidden:
                continue
            if fi.anonymous and flatten:
                for sub in fi.spec.fields(flatten=True, hidden=hidden):
                    out.append(FieldInfo(sub.name, sub.cname, fi.offset + sub.offset,
                                         sub.spec, sub.hidden, sub.anonymous, sub.bits))
            else:
                out.append(fi)
        return out

    @classmethod
    def field_info(cls, path: str) -> tuple[int, Any, BitInfo | None]:
        """Resolve ``"A.B.C"`` to (offset from cls, spec, bit or None)."""
        parts = path.split(".")
        owner, base = cls, 0
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            hit = None
            for fi in owner.fields():
                if fi.name == part:
                    hit = (fi.offset, fi.spec, None)
                    break
                for b in fi.bits:
                    if b.name == part:
                        hit = (fi.offset, fi.spec, b)
                        break
                if hit:
                    break
            if hit is None:
                raise KeyError(f"{owner._name_} has no member {part!r}")
            off, spec, bit = hit
            base += off
            if last:
                return base, spec, bit
            if bit is not None or not _is_aggregate(spec):
                raise KeyError(f"{path!r}: {part} is not a structure")
            owner = spec
        raise KeyError(path)

    @classmethod
    def offsetof(cls, path: str) -> int:
        return cls.field_info(path)[0]

    @classmethod
    def from_bytes(cls, data: bytes, offset: int = 0):
        return cls.from_buffer_copy(bytes(data), offset)

    def to_bytes(self) -> bytes:
        return bytes(self)


_StructMetaBase = type(ctypes.LittleEndianStructure)
_UnionBase = getattr(ctypes, "LittleEndianUnion", ctypes.Union)
_UnionMetaBase = type(_UnionBase)


# Python 3.13 moved ctypes' processing of _fields_ from the metaclass's __new__ to its __init__
_FIELDS_IN_NEW = sys.version_info < (3, 13)


def _init_layout(cls, mcls_super, clsname, bases, ns, kw):
    if "_fields_" in ns and "_nt_meta_" in cls.__dict__ and not _FIELDS_IN_NEW:
        ns = dict(ns, _fields_=cls.__dict__["_fields_"])
        mcls_super.__init__(clsname, bases, ns, **kw)
        _finish(cls)
    else:
        mcls_super.__init__(clsname, bases, ns, **kw)


class _StructMeta(_StructMetaBase):
    def __new__(mcls, clsname, bases, ns, **kw):
        if "_fields_" not in ns:
            return super().__new__(mcls, clsname, bases, ns, **kw)
        return _build(super(), mcls, clsname, bases, ns, is_union=False)

    def __init__(cls, clsname, bases, ns, **kw):
        _init_layout(cls, super(), clsname, bases, ns, kw)


class _UnionMeta(_UnionMetaBase):
    def __new__(mcls, clsname, bases, ns, **kw):
        if "_fields_" not in ns:
            return super().__new__(mcls, clsname, bases, ns, **kw)
        return _build(super(), mcls, clsname, bases, ns, is_union=True)

    def __init__(cls, clsname, bases, ns, **kw):
        _init_layout(cls, super(), clsname, bases, ns, kw)


class Struct(_Common, ctypes.LittleEndianStructure, metaclass=_StructMeta):
    """Base class of guest structures (see module docstring)."""


class Union(_Common, _UnionBase, metaclass=_UnionMeta):
    """Base class of guest unions (see module docstring)."""


def _entries(members: Iterable) -> list:
    return [m if isinstance(m, tuple) else (None, m) for m in members]


def S(*members, name: str = "<unnamed-tag>"):
    """An inline unnamed structure type (members as in ``_fields_``)."""
    return _StructMeta(f"_S{next(_anon_counter)}", (Struct,),
                       {"_fields_": _entries(members), "_name_": name})


def U(*members, name: str = "<unnamed-tag>"):
    """An inline unnamed union type (members as in ``_fields_``)."""
    return _UnionMeta(f"_U{next(_anon_counter)}", (Union,),
                      {"_fields_": _entries(members), "_name_": name})
