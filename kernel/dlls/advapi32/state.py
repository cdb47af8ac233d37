"""advapi32's per-process state (DllSpec.state): made when a process maps advapi32.dll, dropped
when the process ends."""
from __future__ import annotations


class Advapi32State:
    def __init__(self, process, base: int):
        self.base = base
        self.crypt_providers: set[int] = set()   # CryptAcquireContext handles not yet released


def advapi32_state(process) -> Advapi32State:
    return process.dll_state["advapi32.dll"]
