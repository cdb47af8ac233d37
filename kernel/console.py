"""The console: what the Win7 console handles (3, 7, 11) read from and write to.

Output is kept per process (it is part of the run's result) and, when asked, copied to the host's
stdout/stderr as it is written.  Input comes from the bytes the run was given.
"""
from __future__ import annotations

import sys

def is_console_handle(handle: int) -> bool:
    """Windows 7's kernel32 rule: console handles have both low bits set."""
    return handle & 0x10000003 == 3


def console_kind(process, handle: int) -> str | None:
    if not is_console_handle(handle):
        return None
    return process.console_handles.get(handle)


def console_write(kernel, process, kind: str, data: bytes) -> None:
    target = process.stderr if kind == "error" else process.stdout
    target += data
    if kernel.options.echo_output:
        stream = sys.stderr if kind == "error" else sys.stdout
        stream.buffer.write(data)
        stream.flush()


def console_read(kernel, size: int) -> bytes:
    data = kernel.stdin_buffer[:size]
    del kernel.stdin_buffer[:size]
    return bytes(data)
