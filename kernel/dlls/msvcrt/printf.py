"""printf-family formatting as the Windows system ``msvcrt.dll`` does it.

This module reproduces the output of the *system* msvcrt.dll of Windows
Vista / 7 (the CRT that MinGW programs link), which is a descendant of the
Visual C++ 6/8 runtime.  It is **not** C99 and not glibc.  Everything below
was researched from Microsoft's printf documentation (VS6 ... VS2013 pages),
from the conformance tests Wine runs against real Windows msvcrt.dll
(``dlls/msvcrt/tests/printf.c``; expectations marked "broken" there are the
pre-Vista behaviour), from the published structure of the old Microsoft CRT
float conversion (cvt.c / cfout.c: ``_fltout2`` -> ``$I10_OUTPUT`` with 17
digits -> ``_fptostr`` string rounding) and from a published bit-exact study
of the VC80 conversion.  No code was copied.

Public API
==========

``format_printf(fmt: bytes, args, *, codepage="cp1252", ...) -> bytes``
    printf / sprintf / fprintf family (narrow output).
``format_wprintf(fmt: str, args, *, codepage="cp1252", ...) -> str``
    wprintf / swprintf family (UTF-16 output; returned as ``str`` decoded with
    ``surrogatepass`` so lone surrogates survive).
``ArgSource``
    Protocol the formatter pulls varargs from (see the class).
``StackArgs(read_mem, sp, write_mem=None)`` / ``VaListArgs(read_mem, va_list, ...)``
    Concrete sources reading x86 cdecl varargs from guest memory.
``PrintfError`` -> ``FormatError`` (invalid parameter, errno EINVAL),
``ConversionError`` (wide/multibyte conversion failure, errno EILSEQ) and
``GuestPointerError`` (a string pointer that cannot be read; the real DLL
would raise an access violation).  Every ``PrintfError`` carries
``.partial``: the output msvcrt had already produced when it stopped (for a
stream it has already been written; for sprintf it is in the buffer).  The
printf function must then return -1.

Keyword options (all default to the Windows 7 msvcrt.dll behaviour):

``codepage``
    Code page of the CRT's current ``LC_CTYPE`` locale, used for every
    wide <-> multibyte conversion (``%S``/``%ls``/``%C`` in printf, ``%hs``/
    ``%S``/``%C`` in wprintf).  A Python codec name (``"cp1252"``,
    ``"cp932"``...), or ``"C"`` for the CRT's "C" locale -- which is what a
    program has until it calls ``setlocale``: there msvcrt maps U+0000..U+00FF
    straight to the byte with the same value and fails for anything above.
``allow_n``
    ``%n`` is disabled by default in msvcrt.dll since Vista (it is an invalid
    parameter, the call returns -1 and nothing is stored).  Pass ``True`` to
    emulate ``_set_printf_count_output(1)``; the count is then stored through
    ``ArgSource.store_int`` (2 bytes with ``h``, else 4).
``two_digit_exponent``
    Emulates ``_set_output_format(_TWO_DIGIT_EXPONENT)``.
``c99_size_prefixes``
    ``z``/``t``/``j`` size prefixes as understood by the Windows 10
    msvcrt.dll.  Windows 7's msvcrt.dll does not know them: ``%zu`` prints
    ``zu``.

Behaviour implemented (differences from C99 / glibc)
====================================================

Parsing -- msvcrt drives a strict state machine ``% flags width .precision
size type``; a character that is not allowed in the current state ends the
specification and is *printed as ordinary text*; the arguments already
consumed by ``*`` stay consumed:

* unknown conversion characters print themselves: ``%y`` -> ``y``, ``%5y`` ->
  ``y``, ``%b`` -> ``b``, ``%H`` -> ``H``; likewise ``%w0s`` -> ``0s``,
  ``%5-d`` -> ``-d``, ``%5%`` -> ``%``, ``%_1d`` -> ``_1d``;
* a specification cut by the end of the string prints nothing (``%``,
  ``%5``, ``%h``, ``%w``, ``%3h`` -> ``""``);
* digits after ``*`` keep accumulating: ``%*1d`` with 1 gives width 11;
* size prefixes: ``h`` (short; ``hh`` is just short again), ``l`` (long;
  ``ll`` = 64 bit, supported since Vista), ``L`` (no effect: long double is
  double), ``w`` (wide char/string), ``I64`` (64 bit), ``I32`` (32 bit),
  ``I`` (pointer-sized = 32 bit, only directly before ``d i o u x X``;
  otherwise the ``I`` is printed: ``%I`` -> ``I``, ``%I0d`` -> ``I0d``,
  ``%Iq`` -> ``Iq``), ``F`` and ``N`` (16-bit far/near, accepted and
  ignored: ``%F`` -> ``""``, ``%Fp`` == ``%p``).  A conversion character
  after ``I64`` that is not a type prints itself: ``%I64D`` -> ``D``;
* ``%F`` is therefore NOT a float conversion in msvcrt.dll;
* ``%z %t %j`` are unknown (printed) unless ``c99_size_prefixes``;
* ``%n`` is an invalid parameter (``FormatError``) unless ``allow_n``;
* positional ``%1$d`` is not supported by printf (``$`` is printed).

Integers: ``%x`` etc. of a 32-bit negative print its 32-bit two's complement;
``%hd``/``%hu`` truncate to 16 bits; precision disables the ``0`` flag; the
``0x``/``0X`` prefix (``#``) is omitted for a zero value (``%#x`` of 0 ->
``0``, ``%#.0x`` of 0 -> ``""``); ``#o`` forces a leading zero; precision is
capped at 512.

Pointers: ``%p`` prints exactly 8 uppercase hex digits (it is ``%.8X``), no
``0x``; ``%#p`` prints ``0X`` + 8 digits; the ``0`` flag never zero-pads a
pointer (its precision is set); ``+``/`` `` are ignored.

Characters and strings:

* the ``0`` flag pads ``%s`` and ``%c`` with zeros: ``%05s`` of ``ab`` ->
  ``000ab`` (glibc pads with spaces);
* ``%s`` of NULL prints ``(null)`` -- and precision applies to it:
  ``%.3s`` of NULL -> ``(nu`` (glibc prints nothing);
* printf: ``%s`` narrow, ``%S``/``%ls``/``%ws``/``%lS`` wide, ``%hs``/``%hS``
  narrow; wprintf: ``%s``/``%ls``/``%ws``/``%lS`` wide, ``%S``/``%hs``/``%hS``
  narrow.  ``%c``/``%C``/``%hc``/``%lc``/``%wc`` follow the same rules;
* ``%c`` (narrow) prints the low 8 bits of the int (``0x141`` -> ``A``);
  wide characters are the low 16 bits;
* ``%Z`` prints an ANSI_STRING / UNICODE_STRING (``%wZ``): Length bytes from
  Buffer, precision ignored, ``(null)`` for a NULL struct or Buffer;
* wide -> narrow (printf ``%S``): precision and width count UTF-16 units, not
  bytes; each unit goes through ``wctomb`` of the current code page.  A unit
  that cannot be converted stops the whole call: ``ConversionError`` (the
  call returns -1, errno EILSEQ; what was output before stays).  The "C"
  locale converts U+0000..U+00FF only.  Windows' best-fit mappings (e.g.
  U+0100 -> ``A`` in cp1252) are not reproduced: such a unit fails here;
* a ``%C``/``%lc`` character that cannot be converted prints nothing at all
  (not even padding) and the call goes on;
* narrow -> wide (wprintf ``%S``/``%hs``): precision counts multibyte
  characters (a DBCS lead byte and its trail byte are one); an undecodable
  character stops the call (``ConversionError``).

Floating point (``e E f g G a A``), all from the old CRT algorithm:

* the double is first converted to **17 significant digits** (18 digits
  generated, rounded half-up on the 18th, trailing zeros dropped); anything
  asked beyond that is zeros: ``%.20f`` of 0.1 -> ``0.10000000000000001000``,
  ``%.30f`` of 1/3 -> ``0.333333333333333310000000000000``, ``%f`` of 1e300
  (exactly 1.0000000000000000525...e300) prints ``10000000000000001``
  followed by 284 zeros and ``.000000``;
* the 17-digit string is then rounded *again* to the requested digits,
  half-up on the next digit (double rounding): ``%.0f`` of 0.5 -> ``1``, of
  2.5 -> ``3``, of -0.5 -> ``-1``; ``%.2f`` of 0.125 -> ``0.13``;
  ``%.3f`` of 2199023255552.00048828125 -> ``2199023255552.001``;
* the exponent has at least 3 digits: ``1.000000e+000``;
* ``%g`` uses ``e`` style when exp < -4 or exp >= precision, and removes
  trailing zeros unless ``#``; ``%#g`` of 0 gives ``0.000000`` (one more
  zero than C99); ``%.0g`` is ``%.1g``;
* ``#`` with precision 0 forces the point (``%#.0e`` of 1 -> ``1.e+000``);
* ``-0.0`` keeps its sign (``-0.000000``);
* infinities and NaNs use msvcrt's digit strings ``1#INF``, ``1#QNAN``,
  ``1#SNAN`` and ``1#IND`` (the x86 "indefinite": sign set, quiet bit only),
  laid out as if they were digits -- including the rounding of the string:
  ``%f`` -> ``1.#INF00``, ``-1.#IND00``, ``1.#QNAN0``, ``1.#SNAN0``;
  ``%e`` -> ``1.#INF00e+000``; ``%g`` -> ``1.#INF`` / ``-1.#IND`` /
  ``1.#QNAN``; ``%.0f`` -> ``1``; ``%.1f`` -> ``1.$`` (``#`` rounded up);
  ``%.2f`` -> ``1.#J`` (INF and IND) or ``1.#R`` (QNAN); ``%.3f`` ->
  ``1.#IO``; zero padding goes between sign and digits
  (``%010.2f`` of IND -> ``-000001.#J``);
* ``%a``: ``0x1.xxxxxxp+e``, default precision 6 (not "exact"),
  hex digits rounded half-up, exponent in decimal without padding, ``0X``/
  ``P`` and uppercase digits for ``%A``; a denormal prints ``0x0.xxxp-1022``;
  ``0x`` is part of the prefix so zero padding goes after it.
* long double is double (``%Lf`` reads 8 bytes).

Not confirmed (implemented as the most likely behaviour, see also above):

* ``$I10_OUTPUT`` derives the 18 digits from an 80/96-bit approximate
  product; values whose exact 18th digit sits next to a 4/5 boundary may
  round differently in the real DLL (not reproduced; exact arithmetic here);
* ``%a`` on Windows 7 (documented for VC8+, from which Vista's msvcrt.dll
  derives; observed with default precision 6 in MinGW programs) and its
  spelling of infinities/NaNs (``0x1.#INF00p+0`` here), ``%#.0a``
  (``0x1.p+0`` here) and zero padding (after ``0x`` here);
* the 512 cap on float precision (documented buffer limit of the VC8 source);
* ``%Z`` with ``l``: treated as narrow (only ``w`` selects UNICODE_STRING);
* DBCS lead bytes in the *format string* are not special-cased (a trail byte
  can never be ``%`` in the supported DBCS code pages, so output is the
  same); a format string is cut at its first NUL, as C would.
"""

from __future__ import annotations

import codecs
import functools
import struct
from typing import Callable, Protocol, runtime_checkable

__all__ = [
    "ArgSource",
    "StackArgs",
    "VaListArgs",
    "PrintfError",
    "FormatError",
    "ConversionError",
    "GuestPointerError",
    "format_printf",
    "format_wprintf",
]

EINVAL = 22
EILSEQ = 42


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------

class PrintfError(Exception):
    """The printf call fails and returns -1.

    ``partial`` holds what msvcrt had already output (``bytes`` for the
    narrow family, ``str`` for the wide family); ``errno`` is the value the
    CRT leaves in errno (or ``None`` when the real DLL would have crashed).
    """

    errno: int | None = None

    def __init__(self, message: str, partial: bytes | str = b""):
        super().__init__(message)
        self.partial = partial


class FormatError(PrintfError):
    """What msvcrt treats as an invalid parameter (``%n`` while disabled).

    The real DLL calls the invalid parameter handler, sets errno to EINVAL
    and returns -1.
    """

    errno = EINVAL


class ConversionError(PrintfError):
    """A wide or multibyte character could not be converted (errno EILSEQ)."""

    errno = EILSEQ


class GuestPointerError(PrintfError):
    """A string / struct pointer could not be read.

    The real msvcrt.dll would take an access violation at ``address``.
    """

    def __init__(self, message: str, address: int, partial: bytes | str = b""):
        super().__init__(message, partial)
        self.address = address


# --------------------------------------------------------------------------
# argument sources
# --------------------------------------------------------------------------

@runtime_checkable
class ArgSource(Protocol):
    """Where the formatter takes its variable arguments from, in order.

    Optional extras the formatter uses when present: ``read_bytes(ptr,
    size) -> bytes | None`` (needed by ``%Z``) and ``double_bits() -> int``
    (raw 64 bits of the next double, so NaN payloads survive untouched).
    """

    def int32(self) -> int:
        """Next 4-byte vararg as its unsigned raw value (0 .. 2**32-1)."""
        ...

    def int64(self) -> int:
        """Next 8-byte vararg as its unsigned raw value."""
        ...

    def double(self) -> float:
        """Next 8-byte vararg as an IEEE double."""
        ...

    def cstr(self, ptr: int) -> bytes | None:
        """NUL-terminated byte string at guest ``ptr`` (None if unreadable)."""
        ...

    def wstr(self, ptr: int) -> str | None:
        """NUL-terminated UTF-16LE string at guest ``ptr`` (None if unreadable)."""
        ...

    def store_int(self, ptr: int, value: int, size: int) -> None:
        """Store ``value`` (``size`` bytes, little endian) at guest ``ptr``."""
        ...


_PAGE = 0x1000


class StackArgs:
    """Varargs of an x86 cdecl call, read from guest memory.

    ``read_mem(addr, size) -> bytes`` reads guest memory (it may raise or
    return fewer bytes for unmapped memory); ``sp`` is the address of the
    first variable argument.  Each ``int32`` takes a 4-byte slot, ``int64``
    and ``double`` take 8 bytes with no alignment padding.  ``write_mem(addr,
    data)`` is only needed for ``%n``.  After formatting, ``sp`` is the
    address just past the last argument consumed.
    """

    def __init__(
        self,
        read_mem: Callable[[int, int], bytes],
        sp: int,
        write_mem: Callable[[int, bytes], object] | None = None,
    ):
        self._read_mem = read_mem
        self._write_mem = write_mem
        self.sp = sp & 0xFFFFFFFF

    # -- raw memory -------------------------------------------------------
    def _read(self, addr: int, size: int) -> bytes | None:
        try:
            data = self._read_mem(addr & 0xFFFFFFFF, size)
        except Exception:
            return None
        if data is None or len(data) < size:
            return None
        return bytes(data[:size])

    def _take(self, size: int) -> bytes:
        data = self._read(self.sp, size)
        if data is None:
            raise GuestPointerError(
                "cannot read variable argument at 0x%08X" % self.sp, self.sp
            )
        self.sp = (self.sp + size) & 0xFFFFFFFF
        return data

    def read_bytes(self, ptr: int, size: int) -> bytes | None:
        """``size`` bytes at ``ptr`` or None when they cannot be read."""
        if size == 0:
            return b""
        return self._read(ptr, size)

    # -- ArgSource --------------------------------------------------------
    def int32(self) -> int:
        return struct.unpack("<I", self._take(4))[0]

    def int64(self) -> int:
        return struct.unpack("<Q", self._take(8))[0]

    def double_bits(self) -> int:
        return self.int64()

    def double(self) -> float:
        return struct.unpack("<d", self._take(8))[0]

    def _scan(self, ptr: int, unit: int) -> bytes | None:
        """Bytes from ``ptr`` up to (excluding) the first zero ``unit``.

        Reads page by page so that a string ending just before an unmapped
        page is still found; None when an unreadable byte comes first.
        """
        out = bytearray()
        zero = b"\0" * unit
        while True:
            addr = (ptr + len(out)) & 0xFFFFFFFF
            chunk_len = _PAGE - (addr % _PAGE)
            chunk_len -= chunk_len % unit          # keep ``out`` unit aligned
            if chunk_len <= 0:
                chunk_len = unit
            chunk = self._read(addr, chunk_len)
            if chunk is None:
                chunk = self._read(addr, unit)     # the page after may be unmapped
                if chunk is None:
                    return None
            pos = chunk.find(zero)
            while pos >= 0 and pos % unit:
                pos = chunk.find(zero, pos + 1)
            if pos >= 0:
                out += chunk[:pos]
                return bytes(out)
            out += chunk
            if len(out) > 0x4000000:                # 64 MiB: treat as a crash
                return None

    def cstr(self, ptr: int) -> bytes | None:
        return self._scan(ptr, 1)

    def wstr(self, ptr: int) -> str | None:
        raw = self._scan(ptr, 2)
        if raw is None:
            return None
        return raw.decode("utf-16-le", "surrogatepass")

    def store_int(self, ptr: int, value: int, size: int) -> None:
        if self._write_mem is None:
            raise GuestPointerError("no write_mem to store %n", ptr)
        self._write_mem(ptr & 0xFFFFFFFF, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))


class VaListArgs(StackArgs):
    """The same as :class:`StackArgs`, starting at a ``va_list`` pointer.

    On x86 a ``va_list`` is simply a pointer into the caller's argument
    area, so ``vprintf(fmt, ap)`` reads exactly like ``printf`` does from
    the stack; ``VaListArgs(read_mem, ap)``.
    """


# --------------------------------------------------------------------------
# code page helpers
# --------------------------------------------------------------------------

_C_LOCALE_NAMES = {"c", "", "none"}

# Windows' table for cp1252 defines the five holes of the Python codec as
# the C1 controls with the same value.
_CP1252_HOLES = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def _is_c_locale(codepage: str | None) -> bool:
    return codepage is None or codepage.strip().lower() in _C_LOCALE_NAMES


@functools.lru_cache(maxsize=None)
def _codec_name(codepage: str) -> str:
    return codecs.lookup(codepage).name


def _wctomb(unit: int, codepage: str | None) -> bytes | None:
    """One UTF-16 unit to multibyte, as msvcrt's wctomb; None on failure."""
    if _is_c_locale(codepage):
        return bytes([unit]) if unit <= 0xFF else None
    name = _codec_name(codepage)
    if name == "cp1252" and unit in _CP1252_HOLES:
        return bytes([unit])
    if 0xD800 <= unit <= 0xDFFF:
        return None
    try:
        data = chr(unit).encode(name)
    except UnicodeEncodeError:
        return None
    return data if data else None


def _mbtowc(chunk: bytes, codepage: str | None) -> int | None:
    """One multibyte character to a UTF-16 unit, as mbtowc; None on failure."""
    if _is_c_locale(codepage):
        return chunk[0]
    name = _codec_name(codepage)
    if name == "cp1252" and len(chunk) == 1 and chunk[0] in _CP1252_HOLES:
        return chunk[0]
    try:
        text = chunk.decode(name)
    except UnicodeDecodeError:
        return None
    if len(text) != 1 or ord(text) > 0xFFFF:
        return None
    return ord(text)


@functools.lru_cache(maxsize=None)
def _lead_bytes(codepage: str) -> frozenset[int]:
    name = _codec_name(codepage)
    leads = set()
    for b in range(0x80, 0x100):
        try:
            bytes([b]).decode(name)
        except UnicodeDecodeError as exc:
            if "incomplete" in str(exc.reason):
                leads.add(b)
    return frozenset(leads)


def _is_lead_byte(b: int, codepage: str | None) -> bool:
    if _is_c_locale(codepage):
        return False
    return b in _lead_bytes(codepage)


def _mb_chars(data: bytes, limit: int, codepage: str | None) -> list[bytes]:
    """Split ``data`` into at most ``limit`` multibyte characters."""
    out = []
    i = 0
    while i < len(data) and len(out) < limit:
        if _is_lead_byte(data[i], codepage) and i + 1 < len(data):
            out.append(data[i:i + 2])
            i += 2
        else:
            out.append(data[i:i + 1])
            i += 1
    return out


# --------------------------------------------------------------------------
# the state machine
# --------------------------------------------------------------------------

# states
_NORMAL, _PERCENT, _FLAG, _WIDTH, _DOT, _PRECIS, _SIZE, _TYPE = range(8)
# character classes
_C_OTHER, _C_PERCENT, _C_DOT, _C_STAR, _C_ZERO, _C_DIGIT, _C_FLAG, _C_SIZE, _C_TYPE = range(9)

_N, _P, _F, _W, _D, _R, _S, _T = range(8)
# next state [class][state]; state order NORMAL PERCENT FLAG WIDTH DOT PRECIS SIZE TYPE
_NEXT = (
    (_N, _N, _N, _N, _N, _N, _N, _N),  # other
    (_P, _N, _N, _N, _N, _N, _N, _P),  # '%'
    (_N, _D, _D, _D, _N, _N, _N, _N),  # '.'
    (_N, _W, _W, _N, _R, _N, _N, _N),  # '*'
    (_N, _F, _F, _W, _R, _R, _N, _N),  # '0'
    (_N, _W, _W, _W, _R, _R, _N, _N),  # '1'..'9'
    (_N, _F, _F, _N, _N, _N, _N, _N),  # ' ' '+' '-' '#'
    (_N, _S, _S, _S, _S, _S, _S, _N),  # size prefixes
    (_N, _T, _T, _T, _T, _T, _T, _N),  # conversion characters
)

_TYPE_CHARS = frozenset(b"AEGSXZacdefginopsux" b"C")
_SIZE_CHARS = frozenset(b"FILNhlw")
_FLAG_CHARS = frozenset(b" +-#")
_INT_TYPES = frozenset(b"diouxX")

# flags
FL_SIGN = 0x1
FL_SIGNSP = 0x2
FL_LEFT = 0x4
FL_LEADZERO = 0x8
FL_LONG = 0x10
FL_SHORT = 0x20
FL_SIGNED = 0x40
FL_ALTERNATE = 0x80
FL_NEGATIVE = 0x100
FL_FORCEOCTAL = 0x200
FL_WIDECHAR = 0x800
FL_LONGLONG = 0x1000
FL_I64 = 0x8000

_MAXPRECISION = 512


def _char_class(ch: int, c99: bool) -> int:
    if ch < 0x20 or ch > 0x78:          # below ' ' or above 'x'
        if c99 and ch in (0x7A, 0x74, 0x6A):
            return _C_SIZE
        return _C_OTHER
    if c99 and ch in (0x74, 0x6A):      # 't', 'j'
        return _C_SIZE
    if ch == 0x25:
        return _C_PERCENT
    if ch == 0x2E:
        return _C_DOT
    if ch == 0x2A:
        return _C_STAR
    if ch == 0x30:
        return _C_ZERO
    if 0x31 <= ch <= 0x39:
        return _C_DIGIT
    if ch in _FLAG_CHARS:
        return _C_FLAG
    if ch in _SIZE_CHARS:
        return _C_SIZE
    if ch in _TYPE_CHARS:
        return _C_TYPE
    return _C_OTHER


def _s32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def _s64(v: int) -> int:
    v &= 0xFFFFFFFFFFFFFFFF
    return v - (1 << 64) if v & (1 << 63) else v


# --------------------------------------------------------------------------
# floating point: msvcrt's digit strings
# --------------------------------------------------------------------------

def _fltout(bits: int) -> tuple[bool, str, int]:
    """(negative, mantissa digits, decimal point) as ``_fltout2`` gives them.

    The value is 0.d1d2d3... * 10**decpt.  Finite non-zero values get at
    most 17 significant digits (rounded half-up on the 18th, trailing zeros
    removed); zero is ``"0"`` with decpt 0; specials are ``1#INF`` etc. with
    decpt 1.
    """
    negative = bool(bits >> 63)
    exp = (bits >> 52) & 0x7FF
    frac = bits & ((1 << 52) - 1)
    if exp == 0x7FF:
        if frac == 0:
            return negative, "1#INF", 1
        if negative and frac == 1 << 51:
            return negative, "1#IND", 1
        if frac & (1 << 51):
            return negative, "1#QNAN", 1
        return negative, "1#SNAN", 1
    if exp == 0 and frac == 0:
        return negative, "0", 0
    if exp == 0:
        m, e = frac, -1074
    else:
        m, e = frac | (1 << 52), exp - 1075
    if e >= 0:
        digits = str(m << e)
        decpt = len(digits)
    else:
        digits = str(m * 5 ** (-e))
        decpt = len(digits) + e
    head = (digits[:18] + "0" * 18)[:18]
    m17 = int(head[:17])
    if head[17] >= "5":
        m17 += 1
    s = str(m17)
    if len(s) > 17:
        decpt += 1
        s = s[:17]
    s = s.rstrip("0") or "0"
    return negative, s, decpt


def _fptostr(mant: str, decpt: int, digits: int) -> tuple[str, int]:
    """``_fptostr``: take ``digits`` characters of ``mant`` (zero padded) and
    round on the next character (>= '5').  Returns (string, new decpt); the
    string starts with an extra '1' when rounding carried out of it."""
    if digits > 0:
        body = list((mant + "0" * digits)[:digits])
    else:
        body = []
    buf = ["0"] + body
    if digits >= 0 and digits < len(mant) and mant[digits] >= "5":
        i = len(buf) - 1
        while buf[i] == "9":
            buf[i] = "0"
            i -= 1
        buf[i] = chr(ord(buf[i]) + 1)
    if buf[0] == "1":
        return "".join(buf), decpt + 1
    return "".join(buf[1:]), decpt


def _exp_text(mant: str, decpt: int, caps: bool, two_digit: bool) -> str:
    e = 0 if mant[0] == "0" else decpt - 1
    sign = "-" if e < 0 else "+"
    e = abs(e)
    digits = "%03d" % e
    if two_digit and digits[0] == "0":
        digits = digits[1:]
    return ("E" if caps else "e") + sign + digits


def _cftoe(neg: bool, mant: str, decpt: int, ndec: int, caps: bool, two_digit: bool) -> str:
    s, dp = _fptostr(mant, decpt, ndec + 1)
    text = s[0]
    if ndec > 0:
        text += "." + s[1:ndec + 1]
    return ("-" if neg else "") + text + _exp_text(mant, dp, caps, two_digit)


def _cftof(neg: bool, mant: str, decpt: int, ndec: int) -> str:
    s, dp = _fptostr(mant, decpt, ndec + decpt)
    if dp <= 0:
        int_part, rest = "0", s
    else:
        int_part, rest = s[:dp], s[dp:]
    text = int_part
    if ndec > 0:
        if dp < 0:
            rest = "0" * min(ndec, -dp) + rest
        text += "." + rest
    return ("-" if neg else "") + text


def _cftog(neg: bool, mant: str, decpt: int, prec: int, caps: bool, two_digit: bool) -> str:
    s, dp = _fptostr(mant, decpt, prec)
    expanded = dp > decpt
    magnitude = dp - 1
    if magnitude < -4 or magnitude >= prec:
        text = s[0] + "." + s[1:prec] + _exp_text(mant, dp, caps, two_digit)
    else:
        if expanded:
            s = s[:-1]
        if dp <= 0:
            text = "0." + "0" * (-dp) + s
        else:
            text = s[:dp] + "." + s[dp:]
    return ("-" if neg else "") + text


def _forcdecpt(text: str) -> str:
    i = 0
    if text[:1].lower() != "e":
        i = 1
        while i < len(text) and text[i].isdigit():
            i += 1
    return text[:i] + "." + text[i:]


def _cropzeros(text: str) -> str:
    dot = text.find(".")
    if dot < 0:
        return text
    end = dot + 1
    while end < len(text) and text[end] not in "eE":
        end += 1
    stop = end
    j = end - 1
    while text[j] == "0":
        j -= 1
    if text[j] == ".":
        j -= 1
    return text[:j + 1] + text[stop:]


def _cftoa(bits: int, prec: int, caps: bool, alternate: bool) -> tuple[str, str, str]:
    """%a / %A: returns (sign, '0x' prefix, rest)."""
    neg = bool(bits >> 63)
    exp = (bits >> 52) & 0x7FF
    frac = bits & ((1 << 52) - 1)
    sign = "-" if neg else ""
    x = "0X" if caps else "0x"
    pch = "P" if caps else "p"
    if exp == 0x7FF:
        _, mant, decpt = _fltout(bits)
        body = _cftof(False, mant, decpt, prec)
        if alternate and prec == 0:
            body += "."
        return sign, x, body + pch + "+0"
    if exp == 0:
        lead = 0
        e = 0 if frac == 0 else -1022
    else:
        lead = 1
        e = exp - 1023
    hexd = "%013x" % frac
    if prec == 0:
        if int(hexd[0], 16) >= 8:
            lead += 1
        hexd = ""
    elif prec < 13:
        kept = int(hexd[:prec], 16)
        if int(hexd[prec], 16) >= 8:
            kept += 1
            if kept >> (4 * prec):
                kept = 0
                lead += 1
        hexd = "%0*x" % (prec, kept)
    else:
        hexd = hexd + "0" * (prec - 13)
    if caps:
        hexd = hexd.upper()
    body = str(lead)
    if hexd or alternate:
        body += "." + hexd
    return sign, x, body + pch + ("-" if e < 0 else "+") + str(abs(e))


# --------------------------------------------------------------------------
# the formatter
# --------------------------------------------------------------------------

class _Out:
    """Output collector: code units (bytes or UTF-16 units)."""

    def __init__(self, wide: bool):
        self.wide = wide
        self.units: list[int] = []

    def partial(self) -> bytes | str:
        if self.wide:
            return _units_to_str(self.units)
        return bytes(self.units)

    def ascii(self, text: str) -> None:
        self.units.extend(ord(c) for c in text)

    def repeat(self, unit: int, count: int) -> None:
        if count > 0:
            self.units.extend([unit] * count)


def _units_to_str(units: list[int]) -> str:
    return b"".join(struct.pack("<H", u) for u in units).decode("utf-16-le", "surrogatepass")


def _str_to_units(text: str) -> list[int]:
    raw = text.encode("utf-16-le", "surrogatepass")
    return [raw[i] | (raw[i + 1] << 8) for i in range(0, len(raw), 2)]


class _Spec:
    __slots__ = ("flags", "width", "precision")

    def __init__(self) -> None:
        self.flags = 0
        self.width = 0
        self.precision = -1


def _next_double_bits(args: ArgSource) -> int:
    getter = getattr(args, "double_bits", None)
    if getter is not None:
        return getter() & 0xFFFFFFFFFFFFFFFF
    return struct.unpack("<Q", struct.pack("<d", args.double()))[0]


class _Formatter:
    def __init__(self, args: ArgSource, wide: bool, codepage: str | None,
                 allow_n: bool, two_digit_exponent: bool, c99: bool):
        self.args = args
        self.wide = wide
        self.codepage = codepage
        self.allow_n = allow_n
        self.two_digit = two_digit_exponent
        self.c99 = c99
        self.out = _Out(wide)

    # ----------------------------------------------------------------------
    def run(self, fmt: list[int] | bytes) -> None:
        out = self.out
        state = _NORMAL
        spec = _Spec()
        i = 0
        n = len(fmt)
        while i < n:
            ch = fmt[i]
            i += 1
            if ch == 0:
                break
            state = _NEXT[_char_class(ch, self.c99)][state]
            if state == _NORMAL:
                out.units.append(ch)
            elif state == _PERCENT:
                spec = _Spec()
            elif state == _FLAG:
                if ch == 0x2D:
                    spec.flags |= FL_LEFT
                elif ch == 0x2B:
                    spec.flags |= FL_SIGN
                elif ch == 0x20:
                    spec.flags |= FL_SIGNSP
                elif ch == 0x23:
                    spec.flags |= FL_ALTERNATE
                elif ch == 0x30:
                    spec.flags |= FL_LEADZERO
            elif state == _WIDTH:
                if ch == 0x2A:
                    w = _s32(self.args.int32())
                    if w < 0:
                        spec.flags |= FL_LEFT
                        w = -w
                    spec.width = w
                else:
                    spec.width = spec.width * 10 + (ch - 0x30)
            elif state == _DOT:
                spec.precision = 0
            elif state == _PRECIS:
                if ch == 0x2A:
                    p = _s32(self.args.int32())
                    spec.precision = -1 if p < 0 else p
                else:
                    spec.precision = spec.precision * 10 + (ch - 0x30)
            elif state == _SIZE:
                nxt = fmt[i] if i < n else 0
                if ch == 0x6C:                      # 'l'
                    if nxt == 0x6C:
                        i += 1
                        spec.flags |= FL_LONGLONG
                    else:
                        spec.flags |= FL_LONG
                elif ch == 0x49:                    # 'I'
                    nxt2 = fmt[i + 1] if i + 1 < n else 0
                    if nxt == 0x36 and nxt2 == 0x34:
                        i += 2
                        spec.flags |= FL_I64
                    elif nxt == 0x33 and nxt2 == 0x32:
                        i += 2
                        spec.flags &= ~FL_I64
                    elif nxt in _INT_TYPES:
                        pass                        # pointer sized: 32 bit
                    else:
                        state = _NORMAL
                        out.units.append(ch)
                elif ch == 0x68:                    # 'h'
                    spec.flags |= FL_SHORT
                elif ch == 0x77:                    # 'w'
                    spec.flags |= FL_WIDECHAR
                elif ch == 0x6A:                    # 'j' (c99 mode only)
                    spec.flags |= FL_I64
                elif ch in (0x7A, 0x74):            # 'z' 't' (c99 mode only)
                    if nxt not in _INT_TYPES:
                        state = _NORMAL
                        out.units.append(ch)
                # 'F', 'N', 'L': accepted, no effect
            elif state == _TYPE:
                self.convert(ch, spec)

    # ----------------------------------------------------------------------
    def fail(self, cls, message: str, **kw):
        return cls(message, partial=self.out.partial(), **kw)

    def emit(self, prefix: str, text_units: list[int] | None, textlen: int,
             spec: _Spec, writer=None) -> None:
        """Padding, prefix, leading zeros, text, trailing padding."""
        out = self.out
        flags = spec.flags
        padding = spec.width - textlen - len(prefix)
        if not flags & (FL_LEFT | FL_LEADZERO):
            out.repeat(0x20, padding)
        out.ascii(prefix)
        if flags & FL_LEADZERO and not flags & FL_LEFT:
            out.repeat(0x30, padding)
        if writer is not None:
            writer()
        else:
            out.units.extend(text_units)
        if flags & FL_LEFT:
            out.repeat(0x20, padding)

    def sign_prefix(self, flags: int) -> str:
        if flags & FL_NEGATIVE:
            return "-"
        if flags & FL_SIGN:
            return "+"
        if flags & FL_SIGNSP:
            return " "
        return ""

    # ----------------------------------------------------------------------
    def read_string(self, ptr: int, wide: bool):
        value = self.args.wstr(ptr) if wide else self.args.cstr(ptr)
        if value is None:
            raise self.fail(GuestPointerError,
                            "unreadable string pointer 0x%08X" % ptr, address=ptr)
        return value

    def narrow_to_out(self, chunks: list[bytes]) -> None:
        """Write narrow characters (already split) to the output."""
        out = self.out
        if not self.wide:
            for c in chunks:
                out.units.extend(c)
            return
        for c in chunks:
            unit = _mbtowc(c, self.codepage)
            if unit is None:
                raise self.fail(ConversionError,
                                "cannot convert multibyte character %r" % c)
            out.units.append(unit)

    def wide_to_out(self, units: list[int]) -> None:
        out = self.out
        if self.wide:
            out.units.extend(units)
            return
        for u in units:
            mb = _wctomb(u, self.codepage)
            if mb is None:
                raise self.fail(ConversionError,
                                "cannot convert U+%04X to the code page" % u)
            out.units.extend(mb)

    # ----------------------------------------------------------------------
    def convert(self, ch: int, spec: _Spec) -> None:
        c = chr(ch)
        flags = spec.flags
        if c in "cC":
            self.conv_char(c, spec)
        elif c in "sS":
            self.conv_string(c, spec)
        elif c == "Z":
            self.conv_counted(spec)
        elif c in "eEfgGaA":
            self.conv_float(c, spec)
        elif c in "diouxXp":
            self.conv_int(c, spec)
        elif c == "n":
            if not self.allow_n:
                raise self.fail(FormatError, "'n' format specifier disabled")
            ptr = self.args.int32()
            count = len(self.out.units)
            self.args.store_int(ptr, count, 2 if flags & FL_SHORT else 4)

    # -- %c %C ---------------------------------------------------------------
    def conv_char(self, c: str, spec: _Spec) -> None:
        flags = spec.flags
        if c == "C" and not flags & (FL_SHORT | FL_LONG | FL_WIDECHAR):
            flags |= FL_SHORT if self.wide else FL_WIDECHAR
            spec.flags = flags
        value = self.args.int32()
        if self.wide:
            if flags & FL_SHORT:
                unit = _mbtowc(bytes([value & 0xFF]), self.codepage)
                if unit is None:
                    return                          # no output at all
            else:
                unit = value & 0xFFFF
            self.emit("", [unit], 1, spec)
        else:
            if flags & (FL_LONG | FL_WIDECHAR):
                mb = _wctomb(value & 0xFFFF, self.codepage)
                if mb is None:
                    return                          # no output at all
                self.emit("", list(mb), len(mb), spec)
            else:
                self.emit("", [value & 0xFF], 1, spec)

    # -- %s %S ---------------------------------------------------------------
    def conv_string(self, c: str, spec: _Spec) -> None:
        flags = spec.flags
        if c == "S" and not flags & (FL_SHORT | FL_LONG | FL_WIDECHAR):
            flags |= FL_SHORT if self.wide else FL_WIDECHAR
            spec.flags = flags
        if self.wide:
            source_wide = not flags & FL_SHORT
        else:
            source_wide = bool(flags & (FL_LONG | FL_WIDECHAR))
        limit = spec.precision if spec.precision >= 0 else 1 << 62
        ptr = self.args.int32()
        if source_wide:
            units = _str_to_units("(null)") if ptr == 0 else _str_to_units(self.read_string(ptr, True))
            units = units[:limit]
            self.emit("", None, len(units), spec, lambda: self.wide_to_out(units))
        else:
            data = b"(null)" if ptr == 0 else self.read_string(ptr, False)
            if self.wide:
                chunks = _mb_chars(data, limit, self.codepage)
            else:
                chunks = [data[:limit]]
            textlen = len(chunks) if self.wide else len(chunks[0])
            self.emit("", None, textlen, spec, lambda: self.narrow_to_out(chunks))

    # -- %Z --------------------------------------------------------------------
    def conv_counted(self, spec: _Spec) -> None:
        ptr = self.args.int32()
        wide_src = bool(spec.flags & FL_WIDECHAR)
        header = None
        if ptr:
            reader = getattr(self.args, "read_bytes", None)
            if reader is None:
                raise NotImplementedError("%Z needs ArgSource.read_bytes")
            header = reader(ptr, 8)
            if header is None:
                raise self.fail(GuestPointerError,
                                "unreadable counted string 0x%08X" % ptr, address=ptr)
        buf = struct.unpack_from("<I", header, 4)[0] if header else 0
        if not ptr or not buf:
            chunks = [b"(null)"] if not self.wide else [bytes([b]) for b in b"(null)"]
            self.emit("", None, 6, spec, lambda: self.narrow_to_out(chunks))
            return
        length = struct.unpack_from("<H", header, 0)[0]
        data = self.args.read_bytes(buf, length)
        if data is None:
            raise self.fail(GuestPointerError,
                            "unreadable counted string buffer 0x%08X" % buf, address=buf)
        if wide_src:
            units = [data[i] | (data[i + 1] << 8) for i in range(0, length - 1, 2)]
            self.emit("", None, len(units), spec, lambda: self.wide_to_out(units))
        else:
            if self.wide:
                chunks = _mb_chars(data, 1 << 62, self.codepage)
            else:
                chunks = [data]
            self.emit("", None, length, spec, lambda: self.narrow_to_out(chunks))

    # -- integers -------------------------------------------------------------
    def conv_int(self, c: str, spec: _Spec) -> None:
        flags = spec.flags
        prefix = ""
        upper = False
        if c in "di":
            flags |= FL_SIGNED
            radix = 10
        elif c == "u":
            radix = 10
        elif c == "o":
            radix = 8
            if flags & FL_ALTERNATE:
                flags |= FL_FORCEOCTAL
        else:
            radix = 16
            if c == "p":
                spec.precision = 8
                upper = True
            else:
                upper = c == "X"
            if flags & FL_ALTERNATE:
                prefix = "0X" if upper else "0x"

        if flags & FL_I64:
            value = self.args.int64()
            value = _s64(value) if flags & FL_SIGNED else value
        elif flags & FL_LONGLONG:
            value = self.args.int64()
            value = _s64(value) if flags & FL_SIGNED else value
        elif flags & FL_SHORT:
            raw = self.args.int32() & 0xFFFF
            if flags & FL_SIGNED and raw & 0x8000:
                raw -= 0x10000
            value = raw
        else:
            raw = self.args.int32()
            value = _s32(raw) if flags & FL_SIGNED else raw

        if flags & FL_SIGNED and value < 0:
            number = -value
            flags |= FL_NEGATIVE
        else:
            number = value
        if not flags & (FL_I64 | FL_LONGLONG):
            number &= 0xFFFFFFFF
        number &= 0xFFFFFFFFFFFFFFFF

        precision = spec.precision
        if precision < 0:
            precision = 1
        else:
            flags &= ~FL_LEADZERO
            if precision > _MAXPRECISION:
                precision = _MAXPRECISION
        if number == 0:
            prefix = ""
        if number == 0:
            digits = ""
        elif radix == 10:
            digits = str(number)
        elif radix == 8:
            digits = "%o" % number
        else:
            digits = ("%X" if upper else "%x") % number
        if len(digits) < precision:
            digits = "0" * (precision - len(digits)) + digits
        if flags & FL_FORCEOCTAL and (not digits or digits[0] != "0"):
            digits = "0" + digits
        if flags & FL_SIGNED:
            prefix = self.sign_prefix(flags)
        spec.flags = flags
        self.emit(prefix, [ord(d) for d in digits], len(digits), spec)

    # -- floating point -------------------------------------------------------
    def conv_float(self, c: str, spec: _Spec) -> None:
        flags = spec.flags | FL_SIGNED
        caps = c in "EGA"
        kind = c.lower()
        precision = spec.precision
        if precision < 0:
            precision = 6
        elif precision == 0 and kind == "g":
            precision = 1
        elif precision > _MAXPRECISION:
            precision = _MAXPRECISION
        bits = _next_double_bits(self.args)

        prefix = ""
        if kind == "a":
            sign, x, text = _cftoa(bits, precision, caps, bool(flags & FL_ALTERNATE))
            if sign:
                flags |= FL_NEGATIVE
            spec.flags = flags
            self.emit(self.sign_prefix(flags) + x, [ord(t) for t in text], len(text), spec)
            return

        neg, mant, decpt = _fltout(bits)
        if kind == "e":
            text = _cftoe(neg, mant, decpt, precision, caps, self.two_digit)
        elif kind == "f":
            text = _cftof(neg, mant, decpt, precision)
        else:
            text = _cftog(neg, mant, decpt, precision, caps, self.two_digit)
        if flags & FL_ALTERNATE and precision == 0:
            text = _forcdecpt(text)
        if kind == "g" and not flags & FL_ALTERNATE:
            text = _cropzeros(text)
        if text.startswith("-"):
            flags |= FL_NEGATIVE
            text = text[1:]
        prefix = self.sign_prefix(flags)
        spec.flags = flags
        self.emit(prefix, [ord(t) for t in text], len(text), spec)


def _run(fmt_units, args, wide, codepage, allow_n, two_digit_exponent, c99) -> _Formatter:
    if fmt_units is None:
        raise FormatError("format string is NULL", partial="" if wide else b"")
    f = _Formatter(args, wide, codepage, allow_n, two_digit_exponent, c99)
    f.run(fmt_units)
    return f


def format_printf(
    fmt: bytes,
    args: ArgSource,
    *,
    codepage: str = "cp1252",
    allow_n: bool = False,
    two_digit_exponent: bool = False,
    c99_size_prefixes: bool = False,
) -> bytes:
    """Format like msvcrt.dll's ``printf``/``sprintf``/``fprintf``.

    Returns the bytes msvcrt would output (the return value of sprintf is
    their length).  Raises a :class:`PrintfError` subclass where the real
    call returns -1; see the module docstring for the exact behaviour.
    """
    f = _run(None if fmt is None else bytes(fmt), args, False, codepage,
             allow_n, two_digit_exponent, c99_size_prefixes)
    return bytes(f.out.units)


def format_wprintf(
    fmt: str,
    args: ArgSource,
    *,
    codepage: str = "cp1252",
    allow_n: bool = False,
    two_digit_exponent: bool = False,
    c99_size_prefixes: bool = False,
) -> str:
    """Format like msvcrt.dll's ``wprintf``/``swprintf``/``fwprintf``.

    ``fmt`` and the result are UTF-16 text handled as ``str`` (lone
    surrogates allowed; the count msvcrt returns is the number of UTF-16
    units: ``len(result.encode('utf-16-le', 'surrogatepass')) // 2``).
    """
    f = _run(None if fmt is None else _str_to_units(fmt), args, True, codepage,
             allow_n, two_digit_exponent, c99_size_prefixes)
    return _units_to_str(f.out.units)
