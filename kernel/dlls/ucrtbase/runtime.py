"""ucrtbase.dll's own entry points: the UCRT start-up protocol (_configure_narrow_argv,
_initialize_narrow_environment, _initterm_e, onexit tables, _crt_atexit ...), __acrt_iob_func and
the __stdio_common_* functions behind the UCRT's inline printf/scanf.  Everything else ucrtbase
exports that msvcrt also has is msvcrt's implementation, shared (see share.py and __init__.py)."""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import FILE_P, INT, LONGLONG, PVOID, SIZE_T, UINT, ULONGLONG, VOID, va_list
from kernel.ke.dispatch import GuestCall
from ..msvcrt import crt as crtmod
from ..msvcrt import stdio
from ..msvcrt.crt import FILE_SIZE, crt, set_errno
from ..msvcrt.printf import PrintfError, StackArgs, format_printf, format_wprintf

EINVAL = 22
PRINTF_LEGACY_VSPRINTF_NULL_TERMINATION = 0x1
PRINTF_STANDARD_SNPRINTF_BEHAVIOR = 0x2
PRINTF_LEGACY_WIDE_SPECIFIERS = 0x4
PRINTF_LEGACY_MSVCRT_COMPATIBILITY = 0x8
PRINTF_LEGACY_THREE_DIGIT_EXPONENTS = 0x10


def _state(ctx):
    return ctx.process.dll_state["ucrtbase.dll"]


def ucrt_call(func):
    """Run a ucrtbase-only handler with ucrtbase's CRT state active."""
    import functools

    from .share import run_with_state

    @functools.wraps(func)
    def wrapper(ctx, *args):
        return run_with_state(ctx, _state(ctx), func, args)
    return wrapper


@export(conv="cdecl")
@ucrt_call
def __acrt_iob_func(ctx, index: UINT) -> FILE_P:
    return crt(ctx).var["_iob"] + FILE_SIZE * index


def ucrt_format(ctx, options: int, fmt: int, arglist: int, *, wide: bool = False):
    """printf (wide: wprintf, a str result) formatting with the UCRT's defaults: two-digit exponents
    unless _CRT_INTERNAL_PRINTF_LEGACY_THREE_DIGIT_EXPONENTS, the C99 size prefixes z, t and j.  In a
    wide format %s is a wide string (the legacy wide specifiers every SDK header selects; the ISO ones
    are not told apart)."""
    if not fmt:
        set_errno(ctx, EINVAL)
        return None
    engine, text = (format_wprintf, ctx.read_wstr(fmt)) if wide else (format_printf, ctx.read_cstr(fmt))
    try:
        return engine(text, StackArgs(ctx.read, arglist, ctx.write), codepage=ctx.kernel.ansi_codepage,
                      two_digit_exponent=not options & PRINTF_LEGACY_THREE_DIGIT_EXPONENTS,
                      c99_size_prefixes=True)
    except PrintfError as e:
        if e.errno is not None:
            set_errno(ctx, e.errno)
        return None


@export(conv="cdecl")
@ucrt_call
def __stdio_common_vfprintf(ctx, _Options: ULONGLONG, _Stream: FILE_P, _Format: PVOID, _Locale: PVOID,
                            _ArgList: va_list) -> INT:
    data = ucrt_format(ctx, _Options, _Format, _ArgList)
    return stdio._emit(ctx, _Stream, data)


@export(conv="cdecl")
@ucrt_call
def __stdio_common_vsprintf(ctx, _Options: ULONGLONG, _Buffer: PVOID, _BufferCount: SIZE_T, _Format: PVOID,
                            _Locale: PVOID, _ArgList: va_list) -> INT:
    data = ucrt_format(ctx, _Options, _Format, _ArgList)
    if data is None:
        return -1
    n = len(data)
    if not _Buffer and _BufferCount == 0:
        return n                                         # a size query
    if not _Buffer:
        set_errno(ctx, EINVAL)
        return -1
    if n < _BufferCount:
        ctx.write(_Buffer, data + b"\0")
        return n
    if _Options & PRINTF_LEGACY_VSPRINTF_NULL_TERMINATION:
        ctx.write(_Buffer, data[:_BufferCount])          # _vsnprintf: no NUL when it just fits
        return n if n == _BufferCount else -1
    if _BufferCount:
        ctx.write(_Buffer, data[:_BufferCount - 1] + b"\0")
    return n if _Options & PRINTF_STANDARD_SNPRINTF_BEHAVIOR else -1


@export(conv="cdecl")
@ucrt_call
def __stdio_common_vsscanf(ctx, _Options: ULONGLONG, _Buffer: PVOID, _BufferCount: SIZE_T, _Format: PVOID,
                           _Locale: PVOID, _ArgList: va_list) -> INT:
    from ..msvcrt.scanf import StringSource
    if not _Buffer or not _Format:
        set_errno(ctx, EINVAL)
        return -1
    data = ctx.read_cstr(_Buffer) if _BufferCount == 0xFFFFFFFF else ctx.read_cstr(_Buffer, _BufferCount)[:_BufferCount]
    return stdio._scan(ctx, StringSource(data), ctx.read_cstr(_Format), _ArgList)


@export(conv="cdecl")
@ucrt_call
def __stdio_common_vfscanf(ctx, _Options: ULONGLONG, _Stream: FILE_P, _Format: PVOID, _Locale: PVOID,
                           _ArgList: va_list) -> INT:
    if not _Format or stdio._stream(ctx, _Stream) is None:
        set_errno(ctx, EINVAL)
        return -1
    return stdio._scan(ctx, stdio.StreamSource(ctx, _Stream), ctx.read_cstr(_Format), _ArgList)


@export(conv="cdecl")
@ucrt_call
def _fseeki64(ctx, stream: FILE_P, offset: LONGLONG, origin: INT) -> INT:
    s = stdio._stream(ctx, stream)
    if s is None:
        return -1
    r = stdio._seek(ctx, s, offset, origin)
    s.save()
    return r


@export(conv="cdecl")
@ucrt_call
def _ftelli64(ctx, stream: FILE_P) -> LONGLONG:
    s = stdio._stream(ctx, stream)
    return -1 if s is None else stdio._tell(ctx, s)


# -- start-up --------------------------------------------------------------------------------------
@export(conv="cdecl")
@ucrt_call
def _configure_narrow_argv(ctx, mode: INT) -> INT:
    state = crt(ctx)
    argc, argv = crtmod._argv(ctx, state, False)
    ctx.write_u32(state.var["__argc"], argc)
    ctx.write_u32(state.var["__argv"], argv)
    return 0


@export(conv="cdecl")
@ucrt_call
def _configure_wide_argv(ctx, mode: INT) -> INT:
    state = crt(ctx)
    argc, argv = crtmod._argv(ctx, state, True)
    ctx.write_u32(state.var["__argc"], argc)
    ctx.write_u32(state.var["__wargv"], argv)
    return 0


@export(conv="cdecl")
def _initialize_narrow_environment(ctx) -> INT:
    return 0


@export(conv="cdecl")
def _initialize_wide_environment(ctx) -> INT:
    return 0


@export(conv="cdecl")
@ucrt_call
def _get_initial_narrow_environment(ctx) -> PVOID:
    return ctx.read_u32(crt(ctx).var["_environ"])


@export(conv="cdecl")
@ucrt_call
def _get_initial_wide_environment(ctx) -> PVOID:
    return ctx.read_u32(crt(ctx).var["_wenviron"])


@export(conv="cdecl")
@ucrt_call
def __p___wargv(ctx) -> PVOID:
    return crt(ctx).var["__wargv"]


@export(conv="cdecl")
@ucrt_call
def _set_app_type(ctx, _Type: INT) -> VOID:
    crt(ctx).app_type = _Type


@export(conv="cdecl")
@ucrt_call
def _query_app_type(ctx) -> INT:
    return crt(ctx).app_type


@export(conv="cdecl")
@ucrt_call
def _set_fmode(ctx, _Mode: INT) -> INT:
    if _Mode not in (0x4000, 0x8000):
        set_errno(ctx, EINVAL)
        return EINVAL
    ctx.write_u32(crt(ctx).var["_fmode"], _Mode)
    return 0


@export(conv="cdecl")
@ucrt_call
def _configthreadlocale(ctx, _Flag: INT) -> INT:
    state = crt(ctx)
    previous = getattr(state, "thread_locale_mode", 2)       # _DISABLE_PER_THREAD_LOCALE
    if _Flag in (1, 2):
        state.thread_locale_mode = _Flag
    elif _Flag not in (0, -1):
        set_errno(ctx, EINVAL)
        return -1
    return previous


@export(conv="cdecl")
@ucrt_call
def _set_new_mode(ctx, _NewMode: INT) -> INT:
    state = crt(ctx)
    previous = getattr(state, "new_mode", 0)
    state.new_mode = _NewMode
    return previous


@export(conv="cdecl")
@ucrt_call
def _set_invalid_parameter_handler(ctx, _Handler: PVOID) -> PVOID:
    state = crt(ctx)
    previous = getattr(state, "invalid_parameter_handler", 0)
    state.invalid_parameter_handler = _Handler
    return previous


@export(conv="cdecl")
def _seh_filter_exe(ctx, _ExceptionNum: UINT, _ExceptionPtr: PVOID) -> INT:
    return 0                                              # EXCEPTION_CONTINUE_SEARCH


@export(conv="cdecl")
@ucrt_call
def _get_errno(ctx, _Value: PVOID) -> INT:
    if not _Value:
        set_errno(ctx, EINVAL)
        return EINVAL
    ctx.write_u32(_Value, crtmod.get_errno(ctx))
    return 0


@export(conv="cdecl")
@ucrt_call
def _set_errno(ctx, _Value: INT) -> INT:
    set_errno(ctx, _Value)
    return 0


@export(conv="cdecl")
@ucrt_call
def _crt_atexit(ctx, _Function: PVOID) -> INT:
    crt(ctx).onexit.append(_Function)
    return 0


@export(conv="cdecl")
@ucrt_call
def _crt_at_quick_exit(ctx, _Function: PVOID) -> INT:
    crt(ctx).quick_exit.append(_Function)
    return 0


# _onexit_table_t: { _PVFV* _first; _PVFV* _last; _PVFV* _end; }
@export(conv="cdecl")
def _initialize_onexit_table(ctx, _Table: PVOID) -> INT:
    if not _Table:
        return -1
    if not ctx.read_u32(_Table):
        ctx.write(_Table, b"\0" * 12)
    return 0


@export(conv="cdecl")
@ucrt_call
def _register_onexit_function(ctx, _Table: PVOID, _Function: PVOID) -> INT:
    if not _Table:
        return -1
    first, last, end = struct.unpack("<III", ctx.read(_Table, 12))
    count = (last - first) // 4 if first else 0
    if not first or last == end:
        heap = crt(ctx).heap
        capacity = max(8, 2 * count)
        new = heap.allocate(4 * capacity)
        if not new:
            return -1
        if count:
            ctx.write(new, bytes(ctx.read(first, 4 * count)))
        first, end = new, new + 4 * capacity
    ctx.write_u32(first + 4 * count, _Function)
    ctx.write(_Table, struct.pack("<III", first, first + 4 * (count + 1), end))
    return 0


@export(conv="cdecl")
def _execute_onexit_table(ctx, _Table: PVOID) -> INT:
    if not _Table:
        return -1
    first, last, _ = struct.unpack("<III", ctx.read(_Table, 12))
    ctx.write(_Table, b"\0" * 12)
    if first:
        pointers = struct.unpack(f"<{(last - first) // 4}I", ctx.read(first, last - first)) if last > first else ()
        for fn in reversed(pointers):
            if fn:
                yield GuestCall(fn, (), "onexit table function")
    return 0


@export(conv="cdecl")
def _initterm_e(ctx, start: PVOID, end: PVOID) -> INT:
    """Like _initterm, but the functions return an int: the first non-zero one stops the walk."""
    pointers = struct.unpack(f"<{(end - start) // 4}I", ctx.read(start, end - start)) if end > start else ()
    for fn in pointers:
        if fn:
            result = yield GuestCall(fn, (), f"_initterm_e initializer {ctx.process.describe_address(fn)}")
            if result:
                return result
    return 0


@export(conv="cdecl")
def _invalid_parameter_noinfo(ctx) -> VOID:
    """The UCRT's default invalid-parameter handler ends the process with __fastfail (0xC0000409)."""
    from ..ntdll.thread import exit_process
    yield from exit_process(ctx, 0xC0000409)


@export(conv="cdecl")
@ucrt_call
def terminate(ctx) -> VOID:
    from ..msvcrt.crt import abort
    yield from abort(ctx)


@export(conv="cdecl")
@ucrt_call
def __sys_nerr(ctx) -> PVOID:
    return crt(ctx).var["_sys_nerr"]


@export(conv="cdecl")
@ucrt_call
def _aligned_msize(ctx, _Block: PVOID, _Alignment: SIZE_T, _Offset: SIZE_T) -> SIZE_T:
    """The bytes usable from an _aligned_malloc block's pointer on (malloc.h; the UCRT's only)."""
    from ..msvcrt.malloc import usable_size
    if not _Block or not _Alignment or _Alignment & (_Alignment - 1):
        set_errno(ctx, 22)
        return 0xFFFFFFFF
    return usable_size(ctx, _Block)
