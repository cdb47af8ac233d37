"""sysinfoapi.h / timezoneapi.h time functions: system and local time, FILETIME <-> SYSTEMTIME, the
time zone.  The guest's time zone is UTC (bias 0, no daylight saving), so local time is system time.

FILETIME counts 100 ns since 1601-01-01 UTC; SYSTEMTIME is eight WORDs (year, month, day of week,
day, hour, minute, second, milliseconds).  The conversions use exact civil-calendar arithmetic, so
the whole FILETIME range Windows accepts (years 1601..30827) works.
"""
import struct

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, LPFILETIME, LPSYSTEMTIME, LPVOID, VOID, WORD

TICKS_PER_DAY = 864_000_000_000
DAYS_1601_TO_1970 = 134_774
MAX_FILETIME = 0x7FFFFFFFFFFFFFFF
TIME_ZONE_ID_UNKNOWN = 0


def _civil_from_days(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count from 1970-01-01 (proleptic Gregorian)."""
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + (m <= 2), m, d)


def _days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _days_in_month(y: int, m: int) -> int:
    if m == 2:
        return 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28
    return 30 if m in (4, 6, 9, 11) else 31


def filetime_to_systemtime(ft: int) -> bytes | None:
    if ft > MAX_FILETIME:
        return None
    days, rest = divmod(ft, TICKS_PER_DAY)
    y, m, d = _civil_from_days(days - DAYS_1601_TO_1970)
    weekday = (days + 1) % 7                   # 1601-01-01 was a Monday (0 = Sunday)
    ms_total = rest // 10_000
    hour, rem = divmod(ms_total, 3_600_000)
    minute, rem = divmod(rem, 60_000)
    second, ms = divmod(rem, 1000)
    return struct.pack("<8H", y, m, weekday, d, hour, minute, second, ms)


def systemtime_to_filetime(st: bytes) -> int | None:
    y, m, _, d, hour, minute, second, ms = struct.unpack("<8H", st)
    if not (1601 <= y <= 30827 and 1 <= m <= 12 and 1 <= d <= _days_in_month(y, m)
            and hour < 24 and minute < 60 and second < 60 and ms < 1000):
        return None
    days = _days_from_civil(y, m, d) + DAYS_1601_TO_1970
    return days * TICKS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 10_000_000 + ms * 10_000


@export
def GetSystemTime(ctx, lpSystemTime: LPSYSTEMTIME) -> VOID:
    ctx.kernel.clock.advance(10)
    ctx.write(lpSystemTime, filetime_to_systemtime(ctx.kernel.clock.system_time()))


@export
def GetLocalTime(ctx, lpSystemTime: LPSYSTEMTIME) -> VOID:
    GetSystemTime(ctx, lpSystemTime)           # the guest's time zone is UTC


@export
def FileTimeToSystemTime(ctx, lpFileTime: LPFILETIME, lpSystemTime: LPSYSTEMTIME) -> BOOL:
    st = filetime_to_systemtime(struct.unpack("<Q", ctx.read(lpFileTime, 8))[0])
    if st is None:
        ctx.set_last_error(87)
        return 0
    ctx.write(lpSystemTime, st)
    return 1


@export
def SystemTimeToFileTime(ctx, lpSystemTime: LPSYSTEMTIME, lpFileTime: LPFILETIME) -> BOOL:
    ft = systemtime_to_filetime(ctx.read(lpSystemTime, 16))
    if ft is None:
        ctx.set_last_error(87)
        return 0
    ctx.write(lpFileTime, struct.pack("<Q", ft))
    return 1


@export
def GetTimeZoneInformation(ctx, lpTimeZoneInformation: LPVOID) -> DWORD:
    """UTC: Bias 0, the names "Coordinated Universal Time", no daylight saving."""
    name = "Coordinated Universal Time".encode("utf-16-le").ljust(64, b"\0")
    info = struct.pack("<i", 0) + name + bytes(16) + struct.pack("<i", 0) + name + bytes(16) + struct.pack("<i", 0)
    ctx.write(lpTimeZoneInformation, info)
    return TIME_ZONE_ID_UNKNOWN


@export
def SystemTimeToTzSpecificLocalTime(ctx, lpTimeZoneInformation: LPVOID, lpUniversalTime: LPSYSTEMTIME,
                                    lpLocalTime: LPSYSTEMTIME) -> BOOL:
    bias = struct.unpack("<i", ctx.read(lpTimeZoneInformation, 4))[0] if lpTimeZoneInformation else 0
    ft = systemtime_to_filetime(ctx.read(lpUniversalTime, 16))
    if ft is None:
        ctx.set_last_error(87)
        return 0
    ctx.write(lpLocalTime, filetime_to_systemtime(ft - bias * 600_000_000))
    return 1


@export
def TzSpecificLocalTimeToSystemTime(ctx, lpTimeZoneInformation: LPVOID, lpLocalTime: LPSYSTEMTIME,
                                    lpUniversalTime: LPSYSTEMTIME) -> BOOL:
    bias = struct.unpack("<i", ctx.read(lpTimeZoneInformation, 4))[0] if lpTimeZoneInformation else 0
    ft = systemtime_to_filetime(ctx.read(lpLocalTime, 16))
    if ft is None:
        ctx.set_last_error(87)
        return 0
    ctx.write(lpUniversalTime, filetime_to_systemtime(ft + bias * 600_000_000))
    return 1


@export
def FileTimeToDosDateTime(ctx, lpFileTime: LPFILETIME, lpFatDate: LPVOID, lpFatTime: LPVOID) -> BOOL:
    """MS-DOS date and time (2-second resolution) of a FILETIME in 1980..2107; else
    ERROR_INVALID_PARAMETER."""
    st = filetime_to_systemtime(struct.unpack("<Q", ctx.read(lpFileTime, 8))[0])
    if st is None:
        ctx.set_last_error(87)
        return 0
    y, m, _, d, hour, minute, second, _ = struct.unpack("<8H", st)
    if not 1980 <= y <= 2107:
        ctx.set_last_error(87)
        return 0
    ctx.write(lpFatDate, struct.pack("<H", ((y - 1980) << 9) | (m << 5) | d))
    ctx.write(lpFatTime, struct.pack("<H", (hour << 11) | (minute << 5) | (second // 2)))
    return 1


@export
def DosDateTimeToFileTime(ctx, wFatDate: WORD, wFatTime: WORD, lpFileTime: LPFILETIME) -> BOOL:
    """The inverse; fields that make no date (month 0, day 0, 25 o'clock, 60 seconds ...):
    ERROR_INVALID_PARAMETER."""
    wFatDate &= 0xFFFF
    wFatTime &= 0xFFFF
    st = struct.pack("<8H", 1980 + (wFatDate >> 9), (wFatDate >> 5) & 0xF, 0, wFatDate & 0x1F,
                     wFatTime >> 11, (wFatTime >> 5) & 0x3F, (wFatTime & 0x1F) * 2, 0)
    ft = systemtime_to_filetime(st)
    if ft is None:
        ctx.set_last_error(87)
        return 0
    ctx.write(lpFileTime, struct.pack("<Q", ft))
    return 1
