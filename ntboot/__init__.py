"""ntboot: run 32-bit Windows programs on Unicorn, booted the way Windows NT boots a process.

The front ends live here (the command line, the Python API, reports, traces, minidumps, regression
cases); the emulated system is in the `kernel`, `loader` and `emu` packages beside this one.

    from ntboot import Emulator
    emu = Emulator(timeout=10)
    emu.create_process("samples/bin/hello.exe", ["arg"])
    result = emu.run()
"""
from .api import Emulator, ProgramError

__version__ = "0.2.0"
__all__ = ["Emulator", "ProgramError", "__version__"]
