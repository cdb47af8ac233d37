"""The two real MSVC-built console launchers the launcher tests and benchmarks run, found where their
Python packages put them:

* distlib's t32.exe, vendored by pip (pip is always installed with Python);
* setuptools' cli-32.exe: from the installed setuptools, or else from the setuptools 65.5.0 wheel,
  downloaded once with pip into a cache folder and unpacked (a wheel is a zip).

`distlib_script` writes a launcher with an appended archive the way distlib's ScriptMaker does
(launcher + shebang line + a zip holding __main__.py), through pip's vendored ScriptMaker itself."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile

SETUPTOOLS_VERSION = "65.5.0"


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
    folder = _package_dir("setuptools")
    if folder and os.path.exists(os.path.join(folder, "cli-32.exe")):
        return os.path.join(folder, "cli-32.exe")
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "ntboot-tests",
                         f"setuptools-{SETUPTOOLS_VERSION}")
    target = os.path.join(cache, "setuptools", "cli-32.exe")
    if not os.path.exists(target):
        os.makedirs(cache, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                        "-d", cache, f"setuptools=={SETUPTOOLS_VERSION}"], check=True, capture_output=True)
        wheel = next(os.path.join(cache, f) for f in os.listdir(cache) if f.endswith(".whl"))
        with zipfile.ZipFile(wheel) as zf:
            zf.extract("setuptools/cli-32.exe", cache)
    return target


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
