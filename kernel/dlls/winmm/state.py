"""winmm's per-process state (DllSpec.state): made when a process maps winmm.dll."""
from __future__ import annotations


class WinmmState:
    def __init__(self, process, base: int):
        self.base = base
        self.periods: dict[int, int] = {}    # timeBeginPeriod requests: period (ms) -> how many are open
