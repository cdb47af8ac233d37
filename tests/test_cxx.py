"""A C++ program of ours built with MinGW g++, linked dynamically against Debian's real
libstdc++-6.dll and libgcc_s_dw2-1.dll, loaded from the program's folder with their own code,
TLS callbacks and DllMain running in the guest: DW2 exceptions thrown and caught, across a DLL too."""
import io
import os
import shutil

from conftest import BIN
from ntboot.api import Emulator
from fetch import MINGW_DLLS, require
import pytest

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)


def test_cxx_exceptions_with_the_real_mingw_runtime(tmp_path):
    for name in ("cxx.exe", "cxxlib.dll"):
        shutil.copy(os.path.join(BIN, name), tmp_path)
    runtime = require("mingw-runtime")           # Debian's DLLs (tests/fetch.py)
    for dll in MINGW_DLLS:
        shutil.copy(os.path.join(runtime, dll), tmp_path)
    trace = io.StringIO()
    emu = Emulator(timeout=120, trace_boot=True, trace_stream=trace)
    try:
        emu.create_process(str(tmp_path / "cxx.exe"))
        result = emu.run()
    finally:
        emu.close()
    assert result.reason == "exited", result.message
    assert result.stdout.decode().splitlines() == [
        "guard: destroyed", "local: caught 42", "caught from dll: negative input -5", "dll ok: 14"]
    assert result.exit_code == 0
    text = trace.getvalue()
    for dll in ("libstdc++-6.dll", "libgcc_s_dw2-1.dll", "cxxlib.dll"):
        assert f"DllMain({dll}, DLL_PROCESS_ATTACH)" in text, dll
        assert f"path=C:\\app\\{dll}" in text
