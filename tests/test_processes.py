"""Child processes created by the guest: each boots through the whole BOOT-FLOW path in its own
address space and engine, shares its parent's console, and is waited for, terminated, opened by PID
and killed with its job; the run's result lists the process tree."""
import io

from conftest import run_sample, sample
from ntboot.api import Emulator
import pytest

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)

SPAWN_OUTPUT = [
    "argc=3", "argv[0]=[args.exe]", "argv[1]=[one]", "argv[2]=[two three]", "NTBOOT_TEST=(null)",
    "spawn: args.exe exited with 3, pid known: yes",
    "spawn: suspended child still active: yes",
    "Hello, world!", "The answer is 42 and the word is ntboot.",
    "spawn: hello.exe exited with 3",
    "before", "spawn: fault.exe exited with c0000005",
    "looping", "spawn: OpenProcess by pid: ok", "spawn: terminated forever.exe exited with 77",
    "looping", "spawn: closing the job ended its process: yes",
]


def test_children_boot_run_and_end():
    r = run_sample("spawn.exe")
    assert r.reason == "exited" and r.exit_code == 0, r.message
    assert r.stdout.decode().splitlines() == SPAWN_OUTPUT
    tree = [(p["image"].rsplit("\\", 1)[-1], p["exit_code"], p["reason"]) for p in r.processes]
    assert tree == [("spawn.exe", 0, "exited"), ("args.exe", 3, "exited"), ("hello.exe", 3, "exited"),
                    ("fault.exe", 0xC0000005, "unhandled exception"), ("forever.exe", 77, "terminated"),
                    ("forever.exe", 0, "terminated")]
    parent = r.processes[0]["pid"]
    assert all(p["parent"] == parent for p in r.processes[1:])


def test_every_process_boots_through_the_flow_and_engines_are_released():
    out = io.StringIO()
    emu = Emulator(timeout=60, trace_boot=True, trace_stream=out)
    try:
        emu.create_process(sample("spawn.exe"))
        emu.run()
        processes = emu.kernel.processes
        # each child: its own PEB-building step and its own first thread's CPU boot path
        text = out.getvalue()
        assert text.count("MmCreatePeb") == len(processes) == 6
        for p in processes:
            assert f"pid {p.pid} " in text
        assert text.count("KiUserApcDispatcher ") + text.count("KiUserApcDispatcher\n") >= len(processes)
        # finished children gave their engines back; the first process keeps its own for inspection
        assert processes[0].machine is not None
        assert all(p.machine is None for p in processes[1:])
        assert len(emu.kernel.space.engines) == 1
    finally:
        emu.close()
