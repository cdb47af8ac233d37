"""Compare the hot paths of two ntboot source trees (before/after a change); prints one table.

    python benchmarks/compare_trees.py OLD_TREE [NEW_TREE] [--rounds N] [--calls N]

For each measure, rounds alternate between the trees (old, new, old, new ...), each in a fresh
interpreter, and the table gives the medians and new/old.  Times are the process's CPU time, not
wall time, so that other load on the machine (other test runs) disturbs them less:

* one emulated API call (kernel32!GetCurrentProcessId) and one system call (ntdll!NtYieldExecution
  through sysenter), from callbench.exe runs of N and 0 calls;
* hello.exe from Emulator() to exit (warm: the median of 8 boots in one interpreter).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CALLS = r'''
import os, sys, time
sys.path.insert(0, ROOT)
from ntboot.api import Emulator
def run(args):
    emu = Emulator(timeout=600)
    try:
        emu.create_process(os.path.join(ROOT, "samples", "bin", "callbench.exe"), args)
        t = time.process_time(); emu.run(); return time.process_time() - t
    finally:
        emu.close()
mode, n = sys.argv[1], int(sys.argv[2])
t_n = min(run([mode, str(n)]) for _ in range(2))
t_0 = min(run([mode, "0"]) for _ in range(2))
print((t_n - t_0) / n * 1e6)
'''

BOOT = r'''
import os, sys, time
sys.path.insert(0, ROOT)
from ntboot.api import Emulator
times = []
for _ in range(8):
    t = time.process_time()
    emu = Emulator(); emu.create_process(os.path.join(ROOT, "samples", "bin", "hello.exe")); emu.run(); emu.close()
    times.append(time.process_time() - t)
times.sort()
print(times[len(times) // 2] * 1000)
'''


def measure(tree: str, script: str, *args) -> float:
    out = subprocess.run([sys.executable, "-c", f"ROOT = {tree!r}\n" + script, *args],
                         capture_output=True, text=True, check=True).stdout
    return float(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new", nargs="?", default=HERE)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--calls", type=int, default=100_000)
    ns = ap.parse_args()
    trees = {"old": os.path.abspath(ns.old), "new": os.path.abspath(ns.new)}
    measures = [("emulated API call (GetCurrentProcessId)", "us", CALLS, ("api", str(ns.calls))),
                ("system call (NtYieldExecution, sysenter)", "us", CALLS, ("sys", str(ns.calls))),
                ("hello.exe boot to exit, warm", "ms", BOOT, ())]
    rows = []
    for name, unit, script, args in measures:
        values = {"old": [], "new": []}
        for _ in range(ns.rounds):
            for which, tree in trees.items():
                values[which].append(measure(tree, script, *args))
        old, new = statistics.median(values["old"]), statistics.median(values["new"])
        rows.append((name, f"{old:.2f} {unit}", f"{new:.2f} {unit}", f"{new / old:.3f}"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure (CPU time)':<{width}}  {'old':>12}  {'new':>12}  new/old")
    print("-" * (width + 40))
    for name, old, new, ratio in rows:
        print(f"{name:<{width}}  {old:>12}  {new:>12}  {ratio}")


if __name__ == "__main__":
    main()
