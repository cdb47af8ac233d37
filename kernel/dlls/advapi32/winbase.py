"""winbase.h, advapi32's part: GetUserNameA/W.  The logged-on user is `user`, as the default
environment (USERNAME, USERPROFILE) and HKEY_CURRENT_USER have it."""
from __future__ import annotations

from ...hle.registry import export
from ...hle.types import BOOL, LPDWORD, LPSTR, LPWSTR
from kernel.hle.probe import probe

USER_NAME = "user"
ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER = 122, 87


def get_user_name(ctx, buffer: int, size_pointer: int, wide: bool) -> int:
    if not size_pointer:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    data = USER_NAME.encode("utf-16-le") if wide else USER_NAME.encode(ctx.kernel.ansi_codepage, "replace")
    unit = 2 if wide else 1
    needed = len(data) // unit + 1                  # characters, with the terminating NUL
    size = ctx.read_u32(size_pointer)
    ctx.write_u32(size_pointer, needed)
    if size < needed or not buffer:
        ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
        return 0
    ctx.write(buffer, data + b"\0" * unit)
    return 1


@export
@probe
def GetUserNameW(ctx, lpBuffer: LPWSTR, pcbBuffer: LPDWORD) -> BOOL:
    return get_user_name(ctx, lpBuffer, pcbBuffer, True)


@export
@probe
def GetUserNameA(ctx, lpBuffer: LPSTR, pcbBuffer: LPDWORD) -> BOOL:
    return get_user_name(ctx, lpBuffer, pcbBuffer, False)
