"""The scanf family's engine, as msvcrt.dll (Windows 7) does it.  Pure: input comes from a source
with getc/ungetc, results go to a target that stores through guest pointers.

Directives: whitespace (skips any input whitespace), ordinary characters (must match), and
%[*][width][size]type with size h, hh, l, ll, L, I64, I32, I, w and type d i u o x X p n c s [...]
e E f g G (also a A? no: msvcrt 7 has no %a in scanf) and %%.  msvcrt's rules kept here:

* integers wrap around on overflow (no saturation, no ERANGE); %x accepts a 0x prefix, %i takes
  the base from 0x / 0 prefixes; a sign counts against the width;
* floating point: sign, digits, '.', digits, exponent e/E with sign; no inf/nan/hex;
* %c reads `width` characters (default 1) without skipping whitespace; %[ ranges (a-z), a leading ^
  negates, a leading ] is literal; %s and %[ store a NUL;
* %n stores the characters read so far and is not counted;
* the result is the number of assignments, or EOF (-1) when the input ended before any directive
  matched (so sscanf("", "%d") is -1, sscanf("x", "%d") is 0, sscanf("5", "%*d%d") is 0).
"""
from __future__ import annotations

import struct

_WS = (0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D)


class StringSource:
    """Input from a byte string (sscanf) or a list of UTF-16 units (swscanf)."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def getc(self) -> int:
        if self.pos < len(self.data):
            c = self.data[self.pos]
            self.pos += 1
            return c if c else -1            # the string ends at its NUL
        self.pos += 1
        return -1

    def ungetc(self, c: int) -> None:
        self.pos -= 1


class GuestTargets:
    """Where conversions are stored: the pointers of a cdecl call's variable arguments."""

    def __init__(self, ctx, args_at: int):
        self.ctx = ctx
        self.at = args_at

    def next_pointer(self) -> int:
        p = self.ctx.read_u32(self.at)
        self.at += 4
        return p

    def store(self, ptr: int, data: bytes) -> None:
        self.ctx.write(ptr, data)


class _Input:
    def __init__(self, source):
        self.source = source
        self.count = 0
        self.eof = False

    def get(self) -> int:
        c = self.source.getc()
        if c < 0:
            self.eof = True
            return -1
        self.count += 1
        return c

    def unget(self, c: int) -> None:
        if c >= 0:
            self.source.ungetc(c)
            self.count -= 1


def _is_space(c: int) -> bool:
    return c in _WS


def _scanset(fmt, i: int) -> tuple[set[int], bool, int]:
    """Parse %[...] starting after '['; returns (set, negated, index after ']')."""
    negate = False
    if i < len(fmt) and fmt[i] == ord("^"):
        negate = True
        i += 1
    members: set[int] = set()
    first = True
    prev = None
    while i < len(fmt):
        c = fmt[i]
        if c == ord("]") and not first:
            return members, negate, i + 1
        first = False
        if c == ord("-") and prev is not None and i + 1 < len(fmt) and fmt[i + 1] != ord("]"):
            hi = fmt[i + 1]
            lo, hi = (prev, hi) if prev <= hi else (hi, prev)
            members.update(range(lo, hi + 1))
            prev = None
            i += 2
            continue
        members.add(c)
        prev = c
        i += 1
    return members, negate, i


def scan(fmt, source, targets, *, wide: bool = False, codepage: str = "cp1252") -> int:
    """Run the format against the source; returns scanf's result (count or -1)."""
    inp = _Input(source)
    assigned = 0
    matched = False
    i = 0
    n = len(fmt)

    def fail() -> int:
        if inp.eof and not assigned and not matched:
            return -1
        return assigned

    while i < n:
        f = fmt[i]
        if f == 0:
            break
        if _is_space(f):
            while i < n and _is_space(fmt[i]):
                i += 1
            c = inp.get()
            while c >= 0 and _is_space(c):
                c = inp.get()
            inp.unget(c)
            continue
        if f != ord("%"):
            c = inp.get()
            if c != f:
                inp.unget(c)
                return fail()
            i += 1
            continue
        i += 1
        if i < n and fmt[i] == ord("%"):
            c = inp.get()
            while c >= 0 and _is_space(c):
                c = inp.get()
            if c != ord("%"):
                inp.unget(c)
                return fail()
            i += 1
            continue
        suppress = False
        if i < n and fmt[i] == ord("*"):
            suppress = True
            i += 1
        width = 0
        while i < n and ord("0") <= fmt[i] <= ord("9"):
            width = width * 10 + fmt[i] - ord("0")
            i += 1
        size = 4
        is_long = False               # l: double / wide char
        wide_arg = wide
        while i < n:
            ch = chr(fmt[i])
            if ch == "h":
                size = 2 if size == 4 else 1
                wide_arg = False
                i += 1
            elif ch == "l":
                if is_long:
                    size = 8
                is_long = True
                wide_arg = True
                i += 1
            elif ch == "L":
                is_long = True
                i += 1
            elif ch == "w":
                wide_arg = True
                i += 1
            elif ch == "I" and fmt[i + 1:i + 3] in (b"64", [0x36, 0x34]):
                size = 8
                i += 3
            elif ch == "I" and fmt[i + 1:i + 3] in (b"32", [0x33, 0x32]):
                size = 4
                i += 3
            elif ch == "I":
                i += 1
            else:
                break
        if i >= n:
            return fail()
        conv = chr(fmt[i])
        i += 1
        if conv == "n":
            if not suppress:
                targets.store(targets.next_pointer(), struct.pack("<i" if size != 2 else "<h", inp.count)[:size if size in (2, 4) else 4])
            continue
        if conv in "SC":
            wide_arg = not wide
            conv = conv.lower()
        if conv not in "cs[":
            c = inp.get()
            while c >= 0 and _is_space(c):
                c = inp.get()
            inp.unget(c)
        if conv == "c":
            count = width or 1
            chars = []
            for _ in range(count):
                c = inp.get()
                if c < 0:
                    break
                chars.append(c)
            if not chars:
                return fail()
            matched = True
            if not suppress:
                targets.store(targets.next_pointer(), _chars(chars, wide, wide_arg, codepage, terminate=False))
                assigned += 1
            continue
        if conv in "s[":
            if conv == "[":
                members, negate, i = _scanset(fmt, i)

                def accept(c, members=members, negate=negate):
                    return (c in members) != negate
            else:
                def accept(c):
                    return not _is_space(c)
                c = inp.get()
                while c >= 0 and _is_space(c):
                    c = inp.get()
                inp.unget(c)
            chars = []
            while not width or len(chars) < width:
                c = inp.get()
                if c < 0:
                    break
                if not accept(c):
                    inp.unget(c)
                    break
                chars.append(c)
            if not chars:
                return fail()
            matched = True
            if not suppress:
                targets.store(targets.next_pointer(), _chars(chars, wide, wide_arg, codepage, terminate=True))
                assigned += 1
            continue
        if conv in "diouxXp":
            value = _scan_int(inp, conv, width)
            if value is None:
                return fail()
            matched = True
            if not suppress:
                if conv == "p":
                    size = 4
                mask = (1 << (8 * size)) - 1
                targets.store(targets.next_pointer(), (value & mask).to_bytes(size, "little"))
                assigned += 1
            continue
        if conv in "eEfgGaA" and conv not in "aA":
            value = _scan_float(inp, width)
            if value is None:
                return fail()
            matched = True
            if not suppress:
                targets.store(targets.next_pointer(), struct.pack("<d" if is_long else "<f", value)
                              if is_long or abs(value) <= 3.4028234663852886e38 or value != value
                              else struct.pack("<f", float("inf") if value > 0 else float("-inf")))
                assigned += 1
            continue
        return fail()                  # an unknown conversion ends the scan
    return assigned


def _chars(chars: list[int], wide_input: bool, wide_out: bool, codepage: str, terminate: bool) -> bytes:
    if wide_input:
        if wide_out:
            data = struct.pack(f"<{len(chars)}H", *chars)
            return data + (b"\0\0" if terminate else b"")
        text = struct.pack(f"<{len(chars)}H", *chars).decode("utf-16-le", "surrogatepass")
        data = text.encode(codepage, "replace")
        return data + (b"\0" if terminate else b"")
    if wide_out:
        text = bytes(chars).decode(codepage, "replace")
        data = text.encode("utf-16-le", "surrogatepass")
        return data + (b"\0\0" if terminate else b"")
    return bytes(chars) + (b"\0" if terminate else b"")


def _scan_int(inp: _Input, conv: str, width: int) -> int | None:
    limit = width or 1 << 30
    used = 0
    c = inp.get()
    neg = False
    if c in (ord("+"), ord("-")) and used < limit:
        neg = c == ord("-")
        used += 1
        c = inp.get() if used < limit else -1
    base = {"d": 10, "u": 10, "o": 8, "x": 16, "X": 16, "p": 16, "i": 0}[conv]
    digits = 0
    if base in (0, 16) and c == ord("0") and used < limit:
        used += 1
        digits = 1
        nxt = inp.get() if used < limit else -1
        if nxt in (ord("x"), ord("X")) and used < limit:
            used += 1
            base = 16
            digits = 0
            c = inp.get() if used < limit else -1
        else:
            if base == 0:
                base = 8
            c = nxt
    if base == 0:
        base = 10
    value = 0
    while c >= 0 and used < limit:
        ch = chr(c).lower()
        d = int(ch, 16) if ch in "0123456789abcdef" else 99
        if d >= base:
            break
        value = value * base + d
        digits += 1
        used += 1
        c = inp.get() if used < limit else -1
    if c >= 0 and (used < limit or width):
        inp.unget(c)
    if not digits:
        return None
    return -value if neg else value


def _scan_float(inp: _Input, width: int) -> float | None:
    limit = width or 1 << 30
    text = ""
    c = inp.get()

    def take(ch):
        nonlocal text, c
        text += chr(ch)
        c = inp.get() if len(text) < limit else -1

    if c in (ord("+"), ord("-")):
        take(c)
    mantissa = 0
    while c >= 0 and chr(c).isdigit() and c < 128:
        take(c)
        mantissa += 1
    if c == ord("."):
        take(c)
        while c >= 0 and chr(c).isdigit() and c < 128:
            take(c)
            mantissa += 1
    if mantissa and c in (ord("e"), ord("E")):
        take(c)
        if c in (ord("+"), ord("-")):
            take(c)
        while c >= 0 and chr(c).isdigit() and c < 128:
            take(c)
    if c >= 0:
        inp.unget(c)
    if not mantissa:
        return None
    t = text.rstrip("eE+-") if text[-1:] in ("e", "E", "+", "-") and "e" in text.lower() else text
    try:
        return float(t)
    except ValueError:
        return 0.0
