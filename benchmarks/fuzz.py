"""A structured PE fuzzer: mutants of the samples in samples/bin, each run as `ntboot run` would run it.

    python benchmarks/fuzz.py [--count N] [--seed S] [--jobs J] [--mode batch|cli] [--save DIR]
    python benchmarks/fuzz.py --replay FILE.exe [--target NAME]

Mutations (chosen per mutant by a generator seeded with "seed:index", so a run is reproducible and
any mutant can be rebuilt from its index alone):
  * header   a field of the DOS, file, optional or section headers or a data directory set to a
             boundary value (0, 1, 0x7FFFFFFF, 0xFFFFFFFF, the old value shifted or scaled ...);
  * flips    1 to 32 bits flipped anywhere in the file;
  * truncate the file cut at a random length (mostly inside the headers or the first sections);
  * table    random bytes or boundary dwords written into the import, relocation, TLS, export,
             resource or IAT table (the directory and the 512 bytes after it, where names, thunks and
             callback arrays live).
A mutant of a DLL is run through a sample program that imports it.

Each mutant runs with `--timeout 5 --max-memory 256M`; the supervisor polls the child's resident set
(every 50 ms) and kills it past --rss-limit (1 GiB), and resource.setrlimit(RLIMIT_AS) caps the child's
address space at 16 GiB as a backstop (RLIMIT_RSS is not enforced by Linux, and each Unicorn engine
reserves 1 GiB of address space, so the address space is no measure of use).  Classes:
  guest-exit (the program's own code), ntstatus (a loader failure or an unhandled exception: the
  exit status is an NTSTATUS' low byte), bad-image (126), limit (124), stopped (125),
  internal-error (70), hang (the run took longer than the timeout plus --grace), blow-up (the host
  memory cap was hit: MemoryError, a killed child, or a peak RSS above --rss-limit).

Modes: `cli` runs one `python -m ntboot run ...` child per mutant, exactly as a user would;
`batch` (the default, ~10x faster) keeps J worker children that each call the same `ntboot.cli.main`
in-process for mutant after mutant; the supervisor kills and replaces a worker that overruns a
mutant's deadline or dies.  The internal-error messages are grouped and printed after the table.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "samples", "bin")

EXIT_INTERNAL, EXIT_LIMIT, EXIT_STOPPED, EXIT_BAD_IMAGE = 70, 124, 125, 126
DIRECTORY_NAMES = {0: "export", 1: "import", 2: "resource", 5: "reloc", 9: "tls", 12: "iat"}
INTERESTING = (0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0x100, 0xFFF, 0x1000, 0x1001, 0xFFFF, 0x10000,
               0x7FFEFFFF, 0x7FFF0000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 0x3FFFFFFF)

# -- the PE fields a header mutation may change: (name, offset-from, offset, size) ------------------
FILE_FIELDS = [("Machine", 0, 2), ("NumberOfSections", 2, 2), ("SizeOfOptionalHeader", 16, 2),
               ("Characteristics", 18, 2)]
OPT_FIELDS = [("Magic", 0x00, 2), ("AddressOfEntryPoint", 0x10, 4), ("BaseOfCode", 0x14, 4),
              ("ImageBase", 0x1C, 4), ("SectionAlignment", 0x20, 4), ("FileAlignment", 0x24, 4),
              ("MajorSubsystemVersion", 0x30, 2), ("SizeOfImage", 0x38, 4), ("SizeOfHeaders", 0x3C, 4),
              ("Subsystem", 0x44, 2), ("DllCharacteristics", 0x46, 2), ("SizeOfStackReserve", 0x48, 4),
              ("SizeOfStackCommit", 0x4C, 4), ("SizeOfHeapReserve", 0x50, 4), ("SizeOfHeapCommit", 0x54, 4),
              ("NumberOfRvaAndSizes", 0x5C, 4)]
SECTION_FIELDS = [("VirtualSize", 8, 4), ("VirtualAddress", 12, 4), ("SizeOfRawData", 16, 4),
                  ("PointerToRawData", 20, 4), ("Characteristics", 36, 4)]


class Layout:
    """Where the fields and tables of one (valid) sample are in its file."""

    def __init__(self, data: bytes):
        self.size = len(data)
        self.pe = struct.unpack_from("<I", data, 0x3C)[0]
        self.fh = self.pe + 4
        self.opt = self.pe + 0x18
        self.nsections, = struct.unpack_from("<H", data, self.fh + 2)
        opt_size, = struct.unpack_from("<H", data, self.fh + 16)
        self.sect = self.opt + opt_size
        self.image_base, = struct.unpack_from("<I", data, self.opt + 0x1C)
        self.size_of_image, = struct.unpack_from("<I", data, self.opt + 0x38)
        self.sections = [struct.unpack_from("<IIII", data, self.sect + 40 * i + 8) for i in range(self.nsections)]
        self.tables = {}
        for index in DIRECTORY_NAMES:
            rva, size = struct.unpack_from("<II", data, self.opt + 0x60 + 8 * index)
            off = self.rva_to_offset(rva)
            if rva and off is not None:
                self.tables[index] = (off, min(size + 512, self.size - off))

    def rva_to_offset(self, rva: int) -> int | None:
        for vsize, va, raw_size, raw_off in self.sections:
            if va <= rva < va + max(vsize, raw_size) and rva - va < raw_size:
                return raw_off + rva - va
        return None

    def fields(self):
        out = [("e_lfanew", 0x3C, 4)]
        out += [(n, self.fh + o, s) for n, o, s in FILE_FIELDS]
        out += [(n, self.opt + o, s) for n, o, s in OPT_FIELDS]
        out += [(f"dir[{DIRECTORY_NAMES.get(i, i)}].{k}", self.opt + 0x60 + 8 * i + 4 * j, 4)
                for i in range(16) for j, k in enumerate(("rva", "size"))]
        out += [(f"section[{i}].{n}", self.sect + 40 * i + o, s)
                for i in range(self.nsections) for n, o, s in SECTION_FIELDS]
        return out


def _value(rng: random.Random, old: int, size: int, layout: Layout) -> int:
    choice = rng.randrange(6)
    if choice == 0:
        v = rng.choice(INTERESTING)
    elif choice == 1:
        v = old + rng.choice((-4096, -4, -1, 1, 4, 4096, 0x10000))
    elif choice == 2:
        v = old * rng.choice((2, 16, 0x1000, 0x10000)) or 0x1000
    elif choice == 3:
        v = layout.image_base + rng.randrange(max(layout.size_of_image, 1) + 0x2000)
    elif choice == 4:
        v = rng.randrange(max(layout.size_of_image, 1) + 0x2000)
    else:
        v = rng.getrandbits(32)
    return v & ((1 << (8 * size)) - 1)


KINDS = {"header": 4, "flips": 2, "truncate": 1, "table": 5}      # the kinds and their weights


def mutate(data: bytes, rng: random.Random, kinds=tuple(KINDS)) -> tuple[bytes, str]:
    """One mutant of a valid image, and a short description of what was done."""
    layout = Layout(data)
    out = bytearray(data)
    kind = rng.choices(kinds, weights=[KINDS[k] for k in kinds])[0]
    if kind == "table" and not layout.tables:
        kind = "header"
    if kind == "header":
        done = []
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            name, off, size = rng.choice(layout.fields())
            if off + size > len(out):
                continue
            old = int.from_bytes(out[off:off + size], "little")
            new = _value(rng, old, size, layout)
            out[off:off + size] = new.to_bytes(size, "little")
            done.append(f"{name}={new:#x}")
        return bytes(out), "header " + " ".join(done)
    if kind == "flips":
        n = rng.choice((1, 2, 4, 8, 32))
        for _ in range(n):
            bit = rng.randrange(8 * len(out))
            out[bit // 8] ^= 1 << (bit % 8)
        return bytes(out), f"flips {n}"
    if kind == "truncate":
        limit = rng.choice((layout.sect + 40 * layout.nsections + 0x40, 0x1000, len(out)))
        cut = rng.randrange(0x40, max(0x41, min(limit, len(out))))
        return bytes(out[:cut]), f"truncate {cut:#x}"
    index = rng.choice(sorted(layout.tables))
    off, size = layout.tables[index]
    what = []
    for _ in range(rng.choice((1, 1, 2, 4, 8))):
        if rng.random() < 0.6 and size >= 4:
            at = off + rng.randrange(size // 4) * 4 if rng.random() < 0.8 else off + rng.randrange(size - 3)
            old = int.from_bytes(out[at:at + 4], "little")
            out[at:at + 4] = _value(rng, old, 4, layout).to_bytes(4, "little")
            what.append(f"+{at - off:#x}")
        else:
            n = rng.choice((1, 4, 16, 64))
            at = off + rng.randrange(max(size - n, 1))
            out[at:at + n] = rng.randbytes(min(n, len(out) - at))
            what.append(f"+{at - off:#x}:{n}")
    return bytes(out), f"table {DIRECTORY_NAMES[index]} " + ",".join(what)


# -- targets -----------------------------------------------------------------------------------------
def _imports_of(data: bytes) -> set[str]:
    import pefile
    try:
        pe = pefile.PE(data=data, fast_load=True)
        pe.parse_data_directories(directories=[1])
        return {e.dll.decode("latin-1").lower() for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])}
    except Exception:
        return set()


def targets(names: list[str] | None = None) -> list[tuple[str, str]]:
    """(file to mutate, program to run) pairs: an EXE runs itself; a DLL runs a program importing it."""
    files = sorted(f for f in os.listdir(BIN) if f.lower().endswith((".exe", ".dll")))
    imports = {f: _imports_of(open(os.path.join(BIN, f), "rb").read()) for f in files if f.endswith(".exe")}
    out = []
    for f in files:
        if names and f not in names:
            continue
        if f.endswith(".exe"):
            out.append((f, f))
            continue
        host = next((e for e in sorted(imports) if f.lower() in imports[e]), None)
        if host is not None:
            out.append((f, host))
    return out


def make_mutant(seed: int, index: int, target_list, kinds=tuple(KINDS)):
    rng = random.Random(f"{seed}:{index}")
    mutated, program = target_list[index % len(target_list)]
    data = open(os.path.join(BIN, mutated), "rb").read()
    blob, what = mutate(data, rng, kinds)
    return mutated, program, blob, what


# -- running -----------------------------------------------------------------------------------------
def run_args(program_path: str, timeout: float, max_memory: str) -> list[str]:
    return ["run", "--no-progress", "--timeout", str(timeout), "--max-memory", max_memory, program_path]


def _limit_memory(cap: int):
    def apply():
        if cap:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        os.setsid()
    return apply


def prepare_folder(folder: str, mutated: str, blob: bytes) -> None:
    """The samples, hard-linked (copied where links fail), with `mutated` replaced by the mutant."""
    for f in os.listdir(BIN):
        src = os.path.join(BIN, f)
        if not os.path.isfile(src):
            continue
        dst = os.path.join(folder, f)
        if os.path.lexists(dst):
            os.unlink(dst)
        if f == mutated:
            with open(dst, "wb") as fh:
                fh.write(blob)
            continue
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)


def classify(code: int | None, message: str, wall: float, limit: float, rss_kb: int, rss_limit_kb: int) -> str:
    if code is None or wall > limit:
        return "hang"
    if re.search(r"\bMemoryError\b(?!_)|UC_ERR_NOMEM|translator buffer", message) or \
            (rss_limit_kb and rss_kb > rss_limit_kb):
        return "blow-up"
    if code < 0:
        return "blow-up" if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT) else f"signal {-code}"
    if code == EXIT_INTERNAL:
        return "internal-error"
    if code == EXIT_BAD_IMAGE:
        return "bad-image"
    if code == EXIT_LIMIT:
        return "limit"
    if code == EXIT_STOPPED:
        return "stopped"
    if "exited with 0xc" in message.lower():
        return "ntstatus"
    return "guest-exit"


WORKER = r"""
import gc, io, json, os, resource, sys, time
sys.path.insert(0, %(root)r)
out = os.fdopen(os.dup(1), "w", buffering=1)
cmd = sys.stdin
sink = os.open(os.devnull, os.O_WRONLY)
os.dup2(sink, 1)
from ntboot import cli
for line in cmd:
    job = json.loads(line)
    err = open(job["stderr"], "w+")
    os.dup2(err.fileno(), 2)
    sys.stderr = io.TextIOWrapper(os.fdopen(os.dup(2), "wb"), write_through=True)
    t = time.perf_counter()
    try:
        code = cli.main(job["argv"])
    except MemoryError:
        code = 70
        print("ntboot: internal error: MemoryError", file=sys.stderr)
    wall = time.perf_counter() - t
    sys.stderr.flush()
    err.seek(0)
    msg = err.read()[-2000:]
    err.close()
    gc.collect()        # the engines of this run release their translation buffers now
    rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0])
    out.write(json.dumps({"code": code, "wall": wall, "message": msg, "rss": rss}) + "\n")
"""


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return int(fh.read().split("VmRSS:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return 0


class Worker:
    def __init__(self, folder: str, cap: int, rss_limit_kb: int):
        self.folder = folder
        self.cap = cap
        self.rss_limit_kb = rss_limit_kb
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER % {"root": ROOT}], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     preexec_fn=_limit_memory(self.cap), cwd=self.folder)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def run(self, argv: list[str], deadline: float) -> dict:
        """Run one job; kill the worker if it overruns `deadline` seconds (plus its start-up)."""
        if self.proc is None:
            self.start()
        stderr_path = os.path.join(self.folder, "stderr.txt")
        reply = {}

        def read():
            line = self.proc.stdout.readline()
            if line:
                reply.update(json.loads(line))
        self.proc.stdin.write(json.dumps({"argv": argv, "stderr": stderr_path}) + "\n")
        self.proc.stdin.flush()
        t = time.perf_counter()
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        peak = 0
        while reader.is_alive() and time.perf_counter() - t < deadline and peak <= self.rss_limit_kb:
            reader.join(0.05)
            peak = max(peak, rss_kb(self.proc.pid))
        wall = time.perf_counter() - t
        if not reply:
            overran = reader.is_alive() and peak <= self.rss_limit_kb
            self.kill()
            reader.join(5)
            code = None if overran else self._last_code
            msg = open(stderr_path, errors="replace").read()[-2000:] if os.path.exists(stderr_path) else ""
            return {"code": code, "wall": wall, "message": msg, "rss": peak}
        reply["rss"] = max(reply["rss"], peak)
        return reply

    @property
    def _last_code(self):
        return self.proc.returncode if self.proc else -signal.SIGKILL


def run_cli(argv: list[str], deadline: float, cap: int, rss_limit_kb: int) -> dict:
    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "ntboot"] + argv, stdout=subprocess.DEVNULL,
                                stderr=err, preexec_fn=_limit_memory(cap), cwd=ROOT)
        peak = 0
        while proc.poll() is None and time.perf_counter() - t < deadline and peak <= rss_limit_kb:
            time.sleep(0.05)
            peak = max(peak, rss_kb(proc.pid))
        wall = time.perf_counter() - t
        code = proc.poll()
        if code is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None if peak <= rss_limit_kb else -signal.SIGKILL
        err.seek(0)
        message = err.read().decode("utf-8", "replace")[-2000:]
    return {"code": code, "wall": wall, "message": message, "rss": peak}


def fuzz(count: int, seed: int = 0, jobs: int = 2, mode: str = "batch", timeout: float = 5.0,
         max_memory: str = "256M", grace: float = 10.0, cap: int = 16 << 30, rss_limit_kb: int = 1 << 20,
         names: list[str] | None = None, save: str | None = None, progress=None, start: int = 0,
         kinds=tuple(KINDS)) -> list[dict]:
    """Run mutants start..start+count-1 of `seed`; returns one record per mutant."""
    tlist = targets(names)
    results: list[dict] = []
    lock = threading.Lock()
    indices = iter(range(start, start + count))
    base = tempfile.mkdtemp(prefix="ntboot-fuzz-")

    def work(n: int):
        folder = os.path.join(base, f"w{n}")
        os.makedirs(folder)
        worker = Worker(folder, cap, rss_limit_kb) if mode == "batch" else None
        try:
            while True:
                with lock:
                    i = next(indices, None)
                if i is None:
                    return
                mutated, program, blob, what = make_mutant(seed, i, tlist, kinds)
                prepare_folder(folder, mutated, blob)
                argv = run_args(os.path.join(folder, program), timeout, max_memory)
                if worker is not None:
                    r = worker.run(argv, timeout + grace)
                    if r["rss"] > rss_limit_kb:
                        worker.kill()        # the next mutant gets a fresh worker
                else:
                    r = run_cli(argv, timeout + grace, cap, rss_limit_kb)
                r["class"] = classify(r["code"], r["message"], r["wall"], timeout + grace, r["rss"], rss_limit_kb)
                r.update(index=i, mutated=mutated, program=program, what=what)
                if save and r["class"] in ("internal-error", "hang", "blow-up"):
                    os.makedirs(save, exist_ok=True)
                    with open(os.path.join(save, f"{seed}-{i}-{mutated}"), "wb") as fh:
                        fh.write(blob)
                with lock:
                    results.append(r)
                    if progress:
                        progress(r, len(results), count)
        finally:
            if worker is not None:
                worker.kill()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shutil.rmtree(base, ignore_errors=True)
    results.sort(key=lambda r: r["index"])
    return results


def first_line(message: str) -> str:
    for line in message.splitlines():
        if "internal error" in line or "MemoryError" in line:
            return line.strip()
    return (message.strip().splitlines() or [""])[-1][:200]


def table(results: list[dict], elapsed: float) -> str:
    classes = collections.Counter(r["class"] for r in results)
    order = ["guest-exit", "ntstatus", "bad-image", "limit", "stopped", "internal-error", "hang", "blow-up"]
    lines = [f"{'outcome':<16}{'mutants':>9}{'share':>9}"]
    for c in order + sorted(set(classes) - set(order)):
        n = classes.get(c, 0)
        lines.append(f"{c:<16}{n:>9}{100 * n / max(len(results), 1):>8.1f}%")
    lines.append(f"{'total':<16}{len(results):>9}")
    walls = sorted(r["wall"] for r in results)
    if walls:
        lines.append(f"wall per mutant: median {walls[len(walls) // 2]:.2f} s, max {walls[-1]:.2f} s; "
                     f"{elapsed:.0f} s in all ({len(results) / max(elapsed, 1e-9):.1f} mutants/s)")
    bad = [r for r in results if r["class"] in ("internal-error", "hang", "blow-up")]
    if bad:
        groups = collections.Counter((r["class"], first_line(r["message"])) for r in bad)
        lines.append("")
        lines.append("failures (class, message: count, first mutant):")
        for (c, msg), n in groups.most_common():
            first = next(r for r in bad if r["class"] == c and first_line(r["message"]) == msg)
            lines.append(f"  {c}: {msg}: {n}x, e.g. #{first['index']} {first['mutated']} ({first['what']})")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--start", type=int, default=0, help="first mutant index")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--mode", choices=("batch", "cli"), default="batch")
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("--max-memory", default="256M")
    p.add_argument("--grace", type=float, default=10.0, help="seconds past --timeout before a run is a hang")
    p.add_argument("--cap", type=int, default=16 << 30,
                   help="host address-space cap of a child, bytes (a backstop: every Unicorn engine reserves "
                        "1 GiB of address space for translated code, so it cannot be the memory measure)")
    p.add_argument("--rss-limit", type=int, default=1 << 20, metavar="KIB",
                   help="a child whose resident memory passes this is killed: a blow-up (default 1 GiB)")
    p.add_argument("--target", action="append", help="only these samples (file names); may be repeated")
    p.add_argument("--save", metavar="DIR", help="keep the failing mutants here")
    p.add_argument("--kinds", default=",".join(KINDS),
                   help="the mutation kinds to draw from (default: all of " + ", ".join(KINDS) + ")")
    p.add_argument("--show", type=int, metavar="INDEX", help="print what mutant INDEX is and exit")
    ns = p.parse_args(argv)
    kinds = tuple(k for k in ns.kinds.split(",") if k)
    if not kinds or set(kinds) - set(KINDS):
        p.error(f"--kinds: choose from {', '.join(KINDS)}")
    if ns.show is not None:
        mutated, program, _, what = make_mutant(ns.seed, ns.show, targets(ns.target), kinds)
        print(f"#{ns.show}: {mutated} (run through {program}): {what}")
        return 0

    def progress(r, done, total):
        if sys.stderr.isatty():
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)
        if r["class"] in ("internal-error", "hang", "blow-up"):
            print(f"\n#{r['index']} {r['mutated']} {r['class']}: {first_line(r['message'])} ({r['what']})",
                  file=sys.stderr)
    t = time.perf_counter()
    results = fuzz(ns.count, ns.seed, ns.jobs, ns.mode, ns.timeout, ns.max_memory, ns.grace,
                   ns.cap, ns.rss_limit, names=ns.target, save=ns.save, progress=progress, start=ns.start,
                   kinds=kinds)
    print(file=sys.stderr)
    print(f"seed {ns.seed}, mutants {ns.start}..{ns.start + ns.count - 1} ({','.join(kinds)}), mode {ns.mode}, "
          f"jobs {ns.jobs}, --timeout {ns.timeout:g} --max-memory {ns.max_memory}")
    print(table(results, time.perf_counter() - t))
    return 1 if any(r["class"] in ("internal-error", "hang", "blow-up") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
