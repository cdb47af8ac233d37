"""The C runtime's start-up and shutdown: __getmainargs, _initterm, exit handlers, the exported
variables (_iob, _fmode, __argc ...), kept per process in msvcrt's .data."""
from __future__ import annotations

import struct

from kernel.rtl.cmdline import parse_msvcrt
from ...hle.registry import DataExport, export
from ...hle.types import INT, LPCSTR, PVOID, UINT, VOID
from kernel.ke.dispatch import GuestCall
from ...rtl.heap import Heap

FILE_SIZE = 32                     # sizeof(FILE) of msvcrt x86: _ptr _cnt _base _flag _file _charbuf _bufsiz _tmpfname
IOB_ENTRIES = 20
_IOREAD, _IOWRT = 0x1, 0x2

def _ctype_table() -> bytes:
    """msvcrt's "C" locale classification table: _ctype[0] is EOF, then the 256 characters; letters
    carry C1_ALPHA (isalpha('a') is 0x102 with msvcrt), 0x80..0xFF are 0 in the "C" locale."""
    table = [0] * 257
    for c in range(128):
        bits = 0
        if c < 32 or c == 127:
            bits |= 0x20
        if 9 <= c <= 13:
            bits |= 0x08
        if c == 32:
            bits |= 0x48
        if 33 <= c <= 126 and not chr(c).isalnum():
            bits |= 0x10
        if chr(c).isdigit():
            bits |= 0x84
        if chr(c).isupper():
            bits |= 0x101
        if chr(c).islower():
            bits |= 0x102
        if chr(c) in "abcdefABCDEF":
            bits |= 0x80
        table[c + 1] = bits
    return struct.pack("<257H", *table)


CTYPE_TABLE = _ctype_table()


def _wctype_table() -> bytes:
    """_pwctype: CT_CTYPE1 of U+0000..U+00FF (the wide classification is not locale dependent)."""
    from ...nls.locale import ctype1
    return struct.pack("<256H", *(ctype1(c) & 0x1FF for c in range(256)))


# strerror's table: messages 0..42 and, at _sys_nerr, "Unknown error" (as in Microsoft's CRT)
SYS_NERR = 43

DATA = [
    DataExport("_adjust_fdiv", 4),          # 0: no Pentium FDIV workaround needed
    DataExport("_iob", FILE_SIZE * IOB_ENTRIES),
    DataExport("_ctype", 514, CTYPE_TABLE), DataExport("_pctype", 4), DataExport("_pwctype", 4),
    DataExport("_timezone", 4), DataExport("_daylight", 4), DataExport("_dstbias", 4, struct.pack("<i", -3600)),
    DataExport("_tzname", 8), DataExport("_sys_nerr", 4, struct.pack("<i", SYS_NERR)),
    DataExport("_sys_errlist", 4 * (SYS_NERR + 1)),     # filled by init_runtime_data
    DataExport("__initenv", 4), DataExport("__winitenv", 4),
    DataExport("_acmdln", 4), DataExport("_wcmdln", 4),
    DataExport("_fmode", 4), DataExport("_commode", 4),
    DataExport("__argc", 4), DataExport("__argv", 4), DataExport("__wargv", 4),
    DataExport("_environ", 4), DataExport("_wenviron", 4),
    DataExport("__mb_cur_max", 4, struct.pack("<i", 1)),
    DataExport("_osver", 4), DataExport("_winver", 4), DataExport("_winmajor", 4), DataExport("_winminor", 4),
    DataExport("_osplatform", 4, struct.pack("<I", 2)),
    DataExport("_pgmptr", 4), DataExport("_wpgmptr", 4),
]

CW_DEFAULT = 0x0009001F           # the CRT's abstract control word at start-up (_controlfp(0, 0))


class CrtState:
    """What a C runtime DLL keeps per process: its heap, exit handlers, where its variables are,
    its streams, descriptors, locale and signal handlers.  msvcrt.dll's (and ucrtbase.dll's: see
    kernel/dlls/ucrtbase) is made when the process maps the DLL (DllSpec.state), so an export
    called before the DLL's DllMain (a TLS callback) finds it; DllMain fills in _iob, the command
    line and the environment (setup_state)."""

    DLL = "msvcrt.dll"

    def __init__(self, process, base: int):
        dll = self.DLL
        self.base = base
        self.dll = dll
        self.heap = Heap(process, reserve=0x400000, commit=0x1000, tag=f"{dll} heap")
        process.heaps.append(self.heap)
        if dll == "msvcrt.dll":          # the exported variables live in msvcrt's .data
            synth = process.kernel.synthesized(dll)
            self.var = {d.name: base + synth.exports[d.name] for d in DATA}
        else:                            # ucrtbase exports accessors only: the variables are private
            self.var = {}
            for d in DATA:
                addr = self.heap.allocate(max(d.size, 4), 0x8)
                if d.init:
                    process.machine.write(addr, d.init)
                self.var[d.name] = addr
        self.attached = False            # DllMain's DLL_PROCESS_ATTACH has set it up
        self.onexit: list[int] = []
        self.exiting = False
        self.errno_addresses: dict[int, int] = {}      # thread id -> its errno (and _doserrno after it)
        self.rand_seeds: dict[int, int] = {}           # thread id -> rand() seed
        self.fds: dict = {}                            # fd -> lowio.FdInfo
        self.streams: list[int] = []                   # FILE addresses beyond _iob
        self.stream_state: dict = {}                   # FILE address -> stdio.BufferMap
        self.per_thread: dict = {}                     # (thread id, what) -> buffer (localtime, strtok ...)
        self.start_time = process.kernel.clock.system_time()     # clock() counts from here
        self.locale_name = "C"
        self.categories: dict[int, str] = {}           # setlocale category -> locale name
        self.app_type = 0                              # __set_app_type
        self.matherr = 0                               # __setusermatherr's handler
        self.signals: dict[int, int] = {}              # signal number -> handler
        self.quick_exit: list[int] = []                # at_quick_exit handlers
        self.controlfp = CW_DEFAULT                    # _controlfp's control word


def msvcrt_state(process) -> CrtState:
    """msvcrt.dll's C runtime state in a process that has msvcrt mapped."""
    return process.dll_state["msvcrt.dll"]


def crt(ctx) -> CrtState:
    """The C runtime whose export is running: ucrtbase's while one of its handlers runs (see
    kernel/dlls/ucrtbase), msvcrt's otherwise."""
    process = ctx.process
    return process.crt_active or msvcrt_state(process)


def msvcrt_init(ctx, base: int, reason: int):
    """msvcrt's DllMain: on DLL_PROCESS_ATTACH set up _iob, the command line, the version variables;
    on DLL_PROCESS_DETACH flush the streams."""
    state = msvcrt_state(ctx.process)
    if reason == 0 and state.attached:
        msvcrt_detach(ctx, state)
    if reason != 1 or state.attached:
        return
    setup_state(ctx, state)
    return
    yield


def setup_state(ctx, state: CrtState) -> None:
    """A new CRT's variables: _iob, the command line, the version variables, the environment."""
    state.attached = True
    v = state.var
    for i in range(3):
        ctx.write(v["_iob"] + FILE_SIZE * i, struct.pack("<IiIiiiiI", 0, 0, 0, _IOREAD if i == 0 else _IOWRT,
                                                          i, 0, 0, 0))
    # _acmdln and _wcmdln: copies of GetCommandLineA's and GetCommandLineW's strings, as msvcrt's
    # initialization makes them (what __getmainargs and __wgetmainargs then split)
    from ..kernel32.processthreadsapi import ansi_command_line
    S = ctx.process.structs
    ansi = ctx.read_cstr(ansi_command_line(ctx))
    wide = ctx.read_wcstr(ctx.read_u32(ctx.process.params + S.RTL_USER_PROCESS_PARAMETERS.offsetof("CommandLine.Buffer")))
    a = state.heap.allocate(len(ansi) + 1)
    ctx.write(a, ansi + b"\0")
    w = state.heap.allocate(len(wide) + 2)
    ctx.write(w, wide + b"\0\0")
    ctx.write_u32(v["_acmdln"], a)
    ctx.write_u32(v["_wcmdln"], w)
    p = ctx.kernel.profile
    ctx.write_u32(v["_winmajor"], p.major)
    ctx.write_u32(v["_winminor"], p.minor)
    ctx.write_u32(v["_winver"], p.major << 8 | p.minor)
    ctx.write_u32(v["_osver"], p.build)
    path = ctx.process.image_path
    pa = state.heap.allocate(len(path) + 1)
    ctx.write(pa, path.encode(ctx.kernel.ansi_codepage, "replace") + b"\0")
    ctx.write_u32(v["_pgmptr"], pa)
    _build_environ(ctx, state)
    init_runtime_data(ctx, state)


def init_runtime_data(ctx, state: CrtState) -> None:
    """What msvcrt's and ucrtbase's DllMain share: the standard streams and descriptors, the ctype
    pointers and the time-zone variables (UTC: the emulated system has no time zone)."""
    from .lowio import init_std_fds
    init_std_fds(ctx, state)
    v = state.var
    if "_pctype" in v:
        ctx.write_u32(v["_pctype"], v["_ctype"] + 2)
        wtable = state.heap.allocate(512)
        ctx.write(wtable, _wctype_table())
        ctx.write_u32(v["_pwctype"], wtable)
        state.pwctype = wtable
        names = state.heap.allocate(64)
        ctx.write(names, b"Coordinated Universal Time\0\0")
        ctx.write_u32(v["_tzname"], names)
        ctx.write_u32(v["_tzname"] + 4, names + 27)
    if "_sys_errlist" in v:
        from .string import error_message
        texts = [error_message(i).encode() + b"\0" for i in range(SYS_NERR + 1)]
        block = state.heap.allocate(sum(map(len, texts)))
        ctx.write(block, b"".join(texts))
        pointers, at = [], block
        for t in texts:
            pointers.append(at)
            at += len(t)
        ctx.write(v["_sys_errlist"], struct.pack(f"<{len(pointers)}I", *pointers))


def msvcrt_detach(ctx, state: CrtState) -> None:
    """DLL_PROCESS_DETACH (ExitProcess without exit()): the stream buffers are flushed."""
    from .stdio import flush_all
    flush_all(ctx, state)


def _build_environ(ctx, state: CrtState) -> None:
    from ..kernel32.processenv import environment
    entries = [f"{k}={val}" for k, val in environment(ctx) if not k.startswith("=")]
    array = state.heap.allocate(4 * (len(entries) + 1))
    warray = state.heap.allocate(4 * (len(entries) + 1))
    for i, e in enumerate(entries):
        s = state.heap.allocate(len(e) + 1)
        ctx.write(s, e.encode(ctx.kernel.ansi_codepage, "replace") + b"\0")
        ctx.write_u32(array + 4 * i, s)
        ws = state.heap.allocate(2 * len(e) + 2)
        ctx.write(ws, e.encode("utf-16-le") + b"\0\0")
        ctx.write_u32(warray + 4 * i, ws)
    ctx.write_u32(array + 4 * len(entries), 0)
    ctx.write_u32(warray + 4 * len(entries), 0)
    for name, value in (("_environ", array), ("__initenv", array), ("_wenviron", warray), ("__winitenv", warray)):
        ctx.write_u32(state.var[name], value)


def _argv(ctx, state: CrtState, wide: bool) -> tuple[int, int]:
    cmdln = state.var["_wcmdln" if wide else "_acmdln"]
    args = parse_msvcrt(ctx.read_wstr(ctx.read_u32(cmdln)) if wide else ctx.read_str(ctx.read_u32(cmdln)))
    array = state.heap.allocate(4 * (len(args) + 1))
    for i, arg in enumerate(args):
        data = arg.encode("utf-16-le") + b"\0\0" if wide else arg.encode(ctx.kernel.ansi_codepage, "replace") + b"\0"
        s = state.heap.allocate(len(data))
        ctx.write(s, data)
        ctx.write_u32(array + 4 * i, s)
    ctx.write_u32(array + 4 * len(args), 0)
    return len(args), array


@export(conv="cdecl")
def __getmainargs(ctx, _Argc: PVOID, _Argv: PVOID, _Env: PVOID, _DoWildCard: INT, _StartInfo: PVOID) -> INT:
    state = crt(ctx)
    argc, argv = _argv(ctx, state, False)
    ctx.write_u32(_Argc, argc)
    ctx.write_u32(_Argv, argv)
    ctx.write_u32(_Env, ctx.read_u32(state.var["_environ"]))
    ctx.write_u32(state.var["__argc"], argc)
    ctx.write_u32(state.var["__argv"], argv)
    return 0


@export(conv="cdecl")
def __wgetmainargs(ctx, _Argc: PVOID, _Argv: PVOID, _Env: PVOID, _DoWildCard: INT, _StartInfo: PVOID) -> INT:
    state = crt(ctx)
    argc, argv = _argv(ctx, state, True)
    ctx.write_u32(_Argc, argc)
    ctx.write_u32(_Argv, argv)
    ctx.write_u32(_Env, ctx.read_u32(state.var["_wenviron"]))
    ctx.write_u32(state.var["__argc"], argc)
    ctx.write_u32(state.var["__wargv"], argv)
    return 0


def _var(name):
    def getter(ctx) -> PVOID:
        return crt(ctx).var[name]
    getter.__name__ = "__p_" + name
    return getter


__p__fmode = export(_var("_fmode"), name="__p__fmode", conv="cdecl")
__p__commode = export(_var("_commode"), name="__p__commode", conv="cdecl")
__p__acmdln = export(_var("_acmdln"), name="__p__acmdln", conv="cdecl")
__p__wcmdln = export(_var("_wcmdln"), name="__p__wcmdln", conv="cdecl")
__p___initenv = export(_var("__initenv"), name="__p___initenv", conv="cdecl")
__p___argc = export(_var("__argc"), name="__p___argc", conv="cdecl")
__p___argv = export(_var("__argv"), name="__p___argv", conv="cdecl")
__p__environ = export(_var("_environ"), name="__p__environ", conv="cdecl")
__p___mb_cur_max = export(_var("__mb_cur_max"), name="__p___mb_cur_max", conv="cdecl")
for _f in (__p__fmode, __p__commode, __p__acmdln, __p__wcmdln, __p___initenv, __p___argc, __p___argv,
           __p__environ, __p___mb_cur_max):
    _f.__module__ = __name__
del _f


@export(conv="cdecl")
def __set_app_type(ctx, at: INT) -> VOID:
    msvcrt_state(ctx.process).app_type = at


@export(conv="cdecl")
def __setusermatherr(ctx, pf: PVOID) -> VOID:
    msvcrt_state(ctx.process).matherr = pf


@export(conv="cdecl")
def _initterm(ctx, start: PVOID, end: PVOID) -> VOID:
    """Call each non-NULL function pointer in [start, end): the C/C++ initializers."""
    pointers = struct.unpack(f"<{(end - start) // 4}I", ctx.read(start, end - start)) if end > start else ()
    for fn in pointers:
        if fn:
            yield GuestCall(fn, (), f"_initterm initializer {ctx.process.describe_address(fn)}")


@export(conv="cdecl")
def _onexit(ctx, func: PVOID) -> PVOID:
    crt(ctx).onexit.append(func)
    return func


@export(conv="cdecl")
def atexit(ctx, func: PVOID) -> INT:
    crt(ctx).onexit.append(func)
    return 0


def run_exit_handlers(ctx):
    state = crt(ctx)
    while state.onexit:
        fn = state.onexit.pop()
        yield GuestCall(fn, (), f"atexit handler {ctx.process.describe_address(fn)}")


def do_exit(ctx, code: int, *, run_handlers: bool = True):
    """exit(): atexit/_onexit handlers in reverse order, then ExitProcess."""
    from ..ntdll.thread import exit_process
    from .stdio import flush_all
    state = crt(ctx)
    if run_handlers and not state.exiting:
        state.exiting = True
        yield from run_exit_handlers(ctx)
    if run_handlers:
        flush_all(ctx, state)
    yield from exit_process(ctx, code)


@export(conv="cdecl")
def exit(ctx, status: INT) -> VOID:
    yield from do_exit(ctx, status)


@export(conv="cdecl")
def _exit(ctx, status: INT) -> VOID:
    yield from do_exit(ctx, status, run_handlers=False)


@export(conv="cdecl")
def _cexit(ctx) -> VOID:
    from .stdio import flush_all
    state = crt(ctx)
    if not state.exiting:
        state.exiting = True
        yield from run_exit_handlers(ctx)
    flush_all(ctx, state)


@export(conv="cdecl")
def _c_exit(ctx) -> VOID:
    return None


@export(conv="cdecl")
def _amsg_exit(ctx, rterrnum: INT) -> VOID:
    from kernel.io.console import console_write
    console_write(ctx.kernel, ctx.process, "error", f"\r\nruntime error R60{rterrnum:02d}\r\n".encode())
    yield from do_exit(ctx, 255, run_handlers=False)


@export(conv="cdecl")
def abort(ctx) -> VOID:
    """Ends the process with exit code 3 without running exit handlers or flushing streams.  msvcrt.dll
    first prints its "unusual way" message; the release UCRT prints nothing (on Windows 7, which has no
    __fastfail, it then ends with _exit(3) too)."""
    if crt(ctx).dll == "msvcrt.dll":
        from kernel.io.console import console_write
        console_write(ctx.kernel, ctx.process, "error",
                      b"\r\nThis application has requested the Runtime to terminate it in an unusual way.\n"
                      b"Please contact the application's support team for more information.\r\n")
    yield from do_exit(ctx, 3, run_handlers=False)


def assert_failed(ctx, expression: str, file: str, line: int):
    """A failed assert() in a console program: "Assertion failed: EXPR, file FILE, line N" on the C
    runtime's stderr stream, then abort()."""
    from .stdio import stream_write
    text = f"Assertion failed: {expression}, file {file}, line {line}\n"
    stream_write(ctx, crt(ctx).var["_iob"] + 2 * FILE_SIZE, text.encode(ctx.kernel.ansi_codepage, "replace"))
    yield from abort(ctx)


@export(conv="cdecl")
def _assert(ctx, _Message: LPCSTR, _File: LPCSTR, _Line: UINT) -> VOID:
    yield from assert_failed(ctx, _Message or "", _File or "", _Line)


@export(conv="cdecl")
def signal(ctx, sig: INT, func: PVOID) -> PVOID:
    handlers = msvcrt_state(ctx.process).signals
    previous = handlers.get(sig, 0)
    handlers[sig] = func
    return previous


@export(conv="cdecl")
def _lock(ctx, locknum: INT) -> VOID:
    return None


@export(conv="cdecl")
def _unlock(ctx, locknum: INT) -> VOID:
    return None


def errno_address(ctx) -> int:
    """The calling thread's errno (msvcrt keeps it in the thread's data); _doserrno follows it."""
    state = crt(ctx)
    tid = ctx.thread.tid if ctx.thread is not None else 0
    addr = state.errno_addresses.get(tid)
    if addr is None:
        addr = state.errno_addresses[tid] = state.heap.allocate(8, 0x8)
    return addr


def set_errno(ctx, value: int, doserrno: int | None = None) -> None:
    addr = errno_address(ctx)
    ctx.write_u32(addr, value & 0xFFFFFFFF)
    if doserrno is not None:
        ctx.write_u32(addr + 4, doserrno)


def get_errno(ctx) -> int:
    return ctx.read_u32(errno_address(ctx))


@export(conv="cdecl")
def _errno(ctx) -> PVOID:
    return errno_address(ctx)


@export(conv="cdecl")
def __doserrno(ctx) -> PVOID:
    return errno_address(ctx) + 4


@export(conv="cdecl")
def __pctype_func(ctx) -> PVOID:
    return ctx.read_u32(crt(ctx).var["_pctype"])


@export(conv="cdecl")
def __pwctype_func(ctx) -> PVOID:
    return ctx.read_u32(crt(ctx).var["_pwctype"])


@export(conv="cdecl")
def __p__timezone(ctx) -> PVOID:
    return crt(ctx).var["_timezone"]


@export(conv="cdecl")
def __p__daylight(ctx) -> PVOID:
    return crt(ctx).var["_daylight"]


@export(conv="cdecl")
def __p__dstbias(ctx) -> PVOID:
    return crt(ctx).var["_dstbias"]


@export(conv="cdecl")
def __p__tzname(ctx) -> PVOID:
    return crt(ctx).var["_tzname"]


@export(conv="cdecl")
def __dllonexit(ctx, func: PVOID, pbegin: PVOID, pend: PVOID) -> PVOID:
    """A DLL's atexit: append `func` to the table *pbegin..*pend (grown by copying, as msvcrt's
    realloc does), update both pointers; returns func, NULL when the table cannot grow."""
    begin = ctx.read_u32(pbegin)
    end = ctx.read_u32(pend)
    used = max(end - begin, 0) if begin else 0
    table = ctx.process.heap.allocate(used + 4 * 8, 0x8)
    if not table:
        return 0
    if used:
        ctx.write(table, bytes(ctx.read(begin, used)))
    ctx.write_u32(table + used, func)
    ctx.write_u32(pbegin, table)
    ctx.write_u32(pend, table + used + 4)
    return func


@export(conv="cdecl")
def _beginthreadex(ctx, security: PVOID, stack_size: INT, start_address: PVOID, arglist: PVOID,
                   initflag: INT, thrdaddr: PVOID) -> PVOID:
    """process.h: a thread running start_address(arglist) (a __stdcall routine returning the exit
    code, as a thread start routine does); its handle, or 0 with errno EINVAL for a NULL routine.
    msvcrt's per-thread data block is not made (known difference)."""
    if not start_address:
        set_errno(ctx, 22)
        return 0
    from ..kernel32.processthreadsapi import CreateThread
    return CreateThread(ctx, security, stack_size, start_address, arglist, initflag, thrdaddr)
