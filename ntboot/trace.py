"""Traces for the user: the boot steps printed as they happen (`--trace boot`), API, system-service and
instruction traces, and the progress line.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field


class BootPrinter:
    """A `BootTrace` sink: each step as a text line (`boot [4.4] pid 256 ...`) or a JSON Lines object."""

    def __init__(self, stream=None, as_json: bool = False):
        self.out = stream or sys.stderr
        self.json = as_json

    def __call__(self, s) -> None:
        if self.json:
            self.out.write(json.dumps({"kind": "boot", "step": s.step, "name": s.name, "pid": s.pid,
                                       **s.details}, default=str) + "\n")
        else:
            self.out.write("boot " + s.text() + "\n")
        self.out.flush()


# ================================================================================================
# API, system-service and instruction traces
#
# Everything below is opt-in: nothing is installed unless a trace, a report or a limit asks for it.
# `CallMonitor` becomes `kernel.api_trace`, which the dispatcher calls before every emulated call
# (exports and system services) when it is not None; it returns a callback the dispatcher calls with
# the result when the call ends (at once for a plain handler, when the frame completes for a
# generator handler).  `InstructionTracer` is one code hook limited to an address range.
# ================================================================================================

import collections
import time as _time

TRACE_KINDS = ("boot", "api", "syscall", "insn")


class TraceSink:
    """Where trace events go: one text line or one JSON object (with a "kind") per event."""

    def __init__(self, stream=None, fmt: str = "text"):
        if fmt not in ("text", "json"):
            raise ValueError(f"trace format {fmt!r}: text or json")
        self.out = stream if stream is not None else sys.stderr
        self.json = fmt == "json"

    def emit(self, kind: str, text: str, obj: dict) -> None:
        if self.json:
            self.out.write(json.dumps({"kind": kind, **obj}, default=str) + "\n")
        else:
            self.out.write(f"{kind:<7} {text}\n")

    def flush(self) -> None:
        try:
            self.out.flush()
        except (ValueError, OSError):
            pass


# -- flag tables (names as the Windows SDK spells them) --------------------------------------------
GENERIC_RIGHTS = [(0x80000000, "GENERIC_READ"), (0x40000000, "GENERIC_WRITE"), (0x20000000, "GENERIC_EXECUTE"),
                  (0x10000000, "GENERIC_ALL"), (0x02000000, "MAXIMUM_ALLOWED"),
                  (0x01000000, "ACCESS_SYSTEM_SECURITY")]
STANDARD_RIGHTS = [(0x00100000, "SYNCHRONIZE"), (0x00080000, "WRITE_OWNER"), (0x00040000, "WRITE_DAC"),
                   (0x00020000, "READ_CONTROL"), (0x00010000, "DELETE")]
FILE_RIGHTS = [(0x0001, "FILE_READ_DATA"), (0x0002, "FILE_WRITE_DATA"), (0x0004, "FILE_APPEND_DATA"),
               (0x0008, "FILE_READ_EA"), (0x0010, "FILE_WRITE_EA"), (0x0020, "FILE_EXECUTE"),
               (0x0040, "FILE_DELETE_CHILD"), (0x0080, "FILE_READ_ATTRIBUTES"), (0x0100, "FILE_WRITE_ATTRIBUTES")]
FILE_ACCESS_COMBINED = {0x1F01FF: "FILE_ALL_ACCESS", 0x120089: "FILE_GENERIC_READ",
                        0x120116: "FILE_GENERIC_WRITE", 0x1200A0: "FILE_GENERIC_EXECUTE"}
FILE_SHARE = [(1, "FILE_SHARE_READ"), (2, "FILE_SHARE_WRITE"), (4, "FILE_SHARE_DELETE")]
WIN32_DISPOSITION = {1: "CREATE_NEW", 2: "CREATE_ALWAYS", 3: "OPEN_EXISTING", 4: "OPEN_ALWAYS",
                     5: "TRUNCATE_EXISTING"}
NT_DISPOSITION = {0: "FILE_SUPERSEDE", 1: "FILE_OPEN", 2: "FILE_CREATE", 3: "FILE_OPEN_IF", 4: "FILE_OVERWRITE",
                  5: "FILE_OVERWRITE_IF"}
NT_CREATE_OPTIONS = [(0x1, "FILE_DIRECTORY_FILE"), (0x2, "FILE_WRITE_THROUGH"), (0x4, "FILE_SEQUENTIAL_ONLY"),
                     (0x8, "FILE_NO_INTERMEDIATE_BUFFERING"), (0x10, "FILE_SYNCHRONOUS_IO_ALERT"),
                     (0x20, "FILE_SYNCHRONOUS_IO_NONALERT"), (0x40, "FILE_NON_DIRECTORY_FILE"),
                     (0x80, "FILE_CREATE_TREE_CONNECTION"), (0x100, "FILE_COMPLETE_IF_OPLOCKED"),
                     (0x200, "FILE_NO_EA_KNOWLEDGE"), (0x400, "FILE_OPEN_FOR_RECOVERY"),
                     (0x800, "FILE_RANDOM_ACCESS"), (0x1000, "FILE_DELETE_ON_CLOSE"),
                     (0x2000, "FILE_OPEN_BY_FILE_ID"), (0x4000, "FILE_OPEN_FOR_BACKUP_INTENT"),
                     (0x8000, "FILE_NO_COMPRESSION"), (0x200000, "FILE_OPEN_REPARSE_POINT")]
FILE_ATTRIBUTES = [(0x1, "FILE_ATTRIBUTE_READONLY"), (0x2, "FILE_ATTRIBUTE_HIDDEN"), (0x4, "FILE_ATTRIBUTE_SYSTEM"),
                   (0x10, "FILE_ATTRIBUTE_DIRECTORY"), (0x20, "FILE_ATTRIBUTE_ARCHIVE"),
                   (0x40, "FILE_ATTRIBUTE_DEVICE"), (0x80, "FILE_ATTRIBUTE_NORMAL"),
                   (0x100, "FILE_ATTRIBUTE_TEMPORARY"), (0x80000000, "FILE_FLAG_WRITE_THROUGH"),
                   (0x40000000, "FILE_FLAG_OVERLAPPED"), (0x20000000, "FILE_FLAG_NO_BUFFERING"),
                   (0x10000000, "FILE_FLAG_RANDOM_ACCESS"), (0x08000000, "FILE_FLAG_SEQUENTIAL_SCAN"),
                   (0x04000000, "FILE_FLAG_DELETE_ON_CLOSE"), (0x02000000, "FILE_FLAG_BACKUP_SEMANTICS"),
                   (0x01000000, "FILE_FLAG_POSIX_SEMANTICS"), (0x00200000, "FILE_FLAG_OPEN_REPARSE_POINT")]
MEM_TYPES = [(0x1000, "MEM_COMMIT"), (0x2000, "MEM_RESERVE"), (0x4000, "MEM_DECOMMIT"), (0x8000, "MEM_RELEASE"),
             (0x80000, "MEM_RESET"), (0x100000, "MEM_TOP_DOWN"), (0x200000, "MEM_WRITE_WATCH"),
             (0x400000, "MEM_PHYSICAL"), (0x20000000, "MEM_LARGE_PAGES")]
HEAP_FLAGS = [(0x1, "HEAP_NO_SERIALIZE"), (0x2, "HEAP_GROWABLE"), (0x4, "HEAP_GENERATE_EXCEPTIONS"),
              (0x8, "HEAP_ZERO_MEMORY"), (0x10, "HEAP_REALLOC_IN_PLACE_ONLY"), (0x40000, "HEAP_CREATE_ENABLE_EXECUTE")]
STD_HANDLES = {0xFFFFFFF6: "STD_INPUT_HANDLE", 0xFFFFFFF5: "STD_OUTPUT_HANDLE", 0xFFFFFFF4: "STD_ERROR_HANDLE"}
DLL_REASONS = {0: "DLL_PROCESS_DETACH", 1: "DLL_PROCESS_ATTACH", 2: "DLL_THREAD_ATTACH", 3: "DLL_THREAD_DETACH"}
PSEUDO_HANDLES = {0xFFFFFFFF: "NtCurrentProcess", 0xFFFFFFFE: "NtCurrentThread"}

_ACCESS_PARAMS = {"dwDesiredAccess", "DesiredAccess", "GrantedAccess"}
_SHARE_PARAMS = {"dwShareMode", "ShareAccess"}
_PROTECT_PARAMS = {"flProtect", "Protect", "flNewProtect", "NewProtect", "Win32Protect", "SectionPageProtection",
                   "PageProtection", "fProtect"}
_MEM_TYPE_PARAMS = {"flAllocationType", "AllocationType", "dwFreeType", "FreeType"}
_FILE_ATTR_PARAMS = {"dwFlagsAndAttributes", "FileAttributes", "dwFileAttributes"}
_HANDLE_TYPES = {"HANDLE", "HKEY", "HWND"}
# C-runtime parameters declared as raw pointers (the handler reads them itself) that are strings
_CRT_STRINGS = {"str", "format", "string", "filename", "mode", "path", "varname", "command", "s1", "s2",
                "strSource", "_Str", "_Format", "_Filename", "_Mode", "name"}
_CRT_WSTRINGS = {"wstr", "wformat", "wfilename", "wmode", "_WStr"}
_MODULE_TYPES = {"HMODULE", "HINSTANCE"}
_POINTER_TYPES = {"PVOID", "LPVOID", "LPCVOID", "PHANDLE", "LPDWORD", "PULONG", "PSIZE_T", "PLONG", "LPBOOL",
                  "LPSTR", "LPWSTR", "PCHAR", "PWCHAR", "PCONTEXT", "POBJECT_ATTRIBUTES", "PIO_STATUS_BLOCK",
                  "PUNICODE_STRING", "PANSI_STRING", "PLARGE_INTEGER", "FARPROC", "LPCRITICAL_SECTION",
                  "LPTHREAD_START_ROUTINE", "LPSECURITY_ATTRIBUTES", "LPOVERLAPPED", "LPSYSTEM_INFO", "LPFILETIME",
                  "LPSYSTEMTIME", "LPSTARTUPINFOA", "LPSTARTUPINFOW", "PMEMORY_BASIC_INFORMATION",
                  "LPTOP_LEVEL_EXCEPTION_FILTER", "PEXCEPTION_RECORD", "va_list", "FILE*", "HLOCAL", "HGLOBAL",
                  "SIZE_T_PTR", "ULONG_PTR", "DWORD_PTR", "UINT_PTR"}


def flag_names(value: int, table, *, exact: dict | None = None) -> str:
    """`A|B|0x40` for the bits of value named in table [(bit, name)]; "0" for zero."""
    if exact and value in exact:
        return exact[value]
    names, rest = [], value
    for bit, name in table:
        if rest & bit == bit and bit:
            names.append(name)
            rest &= ~bit
    if rest or not names:
        names.append(f"{rest:#x}")
    return "|".join(names)


def access_names(value: int, file_like: bool) -> str:
    if file_like and value in FILE_ACCESS_COMBINED:
        return FILE_ACCESS_COMBINED[value]
    table = GENERIC_RIGHTS + STANDARD_RIGHTS + (FILE_RIGHTS if file_like else [])
    return flag_names(value, table)


def describe_handle(kernel, process, value: int) -> str:
    """What a handle value names in `process`: its object's describe(), a pseudo or console handle."""
    value &= 0xFFFFFFFF
    if value in PSEUDO_HANDLES:
        return PSEUDO_HANDLES[value]
    if value in STD_HANDLES:
        return STD_HANDLES[value]
    console = process.console_handles.get(value)
    if console is not None:              # before the table: 0x7 is a console handle, not handle 0x4
        return f"Console {console}"
    entry = process.handles.entries.get(value & ~3) if value else None
    if entry is not None:
        try:
            return entry.obj.describe()
        except Exception:
            return entry.obj.__class__.__name__
    return ""


def _read_unicode_string(process, address: int) -> str | None:
    import struct
    m = process.machine
    length, _, buf = struct.unpack("<HHI", m.read(address, 8))
    if not buf or not length:
        return ""
    return m.read(buf, min(length, 4096)).decode("utf-16-le", "replace")


def decode_value(kernel, process, api_name: str, pname: str, tname: str, value):
    """(text, decoded or None) of one argument for the trace."""
    if value is None:
        return "NULL", None
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False), None
    if isinstance(value, float):
        return repr(value), None
    if not isinstance(value, int):          # VarArgs and the like
        return "...", None
    short = api_name.rsplit("!", 1)[-1]
    decoded = None
    if pname in _ACCESS_PARAMS:
        decoded = access_names(value, "File" in short or short.startswith(("NtOpen", "NtCreate")) and
                               "Process" not in short and "Thread" not in short)
    elif pname in _SHARE_PARAMS:
        decoded = flag_names(value, FILE_SHARE) if value else "0 (exclusive)"
    elif pname == "dwCreationDisposition":
        decoded = WIN32_DISPOSITION.get(value)
    elif pname == "CreateDisposition":
        decoded = NT_DISPOSITION.get(value)
    elif pname in ("CreateOptions", "OpenOptions"):
        decoded = flag_names(value, NT_CREATE_OPTIONS) if value else None
    elif pname in _FILE_ATTR_PARAMS:
        decoded = flag_names(value, FILE_ATTRIBUTES) if value else None
    elif pname in _MEM_TYPE_PARAMS:
        decoded = flag_names(value, MEM_TYPES) if value else None
    elif pname in _PROTECT_PARAMS:
        from emu.memory import protection_name
        decoded = protection_name(value) or None
    elif pname in ("dwFlags", "Flags", "flOptions") and "Heap" in short:
        decoded = flag_names(value, HEAP_FLAGS) if value else None
    elif pname == "nStdHandle":
        decoded = STD_HANDLES.get(value & 0xFFFFFFFF)
    elif pname in ("fdwReason", "dwReason", "reason"):
        decoded = DLL_REASONS.get(value)
    if decoded is not None:
        return f"{decoded}", decoded
    if tname in _HANDLE_TYPES:
        if not value:
            return "NULL", None
        what = describe_handle(kernel, process, value)
        return (f"{value:#x} ({what})" if what else f"{value:#x}"), what or None
    if tname in _MODULE_TYPES:
        if not value:
            return "NULL", None
        where = process.describe_address(value)
        name = where[:-4] if where.endswith("+0x0") else where
        return f"{value:#010x} ({name})", name
    if tname in ("POBJECT_ATTRIBUTES", "PUNICODE_STRING") and value:
        try:
            import struct
            ustr = value
            if tname == "POBJECT_ATTRIBUTES":
                ustr = struct.unpack("<I", process.machine.read(value + 8, 4))[0]
            text = _read_unicode_string(process, ustr) if ustr else None
            if text is not None:
                return f"{value:#010x} ({json.dumps(text, ensure_ascii=False)})", text
        except Exception:
            pass
        return f"{value:#010x}", None
    if value and tname in ("PVOID", "LPCVOID", "PCHAR", "LPSTR", "PWCHAR", "LPWSTR") and (
            (api_name.startswith(("msvcrt!", "ucrtbase!")) and (pname in _CRT_STRINGS or pname in _CRT_WSTRINGS))
            or (api_name.startswith("shlwapi!") and tname in ("LPSTR", "LPWSTR")
                and pname not in ("pszDest", "pszBuf", "pszRoot", "pszDst"))):     # output buffers
        try:
            wide = pname in _CRT_WSTRINGS or tname in ("PWCHAR", "LPWSTR")
            raw = process.machine.read(value, 512)
            if wide:
                end = next((i for i in range(0, len(raw) - 1, 2) if raw[i] == 0 and raw[i + 1] == 0), len(raw))
                text = raw[:end].decode("utf-16-le", "replace")
            else:
                text = raw.split(b"\0", 1)[0].decode(kernel.ansi_codepage, "replace")
            return f"{value:#010x} {json.dumps(text, ensure_ascii=False)}", text
        except Exception:
            pass
    if tname in _POINTER_TYPES or tname.startswith(("P", "LP")):
        return (f"{value:#010x}" if value else "NULL"), None
    if tname == "NTSTATUS":
        from kernel.rtl.status import status_name
        name = status_name(value)
        return name, name
    if -10 < value < 10 or tname in ("INT", "LONG", "BOOL", "CHAR", "SSIZE_T", "LONG_PTR", "LPARAM"):
        return str(value), None
    return f"{value:#x}", None


def decode_result(kernel, process, api, value, blocked: bool = False):
    """(text, decoded or None) of a call's result by its declared return type."""
    from kernel.rtl.status import status_name
    restype = api.restype
    tname = restype.name
    if blocked:
        return "<blocked in a wait>", "blocked"
    if restype.returns_in == "none":
        return "", None
    if value is None:
        value = 0
    if tname == "NTSTATUS":
        name = status_name(value)
        return name, name
    if isinstance(value, float):
        return repr(value), None
    if tname in _HANDLE_TYPES:
        what = describe_handle(kernel, process, value)
        return (f"{value & 0xFFFFFFFF:#x} ({what})" if what else f"{value & 0xFFFFFFFF:#x}"), what or None
    return decode_value(kernel, process, api.name, "", tname, value)


class CallRecord:
    """One emulated call seen by the monitor."""
    __slots__ = ("seq", "pid", "tid", "process", "entry", "args", "caller", "result", "done_", "blocked",
                 "arg_text", "printed", "last_error", "error_before", "monitor", "depth")

    def __init__(self, monitor, seq, process, tid, entry, args, caller):
        self.monitor = monitor
        self.seq = seq
        self.process = process
        self.pid = process.pid
        self.tid = tid
        self.entry = entry
        self.args = args
        self.caller = caller
        self.result = None
        self.done_ = False
        self.blocked = False
        self.arg_text = None        # [(name, type, raw, text, decoded)] when formatted
        self.printed = False
        self.last_error = None
        self.error_before = None
        self.depth = 0

    def done(self, result) -> None:
        self.result = result
        self.done_ = True
        self.monitor._finished(self)

    # -- formatting ------------------------------------------------------------------------------
    def format_args(self) -> list:
        if self.arg_text is None:
            kernel = self.monitor.kernel
            out = []
            params = self.entry.api.params
            for i, value in enumerate(self.args):
                if i < len(params):
                    pname, t = params[i]
                    tname = t.name
                else:
                    pname, tname = "...", "varargs"
                try:
                    text, decoded = decode_value(kernel, self.process, self.entry.name, pname, tname, value)
                except Exception:
                    text, decoded = (f"{value:#x}" if isinstance(value, int) else "?"), None
                raw = value if isinstance(value, (int, str, float)) or value is None else None
                out.append((pname, tname, raw, text, decoded))
            self.arg_text = out
        return self.arg_text

    def result_text(self):
        try:
            return decode_result(self.monitor.kernel, self.process, self.entry.api, self.result, self.blocked)
        except Exception:
            return (f"{self.result!r}", None)

    def to_json(self, kernel) -> dict:
        args = []
        for pname, tname, raw, _text, decoded in self.format_args():
            item = {"name": pname, "type": tname, "value": raw}
            if decoded is not None:
                item["decoded"] = decoded
            args.append(item)
        obj = {"seq": self.seq, "pid": self.pid, "tid": self.tid, "name": self.entry.name,
               "service": bool(getattr(self.entry, "service", False)), "args": args,
               "caller": self.caller, "caller_location": _where(kernel, self.process, self.caller)}
        if self.done_:
            text, decoded = self.result_text()
            result = self.result
            obj["result"] = result if isinstance(result, (int, float)) or result is None else str(result)
            if decoded is not None:
                obj["result_decoded"] = decoded
            if self.blocked:
                obj["blocked"] = True
        else:
            obj["result"] = None
            obj["returned"] = False
        if self.last_error is not None:
            from kernel.rtl.status import ERROR_NAMES
            obj["last_error"] = self.last_error
            obj["last_error_name"] = ERROR_NAMES.get(self.last_error, str(self.last_error))
        return obj

    def text(self, phase: str = "") -> str:
        kernel = self.monitor.kernel
        args = ", ".join(t if p == "..." else f"{p}={t}" for p, _, _, t, _ in self.format_args())
        who = f"#{self.seq} pid {self.pid} tid {self.tid}"
        head = f"{who} {'  ' * self.depth}{self.entry.name}({args})"
        where = f" from {_where(kernel, self.process, self.caller)}"
        if phase == "enter":
            return f"{head} ...{where}"
        res, _ = self.result_text()
        err = ""
        if self.last_error is not None:
            from kernel.rtl.status import ERROR_NAMES
            err = f" [LastError={ERROR_NAMES.get(self.last_error, self.last_error)}]"
        if phase == "return":
            return f"{who} {'  ' * self.depth}<- {self.entry.name}{' = ' + res if res else ''}{err}"
        if phase == "unfinished":
            return f"{head} did not return{where}"
        return f"{head}{' = ' + res if res else ''}{err}{where}"


def _where(kernel, process, address: int) -> str:
    try:
        return process.describe_address(address)
    except Exception:
        return f"{address:#010x}"


class CallMonitor:
    """kernel.api_trace: counts, the last calls, call limits and the api/syscall traces.

    Costs nothing unless installed; once installed, every emulated call costs a dict increment when
    counting, a small record when the last calls are kept, and the decoding of its arguments only
    when its kind is traced."""

    def __init__(self, kernel, sink: TraceSink | None = None, *, trace_api: bool = False,
                 trace_syscall: bool = False, count: bool = False, keep_last: int = 0, max_calls: int = 0):
        self.kernel = kernel
        self.sink = sink
        self.trace_api = trace_api and sink is not None
        self.trace_syscall = trace_syscall and sink is not None
        self.count = count
        self.api_counts: dict[str, int] = {}
        self.service_counts: dict[str, int] = {}
        self.ring = collections.deque(maxlen=keep_last) if keep_last else None
        self.max_calls = max_calls
        self.calls = 0
        self.last_name = ""
        self.open: list[CallRecord] = []      # traced calls not finished yet (generator handlers)

    def install(self) -> None:
        self.kernel.api_trace = self

    def __call__(self, process, entry, args, caller):
        self.calls += 1
        name = entry.name
        self.last_name = name
        service = entry.service
        if self.count:
            counts = self.service_counts if service else self.api_counts
            counts[name] = counts.get(name, 0) + 1
        if self.max_calls and self.calls > self.max_calls:
            self.kernel.scheduler.stop_run("API call limit",
                                           f"the run reached its limit of {self.max_calls} emulated calls at {name} "
                                           f"called from {_where(self.kernel, process, caller)}")
        traced = self.trace_syscall if service else self.trace_api
        if self.ring is None and not traced:
            return None
        thread = self.kernel.scheduler.current_thread
        rec = CallRecord(self, self.calls, process, thread.tid if thread is not None else 0, entry,
                         tuple(args), caller)
        if self.ring is not None:
            self.ring.append(rec)
        if traced:
            # a call that has not returned yet is printed as "..." before anything nested in it
            for o in self.open:
                if not o.printed:
                    self._emit(o, "enter")
            rec.depth = len(self.open)
            rec.format_args()                  # now, while handles still name their objects
            try:
                rec.error_before = process.api_context.get_last_error() if thread is not None else None
            except Exception:
                rec.error_before = None
            self.open.append(rec)
        return rec.done

    def _finished(self, rec: CallRecord) -> None:
        thread = self.kernel.scheduler.current_thread
        rec.blocked = thread is not None and thread.state == "waiting"
        if rec in self.open:
            self.open.remove(rec)
            if rec.error_before is not None and not rec.entry.service:
                try:
                    err = rec.process.api_context.get_last_error()
                    if err != rec.error_before:
                        rec.last_error = err
                except Exception:
                    pass
            self._emit(rec, "return" if rec.printed else "")

    def _emit(self, rec: CallRecord, phase: str) -> None:
        kind = "syscall" if rec.entry.service else "api"
        obj = rec.to_json(self.kernel)
        if phase:
            obj["phase"] = phase
        self.sink.emit(kind, rec.text(phase), obj)
        if phase == "enter":
            rec.printed = True

    def abandon(self, rec: CallRecord) -> None:
        """A call whose frame was abandoned (a C++ catch continued below it): "did not return" now."""
        if rec in self.open:
            self.open.remove(rec)
            self._emit(rec, "unfinished")

    def finish(self) -> None:
        """At the end of the run: calls that never returned (the process ended inside them)."""
        for rec in self.open:
            self._emit(rec, "unfinished")
        self.open.clear()
        if self.sink is not None:
            self.sink.flush()

    def last_calls(self) -> list[dict]:
        return [rec.to_json(self.kernel) for rec in (self.ring or ())]


# -- instructions ---------------------------------------------------------------------------------
_TRACED_REGS = ("eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eflags")


class InstructionTracer:
    """Every instruction executed in [begin, end] of one process: disassembly and the registers it
    changed.  One UC_HOOK_CODE limited to the range, so code outside it runs at full speed."""

    def __init__(self, kernel, process, sink: TraceSink, begin: int, end: int, limit: int = 0):
        from capstone import CS_ARCH_X86, CS_MODE_32, Cs
        from emu.cpu import REGISTER_IDS
        self.kernel = kernel
        self.process = process
        self.sink = sink
        self.begin = begin
        self.end = end
        self.limit = limit
        self.count = 0
        self.cs = Cs(CS_ARCH_X86, CS_MODE_32)
        self.cache: dict[int, tuple[str, bytes, int]] = {}
        self.pending: dict[int, tuple[int, dict]] = {}      # tid -> (address, registers before)
        self.reg_ids = [(n, REGISTER_IDS[n]) for n in _TRACED_REGS]
        self.handle = process.machine.hook_code_range(begin, end, self._on_insn)

    def _registers(self) -> dict:
        reg32 = self.process.machine.reg32
        return {n: reg32(i) for n, i in self.reg_ids}

    def _decode(self, address: int):
        """(text, bytes, successors): successors are the addresses the instruction goes to directly
        (fall-through and a direct branch target)."""
        hit = self.cache.get(address)
        if hit is None:
            code = self.process.machine.read(address, 16)
            text, raw, nexts = "(bad)", code[:1], set()
            for insn in self.cs.disasm(code, address, 1):
                text, raw = f"{insn.mnemonic} {insn.op_str}".strip(), bytes(insn.bytes)
                nexts = {address + len(raw)}
                m = insn.mnemonic
                if m.startswith(("j", "call", "loop")):
                    try:
                        nexts.add(int(insn.op_str, 0))
                    except ValueError:
                        pass
                    if m == "jmp":
                        nexts.discard(address + len(raw))
            hit = self.cache[address] = (text, raw, nexts)
        return hit

    def _on_insn(self, address: int) -> None:
        thread = self.kernel.scheduler.current_thread
        tid = thread.tid if thread is not None else 0
        regs = self._registers()
        prev = self.pending.get(tid)
        if prev is not None:
            self._emit(tid, prev[0], prev[1], regs, address)
        if self.limit and self.count >= self.limit:
            self.pending.pop(tid, None)
            return
        self.count += 1
        self.pending[tid] = (address, regs)

    def _emit(self, tid: int, address: int, before: dict, after: dict, next_address: int | None = None) -> None:
        text, raw, nexts = self._decode(address)
        changed = {n: v for n, v in after.items() if before.get(n) != v}
        where = _where(self.kernel, self.process, address)
        regs = " ".join(f"{n}={v:08x}" for n, v in changed.items())
        obj = {"pid": self.process.pid, "tid": tid, "address": address, "location": where,
               "bytes": raw.hex(), "text": text, "changed": changed}
        if next_address == -1:
            obj["left_range"] = True
            obj["resumed_at"] = None
            regs = f"[the run went on outside the range] {regs}".rstrip()
        elif next_address is not None and next_address not in nexts:
            # execution left the range (a call out, a return, an indirect jump) and came back at
            # next_address: the changes include what ran outside
            obj["left_range"] = True
            obj["resumed_at"] = next_address
            regs = f"[left the range, back at {next_address:08x}] {regs}".rstrip()
        line = f"tid {tid} {address:08x} {where:<24} {raw.hex():<16} {text:<36}{' ; ' + regs if regs else ''}"
        self.sink.emit("insn", line.rstrip(), obj)

    def finish(self) -> None:
        """Print the instructions still waiting for their register changes (end of run)."""
        if self.process.machine is None:
            self.pending.clear()
            return
        regs = None
        for tid, (address, before) in list(self.pending.items()):
            try:
                regs = self._registers()
            except Exception:
                regs = before
            self._emit(tid, address, before, regs, -1)
        self.pending.clear()
        self.sink.flush()

    def remove(self) -> None:
        if self.process.machine is not None:
            self.process.machine.remove_hook(self.handle)


def parse_range(text: str, process=None) -> tuple[int, int]:
    """START-END (hex or decimal, END inclusive) or MODULE+OFF-MODULE+OFF when a process is given."""
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"instruction range {text!r}: expected START-END")
    try:
        begin, last = _address(start, process), _address(end, process)
    except ValueError as e:
        raise ValueError(f"instruction range {text!r}: {e}") from None
    if begin > last:
        raise ValueError(f"instruction range {text!r}: the start is above the end")
    return begin, last


def _address(text: str, process) -> int:
    text = text.strip()
    if "+" in text and process is not None:
        module, _, offset = text.partition("+")
        for base, section in process.mapped_images.items():
            name = section.path.rsplit("\\", 1)[-1]
            if name.lower() == module.lower():
                return base + int(offset, 0)
        raise ValueError(f"no module {module} in {process.image_name}")
    return int(text, 0)


def main_text_range(process) -> tuple[int, int]:
    """The main image's code section ([begin, end] inclusive): .text, or the section holding the
    entry point."""
    image = process.section.image
    entry = image.info.entry_point_rva
    chosen = None
    for s in image.sections:
        if s.name.rstrip("\0") == ".text":
            chosen = s
            break
    if chosen is None:
        for s in image.sections:
            if s.rva <= entry < s.rva + max(s.virtual_size, s.raw_size):
                chosen = s
                break
    if chosen is None:
        return process.image_base, process.image_base + image.info.size_of_image - 1
    size = max(chosen.virtual_size, 1)
    return process.image_base + chosen.rva, process.image_base + chosen.rva + size - 1


class Progress:
    """The one-line status on a terminal: refreshed from the run loop between slices, a few times a
    second at most (the run loop asks for slices of `interval` seconds while this is on)."""

    def __init__(self, kernel, stream, monitor: CallMonitor | None = None, interval: float = 0.25,
                 delay: float = 1.0):
        self.kernel = kernel
        self.stream = stream
        self.monitor = monitor
        self.interval = interval
        self.started = _time.perf_counter()
        self.last = self.started + delay - interval      # nothing for runs shorter than `delay`
        self.shown = False
        self._saved = None

    def wrap_host_streams(self) -> None:
        """Guest output echoed to the host's stdout/stderr first clears the status line."""
        if self._saved is None:
            self._saved = (sys.stdout, sys.stderr)
            sys.stdout, sys.stderr = _Clearing(sys.stdout, self), _Clearing(sys.stderr, self)

    def unwrap_host_streams(self) -> None:
        if self._saved is not None:
            sys.stdout, sys.stderr = self._saved
            self._saved = None

    def __call__(self, *_):
        now = _time.perf_counter()
        if now - self.last < self.interval:
            return
        self.last = now
        k = self.kernel
        parts = [f"{now - self.started:6.1f}s"]
        if k.scheduler.instructions:
            parts.append(f"{k.scheduler.instructions:,} insns")
        alive = sum(1 for p in k.processes if p.alive)
        parts.append(f"{alive}/{len(k.processes)} processes")
        if self.monitor is not None:
            parts.append(f"{self.monitor.calls:,} calls")
            if self.monitor.last_name:
                parts.append(f"last {self.monitor.last_name}")
        line = "ntboot: " + ", ".join(parts)
        self.stream.write("\r" + line[:160].ljust(80) + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.shown = False
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class _Clearing:
    """A host text stream whose writes (and its binary buffer's) clear the status line first."""

    def __init__(self, stream, progress):
        self._stream = stream
        self._progress = progress
        buffer = getattr(stream, "buffer", None)
        self.buffer = _Clearing(buffer, progress) if buffer is not None else None

    def write(self, data):
        if self._progress.shown:
            self._progress.clear()
        return self._stream.write(data)

    def __getattr__(self, name):
        return getattr(self._stream, name)
