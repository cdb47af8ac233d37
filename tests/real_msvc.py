"""Real MSVC-built PE32 console programs from PyPI's win32 wheels, for the tests: each wheel (a pinned
version) is downloaded once with pip into a cache folder and the program unpacked from it (a wheel is
a zip).

* PyInstaller 6.22.3: its bootloaders (PyInstaller/bootloader/Windows-32bit-intel/run.exe, run_d.exe),
  Visual C++ with the static C runtime, importing only kernel32, user32 and advapi32;
* ninja 1.13.2: ninja.exe (Kitware's build), Visual C++ with the static C runtime, importing only kernel32;
* cx_Freeze 6.15.16 (cp311): the console base (bases/console-cpython-311-win32.exe), Visual C++ 2015+
  with vcruntime140.dll and the Universal CRT, importing python311.dll."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

WHEELS = {
    "pyinstaller": ("pyinstaller==6.22.3", []),
    "ninja": ("ninja==1.13.2", []),
    "cx_freeze": ("cx_Freeze==6.15.16", ["--python-version", "3.11"]),
}


def _cache() -> str:
    return os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "ntboot-tests")


def wheel_member(package: str, member: str) -> str:
    """The host path of `member` of the package's pinned win32 wheel (downloaded and unpacked once)."""
    requirement, extra = WHEELS[package]
    folder = os.path.join(_cache(), requirement.replace("==", "-") + "-win32")
    target = os.path.join(folder, *member.split("/"))
    if not os.path.exists(target):
        os.makedirs(folder, exist_ok=True)
        if not any(f.endswith(".whl") for f in os.listdir(folder)):
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                            "--platform", "win32", *extra, "-d", folder, requirement],
                           check=True, capture_output=True)
        wheel = next(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".whl"))
        with zipfile.ZipFile(wheel) as zf:
            zf.extract(member, folder)
    return target


def pyinstaller_bootloader(name: str = "run.exe") -> str:
    return wheel_member("pyinstaller", f"PyInstaller/bootloader/Windows-32bit-intel/{name}")


def ninja_exe() -> str:
    return wheel_member("ninja", "ninja-1.13.2.data/scripts/ninja.exe")


def cx_freeze_console_base() -> str:
    return wheel_member("cx_freeze", "cx_Freeze/bases/console-cpython-311-win32.exe")
