#!/usr/bin/env python3
"""Regenerate the export name lists in this folder from mingw-w64's import libraries.

DEVELOPMENT-TIME ONLY: nothing imports this module at run time; the emulator reads
the generated ``<dll>.txt`` files (see ``kernel/dlls/export_lists.py``).

mingw-w64 builds its i386 import libraries (``lib<dll>.a``) with dlltool from its
``lib32/*.def`` files, which record the real Windows exports. dlltool emits the
*long* import format: one small COFF object per export, holding

* ``.idata$6``  the hint/name entry (u16 hint + the exported name as Windows knows it),
  absent for NONAME (ordinal-only) imports, whose ``.idata$4`` holds 0x80000000|ordinal;
* ``.idata$5``  the IAT slot, labelled ``__imp_<decorated symbol>``;
* ``.text``     a ``jmp [__imp_...]`` thunk labelled ``<decorated symbol>``; data
  exports (``DATA`` in the .def) have no thunk.

The archive and its COFF members are parsed directly here (no binutils needed).
The exported name is taken from ``.idata$6``; the decorated symbol gives the
calling convention: ``_Name@N`` is stdcall with N argument bytes, ``_Name`` is
cdecl (or data), ``@Name@N`` is fastcall.

Output: one ``<dll>.txt`` per DLL, one export per line, sorted by byte order::

    Name<TAB>stdcall_arg_bytes|-[<TAB>FLAGS]

FLAGS is a comma-separated subset of ``DATA`` (data export, no thunk; the second
column still carries a stdcall decoration's N if mingw decorated the symbol, as for
kernel32's InterlockedIncrement@4, which mingw marks DATA only to avoid clashing
with its inline intrinsic), ``FASTCALL`` (``@Name@N``: the second column is then
N, the total argument bytes, of which the first 8 travel in ECX/EDX) and ``NONAME`` (imported by
ordinal only, written ``NONAME=<ordinal>``; the name is then mingw's symbol name,
not a name Windows exports). None of the current lists has NONAME entries.

Usage::

    python3 kernel/dlls/exports/generate.py [--libdir /usr/i686-w64-mingw32/lib] [dll ...]
"""

from __future__ import annotations

import argparse
import os
import re
import struct
import subprocess
import sys
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_LIBDIR = "/usr/i686-w64-mingw32/lib"

# DLL -> import library file name (relative to the lib directory).
DLLS: dict[str, str] = {
    "ntdll": "libntdll.a",
    "kernel32": "libkernel32.a",
    "kernelbase": "libkernelbase.a",
    "msvcrt": "libmsvcrt.a",
    "advapi32": "libadvapi32.a",
    "user32": "libuser32.a",
    "shell32": "libshell32.a",
    "shlwapi": "libshlwapi.a",
    "oleaut32": "liboleaut32.a",
    "ole32": "libole32.a",
    "ucrtbase": "libucrtbase.a",
    "vcruntime140": "libvcruntime140.a",
}

IMAGE_FILE_MACHINE_I386 = 0x14C
IMAGE_SYM_CLASS_EXTERNAL = 2


# --------------------------------------------------------------------------- ar

def iter_ar_members(data: bytes):
    """Yield (member_name, member_bytes) of a System V / GNU ``ar`` archive."""
    if not data.startswith(b"!<arch>\n"):
        raise ValueError("not an ar archive")
    pos = 8
    longnames = b""
    while pos + 60 <= len(data):
        hdr = data[pos:pos + 60]
        if hdr[58:60] != b"`\n":
            raise ValueError(f"bad ar member header at {pos:#x}")
        raw_name = hdr[0:16].decode("ascii").rstrip()
        size = int(hdr[48:58].decode("ascii").strip())
        body = data[pos + 60:pos + 60 + size]
        pos += 60 + size + (size & 1)
        if raw_name == "/" or raw_name == "/SYM64/":
            continue                                  # armap
        if raw_name == "//":
            longnames = body
            continue
        if raw_name.startswith("/") and raw_name[1:].isdigit():
            off = int(raw_name[1:])
            end = longnames.index(b"\n", off)
            name = longnames[off:end].decode("ascii").rstrip("/")
        else:
            name = raw_name.rstrip("/")
        yield name, body


# ------------------------------------------------------------------------- COFF

@dataclass
class CoffSection:
    name: str
    data: bytes


@dataclass
class CoffSymbol:
    name: str
    value: int
    section: int          # 1-based section number; 0 = undefined
    storage_class: int


@dataclass
class CoffObject:
    machine: int
    sections: list[CoffSection] = field(default_factory=list)
    symbols: list[CoffSymbol] = field(default_factory=list)

    def section(self, name: str) -> CoffSection | None:
        for s in self.sections:
            if s.name == name:
                return s
        return None


def parse_coff(obj: bytes) -> CoffObject | None:
    if len(obj) < 20:
        return None
    (machine, nsects, _ts, symptr, nsyms, optsize, _ch) = struct.unpack_from("<HHIIIHH", obj, 0)
    if machine != IMAGE_FILE_MACHINE_I386:
        return None
    strtab_off = symptr + 18 * nsyms
    strtab = obj[strtab_off:] if symptr else b""

    def strtab_name(off: int) -> str:
        end = strtab.index(b"\0", off)
        return strtab[off:end].decode("latin-1")

    co = CoffObject(machine)
    shdr = 20 + optsize
    for i in range(nsects):
        (rawname, _vs, _va, rawsize, rawptr) = struct.unpack_from("<8sIIII", obj, shdr + 40 * i)
        name = rawname.rstrip(b"\0").decode("latin-1")
        if name.startswith("/") and name[1:].isdigit():
            name = strtab_name(int(name[1:]))
        body = obj[rawptr:rawptr + rawsize] if rawptr else b""
        co.sections.append(CoffSection(name, body))
    i = 0
    while i < nsyms:
        off = symptr + 18 * i
        rawname = obj[off:off + 8]
        value, secnum, _type, sclass, naux = struct.unpack_from("<IhHBB", obj, off + 8)
        if rawname[:4] == b"\0\0\0\0":
            name = strtab_name(struct.unpack_from("<I", rawname, 4)[0])
        else:
            name = rawname.rstrip(b"\0").decode("latin-1")
        co.symbols.append(CoffSymbol(name, value, secnum, sclass))
        i += 1 + naux
    return co


# ----------------------------------------------------------------------- import

@dataclass
class ImportEntry:
    export_name: str        # the name Windows exports (or mingw's symbol for NONAME)
    symbol: str             # decorated C-level symbol, e.g. "_GetProcAddress@8"
    arg_bytes: int | None   # stdcall/fastcall argument bytes; None = cdecl/data/unknown
    is_data: bool
    fastcall: bool = False
    ordinal: int | None = None   # set for NONAME (ordinal-only) imports
    member: str = ""

    @property
    def is_alias(self) -> bool:
        return self.ordinal is None and undecorate(self.symbol)[0] != self.export_name


_STDCALL = re.compile(r"^_(?P<n>.+)@(?P<b>\d+)$")
_FASTCALL = re.compile(r"^@(?P<n>.+)@(?P<b>\d+)$")


def undecorate(symbol: str) -> tuple[str, int | None, bool]:
    """``_Name@N`` -> (Name, N, False); ``@Name@N`` -> (Name, N, True); ``_Name`` -> (Name, None, False)."""
    m = _STDCALL.match(symbol)
    if m:
        return m["n"], int(m["b"]), False
    m = _FASTCALL.match(symbol)
    if m:
        return m["n"], int(m["b"]), True
    if symbol.startswith("_"):
        return symbol[1:], None, False
    return symbol, None, False           # e.g. C++ mangled "??2@YAPAXI@Z"


def import_entry(member: str, co: CoffObject) -> ImportEntry | None:
    """Decode one dlltool import member; None for head/tail/static-code members."""
    idata5 = co.section(".idata$5")
    idata4 = co.section(".idata$4")
    if idata5 is None or idata4 is None:
        return None
    sect_index = {i + 1: s.name for i, s in enumerate(co.sections)}
    imp = [s for s in co.symbols
           if s.storage_class == IMAGE_SYM_CLASS_EXTERNAL and s.section > 0
           and s.name.startswith("__imp_") and sect_index.get(s.section) == ".idata$5"]
    if not imp:
        return None                      # head (``...h.o``) / tail (``...t.o``)
    if len(imp) != 1:
        raise ValueError(f"{member}: {len(imp)} __imp_ symbols")
    symbol = imp[0].name[len("__imp_"):]
    code = [s for s in co.symbols
            if s.storage_class == IMAGE_SYM_CLASS_EXTERNAL and s.section > 0
            and sect_index.get(s.section) == ".text"]
    is_data = not code
    plain, nbytes, fastcall = undecorate(symbol)

    idata6 = co.section(".idata$6")
    ordinal = None
    if idata6 is not None and len(idata6.data) > 2:
        raw = idata6.data[2:]
        export_name = raw[:raw.index(b"\0")].decode("latin-1")
    else:
        thunk = struct.unpack_from("<I", idata4.data, 0)[0] if len(idata4.data) >= 4 else 0
        if not thunk & 0x80000000:
            raise ValueError(f"{member}: neither a hint/name nor an ordinal import")
        ordinal = thunk & 0xFFFF
        export_name = plain
    # Keep the decoration's byte count for DATA members too: mingw marks a few real
    # functions DATA to keep them from clashing with its inline versions (kernel32's
    # InterlockedIncrement@4 & co.), and the count tells their real signature.
    return ImportEntry(export_name, symbol, nbytes, is_data, fastcall, ordinal, member)


def read_import_library(path: str) -> tuple[str | None, list[ImportEntry]]:
    """Return (dll file name from the tail member's .idata$7, import entries)."""
    with open(path, "rb") as f:
        data = f.read()
    dll_name = None
    entries: list[ImportEntry] = []
    for member, body in iter_ar_members(data):
        co = parse_coff(body)
        if co is None:
            continue
        ent = import_entry(member, co)
        if ent is not None:
            entries.append(ent)
            continue
        i7 = co.section(".idata$7")
        if i7 is not None and co.section(".idata$5") is not None and i7.data.rstrip(b"\0"):
            # tail member: ".idata$7" holds the DLL name string
            dll_name = i7.data.split(b"\0", 1)[0].decode("latin-1")
    return dll_name, entries


def merge(entries: list[ImportEntry], log) -> list[ImportEntry]:
    """One entry per exported name.

    * Aliases (``alias == real`` in the .def) import the same name under another
      symbol; the entry whose symbol matches the exported name wins.
    * A malformed decoration (``ExtractIconW@`` in shell32.def, next to the real
      ``ExtractIconW@12``) is a .def typo, not an export: dropped.
    * Two non-alias entries for one name (ntdll.def lists WerReportSQMEvent@12 and
      @16): the later one in .def order wins (members are numbered in .def order);
      for WerReportSQMEvent that is @16, which is what 32-bit ntdll really has.
    Every such decision is logged.
    """
    by_name: dict[str, ImportEntry] = {}
    for e in sorted(entries, key=lambda e: e.member):
        if e.symbol.endswith("@") or e.export_name.endswith("@"):
            log(f"  note: dropped malformed {e.symbol!r} (import name {e.export_name!r})")
            continue
        old = by_name.get(e.export_name)
        if old is None:
            by_name[e.export_name] = e
            continue
        keep, drop = (old, e) if (e.is_alias and not old.is_alias) else (e, old)
        if (keep.arg_bytes, keep.is_data, keep.fastcall) != (drop.arg_bytes, drop.is_data, drop.fastcall):
            log(f"  note: {e.export_name}: {keep.symbol}{' DATA' if keep.is_data else ''} "
                f"kept over {drop.symbol}{' DATA' if drop.is_data else ''}")
        by_name[e.export_name] = keep
    return [by_name[k] for k in sorted(by_name, key=lambda s: s.encode("latin-1"))]


# ----------------------------------------------------------------------- output

def mingw_version(libdir: str) -> str:
    parts = []
    hdr = os.path.join(os.path.dirname(libdir.rstrip("/")), "include", "_mingw_mac.h")
    try:
        text = open(hdr).read()
        v = [re.search(rf"#define __MINGW64_VERSION_{k}\s+(\d+)", text) for k in ("MAJOR", "MINOR", "BUGFIX")]
        if all(v):
            parts.append(".".join(m.group(1) for m in v))
    except OSError:
        pass
    try:
        deb = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "mingw-w64-i686-dev"],
                             capture_output=True, text=True, check=True).stdout.strip()
        if deb:
            parts.append(f"Debian mingw-w64-i686-dev {deb}")
    except (OSError, subprocess.CalledProcessError):
        pass
    return ", ".join(parts) or "unknown version"


def format_list(lib_path: str, version: str, dll_name: str | None, entries: list[ImportEntry]) -> str:
    lines = [f"# generated by generate.py from {lib_path} (mingw-w64 {version})",
             f"# dll: {dll_name or '?'}; {len(entries)} exports; "
             "columns: name, stdcall arg bytes or '-', flags (DATA, FASTCALL, NONAME=<ordinal>)"]
    for e in entries:
        cols = [e.export_name, "-" if e.arg_bytes is None else str(e.arg_bytes)]
        flags = []
        if e.is_data:
            flags.append("DATA")
        if e.fastcall:
            flags.append("FASTCALL")
        if e.ordinal is not None:
            flags.append(f"NONAME={e.ordinal}")
        if flags:
            cols.append(",".join(flags))
        lines.append("\t".join(cols))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--libdir", default=DEFAULT_LIBDIR)
    ap.add_argument("--outdir", default=HERE)
    ap.add_argument("dlls", nargs="*", help=f"default: {' '.join(DLLS)}")
    args = ap.parse_args(argv)
    version = mingw_version(args.libdir)
    missing = []
    for dll in args.dlls or list(DLLS):
        lib = os.path.join(args.libdir, DLLS.get(dll, f"lib{dll}.a"))
        if not os.path.exists(lib):
            missing.append(f"{dll} ({lib})")
            continue
        dll_name, raw = read_import_library(lib)
        entries = merge(raw, lambda m: print(m, file=sys.stderr))
        out = os.path.join(args.outdir, f"{dll}.txt")
        with open(out, "w", newline="\n") as f:
            f.write(format_list(lib, version, dll_name, entries))
        n_data = sum(e.is_data for e in entries)
        n_std = sum(e.arg_bytes is not None and not e.fastcall and not e.is_data for e in entries)
        n_fast = sum(e.fastcall for e in entries)
        n_noname = sum(e.ordinal is not None for e in entries)
        print(f"{dll:14} {dll_name or '?':22} {len(entries):5} exports "
              f"({n_std} stdcall, {n_fast} fastcall, {n_data} data, {n_noname} noname; "
              f"{len(raw)} import members)")
    if missing:
        print("missing import libraries: " + ", ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
