"""Debian's MinGW-w64 runtime DLLs (libstdc++-6.dll, libgcc_s_dw2-1.dll) for tests of real C++
programs: where gcc-mingw-w64-i686-win32-runtime installs them, or fetched by tests/fetch.py
(`python -m tests.fetch`)."""
from __future__ import annotations

import os
import shutil

from fetch import MINGW_DLLS as DLLS, mingw_runtime as runtime_dir


def copy_runtime(destination: str) -> None:
    folder = runtime_dir()
    for dll in DLLS:
        shutil.copy(os.path.join(folder, dll), destination)
