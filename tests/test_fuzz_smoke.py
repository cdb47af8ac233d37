"""A smoke run of the PE fuzzer (benchmarks/fuzz.py): 300 mutants of the samples (header fields,
truncations, random bytes in the import, relocation, TLS, export and resource tables), seed 7, each
run the way `ntboot run --timeout 5 --max-memory 256M` runs it, in two worker children.  Not one may
end in an internal error, run past its deadline or pass 1 GiB of host memory.

Bit flips anywhere in the file are left to the long run (`python benchmarks/fuzz.py`): flipped code
calls the system DLLs with garbage pointers, whose checks belong to the DLL handlers, not to the
image and loader paths this test guards.  About 70 s on two cores."""
from __future__ import annotations

import collections
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import fuzz  # noqa: E402


def test_three_hundred_mutants_end_as_windows_ends_them():
    results = fuzz.fuzz(300, seed=7, jobs=2, kinds=("header", "truncate", "table"))
    assert len(results) == 300
    classes = collections.Counter(r["class"] for r in results)
    bad = [f"#{r['index']} {r['mutated']} ({r['what']}): {r['class']}: {fuzz.first_line(r['message'])}"
           for r in results if r["class"] in ("internal-error", "hang", "blow-up")]
    assert not bad, "\n".join(bad)
    # the mutants are really malformed: many are refused or fail to load, some still run
    assert classes["bad-image"] + classes["ntstatus"] > 100, classes
    assert classes["guest-exit"] > 30, classes
