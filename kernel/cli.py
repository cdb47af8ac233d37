"""The `ntboot` command line: run, dump, imports.  Everything here is a thin layer over
`kernel.api`, which the tests use as well.

Host exit status of `ntboot run`:
  * the guest's exit code when it is 0..255;
  * otherwise its low 8 bits, and stderr gets `ntboot: <program> exited with 0xXXXXXXXX (NAME)`;
    the same for a process killed by an unhandled exception or a loader failure, whose exit code
    is the NTSTATUS (0xC0000005, 0xC0000135 ...);
  * 127: the program file does not exist; 126: Windows would refuse the image;
    124: the time, instruction or memory limit was reached (also an image --max-memory cannot
    hold); 125: the run stopped on an unsupported API (not with --lenient) or a deadlock;
    70: an internal error of ntboot.  A one-line message names what and where.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from .api import DUMPABLE, Emulator, ProgramError
from .status import status_name

EXIT_NOT_FOUND = 127
EXIT_BAD_IMAGE = 126
EXIT_LIMIT = 124
EXIT_STOPPED = 125
EXIT_INTERNAL = 70


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", help="host folder the guest sees as C:\\ (default: a fresh temporary folder)")
    p.add_argument("--mount", action="append", default=[], metavar="HOST=GUEST[:rw]",
                   help="make a host folder visible at a guest path (read-only unless :rw)")
    p.add_argument("--app-writable", action="store_true", help="let the guest write the program's own folder")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="add a guest environment variable")
    p.add_argument("--max-insns", type=int, default=0, metavar="N", help="stop after N guest instructions")
    p.add_argument("--timeout", type=float, default=0.0, metavar="SECONDS", help="stop after this much wall time")
    p.add_argument("--max-api-calls", type=int, default=0, metavar="N",
                   help="stop after N emulated calls (exports and system services)")
    p.add_argument("--max-memory", type=_size, default=0, metavar="BYTES",
                   help="stop when a process would commit more user memory than this (K/M/G suffixes)")
    p.add_argument("--max-processes", type=int, default=0, metavar="N", help="stop when more than N processes exist")
    p.add_argument("--profile", default="win7sp1", help="OS profile (default win7sp1)")
    p.add_argument("--real-time", action="store_true",
                   help="follow the host clock instead of the virtual, deterministic one")
    p.add_argument("--registry", metavar="FILE",
                   help="load the guest registry from FILE (JSON) and save its changes back to it at the end")
    p.add_argument("--trace", action="append", default=[], type=_trace_kind, metavar="KIND",
                   help="print what happens: boot, api, syscall, insn[=START-END] (default range: the "
                        "program's .text); may be repeated")
    p.add_argument("--trace-file", metavar="PATH", help="write the trace here instead of stderr")
    p.add_argument("--trace-format", choices=["text", "json"], default="text",
                   help="text lines or JSON Lines (one object with a \"kind\" per event)")
    p.add_argument("--no-progress", action="store_true", help="no status line on a terminal")
    p.add_argument("--stdin", metavar="PATH", help="file whose bytes the guest reads as its console input")
    p.add_argument("--lenient", action="store_true",
                   help="an export or system service ntboot does not implement returns 0 (ERROR_CALL_NOT_IMPLEMENTED) "
                        "or STATUS_NOT_IMPLEMENTED and the run goes on (reported once per function on stderr); "
                        "default: the run stops there")


def _trace_kind(text: str) -> list[str]:
    kinds = []
    for item in text.split(","):
        kind = item.partition("=")[0]
        if kind not in ("boot", "api", "syscall", "insn"):
            raise argparse.ArgumentTypeError(f"unknown trace {item!r}: boot, api, syscall or insn[=START-END]")
        if "=" in item and kind != "insn":
            raise argparse.ArgumentTypeError(f"{item!r}: only insn takes a range")
        kinds.append(item)
    return kinds


def _size(text: str) -> int:
    t = text.strip().upper().removesuffix("B")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(t[-1:], 1)
    try:
        return int(t[:-1] if scale > 1 else t, 0) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size") from None


def _moment(text: str) -> str:
    from .api import parse_moment
    try:
        parse_moment(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ntboot", description="Run 32-bit Windows programs, booted the way Windows NT boots a process.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a program")
    _common(run)
    run.add_argument("--report", metavar="PATH", help="write the run's report as JSON (kernel/report_schema.json)")
    run.add_argument("program")
    run.add_argument("args", nargs=argparse.REMAINDER)
    dump = sub.add_parser("dump", help="print a structure of the process from guest memory, or write a minidump")
    dump.add_argument("what", choices=DUMPABLE + ("minidump",))
    _common(dump)
    dump.add_argument("--at", default="entry", type=_moment,
                      help="when: entry (default), exit, an address (0x401234), api:DLL!Function[#N] "
                           "(before its Nth call), insn:N (after N instructions)")
    dump.add_argument("--tid", type=lambda t: int(t, 0), help="the thread for teb/ethread (default: the first)")
    dump.add_argument("--json", action="store_true", help="machine-readable output")
    dump.add_argument("--hex", action="store_true", help="the raw bytes")
    dump.add_argument("--summary", action="store_true", help="peb/teb: WinDbg's !peb / !teb summary")
    dump.add_argument("-o", "--output", metavar="PATH", help="write here (required for minidump)")
    dump.add_argument("program")
    dump.add_argument("args", nargs="*", help="guest arguments (put them after -- if they start with -)")
    imports = sub.add_parser("imports", help="list the functions a program (and each DLL of its own it would load) "
                                             "imports, and which ntboot implements")
    imports.add_argument("program")
    regress = sub.add_parser("regress", help="run the regression cases of a TOML file")
    regress.add_argument("file", metavar="FILE.toml")
    regress.add_argument("--update", action="store_true", help="rewrite the expected values from this run")
    regress.add_argument("-k", dest="select", metavar="NAME", help="only cases whose name contains NAME")
    return parser


def _emulator(ns, echo: bool, report: bool = False) -> Emulator:
    mounts = []
    for spec in ns.mount:
        host, _, guest = spec.partition("=")
        writable = guest.endswith(":rw")
        mounts.append((host, guest[:-3] if writable else guest, writable))
    env = dict(item.partition("=")[::2] for item in ns.env)
    trace_stream = open(ns.trace_file, "w") if ns.trace_file else sys.stderr
    stdin = open(ns.stdin, "rb").read() if ns.stdin else b""
    kinds = [k for group in ns.trace for k in group]
    progress = None
    if not ns.no_progress and sys.stderr.isatty() and (not kinds or ns.trace_file):
        progress = sys.stderr
    return Emulator(root=ns.root, mounts=mounts, app_writable=ns.app_writable, environment=env,
                    max_instructions=ns.max_insns, timeout=ns.timeout, profile=ns.profile,
                    trace=kinds, trace_stream=trace_stream, trace_format=ns.trace_format,
                    echo_output=echo, stdin=stdin, report=report, max_api_calls=ns.max_api_calls,
                    max_memory=ns.max_memory, max_processes=ns.max_processes, progress=progress,
                    registry_file=ns.registry, real_time=ns.real_time, lenient=ns.lenient)


def main(argv: list[str] | None = None) -> int:
    ns = _parser().parse_args(argv)
    try:
        if ns.command == "run":
            return _run(ns)
        if ns.command == "dump":
            return _dump(ns)
        if ns.command == "imports":
            return _imports(ns)
        if ns.command == "regress":
            from .regress import main as regress_main
            return regress_main(ns.file, update=ns.update, select=ns.select)
    except ProgramError as e:
        print(f"ntboot: {e}", file=sys.stderr)
        if e.status == 0xC000012D:          # STATUS_COMMITMENT_LIMIT: --max-memory cannot hold the image
            return EXIT_LIMIT
        return EXIT_NOT_FOUND if e.status == 0xC0000034 else EXIT_BAD_IMAGE
    except (ValueError, OSError) as e:      # a bad range, moment, export name, case file or path
        print(f"ntboot: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ntboot: interrupted", file=sys.stderr)
        return 130
    except Exception as e:                  # a bug of ntboot's: one line; the traceback on request
        where = e.__traceback__
        while where is not None and where.tb_next is not None:
            where = where.tb_next
        place = f" in {where.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{where.tb_lineno}" if where else ""
        print(f"ntboot: internal error{place}: {type(e).__name__}: {e} "
              f"(set NTBOOT_DEBUG=1 for the traceback)", file=sys.stderr)
        if os.environ.get("NTBOOT_DEBUG"):
            import traceback
            traceback.print_exc()
        return EXIT_INTERNAL
    return 0


def _run(ns) -> int:
    emu = _emulator(ns, echo=True, report=bool(ns.report))
    try:
        emu.create_process(ns.program, ns.args)
        result = emu.run()
        if ns.report:
            emu.write_report(ns.report)
    finally:
        emu.close()
    return report_result(ns.program, result)


def report_result(program: str, result) -> int:
    """Print what stderr should say about a finished run; return the host exit status."""
    name = os.path.basename(program)
    if result.reason == "exited":
        code = result.exit_code
        if code > 255:
            print(f"ntboot: {name} exited with {code:#010x} ({status_name(code)})", file=sys.stderr)
        return code & 0xFF
    if result.reason in ("unhandled exception", "loader error"):
        print(f"ntboot: {name}: {result.message}", file=sys.stderr)
        print(f"ntboot: {name} exited with {result.exit_code:#010x} ({status_name(result.exit_code)})", file=sys.stderr)
        _print_fault(result)
        return result.exit_code & 0xFF
    print(f"ntboot: {name}: {result.reason}: {result.message}", file=sys.stderr)
    _print_fault(result)
    if result.reason in ("timeout", "instruction limit", "API call limit", "memory limit", "process limit"):
        return EXIT_LIMIT
    if result.reason == "internal error":
        return EXIT_INTERNAL
    return EXIT_STOPPED


def _print_fault(result) -> None:
    f = result.fault
    if f is None:
        return
    regs = f.registers
    print("ntboot:   " + " ".join(f"{r}={regs[r]:08x}" for r in ("eax", "ebx", "ecx", "edx", "esi", "edi")), file=sys.stderr)
    print("ntboot:   " + " ".join(f"{r}={regs[r]:08x}" for r in ("eip", "esp", "ebp", "eflags")), file=sys.stderr)
    if f.last_services:
        print("ntboot:   last system calls: " + ", ".join(f.last_services), file=sys.stderr)


def _dump(ns) -> int:
    if ns.what == "minidump" and not ns.output:
        print("ntboot: dump minidump needs -o PATH", file=sys.stderr)
        return 2
    emu = _emulator(ns, echo=False)
    try:
        emu.create_process(ns.program, ns.args)
        result = emu.run_to(ns.at)
        if result is not None and ns.at != "exit":
            moment = "its entry point" if ns.at == "entry" else ns.at
            print(f"ntboot: {os.path.basename(ns.program)} ended before {moment}: {result.reason}: "
                  f"{result.message}", file=sys.stderr)
            return report_result(ns.program, result)
        if ns.what == "minidump":
            size = len(emu.minidump(ns.output))
            print(f"ntboot: wrote {ns.output} ({size} bytes, {len(emu.process.threads)} threads, at {ns.at})",
                  file=sys.stderr)
            return 0
        if ns.summary:
            text = emu.summary(ns.what, tid=ns.tid)
        elif ns.json:
            text = json.dumps(emu.dump(ns.what, "json", tid=ns.tid), indent=2)
        else:
            text = emu.dump(ns.what, "hex" if ns.hex else "text", tid=ns.tid)
        if ns.output:
            with open(ns.output, "w") as f:
                f.write(text + "\n")
        else:
            print(text)
    finally:
        emu.close()
    return 0


def _imports(ns) -> int:
    from .api import list_imports
    for line in list_imports(ns.program):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
