"""Console programs' odds and ends, each on a real image built from samples/src (expected values from
the source program and the functions' documentation):

- crtextra.exe (msvcrt): _mkdir/_wmkdir/_rmdir/_wrmdir/_getcwd/_wgetcwd/_chdir with errno, perror/_wperror, the aligned
  allocation family, _fpreset, __lconv_init;
- ucrt_aligned.exe (ucrtbase, zig cc): the same aligned family and perror in the Universal CRT;
- winsock.exe (ws2_32): Windows Sockets on a machine without a network;
- console.exe: console modes, ReadConsole line input and echo, the screen buffer, the title;
- conin.exe: console input records (ReadConsoleInput, PeekConsoleInput, GetNumberOfConsoleInputEvents);
- sysmisc.exe: thread contexts, psapi, priority boosts, EnumSystemLocales, CancelIo/GetOverlappedResult,
  DeviceIoControl, PeekNamedPipe, CreateSymbolicLink, CancelSynchronousIo, RtlCaptureContext.
The console-cell rules not in the documentation follow Microsoft's open-source console host (a fill or
read at a coordinate outside the buffer succeeds with no cells) and Wine's console tests (a failed call
reports a count of 0).
"""
from conftest import run_sample


def test_msvcrt_folders_perror_aligned_fpreset_lconv():
    r = run_sample("crtextra.exe")
    assert r.exit_code == 0
    assert r.stdout.decode().splitlines() == [
        "_mkdir new: 0",
        "_mkdir again: -1 errno=17",               # EEXIST
        "_mkdir missing parent: -1 errno=2",       # ENOENT
        "_wmkdir inner: 0",
        "_rmdir not empty: -1 errno=41",           # ENOTEMPTY
        "_wrmdir inner: 0",
        "_rmdir: 0",
        "_rmdir gone: -1 errno=2",
        "_getcwd is GetCurrentDirectory: yes",
        "_chdir C:\\: 0",
        "_getcwd after: [C:\\]",                     # a root keeps its backslash
        "_getcwd 2 chars: NULL errno=34",          # ERANGE
        "_getcwd NULL: [C:\\]",
        "_wgetcwd: C:\\",
        "_chdir missing: -1 errno=2",
        "_aligned_malloc 64: aligned",
        "_aligned_realloc 256: aligned, contents kept",
        "_aligned_malloc align 3: NULL errno=22",  # not a power of two: EINVAL
        "_aligned_offset_malloc: offset aligned",
        "_aligned_realloc NULL: new block",
        "_aligned_realloc size 0: NULL",
        "_controlfp after _RC_UP: 0x9021f",        # _CW_DEFAULT 0x9001F with RC = _RC_UP (0x200)
        "after _fpreset: _controlfp 0x9001f, x87 control word 0x27f",
        "frac_digits before __lconv_init: 127",    # CHAR_MAX of signed char
        "__lconv_init: 0",
        "frac_digits after: 255",                  # UCHAR_MAX
    ]
    # perror: "prefix: " only for a non-empty prefix; _sys_nerr and beyond: "Unknown error"
    assert r.stderr.decode().splitlines() == [
        "crtextra: No such file or directory", "Invalid argument", "Permission denied", "wide: Unknown error"]


def test_ucrtbase_aligned_and_perror():
    r = run_sample("ucrt_aligned.exe")
    assert r.exit_code == 0
    assert r.stdout.decode().splitlines() == [
        "_aligned_malloc 128: aligned",
        "_aligned_msize: at least 1000",
        "_aligned_realloc 4096: aligned [kept]",
        "_aligned_malloc align 24: NULL errno=22",
    ]
    assert r.stderr == b"ucrt: No such file or directory\n"


# the comments give where each value comes from (the Winsock documentation, the program's source)
WINSOCK = [
    "socket before WSAStartup: INVALID_SOCKET error 10093",      # WSANOTINITIALISED
    "WSACleanup before WSAStartup: -1 error 10093",
    "WSAStartup(0.2): 10092",                                    # below 1.0: WSAVERNOTSUPPORTED
    "WSAStartup(1.1): 0 version 1.1 high 2.2 max sockets 32767 udp 65467",
    "WSAStartup(3.0): 0 version 2.2",                            # newer than 2.2: 2.2 offered
    "WSAStartup(2.2): 0 version 2.2 high 2.2 [WinSock 2.0] [Running] max sockets 0",
    "WSAGetLastError after WSASetLastError: 12345, GetLastError 12345",
    "htons(0x1234)=0x3412 ntohs(0x3412)=0x1234 htonl(0x11223344)=0x44332211 ntohl(0x44332211)=0x11223344",
    # network byte order read as a little-endian u32; "10.1" = 10.0.0.1, "0x7f.1" = 127.0.0.1
    "inet_addr: 0x201a8c0 0x100000a 0x100007f 0xffffffff 0xffffffff",
    "inet_ntoa: 192.168.10.1",
    "inet_pton: 1 0 1 (v6 last bytes 0001 0002) -1 error 10047",  # WSAEAFNOSUPPORT
    "gethostname: 0, the computer name: yes",
    "gethostname short buffer: -1 error 10014",                  # WSAEFAULT
    "getaddrinfo localhost:80: 0 [v6 ::1 port 80 len 28 type 1] [v4 127.0.0.1 port 80 len 16 type 1]",
    "getaddrinfo v4 localhost:http: 0 [v4 127.0.0.1 port 80 len 16 type 1] canon=localhost",
    "getaddrinfo 127.0.0.1:7: 0 [v4 127.0.0.1 port 7 len 16 type 1]",
    "getaddrinfo ::1: 0 [v6 ::1 port 0 len 28 type 1]",
    "getaddrinfo passive:8080: 0 [v4 0.0.0.0 port 8080 len 16 type 1]",
    "getaddrinfo example.com: 11001",                             # WSAHOST_NOT_FOUND: no DNS
    "getaddrinfo NULL NULL: 11001",
    "getaddrinfo bad service: 10109",                             # WSATYPE_NOT_FOUND
    "getaddrinfo numeric-only localhost: 11001",
    "getaddrinfo into a bad pointer fails: yes",
    "inet_pton into a bad pointer: -1 error 10014",              # WSAEFAULT
    "socket: ok",
    "connect 127.0.0.1:9: -1 error 10061",                        # WSAECONNREFUSED: nobody listens
    "connect 93.184.216.34:80: -1 error 10051",                   # WSAENETUNREACH: no network
    "connect short name: -1 error 10014",
    "setsockopt SO_REUSEADDR: 0",
    "getsockname unbound: -1 error 10022",                        # WSAEINVAL
    "listen unbound: -1 error 10022",
    "bind 0.0.0.0:4000: 0",
    "getsockname: 0 port 4000 len 16",
    "listen: 0",
    "getsockopt SO_TYPE: 0 type 1 len 4",                      # SOCK_STREAM
    "getsockopt SO_REUSEADDR after setting it: 1",
    "getsockopt SO_ACCEPTCONN: 1",                              # it listens
    "getsockopt 2-byte buffer: -1 error 10014",                 # WSAEFAULT
    "ioctlsocket FIONBIO: 0, FIONREAD: 0 bytes 0",
    "getpeername: -1 error 10057",                              # WSAENOTCONN
    "FD_ISSET: 1 0",
    "socket dgram/tcp: INVALID_SOCKET error 10041",               # WSAEPROTOTYPE
    "socket family 99: INVALID_SOCKET error 10047",
    "closesocket: 0 0",
    "closesocket again: -1 error 10038",                          # WSAENOTSOCK
    "WSASocketW v6 datagram: ok closesocket 0",
    "WSASocketA with a group: INVALID_SOCKET error 10022",        # socket groups are reserved
    "WSACleanup: 0 0 0",
    "WSACleanup once more: -1 error 10093",
]


def test_winsock_without_a_network():
    r = run_sample("winsock.exe")
    assert r.exit_code == 0
    assert r.stdout.decode().splitlines() == WINSOCK


def test_ws2_32_classic_ordinals():
    """Programs linked with the SDK's ws2_32.lib import the Winsock 1.1 functions by ordinal."""
    from kernel.dlls import system_dlls
    from kernel.hle.synth import synthesize
    from kernel.profiles.base import get_profile
    profile = get_profile("win7sp1")
    import pefile
    spec = system_dlls(profile)["ws2_32.dll"]
    synth = synthesize(spec, profile)
    pe = pefile.PE(data=synth.image)
    by_ordinal = {e.ordinal: e.name.decode() for e in pe.DIRECTORY_ENTRY_EXPORT.symbols if e.name}
    assert by_ordinal[115] == "WSAStartup" and by_ordinal[116] == "WSACleanup" and by_ordinal[23] == "socket"
    assert by_ordinal[9] == "htons" and by_ordinal[57] == "gethostname" and by_ordinal[151] == "__WSAFDIsSet"
    assert pe.OPTIONAL_HEADER.ImageBase == profile.dll_bases["ws2_32.dll"]


CONSOLE_INPUT = b"first line\nsecond\nabc\bd\nxyz"      # what console.c's comment says it is run with

CONSOLE = [
    "input mode: line 1 echo 1 processed 1",
    "echo without line input: 0 error 87",        # ENABLE_ECHO_INPUT needs ENABLE_LINE_INPUT
    "output mode 0x80000: 0 error 87",            # not a Windows 7 output mode bit
    "first line\r",                               # the echo of the line read with echo on (CR LF)
    "ReadConsoleA: 1, 12 chars, ends with CR LF: yes",   # "first line" + CR LF
    "ReadConsoleW 3: 3 [sec]",
    "ReadConsoleW rest: 5, last two: 13 10",      # "ond" + CR LF
    "ReadConsoleA after backspace: 3 [abd]",      # "abc", BS, "d"
    "raw ReadConsoleA 2: 2 [xy]",
    "raw ReadConsoleA 10: 1 [z]",
    "at end of input: 0",
    "0123456789",
    "buffer 80x300, cursor after 10 chars at row 40: 10,40, window of 25 rows shows it: yes",
    "cursor at column 80: 0 error 87",
    "cursor on the input handle: 0 error 6",
    "attributes: 0x1c",                           # FOREGROUND_RED|FOREGROUND_INTENSITY|BACKGROUND_BLUE
    "fill 100 from 70,299: 1 wrote 10",           # the last row has 10 cells left
    "cells [ ##### ] attributes 0x7 0x2e 0x2e 0x2e 0x7",
    "fill at row 300: 1 wrote 0",                 # outside the buffer: nothing, and success
    "fill the input handle: 0 error 6 wrote 0",
    "a\tb",
    "tab: [ b ] cursor was at column 9",          # "a", blanks to column 8, "b"
    "InfoEx: 1 size 96 popup 0xf5 colour 1 0x800000 colour 15 0xffffff",
    "InfoEx bad cbSize: 0 error 87",
    "title is the program's path: yes",
    "title: 14 [ntboot console]",
    "title in 5 chars: 14 [ntbo]",                # as much as fits; the return value: the title's length
    "PeekNamedPipe on console input: 0 error 6",  # a Windows 7 console pseudo-handle
]


def test_console_modes_input_screen_buffer_title():
    r = run_sample("console.exe", stdin=CONSOLE_INPUT)
    assert r.exit_code == 0
    assert r.stdout.decode().split("\n")[:-1] == CONSOLE


SYSMISC = [
    "GetThreadContext suspended: 1, eax is the start routine: yes, ebx the parameter: 5, eip untouched: yes",
    "SetThreadContext: 1, the thread ran elsewhere: exit code 99, counter 0",
    "GetThreadContext waiting: 1, eip in a system DLL: yes, esp in another committed stack: yes",
    "the waiting thread went on: exit code 3",
    "SetThreadContext on itself: resumed after GetThreadContext, pass 2",
    "GetThreadContext current: 1, eip in this program: yes, esp in committed stack: yes",
    "EnumProcessModules: 1, first is the program: yes (sysmisc.exe), kernel32 and ntdll listed: yes, "
    "file name is GetModuleFileName's: yes",
    "EnumProcessModules 4 bytes: 1, needed the same: yes",
    "GetModuleBaseNameW of kernel32's handle: kernel32.dll",
    "GetModuleInformation: base is the module: yes, size is SizeOfImage: yes, entry is AddressOfEntryPoint: yes",
    "GetModuleInformation cb 8: 0 error 122",      # ERROR_INSUFFICIENT_BUFFER
    "GetModuleBaseName of no module: 0 error 6",
    "GetProcessMemoryInfo: 1, working set above 64 KiB: yes",
    "priority boost disabled: 0 -> 1",
    "EnumSystemLocalesA: 1, 1 locale(s), first 00000409",
    "EnumSystemLocalesA bad flags: 0 error 1004",  # ERROR_INVALID_FLAGS
    "ReadFile at 7: 1 got 4, GetOverlappedResult: 1 transferred 4",     # "file" of "hello, file"
    "ReadFile past the end: 0 error 38, GetOverlappedResult: 0 error 38",  # ERROR_HANDLE_EOF
    "GetOverlappedResult pending: 0 error 996",    # ERROR_IO_INCOMPLETE
    "CancelIo: 1",
    "CancelIoEx: 0 error 1168",                    # ERROR_NOT_FOUND: nothing to cancel
    "FSCTL_GET_REPARSE_POINT: 0 error 4390",       # ERROR_NOT_A_REPARSE_POINT
    "FSCTL_SET_SPARSE: 1",
    "IOCTL_DISK_GET_DRIVE_GEOMETRY on a file: 0 error 1",
    "PeekNamedPipe on a file: 0 error 1",          # ERROR_INVALID_FUNCTION
    "CancelIo on the console: 0 error 6",
    "CreateSymbolicLinkW: 0 error 1314, link exists: no",   # ERROR_PRIVILEGE_NOT_HELD
    "CreateSymbolicLinkW flag 2: 0 error 87",
    "CancelSynchronousIo: 0 error 1168",           # ERROR_NOT_FOUND: no I/O in progress
    "RtlCaptureContext: flags 0x10007, eip is the return address: yes, esp above it: yes",   # CONTEXT_FULL
]


def test_thread_contexts_psapi_io_control_locales_links():
    r = run_sample("sysmisc.exe")
    assert r.exit_code == 0
    assert r.stdout.decode().splitlines() == SYSMISC


CONIN_INPUT = b"aB?xy\nz"          # what conin.c's comment says it is run with
# a: VK 0x41 scan 0x1E; B: shifted, VK 0x42 scan 0x30; ?: shifted /, VK_OEM_2 0xBF scan 0x35
KEY_A = ["  type 1 down 1 vk 0x41 scan 0x1e char 0x61 shift 0", "  type 1 down 0 vk 0x41 scan 0x1e char 0x61 shift 0"]
KEY_B = ["  type 1 down 1 vk 0x42 scan 0x30 char 0x42 shift 1", "  type 1 down 0 vk 0x42 scan 0x30 char 0x42 shift 1"]
KEY_Q = ["  type 1 down 1 vk 0xbf scan 0x35 char 0x3f shift 1", "  type 1 down 0 vk 0xbf scan 0x35 char 0x3f shift 1"]
CONIN = ["events: 14", "peek 2: 2", *KEY_A, "read 5: 5", *KEY_A, *KEY_B, KEY_Q[0], "read 1 (A): 1", KEY_Q[1],
         "events left: 8", "ReadConsoleA after the records: 2 [xy]", "records at the end of input: 2",
         "events of an output handle: error 6"]


def test_console_input_records():
    r = run_sample("conin.exe", stdin=CONIN_INPUT)
    assert r.exit_code == 0
    assert r.stdout.decode().splitlines() == CONIN


def test_psapi_forwards_to_kernel32_on_windows_7_only():
    from kernel.dlls import system_dlls
    from kernel.profiles.base import get_profile
    win7 = system_dlls(get_profile("win7sp1"))
    assert win7["psapi.dll"].forwarders["EnumProcessModules"] == "kernel32.K32EnumProcessModules"
    assert set(win7["psapi.dll"].forwarders) == {           # the K32* functions ntboot has
        "EnumProcessModules", "EnumProcessModulesEx", "GetModuleBaseNameA", "GetModuleBaseNameW",
        "GetModuleFileNameExA", "GetModuleFileNameExW", "GetModuleInformation", "GetProcessMemoryInfo"}
    assert "psapi.dll" not in system_dlls(get_profile("xpsp3"))
