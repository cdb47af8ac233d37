"""Job objects (NtCreateJobObject, NtAssignProcessToJobObject): processes that share limits."""
from __future__ import annotations

from kernel.ob.object import KernelObject
from kernel.ps.exit import terminate_process


class Job(KernelObject):
    """A job object: processes that share limits; kill-on-close ends them with the last handle."""
    type_name = "Job"

    JOB_OBJECT_LIMIT_BREAKAWAY_OK = 0x800
    JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK = 0x1000
    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000

    def __init__(self, kernel, name: str = ""):
        super().__init__(name)
        self.kernel = kernel
        self.processes: list[EProcess] = []
        self.limit_flags = 0
        self.total_processes = 0

    @property
    def breakaway_ok(self) -> bool:
        return bool(self.limit_flags & self.JOB_OBJECT_LIMIT_BREAKAWAY_OK)

    @property
    def silent_breakaway(self) -> bool:
        return bool(self.limit_flags & self.JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK)

    def assign(self, process: EProcess) -> None:
        process.job = self
        self.processes.append(process)
        self.total_processes += 1

    def terminate(self, exit_code: int) -> None:
        for p in list(self.processes):
            if p.alive:
                terminate_process(self.kernel, p, exit_code, reason="terminated")

    def on_last_handle_closed(self) -> None:
        if self.limit_flags & self.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE:
            self.terminate(0)
