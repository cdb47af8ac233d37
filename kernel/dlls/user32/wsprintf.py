"""user32's wsprintf formatter (wsprintfA/W, wvsprintfA/W): pure, unit-tested.

Not the C runtime's printf: Windows documents the format as

    %[-][#][0][width][.precision]type

with the flags in that order only, no `*` width, no floating point, and these types: c C d i u x X p
s S, each optionally after h (short / narrow), l (long / wide), w (wide), I64 / I32 / I (integer
sizes).  Rules (Microsoft's documentation; Windows' behaviour as Wine's tests record it):

* an unknown type is not a conversion: the character after the options is printed as text and no
  argument is consumed (`%f` prints "f": no floating point; `%5y` prints "y"; a lone `%` at the end
  prints nothing);
* a number's precision is its minimum number of digits (0 or none: 1), a sign counts as a digit
  ("%010ld" of -1 is "-000000001"); `0` pads numbers with zeros to the width; `-` left-justifies and
  cancels `0`; `#` prefixes hexadecimal with 0x / 0X, outside the width; `%p` is `%08X` of a pointer;
* `h` makes d/i/u/x a short (16 bits), I64 reads a 64-bit argument, I32 and I a 32-bit one;
* a string's precision is its maximum length; a NULL string prints "(null)"; a wide string in
  wsprintfA (and a narrow one in wsprintfW) is converted through the ANSI code page;
* a character argument whose value is zero is ignored (prints nothing);
* at most 1024 characters are written, then the terminating NUL (measured on Windows: the buffer
  Windows writes is 1025 characters; MSDN says "1,024 bytes"); the result counts the characters
  written, without the NUL.
"""
from __future__ import annotations

MAX_OUTPUT = 1024

LEFT, PREFIX, ZERO, LONG, SHORT, WIDE, INTPTR, I64 = 0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80

CHAR, WCHAR, STRING, WSTRING, SIGNED, UNSIGNED, HEX = "char", "wchar", "str", "wstr", "signed", "unsigned", "hex"


class Memory:
    """What the formatter needs from the caller (guest memory and the ANSI code page)."""

    def narrow(self, address: int, limit: int) -> bytes:          # a NUL-terminated byte string, at most limit
        raise NotImplementedError

    def wide(self, address: int, limit: int) -> list[int]:        # UTF-16 units, at most limit
        raise NotImplementedError

    def to_ansi(self, units: list[int]) -> bytes:
        raise NotImplementedError

    def to_wide(self, data: bytes) -> list[int]:
        raise NotImplementedError


def _parse(fmt: list[int], i: int, wide_output: bool):
    """Parse the specification after a '%' at fmt[i:].  Returns (flags, width, precision, kind, next
    index); kind None: not a conversion, printing resumes at `next index` (the unknown character)."""
    n = len(fmt)

    def at(k):
        return fmt[k] if k < n else 0
    flags = width = precision = 0
    if at(i) == ord("-"):
        flags |= LEFT
        i += 1
    if at(i) == ord("#"):
        flags |= PREFIX
        i += 1
    if at(i) == ord("0"):
        flags |= ZERO
        i += 1
    while ord("0") <= at(i) <= ord("9"):
        width = width * 10 + at(i) - ord("0")
        i += 1
    if at(i) == ord("."):
        i += 1
        while ord("0") <= at(i) <= ord("9"):
            precision = precision * 10 + at(i) - ord("0")
            i += 1
    c = at(i)
    if c == ord("l"):
        flags |= LONG
        i += 1
    elif c == ord("h"):
        flags |= SHORT
        i += 1
    elif c == ord("w"):
        flags |= WIDE
        i += 1
    elif c == ord("I"):
        if at(i + 1) == ord("6") and at(i + 2) == ord("4"):
            flags |= I64
            i += 3
        elif at(i + 1) == ord("3") and at(i + 2) == ord("2"):
            i += 3
        else:
            flags |= INTPTR
            i += 1
    t = chr(at(i)) if at(i) else ""
    if t == "c":
        if wide_output:
            kind = CHAR if flags & SHORT else WCHAR
        else:
            kind = WCHAR if flags & LONG else CHAR
    elif t == "C":
        if wide_output:
            kind = WCHAR if flags & LONG else CHAR
        else:
            kind = CHAR if flags & SHORT else WCHAR
    elif t in ("d", "i"):
        kind = SIGNED
    elif t == "u":
        kind = UNSIGNED
    elif t == "s":
        if wide_output:
            kind = STRING if flags & SHORT and not flags & WIDE else WSTRING
        else:
            kind = WSTRING if flags & (LONG | WIDE) else STRING
    elif t == "S":
        if wide_output:
            kind = WSTRING if flags & (LONG | WIDE) else STRING
        else:
            kind = STRING if flags & (SHORT | WIDE) else WSTRING
    elif t in ("x", "X", "p"):
        kind = HEX
        if t == "p":
            width = 8
            flags |= ZERO | INTPTR
        if t != "x":
            flags |= 0x100                     # upper-case digits
    else:
        return flags, width, precision, None, i
    return flags, width, precision, kind, i + 1


def format_units(fmt: list[int], args, memory: Memory, wide_output: bool) -> list[int]:
    """Format `fmt` (bytes for wsprintfA, UTF-16 units for wsprintfW) with `args` (an object with
    int32() and int64(), reading the variadic arguments in order).  Returns the output units, at most
    MAX_OUTPUT (without the NUL)."""
    out: list[int] = []
    i, n = 0, len(fmt)
    while i < n and len(out) < MAX_OUTPUT:
        c = fmt[i]
        if c != ord("%"):
            out.append(c)
            i += 1
            continue
        i += 1
        if i < n and fmt[i] == ord("%"):
            out.append(c)
            i += 1
            continue
        flags, width, precision, kind, i = _parse(fmt, i, wide_output)
        if kind is None:
            continue                            # the unknown character prints as text
        if flags & LEFT:
            flags &= ~ZERO
        body, pad_to = _convert(kind, flags, width, precision, args, memory, wide_output)
        if body is None:
            continue                            # a zero character: ignored
        pad = [ord(" ")] * max(0, width - pad_to)
        out += body + pad if flags & LEFT else pad + body
    return out[:MAX_OUTPUT]


def _convert(kind, flags, width, precision, args, memory: Memory, wide_output: bool):
    """(output units, the length the width is measured against) of one conversion."""
    if kind in (CHAR, WCHAR):
        value = args.int32() & (0xFF if kind == CHAR else 0xFFFF)
        if not value:
            return None, 0
        if kind == CHAR:
            units = memory.to_wide(bytes([value])) if wide_output else [value]
        else:
            units = [value] if wide_output else list(memory.to_ansi([value]))
        return units, len(units)
    if kind in (STRING, WSTRING):
        pointer = args.int32()
        limit = precision if precision else MAX_OUTPUT + 1
        if kind == STRING:
            data = memory.narrow(pointer, limit) if pointer else b"(null)"[:limit]
            units = memory.to_wide(data) if wide_output else list(data)
        else:
            text = memory.wide(pointer, limit) if pointer else [ord(ch) for ch in "(null)"][:limit]
            units = text if wide_output else list(memory.to_ansi(text))[:limit]
        return units, len(units)
    # numbers
    value = args.int64() if flags & I64 else args.int32()
    bits = 64 if flags & I64 else 16 if flags & SHORT else 32
    value &= (1 << bits) - 1
    negative = False
    if kind == SIGNED and value >> (bits - 1):
        value = (1 << bits) - value
        negative = True
    if kind == HEX:
        digits = f"{value:X}" if flags & 0x100 else f"{value:x}"
    else:
        digits = str(value)
    number = ("-" if negative else "") + digits
    size = len(number)
    precision = max(precision, size)
    if flags & ZERO and width > precision:
        precision = width
    prefix = ""
    if kind == HEX and flags & PREFIX:
        prefix = "0X" if flags & 0x100 else "0x"
    sign = "-" if negative else ""
    text = prefix + sign + "0" * (precision - size) + digits
    return [ord(ch) for ch in text], precision
