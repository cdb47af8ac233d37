"""The `ntboot` command line: run, dump, imports.  Everything here is a thin layer over
`kernel.api`, which the tests use as well.

Host exit status of `ntboot run`:
  * the guest's exit code when it is 0..255;
  * otherwise its low 8 bits, and stderr gets `ntboot: <program> exited with 0xXXXXXXXX (NAME)`;
    the same for a process killed by an unhandled exception or a loader failure, whose exit code
    is the NTSTATUS (0xC0000005, 0xC0000135 ...);
  * 127: the program file does not exist; 126: Windows would refuse the image;
    124: the time or instruction limit was reached; 125: the run stopped on an unsupported API
    or a deadlock; 70: an internal error of ntboot.  A one-line message names what and where.
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
    p.add_argument("--profile", default="win7sp1", help="OS profile (default win7sp1)")
    p.add_argument("--trace", action="append", default=[], choices=["boot"], help="print what happens: boot")
    p.add_argument("--trace-file", metavar="PATH", help="write the trace here instead of stderr")
    p.add_argument("--stdin", metavar="PATH", help="file whose bytes the guest reads as its console input")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ntboot", description="Run 32-bit Windows programs, booted the way Windows NT boots a process.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a program")
    _common(run)
    run.add_argument("--report", metavar="PATH", help="write the run's result as JSON")
    run.add_argument("program")
    run.add_argument("args", nargs=argparse.REMAINDER)
    dump = sub.add_parser("dump", help="print a structure of the process from guest memory")
    dump.add_argument("what", choices=DUMPABLE)
    _common(dump)
    dump.add_argument("--at", default="entry", choices=["entry", "exit"], help="when (default: entry)")
    dump.add_argument("--json", action="store_true", help="machine-readable output")
    dump.add_argument("--hex", action="store_true", help="the raw bytes")
    dump.add_argument("program")
    dump.add_argument("args", nargs="*", help="guest arguments (put them after -- if they start with -)")
    imports = sub.add_parser("imports", help="list the functions a program imports and which ntboot implements")
    imports.add_argument("program")
    return parser


def _emulator(ns, echo: bool) -> Emulator:
    mounts = []
    for spec in ns.mount:
        host, _, guest = spec.partition("=")
        writable = guest.endswith(":rw")
        mounts.append((host, guest[:-3] if writable else guest, writable))
    env = dict(item.partition("=")[::2] for item in ns.env)
    trace_stream = open(ns.trace_file, "w") if ns.trace_file else sys.stderr
    stdin = open(ns.stdin, "rb").read() if ns.stdin else b""
    return Emulator(root=ns.root, mounts=mounts, app_writable=ns.app_writable, environment=env,
                    max_instructions=ns.max_insns, timeout=ns.timeout, profile=ns.profile,
                    trace_boot="boot" in ns.trace, trace_stream=trace_stream, echo_output=echo, stdin=stdin)


def main(argv: list[str] | None = None) -> int:
    ns = _parser().parse_args(argv)
    try:
        if ns.command == "run":
            return _run(ns)
        if ns.command == "dump":
            return _dump(ns)
        if ns.command == "imports":
            return _imports(ns)
    except ProgramError as e:
        print(f"ntboot: {e}", file=sys.stderr)
        return EXIT_NOT_FOUND if e.status == 0xC0000034 else EXIT_BAD_IMAGE
    except KeyboardInterrupt:
        print("ntboot: interrupted", file=sys.stderr)
        return 130
    return 0


def _run(ns) -> int:
    emu = _emulator(ns, echo=True)
    try:
        emu.create_process(ns.program, ns.args)
        result = emu.run()
    finally:
        emu.close()
    if ns.report:
        with open(ns.report, "w") as f:
            json.dump(result.to_json(), f, indent=2)
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
    if result.reason in ("timeout", "instruction limit"):
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
    emu = _emulator(ns, echo=False)
    try:
        emu.create_process(ns.program, ns.args)
        result = emu.run_to(ns.at)
        if result is not None and ns.at == "entry":
            print(f"ntboot: {os.path.basename(ns.program)} ended before its entry point: {result.reason}: "
                  f"{result.message}", file=sys.stderr)
            return report_result(ns.program, result)
        if ns.json:
            print(json.dumps(emu.dump(ns.what, "json"), indent=2))
        else:
            print(emu.dump(ns.what, "hex" if ns.hex else "text"))
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
