"""Fetch the census corpus into a cache folder and write the survey list that `ntboot survey` reads.

    python3 corpus/fetch.py [--cache DIR]        # default: ~/.cache/ntboot-tests/corpus
    ntboot survey ~/.cache/ntboot-tests/corpus/survey.json --markdown -o docs/survey.md

Programs built from corpus/src are committed in corpus/bin (corpus/build.sh rebuilds them); the
others come from package registries with their ordinary clients, each package once: PyPI win32 wheels
(`pip download --platform win32`), npm tarballs (`npm pack`) and Debian packages (`apt-get download`).
Each program is put in a folder of its own (so that nothing else lies beside it).  Cached and
idempotent: what is there is not fetched again.  The manifest is corpus/manifest.toml."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "manifest.toml")
DEFAULT_CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                             "ntboot-tests", "corpus")


def programs() -> list[dict]:
    with open(MANIFEST, "rb") as f:
        return tomllib.load(f)["program"]


def origin(p: dict) -> str:
    for kind in ("pypi", "npm", "debian"):
        if kind in p:
            return f"{kind}: {p[kind]} {p['version']}, {p['member']}"
    return f"built from corpus/{p['source']} ({p['toolchain']})"


def _download(kind: str, package: str, version: str, cache: str) -> str:
    """The downloaded package file (wheel, .tgz or .deb), fetched once."""
    folder = os.path.join(cache, "downloads", kind, f"{package.replace('/', '_')}-{version}")
    if os.path.isdir(folder) and os.listdir(folder):
        return os.path.join(folder, sorted(os.listdir(folder))[0])
    tmp = folder + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    if kind == "pypi":
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-d", tmp,
               "--platform", "win32", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
               "--abi", "abi3", "--abi", "none", f"{package}=={version}"]
    elif kind == "npm":
        cmd = ["npm", "pack", "--silent", f"{package}@{version}"]
    else:
        cmd = ["apt-get", "download", f"{package}={version}"]
    done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=900)
    if done.returncode != 0 or not os.listdir(tmp):
        raise RuntimeError(f"{' '.join(cmd)} failed (the corpus needs PyPI, npm and Debian's archive):\n"
                           f"{done.stderr.strip()[-2000:]}")
    os.replace(tmp, folder)
    return os.path.join(folder, sorted(os.listdir(folder))[0])


def _extract(archive: str, member: str, target: str) -> None:
    tmp = target + ".part"
    if archive.endswith(".whl"):
        with zipfile.ZipFile(archive) as zf, open(tmp, "wb") as out:
            out.write(zf.read(member))
    elif archive.endswith(".tgz"):
        with tarfile.open(archive) as tar, open(tmp, "wb") as out:
            out.write(tar.extractfile(member).read())
    else:                                   # a .deb: dpkg-deb unpacks its data archive
        unpacked = archive + ".d"
        if not os.path.isdir(unpacked):
            subprocess.run(["dpkg-deb", "-x", archive, unpacked + ".part"], check=True, capture_output=True)
            os.replace(unpacked + ".part", unpacked)
        shutil.copyfile(os.path.join(unpacked, member), tmp)
    os.replace(tmp, target)


def fetch(cache: str = DEFAULT_CACHE, only=None) -> str:
    """Fetch what is missing and write CACHE/survey.json; returns its path."""
    os.makedirs(cache, exist_ok=True)
    entries = []
    for p in programs():
        if only is not None and p["name"] not in only:
            continue
        if "build" in p:
            path = os.path.join(HERE, p["build"])
        else:
            kind = next(k for k in ("pypi", "npm", "debian") if k in p)
            path = os.path.join(cache, "programs", p["name"], os.path.basename(p["member"]))
            if not os.path.exists(path):
                archive = _download(kind, p[kind], p["version"], cache)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                _extract(archive, p["member"], path)
        entries.append({"name": p["name"], "path": path, "args": p.get("args", []), "stdin": p.get("stdin", ""),
                        "expect": p.get("expect"), "source": origin(p)})
    out = os.path.join(cache, "survey.json")
    with open(out + ".part", "w", encoding="utf-8") as f:
        json.dump({"programs": entries}, f, indent=1)
    os.replace(out + ".part", out)
    return out


DOC = os.path.join(os.path.dirname(HERE), "docs", "survey.md")
SURVEY_OPTIONS = {"timeout": 5.0}          # what docs/survey.md and its test use (with 2 workers)
DOC_HEAD = """# The census corpus under `ntboot survey`

{count} real console programs (corpus/manifest.toml): built from corpus/src with MinGW-w64 gcc/g++, zig
cc/c++ and Go, and MSVC-, Go-, Rust- and MinGW-built programs taken from PyPI, npm and Debian packages.
Regenerate (tests/test_survey.py checks that this page is current):

    python3 corpus/fetch.py --write-doc        # = fetch, then ntboot survey SURVEY.json -j 2 --timeout 5 --markdown

"imports resolved": implemented (or the program's own) of all imports, the rest as stubs (a real
export without a handler), not exported, or in a DLL ntboot does not have.  "as expected": the
program ended with the exit code and output Windows gives (manifest.toml says where each expectation
comes from).  Profile: Windows 7 SP1 x86, so programs that need Windows 8 or 10 (CMake 4's subsystem
6.2, Rust's `WaitOnAddress`) are refused as Windows 7 refuses them; their expectations are what
Windows 10 prints.

"""


def write_doc(cache: str = DEFAULT_CACHE, jobs: int = 2) -> dict:
    """Fetch, survey the corpus and write docs/survey.md; returns the survey document."""
    from ntboot.survey import LocalPool, format_markdown, read_list, survey, warm
    listing = fetch(cache)
    warm()
    doc = survey(read_list(listing), executor=LocalPool(jobs), **SURVEY_OPTIONS)
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(DOC_HEAD.format(count=len(doc["programs"])) + format_markdown(doc, top=60))
    return doc


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default=DEFAULT_CACHE, help=f"cache folder (default {DEFAULT_CACHE})")
    ap.add_argument("--write-doc", action="store_true", help="then survey the corpus and write docs/survey.md")
    ns = ap.parse_args()
    if ns.write_doc:
        sys.path.insert(0, os.path.dirname(HERE))
        write_doc(ns.cache)
        print(DOC)
    else:
        print(fetch(ns.cache))
