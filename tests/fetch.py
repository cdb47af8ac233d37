"""The third-party binaries some tests run, fetched from package registries into one cache:

    python -m tests.fetch            # fetch everything missing (from the repository root)
    python -m tests.fetch --list     # what is cached where

* 7za.exe: the official 7-Zip console 21.07 (x86), from the npm package 7zip-bin 5.2.0 (`npm pack`);
* cli-32.exe: setuptools' launcher, from the setuptools 65.5.0 wheel (`pip download`), needed only
  when the installed setuptools has none (pip's t32.exe always comes with pip);
* the MinGW-w64 runtime DLLs (libstdc++-6.dll, libgcc_s_dw2-1.dll): from where Debian's
  gcc-mingw-w64-i686-win32-runtime installs them, or that package (`apt-get download`).

The cache is $XDG_CACHE_HOME/ntboot-tests (default ~/.cache/ntboot-tests); each item is fetched
once.  A test that needs an item calls `require(name)`: when the item cannot be fetched the test
fails with the reason (offline or not: a test of a real binary never skips; fetch the items with
`python -m tests.fetch` while online, and the cache serves them afterwards)."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "ntboot-tests")
SEVENZIP_PACKAGE = "7zip-bin@5.2.0"
SETUPTOOLS_VERSION = "65.5.0"
MINGW_PACKAGE = "gcc-mingw-w64-i686-win32-runtime"
MINGW_GLOB = "usr/lib/gcc/i686-w64-mingw32/*-win32"
MINGW_DLLS = ("libstdc++-6.dll", "libgcc_s_dw2-1.dll")
OFFLINE_WORDS = ("name resolution", "resolve host", "could not resolve", "enotfound", "eai_again", "network is unreachable",
                 "connection refused", "econnrefused", "timed out", "etimedout", "no route to host",
                 "failed to establish a new connection", "temporary failure", "could not connect",
                 "unable to connect", "offline")


class FetchError(Exception):
    """An item could not be fetched; `offline` says whether the network looked unreachable."""

    def __init__(self, name: str, detail: str):
        self.offline = any(w in detail.lower() for w in OFFLINE_WORDS)
        super().__init__(f"{name} could not be fetched: {detail.strip()[-600:]}")


def _run(name: str, argv: list[str], cwd: str) -> None:
    try:
        p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise FetchError(name, f"{argv[0]} is not installed") from None
    except subprocess.TimeoutExpired:
        raise FetchError(name, f"{' '.join(argv)} timed out") from None
    if p.returncode != 0:
        raise FetchError(name, f"`{' '.join(argv)}` failed: {p.stderr or p.stdout}")


def sevenza() -> str:
    """package/win/ia32/7za.exe of the npm package 7zip-bin 5.2.0."""
    folder = os.path.join(CACHE, "7zip-bin-5.2.0")
    exe = os.path.join(folder, "package", "win", "ia32", "7za.exe")
    if not os.path.exists(exe):
        os.makedirs(folder, exist_ok=True)
        _run("7za.exe", ["npm", "pack", SEVENZIP_PACKAGE], folder)
        with tarfile.open(os.path.join(folder, "7zip-bin-5.2.0.tgz")) as tar:
            tar.extract("package/win/ia32/7za.exe", folder)
    return exe


def cli32() -> str:
    """setuptools' cli-32.exe of the setuptools 65.5.0 wheel (pinned: what the tests expect of it is
    that build's behaviour; the environment's own setuptools may carry another build)."""
    folder = os.path.join(CACHE, f"setuptools-{SETUPTOOLS_VERSION}")
    target = os.path.join(folder, "setuptools", "cli-32.exe")
    if not os.path.exists(target):
        os.makedirs(folder, exist_ok=True)
        _run("cli-32.exe", [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                            "-d", folder, f"setuptools=={SETUPTOOLS_VERSION}"], folder)
        wheel = next(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".whl"))
        with zipfile.ZipFile(wheel) as zf:
            zf.extract("setuptools/cli-32.exe", folder)
    return target


def _mingw_folder(root: str) -> str | None:
    for folder in sorted(glob.glob(os.path.join(root, MINGW_GLOB)), reverse=True):
        if all(os.path.exists(os.path.join(folder, d)) for d in MINGW_DLLS):
            return folder
    return None


def mingw_runtime() -> str:
    """The folder holding libstdc++-6.dll and libgcc_s_dw2-1.dll."""
    found = _mingw_folder("/") or _mingw_folder(os.path.join(CACHE, MINGW_PACKAGE))
    if found:
        return found
    cache = os.path.join(CACHE, MINGW_PACKAGE)
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        try:
            _run(MINGW_PACKAGE, ["apt-get", "download", MINGW_PACKAGE], work)
        except FetchError:
            _run(MINGW_PACKAGE, ["apt-get", "update", "-qq"], work)
            _run(MINGW_PACKAGE, ["apt-get", "download", MINGW_PACKAGE], work)
        debs = glob.glob(os.path.join(work, "*.deb"))
        if not debs:
            raise FetchError(MINGW_PACKAGE, "apt-get download left no .deb")
        _run(MINGW_PACKAGE, ["dpkg-deb", "-x", debs[0], cache], work)
    found = _mingw_folder(cache)
    if not found:
        raise FetchError(MINGW_PACKAGE, f"the package has no {', '.join(MINGW_DLLS)} under {MINGW_GLOB}")
    return found


ITEMS = {"7za.exe": sevenza, "cli-32.exe": cli32, "mingw-runtime": mingw_runtime}


def require(name: str) -> str:
    """For tests: the item's path, fetched if missing.  A failed fetch fails the test with the reason."""
    import pytest
    try:
        return ITEMS[name]()
    except FetchError as e:
        where = "offline: " if e.offline else ""
        pytest.fail(f"{where}{e} (fetch it with `python -m tests.fetch` while online; cache: {CACHE})",
                    pytrace=False)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    status = 0
    for name, fetch in ITEMS.items():
        if "--list" in argv:
            print(f"{name}: cache {CACHE}")
            continue
        try:
            print(f"{name}: {fetch()}")
        except FetchError as e:
            print(f"tests.fetch: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
