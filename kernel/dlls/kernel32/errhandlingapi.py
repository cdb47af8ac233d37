"""errhandlingapi.h: last error, unhandled-exception filter, error mode."""
import struct

from ...hle.registry import export
from .state import kernel32_state
from ...hle.types import DWORD, LONG, LPTOP_LEVEL_EXCEPTION_FILTER, LPVOID, UINT, VOID
from kernel.ke.exception import EXCEPTION_MAXIMUM_PARAMETERS, EXCEPTION_NONCONTINUABLE, exception_record


@export
def GetLastError(ctx) -> DWORD:
    return ctx.get_last_error()


@export
def SetUnhandledExceptionFilter(ctx, lpTopLevelExceptionFilter: LPTOP_LEVEL_EXCEPTION_FILTER) -> LPTOP_LEVEL_EXCEPTION_FILTER:
    state = kernel32_state(ctx.process)
    previous = state.unhandled_exception_filter
    state.unhandled_exception_filter = lpTopLevelExceptionFilter
    return previous


@export
def SetErrorMode(ctx, uMode: UINT) -> UINT:
    state = kernel32_state(ctx.process)
    previous = state.error_mode
    state.error_mode = uMode
    return previous


@export
def GetErrorMode(ctx) -> UINT:
    return kernel32_state(ctx.process).error_mode


@export
def RaiseException(ctx, dwExceptionCode: DWORD, dwExceptionFlags: DWORD, nNumberOfArguments: DWORD,
                   lpArguments: LPVOID) -> VOID:
    """Raise a software exception; if a handler resumes, execution continues after this call."""
    from ..ntdll.exception import raise_from_call
    count = min(nNumberOfArguments, EXCEPTION_MAXIMUM_PARAMETERS) if lpArguments else 0
    args = struct.unpack(f"<{count}I", ctx.read(lpArguments, 4 * count)) if count else ()
    raise_from_call(ctx, exception_record(dwExceptionCode, ctx.return_eip, args,
                                          flags=dwExceptionFlags & EXCEPTION_NONCONTINUABLE))


@export
def UnhandledExceptionFilter(ctx, ExceptionInfo: LPVOID) -> LONG:
    from ..ntdll.exception import unhandled_exception_filter
    return (yield from unhandled_exception_filter(ctx, ExceptionInfo))
