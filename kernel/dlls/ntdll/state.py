"""ntdll's per-process state (DllSpec.state): made when the kernel maps ntdll into a new process,
dropped when the process ends."""
from __future__ import annotations


class NtdllState:
    def __init__(self, process, base: int):
        self.base = base
        self.vectored_handlers: list = []    # RtlAddVectoredExceptionHandler, in call order


def ntdll_state(process) -> NtdllState:
    return process.dll_state["ntdll.dll"]
