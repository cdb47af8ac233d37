"""The two real MSVC-built console launchers the launcher tests and benchmarks run, found where their
Python packages put them:

* distlib's t32.exe, vendored by pip (pip is always installed with Python);
* setuptools' cli-32.exe: from the installed setuptools, or else from the setuptools 65.5.0 wheel,
  fetched once by tests/fetch.py (`python -m tests.fetch`).

`distlib_script` writes a launcher with an appended archive the way distlib's ScriptMaker does
(launcher + shebang line + a zip holding __main__.py), through pip's vendored ScriptMaker itself."""
from __future__ import annotations

import importlib.util
import os

def _package_dir(name: str) -> str | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return None
    return os.path.dirname(spec.origin)


def t32_path() -> str:
    folder = _package_dir("pip")
    path = os.path.join(folder or "", "_vendor", "distlib", "t32.exe")
    if not os.path.exists(path):
        raise FileNotFoundError(f"pip's vendored distlib has no t32.exe ({path})")
    return path


def cli32_path() -> str:
    """setuptools' cli-32.exe (the installed setuptools', or fetched: tests/fetch.py)."""
    from fetch import cli32
    return cli32()


def distlib_script(target_dir: str, name: str, executable: str, entry: str = "pkg.mod:main") -> str:
    """Writes NAME.exe into target_dir: t32.exe + "#!EXECUTABLE\\n" + zip(__main__.py), as
    ScriptMaker.make does on Windows; returns its host path."""
    from pip._vendor.distlib.scripts import ScriptMaker
    with open(t32_path(), "rb") as f:
        launcher = f.read()
    maker = ScriptMaker(None, target_dir)
    maker._is_nt = True                          # write the Windows form (launcher + archive)
    maker._get_launcher = lambda kind: launcher  # the 32-bit console launcher, whatever this host is
    maker.executable = executable
    maker.variants = {""}
    (path,) = maker.make(f"{name} = {entry}")
    return path
