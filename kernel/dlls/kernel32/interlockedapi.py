"""The Interlocked* functions kernel32 exports on x86 (winbase.h; compilers usually inline them as
`lock` instructions, but the exports exist and are called through GetProcAddress or old import
libraries).  One emulated CPU runs one thread at a time and a handler runs between instructions, so
the read-modify-write below is atomic for the guest."""
import struct

from ...hle.registry import export
from ...hle.types import LONG, LONGLONG, PVOID


def _read(ctx, address: int) -> int:
    return struct.unpack("<i", ctx.read(address, 4))[0]


def _write(ctx, address: int, value: int) -> None:
    ctx.write(address, struct.pack("<i", _signed(value)))


def _signed(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


@export
def InterlockedIncrement(ctx, Addend: PVOID) -> LONG:
    """Returns the incremented value."""
    value = _signed(_read(ctx, Addend) + 1)
    _write(ctx, Addend, value)
    return value


@export
def InterlockedDecrement(ctx, Addend: PVOID) -> LONG:
    value = _signed(_read(ctx, Addend) - 1)
    _write(ctx, Addend, value)
    return value


@export
def InterlockedExchange(ctx, Target: PVOID, Value: LONG) -> LONG:
    """Returns the previous value."""
    previous = _read(ctx, Target)
    _write(ctx, Target, Value)
    return previous


@export
def InterlockedExchangeAdd(ctx, Addend: PVOID, Value: LONG) -> LONG:
    """Returns the previous value."""
    previous = _read(ctx, Addend)
    _write(ctx, Addend, previous + Value)
    return previous


@export
def InterlockedCompareExchange(ctx, Destination: PVOID, Exchange: LONG, Comperand: LONG) -> LONG:
    """Stores Exchange if the value equals Comperand; returns the previous value either way."""
    previous = _read(ctx, Destination)
    if previous == Comperand:
        _write(ctx, Destination, Exchange)
    return previous


@export
def InterlockedCompareExchange64(ctx, Destination: PVOID, Exchange: LONGLONG, Comperand: LONGLONG) -> LONGLONG:
    previous = struct.unpack("<q", ctx.read(Destination, 8))[0]
    if previous == Comperand:
        ctx.write(Destination, struct.pack("<q", Exchange))
    return previous
