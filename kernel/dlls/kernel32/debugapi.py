"""debugapi.h: OutputDebugStringA/W.  With no debugger attached (ntboot's processes run without one)
Windows raises DBG_PRINTEXCEPTION_C inside OutputDebugStringA and catches it itself: nothing reaches
the program and the string goes nowhere visible.  ntboot records the text as a trace event; the W form
converts to the ANSI code page and calls the A form, as Windows 7 does."""
from ...hle.registry import export
from ...hle.types import LPCSTR, LPCWSTR, VOID


def output_debug_string(ctx, text: str | None) -> None:
    if text is not None:
        ctx.kernel.trace.event("OutputDebugString", text.rstrip("\r\n"))


@export
def OutputDebugStringA(ctx, lpOutputString: LPCSTR) -> VOID:
    output_debug_string(ctx, lpOutputString)


@export
def OutputDebugStringW(ctx, lpOutputString: LPCWSTR) -> VOID:
    if lpOutputString is not None:
        lpOutputString = lpOutputString.encode(ctx.kernel.ansi_codepage, "replace").decode(ctx.kernel.ansi_codepage)
    output_debug_string(ctx, lpOutputString)
