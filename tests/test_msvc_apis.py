"""kernel32 and ucrtbase functions that MSVC-built programs need, run by real images built from
samples/src (msvcsys.c + msvcsys.rc with mingw-w64, ucrt_more.c with zig against the UCRT).  Every
expected line follows from the program's source and the functions' documented behaviour (the comments
say which)."""
from conftest import run_sample

MSVCSYS = [
    # SLIST: LIFO, Depth counts the entries; flush hands back the chain; pop of an empty list is NULL
    "slist empty: depth=0 first=NULL",
    "push 1: previous=0 depth=1",
    "push 2: previous=1 depth=2",
    "push 3: previous=2 depth=3",
    "pop: 3 depth=2",
    "flush: 2 then 1 then end; depth=0",
    "pop empty: NULL",
    "EncodePointer changes it: yes, DecodePointer restores it: yes",
    # C:\Windows\system32 is 19 characters: the count without the NUL, or 20 (with it) when too small
    "GetSystemDirectoryW: 19 [C:\\Windows\\system32]",
    "GetSystemDirectoryA: 19 [C:\\Windows\\system32]",
    "GetSystemDirectoryA small buffer: 20, buffer [xyz]",
    "GetWindowsDirectoryW: 10 [C:\\Windows]",
    "GetWindowsDirectoryA size query: 11",
    "GetSystemWindowsDirectoryW: 10 [C:\\Windows]",
    # the computer name is %COMPUTERNAME% (BUILDHOST, 9 characters, set by the test below)
    "GetComputerNameA: 1 size=9 same as %COMPUTERNAME%: yes",
    "GetComputerNameW: 1 size=9 [BUILDHOST]",
    "GetComputerNameW small: 0 error=111 size=10 (name length + 1: 10)",         # ERROR_BUFFER_OVERFLOW
    "GetComputerNameExW DnsDomain: 1 size=0 []",                                  # in no domain
    "GetComputerNameExA NetBIOS: 1 size=9 same: yes",
    "GetComputerNameExW small: 0 error=234 size=10",                             # ERROR_MORE_DATA
    "GetComputerNameExW bad format: 0 error=87",                                 # ERROR_INVALID_PARAMETER
    # 7.5 -> 8, -7.5 -> -8 (half away from zero), 12.5 -> 13, a zero divisor and an overflow -> -1,
    # a 64-bit intermediate: 0x7FFFFFFF * 0x7FFFFFFF / 0x7FFFFFFF
    "MulDiv: 8 -8 -8 13 -13 -1 -1 2147483647",
    "IsBadReadPtr: NULL,1=1 NULL,0=0 local=0 code=0 noaccess=1 reserved=1 span=1",
    "IsBadWritePtr: local=0 code=1 noaccess=1",
    "IsBadCodePtr: code=0 low=1",
    "IsBadStringPtrA: literal=0 unterminated=1 limited=0 NULL,0=0 NULL,1=1",
    "IsBadStringPtrW: literal=0 unterminated=1 limited=0",
    "IsWow64Process: 1 wow64=0",                                                   # 32-bit Windows 7
    "IsWow64Process bad handle: 0 error=6",
    "IsWow64Process bad pointer: 0 error=998",                                    # ERROR_NOACCESS
    "GetNativeSystemInfo: architecture=0 page=4096 granularity=65536",            # PROCESSOR_ARCHITECTURE_INTEL
    # msvcsys.rc: "hello resource" (14 bytes, windres adds no NUL), 7 RCDATA {1, 2, 3} (three WORDs)
    "FindResourceA GREETING: found size=14 data=[hello resource] FreeResource=0",
    "FindResourceW #7: size=6 data=1 2 3",
    "FindResourceA lower case name: found",
    "FindResourceA missing name: NULL error=1814",                                # ERROR_RESOURCE_NAME_NOT_FOUND
    "FindResourceA missing type: NULL error=1813",                                # ERROR_RESOURCE_TYPE_NOT_FOUND
    "FindResourceA TEXT 42: [neutral text]",
    "FindResourceExA TEXT 42 German: [deutscher Text]",
    "FindResourceExW TEXT 42 French: NULL error=1815",                            # ERROR_RESOURCE_LANG_NOT_FOUND
    # named entries before IDs, in the directory's order: TEXT, RT_RCDATA (10), RT_VERSION (16)
    "EnumResourceTypesA: TEXT #10 #16 -> 1",
    "EnumResourceNamesA RCDATA: GREETING #7 -> 1",
    "EnumResourceNamesA stopped: GREETING -> 0 error=15106",                      # ERROR_RESOURCE_ENUM_USER_STOP
    "EnumResourceNamesA missing type: 0 error=1813",
    "EnumResourceLanguagesW TEXT 42: 0000 0407 -> 1",
    "Process32FirstW with dwSize 0: 0 error=87",
    "processes: end error=18, this one (2 threads): yes, the child (parent: this one): yes, at least 2: yes",
    "Process32First (ANSI) again from the start: 1",
    "threads: this process 2, the child 1",
    "modules: the program first: yes, kernel32 at its handle: yes",
    "child's first module: 1 msvcsys.exe",
    "snapshot of a missing process: INVALID_HANDLE_VALUE error=87",
    # msvcrt's heap (4 MB reserved) and a HeapCreate(0, 0, 0) heap grow past their first segment
    "5 MB in 16000-byte blocks: malloc ok, HeapAlloc on a growable heap ok, HeapDestroy 1",
    # Windows 7 SP1 is 6.1.7601 with service pack 1: VER_GREATER_EQUAL is 3, at bits 3-5 for the major version
    "VerSetConditionMask(0, VER_MAJORVERSION, VER_GREATER_EQUAL) = 0x18",
    "at least 6.1 SP1: 1",
    "exactly 6.1 SP1: 1",
    "at least 5.1 SP3: 1",                    # 6.1 > 5.1: the service pack does not matter
    "at least 6.2: 0 error=1150",             # ERROR_OLD_WIN_VERSION
    "at least 6.1 SP2: 0 error=1150",
    "VerifyVersionInfoA build 7601: 1",
    "empty type mask: 0 error=160",           # ERROR_BAD_ARGUMENTS
    "GetLogicalProcessorInformation size query: 0 error=122 whole entries: yes",
    "GetLogicalProcessorInformation: 1, one core per processor: yes",
    "GetLogicalProcessorInformationEx(RelationAll): 1 cores=processors:yes packages=1 nodes=1 groups=1 "
    "group's processors=processors:yes",
    "GetLogicalProcessorInformationEx(9): 0 error=87",
    "GetActiveProcessorCount(ALL) = processors: yes, group 5: 0 error=87, groups 1, maximum yes/1",
    # TOKEN_USER: an 8-byte SID_AND_ATTRIBUTES and the SID S-1-5-21-x-y-z-rid (8 + 5 * 4 bytes)
    "TokenUser size query: 0 error=122 size=36",
    "TokenUser: 1, S-1-5-21-..., the SID has a profile: yes",
    "TokenIntegrityLevel: 1 S-1-16-8192",      # medium: a UAC-filtered standard user
    "TokenElevation: 1 elevated=0 size=4",
    "TokenType: 1 1",                          # TokenPrimary
    "bad token handle: 0 error=6",
    "SetConsoleMode with ENABLE_VIRTUAL_TERMINAL_PROCESSING: 0 error=87",   # a Windows 10 flag
    "SetConsoleMode processed + wrap: 1",
    "WriteConsoleOutputW: 1 region 0,0-4,0",
    "read back from the screen buffer: 5 [VWXYZ]",     # the 5 cells, at the buffer's top-left corner
    "EnumProcessModules: 1, the program first: yes, kernel32 listed: yes",
    "EnumProcessModules with room for one: 1, needs more: yes",
    # a 4-character buffer: the first 4 characters, without a NUL (the sample prints at most 4)
    "GetModuleBaseNameA: msvcsys.exe, GetModuleFileNameExA(kernel32) as GetModuleFileNameA: yes, cut: 4 [msvc]",
    "GetModuleInformation: 1 base=program: yes size>0: yes",
    "RtlGetVersion: 0 6.1.7601 SP1",
    "RtlFirstEntrySList: the entry, depth still 1",
    "IsBadHugeReadPtr readonly: 0, IsBadHugeWritePtr readonly: 1",
    "Module32First (ANSI): msvcsys.exe",
    "Module32Next and Process32Next (ANSI) walk to the end: yes",
    "EnumResourceTypesW: TEXT #10 #16",
    "EnumResourceNamesW TEXT: #42",
    "EnumResourceLanguagesA RCDATA #7: 0000",
    "ConvertSidToStringSidW: S-1-16-8192",
    "GetModuleBaseNameW: kernel32.dll",
    "GetModuleFileNameExW ends with the program: yes",
    "WriteConsoleOutputA: 1 region 0-2 [abc]",       # read back with ReadConsoleOutputCharacterA
    # grey on black (7), then FOREGROUND_RED | FOREGROUND_GREEN | BACKGROUND_BLUE = 0x4 | 0x2 | 0x10
    "SetConsoleTextAttribute: 1 attributes 0x7 -> 0x16, on the input handle: 0 error=6",
]


def _lines(data: bytes) -> list[str]:
    return data.decode().replace("\r\n", "\n").splitlines()


def test_msvcsys_kernel32_functions():
    r = run_sample("msvcsys.exe", environment={"COMPUTERNAME": "BUILDHOST"})
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert _lines(r.stdout) == MSVCSYS
    assert r.stderr == b""


UCRT_MORE = [
    "C locale: yes",
    "system locale: yes",
    "unknown locale: NULL",
    "bad category: NULL errno=22",                  # EINVAL
    "current locale: yes",
    # "%d %ls %hs %5.2f": 42, wide, narrow, 3.14159 -> 20 characters
    "swprintf: 20 [42 wide narrow  3.14]",
    # _snwprintf into 4 characters: the first 4 of "123456", no NUL (the '#' fill stays), -1
    "_snwprintf: -1 [1234##]",
    "_scwprintf: 8",                                # "abcdef-7"
    "wprintf out ff",
    "wprintf returned 15",                          # "wprintf out ff\n"
    "_aligned_malloc 64: aligned, _aligned_realloc 256: aligned, kept: k",
    "_aligned_malloc alignment 3: NULL errno=22",   # not a power of two: EINVAL
    # the C locale maps bytes to the characters of the same value; code page 1252 has 0x80 = U+20AC
    "MB_CUR_MAX=1 mbtowc(0x80) in C: 1 U+0080",
    "_mbtowc_l(0x80) in 1252: 1 U+20AC, empty string: 0, count 0: -1",
    "wctomb U+00E9 in C: 1 byte E9, U+20AC: -1",
    "wcrtomb U+0041: 1, U+4E00: -1 errno=42",      # EILSEQ
    "Wfputwc: 87",                                  # 'W' written, then its value
    "ide",
    "fputws: 0",
    "!putwc: 33",                                   # '!' written, then its value
    "swprintf_s fits: 7 [1234567]",
    # _snwprintf_s with _TRUNCATE: as much as fits (7 and the NUL), -1; with count 3: 3 characters, -1
    "_snwprintf_s _TRUNCATE: -1 [abcdefg]",
    "_snwprintf_s count 3: -1 [abc]",
]


def test_ucrt_locales_wide_printf_and_assert_that_holds():
    r = run_sample("ucrt_more.exe")
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert _lines(r.stdout) == UCRT_MORE + ["assert passed"]
    assert r.stderr.replace(b"\r\n", b"\n") == b"to stderr -5\n"


def test_ucrt_failed_assert_prints_and_exits_3():
    """assert(argc == 1) with an argument: the console message on stderr, then abort's exit code 3 (the
    release UCRT prints no abort message); the program flushed stdout itself before.  Line 95 of ucrt_more.c is the assert."""
    r = run_sample("ucrt_more.exe", ["x"])
    assert (r.reason, r.exit_code) == ("exited", 3), r.message
    assert _lines(r.stdout) == UCRT_MORE
    assert r.stderr.replace(b"\r\n", b"\n") == (b"to stderr -5\n"
                                                b"Assertion failed: argc == 1, file src/ucrt_more.c, line 95\n")


def test_ucrt_wassert():
    r = run_sample("ucrt_more.exe", ["w"])
    assert (r.reason, r.exit_code) == ("exited", 3), r.message
    assert r.stderr.replace(b"\r\n", b"\n").endswith(b"Assertion failed: wide expression, file wide.c, line 77\n")


VERINFO = [
    "GetFileVersionInfoSizeW: non-zero handle=0",
    # the size is twice the resource plus 4; "FE2X" follows the resource
    "GetFileVersionInfoW: 1, first WORD (wLength) * 2 + 4 == size: yes, signature after it: FE2X",
    # VS_FIXEDFILEINFO (52 bytes, signature 0xFEEF04BD) of msvcsys.rc: VFT_APP 1, VOS_NT_WINDOWS32 0x40004
    "root: 1 len=52 signature=feef04bd file 1.2.3.4 product 5.6.7.8 type=1 os=00040004",
    "translation: 1 len=4 0409 1200",
    # string lengths in characters with the NUL; the key matched case-insensitively (040904b0)
    "CompanyName: 1 len=15 [ntboot samples]",
    "FileDescription: 1 len=21 [System odds and ends]",
    "NoSuchKey: 0",
    "GetFileVersionInfoSizeA == W: yes, GetFileVersionInfoA: 1",
    "ProductName (A): 1 len=8 [msvcsys] inside the block: yes",
    "root (A): 1 len=52 file version MS 00010002",
    "missing file: 0 error=2",                              # ERROR_FILE_NOT_FOUND
    "a program without resources: 0 error=1812",            # ERROR_RESOURCE_DATA_NOT_FOUND
    # Windows 7 SP1's release files: 6.1.7601.17514, VFT_DLL (2), Microsoft's company name
    "kernel32.dll: 1 file 6.1.7601.17514 type=2",
    "kernel32.dll ProductVersion: [6.1.7601.17514]",
    "kernel32.dll CompanyName: [Microsoft Corporation]",
]


def test_version_dll_reads_the_version_resource_of_a_file():
    r = run_sample("verinfo.exe")
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert _lines(r.stdout) == VERINFO


DELAYLOAD = [
    # MinGW's delay-load helper loads sampledll.dll at the first call (its DllMain prints the attach)
    "loaded before the first call: no",
    "sampledll: DLL_PROCESS_ATTACH",
    "add_numbers(2, 3) = 5",
    "loaded after it: yes",
    "descriptors: sampledll.dll (RVA-based: 1), ghostdelay.dll",
    # sampledll.c: sample_counter = 42
    "ResolveDelayLoadedAPI get_counter: the export: yes, stored in its slot: yes, get_counter() = 42",
    # the hook's value goes into the slot; dliFailLoadLib (3), ERROR_MOD_NOT_FOUND (126), sizeof(DELAYLOAD_INFO)
    "missing DLL with a hook: 00001234, slot 00001234, reason 3, ghostdelay.dll!ghost_function error=126 size=36",
    "missing DLL with DelayLoadFailureHook: NULL, error=127",
    # GNU ld leaves the delay-import data directory empty: no delay imports are found by DLL name
    "ResolveDelayLoadsFromDll sampledll: 0xc0000135, ghostdelay: 0xc0000135, other.dll: 0xc0000135",
    "sampledll: DLL_PROCESS_DETACH",
]


def test_delay_load_imports_and_resolve_delay_loaded_api():
    r = run_sample("delayload.exe")
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert _lines(r.stdout) == DELAYLOAD


def test_ucrt_cxx_program_built_with_zig():
    """libc++ on the UCRT: the lines ucrt_cxx.cpp prints (sorted 5 3 9 1; the map in key order; the caught
    exception's what(); wcout; 3.25 and 255 in hex), and the exit code argc (3 with two arguments)."""
    r = run_sample("ucrt_cxx.exe", ["a", "b"])
    assert (r.reason, r.exit_code) == ("exited", 3), r.message
    assert _lines(r.stdout) == ["sorted: 1 3 5 9 ", "a=1", "b=2", "caught boom", "wide 42", "3.25 ff"]
    assert r.stderr == b""


def test_msvcrt_failed_assert():
    """mingw-w64's assert() calls msvcrt's _assert: the message on stderr (line 624 of msvcsys.c), then
    msvcrt's abort message and exit code 3."""
    r = run_sample("msvcsys.exe", ["assert"])
    assert (r.reason, r.exit_code) == ("exited", 3), r.message
    assert _lines(r.stdout) == ["before the assert"]
    assert r.stderr.replace(b"\r\n", b"\n") == (
        b"Assertion failed: argc == 1, file samples/src/msvcsys.c, line 624\n"
        b"\nThis application has requested the Runtime to terminate it in an unusual way.\n"
        b"Please contact the application's support team for more information.\n")
