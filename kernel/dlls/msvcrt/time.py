"""time.h from the kernel's virtual clock (ctx.kernel.clock.system_time(), a FILETIME).  The emulated
system's time zone is UTC without daylight saving, so localtime is gmtime and _timezone is 0.
msvcrt.dll's time_t-sized functions are 32-bit (time, localtime, mktime ...); the *64 ones 64-bit.
strftime follows the "C" locale."""
from __future__ import annotations

import calendar
import struct
import time as _pytime

from ...hle.registry import export
from ...hle.types import DOUBLE, LONG, LONGLONG, PVOID, SIZE_T
from .crt import crt, set_errno

EPOCH_AS_FILETIME = 116444736000000000
EINVAL = 22
MAX_TIME32 = 0x7FFFFFFF
MAX_TIME64 = 32535215999          # 3000-12-31 23:59:59, msvcrt's _MAX__TIME64_T
DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def now(ctx) -> int:
    return (ctx.kernel.clock.system_time() - EPOCH_AS_FILETIME) // 10_000_000


def _store_time(ctx, ptr: int, value: int, size: int) -> int:
    if ptr:
        ctx.write(ptr, value.to_bytes(size, "little", signed=True))
    return value


@export(conv="cdecl")
def time(ctx, timer: PVOID) -> LONG:
    return _store_time(ctx, timer, now(ctx), 4)


@export(conv="cdecl")
def _time64(ctx, timer: PVOID) -> LONGLONG:
    return _store_time(ctx, timer, now(ctx), 8)


@export(conv="cdecl")
def clock(ctx) -> LONG:
    return (ctx.kernel.clock.system_time() - crt(ctx).start_time) // 10_000


@export(conv="cdecl")
def difftime(ctx, timer1: LONG, timer0: LONG) -> DOUBLE:
    return float(timer1 - timer0)


@export(conv="cdecl")
def _difftime64(ctx, timer1: LONGLONG, timer0: LONGLONG) -> DOUBLE:
    return float(timer1 - timer0)


def tm_fields(t: int) -> tuple:
    g = _pytime.gmtime(t)
    return (g.tm_sec, g.tm_min, g.tm_hour, g.tm_mday, g.tm_mon - 1, g.tm_year - 1900, (g.tm_wday + 1) % 7,
            g.tm_yday - 1, 0)


def _tm_buffer(ctx) -> int:
    state = crt(ctx)
    key = (ctx.thread.tid, "tm")
    buf = state.per_thread.get(key)
    if buf is None:
        buf = state.per_thread[key] = state.heap.allocate(36)
    return buf


def _to_tm(ctx, ptr: int, size: int, max_time: int) -> int:
    if not ptr:
        set_errno(ctx, EINVAL)
        return 0
    t = int.from_bytes(ctx.read(ptr, size), "little", signed=True)
    if t < 0 or t > max_time:
        set_errno(ctx, EINVAL)
        return 0
    buf = _tm_buffer(ctx)
    ctx.write(buf, struct.pack("<9i", *tm_fields(t)))
    return buf


@export(conv="cdecl")
def gmtime(ctx, timer: PVOID) -> PVOID:
    return _to_tm(ctx, timer, 4, MAX_TIME32)


@export(conv="cdecl")
def _gmtime64(ctx, timer: PVOID) -> PVOID:
    return _to_tm(ctx, timer, 8, MAX_TIME64)


@export(conv="cdecl")
def localtime(ctx, timer: PVOID) -> PVOID:
    return _to_tm(ctx, timer, 4, MAX_TIME32)


@export(conv="cdecl")
def _localtime64(ctx, timer: PVOID) -> PVOID:
    return _to_tm(ctx, timer, 8, MAX_TIME64)


def make_time(ctx, ptr: int, max_time: int) -> int:
    """mktime: normalizes the struct tm in place and returns the time (-1 when out of range)."""
    sec, mn, hour, mday, mon, year, _, _, _ = struct.unpack("<9i", ctx.read(ptr, 36))
    year += mon // 12
    mon %= 12
    try:
        t = calendar.timegm((1900 + year, mon + 1, 1, 0, 0, 0)) + (mday - 1) * 86400 + hour * 3600 + mn * 60 + sec
    except (OverflowError, ValueError):
        return -1
    if t < 0 or t > max_time:
        return -1
    ctx.write(ptr, struct.pack("<9i", *tm_fields(t)))
    return t


@export(conv="cdecl")
def mktime(ctx, timeptr: PVOID) -> LONG:
    return make_time(ctx, timeptr, MAX_TIME32)


@export(conv="cdecl")
def _mktime64(ctx, timeptr: PVOID) -> LONGLONG:
    return make_time(ctx, timeptr, MAX_TIME64)


@export(conv="cdecl")
def _mkgmtime(ctx, timeptr: PVOID) -> LONG:
    return make_time(ctx, timeptr, MAX_TIME32)


@export(conv="cdecl")
def _mkgmtime64(ctx, timeptr: PVOID) -> LONGLONG:
    return make_time(ctx, timeptr, MAX_TIME64)


@export(conv="cdecl")
def _tzset(ctx) -> None:
    return None


def asctime_text(tm: tuple) -> str:
    sec, mn, hour, mday, mon, year, wday = tm[:7]
    return f"{DAYS[wday % 7][:3]} {MONTHS[mon % 12][:3]} {mday:2d} {hour:02d}:{mn:02d}:{sec:02d} {1900 + year}\n"


def _string_buffer(ctx, text: str) -> int:
    state = crt(ctx)
    key = (ctx.thread.tid, "asctime")
    buf = state.per_thread.get(key)
    if buf is None:
        buf = state.per_thread[key] = state.heap.allocate(26)
    ctx.write(buf, text.encode() + b"\0")
    return buf


@export(conv="cdecl")
def asctime(ctx, timeptr: PVOID) -> PVOID:
    if not timeptr:
        set_errno(ctx, EINVAL)
        return 0
    return _string_buffer(ctx, asctime_text(struct.unpack("<9i", ctx.read(timeptr, 36))))


def _ctime(ctx, ptr: int, size: int, max_time: int) -> int:
    tm = _to_tm(ctx, ptr, size, max_time)
    return _string_buffer(ctx, asctime_text(struct.unpack("<9i", ctx.read(tm, 36)))) if tm else 0


@export(conv="cdecl")
def ctime(ctx, timer: PVOID) -> PVOID:
    return _ctime(ctx, timer, 4, MAX_TIME32)


@export(conv="cdecl")
def _ctime64(ctx, timer: PVOID) -> PVOID:
    return _ctime(ctx, timer, 8, MAX_TIME64)


def _week(yday: int, wday: int, first: int) -> int:
    return (yday + 7 - (wday - first) % 7) // 7


def strftime_text(fmt: bytes, tm: tuple, tzname: str = "Coordinated Universal Time") -> bytes | None:
    """The "C" locale's strftime; None for an invalid conversion (msvcrt: EINVAL, returns 0)."""
    sec, mn, hour, mday, mon, year, wday, yday, _ = tm
    out = []
    i = 0
    while i < len(fmt):
        c = chr(fmt[i])
        if c != "%":
            out.append(c)
            i += 1
            continue
        i += 1
        alt = False
        if i < len(fmt) and fmt[i] == ord("#"):
            alt = True
            i += 1
        if i >= len(fmt):
            return None
        k = chr(fmt[i])
        i += 1

        def num(v, width=2):
            return str(v) if alt else str(v).zfill(width)

        if k == "a":
            out.append(DAYS[wday][:3])
        elif k == "A":
            out.append(DAYS[wday])
        elif k == "b":
            out.append(MONTHS[mon][:3])
        elif k == "B":
            out.append(MONTHS[mon])
        elif k == "c":
            if alt:
                out.append(f"{DAYS[wday]}, {MONTHS[mon]} {mday:02d}, {1900 + year} {hour:02d}:{mn:02d}:{sec:02d}")
            else:
                out.append(f"{mon + 1:02d}/{mday:02d}/{year % 100:02d} {hour:02d}:{mn:02d}:{sec:02d}")
        elif k == "d":
            out.append(num(mday))
        elif k == "H":
            out.append(num(hour))
        elif k == "I":
            out.append(num(hour % 12 or 12))
        elif k == "j":
            out.append(num(yday + 1, 3))
        elif k == "m":
            out.append(num(mon + 1))
        elif k == "M":
            out.append(num(mn))
        elif k == "p":
            out.append("AM" if hour < 12 else "PM")
        elif k == "S":
            out.append(num(sec))
        elif k == "U":
            out.append(num(_week(yday, wday, 0)))
        elif k == "w":
            out.append(str(wday))
        elif k == "W":
            out.append(num(_week(yday, wday, 1)))
        elif k == "x":
            out.append(f"{DAYS[wday]}, {MONTHS[mon]} {mday:02d}, {1900 + year}" if alt
                       else f"{mon + 1:02d}/{mday:02d}/{year % 100:02d}")
        elif k == "X":
            out.append(f"{hour:02d}:{mn:02d}:{sec:02d}")
        elif k == "y":
            out.append(num(year % 100))
        elif k == "Y":
            out.append(str(1900 + year) if alt else str(1900 + year).zfill(4))
        elif k in "zZ":
            out.append(tzname)
        elif k == "%":
            out.append("%")
        else:
            return None
    return "".join(out).encode("cp1252", "replace")


@export(conv="cdecl")
def strftime(ctx, strDest: PVOID, maxsize: SIZE_T, format: PVOID, timeptr: PVOID) -> SIZE_T:
    if not strDest or not format or not timeptr or maxsize == 0:
        set_errno(ctx, EINVAL)
        return 0
    text = strftime_text(ctx.read_cstr(format), struct.unpack("<9i", ctx.read(timeptr, 36)))
    if text is None:
        set_errno(ctx, EINVAL)
        ctx.write(strDest, b"\0")
        return 0
    if len(text) >= maxsize:
        ctx.write(strDest, b"\0")
        return 0
    ctx.write(strDest, text + b"\0")
    return len(text)


