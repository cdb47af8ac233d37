"""Boot-to-exit times of two real MSVC-built console launchers; prints one table.

    python benchmarks/launchers.py [--quick]

* distlib's t32.exe (pip's vendored copy) alone: it finds no appended archive and exits with 1;
* setuptools' cli-32.exe alone: no NAME-script.py beside it, exit 2;
* cli-32.exe as tool.exe beside tool-script.py whose #! line names args.exe: launcher + child;
* t32.exe with an appended archive (distlib's ScriptMaker) whose shebang names args.exe: launcher,
  job object + child.

"Cold" is the first run in a fresh interpreter (Python imports and building the system DLL images
included); "warm" is the median of later runs in one interpreter (images cached).  Each run is a whole
Emulator: create, boot, run to the last process's exit, close.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))
BIN = os.path.join(ROOT, "samples", "bin")

from ntboot.api import Emulator  # noqa: E402
from real_launchers import cli32_path, distlib_script, t32_path  # noqa: E402


def boot_to_exit(path: str, args=()) -> tuple[float, int]:
    t = time.perf_counter()
    emu = Emulator(timeout=600)
    try:
        emu.create_process(path, list(args))
        result = emu.run()
    finally:
        emu.close()
    return time.perf_counter() - t, result.exit_code


def cold(path: str, args=()) -> float:
    code = ("import sys, time; t = time.perf_counter(); sys.path.insert(0, %r)\n"
            "from ntboot import Emulator\n"
            "emu = Emulator(timeout=600); emu.create_process(%r, %r); emu.run(); emu.close()\n"
            "print(time.perf_counter() - t)\n") % (ROOT, path, list(args))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return float(out.split()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (for a smoke run)")
    ns = ap.parse_args()
    repeat = 3 if ns.quick else 15
    with tempfile.TemporaryDirectory() as app:
        shutil.copy(os.path.join(BIN, "args.exe"), app)
        shutil.copy(cli32_path(), os.path.join(app, "tool.exe"))
        with open(os.path.join(app, "tool-script.py"), "wb") as f:
            f.write(b"#!C:\\app\\args.exe\r\n")
        archive = distlib_script(app, "archived", r"C:\app\args.exe")
        cases = [
            ("t32.exe, no archive", t32_path(), (), 1, "stderr line, exit 1"),
            ("cli-32.exe, no script", cli32_path(), (), 2, "stderr line, exit 2"),
            ("cli-32.exe + script -> args.exe", os.path.join(app, "tool.exe"), ("x",), 3,
             "2 processes (CreateProcessA)"),
            ("t32.exe + archive -> args.exe", archive, ("x",), 3, "2 processes, job object"),
        ]
        cxx_dir = os.path.join(app, "cxx")
        os.mkdir(cxx_dir)
        for name in ("cxx.exe", "cxxlib.dll"):
            shutil.copy(os.path.join(BIN, name), cxx_dir)
        sys.path.insert(0, os.path.join(ROOT, "tests"))
        from mingw_runtime import copy_runtime
        copy_runtime(cxx_dir)
        cases.append(("cxx.exe (g++, libstdc++-6.dll, libgcc_s_dw2-1.dll)", os.path.join(cxx_dir, "cxx.exe"), (), 0,
                      "C++ exceptions across a DLL"))
        rows = []
        for name, path, args, expected, note in cases:
            first = cold(path, args)
            times = []
            for _ in range(repeat):
                elapsed, code = boot_to_exit(path, args)
                assert code == expected, (name, code)
                times.append(elapsed)
            rows.append((name, first, statistics.median(times), note))
    width = max(len(r[0]) for r in rows)
    print(f"{'boot to exit':<{width}}  {'cold':>10}  {'warm':>10}  note")
    print("-" * (width + 50))
    for name, first, warm, note in rows:
        print(f"{name:<{width}}  {first * 1000:>7.1f} ms  {warm * 1000:>7.1f} ms  {note}")


if __name__ == "__main__":
    main()
