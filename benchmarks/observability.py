"""What observability costs: emulated calls and CPU-bound code with traces, reports and the status
line on and off.  Prints one table.

    python benchmarks/observability.py [--quick]

Each figure is the best of several runs (the machine may be shared), as the difference between
callbench.exe runs of N and of 0 calls for the per-call costs.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
BIN = os.path.join(ROOT, "samples", "bin")

from ntboot.api import Emulator  # noqa: E402


class Null(io.TextIOBase):
    def write(self, s):
        return len(s)


def run(name, args, **kw) -> float:
    emu = Emulator(timeout=600, **kw)
    try:
        emu.create_process(os.path.join(BIN, name), args)
        t = time.perf_counter()
        emu.run()
        return time.perf_counter() - t
    finally:
        emu.close()


def best(repeat, name, args, **kw) -> float:
    return min(run(name, args, **kw) for _ in range(repeat))


def per_call(mode: str, n: int, repeat: int, **kw) -> float:
    return (best(repeat, "callbench.exe", [mode, str(n)], **kw) - best(repeat, "callbench.exe", [mode, "0"], **kw)) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ns = ap.parse_args()
    n = 5_000 if ns.quick else 50_000
    repeat = 3 if ns.quick else 5
    loop = ["2000000" if ns.quick else "20000000"]
    configs = [
        ("off", {}),
        ("--report (counts, last calls, file capture)", {"report": True}),
        ("--trace api,syscall (text, to a null stream)", {"trace": ["api", "syscall"], "trace_stream": Null()}),
        ("--trace api,syscall --trace-format json", {"trace": ["api", "syscall"], "trace_stream": Null(),
                                                      "trace_format": "json"}),
    ]
    rows = []
    for label, kw in configs:
        rows.append((f"API call, {label}", f"{per_call('api', n, repeat, **kw):.2f} us"))
        rows.append((f"system call, {label}", f"{per_call('sys', n, repeat, **kw):.2f} us"))
    base = best(repeat, "cpuloop.exe", loop)
    rows.append(("cpuloop, nothing on", f"{base * 1000:.1f} ms"))
    # an instruction trace over a range the loop never enters: the loop runs at full speed
    emu = Emulator()
    emu.create_process(os.path.join(BIN, "cpuloop.exe"), loop)
    far = emu.process.image_base + 0x10                  # in the headers: never executed
    emu.close()
    t = best(repeat, "cpuloop.exe", loop, trace=[f"insn={far:#x}-{far + 8:#x}"], trace_stream=Null())
    rows.append(("cpuloop, --trace insn on a range it does not enter", f"{t * 1000:.1f} ms ({t / base * 100:.0f} %)"))
    t = best(repeat, "cpuloop.exe", loop, progress=Null())
    rows.append(("cpuloop, status line on (slices of 0.25 s)", f"{t * 1000:.1f} ms ({t / base * 100:.0f} %)"))
    t = best(repeat, "cpuloop.exe", loop, report=True)
    rows.append(("cpuloop, --report", f"{t * 1000:.1f} ms ({t / base * 100:.0f} %)"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  value")
    print("-" * (width + 24))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
