"""The `ntboot` command line: run, dump, imports, regress, survey.  Everything here is a thin layer over
`ntboot.api`, which the tests use as well.

Conventions, the same for every subcommand: ntboot's options come before the program; everything
after the program is the guest's, verbatim (`ntboot run prog.exe -- -x` gives the guest `-- -x`, as
Windows would).  Options are checked before anything runs: a bad value is a usage error (2).

Host exit status (EXIT_STATUSES, also printed by `ntboot --help`):
  * the guest's exit code when it is 0..255;
  * otherwise its low 8 bits, and stderr gets `ntboot: <program> exited with 0xXXXXXXXX (NAME)`;
    the same for a process killed by an unhandled exception or a loader failure, whose exit code
    is the NTSTATUS (0xC0000005, 0xC0000135 ...);
  * 127: the program file does not exist; 126: Windows would refuse the image (or it is a folder);
    124: the time or instruction limit was reached; 125: the run stopped on an unsupported API
    (not with --lenient) or a deadlock; 2: a usage error (a bad option, a missing file named by an
    option); 70: an internal error of ntboot; 141: stdout was closed (a broken pipe), quietly.
    A one-line message names what and where.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from ntboot.api import DUMPABLE, HOST_CWD_GUEST, Emulator, ProgramError
from kernel.profiles import DEFAULT_PROFILE, PROFILES
from kernel.rtl.status import status_name

EXIT_NOT_FOUND = 127
EXIT_BAD_IMAGE = 126
EXIT_LIMIT = 124
EXIT_STOPPED = 125
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_BROKEN_PIPE = 141
# `ntboot imports`
EXIT_IMPORTS_NOT_IMPLEMENTED = 1
EXIT_IMPORTS_UNRESOLVABLE = 3

EXIT_STATUSES = """\
exit status of run and dump:
  0..255  the guest's exit code (above 255: its low 8 bits; stderr names the full code)
  NTSTATUS & 0xFF  an unhandled exception or loader failure (0xC0000005 gives 5)
  124     --timeout, --max-insns, --max-api-calls, --max-memory (also an image it cannot hold)
          or --max-processes reached
  125     the run stopped: an unimplemented function (without --lenient), or a deadlock
  126     Windows would refuse the image (not a PE, truncated, x64, a DLL, a folder ...)
  127     the program file does not exist
  2       a usage error: a bad option or value, a missing file or folder named by an option
  70      an internal error of ntboot (NTBOOT_DEBUG=1 shows the traceback)
  141     stdout was closed early (a broken pipe, e.g. `| head`); nothing is printed
exit status of imports: 0 everything resolves and is implemented, 1 some function is NOT
  IMPLEMENTED, 3 some import is unresolvable (DLL NOT FOUND, NOT EXPORTED); 126/127 as run
exit status of regress: 0 every case passed, 1 a case failed or no case matched -k"""


def _nonnegative(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value < 0 or value != value:
            raise argparse.ArgumentTypeError(f"{text!r}: must be 0 or more")
        return value
    return parse


def _folder(text: str) -> str:
    if not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text}: no such folder" if not os.path.exists(text)
                                         else f"{text}: not a folder")
    return text


def _input_file(text: str) -> str:
    if not os.path.isfile(text):
        raise argparse.ArgumentTypeError(f"{text}: no such file" if not os.path.exists(text)
                                         else f"{text}: not a file")
    return text


def _output_file(text: str) -> str:
    """A file to write: its folder must exist and be writable, checked before the run."""
    folder = os.path.dirname(os.path.abspath(text))
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text}: is a folder")
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"{text}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"{text}: the folder {folder} is not writable")
    return text


def _mount(text: str) -> tuple[str, str, bool]:
    host, sep, guest = text.partition("=")
    if not sep or not host or not guest:
        raise argparse.ArgumentTypeError(f"{text!r}: expected HOST=GUEST[:rw]")
    writable = guest.endswith(":rw")
    guest = guest[:-3] if writable else guest
    if not (len(guest) >= 3 and guest[0].upper() == "C" and guest[1:3] in (":\\", ":/")):
        raise argparse.ArgumentTypeError(f"{text!r}: the guest path must be a full path on C: (C:\\data)")
    _folder(host)
    return host, guest, writable


def _env(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE")
    return name, value


def _guest_folder(text: str) -> str:
    if not (len(text) >= 3 and text[0].upper() == "C" and text[1:3] in (":\\", ":/")):
        raise argparse.ArgumentTypeError(f"{text!r}: a full guest path on C: (C:\\work\\sub)")
    return text


def _trace_kind(text: str) -> list[str]:
    kinds = []
    for item in text.split(","):
        kind, eq, arg = item.partition("=")
        if kind not in ("boot", "api", "syscall", "insn"):
            raise argparse.ArgumentTypeError(f"unknown trace {item!r}: boot, api, syscall or insn[=START-END]")
        if eq and kind != "insn":
            raise argparse.ArgumentTypeError(f"{item!r}: only insn takes a range")
        if eq:
            _check_range(arg)
        kinds.append(item)
    return kinds


def _check_range(text: str) -> None:
    """START-END: both bounds must be there; numeric bounds in order (module+offset bounds are
    checked once the process exists)."""
    start, sep, end = text.partition("-")
    if not sep or not start.strip() or not end.strip():
        raise argparse.ArgumentTypeError(f"insn={text}: expected START-END")
    bounds = []
    for part in (start, end):
        if "+" in part:
            return
        try:
            bounds.append(int(part.strip(), 0))
        except ValueError:
            raise argparse.ArgumentTypeError(f"insn={text}: {part.strip()!r} is not an address") from None
    if bounds[0] > bounds[1]:
        raise argparse.ArgumentTypeError(f"insn={text}: the start is above the end")


def _size(text: str) -> int:
    t = text.strip().upper().removesuffix("B")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(t[-1:], 1)
    try:
        value = int(t[:-1] if scale > 1 else t, 0) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be 0 or more")
    return value


def _moment(text: str) -> str:
    from ntboot.api import parse_moment
    try:
        parse_moment(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def _tid(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a thread id") from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", type=_folder, metavar="DIR",
                   help="host folder the guest sees as C:\\ (default: a fresh temporary folder); ntboot "
                        "adds nothing to it: only what the guest writes")
    p.add_argument("--mount", action="append", default=[], type=_mount, metavar="HOST=GUEST[:rw]",
                   help="make a host folder visible at a guest path (read-only unless :rw)")
    p.add_argument("--app-writable", action="store_true", help="let the guest write the program's own folder")
    p.add_argument("--cwd", type=_guest_folder, metavar="GUEST_PATH",
                   help=f"the guest's current directory (default: where the host's current directory "
                        f"is visible, {HOST_CWD_GUEST} unless a mount shows it)")
    p.add_argument("--cwd-writable", action="store_true",
                   help=f"let the guest write the host's current directory (at {HOST_CWD_GUEST})")
    p.add_argument("--no-host-cwd", action="store_true",
                   help="do not show the host's current directory to the guest; the current directory is "
                        "then the program's folder, C:\\app")
    p.add_argument("--env", action="append", default=[], type=_env, metavar="NAME=VALUE",
                   help="add a guest environment variable")
    p.add_argument("--max-insns", type=_nonnegative(int), default=0, metavar="N",
                   help="stop after N guest instructions")
    p.add_argument("--timeout", type=_nonnegative(float), default=0.0, metavar="SECONDS",
                   help="stop after this much wall time")
    p.add_argument("--max-api-calls", type=_nonnegative(int), default=0, metavar="N",
                   help="stop after N emulated calls (exports and system services)")
    p.add_argument("--max-memory", type=_size, default=0, metavar="BYTES",
                   help="stop when a process would commit more user memory than this (K/M/G suffixes)")
    p.add_argument("--max-processes", type=_nonnegative(int), default=0, metavar="N",
                   help="stop when more than N processes exist")
    p.add_argument("--profile", default=None, choices=sorted(PROFILES),
                   help=f"OS profile (default {DEFAULT_PROFILE})")
    p.add_argument("--real-time", action="store_true",
                   help="follow the host clock instead of the virtual, deterministic one")
    p.add_argument("--registry", metavar="FILE",
                   help="load the guest registry from FILE (JSON) and save its changes back to it at the end")
    p.add_argument("--trace", action="append", default=[], type=_trace_kind, metavar="KIND",
                   help="print what happens: boot, api, syscall, insn[=START-END] (default range: the "
                        "program's .text); may be repeated")
    p.add_argument("--trace-file", type=_output_file, metavar="PATH", help="write the trace here instead of stderr")
    p.add_argument("--trace-format", choices=["text", "json"], default="text",
                   help="text lines or JSON Lines (one object with a \"kind\" per event)")
    p.add_argument("--no-progress", action="store_true", help="no status line on a terminal")
    p.add_argument("--stdin", type=_input_file, metavar="PATH",
                   help="file whose bytes the guest reads as its console input")
    p.add_argument("--lenient", action="store_true",
                   help="an export or system service ntboot does not implement returns 0 (ERROR_CALL_NOT_IMPLEMENTED) "
                        "or STATUS_NOT_IMPLEMENTED and the run goes on (reported once per function on stderr); "
                        "default: the run stops there")


def _program_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("program", help="the Windows program (a 32-bit .exe) on the host")
    p.add_argument("args", nargs="*", default=[], help="the program's arguments: everything after the program, verbatim "
                                           "(ntboot's options go before the program)")


def _parser() -> argparse.ArgumentParser:
    from ntboot import __version__
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="ntboot", allow_abbrev=False, formatter_class=formatter,
                                     description="Run 32-bit Windows programs, booted the way Windows NT "
                                                 "boots a process.",
                                     epilog=EXIT_STATUSES)
    parser.add_argument("--version", action="version", version=f"ntboot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run a program", allow_abbrev=False, formatter_class=formatter,
                         usage="ntboot run [options] PROGRAM [ARGS...]", epilog=EXIT_STATUSES)
    _common(run)
    run.add_argument("--report", type=_output_file, metavar="PATH",
                     help="write the run's report as JSON (ntboot/report_schema.json)")
    _program_arguments(run)
    dump = sub.add_parser("dump", help="print a structure of the process from guest memory, or write a minidump",
                          allow_abbrev=False, formatter_class=formatter, epilog=EXIT_STATUSES,
                          usage="ntboot dump WHAT [options] PROGRAM [ARGS...]")
    dump.add_argument("what", choices=DUMPABLE + ("minidump",), metavar="WHAT",
                      help=f"one of {', '.join(DUMPABLE + ('minidump',))}")
    _common(dump)
    dump.add_argument("--at", default="entry", type=_moment,
                      help="when: entry (default), exit, an address (0x401234), api:DLL!Function[#N] "
                           "(before its Nth call), insn:N (after N instructions)")
    dump.add_argument("--tid", type=_tid, help="the thread for teb/ethread (default: the first)")
    form = dump.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="machine-readable output")
    form.add_argument("--hex", action="store_true", help="the raw bytes")
    form.add_argument("--summary", action="store_true", help="peb/teb: WinDbg's !peb / !teb summary")
    dump.add_argument("-o", "--output", type=_output_file, metavar="PATH", help="write here (required for minidump)")
    _program_arguments(dump)
    imports = sub.add_parser("imports", allow_abbrev=False, formatter_class=formatter, epilog=EXIT_STATUSES,
                             help="list the functions a program (and each DLL of its own it would load) "
                                  "imports, and which ntboot implements")
    imports.add_argument("--json", action="store_true", help="machine-readable output")
    imports.add_argument("--profile", default=None, choices=sorted(PROFILES),
                         help=f"OS profile whose DLLs answer (default {DEFAULT_PROFILE})")
    imports.add_argument("program", help="the Windows program (a 32-bit .exe or .dll) on the host")
    regress = sub.add_parser("regress", help="run the regression cases of a TOML file", allow_abbrev=False,
                             formatter_class=formatter, epilog=EXIT_STATUSES)
    regress.add_argument("--update", action="store_true", help="rewrite the expected values from this run")
    regress.add_argument("-k", dest="select", metavar="NAME", help="only cases whose name contains NAME")
    regress.add_argument("--junit-xml", type=_output_file, metavar="PATH",
                         help="also write the results as JUnit XML (for CI)")
    regress.add_argument("file", metavar="FILE.toml", type=_input_file, help="a file of [[case]] tables")
    from ntboot import survey
    survey.add_arguments(sub.add_parser("survey", help="census and run of every program found: what breaks "
                                                       "across a corpus (ntboot/survey.py)",
                                        formatter_class=formatter, allow_abbrev=False), _size)
    try:                                    # shell completion when argcomplete is installed (optional)
        import argcomplete
        argcomplete.autocomplete(parser)
    except ImportError:
        pass
    return parser


def _split_guest_arguments(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[list[str], list[str] | None]:
    """For run and dump: (ntboot's part, the guest's arguments).  The program is the first word
    that is neither an option nor an option's value (`--` ends the options); what follows it is
    the guest's, verbatim.  (argv, None) when there is no program or no such subcommand."""
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 1                                  # ntboot's own options (--version, -h)
    if i >= len(argv) or argv[i] not in ("run", "dump"):
        return argv, None
    sub = subparsers.choices[argv[i]]
    words_before_program = 1 if argv[i] == "run" else 2    # dump: WHAT, then PROGRAM
    seen = 0
    i += 1
    while i < len(argv):
        word = argv[i]
        if word == "--":
            i += 1
            if i < len(argv) and seen == words_before_program - 1:
                return argv[:i + 1], argv[i + 1:]
            return argv, None
        if word.startswith("-") and word != "-":
            action = sub._option_string_actions.get(word.split("=", 1)[0])
            if action is None:
                return argv, None               # argparse says what is wrong with it
            i += 2 if action.nargs != 0 and "=" not in word else 1
            continue
        seen += 1
        if seen == words_before_program:
            return argv[:i + 1], argv[i + 1:]
        i += 1
    return argv, None


def _emulator(ns, echo: bool, report: bool = False) -> Emulator:
    trace_stream = open(ns.trace_file, "w") if ns.trace_file else sys.stderr
    stdin = open(ns.stdin, "rb").read() if ns.stdin else b""
    kinds = [k for group in ns.trace for k in group]
    progress = None
    if not ns.no_progress and sys.stderr.isatty() and (not kinds or ns.trace_file):
        progress = sys.stderr
    return Emulator(root=ns.root, mounts=ns.mount, app_writable=ns.app_writable, environment=dict(ns.env),
                    max_instructions=ns.max_insns, timeout=ns.timeout, profile=ns.profile,
                    trace=kinds, trace_stream=trace_stream, trace_format=ns.trace_format,
                    echo_output=echo, stdin=stdin, report=report, max_api_calls=ns.max_api_calls,
                    max_memory=ns.max_memory, max_processes=ns.max_processes, progress=progress,
                    registry_file=ns.registry, real_time=ns.real_time, lenient=ns.lenient,
                    host_cwd=None if ns.no_host_cwd else os.getcwd(), host_cwd_writable=ns.cwd_writable,
                    cwd=ns.cwd)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    own, guest_args = _split_guest_arguments(parser, argv)
    try:
        ns = parser.parse_args(own)
    except SystemExit as e:                 # a usage error (2), --help or --version (0): argparse printed it
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    if guest_args is not None:
        ns.args = guest_args
    try:
        if ns.command == "run":
            return _run(ns)
        if ns.command == "dump":
            return _dump(ns)
        if ns.command == "imports":
            return _imports(ns)
        if ns.command == "survey":
            from ntboot.survey import main as survey_main
            return survey_main(ns)
        if ns.command == "regress":
            from ntboot.regress import main as regress_main
            return regress_main(ns.file, update=ns.update, select=ns.select, junit_xml=ns.junit_xml)
    except ProgramError as e:
        print(f"ntboot: {e}", file=sys.stderr)
        if e.status == 0xC000012D:          # STATUS_COMMITMENT_LIMIT: --max-memory cannot hold the image
            return EXIT_LIMIT
        return EXIT_NOT_FOUND if e.status == 0xC0000034 else EXIT_BAD_IMAGE
    except BrokenPipeError:                 # `ntboot dump peb x.exe | head -1`: stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_BROKEN_PIPE
    except (ValueError, OSError) as e:      # a bad range, moment, export name, case file or path
        print(f"ntboot: {e}", file=sys.stderr)
        return EXIT_USAGE
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
        return EXIT_USAGE
    misplaced = [a for a in ns.args if a.split("=", 1)[0] in ("--at", "--json", "--hex", "--summary", "--tid", "-o",
                                                               "--output")]
    if misplaced:
        print(f"ntboot: note: {misplaced[0]} comes after the program, so it is the program's argument; "
              f"ntboot's options go before the program", file=sys.stderr)
    emu = _emulator(ns, echo=False)
    try:
        emu.create_process(ns.program, ns.args)
        result = emu.run_to(ns.at)
        if result is not None and ns.at != "exit":
            moment = "its entry point" if ns.at == "entry" else ns.at
            what = result.message or (f"exit code {result.exit_code}" if result.exit_code is not None else "")
            if ns.at.startswith("api:"):
                name = ns.at[4:].partition("#")[0]
                what += f"{'; ' if what else ''}{name} was called {emu.moment_hits} time(s)"
            print(f"ntboot: {os.path.basename(ns.program)} ended before {moment}: {result.reason}"
                  + (f": {what}" if what else ""), file=sys.stderr)
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
            sys.stdout.flush()              # a closed pipe shows here, inside main's handlers
    finally:
        emu.close()
    return 0


def _imports(ns) -> int:
    """Exit status: 0 everything resolves and is implemented; 1 something is NOT IMPLEMENTED (the
    run would stop there unless --lenient); 3 something is unresolvable (DLL NOT FOUND, NOT
    EXPORTED: the loader would refuse the program)."""
    from ntboot.api import imports_table, format_imports
    table = imports_table(ns.program)
    if ns.json:
        print(json.dumps(table, indent=2))
    else:
        for line in format_imports(table):
            print(line)
    sys.stdout.flush()
    counts = table["counts"]
    if counts["unresolvable"]:
        return EXIT_IMPORTS_UNRESOLVABLE
    if counts["not_implemented"]:
        return EXIT_IMPORTS_NOT_IMPLEMENTED
    return 0


if __name__ == "__main__":
    sys.exit(main())
