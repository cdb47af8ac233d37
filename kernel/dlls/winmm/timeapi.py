"""timeapi.h: the multimedia timer's clock and resolution.

The resolution range is the one timeGetDevCaps reports on Windows 7 (1 ms to 1,000,000 ms).
ntboot's clock is virtual, so a requested resolution changes no timing; timeBeginPeriod and
timeEndPeriod check their argument the way Windows does (TIMERR_NOCANDO out of range) and
count the requests per process."""
import struct

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import DWORD, LPVOID, UINT

TIMERR_NOERROR = 0
TIMERR_NOCANDO = 97                 # TIMERR_BASE + 1
PERIOD_MIN = 1                      # TIMECAPS.wPeriodMin / wPeriodMax on Windows 7
PERIOD_MAX = 1_000_000
SIZEOF_TIMECAPS = 8


def _requests(ctx) -> dict:
    """The process's timeBeginPeriod requests, period -> count (winmm's per-process state)."""
    return ctx.process.dll_state["winmm.dll"].periods


@export
def timeGetTime(ctx) -> DWORD:
    """Milliseconds since Windows started (wraps after 49.7 days), the clock of GetTickCount."""
    ctx.kernel.clock.advance(10)
    return ctx.kernel.clock.tick_count() & 0xFFFFFFFF


@export
@probe
def timeGetDevCaps(ctx, ptc: LPVOID, cbtc: UINT) -> UINT:
    if not ptc or cbtc < SIZEOF_TIMECAPS:
        return TIMERR_NOCANDO
    ctx.write(ptc, struct.pack("<II", PERIOD_MIN, PERIOD_MAX))
    return TIMERR_NOERROR


@export
def timeBeginPeriod(ctx, uPeriod: UINT) -> UINT:
    if not PERIOD_MIN <= uPeriod <= PERIOD_MAX:
        return TIMERR_NOCANDO
    requests = _requests(ctx)
    requests[uPeriod] = requests.get(uPeriod, 0) + 1
    return TIMERR_NOERROR


@export
def timeEndPeriod(ctx, uPeriod: UINT) -> UINT:
    if not PERIOD_MIN <= uPeriod <= PERIOD_MAX:
        return TIMERR_NOCANDO
    requests = _requests(ctx)
    if requests.get(uPeriod, 0) > 0:
        requests[uPeriod] -= 1
    return TIMERR_NOERROR
