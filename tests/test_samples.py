"""Every sample's output and exit code, as Windows prints them (samples/README.md)."""
import pytest

from conftest import run_sample

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)


def test_hello():
    r = run_sample("hello.exe")
    assert r.reason == "exited"
    assert r.stdout == b"Hello, world!\nThe answer is 42 and the word is ntboot.\n"
    assert r.exit_code == 3


def test_args_quoting_and_environment():
    args = ["plain", "with space", 'quo"te', "back\\slash\\", "", "tab\there"]
    r = run_sample("args.exe", args, environment={"NTBOOT_TEST": "set by test"})
    lines = r.stdout.decode().splitlines()
    assert lines[0] == f"argc={len(args) + 1}"
    assert lines[1] == "argv[0]=[C:\\app\\args.exe]"
    assert lines[2:2 + len(args)] == [f"argv[{i + 1}]=[{a}]" for i, a in enumerate(args)]
    assert lines[-1] == "NTBOOT_TEST=[set by test]"
    assert r.exit_code == len(args) + 1


def test_args_without_environment_variable():
    r = run_sample("args.exe")
    assert r.stdout.decode().splitlines() == ["argc=1", "argv[0]=[C:\\app\\args.exe]", "NTBOOT_TEST=(null)"]
    assert r.exit_code == 1


def test_pebwalk_lists_and_export_parsing(os_profile):
    r = run_sample("pebwalk.exe")
    text = r.stdout.decode()
    assert r.exit_code == 0, text
    sections = {}
    current = None
    for line in text.splitlines():
        if line.endswith("order:"):
            current = line[:-1]
            sections[current] = []
        elif line.startswith("  ") and current:
            name, base = line.split()
            sections[current].append((name, int(base, 16)))
    if os_profile.name == "win7sp1":
        # Windows 7: kernel32 imports KERNELBASE, which is initialized between ntdll and kernel32
        assert [n for n, _ in sections["load order"]] == ["pebwalk.exe", "ntdll.dll", "kernel32.dll",
                                                          "KERNELBASE.dll", "msvcrt.dll"]
        assert [n for n, _ in sections["init order"]] == ["ntdll.dll", "KERNELBASE.dll", "kernel32.dll", "msvcrt.dll"]
    else:
        # XP: no KERNELBASE; kernel32 at 0x7C800000, ntdll at 0x7C900000
        assert [n for n, _ in sections["load order"]] == ["pebwalk.exe", "ntdll.dll", "kernel32.dll", "msvcrt.dll"]
        assert [n for n, _ in sections["init order"]] == ["ntdll.dll", "kernel32.dll", "msvcrt.dll"]
        assert dict(sections["load order"])["kernel32.dll"] == 0x7C800000
        assert dict(sections["load order"])["ntdll.dll"] == 0x7C900000
    assert sections["memory order"] == sections["load order"]
    assert sections["load order"][0][1] == 0x400000
    assert "GetProcAddress found" in text and "image base ok" in text


def test_tls_callbacks_and_static_tls():
    r = run_sample("tls.exe")
    assert r.stdout.decode().splitlines() == [
        "tls callback 1: reason=1", "tls callback 2: reason=1",
        "main: tls var=0x1234", "main: tls var=0x1235", "main: template var=0x1234",
        "tls callback 1: reason=0", "tls callback 2: reason=0"]
    assert r.exit_code == 0


def test_dll_import_data_export_and_runtime_loading():
    r = run_sample("dllmain.exe")
    assert r.stdout.decode().splitlines() == [
        "sampledll: DLL_PROCESS_ATTACH", "dllmain: start", "dllmain: add_numbers(2, 3) = 5",
        "dllmain: sample_counter = 42", "dllmain: get_counter() after increment = 43",
        "sampledll2: DLL_PROCESS_ATTACH", "dllmain: LoadLibraryA(sampledll2.dll) ok",
        "dllmain: multiply(6, 7) = 42", "sampledll2: DLL_PROCESS_DETACH", "dllmain: FreeLibrary ok",
        "dllmain: done", "sampledll: DLL_PROCESS_DETACH"]
    assert r.exit_code == 0


def test_two_dlls_with_one_preferred_base():
    r = run_sample("reloc.exe")
    assert r.stdout.decode().splitlines() == [
        "relocA: string from relocA", "relocB: string from relocB", "relocA: pointers ok",
        "relocB: pointers ok", "distinct bases: yes"]
    assert r.exit_code == 0


@pytest.mark.parametrize("n,expected", [(1000, 622743910), (1000000, 3932302724)])
def test_cpuloop(n, expected):
    r = run_sample("cpuloop.exe", [str(n)])
    assert r.stdout == f"cpuloop: iterations={n} result={expected}\n".encode()
    assert r.exit_code == 0


THREADS_OUTPUT = [
    "sampledll: DLL_PROCESS_ATTACH", "sampledll: DLL_THREAD_ATTACH", "sampledll: DLL_THREAD_ATTACH",
    "worker 1: add_numbers(1, 10) = 11", "worker 2: add_numbers(2, 10) = 12",
    "sampledll: DLL_THREAD_DETACH", "sampledll: DLL_THREAD_DETACH", "main: wait all returned 0",
    "main: thread 1 exit code 101", "main: thread 2 exit code 102", "main: timed wait returned 258",
    "main: at least 70 ms passed: yes", "sampledll: DLL_PROCESS_DETACH"]


def test_threads_are_created_scheduled_waited_for_and_deterministic():
    first = run_sample("threads.exe")
    assert first.reason == "exited" and first.exit_code == 0
    assert first.stdout.decode().splitlines() == THREADS_OUTPUT
    second = run_sample("threads.exe")
    assert second.stdout == first.stdout
    assert [p["exit_code"] for p in first.processes] == [0]


def test_real_time_follows_the_host_clock():
    """threads.exe sleeps 10 and 20 ms and waits 50 ms: in real time that takes host time; by
    default (virtual time) the same run is far quicker and identical from run to run."""
    import time
    start = time.perf_counter()
    r = run_sample("threads.exe", real_time=True)
    elapsed = time.perf_counter() - start
    assert r.stdout.decode().splitlines() == THREADS_OUTPUT
    assert elapsed >= 0.07


HEAPTIME_OUTPUT = ['heap: zeroed=yes size=100 valid=yes', 'heap: realloc size=5000 data kept=yes', 'heap: free=yes destroy=yes', 'process heaps: 2, first is the process heap: yes', 'system time within a second of the file time: yes', 'local equals system (UTC): yes', 'epoch: 1601-01-01 00:00:00.000 dow=1', 'maximum: 30828-09-14 02:48:05.477 dow=4', '2021: 2021-01-01 00:00:00.000 dow=5', 'round trip: yes', 'too large: 0 error=87', 'february 30: 0 error=87', 'leap day 2024: 1', 'time zone: id=0 bias=0']


def test_heaps_and_time():
    """HeapCreate/Alloc/ReAlloc/Size/Validate/Free/Destroy, GetProcessHeaps; system and local time,
    FILETIME <-> SYSTEMTIME at the ends of the range (1601-01-01 was a Monday; the largest FILETIME
    is 30828-09-14 02:48:05.477), invalid SYSTEMTIMEs refused with ERROR_INVALID_PARAMETER, UTC."""
    r = run_sample("heaptime.exe")
    assert r.exit_code == 0, r.message
    assert r.stdout.decode().splitlines() == HEAPTIME_OUTPUT
