"""Child processes and threads: thread switches, boot-to-child-exit time, and memory while many
children come and go.

    python benchmarks/processes.py [--quick]

Each row runs in a fresh interpreter so peak RSS belongs to that run alone: spawnmany.exe starts
hello.exe N times one after another; if engines were not released when children end, peak memory
would grow with N.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CODE = r"""
import resource, sys, time
sys.path.insert(0, %(root)r)
from ntboot import Emulator
emu = Emulator(timeout=3600)
emu.create_process(%(exe)r, [%(n)r])
t = time.perf_counter()
r = emu.run()
elapsed = time.perf_counter() - t
assert r.exit_code == 0, r.message
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(emu.kernel.space.engines))
"""


def measure(n: int) -> tuple[float, int, int]:
    exe = os.path.join(ROOT, "samples", "bin", "spawnmany.exe")
    out = subprocess.run([sys.executable, "-c", CODE % {"root": ROOT, "exe": exe, "n": str(n)}],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


SWITCH = r"""
import sys, time
sys.path.insert(0, %(root)r)
from ntboot import Emulator
def run(n):
    emu = Emulator(timeout=3600)
    emu.create_process(%(exe)r, [str(n)])
    t = time.perf_counter(); r = emu.run(); elapsed = time.perf_counter() - t
    assert r.exit_code == 0, r.message
    emu.close()
    return elapsed
print((run(%(n)d) - run(0)) / (2 * %(n)d))
"""


def switch_cost(rounds: int) -> float:
    """Seconds per thread switch: pingpong.exe's 2N switches, less the same run with N = 0."""
    exe = os.path.join(ROOT, "samples", "bin", "pingpong.exe")
    out = subprocess.run([sys.executable, "-c", SWITCH % {"root": ROOT, "exe": exe, "n": rounds}],
                         capture_output=True, text=True, check=True).stdout
    return float(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ns = ap.parse_args()
    counts = (5, 20) if ns.quick else (10, 100)
    rows = []
    for n in counts:
        elapsed, rss_kb, engines = measure(n)
        rows.append((n, elapsed, elapsed / n * 1000, rss_kb / 1024, engines))
    switch = switch_cost(1000 if ns.quick else 10000)
    print(f"thread switch (SetEvent + WaitForSingleObject between two threads): {switch * 1e6:.1f} us")
    print()
    print(f"{'children':>8}  {'total s':>8}  {'ms/child':>9}  {'peak RSS MiB':>12}  {'engines left':>12}")
    for n, elapsed, per, rss, engines in rows:
        print(f"{n:>8}  {elapsed:>8.2f}  {per:>9.1f}  {rss:>12.1f}  {engines:>12}")


if __name__ == "__main__":
    main()
