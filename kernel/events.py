"""The executive's event log: BOOT-FLOW steps as they happen, with what each made, and notable events
(warnings, guest calls, loader decisions).

Steps are always recorded (they are few).  The executive only records them; a front end that wants to
show them installs a sink (`BootTrace.sink`, a callable taking each `Step`), as `ntboot --trace boot`
does.  `Step.text()` is the one-line form, values that are addresses in hex.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Step:
    step: str            # BOOT-FLOW number, "4.4" ..., or "" for loader events
    name: str            # Windows name of the step
    pid: int = 0
    details: dict = field(default_factory=dict)

    def text(self) -> str:
        parts = []
        for k, v in self.details.items():
            if isinstance(v, bool):
                v = "yes" if v else "no"
            elif isinstance(v, int) and (k.endswith(("base", "address", "peb", "teb", "eprocess", "ethread",
                                                      "parameters", "environment", "limit", "page", "stack",
                                                      "ldr", "entry", "dispatcher")) or v > 0xFFFF):
                v = f"{v:#010x}"
            parts.append(f"{k}={v}")
        tag = f"[{self.step}]" if self.step else "     "
        pid = f"pid {self.pid}" if self.pid else "host"
        return f"{tag:<7} {pid:<8} {self.name:<36} {' '.join(parts)}".rstrip()


class BootTrace:
    """Every step and event of one run, in order; `sink` (if set) sees each as it is recorded."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.steps: list[Step] = []
        self.sink = None         # callable(Step), installed by a front end

    def step(self, number: str, name: str, **details) -> None:
        proc = self.kernel.tracing_process
        s = Step(number, name, proc.pid if proc is not None else 0, details)
        self.steps.append(s)
        if self.sink is not None:
            self.sink(s)

    def event(self, kind: str, text: str, **details) -> None:
        self.step("", f"{kind}: {text}", **details)

    def numbers(self) -> list[str]:
        return [s.step for s in self.steps if s.step]
