#!/usr/bin/env python3
"""Regenerate the per-profile export lists in this folder from mingw-w64's import libraries
and the Windows SDK headers' version guards.

DEVELOPMENT-TIME ONLY: nothing imports this module at run time; the emulator reads
the generated ``<profile>/<dll>.txt`` files (see ``kernel/dlls/export_lists.py``).

Layout::

    win7sp1/<dll>.txt   what Windows 7 SP1 x86's DLL exports
    xpsp3/<dll>.txt     what Windows XP SP3 x86's DLL exports
    common/<dll>.txt    redistributables (ucrtbase, vcruntime140): the same DLL on every profile

Sources, per DLL:

1. The names and calling conventions: mingw-w64's i386 import libraries (``lib<dll>.a``),
   built by dlltool from mingw-w64's ``lib32/*.def``; for ntdll also ``libntdllcrt.a`` (the C
   runtime functions ntdll exports, which mingw keeps out of ``libntdll.a``), for msvcrt
   ``libmsvcrt-os.a`` (the DLL's own export set, with its data exports and decorated C++
   names; ``libmsvcrt.a`` leaves out what mingw links statically instead). These lists follow
   the newest Windows (10/11): a superset of older versions.
2. The Windows version that introduced a name: the SDK headers (mingw-w64's copies of
   Microsoft's), preprocessed with the cross compiler twice, once for the profile's
   ``_WIN32_WINNT``/``NTDDI_VERSION`` and once for Windows 10. A name the headers declare for
   Windows 10 but not for the profile's version is not exported by the profile's DLL and is
   left out; every such name is listed in the file's header. Names the headers do not declare
   at all (undocumented internals) cannot be dated this way and are kept.
3. Rules recorded per profile (PROFILES below), each from a public fact: e.g. XP's ntdll has
   no secure (``*_s``) C runtime functions, which came with Visual C++ 2005 and reached ntdll
   in Vista.

mingw builds the import libraries with dlltool, which emits the *long* import format: one
small COFF object per export, holding

* ``.idata$6``  the hint/name entry (u16 hint + the exported name as Windows knows it),
  absent for NONAME (ordinal-only) imports, whose ``.idata$4`` holds 0x80000000|ordinal;
* ``.idata$5``  the IAT slot, labelled ``__imp_<decorated symbol>``;
* ``.text``     a ``jmp [__imp_...]`` thunk labelled ``<decorated symbol>``; data
  exports (``DATA`` in the .def) have no thunk.

The archive and its COFF members are parsed directly here (no binutils needed).
The exported name is taken from ``.idata$6``; the decorated symbol gives the
calling convention: ``_Name@N`` is stdcall with N argument bytes, ``_Name`` is
cdecl (or data), ``@Name@N`` is fastcall.

Output: one export per line, sorted by byte order::

    Name<TAB>stdcall_arg_bytes|-[<TAB>FLAGS]

FLAGS is a comma-separated subset of ``DATA`` (data export, no thunk; the second
column still carries a stdcall decoration's N if mingw decorated the symbol, as for
kernel32's InterlockedIncrement@4, which mingw marks DATA only to avoid clashing
with its inline intrinsic), ``FASTCALL`` (``@Name@N``: the second column is then
N, the total argument bytes, of which the first 8 travel in ECX/EDX), ``THISCALL`` (a C++
method: ``this`` in ECX, the second column the stack bytes the callee pops), ``NONAME=<ordinal>``
(imported by ordinal only; the name is then mingw's symbol name, not a name Windows
exports) and ``ORDINAL=<n>`` (the real DLL's ordinal of a named export, where a source
gives it). None of the current lists has NONAME entries.

Usage::

    python3 kernel/dlls/exports/generate.py [--libdir /usr/i686-w64-mingw32/lib] [--profile P] [dll ...]
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

# DLL -> its import libraries (relative to the lib directory), merged in this order.
SOURCES: dict[str, list[str]] = {
    "ntdll": ["libntdll.a", "libntdllcrt.a"],
    "kernel32": ["libkernel32.a"],
    "msvcrt": ["libmsvcrt-os.a"],
    "advapi32": ["libadvapi32.a"],
    "user32": ["libuser32.a"],
    "shell32": ["libshell32.a"],
    "shlwapi": ["libshlwapi.a"],
    "oleaut32": ["liboleaut32.a"],
    "ole32": ["libole32.a"],
    "ucrtbase": ["libucrtbase.a"],
    "winmm": ["libwinmm.a"],
    "ws2_32": ["libws2_32.a"],
    "powrprof": ["libpowrprof.a"],
    "psapi": ["libpsapi.a"],
    "version": ["libversion.a"],
}

# The redistributables: one list for every profile (folder common/). common/vcruntime140.txt is
# written by hand (mingw-w64 has no import library for it) and not touched here.
COMMON = ["ucrtbase"]

# The SDK headers whose declarations date the exports (preprocessed as one translation unit).
HEADERS = ["winsock2.h", "windows.h", "winternl.h", "shlwapi.h", "shellapi.h", "shlobj.h", "objbase.h",
           "oleauto.h", "sddl.h", "wincrypt.h", "evntprov.h", "evntrace.h", "tlhelp32.h", "psapi.h",
           "winsvc.h", "aclapi.h", "wct.h", "ntsecapi.h", "processthreadsapi.h", "winnls.h", "wincon.h",
           "powrprof.h"]
NEWEST = (0x0A00, 0x0A000000)              # _WIN32_WINNT, NTDDI_VERSION of the newest headers


def _secure_crt(name: str) -> bool:
    return name.endswith("_s") or name.endswith("_s_l")


def _secure_or_locale_crt(name: str) -> bool:
    return _secure_crt(name) or name.endswith("_l")


# ntdll names of Windows 10 that no header here dates (phnt declares them for PHNT_REDSTONE, Windows 10
# 1607): a program that looks them up with GetProcAddress must not find them on older Windows
WINDOWS10_NTDLL = {"RtlAreLongPathsEnabled"}


def _windows10_ntdll(name: str) -> bool:
    return name in WINDOWS10_NTDLL


# powrprof names mingw-w64's headers do not declare, whose documentation gives a later minimum
# client: Power(Un)RegisterSuspendResumeNotification Windows 8, the effective power mode
# notifications Windows 10 1809.
_POWRPROF_AFTER_7 = {"PowerRegisterSuspendResumeNotification", "PowerUnregisterSuspendResumeNotification",
                     "PowerRegisterForEffectivePowerModeNotifications",
                     "PowerUnregisterFromEffectivePowerModeNotifications"}


def _powrprof_after_7(name: str) -> bool:
    return name in _POWRPROF_AFTER_7


# msvcrt's decorated C++ exports (i386): mingw-w64's msvcrt.def has none of them. Source: Wine's
# dlls/msvcrt/msvcrt.spec (its i386 entries: thiscall methods, cdecl functions, vftable data).
# (name, stack argument bytes popped by the callee or None for cdecl/data, flags, profiles or None = all)
CXX = "THISCALL"
SUPPLEMENTS: dict[str, list[tuple[str, int | None, str, tuple | None]]] = {"msvcrt": [
    ("??0__non_rtti_object@@QAE@ABV0@@Z", 4, CXX, None), ("??0__non_rtti_object@@QAE@PBD@Z", 4, CXX, None),
    ("??0bad_cast@@AAE@PBQBD@Z", 4, CXX, None), ("??0bad_cast@@QAE@ABQBD@Z", 4, CXX, None),
    ("??0bad_cast@@QAE@ABV0@@Z", 4, CXX, None), ("??0bad_cast@@QAE@PBD@Z", 4, CXX, None),
    ("??0bad_typeid@@QAE@ABV0@@Z", 4, CXX, None), ("??0bad_typeid@@QAE@PBD@Z", 4, CXX, None),
    ("??0exception@@QAE@ABQBD@Z", 4, CXX, None), ("??0exception@@QAE@ABQBDH@Z", 8, CXX, ("win7sp1",)),
    ("??0exception@@QAE@ABV0@@Z", 4, CXX, None), ("??0exception@@QAE@XZ", 0, CXX, None),
    ("??1__non_rtti_object@@UAE@XZ", 0, CXX, None), ("??1bad_cast@@UAE@XZ", 0, CXX, None),
    ("??1bad_typeid@@UAE@XZ", 0, CXX, None), ("??1exception@@UAE@XZ", 0, CXX, None),
    ("??1type_info@@UAE@XZ", 0, CXX, None),
    ("??2@YAPAXI@Z", None, "", None), ("??2@YAPAXIHPBDH@Z", None, "", None), ("??3@YAXPAX@Z", None, "", None),
    ("??4__non_rtti_object@@QAEAAV0@ABV0@@Z", 4, CXX, None), ("??4bad_cast@@QAEAAV0@ABV0@@Z", 4, CXX, None),
    ("??4bad_typeid@@QAEAAV0@ABV0@@Z", 4, CXX, None), ("??4exception@@QAEAAV0@ABV0@@Z", 4, CXX, None),
    ("??8type_info@@QBEHABV0@@Z", 4, CXX, None), ("??9type_info@@QBEHABV0@@Z", 4, CXX, None),
    ("??_7__non_rtti_object@@6B@", None, "DATA", None), ("??_7bad_cast@@6B@", None, "DATA", None),
    ("??_7bad_typeid@@6B@", None, "DATA", None), ("??_7exception@@6B@", None, "DATA", None),
    ("??_E__non_rtti_object@@UAEPAXI@Z", 4, CXX, None), ("??_Ebad_cast@@UAEPAXI@Z", 4, CXX, None),
    ("??_Ebad_typeid@@UAEPAXI@Z", 4, CXX, None), ("??_Eexception@@UAEPAXI@Z", 4, CXX, None),
    ("??_Fbad_cast@@QAEXXZ", 0, CXX, None), ("??_Fbad_typeid@@QAEXXZ", 0, CXX, None),
    ("??_G__non_rtti_object@@UAEPAXI@Z", 4, CXX, None), ("??_Gbad_cast@@UAEPAXI@Z", 4, CXX, None),
    ("??_Gbad_typeid@@UAEPAXI@Z", 4, CXX, None), ("??_Gexception@@UAEPAXI@Z", 4, CXX, None),
    ("??_U@YAPAXI@Z", None, "", None), ("??_U@YAPAXIHPBDH@Z", None, "", None), ("??_V@YAXPAX@Z", None, "", None),
    ("?_query_new_handler@@YAP6AHI@ZXZ", None, "", None), ("?_query_new_mode@@YAHXZ", None, "", None),
    ("?_set_new_handler@@YAP6AHI@ZP6AHI@Z@Z", None, "", None), ("?_set_new_mode@@YAHH@Z", None, "", None),
    ("?_set_se_translator@@YAP6AXIPAU_EXCEPTION_POINTERS@@@ZP6AXI0@Z@Z", None, "", None),
    ("?before@type_info@@QBEHABV1@@Z", 4, CXX, None), ("?name@type_info@@QBEPBDXZ", 0, CXX, None),
    ("?raw_name@type_info@@QBEPBDXZ", 0, CXX, None), ("?set_new_handler@@YAP6AXXZP6AXXZ@Z", None, "", None),
    ("?set_terminate@@YAP6AXXZP6AXXZ@Z", None, "", None), ("?set_unexpected@@YAP6AXXZP6AXXZ@Z", None, "", None),
    ("?terminate@@YAXXZ", None, "", None), ("?unexpected@@YAXXZ", None, "", None),
    ("?what@exception@@UBEPBDXZ", 0, CXX, None),
]}


# ws2_32 exports the SDK headers do not date (mingw declares them unguarded); Microsoft's documentation
# gives each one's minimum supported client
WS2_32_WINDOWS_8 = {"GetHostNameW", "GetAddrInfoExCancel", "GetAddrInfoExOverlappedResult",
                    "ProcessSocketNotifications"}            # Windows 8, 8, 8, 10 (2004)
WS2_32_VISTA = {"inet_pton", "inet_ntop", "InetPtonW", "InetNtopW", "GetAddrInfoExA", "GetAddrInfoExW",
                "FreeAddrInfoEx", "FreeAddrInfoExW", "SetAddrInfoExA", "SetAddrInfoExW"}


@dataclass
class Profile:
    name: str
    description: str
    winnt: int                   # _WIN32_WINNT
    ntddi: int                   # NTDDI_VERSION
    dlls: list[str]
    # (dll, reason, predicate) rules that remove names the headers cannot date
    rules: list = field(default_factory=list)


PROFILES: dict[str, Profile] = {
    "win7sp1": Profile("win7sp1", "Windows 7 SP1 x86", 0x0601, 0x06010100,
                       ["ntdll", "kernel32", "msvcrt", "advapi32", "user32", "shell32", "shlwapi", "ole32",
                        "oleaut32", "winmm", "ws2_32", "powrprof", "psapi", "version"],
                       [("ntdll", "names of Windows 10 1607 (phnt: PHNT_REDSTONE)", _windows10_ntdll),
                        ("powrprof", "functions documented for Windows 8 or later", _powrprof_after_7),
                        ("ws2_32", "functions of Windows 8 and later (Microsoft's documentation)",
                         WS2_32_WINDOWS_8.__contains__)]),
    "xpsp3": Profile("xpsp3", "Windows XP SP3 x86", 0x0501, 0x05010300,
                     ["ntdll", "kernel32", "msvcrt", "advapi32", "user32", "shell32", "shlwapi", "ole32",
                      "oleaut32", "winmm", "ws2_32", "powrprof", "version"],
                     [("ntdll", "secure CRT functions (*_s), in ntdll from Vista on", _secure_crt),
                      ("ntdll", "names of Windows 10 1607 (phnt: PHNT_REDSTONE)", _windows10_ntdll),
                      ("msvcrt", "secure (*_s) and locale (*_l) CRT functions of Visual C++ 2005, in the system "
                                 "msvcrt.dll from Vista on", _secure_or_locale_crt),
                      ("powrprof", "functions documented for Windows 8 or later", _powrprof_after_7),
                      ("ws2_32", "functions of Vista and later (Microsoft's documentation)",
                       lambda name: name in WS2_32_VISTA or name in WS2_32_WINDOWS_8)]),
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
    thiscall: bool = False       # C++ method: this in ECX, the callee pops the stack arguments

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


def header_names(winnt: int, ntddi: int, cc: str = "i686-w64-mingw32-gcc") -> set[str]:
    """Every identifier the SDK headers (HEADERS) declare when compiled for this Windows version."""
    src = "".join(f"#include <{h}>\n" for h in HEADERS)
    out = subprocess.run([cc, "-E", "-P", f"-D_WIN32_WINNT={winnt:#06x}", f"-DWINVER={winnt:#06x}",
                          f"-DNTDDI_VERSION={ntddi:#010x}", "-x", "c", "-"],
                         input=src, capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", out))


def _wrap(prefix: str, names: list[str], width: int = 100) -> list[str]:
    if not names:
        return []
    lines, cur = [], prefix
    for n in names:
        if len(cur) + len(n) + 1 > width and cur != prefix:
            lines.append(cur.rstrip())
            cur = "#   "
        cur += n + " "
    lines.append(cur.rstrip())
    return lines


def format_list(header: list[str], dll_name: str | None, entries: list[ImportEntry]) -> str:
    lines = [f"# {h}" if h and not h.startswith("#") else h for h in header]
    lines.append(f"# dll: {dll_name or '?'}; {len(entries)} exports; "
                 "columns: name, stdcall arg bytes or '-', flags (DATA, FASTCALL, THISCALL, NONAME=<ordinal>, ORDINAL=<n>)")
    for e in entries:
        cols = [e.export_name, "-" if e.arg_bytes is None else str(e.arg_bytes)]
        flags = []
        if e.is_data:
            flags.append("DATA")
        if e.fastcall:
            flags.append("FASTCALL")
        if e.thiscall:
            flags.append("THISCALL")
        if e.ordinal is not None:
            flags.append(f"NONAME={e.ordinal}")
        if flags:
            cols.append(",".join(flags))
        lines.append("\t".join(cols))
    return "\n".join(lines) + "\n"


def read_sources(libdir: str, dll: str, log) -> tuple[str | None, list[ImportEntry], list[str]]:
    """(DLL file name, merged entries, the library paths read) of one DLL."""
    dll_name = None
    raw: list[ImportEntry] = []
    paths = []
    for i, lib in enumerate(SOURCES[dll]):
        path = os.path.join(libdir, lib)
        name, ents = read_import_library(path)
        dll_name = dll_name or name
        for e in ents:                      # keep the libraries' members apart in merge()'s order
            e.member = f"{i}:{e.member}"
        raw += ents
        paths.append(path)
    return dll_name, merge(raw, log), paths


# Corrections of the import libraries' decorations: (dll, name) -> (stack bytes, why)
CORRECTIONS = {
    ("ntdll", "_alldiv"): (16, "libntdllcrt.a lists it undecorated; like _allmul and _allrem it takes two "
                               "64-bit operands and pops them (ret 16; Wine's ntdll.spec: stdcall "
                               "_alldiv(int64 int64))"),
}


def correct(dll: str, entries: list[ImportEntry]) -> list[str]:
    """Apply CORRECTIONS in place; the header lines that say so."""
    notes = []
    for e in entries:
        fix = CORRECTIONS.get((dll, e.export_name))
        if fix is not None and e.arg_bytes != fix[0]:
            notes.append(f"correction: {e.export_name} pops {fix[0]} bytes: {fix[1]}")
            e.arg_bytes = fix[0]
    return notes


def supplement(dll: str, profile: str | None, entries: list[ImportEntry]) -> tuple[list[ImportEntry], int]:
    """`entries` plus the hand-kept SUPPLEMENTS of the DLL for the profile (sorted again)."""
    have = {e.export_name for e in entries}
    extra = [ImportEntry(name, name, nbytes, "DATA" in flags, False, None, "", "THISCALL" in flags)
             for name, nbytes, flags, profiles in SUPPLEMENTS.get(dll, [])
             if name not in have and (profiles is None or profile in profiles)]
    out = sorted(entries + extra, key=lambda e: e.export_name.encode("latin-1"))
    return out, len(extra)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--libdir", default=DEFAULT_LIBDIR)
    ap.add_argument("--outdir", default=HERE)
    ap.add_argument("--profile", action="append", choices=list(PROFILES),
                    help="default: every profile (and the common lists)")
    ap.add_argument("dlls", nargs="*", help=f"default: {' '.join(SOURCES)}")
    args = ap.parse_args(argv)
    version = mingw_version(args.libdir)
    wanted = set(args.dlls or SOURCES)
    log = lambda m: print(m, file=sys.stderr)
    newest = header_names(*NEWEST)
    jobs = []                                              # (folder, dll, profile or None)
    if not args.profile:
        jobs += [("common", dll, None) for dll in COMMON if dll in wanted]
    for pname in args.profile or list(PROFILES):
        prof = PROFILES[pname]
        jobs += [(pname, dll, prof) for dll in prof.dlls if dll in wanted]
    dated: dict[str, set[str]] = {}
    for folder, dll, prof in jobs:
        dll_name, entries, paths = read_sources(args.libdir, dll, log)
        header = [f"generated by generate.py (mingw-w64 {version})",
                  "sources: " + ", ".join(paths)]
        header += correct(dll, entries)
        entries, n_extra = supplement(dll, prof.name if prof else None, entries)
        if n_extra:
            header.append(f"plus {n_extra} decorated C++ exports mingw-w64 lacks, from Wine's dlls/{dll}/{dll}.spec "
                          "(generate.py SUPPLEMENTS)")
        if prof is None:
            header.append("a redistributable: the same list on every profile")
        else:
            if prof.name not in dated:
                dated[prof.name] = header_names(prof.winnt, prof.ntddi)
            have = dated[prof.name]
            later = sorted(e.export_name for e in entries if e.export_name in newest and e.export_name not in have)
            header.append(f"profile {prof.name} ({prof.description}): the names above, less those the SDK headers "
                          f"declare for Windows 10 (_WIN32_WINNT {NEWEST[0]:#06x}) but not for _WIN32_WINNT "
                          f"{prof.winnt:#06x} / NTDDI_VERSION {prof.ntddi:#010x}")
            header.append(f"headers: {' '.join(HEADERS)}")
            header.append(f"disagreement: the import libraries list {len(later)} names that the headers date "
                          "after this version (left out):")
            header += _wrap("#   ", later)
            drop = set(later)
            for rdll, reason, pred in prof.rules:
                if rdll != dll:
                    continue
                ruled = sorted(e.export_name for e in entries if pred(e.export_name) and e.export_name not in drop)
                header.append(f"rule: left out {len(ruled)} {reason}:")
                header += _wrap("#   ", ruled)
                drop |= set(ruled)
            undated = sum(1 for e in entries if e.export_name not in newest and e.export_name not in drop)
            header.append(f"kept {undated} names the headers do not declare (undocumented; not dated by this source)")
            entries = [e for e in entries if e.export_name not in drop]
        os.makedirs(os.path.join(args.outdir, folder), exist_ok=True)
        out = os.path.join(args.outdir, folder, f"{dll}.txt")
        with open(out, "w", newline="\n") as f:
            f.write(format_list(header, dll_name, entries))
        n_data = sum(e.is_data for e in entries)
        print(f"{folder:8} {dll:14} {dll_name or '?':22} {len(entries):5} exports ({n_data} data)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
