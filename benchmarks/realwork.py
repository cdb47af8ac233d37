"""Real work: the 7-Zip console (7za.exe 21.07 x86, npm's 7zip-bin 5.2.0) compressing and extracting
text files of 1, 3 and 10 MB inside ntboot; prints one table.

    python benchmarks/realwork.py [--sizes 1,3,10] [--rounds 3] [--before PATH] [--timeout S]

Every run is a fresh Python process (`--worker`), so runs do not share caches; the rounds are
interleaved (round 1: every size and operation, for every checkout; then round 2 ...) and the table
shows medians.  Per run: wall time of the whole process (Emulator() to exit), MB/s of input, and the
share of the wall time spent in the address space's memory-management calls (reserve, commit,
protect, decommit, release, clear_guard of emu.memory.AddressSpace: each wrapped with a timer here,
in the worker only, outermost call counted once).  s/MB shows whether time grows linearly with the
input; on a busy machine the CPU time of the worker process (CPU s, CPU s/MB) shows it better than
the wall time.

--before PATH runs a second checkout the same way (for example the main branch as a worktree:
`git worktree add --detach /tmp/perf-before main`) and adds its figures and the ratio; runs that
pass --timeout are shown as "> S s".  Compression uses 7-Zip's defaults (LZMA2, level 5, one thread:
the profile reports one processor); extraction unpacks the archive of the same round's compression and
is checked byte for byte against the input.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "ntboot-tests", "7zip-bin-5.2.0")
EXE = os.path.join(CACHE, "package", "win", "ia32", "7za.exe")
DATA = os.path.join(os.path.expanduser("~"), ".cache", "ntboot-bench")
MEMORY_CALLS = ("reserve", "commit", "protect", "decommit", "release", "clear_guard")


def fetch_7za() -> str:
    """package/win/ia32/7za.exe of 7zip-bin 5.2.0, fetched once with `npm pack` (as tests/test_7zip.py)."""
    if not os.path.exists(EXE):
        os.makedirs(CACHE, exist_ok=True)
        subprocess.run(["npm", "pack", "7zip-bin@5.2.0"], cwd=CACHE, check=True, capture_output=True, timeout=300)
        with tarfile.open(os.path.join(CACHE, "7zip-bin-5.2.0.tgz")) as tar:
            tar.extract("package/win/ia32/7za.exe", CACHE)
    assert os.path.getsize(EXE) == 792064, "unexpected 7za.exe"
    return EXE


def text_file(mb: int) -> str:
    """mb MiB of English-like text (a fixed vocabulary of pseudo-words, fixed seed): compresses about 3:1."""
    path = os.path.join(DATA, f"text-{mb}MB.txt")
    if not os.path.exists(path):
        os.makedirs(DATA, exist_ok=True)
        rng = random.Random(1)
        words = ["".join(rng.choice("etaoinshrdlucmfwypvbgkjqxz") for _ in range(rng.randint(1, 9)))
                 for _ in range(6000)]
        out, n = [], 0
        while n < mb << 20:
            line = " ".join(rng.choice(words) for _ in range(rng.randint(6, 16))) + ".\r\n"
            out.append(line)
            n += len(line)
        with open(path + ".tmp", "wb") as f:
            f.write("".join(out).encode()[:mb << 20])
        os.replace(path + ".tmp", path)
    return path


# -- one run, in its own Python process ------------------------------------------------------------

def worker(repo: str, op: str, folder: str) -> None:
    sys.path.insert(0, repo)
    import emu.memory as memory
    from ntboot import Emulator

    spent = {"time": 0.0, "calls": 0, "depth": 0}

    def timed(original):
        def wrapper(self, *args, **kwargs):
            if spent["depth"]:
                return original(self, *args, **kwargs)
            spent["depth"] = 1
            t = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent["time"] += time.perf_counter() - t
                spent["calls"] += 1
                spent["depth"] = 0
        return wrapper

    for name in MEMORY_CALLS:
        setattr(memory.AddressSpace, name, timed(getattr(memory.AddressSpace, name)))
    args = ["a", r"C:\t.7z", r"C:\in.txt"] if op == "compress" else ["x", r"C:\t.7z", r"-oC:\out"]
    t, cpu = time.perf_counter(), time.process_time()
    emu = Emulator(timeout=0, root=folder)
    try:
        emu.create_process(EXE, args)
        result = emu.run()
    finally:
        emu.close()
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "memory": spent["time"], "calls": spent["calls"],
                      "reason": result.reason, "exit_code": result.exit_code}))


def run_one(repo: str, op: str, folder: str, timeout: float) -> dict | None:
    try:
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", repo, op, folder],
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        raise SystemExit(f"{op} in {repo} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["reason"] != "exited" or result["exit_code"] != 0:
        raise SystemExit(f"{op} in {repo}: 7za ended with {result['reason']} / exit code {result['exit_code']}")
    print(f"  {op} in {repo}: {result['wall']:.2f} s (CPU {result['cpu']:.2f} s), memory {result['memory']:.3f} s in {result['calls']} calls",
          file=sys.stderr, flush=True)
    return result


# -- the table -------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,3,10", help="input sizes in MiB, comma-separated")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--before", help="another checkout of ntboot to run the same way")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds one run may take")
    ap.add_argument("--worker", nargs=3, metavar=("REPO", "OP", "FOLDER"), help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.worker:
        worker(*opts.worker)
        return
    fetch_7za()
    sizes = [int(s) for s in opts.sizes.split(",")]
    repos = {"after": ROOT}
    if opts.before:
        repos = {"before": os.path.abspath(opts.before), "after": ROOT}
    results: dict = {}                   # (label, op, mb) -> [run or None]
    for r in range(opts.rounds):
        for mb in sizes:
            source = text_file(mb)
            for label, repo in repos.items():
                folder = tempfile.mkdtemp(prefix="ntboot-realwork-")
                try:
                    shutil.copy(source, os.path.join(folder, "in.txt"))
                    done = run_one(repo, "compress", folder, opts.timeout)
                    results.setdefault((label, "compress", mb), []).append(done)
                    if done is None:                     # nothing to extract
                        results.setdefault((label, "extract", mb), []).append("skipped")
                        continue
                    done = run_one(repo, "extract", folder, opts.timeout)
                    results.setdefault((label, "extract", mb), []).append(done)
                    if done is not None:
                        with open(os.path.join(folder, "out", "in.txt"), "rb") as a, open(source, "rb") as b:
                            if a.read() != b.read():
                                raise SystemExit(f"{label}: extracted {mb} MB differs from the input")
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
            print(f"round {r + 1}/{opts.rounds}: {mb} MB done", file=sys.stderr, flush=True)

    import unicorn
    print(f"7za.exe 21.07 x86 in ntboot, unicorn {unicorn.__version__}; medians of {opts.rounds} interleaved "
          f"round(s); memory = time in AddressSpace calls")
    head = (f"{'work':18} {'code':7} {'wall s':>9} {'s/MB':>7} {'MB/s':>7} {'CPU s':>9} {'CPU s/MB':>9} "
            f"{'memory s':>9} {'memory':>7} {'calls':>6}")
    if opts.before:
        head += f" {'before/after':>12}"
    print(head)
    print("-" * len(head))
    for op in ("compress", "extract"):
        for mb in sizes:
            walls = {}
            for label in repos:
                runs = results[(label, op, mb)]
                done = [x for x in runs if isinstance(x, dict)]
                name = f"{op} {mb} MB"
                if "skipped" in runs:
                    print(f"{name:18} {label:7} {'-':>9}   (not run: the compression passed the timeout)")
                    walls[label] = "skipped"
                    continue
                if len(done) < len(runs):
                    print(f"{name:18} {label:7} {'> %d' % opts.timeout:>9}   ({len(runs) - len(done)} of {len(runs)} "
                          f"run(s) passed the timeout)")
                    walls[label] = None
                    continue
                wall = statistics.median(x["wall"] for x in done)
                mem = statistics.median(x["memory"] for x in done)
                cpu = statistics.median(x["cpu"] for x in done)
                calls = statistics.median(x["calls"] for x in done)
                walls[label] = wall
                line = (f"{name:18} {label:7} {wall:9.2f} {wall / mb:7.2f} {mb / wall:7.3f} {cpu:9.2f} {cpu / mb:9.2f} "
                        f"{mem:9.3f} "
                        f"{100 * mem / wall:6.1f}% {calls:6.0f}")
                if opts.before and label == "after":
                    before = walls.get("before")
                    if before is None:
                        line += f" {'> %.1fx' % (opts.timeout / wall):>12}"
                    elif before != "skipped":
                        line += f" {before / wall:11.1f}x"
                print(line)


if __name__ == "__main__":
    main()
