"""The system clock (KeQuerySystemTime, KeQueryTickCount, KeQueryInterruptTime) in virtual time.

Time is virtual and deterministic: it starts at EPOCH_FILETIME, with the system booted an hour
before, and moves only when ntboot moves it (a full scheduler slice is SLICE_TIME_100NS, a clock
query a microsecond, an idle system jumps to the next deadline).  With `real_time` it follows the
host's clock instead, kept in step at every read and never going back.
"""
from __future__ import annotations

import time

EPOCH_FILETIME = 133485408000000000  # 2024-01-01 00:00:00 UTC, the virtual clock's start
SLICE_TIME_100NS = 10_000            # virtual time a full slice of THREAD_SLICE instructions takes (1 ms)
BOOTED_BEFORE = 10_000_000 * 3600    # the system booted an hour before the clock's start


def host_filetime() -> int:
    return int(time.time() * 10_000_000) + 116444736000000000


class Clock:
    """The one clock of a run, in FILETIME units (100 ns since 1601)."""

    def __init__(self, real_time: bool = False):
        self.real_time = real_time
        self.now = host_filetime() if real_time else EPOCH_FILETIME
        self.boot_time = self.now - BOOTED_BEFORE

    def system_time(self) -> int:
        """The system time.  Virtual by default; in real-time mode the host's (read each time)."""
        if self.real_time:
            self.now = max(self.now, host_filetime())
        return self.now

    def advance(self, delta_100ns: int) -> None:
        """Virtual time moves forward (real time advances by itself)."""
        if not self.real_time:
            self.now += max(0, delta_100ns)

    def advance_to(self, deadline: int) -> None:
        """Nothing runs until `deadline`: jump there (in real-time mode, sleep until the host's
        clock gets there)."""
        if deadline <= self.system_time():
            return
        if self.real_time:
            time.sleep((deadline - self.system_time()) / 10_000_000)
            self.system_time()
        else:
            self.now = deadline

    def interrupt_time(self) -> int:
        """Time since boot (KUSER_SHARED_DATA.InterruptTime)."""
        return self.now - self.boot_time

    def tick_count(self) -> int:
        """Milliseconds since boot (GetTickCount)."""
        return (self.system_time() - self.boot_time) // 10_000
