"""The console: what the Win7 console handles (3, 7, 11) read from and write to.

One console is shared by every process attached to it (a child created without CREATE_NEW_CONSOLE
or DETACHED_PROCESS writes where its parent does), so the console's output is the run's output, in
the order it was written; each process's own share is kept as well.  When asked, output is copied to
the host's stdout/stderr as it is written.  Input comes from the bytes the run was given.
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
    if not process.console_attached:
        return                      # a detached process has no console: its writes go nowhere
    shared = kernel.console_stderr if kind == "error" else kernel.console_stdout
    shared += data
    if kernel.options.echo_output:
        stream = sys.stderr if kind == "error" else sys.stdout
        try:
            stream.buffer.write(data)
            stream.flush()
        except (BrokenPipeError, OSError):
            # the host closed its end (`ntboot run x.exe | head`): stop echoing, keep running
            kernel.options.echo_output = False


def console_read(kernel, size: int) -> bytes:
    data = kernel.stdin_buffer[:size]
    del kernel.stdin_buffer[:size]
    return bytes(data)
