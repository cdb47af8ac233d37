"""namedpipeapi.h: PeekNamedPipe on the handles ntboot has.

ntboot has no pipes yet (CreatePipe, CreateNamedPipe are stubs), so what a program peeks at is a
console, a file or the NUL device, and it gets what Windows 7 answers: a console handle is one of
kernel32's pseudo-handles, which the pipe file-system control never sees (ERROR_INVALID_HANDLE);
a file or device is asked FSCTL_PIPE_PEEK and refuses it (STATUS_INVALID_DEVICE_REQUEST,
ERROR_INVALID_FUNCTION)."""
from __future__ import annotations

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPDWORD, LPVOID
from .ioapiset import ERROR_INVALID_FUNCTION, file_of


@export
def PeekNamedPipe(ctx, hNamedPipe: HANDLE, lpBuffer: LPVOID, nBufferSize: DWORD, lpBytesRead: LPDWORD,
                  lpTotalBytesAvail: LPDWORD, lpBytesLeftThisMessage: LPDWORD) -> BOOL:
    if file_of(ctx, hNamedPipe) is None:
        return 0
    ctx.set_last_error(ERROR_INVALID_FUNCTION)
    return 0
