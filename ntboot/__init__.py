"""ntboot: run 32-bit Windows programs on Unicorn, booted the way Windows NT boots a process.

The front ends live here (the command line, the Python API, reports, traces, minidumps, regression
cases); the emulated system is in the `kernel`, `loader` and `emu` packages
installed beside this one (top-level names: see "Installing" in the README).

    from ntboot import Emulator
    emu = Emulator(timeout=10)
    emu.create_process("samples/bin/hello.exe", ["arg"])
    result = emu.run()
"""
import importlib.util as _util
import os as _os

__version__ = "0.2.0"


def _check_siblings() -> None:
    """`kernel`, `loader` and `emu` are installed as top-level packages beside `ntboot`; another
    distribution's package of the same name would shadow one of them.  Say so plainly instead of
    failing later with an unrelated ImportError."""
    here = _os.path.dirname(_os.path.dirname(_os.path.realpath(__file__)))
    for name in ("emu", "loader", "kernel"):
        spec = _util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None and spec is not None and spec.submodule_search_locations:
            origin = _os.path.join(list(spec.submodule_search_locations)[0], "__init__.py")
        if origin is None or _os.path.dirname(_os.path.dirname(_os.path.realpath(origin))) != here:
            raise ImportError(f"ntboot needs its own top-level package {name!r} (expected in {here}), but "
                              f"{'none was found' if origin is None else 'Python finds ' + origin}: another "
                              f"installed package uses the name {name!r}; install ntboot in its own virtual "
                              f"environment")


_check_siblings()

from .api import Emulator, ProgramError, RunResult  # noqa: E402

__all__ = ["Emulator", "ProgramError", "RunResult", "__version__"]
