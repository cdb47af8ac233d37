"""kernel/profiles/win7_sp1_x86_syscalls.txt: the Windows 7 SP1 x86 KiServiceTable
(numbers from j00ru/windows-syscalls, argument bytes from the ntdll stubs' stdcall
decorations), as read by the win7sp1 profile."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from kernel.profiles import get_profile

TABLE = "win7_sp1_x86_syscalls.txt"
LINE = re.compile(r"^0x([0-9A-F]{4})\t(Nt[A-Za-z0-9]+)\t(\d+|-)$")

# Documented by j00ru's "Windows 7 (SP1)" column
KNOWN = {
    "NtAllocateVirtualMemory": (0x13, 24),
    "NtClose": (0x32, 4),
    "NtContinue": (0x3C, 8),
    "NtCreateFile": (0x42, 44),
    "NtReadFile": (0x111, 36),
    "NtTerminateProcess": (0x172, 8),
    "NtWriteFile": (0x18C, 36),
    "NtQueryInformationProcess": (0xEA, 20),
    "NtYieldExecution": (0x190, 0),
}


@pytest.fixture(scope="module")
def rows():
    text = resources.files("kernel.profiles").joinpath(TABLE).read_text()
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        assert m, f"malformed line {line!r}"
        out.append((int(m[1], 16), m[2], None if m[3] == "-" else int(m[3])))
    return out


def test_count(rows):
    assert len(rows) == 401                          # 0x000 - 0x190


def test_numbers_unique_contiguous_sorted(rows):
    assert [n for n, _, _ in rows] == list(range(len(rows)))
    names = [name for _, name, _ in rows]
    assert len(set(names)) == len(names)


def test_argbytes(rows):
    for _, name, ab in rows:
        assert ab is not None, f"{name}: argument size unknown"
        assert ab % 4 == 0 and 0 <= ab <= 4 * 17, (name, ab)


def test_known_values(rows):
    by_name = {name: (num, ab) for num, name, ab in rows}
    for name, expected in KNOWN.items():
        assert by_name[name] == expected, name


def test_header_states_source_and_count():
    text = resources.files("kernel.profiles").joinpath(TABLE).read_text()
    header = "\n".join(l for l in text.splitlines() if l.startswith("#"))
    assert "j00ru/windows-syscalls" in header
    assert "401" in header


def test_profile_reads_table():
    numbers = get_profile("win7sp1").syscall_numbers
    assert len(numbers) == 401
    assert numbers["NtClose"] == 0x32
    assert numbers["NtCreateFile"] == 0x42
