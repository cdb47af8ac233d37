"""errhandlingapi.h: last error, unhandled-exception filter, error mode."""
from ...hle.registry import export
from ...hle.types import DWORD, LPTOP_LEVEL_EXCEPTION_FILTER, UINT


@export
def GetLastError(ctx) -> DWORD:
    return ctx.get_last_error()


@export
def SetUnhandledExceptionFilter(ctx, lpTopLevelExceptionFilter: LPTOP_LEVEL_EXCEPTION_FILTER) -> LPTOP_LEVEL_EXCEPTION_FILTER:
    process = ctx.process
    previous = getattr(process, "unhandled_exception_filter", 0)
    process.unhandled_exception_filter = lpTopLevelExceptionFilter
    return previous


@export
def SetErrorMode(ctx, uMode: UINT) -> UINT:
    process = ctx.process
    previous = getattr(process, "error_mode", 0)
    process.error_mode = uMode
    return previous


@export
def GetErrorMode(ctx) -> UINT:
    return getattr(ctx.process, "error_mode", 0)
