"""ntboot's speed, measured on the samples; prints one table.

    python benchmarks/bench.py [--quick]

* boot-to-entry and boot-to-exit of hello.exe, cold (first boot in a fresh Python process: the
  system DLL images are synthesized) and warm (median of later boots, images cached);
* CPU-bound guest code: the hot loop of cpuloop.exe run inside ntboot (with every hook ntboot
  installs) next to the very same loop, from a snapshot of the same process state, in a bare
  Unicorn engine with no hooks at all;
* the cost of one emulated API call (kernel32!GetCurrentProcessId) and of one system call
  (ntdll!NtYieldExecution through sysenter), from callbench.exe runs of N and 0 calls.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
BIN = os.path.join(ROOT, "samples", "bin")

from unicorn import UC_ARCH_X86, UC_HOOK_BLOCK, UC_MODE_32, UC_PROT_ALL, Uc  # noqa: E402
from unicorn import x86_const as X  # noqa: E402

from ntboot.api import Emulator  # noqa: E402


def run(name, args=(), **kw):
    emu = Emulator(timeout=600, **kw)
    try:
        emu.create_process(os.path.join(BIN, name), args)
        t = time.perf_counter()
        result = emu.run()
        return result, time.perf_counter() - t
    finally:
        emu.close()


def boot_times(repeat: int) -> dict:
    """Cold numbers come from a fresh interpreter, so nothing is cached."""
    code = ("import sys,time; sys.path.insert(0, %r)\n"
            "t0=time.perf_counter()\n"
            "from ntboot import Emulator\n"
            "emu=Emulator(); emu.create_process(%r)\n"
            "assert emu.run_to('entry') is None\n"
            "t1=time.perf_counter(); emu.run(); t2=time.perf_counter()\n"
            "print(t1-t0, t2-t0)\n") % (ROOT, os.path.join(BIN, "hello.exe"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    cold_entry, cold_exit = map(float, out.split())
    entries, exits = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        emu = Emulator()
        emu.create_process(os.path.join(BIN, "hello.exe"))
        assert emu.run_to("entry") is None
        t1 = time.perf_counter()
        emu.run()
        t2 = time.perf_counter()
        emu.close()
        entries.append(t1 - t0)
        exits.append(t2 - t0)
    return {"cold_entry": cold_entry, "cold_exit": cold_exit,
            "warm_entry": statistics.median(entries), "warm_exit": statistics.median(exits)}


def cpu_bound(iterations: int) -> dict:
    # 1. find the hot loop: the most executed basic block of a short run
    emu = Emulator()
    emu.create_process(os.path.join(BIN, "cpuloop.exe"), ["20000"])
    counts = {}

    def on_block(uc, address, size, _):
        counts[(address, size)] = counts.get((address, size), 0) + 1
    emu.process.machine.uc.hook_add(UC_HOOK_BLOCK, on_block, None, 0x400000, 0x4FFFFF)
    emu.run()
    emu.close()
    (loop_start, loop_size), hits = max(counts.items(), key=lambda kv: kv[1])
    from capstone import CS_ARCH_X86, CS_MODE_32, Cs
    emu = Emulator()
    emu.create_process(os.path.join(BIN, "cpuloop.exe"), [str(iterations)])
    assert emu.run_to(loop_start) is None
    code = emu.read(loop_start, loop_size)
    insns = list(Cs(CS_ARCH_X86, CS_MODE_32).disasm(code, loop_start))
    per_iteration = len(insns)
    loop_exit = loop_start + loop_size                    # the loop's fall-through
    regs = emu.registers()
    snapshot = [(r.base, r.size, emu.read(r.base, r.size)) for r in emu.process.memory.regions()
                if r.state == 0x1000 and not r.protect & 0x100]
    # 2. ntboot: the same loop inside the emulator, every hook in place
    emu.kernel.scheduler.break_at(emu.process, loop_exit)
    t = time.perf_counter()
    stop = emu.kernel.run()
    ntboot_time = time.perf_counter() - t
    assert stop.reason == "breakpoint", stop
    emu.close()
    # 3. raw Unicorn: same bytes, same registers, no hooks
    uc = Uc(UC_ARCH_X86, UC_MODE_32)
    for base, size, data in snapshot:
        uc.mem_map(base, size, UC_PROT_ALL)
        uc.mem_write(base, data)
    for name in ("eax", "ebx", "ecx", "edx", "esi", "edi", "esp", "ebp", "eflags"):
        uc.reg_write(getattr(X, "UC_X86_REG_" + name.upper()), regs[name])
    t = time.perf_counter()
    uc.emu_start(loop_start, loop_exit)
    raw_time = time.perf_counter() - t
    executed = per_iteration * iterations
    return {"instructions": executed, "ntboot_ips": executed / ntboot_time, "raw_ips": executed / raw_time,
            "ratio": raw_time / ntboot_time, "per_iteration": per_iteration}


def call_cost(mode: str, n: int) -> float:
    _, t_n = run("callbench.exe", [mode, str(n)])
    _, t_0 = run("callbench.exe", [mode, "0"])
    return (t_n - t_0) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller counts (for a smoke run)")
    ns = ap.parse_args()
    iterations = 2_000_000 if ns.quick else 20_000_000
    calls = 20_000 if ns.quick else 200_000
    boot = boot_times(5 if ns.quick else 20)
    cpu = cpu_bound(iterations)
    api = call_cost("api", calls)
    sys_ = call_cost("sys", calls)
    rows = [
        ("hello.exe boot to entry, cold", f"{boot['cold_entry'] * 1000:.1f} ms", "includes Python imports"),
        ("hello.exe boot to exit, cold", f"{boot['cold_exit'] * 1000:.1f} ms", ""),
        ("hello.exe boot to entry, warm", f"{boot['warm_entry'] * 1000:.1f} ms", "target <= 100 ms"),
        ("hello.exe boot to exit, warm", f"{boot['warm_exit'] * 1000:.1f} ms", ""),
        ("CPU-bound loop in ntboot", f"{cpu['ntboot_ips'] / 1e6:.0f} M insn/s",
         f"{cpu['instructions']:,} instructions"),
        ("same loop, raw Unicorn, no hooks", f"{cpu['raw_ips'] / 1e6:.0f} M insn/s", ""),
        ("ntboot / raw Unicorn", f"{cpu['ratio'] * 100:.0f} %", "target >= 90 %"),
        ("emulated API call (GetCurrentProcessId)", f"{api:.2f} us", "target <= 4 us"),
        ("system call (NtYieldExecution, sysenter)", f"{sys_:.2f} us", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>14}  note")
    print("-" * (width + 40))
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>14}  {note}")


if __name__ == "__main__":
    main()
