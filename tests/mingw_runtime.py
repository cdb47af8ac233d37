"""Debian's MinGW-w64 runtime DLLs (libstdc++-6.dll, libgcc_s_dw2-1.dll) for tests of real C++
programs: taken where gcc-mingw-w64-i686-win32-runtime installs them, or that package is downloaded
and unpacked into a cache folder (no root install needed)."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile

PACKAGE = "gcc-mingw-w64-i686-win32-runtime"
RUNTIME_GLOB = "usr/lib/gcc/i686-w64-mingw32/*-win32"
DLLS = ("libstdc++-6.dll", "libgcc_s_dw2-1.dll")


def _find(root: str) -> str | None:
    for folder in sorted(glob.glob(os.path.join(root, RUNTIME_GLOB)), reverse=True):
        if all(os.path.exists(os.path.join(folder, d)) for d in DLLS):
            return folder
    return None


def runtime_dir() -> str:
    found = _find("/")
    if found:
        return found
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                         "ntboot-tests", PACKAGE)
    found = _find(cache)
    if found:
        return found
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        download = subprocess.run(["apt-get", "download", PACKAGE], cwd=work, capture_output=True, text=True)
        if download.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
            subprocess.run(["apt-get", "download", PACKAGE], cwd=work, check=True, capture_output=True)
        deb = glob.glob(os.path.join(work, "*.deb"))[0]
        subprocess.run(["dpkg-deb", "-x", deb, cache], check=True)
    found = _find(cache)
    if not found:
        raise RuntimeError(f"{PACKAGE} has no {DLLS} under {RUNTIME_GLOB}")
    return found


def copy_runtime(destination: str) -> None:
    folder = runtime_dir()
    for dll in DLLS:
        shutil.copy(os.path.join(folder, dll), destination)
