"""ws2_32's per-process state (DllSpec.state): made when a process maps ws2_32.dll."""
from __future__ import annotations


class Ws2State:
    def __init__(self, process, base: int):
        self.base = base
        self.startups = 0                        # WSAStartup calls not yet matched by WSACleanup
        self.inet_ntoa_buffers: dict[int, int] = {}   # thread id -> inet_ntoa's buffer in the process heap


def ws2_state(process) -> Ws2State:
    return process.dll_state["ws2_32.dll"]
