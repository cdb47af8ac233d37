"""Exceptions dispatched the Windows x86 way to handlers of the program's own: the exact faulting
instruction, ExceptionInformation, DEP, guard pages, divide by zero, int3 and vectored handlers,
RaiseException, unwind order, the unhandled-exception filter, and the report of an unhandled one."""
from conftest import run_sample
import pytest

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)

SEH_OUTPUT = [
    # ExceptionAddress is the faulting instruction and CONTEXT.Eip equals it; [0] = read 0/write 1/execute 8, [1] = address
    "read: code=c0000005 at_instruction=yes eip_is_address=yes params=2 info0=0 info1=00000000",
    "write: code=c0000005 at_instruction=yes eip_is_address=yes params=2 info0=1 info1=00000010",
    "movs: code=c0000005 at_instruction=yes eip_is_address=yes params=2 info0=0 info1=00000020",
    "execute: code=c0000005 at_instruction=yes eip_is_address=yes params=2 info0=8 info1=00000030",
    # DEP: a PAGE_READWRITE page is not executable (the address is the page's, from VirtualAlloc)
    None,
    "guard: code=80000001 then value=c3",
    "guard: second read code=00000000 (none)",
    "divide: code=c0000094 at_instruction=yes eip_is_address=yes params=0 info0=-1 info1=ffffffff",
    "vectored: breakpoint at_int3=yes eip_at_int3=yes",
    "after int3",
    "raise: code=e0001234 flags=0 params=3 info0=11 info1=22 resumed",
    "unwind 1: inner: search",
    "unwind 2: outer: found",
    "unwind 3: inner: unwind",
    "unwind 4: outer: unwound",
    "unwind 5: inner: resumed, unlinked",
]


def test_seh_sample():
    r = run_sample("seh.exe")
    lines = r.stdout.decode().splitlines()
    assert r.reason == "exited" and r.exit_code == 0, r.message
    assert len(lines) == len(SEH_OUTPUT)
    for got, want in zip(lines, SEH_OUTPUT):
        if want is not None:
            assert got == want
    dep = lines[4]
    assert dep.startswith("dep: code=c0000005 at_instruction=yes eip_is_address=yes params=2 info0=8 info1=")


def test_unhandled_exception_reaches_the_programs_filter():
    r = run_sample("unhandled.exe")
    assert r.stdout.decode().splitlines() == ["raising", "filter: code=e0000042 params=1 info0=7"]
    # the filter returned EXCEPTION_EXECUTE_HANDLER: ExitProcess(exception code)
    assert r.exit_code == 0xE0000042


def test_unhandled_access_violation_report():
    r = run_sample("fault.exe")
    assert r.reason == "unhandled exception" and r.exit_code == 0xC0000005
    f = r.fault
    assert f.location.startswith("fault.exe+0x") and f.instruction.startswith("mov dword ptr [")
    # a stack walk: the faulting function's caller chain reaches the C runtime's start-up code
    assert f.stack and all(isinstance(frame, str) for frame in f.stack)
    assert any(frame.startswith("fault.exe+0x") for frame in f.stack)


def test_cpu_exceptions_and_thread_control():
    r = run_sample("cpufaults.exe")
    assert r.reason == "exited" and r.exit_code == 0, r.message
    assert r.stdout.decode().splitlines() == [
        "single step: 80000004",
        "ud2: c000001d at the instruction: yes",
        "hlt: c0000096 at the instruction: yes",
        "into: c0000095",
        "deep recursion over 400 KiB of stack: 400",
        "suspended worker stood still: yes, resumed worker ran: yes",
        "priority: 1",
        "terminated worker exit code: 55",
    ]


def test_stack_overflow_ends_the_process_with_its_status():
    r = run_sample("stackoverflow.exe")
    assert r.stdout == b"recursing\n"
    assert r.reason == "unhandled exception" and r.exit_code == 0xC00000FD
    assert "STATUS_STACK_OVERFLOW" in r.message and "stackoverflow.exe+0x" in r.message
