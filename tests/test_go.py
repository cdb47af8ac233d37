"""Go programs (Debian's go 1.19, GOOS=windows GOARCH=386, samples/go/, built by
samples/build_go.sh into samples/bin/go/) run to their expected output under ntboot.

The Go runtime's start-up exercises what this needs: the 39 kernel32 functions it imports, the
functions it finds with LoadLibraryExA(LOAD_LIBRARY_SEARCH_SYSTEM32) + GetProcAddress (advapi32
SystemFunction036, ntdll RtlGetNtVersionNumbers/NtWaitForSingleObject, winmm timeBeginPeriod,
ws2_32 WSAGetOverlappedResult, powrprof PowerRegisterSuspendResumeNotification, absent on
Windows 7 as there), Winsock start-up and its protocol catalog (internal/poll), OS threads
(sysmon, the template thread), I/O completion ports (the network poller that runs timers).
Every expected value comes from the Go source and the inputs written here (wc and SHA-256
computed in Python), never from what ntboot printed."""
from __future__ import annotations

import gzip
import hashlib
import json
import os

import pytest

from ntboot import Emulator

HERE = os.path.dirname(os.path.abspath(__file__))
GO_BIN = os.path.join(HERE, "..", "samples", "bin", "go")
TEXT = b"hello world\nthe quick brown fox\n\njumps over\tthe lazy dog\n"
DATA = "C:\\data"


def go_sample(name: str) -> str:
    path = os.path.join(GO_BIN, name + ".exe")
    assert os.path.exists(path), f"{path} is missing: run samples/build_go.sh"
    return path


def run_go(name: str, args=(), folder=None, stdin: bytes = b"", timeout: float = 120):
    mounts = [(str(folder), DATA, True)] if folder is not None else []
    emu = Emulator(timeout=timeout, mounts=mounts, stdin=stdin)
    try:
        emu.create_process(go_sample(name), list(args))
        result = emu.run()
    finally:
        emu.close()
    assert result.reason == "exited", (result.reason, result.message, result.stderr[-2000:])
    return result


def out(result) -> str:
    return result.stdout.decode("utf-8").replace("\r\n", "\n")


def wc_counts(data: bytes) -> tuple[int, int, int]:
    return data.count(b"\n"), len(data.split()), len(data)


def test_hello_args_and_exit_code():
    r = run_go("hello", ["x", "y z"])
    assert out(r) == 'hello from Go\nargs: 2\narg 1: "x"\narg 2: "y z"\nupper: X+Y Z\n'
    assert r.exit_code == 2                        # os.Exit(len(os.Args) - 1)
    r = run_go("hello", ["fail"])
    assert r.exit_code == 7
    assert r.stderr.decode().replace("\r\n", "\n") == "failing on request\n"


def test_wc(tmp_path):
    (tmp_path / "a.txt").write_bytes(TEXT)
    (tmp_path / "b.txt").write_bytes(b"one two three")
    r = run_go("wc", [f"{DATA}\\a.txt", f"{DATA}\\b.txt", f"{DATA}\\missing.txt"], tmp_path)
    a, b = wc_counts(TEXT), wc_counts(b"one two three")
    total = tuple(x + y for x, y in zip(a, b))
    assert out(r) == (f"{a[0]:7d} {a[1]:7d} {a[2]:7d} {DATA}\\a.txt\n"
                      f"{b[0]:7d} {b[1]:7d} {b[2]:7d} {DATA}\\b.txt\n"
                      f"{total[0]:7d} {total[1]:7d} {total[2]:7d} total\n")
    # the missing file: Go's *PathError with Windows' message for ERROR_FILE_NOT_FOUND
    assert r.stderr.decode().strip() == f"wc: open {DATA}\\missing.txt: The system cannot find the file specified."
    assert r.exit_code == 1


def test_sha256sum(tmp_path):
    big = bytes(range(256)) * 1000                 # several of io.Copy's 32 KiB blocks
    (tmp_path / "a.txt").write_bytes(TEXT)
    (tmp_path / "big.bin").write_bytes(big)
    r = run_go("sha256sum", [f"{DATA}\\a.txt", f"{DATA}\\big.bin"], tmp_path)
    assert out(r) == (f"{hashlib.sha256(TEXT).hexdigest()}  {DATA}\\a.txt\n"
                      f"{hashlib.sha256(big).hexdigest()}  {DATA}\\big.bin\n")
    assert r.exit_code == 0


# Input given as `stdin` is the console's input, as if typed: Go reads a console handle with
# ReadConsoleW, and the console (line input, echo on by default) shows what was typed before the
# program's output, as on Windows.  (Redirected input -- a pipe or file as the standard input
# handle, read without echo -- is not modelled yet.)
def test_sha256sum_of_stdin():
    r = run_go("sha256sum", stdin=b"abc")
    assert out(r) == "abc" + f"{hashlib.sha256(b'abc').hexdigest()}  -\n"


def test_gzip_round_trip(tmp_path):
    text = b"".join(b"line %d of a repetitive text\n" % (i % 50) for i in range(2000))
    (tmp_path / "t.txt").write_bytes(text)
    r = run_go("gzipround", [f"{DATA}\\t.txt"], tmp_path)
    import zlib
    assert out(r) == (f"original {len(text)} bytes, crc32 {zlib.crc32(text):08x}\n"
                      'header name "data.txt"\ncompressed smaller: true\n'
                      f"round trip: ok ({len(text)} bytes)\n")
    # the .gz the guest wrote is a valid gzip file of the same data, readable by Python
    assert gzip.decompress((tmp_path / "t.txt.gz").read_bytes()) == text


def test_json_pretty_printer(tmp_path):
    doc = {"name": "ntboot", "tags": ["go", "win32"], "n": 3, "nested": {"b": True, "a": None}}
    (tmp_path / "in.json").write_text(json.dumps(doc))
    r = run_go("jsonfmt", [f"{DATA}\\in.json"], tmp_path)
    # Go's MarshalIndent of a map sorts the keys, like Python's sort_keys; 9 values in all
    assert out(r) == json.dumps(doc, indent=2, sort_keys=True) + "\nvalues: 9\n"
    assert r.exit_code == 0
    r = run_go("jsonfmt", stdin=b'[1, 2, {"x": [true]}]')           # echoed, as typed input is
    assert out(r) == '[1, 2, {"x": [true]}]' + json.dumps([1, 2, {"x": [True]}], indent=2) + "\nvalues: 6\n"
    r = run_go("jsonfmt", stdin=b"{broken")
    assert r.exit_code == 1 and r.stderr.startswith(b"jsonfmt: invalid JSON:")


def collatz(n: int) -> int:
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def test_worker_pool_goroutines_channels_waitgroup():
    n = 2000
    r = run_go("workers", [str(n)])
    steps = {i: collatz(i) for i in range(1, n + 1)}
    best = max(steps, key=lambda i: (steps[i], -i))
    assert out(r) == (f"GOMAXPROCS 1\njobs {n} done {n}\n"      # the profile's one processor
                      f"longest chain below {n + 1}: {best} ({steps[best]} steps)\n"
                      f"total steps {sum(steps.values())}\n"
                      f"sum of squares 1..100: {sum(i * i for i in range(1, 101))}\n")
    assert r.exit_code == 0


def test_timers_sleep_after_ticker():
    r = run_go("timers")
    assert out(r) == ("slept at least 50ms: true\nafter 10ms first\nafterfunc 30ms\n"
                      "ticks: 5, at least 100ms: true\nstopped an hour timer: true\n"
                      "year after 2000: true\ntotal at least 180ms: true\n")
    assert r.exit_code == 0


def test_filepath_walk(tmp_path):
    tree = tmp_path / "tree"
    (tree / "sub" / "deeper").mkdir(parents=True)
    (tree / "one.txt").write_bytes(b"x")
    (tree / "sub" / "two.txt").write_bytes(b"hello\n")
    (tree / "sub" / "deeper" / "three.bin").write_bytes(b"12345678")
    r = run_go("walk", [f"{DATA}\\tree"], tmp_path)
    # Walk visits in lexical order, a directory before its contents
    assert out(r) == ("dir  .\nfile one.txt 1\ndir  sub\ndir  sub/deeper\nfile sub/deeper/three.bin 8\n"
                      "file sub/two.txt 6\n3 dirs, 3 files, 15 bytes\next of a.txt: .txt base: z.go\n")
    r = run_go("walk", [f"{DATA}\\nothere"], tmp_path)
    assert r.exit_code == 1


def test_panics_recovered_and_unrecovered():
    """Hardware exceptions (nil dereference, integer division by zero) reach the runtime's
    vectored handler through KiUserExceptionDispatcher and become Go panics; an unrecovered one
    prints the panic and its goroutine's stack and exits with 2 (the Go runtime's code)."""
    expected = ("recovered: runtime error: invalid memory address or nil pointer dereference\n"
                "recovered: runtime error: index out of range [5] with length 1\n"
                "recovered: runtime error: integer divide by zero\n"
                "recovered: custom\n"
                'strconv.Atoi: parsing "x1": invalid syntax\n')
    r = run_go("panics")
    assert out(r) == expected and r.exit_code == 0
    r = run_go("panics", ["crash"])
    assert out(r) == expected
    assert r.exit_code == 2
    err = r.stderr.decode().replace("\r\n", "\n")
    assert err.startswith("panic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.main()\n")


def test_files_and_os(tmp_path):
    r = run_go("files", [DATA], tmp_path)
    assert out(r) == ('"first\\nsecond\\n"\n'
                      "two.txt 13 false true\n"                  # 6 + 7 bytes, a regular file
                      "not exist: true\n"
                      f"wd: {DATA}\\a\n"
                      "[b]\n"
                      "remove the current directory fails: true\n"
                      "removed: true\n"
                      "hostname: NTBOOT <nil>\n"                 # the default COMPUTERNAME
                      "TEMP set: true tmpdir: C:\\Users\\user\\AppData\\Local\\Temp\n"
                      "temp file: true\n"
                      "exe: C:\\app\\files.exe <nil>\n")      # where ntboot puts the program
    assert r.exit_code == 0
    assert list(tmp_path.iterdir()) == []                       # RemoveAll removed everything


def test_async_preemption_of_a_spinning_goroutine():
    """With one processor, main's sleeps end only if sysmon preempts the spinning goroutine
    (SuspendThread, GetThreadContext, SetThreadContext injecting asyncPreempt, ResumeThread)."""
    r = run_go("preempt")
    assert out(r) == "".join(f"main woke {i} (GOMAXPROCS 1)\n" for i in (1, 2, 3)) + "spinner made progress: true\n"
    assert r.exit_code == 0


@pytest.mark.parametrize("name", ["panics", "files", "preempt", "hello", "wc", "sha256sum", "gzipround", "jsonfmt", "workers", "timers", "walk"])
def test_built_by_debian_go_for_windows_386(name):
    """The committed binaries are what build_go.sh makes: PE32 i386 console programs."""
    import struct
    with open(go_sample(name), "rb") as f:
        data = f.read(4096)
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    assert data[pe:pe + 4] == b"PE\0\0"
    assert struct.unpack_from("<H", data, pe + 4)[0] == 0x14C          # IMAGE_FILE_MACHINE_I386
    assert struct.unpack_from("<H", data, pe + 24 + 68)[0] == 3        # IMAGE_SUBSYSTEM_WINDOWS_CUI


def test_runtime_startup_functions_on_a_c_program():
    """samples/src/rtapis.c: each function the Go runtime needs, with the values and errors the
    documentation gives (Windows 7 SP1: 6.1.7601, C:\\Windows)."""
    from conftest import run_sample
    r = run_sample("rtapis.exe")
    assert r.exit_code == 0, (r.reason, r.message)
    lines = r.stdout.decode().replace("\r\n", "\n").splitlines()
    assert lines == [
        "GetSystemDirectoryA 19 C:\\Windows\\system32",   # characters without the NUL
        "too small: 20",                                   # the size needed, with the NUL
        "GetSystemDirectoryW 19 C:\\Windows\\system32",
        "GetWindowsDirectoryW 10 C:\\Windows",
        "GetSystemWindowsDirectoryA 10",
        "GetComputerNameExW small: 0 error 234 size 7",    # ERROR_MORE_DATA, the size with the NUL
        "GetComputerNameExW DnsHostname: 1 NTBOOT size 6",
        "GetComputerNameExA DnsDomain: 1 \"\" size 0",   # a workgroup machine: no DNS domain
        "GetComputerNameExW 8: 0 error 87",                # past ComputerNamePhysicalDnsFullyQualified
        "RtlGetNtVersionNumbers 6.1 build 0xf0001db1",     # 7601 with 0xF000_0000: a free build
        'RtlGetVersion 0 6.1.7601 platform 2 sp 1.0 type 1 "Service Pack 1"',
        "SetProcessPriorityBoost 1",
        "GetProcessPriorityBoost 1 1",                     # what was set
        "bad handle: 0 error 6",                           # ERROR_INVALID_HANDLE
        "timeGetDevCaps 0 min 1 max 1000000",              # TIMERR_NOERROR; Windows 7's range
        "timeGetDevCaps small 97",                         # TIMERR_NOCANDO
        "timeBeginPeriod(1) 0 (0) 97",
        "timeEndPeriod(1) 0 (0) 97",
        "timeGetTime advanced by Sleep(100): 1",
        "before WSAStartup: -1 error 10093",               # SOCKET_ERROR, WSANOTINITIALISED
        "WSAStartup(0.0) 10092",                           # WSAVERNOTSUPPORTED
        'WSAStartup(2.2) 0 version 0x202 high 0x202 "WinSock 2.0" "Running"',
        "WSAStartup(1.1) 0 version 0x101",
        "small buffer: -1 error 10055 needed 1256",        # WSAENOBUFS; 2 x sizeof(WSAPROTOCOL_INFOW) 628
        "TCP providers: 2",
        "  MSAFD Tcpip [TCP/IP] family 2 type 1 proto 6 ifs 1",       # AF_INET, SOCK_STREAM, IPPROTO_TCP
        "  MSAFD Tcpip [TCP/IPv6] family 23 type 1 proto 6 ifs 1",    # AF_INET6
        # the A form: ANSI names; a UDP provider's largest message, 65527 bytes (65535 - 8)
        'UDP providers (A): 2 "MSAFD Tcpip [UDP/IP]" 65527 "MSAFD Tcpip [UDP/IPv6]" 65527',
        "WSASetLastError -> 12345",
        "WSACleanup 0 0 -1 error 10093",                   # two starts, two clean-ups, then not started
        "port created: 1",
        "new port with an existing one: 00000000 error 87",
        "empty, 0 ms: 0 error 258 overlapped 00000000",    # WAIT_TIMEOUT, *lpOverlapped = NULL
        "empty, 50 ms: 0 error 258 waited 1",
        "first: 1 bytes 11 key 0x1111 overlapped 00001000",   # packets in the order posted
        "Ex: 1 removed 2 [0x2222 00002000 22] [0x3333 00000000 33]",
        "Ex empty: 0 error 258",
        "Ex count 0: 0 error 87",                          # ERROR_INVALID_PARAMETER
        "post to an event: 0 error 6",                     # not a port: ERROR_INVALID_HANDLE
        "file to the port: 1",                             # the existing port's handle
        "again: 00000000 error 87",                        # already associated: ERROR_INVALID_PARAMETER
        "an event: 00000000 error 6",                      # not a file: ERROR_INVALID_HANDLE
        "close port 1",
        "SuspendThread 0",                                 # the previous suspend count
        "GetThreadContext 1, eip in spin: 1",              # where the suspended thread stands
        "SetThreadContext 1, ResumeThread 1",
        "redirected 1, exit code 42",                      # it continued at the new EIP
    ]


def test_powrprof_suspend_resume_notification_is_absent_on_windows_7():
    """Go looks up powrprof!PowerRegisterSuspendResumeNotification (Windows 8+) and carries on
    without it; Windows 7's powrprof does not export it, Windows 7's kernel32 has no CreateFile2."""
    from kernel.dlls.export_lists import load_export_list
    assert "PowerRegisterSuspendResumeNotification" not in load_export_list("powrprof", "win7sp1")
    assert "CallNtPowerInformation" in load_export_list("powrprof", "win7sp1")
    assert "timeBeginPeriod" in load_export_list("winmm", "win7sp1")
    assert "WSAGetOverlappedResult" in load_export_list("ws2_32", "win7sp1")


def test_go_programs_need_windows_7():
    """Go 1.19's linker marks its images subsystem version 6.1: Windows XP refuses to start
    them (STATUS_INVALID_IMAGE_FORMAT), Windows 7 runs them."""
    import struct
    with open(go_sample("hello"), "rb") as f:
        data = f.read(4096)
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    assert struct.unpack_from("<HH", data, pe + 24 + 48) == (6, 1)      # Major/MinorSubsystemVersion
    from ntboot.api import ProgramError
    emu = Emulator(timeout=60, profile="xpsp3")
    try:
        with pytest.raises(ProgramError) as info:
            emu.create_process(go_sample("hello"), [])
        assert info.value.status == 0xC000007B
    finally:
        emu.close()
