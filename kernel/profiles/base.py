"""The Profile: what a Windows version is, as the rest of ntboot needs to know it."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources

from .folders import WIN7_FOLDERS, XP_FOLDERS, Folders

DEFAULT_PROFILE = "win7sp1"


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    major: int
    minor: int
    build: int
    csd_version: str                    # "Service Pack 1"
    service_pack: tuple[int, int]        # (major, minor)
    structs_module: str                 # module with this version's structure layouts
    syscall_table: str                  # resource file of the system service table
    start_thunk: tuple[str, str]         # initial thread's start thunk (DLL, export)
    thread_start_thunk: tuple[str, str]  # CreateThread's start thunk
    min_subsystem: tuple[int, int] = (3, 10)
    max_subsystem: tuple[int, int] = (6, 1)
    number_of_processors: int = 1
    product_type: int = 1               # VER_NT_WORKSTATION
    suite_mask: int = 0x100             # VER_SUITE_SINGLEUSERTS
    dll_bases: dict = field(default_factory=dict)
    has_kernelbase: bool = True
    # what HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion says of the installation
    product_name: str = ""
    edition_id: str = ""
    build_lab: str = ""
    csd_build: str = ""
    file_revision: int = 0               # the system files' fourth version number (VERSIONINFO)
    # the function the start thunk jumps to, which runs the entry point in its SEH frame (NT 5.x's
    # kernel32!BaseProcessStart; None where the thunk does it itself, as RtlUserThreadStart)
    start_function: tuple[str, str] | None = None
    current_build: str = ""             # CurrentVersion\CurrentBuild ("": the build number, as Vista and later)
    installation_type: str = "Client"   # CurrentVersion\InstallationType ("" where the value does not exist)
    profile_root: str = "C:\\Users"      # parent of the user profile folders
    folders: Folders = WIN7_FOLDERS      # the user profile's and the shared folders
    heap_flags_offset: int = 0x40        # HEAP.Flags (kernel/rtl/heap.py writes it)
    heap_force_flags_offset: int = 0x44  # HEAP.ForceFlags
    # the date the installation's own files carry (times of C:\Windows files, the volume's creation)
    system_file_time: int = 129347064000000000      # 2010-11-20 06:00 UTC: Windows 7 SP1's files
    # FileFsAttributeInformation.FileSystemAttributes of the NTFS volume (GetVolumeInformation's flags):
    # Windows 7 adds transactions, hard links, extended attributes, open by file id, USN journal
    file_system_flags: int = 0x03E700FF
    # API sets: the module whose resolve_api_set(name) maps api-ms-win-* to a host DLL (None: no API sets)
    api_set_module: str | None = "kernel.profiles.apisets_win7"
    # exports this version's DLLs do not have although ntboot implements them for a newer one:
    # lower-case DLL name -> names (an import of one fails as on that Windows)
    absent_exports: dict = field(default_factory=dict)

    @cached_property
    def structs(self):
        return importlib.import_module(self.structs_module)

    @cached_property
    def _syscalls(self) -> tuple[dict[str, int], dict[str, int]]:
        text = resources.files("kernel.profiles").joinpath(self.syscall_table).read_text()
        numbers, arg_bytes = {}, {}
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            number, name, nbytes = line.split("\t")[:3]
            numbers[name] = int(number, 16)
            arg_bytes[name] = int(nbytes)
        return numbers, arg_bytes

    @property
    def syscall_numbers(self) -> dict[str, int]:
        """Nt service name -> system service number, from the profile's table."""
        return self._syscalls[0]

    @property
    def syscall_arg_bytes(self) -> dict[str, int]:
        """Nt service name -> bytes of arguments its ntdll stub pops."""
        return self._syscalls[1]

    @property
    def version_string(self) -> str:
        return f"{self.major}.{self.minor}.{self.build}"

    @cached_property
    def _api_set_resolver(self):
        return None if self.api_set_module is None else importlib.import_module(self.api_set_module).resolve_api_set

    def resolve_api_set(self, name: str) -> str | None:
        """The host DLL of an API set name (api-ms-win-*), or None: not an API set of this Windows
        (on a Windows without API sets the name is then looked for as a file, and not found)."""
        resolver = self._api_set_resolver
        return None if resolver is None else resolver(name)

    @property
    def has_api_sets(self) -> bool:
        return self.api_set_module is not None

    def accepts_subsystem_version(self, version: tuple[int, int]) -> bool:
        """BasepIsImageVersionOk: the image's subsystem version is one this Windows runs."""
        return self.min_subsystem <= tuple(version) <= self.max_subsystem


WIN7_SP1_X86 = Profile(
    name="win7sp1",
    description="Windows 7 SP1 x86 (6.1.7601)",
    major=6, minor=1, build=7601,
    csd_version="Service Pack 1", service_pack=(1, 0),
    structs_module="kernel.structs.win7_sp1_x86",
    syscall_table="win7_sp1_x86_syscalls.txt",
    start_thunk=("ntdll.dll", "RtlUserThreadStart"),
    thread_start_thunk=("ntdll.dll", "RtlUserThreadStart"),
    product_name="Windows 7 Professional", edition_id="Professional",
    build_lab="7601.win7sp1_rtm.101119-1850", csd_build="1130",
    file_revision=17514,                  # SP1's release files are 6.1.7601.17514
    dll_bases={
        "ntdll.dll": 0x77A60000, "kernel32.dll": 0x76C30000, "kernelbase.dll": 0x75D10000,
        "msvcrt.dll": 0x76A80000, "ucrtbase.dll": 0x75B80000, "vcruntime140.dll": 0x75B60000,
        "advapi32.dll": 0x76E20000, "shlwapi.dll": 0x77A10000,
        "user32.dll": 0x76D90000, "shell32.dll": 0x75E90000, "ole32.dll": 0x76F50000, "oleaut32.dll": 0x76FE0000,
        "winmm.dll": 0x73D10000, "ws2_32.dll": 0x76B40000, "powrprof.dll": 0x74C10000, "psapi.dll": 0x76C20000, "version.dll": 0x74D30000,
    },
)

# Bases: ntdll/kernel32 as XP SP3 stack traces show them (ntdll!KiFastSystemCallRet at
# 0x7C90E4F4); the others from public XP SP3 module lists.  ucrtbase and vcruntime140
# never shipped with XP: they sit at addresses free on XP SP3 (above the 0x7813xxxx
# side-by-side MSVC 8 runtimes, below the system DLLs).
# Windows Vista and later functions ntboot implements that XP SP3's DLLs do not export (MSDN's
# "minimum supported client: Windows Vista" for each; msvcrt's secure CRT arrived with Vista's msvcrt)
XP_ABSENT_EXPORTS = {
    "kernel32.dll": frozenset({
        "AcquireSRWLockExclusive", "AcquireSRWLockShared", "ReleaseSRWLockExclusive", "ReleaseSRWLockShared",
        "TryAcquireSRWLockExclusive", "TryAcquireSRWLockShared", "InitializeSRWLock",
        "InitializeConditionVariable", "SleepConditionVariableCS", "SleepConditionVariableSRW",
        "WakeConditionVariable", "WakeAllConditionVariable",
        "InitOnceInitialize", "InitOnceBeginInitialize", "InitOnceComplete", "InitOnceExecuteOnce",
        "FlsAlloc", "FlsFree", "FlsGetValue", "FlsSetValue",
        "CompareStringEx", "CompareStringOrdinal", "CreateEventExA", "CreateEventExW", "CreateMutexExA",
        "CreateMutexExW", "CreateSemaphoreExA", "CreateSemaphoreExW", "CreateWaitableTimerExA",
        "CreateWaitableTimerExW", "SetWaitableTimerEx", "GetFileInformationByHandleEx",
        "SetFileInformationByHandle", "GetFinalPathNameByHandleA", "GetFinalPathNameByHandleW",
        "GetTickCount64", "InitializeCriticalSectionEx", "GetErrorMode", "QueryProcessCycleTime",
        "K32GetProcessMemoryInfo", "SetDefaultDllDirectories", "GetThreadId",
    }),
    "ntdll.dll": frozenset({
        "RtlAcquireSRWLockExclusive", "RtlAcquireSRWLockShared", "RtlReleaseSRWLockExclusive",
        "RtlReleaseSRWLockShared", "RtlTryAcquireSRWLockExclusive", "RtlTryAcquireSRWLockShared",
        "RtlInitializeSRWLock", "RtlInitializeConditionVariable", "RtlSleepConditionVariableCS",
        "RtlSleepConditionVariableSRW", "RtlWakeConditionVariable", "RtlWakeAllConditionVariable",
        "RtlRunOnceInitialize", "RtlRunOnceBeginInitialize", "RtlRunOnceComplete", "RtlRunOnceExecuteOnce",
        "RtlUserThreadStart",
    }),
    "shell32.dll": frozenset({"SHGetKnownFolderPath"}),
    # RegGetValue and RegDeleteKeyEx: Vista and XP x64, not 32-bit XP
    "advapi32.dll": frozenset({"RegGetValueA", "RegGetValueW", "RegDeleteKeyExA", "RegDeleteKeyExW",
                               "RegDeleteTreeA", "RegDeleteTreeW", "RegDeleteKeyValueA", "RegDeleteKeyValueW",
                               "RegSetKeyValueA", "RegSetKeyValueW"}),
    "msvcrt.dll": frozenset({
        "fopen_s", "_wfopen_s", "qsort_s", "strtok_s", "strcpy_s", "strcat_s", "strncpy_s", "strncat_s",
        "wcscpy_s",
    }),
}

XP_SP3_X86 = Profile(
    name="xpsp3",
    description="Windows XP SP3 x86 (5.1.2600)",
    major=5, minor=1, build=2600,
    csd_version="Service Pack 3", service_pack=(3, 0),
    structs_module="kernel.structs.xp_sp3_x86",
    syscall_table="xp_sp3_x86_syscalls.txt",
    start_thunk=("kernel32.dll", "BaseProcessStartThunk"),
    thread_start_thunk=("kernel32.dll", "BaseThreadStartThunk"),
    max_subsystem=(5, 1),
    has_kernelbase=False,
    product_name="Microsoft Windows XP", edition_id="",   # XP has no EditionID value
    build_lab="2600.xpsp.080413-2111", csd_build="5512",  # SP3 RTM files are 5.1.2600.5512
    file_revision=5512,
    start_function=("kernel32.dll", "BaseProcessStart"),
    installation_type="",
    current_build="1.511.1 () (Obsolete data - do not use)",     # what XP keeps there
    profile_root="C:\\Documents and Settings", folders=XP_FOLDERS,
    system_file_time=128526480000000000,                  # 2008-04-14 12:00 UTC: XP SP3's files (5512)
    api_set_module=None,
    file_system_flags=0x000700FF,        # XP's NTFS: up to named streams (FILE_NAMED_STREAMS 0x40000)
    absent_exports=XP_ABSENT_EXPORTS,
    heap_flags_offset=0x0C, heap_force_flags_offset=0x10,
    dll_bases={
        "ntdll.dll": 0x7C900000, "kernel32.dll": 0x7C800000,
        "msvcrt.dll": 0x77C10000, "ucrtbase.dll": 0x78A00000, "vcruntime140.dll": 0x78B00000,
        "advapi32.dll": 0x77DD0000, "shlwapi.dll": 0x77F60000,
        "user32.dll": 0x7E410000, "shell32.dll": 0x7C9C0000, "ole32.dll": 0x774E0000,
        "oleaut32.dll": 0x77120000,
        "winmm.dll": 0x76B40000, "ws2_32.dll": 0x71AB0000, "powrprof.dll": 0x74AD0000, "version.dll": 0x77C00000,
    },
)

PROFILES = {p.name: p for p in (WIN7_SP1_X86, XP_SP3_X86)}


def get_profile(name: str | None = None) -> Profile:
    """The profile of that name; None: the default profile (DEFAULT_PROFILE)."""
    try:
        return PROFILES[name or DEFAULT_PROFILE]
    except KeyError:
        raise ValueError(f"unknown OS profile {name!r} (known: {', '.join(PROFILES)})") from None
