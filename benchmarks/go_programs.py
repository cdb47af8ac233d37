"""How long the Go sample programs (samples/bin/go, Go 1.19 windows/386) take under ntboot; prints
one table.

    python benchmarks/go_programs.py [--rounds N]

Each round runs every program once, in the same order (rounds interleave the programs, so a
slower moment of the host spreads over all of them); the table gives, per program, the median
wall time of a run (create_process + run, warm: the system DLL images are already synthesized),
its ratio to hello.exe's (about the Go runtime's start-up alone) and the run's emulated calls
(exports and system services).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
GO_BIN = os.path.join(ROOT, "samples", "bin", "go")

from ntboot.api import Emulator  # noqa: E402

DATA = "C:\\data"
TEXT = b"".join(b"line %d of a repetitive text\n" % (i % 50) for i in range(2000))

# program -> (arguments, standard input)
PROGRAMS = {
    "hello": (["a", "b"], b""),
    "wc": ([f"{DATA}\\t.txt"], b""),
    "sha256sum": ([f"{DATA}\\t.txt"], b""),
    "gzipround": ([f"{DATA}\\t.txt"], b""),
    "jsonfmt": ([], b'{"a": [1, 2, 3], "b": {"c": null}}'),
    "workers": (["2000"], b""),
    "timers": ([], b""),
    "walk": ([DATA], b""),
    "preempt": ([], b""),
    "panics": ([], b""),
    "files": ([DATA], b""),
}


def run_once(name: str, folder: str) -> tuple[float, int]:
    """(wall seconds, emulated calls: exports and system services) of one run."""
    args, stdin = PROGRAMS[name]
    t = time.perf_counter()
    emu = Emulator(timeout=600, mounts=[(folder, DATA, True)], stdin=stdin, report=True)
    try:
        emu.create_process(os.path.join(GO_BIN, name + ".exe"), args)
        result = emu.run()
        elapsed = time.perf_counter() - t
        report = emu.report()
        calls = report["api_calls"]["total"] + report["system_calls"]["total"]
    finally:
        emu.close()
    if result.reason != "exited":
        raise SystemExit(f"{name}: {result.reason}: {result.message}")
    return elapsed, calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    folder = tempfile.mkdtemp(prefix="ntboot-go-bench-")
    try:
        with open(os.path.join(folder, "t.txt"), "wb") as f:
            f.write(TEXT)
        run_once("hello", folder)                        # warm-up: synthesize the DLL images
        times = {name: [] for name in PROGRAMS}
        info = {}
        for _ in range(args.rounds):
            for name in PROGRAMS:
                elapsed, calls = run_once(name, folder)
                times[name].append(elapsed)
                info[name] = calls
                for extra in ("t.txt.gz",):
                    path = os.path.join(folder, extra)
                    if os.path.exists(path):
                        os.remove(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = statistics.median(times["hello"])
    print(f"Go 1.19 windows/386 programs under ntboot: median of {args.rounds} interleaved rounds")
    print("| program | wall time (s) | vs hello | emulated calls |")
    print("|---|---:|---:|---:|")
    for name in PROGRAMS:
        med = statistics.median(times[name])
        print(f"| {name}.exe | {med:.2f} | {med / base:.2f} | {info[name]} |")


if __name__ == "__main__":
    main()
