"""The pytest plugin installed with ntboot (entry point `pytest11`: pytest loads it in every suite
of an environment where ntboot is installed).  A top-level module that imports nothing of ntboot's
until a test uses the fixture: pytest loads plugins before it puts a project's own folders on
sys.path, and importing the `ntboot` package this early would bind it to the installed copy even in
a checkout being tested.  It provides one fixture:

    def test_tool(ntboot):
        result = ntboot("bin/tool.exe", ["input.txt"], timeout=30)
        assert result.exit_code == 0
        assert result.stdout == b"done\\n"

`ntboot(program, args=(), **options)` runs the program to its end in a fresh sandbox and returns
its `RunResult` (exit_code, reason, message, stdout, stderr, fault, processes ...).  `options` are
`ntboot.Emulator`'s keyword arguments (timeout, root, mounts, environment, stdin, lenient, ...);
`timeout` defaults to 60 seconds.  `ntboot.emulator(**options)` gives an `Emulator` for finer
control (hooks, `run_to`, dumps); every emulator the fixture made is closed when the test ends.
"""
from __future__ import annotations

import pytest

DEFAULT_TIMEOUT = 60.0


class NtbootRunner:
    """What the `ntboot` fixture gives a test: call it to run a program."""

    def __init__(self):
        self._made = []

    def emulator(self, **options):
        """An `ntboot.Emulator` (timeout defaults to 60 s), closed when the test ends."""
        from ntboot.api import Emulator
        options.setdefault("timeout", DEFAULT_TIMEOUT)
        emu = Emulator(**options)
        self._made.append(emu)
        return emu

    def __call__(self, program, args=(), **options):
        """Run `program` (a host path) with `args` to its end; returns the RunResult."""
        emu = self.emulator(**options)
        emu.create_process(str(program), [str(a) for a in args])
        return emu.run()

    def close(self) -> None:
        while self._made:
            self._made.pop().close()


@pytest.fixture
def ntboot():
    """Run a 32-bit Windows program under ntboot: `ntboot(program, args, **Emulator options)`
    returns its RunResult."""
    runner = NtbootRunner()
    try:
        yield runner
    finally:
        runner.close()
