"""shellapi.h: CommandLineToArgvW.

The splitting is kernel/rtl/cmdline.py's parse_commandline_to_argv_w (shell32's rules: argv[0] by its own
rule, runs of quotes, backslashes before quotes); an empty command line gives the program's path
alone, as on Windows.  The result is one LocalAlloc'ed (LMEM_FIXED) block, as shell32 builds it: argc
pointers and a NULL, then the strings, so a single LocalFree releases it."""
from __future__ import annotations

import struct

from kernel.rtl.cmdline import parse_commandline_to_argv_w
from ...hle.registry import export
from ...hle.types import LPCWSTR, PVOID
from kernel.hle.probe import probe
from ..kernel32.winbase_mem import local_alloc

ERROR_INVALID_PARAMETER = 87


@export
@probe
def CommandLineToArgvW(ctx, lpCmdLine: LPCWSTR, pNumArgs: PVOID) -> PVOID:
    if not pNumArgs or lpCmdLine is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    argv = parse_commandline_to_argv_w(lpCmdLine, ctx.process.image_path)
    strings = [a.encode("utf-16-le", "surrogatepass") + b"\0\0" for a in argv]
    table = 4 * (len(argv) + 1)
    block = local_alloc(ctx, table + sum(len(s) for s in strings))
    if not block:
        return 0                                   # LocalAlloc set ERROR_NOT_ENOUGH_MEMORY
    pointers, at = [], block + table
    for s in strings:
        pointers.append(at)
        at += len(s)
    ctx.write(block, struct.pack(f"<{len(pointers) + 1}I", *pointers, 0) + b"".join(strings))
    ctx.write_u32(pNumArgs, len(argv))
    return block
