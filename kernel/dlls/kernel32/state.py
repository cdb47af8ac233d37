"""kernel32's per-process state (DllSpec.state): made when a process maps kernel32.dll, dropped
when the process ends.  kernel32_state(process) is the typed way to it; code that may run in a
process without kernel32 (ntdll's exception dispatch, a console event sent to every process) uses
kernel32_state_or_none."""
from __future__ import annotations


class Kernel32State:
    def __init__(self, process, base: int):
        self.base = base
        self.error_mode = 0                  # SetErrorMode
        self.unhandled_exception_filter = 0  # SetUnhandledExceptionFilter's filter
        self.filter_said_execute = False     # UnhandledExceptionFilter: the program's filter chose its __except
        self.file_apis_oem = False           # SetFileApisToOEM
        self.console_ctrl_handlers: list[int] = []   # SetConsoleCtrlHandler, called last added first
        self.console_handle_flags: dict[int, int] = {}   # console pseudo-handle -> HANDLE_FLAG_*
        self.global_memory_handles = None    # GlobalAlloc(GMEM_MOVEABLE)'s handle table, made on first use
        self.startup_ansi = None             # GetStartupInfoA's ANSI strings: (desktop, title) addresses
        self.command_line_ansi = None        # BaseAnsiCommandLine.Buffer (GetCommandLineA): made at DLL_PROCESS_ATTACH
        self.default_dll_directories = 0     # SetDefaultDllDirectories (recorded; the search order stays)
        self.heap_terminate_on_corruption = False   # HeapSetInformation(HeapEnableTerminationOnCorruption)


def kernel32_state(process) -> Kernel32State:
    return process.dll_state["kernel32.dll"]


def kernel32_state_or_none(process) -> Kernel32State | None:
    return process.dll_state.get("kernel32.dll")
