"""What the launchers' C runtime and control-event code rely on, checked with samples of their own:
fiber-local storage (fls.exe: indexes, values, the PEB/TEB fields Windows 7 keeps them in, callbacks
from FlsFree and at thread and process end) and console control events (ctrlc.exe)."""
from conftest import run_sample
import pytest

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)

FLS_OUTPUT = [
    "first index 1, second 2",
    "fresh slot: NULL, last error 0",
    "value 0x1111, TEB FlsData slot 0x1111, PEB callback ok, high index 2",
    "index 300: NULL, last error 87",
    "thread sets 0x2222",
    "callback B(0x2222)",            # the thread's end (LdrShutdownThread)
    "thread ended",
    "FlsFree(second): callback B(0x3333)",
    "FlsFree again: 0, last error 87",
    "FlsAlloc reuses 2",
    "main returns",
    "callback A(0x1111)",            # the process's end, for the exiting thread
]


@pytest.mark.profiles("win7sp1")     # FLS came with Vista: on XP fls.exe does not load (tests/test_xp.py)
def test_fiber_local_storage():
    r = run_sample("fls.exe")
    assert (r.reason, r.exit_code) == ("exited", 7), r.message
    assert r.stdout.decode().splitlines() == FLS_OUTPUT


def test_console_control_events():
    r = run_sample("ctrlc.exe")
    assert r.exit_code == 0xC000013A, r.message            # STATUS_CONTROL_C_EXIT: the default handler
    assert r.stdout.decode().splitlines() == [
        "remove unknown: 0, last error 87",
        "second handler: CTRL_C_EVENT, passes it on",
        "first handler: CTRL_C_EVENT, on its own thread: yes",
        "ignored Ctrl+C: no handler ran",
        "bad event: 0, last error 87",
        "CTRL_BREAK_EVENT with no handler left",
    ]
