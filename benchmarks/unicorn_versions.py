"""Unicorn releases side by side: raw guest-code speed and the two behaviours ntboot depends on.

    python benchmarks/unicorn_versions.py [--python /tmp/uc213/bin/python ...] [--rounds 5]

Each interpreter (this one, plus every --python given, e.g. a venv with `pip install unicorn==2.1.3`)
runs the probes in a fresh process; rounds are interleaved and the table shows medians and the
ratio to the first interpreter.  Probes, all in a bare engine without ntboot:

* loop-reg: a 4-instruction register loop (one translated block chained to itself): the cost of
  entering a block;
* loop-mem: the same with a store and a load per iteration: the cost of a guest memory access;
* loop-call: a call/ret pair per iteration;
* exact fault EIP: a store to an unmapped page right after a load; the memory hook must see the EIP
  of the store (ntboot builds EXCEPTION_RECORD.ExceptionAddress and the CONTEXT from it);
* exact SYSENTER EIP: the EIP a SYSENTER hook reads must be that of the SYSENTER instruction.

What it shows (2.1.4 against 2.1.3): 2.1.4 translates every block with a call to
helper_check_exit_request at its start and after each guest memory access (it used to be an inline
test of a flag); the call is what makes block entry slower, and it is also what lets a stop or a
fault leave the engine with the exact EIP (2.1.3 reports the start of the block).  No uc_ctl setting removes it (TLB mode does not touch
it), so ntboot pins 2.1.4: with 2.1.3 the faulting EIP is that of an earlier instruction
(35 tests fail: exception addresses, fault reports, traces).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

N = 5_000_000
LOOPS = {
    # mov ecx, N; l: add eax, ecx; xor edx, eax; dec ecx; jnz l; hlt
    "loop-reg": b"\xb9" + N.to_bytes(4, "little") + b"\x01\xc8\x31\xc2\x49\x75\xf9\xf4",
    # ... plus mov [esi], eax; mov ebx, [esi]
    "loop-mem": b"\xb9" + N.to_bytes(4, "little") + b"\x01\xc8\x31\xc2\x89\x06\x8b\x1e\x49\x75\xf5\xf4",
    # mov ecx, N; l: call f; dec ecx; jnz l; hlt; f: add eax, ecx; ret
    "loop-call": b"\xb9" + N.to_bytes(4, "little") + b"\xe8\x04\x00\x00\x00\x49\x75\xf8\xf4\x01\xc8\xc3",
}


def probe() -> dict:
    from unicorn import (UC_ARCH_X86, UC_HOOK_INSN, UC_HOOK_MEM_WRITE_UNMAPPED, UC_MODE_32, UC_PROT_ALL,
                         UC_PROT_READ, UC_PROT_WRITE, Uc, UcError, __version__)
    from unicorn import x86_const as X

    def engine():
        uc = Uc(UC_ARCH_X86, UC_MODE_32)
        uc.mem_map(0x1000, 0x1000, UC_PROT_ALL)
        uc.mem_map(0x100000, 0x10000, UC_PROT_READ | UC_PROT_WRITE)
        uc.reg_write(X.UC_X86_REG_ESI, 0x100000)
        uc.reg_write(X.UC_X86_REG_ESP, 0x108000)
        return uc

    out = {"version": __version__}
    for name, code in LOOPS.items():
        uc = engine()
        uc.mem_write(0x1000, code)
        t = time.perf_counter()
        uc.emu_start(0x1000, 0x1000 + code.index(b"\xf4"))
        out[name] = time.perf_counter() - t

    # exact fault EIP: mov eax, [esi]; add eax, 1; mov [0x200000], eax; hlt
    uc = engine()
    code = b"\x8b\x06\x83\xc0\x01\xa3\x00\x00\x20\x00\xf4"
    uc.mem_write(0x1000, code)
    seen = []
    uc.hook_add(UC_HOOK_MEM_WRITE_UNMAPPED, lambda uc, *a: seen.append(uc.reg_read(X.UC_X86_REG_EIP)) or False)
    try:
        uc.emu_start(0x1000, 0x1000 + len(code) - 1)
    except UcError:
        pass
    out["exact fault EIP"] = seen == [0x1005]

    # EIP in a SYSENTER hook: mov eax, 1; mov edx, esp; sysenter; hlt (the sysenter is at 0x1007)
    uc = engine()
    code = b"\xb8\x01\x00\x00\x00\x89\xe2\x0f\x34\xf4"
    uc.mem_write(0x1000, code)
    fired = []

    def on_sysenter(uc, _):
        fired.append(uc.reg_read(X.UC_X86_REG_EIP))
        uc.emu_stop()
    uc.hook_add(UC_HOOK_INSN, on_sysenter, None, 1, 0, X.UC_X86_INS_SYSENTER)
    uc.emu_start(0x1000, 0x1000 + len(code) - 1)
    out["exact SYSENTER EIP"] = fired == [0x1007]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", action="append", default=[], help="another interpreter to compare")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.probe:
        print(json.dumps(probe()))
        return
    pythons = [sys.executable] + opts.python
    runs: dict = {p: [] for p in pythons}
    for _ in range(opts.rounds):
        for p in pythons:
            out = subprocess.run([p, __file__, "--probe"], capture_output=True, text=True, check=True).stdout
            runs[p].append(json.loads(out))
    versions = [runs[p][0]["version"] for p in pythons]
    print(f"bare Unicorn engine, medians of {opts.rounds} interleaved rounds, {N:,} iterations per loop")
    head = f"{'probe':22}" + "".join(f"{'unicorn ' + v:>16}" for v in versions)
    if len(pythons) > 1:
        head += "".join(f"{'ratio to ' + versions[0]:>18}" for _ in pythons[1:])
    print(head)
    print("-" * len(head))
    for name in LOOPS:
        med = [statistics.median(r[name] for r in runs[p]) for p in pythons]
        line = f"{name + ' (ms)':22}" + "".join(f"{1e3 * m:16.1f}" for m in med)
        line += "".join(f"{m / med[0]:18.2f}" for m in med[1:])
        print(line)
    for name in ("exact fault EIP", "exact SYSENTER EIP"):
        print(f"{name:22}" + "".join(f"{'yes' if all(r[name] for r in runs[p]) else 'NO':>16}" for p in pythons))


if __name__ == "__main__":
    main()
