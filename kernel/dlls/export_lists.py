"""The real export names of the Windows DLLs, per OS profile.

The lists live as package data in ``kernel/dlls/exports/<profile>/<dll>.txt`` (Windows 7 SP1:
``win7sp1``, Windows XP SP3: ``xpsp3``) and, for the redistributables that are the same DLL on
every profile (ucrtbase, vcruntime140), in ``kernel/dlls/exports/common/<dll>.txt``. They are
generated at development time by ``kernel/dlls/exports/generate.py``, whose file headers name
the sources. Each non-comment line is::

    Name<TAB>arg_bytes|-[<TAB>FLAGS]

``arg_bytes`` is N of the decorated stdcall symbol ``_Name@N`` (``-``: not decorated,
i.e. cdecl or data); FLAGS is a comma-separated subset of ``DATA``, ``FASTCALL``
(``@Name@N``), ``THISCALL`` (C++ method, N = stack bytes the callee pops),
``NONAME=<ordinal>`` and ``ORDINAL=<n>`` (the real DLL's ordinal of the name).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

__all__ = ["ExportInfo", "load_export_list", "available_export_lists", "DEFAULT_PROFILE", "PROFILES"]

_PACKAGE = "kernel.dlls"
_FOLDER = "exports"
_COMMON = "common"
DEFAULT_PROFILE = "win7sp1"
PROFILES = ("win7sp1", "xpsp3")


@dataclass(frozen=True, slots=True)
class ExportInfo:
    arg_bytes: int | None      # stdcall (or fastcall/thiscall) argument bytes; None = cdecl / undecorated
    is_data: bool = False      # data export (no thunk in the import library)
    fastcall: bool = False     # decorated @Name@N: first two dword args in ECX/EDX
    noname_ordinal: int | None = None   # ordinal-only export (name is mingw's, not Windows')
    thiscall: bool = False     # C++ method: this in ECX, the callee pops arg_bytes
    ordinal: int | None = None  # the real DLL's ordinal of this name, where a source gives it

    @property
    def is_stdcall(self) -> bool:
        return self.arg_bytes is not None and not self.fastcall and not self.is_data and not self.thiscall


def _parse(text: str, source: str) -> dict[str, ExportInfo]:
    out: dict[str, ExportInfo] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) not in (2, 3):
            raise ValueError(f"{source}:{lineno}: expected 2 or 3 tab-separated columns: {line!r}")
        name, nbytes = cols[0], cols[1]
        flags = cols[2].split(",") if len(cols) == 3 else []
        noname = ordinal = None
        is_data = fastcall = thiscall = False
        for fl in flags:
            if fl == "DATA":
                is_data = True
            elif fl == "FASTCALL":
                fastcall = True
            elif fl == "THISCALL":
                thiscall = True
            elif fl.startswith("NONAME="):
                noname = int(fl[len("NONAME="):])
            elif fl.startswith("ORDINAL="):
                ordinal = int(fl[len("ORDINAL="):])
            else:
                raise ValueError(f"{source}:{lineno}: unknown flag {fl!r}")
        out[name] = ExportInfo(None if nbytes == "-" else int(nbytes), is_data, fastcall, noname, thiscall, ordinal)
    return out


def _key(dll: str) -> str:
    key = dll.lower()
    return key[:-4] if key.endswith(".dll") else key


@functools.cache
def _load(key: str, profile: str) -> dict[str, ExportInfo]:
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    for sub in (profile, _COMMON):
        res = folder.joinpath(sub, f"{key}.txt")
        try:
            text = res.read_text(encoding="ascii")
        except FileNotFoundError:
            continue
        return _parse(text, f"exports/{sub}/{key}.txt")
    raise FileNotFoundError(f"no export list for {key!r} on profile {profile!r} "
                            f"(kernel/dlls/exports/{profile}/{key}.txt)")


def load_export_list(dll: str, profile: str = DEFAULT_PROFILE) -> dict[str, ExportInfo]:
    """Exports of ``dll`` ("kernel32", "KERNEL32.dll", ...) on ``profile`` (a profile name such
    as "win7sp1", or a profile object with a ``name``): name -> ExportInfo.

    The returned dict is shared (cached); do not modify it. Raises FileNotFoundError when the
    profile has no list for the DLL (a DLL that Windows version does not have, e.g. kernelbase
    on XP, or one nobody has listed).
    """
    name = getattr(profile, "name", profile)
    return _load(_key(dll), name)


def available_export_lists(profile: str = DEFAULT_PROFILE) -> list[str]:
    """The DLL names (lower case, no extension) that have a list on the profile."""
    name = getattr(profile, "name", profile)
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    out = set()
    for sub in (name, _COMMON):
        d = folder.joinpath(sub)
        if d.is_dir():
            out |= {p.name[:-4] for p in d.iterdir() if p.name.endswith(".txt")}
    return sorted(out)
