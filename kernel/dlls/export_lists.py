"""The real export names of the Windows DLLs, as mingw-w64's import libraries know them.

The lists live as package data in ``kernel/dlls/exports/<dll>.txt`` (generated at
development time by ``kernel/dlls/exports/generate.py``). Each non-comment line is::

    Name<TAB>arg_bytes|-[<TAB>FLAGS]

``arg_bytes`` is N of the decorated stdcall symbol ``_Name@N`` (``-``: not decorated,
i.e. cdecl or data); FLAGS is a comma-separated subset of ``DATA``, ``FASTCALL``
(``@Name@N``) and ``NONAME=<ordinal>``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

__all__ = ["ExportInfo", "load_export_list", "available_export_lists"]

_PACKAGE = "kernel.dlls"
_FOLDER = "exports"


@dataclass(frozen=True, slots=True)
class ExportInfo:
    arg_bytes: int | None      # stdcall (or fastcall) argument bytes; None = cdecl / undecorated
    is_data: bool = False      # data export (no thunk in the import library)
    fastcall: bool = False     # decorated @Name@N: first two dword args in ECX/EDX
    noname_ordinal: int | None = None   # ordinal-only export (name is mingw's, not Windows')

    @property
    def is_stdcall(self) -> bool:
        return self.arg_bytes is not None and not self.fastcall and not self.is_data


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
        noname = None
        is_data = fastcall = False
        for fl in flags:
            if fl == "DATA":
                is_data = True
            elif fl == "FASTCALL":
                fastcall = True
            elif fl.startswith("NONAME="):
                noname = int(fl[len("NONAME="):])
            else:
                raise ValueError(f"{source}:{lineno}: unknown flag {fl!r}")
        out[name] = ExportInfo(None if nbytes == "-" else int(nbytes), is_data, fastcall, noname)
    return out


@functools.cache
def load_export_list(dll: str) -> dict[str, ExportInfo]:
    """Exports of ``dll`` ("kernel32", "KERNEL32.dll", ...): name -> ExportInfo.

    The returned dict is shared (cached); do not modify it. Raises FileNotFoundError
    when no list exists for the DLL.
    """
    key = dll.lower()
    if key.endswith(".dll"):
        key = key[:-4]
    res = resources.files(_PACKAGE).joinpath(_FOLDER, f"{key}.txt")
    try:
        text = res.read_text(encoding="ascii")
    except FileNotFoundError:
        raise FileNotFoundError(f"no export list for {dll!r} (kernel/dlls/exports/{key}.txt)") from None
    return _parse(text, f"exports/{key}.txt")


def available_export_lists() -> list[str]:
    """The DLL names (lower case, no extension) that have a list."""
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".txt"))
