"""ucrtbase.dll: the Universal C Runtime, which programs built with MSVC 2015+ or zig/mingw-w64 in
UCRT mode import through the api-ms-win-crt-* API sets.  Its own entry points are in runtime.py;
every export msvcrt also has (malloc, strlen, fopen, qsort ...) runs msvcrt's handler against
ucrtbase's own C runtime state (share.py)."""
from __future__ import annotations


from ...hle.registry import DllSpec
from ..msvcrt import crt as msvcrt_crt
from ..msvcrt import ctype, direct, locale, lowio, malloc, math, stdio, stdlib, string, time
from . import corecrt, runtime
from .share import share_all


class UcrtState(msvcrt_crt.CrtState):
    """ucrtbase.dll's own C runtime state (heap, streams, descriptors, errno, atexit table,
    environment copy): made when the process maps ucrtbase, set up by its DllMain."""
    DLL = "ucrtbase.dll"


def ucrt_state(process) -> UcrtState:
    """ucrtbase.dll's C runtime state in a process that has ucrtbase mapped."""
    return process.dll_state["ucrtbase.dll"]


def _state(ctx):
    return ucrt_state(ctx.process)


# exports named differently in the UCRT: the 32-bit time functions
ALIASES = {"_time32": "time", "_localtime32": "localtime", "_gmtime32": "gmtime", "_mktime32": "mktime",
           "_difftime32": "difftime", "_ctime32": "ctime", "_mkgmtime32": "_mkgmtime"}

SHARED = share_all(vars(runtime), runtime.__name__, "ucrtbase",
                   [msvcrt_crt, ctype, locale, lowio, math, stdio, stdlib, string, time, direct, malloc], ALIASES, _state)


def ucrtbase_init(ctx, base: int, reason: int):
    """ucrtbase's DllMain: its own CRT state (heap, standard streams, argv, environment)."""
    from .share import run_with_state
    state = ucrt_state(ctx.process)
    if reason == 0 and state.attached:
        run_with_state(ctx, state, lambda c: msvcrt_crt.msvcrt_detach(c, state), ())
    if reason != 1 or state.attached:
        return
    run_with_state(ctx, state, lambda c: msvcrt_crt.setup_state(c, state), ())
    return
    yield


DLL = DllSpec(
    name="ucrtbase.dll",
    base=0x75B80000,
    modules=[runtime, corecrt],
    init=ucrtbase_init,
    state=UcrtState,
)

