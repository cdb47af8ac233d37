"""`ntboot survey`: what would break across a corpus of programs.

    ntboot survey PATH... [--jobs N] [--timeout S] [--args "..."] [--json|--markdown] [-o FILE]

For every PE32 (i386) image found (folders are searched recursively; other files are skipped, PE32+
and non-i386 images with a note):

* the static census of its imports, as `ntboot imports` computes it (`ntboot.api.imports_table`):
  each import implemented, stub only (a real export without a handler), not exported, or its DLL
  missing;
* a run in a host process of its own, with limits on (time, committed memory, processes), classified
  from the run's report (`kernel/report.py`): exited (code), unsupported API (function and caller),
  missing DLL or export, unhandled exception (status, module+offset), limit reached, deadlock,
  loader error, bad image, internal error.  DLLs get the census only.

A PATH may also be a survey list: a JSON file `{"programs": [{"name", "path", "args", "stdin",
"expect": {"exit_code", "stdout", "stdout_contains"}}]}` (paths relative to the file's folder), as
`corpus/fetch.py` writes for the census corpus; each program then runs with its own arguments and
input, and the survey says whether it ran to its expected output.

The output is a table per program and a ranking of the missing and unimplemented functions by how
many programs each one blocks (the function a run stopped at, and the imports the census found
unresolved), as text, JSON or Markdown.  Runs go through an `Executor` (map jobs -> results); the
local process pool is the one implementation here.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import shlex
import struct
import sys
import tempfile
import time
from collections import Counter
from typing import Iterable, Iterator, Protocol

SCHEMA = "ntboot-survey/1"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_MEMORY = 512 << 20
DEFAULT_MAX_PROCESSES = 16
HARD_GRACE = 60.0            # a host process still alive this long after its run's timeout is killed

# run outcomes
EXITED = "exited"
UNSUPPORTED = "unsupported API"
MISSING = "missing DLL or export"
EXCEPTION = "unhandled exception"
LIMIT = "limit reached"
DEADLOCK = "deadlock"
LOADER = "loader error"
BAD_IMAGE = "bad image"
INTERNAL = "internal error"
NOT_RUN = "not run"

LIMIT_REASONS = ("timeout", "instruction limit", "API call limit", "memory limit", "process limit")
MISSING_STATUSES = {0xC0000135: "DLL", 0xC0000139: "export", 0xC0000138: "ordinal"}
_NOT_IMPLEMENTED = re.compile(r"(?:system service )?(\S+!\S+?)(?: \(0x[0-9a-f]+\))? is not implemented; "
                              r"called from (\S+)")
_NOT_FOUND_DLL = re.compile(r"^(\S+) was not found")
_NOT_FOUND_EXPORT = re.compile(r"entry point (\S+) could not be located in (\S+)")
_NOT_FOUND_ORDINAL = re.compile(r"ordinal (\d+) could not be located in (\S+)")


# -- what to survey -------------------------------------------------------------------------------------
@dataclasses.dataclass
class Target:
    """One program to survey, with its arguments, console input and (optionally) what Windows gives."""
    path: str
    name: str = ""
    args: list = dataclasses.field(default_factory=list)
    stdin: bytes = b""
    expect: dict | None = None           # {"exit_code": int, "stdout": str, "stdout_contains": [str]}
    source: str = ""                     # where it comes from (a survey list's "source")

    def __post_init__(self):
        self.name = self.name or os.path.basename(self.path)


@dataclasses.dataclass
class Job:
    target: Target
    timeout: float = DEFAULT_TIMEOUT
    max_memory: int = DEFAULT_MAX_MEMORY
    max_processes: int = DEFAULT_MAX_PROCESSES
    profile: str | None = None


def pe_kind(path: str) -> str:
    """"pe32" (i386 PE32), "dll" (an i386 PE32 DLL), or why not: "not PE", "PE32+", "machine 0x...."."""
    try:
        with open(path, "rb") as f:
            head = f.read(0x40)
            if len(head) < 0x40 or head[:2] != b"MZ":
                return "not PE"
            f.seek(struct.unpack_from("<I", head, 0x3C)[0])
            nt = f.read(4 + 20 + 2)
    except (OSError, struct.error, ValueError, OverflowError):
        return "not PE"
    if len(nt) < 26 or nt[:4] != b"PE\0\0":
        return "not PE"
    machine, characteristics, magic = struct.unpack_from("<H", nt, 4)[0], struct.unpack_from("<H", nt, 22)[0], \
        struct.unpack_from("<H", nt, 24)[0]
    if magic == 0x20B:
        return "PE32+"
    if machine != 0x14C:
        return f"machine {machine:#06x}"
    return "dll" if characteristics & 0x2000 else "pe32"


def collect(paths: Iterable[str], args: list | None = None) -> tuple[list[Target], list[dict]]:
    """The targets under `paths` (folders recursively, survey lists expanded) and the skipped files
    worth a note (PE32+ and non-i386 images; a named file that is no PE image)."""
    targets, skipped = [], []
    for top in paths:
        if os.path.isfile(top) and top.endswith(".json") and pe_kind(top) == "not PE":
            targets.extend(read_list(top))
            continue
        if os.path.isdir(top):
            files = []
            for folder, dirs, names in os.walk(top):
                dirs.sort()
                files.extend(os.path.join(folder, n) for n in sorted(names))
            named = False
        elif os.path.exists(top):
            files, named = [top], True
        else:
            skipped.append({"path": top, "note": "does not exist"})
            continue
        for path in files:
            kind = pe_kind(path)
            if kind in ("pe32", "dll"):
                targets.append(Target(path, args=list(args or [])))
            elif kind != "not PE" or named:
                skipped.append({"path": path, "note": kind if kind != "PE32+" else "PE32+ (64-bit): not surveyed"})
    return targets, skipped


def read_list(path: str) -> list[Target]:
    """The programs of a survey list (see the module doc)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    base = os.path.dirname(os.path.abspath(path))
    out = []
    for p in data["programs"]:
        stdin = p.get("stdin", "")
        out.append(Target(os.path.join(base, p["path"]), name=p.get("name", ""), args=list(p.get("args", [])),
                          stdin=stdin.encode("utf-8") if isinstance(stdin, str) else bytes(stdin),
                          expect=p.get("expect"), source=p.get("source", "")))
    return out


# -- one program, in its own host process ---------------------------------------------------------------
def census(path: str, profile: str | None = None) -> dict:
    """The static census of a program's imports (`ntboot.api.imports_table`), counted and listed."""
    from ntboot.api import imports_table
    from kernel.profiles import get_profile
    resolve_api_set = get_profile(profile).resolve_api_set
    counts = Counter()
    unresolved = []                     # [{"function", "kind"}]: stub, not exported, DLL missing
    modules = []
    for module in imports_table(path, profile)["modules"]:
        modules.append(module["name"])
        for row in module["imports"]:
            dll, mark = row["dll"], row["detail"]
            name = row["function"] if row["function"] is not None else f"#{row['ordinal']}"
            if mark == "implemented":
                counts["implemented"] += 1
            elif mark.startswith("in "):
                counts["own"] += 1
            elif mark == "NOT IMPLEMENTED":
                counts["stub"] += 1
                host = resolve_api_set(dll) or dll
                unresolved.append({"function": f"{_dll_name(host)}!{name}", "kind": "stub"})
            elif mark.startswith("NOT EXPORTED"):
                counts["not exported"] += 1
                target = mark.rpartition(" by ")[2]
                unresolved.append({"function": f"{_dll_name(target)}!{name}", "kind": "not exported"})
            else:
                counts["DLL missing"] += 1
                unresolved.append({"function": f"{dll.lower()}", "kind": "DLL missing"})
    total = sum(counts.values())
    return {"modules": modules, "imports": total, "counts": dict(counts),
            "complete": total == counts["implemented"] + counts["own"],
            "unresolved": _unique(unresolved)}


def _dll_name(dll: str) -> str:
    return dll.lower().removesuffix(".dll")


def _unique(items: list[dict]) -> list[dict]:
    seen, out = set(), []
    for item in items:
        key = (item["function"], item["kind"])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def classify(report: dict) -> dict:
    """A run's outcome from its report (kernel/report_schema.json): {"outcome", "detail", "exit_code",
    "status", "function", "caller", "location"}."""
    result = report["result"]
    reason, message = result["reason"], result.get("message") or ""
    stop = report.get("stop") or {}
    out = {"outcome": reason, "detail": message, "exit_code": result.get("exit_code"),
           "status": result.get("status"), "function": None, "caller": None,
           "location": stop.get("location")}
    if reason == "exited":
        code = result["exit_code"]
        name = result.get("exit_code_name")
        out.update(outcome=EXITED, detail=f"{code}" if code is not None and code < 0x10000 else
                   f"{code:#010x}" + (f" ({name})" if name else ""))
    elif reason == "unsupported API":
        m = _NOT_IMPLEMENTED.search(message)
        out["outcome"] = UNSUPPORTED
        if m:
            out.update(function=m.group(1), caller=m.group(2), detail=f"{m.group(1)} from {m.group(2)}")
        else:               # a handler that refuses some of its arguments: its message names it
            out["function"] = message.split(" ", 1)[0] if "!" in message.split(" ", 1)[0] else None
    elif reason == "loader error" and result.get("status") in MISSING_STATUSES:
        out["outcome"] = MISSING
        status = result["status"]
        if status == 0xC0000135:
            m = _NOT_FOUND_DLL.search(message)
            out["function"] = m.group(1).lower() if m else None
        else:
            m = _NOT_FOUND_EXPORT.search(message) or _NOT_FOUND_ORDINAL.search(message)
            if m:
                name = m.group(1) if status == 0xC0000139 else "#" + m.group(1)
                out["function"] = f"{_dll_name(m.group(2))}!{name}"
        out["detail"] = f"{MISSING_STATUSES[status]} {out['function'] or '?'} ({result.get('status_name')})"
    elif reason == "unhandled exception":
        exc = stop.get("exception") or {}
        code = exc.get("code", result.get("status"))
        out.update(outcome=EXCEPTION, status=code,
                   detail=f"{code:#010x} ({exc.get('name') or result.get('status_name') or '?'}) at "
                          f"{stop.get('location', '?')}" if code is not None else message)
    elif reason in LIMIT_REASONS:
        out.update(outcome=LIMIT, detail=f"{reason} at {stop.get('location', '?')}")
    elif reason == "deadlock":
        out["outcome"] = DEADLOCK
    elif reason == "loader error":
        out["outcome"] = LOADER
    elif reason != INTERNAL:
        out["outcome"] = INTERNAL
        out["detail"] = f"unexpected end of the run: {reason}: {message}"
    return out


ENDED = (EXITED, MISSING, EXCEPTION, LOADER)        # outcomes where the process ended with an exit code


def expected(target_expect: dict | None, run: dict, stdout: str | None, stderr: str | None = None) -> bool | None:
    """Whether a run gave what Windows gives (None: no expectation): the process ended (exited, or was
    ended by the loader or an unhandled exception, as Windows ends it) with the expected exit code, and
    its stdout (CRLF read as LF) is `stdout` or holds each of `stdout_contains`, its stderr each of
    `stderr_contains`."""
    if not target_expect:
        return None
    if run["outcome"] not in ENDED or run["exit_code"] != target_expect.get("exit_code", 0):
        return False
    out = (stdout or "").replace("\r\n", "\n")
    err = (stderr or "").replace("\r\n", "\n")
    if "stdout" in target_expect and (stdout is None or out != target_expect["stdout"]):
        return False
    return (all(s in out for s in target_expect.get("stdout_contains", ()))
            and all(s in err for s in target_expect.get("stderr_contains", ())))


def survey_one(job: Job) -> dict:
    """Census and run of one program (the body of a survey worker).  Never raises."""
    target = job.target
    out = {"name": target.name, "path": target.path, "source": target.source, "args": target.args,
           "kind": pe_kind(target.path), "census": None, "run": None, "expected": None, "seconds": None}
    try:
        out["census"] = census(target.path, job.profile)
    except Exception as e:           # an image pefile refuses: the run says what Windows says
        out["census"] = {"error": f"{type(e).__name__}: {e}", "complete": False, "imports": 0,
                         "counts": {}, "unresolved": [], "modules": []}
    if out["kind"] == "dll":
        out["run"] = {"outcome": NOT_RUN, "detail": "a DLL", "exit_code": None, "status": None,
                      "function": None, "caller": None, "location": None}
        return out
    t = time.perf_counter()
    stdout = stderr = None
    try:
        from ntboot.api import Emulator, ProgramError
        emu = Emulator(timeout=job.timeout, max_memory=job.max_memory, max_processes=job.max_processes,
                       profile=job.profile, stdin=target.stdin, report=True)
        try:
            try:
                emu.create_process(target.path, target.args)
            except ProgramError as e:
                out["run"] = {"outcome": BAD_IMAGE, "detail": str(e), "exit_code": None, "status": e.status,
                              "function": None, "caller": None, "location": None}
            else:
                emu.run()
                report = emu.report()
                out["run"] = classify(report)
                blob, eblob = report["stdout"], report["stderr"]
                stdout = blob["data"] if blob["encoding"] == "utf-8" else None
                stderr = eblob["data"] if eblob["encoding"] == "utf-8" else None
                out["stdout_head"] = (stdout or "")[:400]
                out["stderr_head"] = (stderr or "")[:400]
        finally:
            emu.close()
    except Exception as e:
        import traceback
        out["run"] = {"outcome": INTERNAL, "detail": f"{type(e).__name__}: {e}", "exit_code": None,
                      "status": None, "function": None, "caller": None, "location": None,
                      "traceback": traceback.format_exc()}
    out["seconds"] = round(time.perf_counter() - t, 2)
    out["expected"] = expected(target.expect, out["run"], stdout, stderr)
    return out


# -- executors --------------------------------------------------------------------------------------------
class Executor(Protocol):
    """Runs `fn(job)` for every job, each in a host process of its own; yields (index, result) as they
    finish.  `fn` and the jobs are picklable (module-level function, dataclasses)."""

    def map(self, fn, jobs: list) -> Iterator[tuple[int, dict]]: ...


class LocalPool:
    """At most `workers` forked host processes at a time, one per job; a process still alive
    `hard_timeout(job)` seconds after it started is killed, and one that dies without a result (a
    crash of the CPU emulator, the host's memory killer) gives an internal error."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)

    @staticmethod
    def hard_timeout(job) -> float:
        return getattr(job, "timeout", DEFAULT_TIMEOUT) * 2 + HARD_GRACE

    def map(self, fn, jobs: list) -> Iterator[tuple[int, dict]]:
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        pending = list(enumerate(jobs))
        running = {}                     # sentinel -> (index, process, result file, deadline)
        with tempfile.TemporaryDirectory(prefix="ntboot-survey-") as tmp:
            try:
                while pending or running:
                    while pending and len(running) < self.workers:
                        index, job = pending.pop(0)
                        path = os.path.join(tmp, f"{index}.json")
                        proc = ctx.Process(target=_worker, args=(fn, job, path), daemon=True)
                        proc.start()
                        running[proc.sentinel] = (index, proc, path, time.monotonic() + self.hard_timeout(job))
                    now = time.monotonic()
                    wait = max(0.0, min(d for _, _, _, d in running.values()) - now)
                    ready = multiprocessing.connection.wait(list(running), timeout=min(wait, 5.0))
                    now = time.monotonic()
                    for sentinel in list(running):
                        index, proc, path, deadline = running[sentinel]
                        if sentinel not in ready and now < deadline:
                            continue
                        del running[sentinel]
                        if sentinel not in ready:
                            proc.kill()
                        proc.join()
                        yield index, _collect(path, proc, jobs[index], killed=sentinel not in ready)
            finally:
                for _, proc, _, _ in running.values():
                    proc.kill()
                    proc.join()


def _worker(fn, job, path: str) -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):                 # the guest's echo and any stray print stay out of the table
        os.dup2(devnull, fd)
    result = fn(job)
    with open(path + ".part", "w", encoding="utf-8") as f:
        json.dump(result, f)
    os.replace(path + ".part", path)


def _collect(path: str, proc, job, killed: bool) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        pass
    target = job.target
    why = (f"the host process was killed after {LocalPool.hard_timeout(job):.0f} s (its run did not stop at "
           f"its {job.timeout:g} s limit)" if killed else f"the host process died (exit status {proc.exitcode})")
    return {"name": target.name, "path": target.path, "source": target.source, "args": target.args,
            "kind": pe_kind(target.path), "census": None, "expected": False if target.expect else None,
            "seconds": None,
            "run": {"outcome": INTERNAL, "detail": why, "exit_code": None, "status": None, "function": None,
                    "caller": None, "location": None}}


# -- the survey ---------------------------------------------------------------------------------------------
def survey(targets: list[Target], *, executor: Executor | None = None, timeout: float = DEFAULT_TIMEOUT,
           max_memory: int = DEFAULT_MAX_MEMORY, max_processes: int = DEFAULT_MAX_PROCESSES,
           profile: str | None = None, skipped=(), progress=None) -> dict:
    """Survey `targets`; returns the survey document (what --json prints)."""
    from kernel.profiles import get_profile
    profile = get_profile(profile).name
    executor = executor or LocalPool()
    jobs = [Job(t, timeout=timeout, max_memory=max_memory, max_processes=max_processes, profile=profile)
            for t in targets]
    results: list[dict | None] = [None] * len(jobs)
    done = 0
    for index, result in executor.map(survey_one, jobs):
        results[index] = result
        done += 1
        if progress is not None:
            progress(done, len(jobs), result["name"])
    return {"schema": SCHEMA, "profile": profile,
            "limits": {"timeout": timeout, "max_memory": max_memory, "max_processes": max_processes},
            "programs": results, "skipped": list(skipped), "ranking": ranking(results),
            "summary": summary(results)}


def ranking(results: list[dict]) -> list[dict]:
    """Missing and unimplemented functions (and missing DLLs) by the number of programs each blocks:
    the function a run stopped at, and the imports the census found unresolved."""
    runs, static, kinds = Counter(), Counter(), {}
    for r in results:
        run = r.get("run") or {}
        if run.get("outcome") in (UNSUPPORTED, MISSING) and run.get("function"):
            runs[run["function"]] += 1
            kinds.setdefault(run["function"], "stub" if run["outcome"] == UNSUPPORTED else "missing")
        for item in (r.get("census") or {}).get("unresolved", ()):
            static[item["function"]] += 1
            kinds[item["function"]] = item["kind"]
    blocked = Counter()
    for r in results:
        names = {i["function"] for i in (r.get("census") or {}).get("unresolved", ())}
        run = r.get("run") or {}
        if run.get("outcome") in (UNSUPPORTED, MISSING) and run.get("function"):
            names.add(run["function"])
        blocked.update(names)
    order = sorted(blocked, key=lambda f: (-blocked[f], -runs[f], f))
    return [{"function": f, "kind": kinds[f], "programs": blocked[f], "runs_stopped": runs[f],
             "imported_by": static[f]} for f in order]


def summary(results: list[dict]) -> dict:
    programs = [r for r in results if r.get("kind") != "dll"]
    with_expect = [r for r in programs if r.get("expected") is not None]
    complete = sum(1 for r in results if (r.get("census") or {}).get("complete"))
    outcomes = Counter((r.get("run") or {}).get("outcome") for r in programs)
    return {"images": len(results), "programs": len(programs), "import_complete": complete,
            "import_complete_pct": round(100 * complete / len(results), 1) if results else 0.0,
            "with_expectation": len(with_expect),
            "as_expected": sum(1 for r in with_expect if r["expected"]),
            "as_expected_pct": round(100 * sum(1 for r in with_expect if r["expected"]) / len(with_expect), 1)
            if with_expect else 0.0,
            "outcomes": dict(sorted(outcomes.items(), key=lambda kv: (-kv[1], str(kv[0])))),
            "internal_errors": outcomes.get(INTERNAL, 0)}


# -- output -------------------------------------------------------------------------------------------------
def _imports_cell(c: dict | None) -> str:
    if not c:
        return "?"
    if "error" in c:
        return "unreadable"
    counts = c["counts"]
    ok = counts.get("implemented", 0) + counts.get("own", 0)
    parts = [f"{ok}/{c['imports']}"]
    for key in ("stub", "not exported", "DLL missing"):
        if counts.get(key):
            parts.append(f"{counts[key]} {key}")
    return ", ".join(parts)


def _expected_cell(value) -> str:
    return {True: "yes", False: "NO", None: "-"}[value]


def rows(doc: dict, sources: bool = False) -> list[list[str]]:
    out = []
    for r in doc["programs"]:
        run = r["run"] or {}
        out.append([r["name"], _imports_cell(r["census"]), run.get("outcome", "?"), run.get("detail") or "",
                    _expected_cell(r.get("expected"))] + ([r.get("source") or ""] if sources else []))
    return out


HEADER = ["program", "imports resolved", "run", "detail", "as expected"]
RANK_HEADER = ["#", "function", "kind", "programs blocked", "runs stopped there", "imported unresolved by"]


def _summary_lines(doc: dict) -> list[str]:
    s = doc["summary"]
    lines = [f"{s['images']} images ({s['programs']} programs): {s['import_complete']} import-complete "
             f"({s['import_complete_pct']}%)"]
    if s["with_expectation"]:
        lines.append(f"{s['as_expected']} of {s['with_expectation']} programs with a known expectation ran to it "
                     f"({s['as_expected_pct']}%)")
    lines.append("outcomes: " + ", ".join(f"{k}: {v}" for k, v in s["outcomes"].items()))
    return lines


def format_text(doc: dict) -> str:
    table = [HEADER] + rows(doc)
    widths = [min(60, max(len(row[i]) for row in table)) for i in range(len(HEADER))]
    lines = ["  ".join(cell[:60].ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for s in doc["skipped"]:
        lines.append(f"skipped {s['path']}: {s['note']}")
    lines += [""] + _summary_lines(doc)
    if doc["ranking"]:
        lines += ["", "what blocks the most programs:"]
        for i, item in enumerate(doc["ranking"], 1):
            lines.append(f"{i:4}. {item['function']:<48} {item['kind']:<13} {item['programs']:3} programs "
                         f"({item['runs_stopped']} runs stopped there, imported unresolved by {item['imported_by']})")
    return "\n".join(lines) + "\n"


def _md(cell: str) -> str:
    return str(cell).replace("|", "\\|").replace("\n", " ")


def format_markdown(doc: dict, top: int | None = None) -> str:
    sources = any(r.get("source") for r in doc["programs"])
    header = HEADER + (["source"] if sources else [])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows(doc, sources)]
    for s in doc["skipped"]:
        lines.append(f"\nSkipped `{s['path']}`: {s['note']}")
    lines += [""] + [line + "  " for line in _summary_lines(doc)]
    if doc["ranking"]:
        lines += ["", "| " + " | ".join(RANK_HEADER) + " |", "|" + "---|" * len(RANK_HEADER)]
        for i, item in enumerate(doc["ranking"][:top] if top else doc["ranking"], 1):
            lines.append(f"| {i} | `{item['function']}` | {item['kind']} | {item['programs']} | "
                         f"{item['runs_stopped']} | {item['imported_by']} |")
    return "\n".join(lines) + "\n"


class _Bar:
    def __init__(self, stream):
        self.stream = stream

    def __call__(self, done: int, total: int, name: str) -> None:
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:30]:<30}")
        if done == total:
            self.stream.write("\r" + " " * (width + 45) + "\r")
        self.stream.flush()


# -- command line ---------------------------------------------------------------------------------------------
def add_arguments(p: argparse.ArgumentParser, size_type) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="programs, folders (searched recursively) or survey lists (.json)")
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                   help="host processes at a time (default: the number of CPUs)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"wall time of each run (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--max-memory", type=size_type, default=DEFAULT_MAX_MEMORY, metavar="BYTES",
                   help="committed user memory of each process (default 512M)")
    p.add_argument("--max-processes", type=int, default=DEFAULT_MAX_PROCESSES, metavar="N",
                   help=f"processes of each run (default {DEFAULT_MAX_PROCESSES})")
    p.add_argument("--args", default="", metavar='"ARGS"',
                   help="arguments for every program found (not for a survey list's programs)")
    p.add_argument("--profile", default=None, help="OS profile (default: the default profile, win7sp1)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="the survey as JSON")
    fmt.add_argument("--markdown", action="store_true", help="Markdown tables")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on a terminal")


def warm(profile: str | None = None) -> None:
    """Import the kernel and synthesize the system DLLs once, in this process, so that forked workers
    start with them (each would otherwise spend about 0.3 s on it)."""
    from ntboot.api import _SystemExports
    from kernel.hle.synth import synthesize
    system = _SystemExports(profile)
    for spec in system.specs.values():
        synthesize(spec, system.profile)


def main(ns) -> int:
    """`ntboot survey`: 0, or 1 when a program ended in an internal error of ntboot."""
    warm(ns.profile)
    targets, skipped = collect(ns.paths, shlex.split(ns.args))
    if ns.jobs < 0 or ns.timeout <= 0:
        print("ntboot: survey: --jobs and --timeout must be positive", file=sys.stderr)
        return 2
    progress = _Bar(sys.stderr) if not ns.no_progress and sys.stderr.isatty() else None
    doc = survey(targets, executor=LocalPool(ns.jobs or None), timeout=ns.timeout, max_memory=ns.max_memory,
                 max_processes=ns.max_processes, profile=ns.profile, skipped=skipped, progress=progress)
    if ns.json:
        text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    elif ns.markdown:
        text = format_markdown(doc)
    else:
        text = format_text(doc)
    if ns.output:
        with open(ns.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 1 if doc["summary"]["internal_errors"] else 0
