"""The boot trace: BOOT-FLOW steps as they happen, with what each made.

Steps are always recorded (they are few); they are printed only when the user asked for
`--trace boot`.  Values that are addresses print in hex.
"""
from __future__ import annotations

import json
import sys
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
    def __init__(self, kernel):
        self.kernel = kernel
        self.steps: list[Step] = []
        self.out = None          # a text stream when printing is on
        self.json = False

    def enable(self, stream=None, as_json: bool = False) -> None:
        self.out = stream or sys.stderr
        self.json = as_json

    def step(self, number: str, name: str, **details) -> None:
        proc = getattr(self.kernel, "tracing_process", None)
        s = Step(number, name, proc.pid if proc is not None else 0, details)
        self.steps.append(s)
        if self.out is not None:
            if self.json:
                self.out.write(json.dumps({"kind": "boot", "step": s.step, "name": s.name, "pid": s.pid,
                                           **{k: v for k, v in details.items()}}, default=str) + "\n")
            else:
                self.out.write("boot " + s.text() + "\n")
            self.out.flush()

    def event(self, kind: str, text: str, **details) -> None:
        self.step("", f"{kind}: {text}", **details)

    def numbers(self) -> list[str]:
        return [s.step for s in self.steps if s.step]
