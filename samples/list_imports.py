#!/usr/bin/env python3
"""Lists the imports (DLL!function, DLL!#ordinal for imports by ordinal) of
every .exe/.dll in samples/bin and samples/bin/bad, plus exports for DLLs and
a one-line header (machine, PE32/PE32+, subsystem, EXE/DLL, image base).

  python3 samples/list_imports.py            Markdown-friendly listing
  python3 samples/list_imports.py --check    also verify the build (machine,
                                             subsystem, allowed DLLs, TLS,
                                             relocations, missing pieces);
                                             exit 1 on any problem

Needs pefile.
"""
import struct
import sys
from pathlib import Path

import pefile

HERE = Path(__file__).resolve().parent
BIN = HERE / "bin"

SYSTEM_DLLS = {"kernel32.dll", "msvcrt.dll"}
OUR_DLLS = {"sampledll.dll", "sampledll2.dll", "relocA.dll", "relocB.dll",
            "failinit.dll"}
# DLLs a binary may import beyond kernel32/msvcrt (lower-case names)
EXTRA_ALLOWED = {
    "ucrt_hello.exe": {f"api-ms-win-crt-{n}-l1-1-0.dll" for n in (
        "heap", "locale", "runtime", "stdio", "utility", "environment", "math", "string", "convert")},
    "ucrt_more.exe": {f"api-ms-win-crt-{n}-l1-1-0.dll" for n in (
        "heap", "locale", "runtime", "stdio", "utility", "environment", "math", "string", "convert",
        "multibyte")},
    "ucrt_cxx.exe": {f"api-ms-win-crt-{n}-l1-1-0.dll" for n in (
        "heap", "locale", "runtime", "stdio", "utility", "environment", "math", "string", "convert",
        "multibyte", "private", "time")},
    "ucrt_aligned.exe": {f"api-ms-win-crt-{n}-l1-1-0.dll" for n in (
        "heap", "locale", "runtime", "stdio", "math", "string", "environment")},
    "ntdllcrt.exe": {"ntdll.dll"},
    "winsock.exe": {"ws2_32.dll"},
    "sysmisc.exe": {"psapi.dll"},
    "dllmain.exe": {"sampledll.dll"},
    "verinfo.exe": {"version.dll"},
    "msvcsys.exe": {"advapi32.dll"},
    "threads.exe": {"sampledll.dll"},
    "cxx.exe": {"cxxlib.dll", "libgcc_s_dw2-1.dll", "libstdc++-6.dll"},
    "cxxlib.dll": {"libgcc_s_dw2-1.dll", "libstdc++-6.dll"},
    "sampledll2.dll": {"sampledll.dll"},
    "reloc.exe": {"reloca.dll", "relocb.dll"},
    "missingdll.exe": {"ghost.dll"},
    "missingordinal.exe": {"sampledll.dll"},
    "dllmainfalse.exe": {"failinit.dll"},
    "observe.exe": {"ntdll.dll"},
    "registry.exe": {"advapi32.dll"},
    "rtapis.exe": {"winmm.dll", "ws2_32.dll"},
    "shlwapi.exe": {"shlwapi.dll"},
    "shellmisc.exe": {"user32.dll", "shell32.dll", "ole32.dll", "oleaut32.dll"},
    "version.exe": {"shell32.dll"},
}

MACHINES = {0x14C: "i386", 0x8664: "x86-64"}
SUBSYSTEMS = {2: "GUI", 3: "console"}


def binaries() -> list[Path]:
    files = sorted(p for p in BIN.iterdir() if p.suffix.lower() in (".exe", ".dll"))
    bad = BIN / "bad"
    if bad.is_dir():
        files += sorted(p for p in bad.iterdir() if p.suffix.lower() in (".exe", ".dll"))
    return files


def load(path: Path):
    try:
        return pefile.PE(str(path)), None
    except pefile.PEFormatError as e:
        return None, str(e.value if hasattr(e, "value") else e)


def imports(pe) -> list[tuple[str, str]]:
    out = []
    for d in getattr(pe, "DIRECTORY_ENTRY_IMPORT", []):
        dll = d.dll.decode("ascii", "replace")
        for imp in d.imports:
            name = imp.name.decode("ascii", "replace") if imp.name else f"#{imp.ordinal}"
            out.append((dll, name))
    return out


def exports(pe) -> list[tuple[int, str]]:
    exp = getattr(pe, "DIRECTORY_ENTRY_EXPORT", None)
    if not exp:
        return []
    return [(s.ordinal, s.name.decode("ascii", "replace") if s.name else "(no name)")
            for s in exp.symbols]


def describe(pe) -> str:
    fh, oh = pe.FILE_HEADER, pe.OPTIONAL_HEADER
    kind = "DLL" if fh.Characteristics & 0x2000 else "EXE"
    fmt = {0x10B: "PE32", 0x20B: "PE32+"}.get(oh.Magic, hex(oh.Magic))
    return (f"{MACHINES.get(fh.Machine, hex(fh.Machine))}, {fmt}, "
            f"{SUBSYSTEMS.get(oh.Subsystem, oh.Subsystem)}, {kind}, "
            f"base 0x{oh.ImageBase:08x}")


def listing() -> None:
    for path in binaries():
        rel = path.relative_to(BIN).as_posix()
        pe, err = load(path)
        if pe is None:
            print(f"{rel}: not a PE image ({err})")
            print()
            continue
        print(f"{rel} ({describe(pe)})")
        imps = imports(pe)
        if not imps:
            print("  imports: (none found)")
        for dll, name in imps:
            print(f"  {dll}!{name}")
        for ordinal, name in exports(pe):
            print(f"  export @{ordinal} {name}")
        print()


# --------------------------------------------------------------------------
# --check

def tls_info(pe):
    """(template bytes, [callback VAs]) or None."""
    tls = getattr(pe, "DIRECTORY_ENTRY_TLS", None)
    if not tls:
        return None
    s = tls.struct
    base = pe.OPTIONAL_HEADER.ImageBase
    start, end = s.StartAddressOfRawData, s.EndAddressOfRawData
    template = pe.get_data(start - base, end - start)
    callbacks = []
    va = s.AddressOfCallBacks
    while va:
        cb = struct.unpack("<I", pe.get_data(va - base, 4))[0]
        if not cb:
            break
        callbacks.append(cb)
        va += 4
    return template, callbacks


def check() -> int:
    problems = []

    def bad(msg):
        problems.append(msg)
        print("PROBLEM:", msg)

    names = {p.relative_to(BIN).as_posix() for p in binaries()}
    expected = {
        "hello.exe", "args.exe", "pebwalk.exe", "tls.exe", "dllmain.exe",
        "sampledll.dll", "sampledll2.dll", "reloc.exe", "relocA.dll",
        "relocB.dll", "cpuloop.exe", "callbench.exe", "threads.exe", "deadlock.exe", "seh.exe", "unhandled.exe", "spawn.exe", "spawnmany.exe", "cpufaults.exe", "stackoverflow.exe", "pingpong.exe", "heaptime.exe", "cxx.exe", "cxxlib.dll", "forever.exe", "unsupported.exe",
        "fault.exe", "missingdll.exe", "missingname.exe", "missingordinal.exe",
        "crtio.exe", "crtmisc.exe", "codepages.exe", "ucrt_hello.exe", "sync.exe", "deadlock2.exe",
        "fls.exe", "ctrlc.exe", "shlwapi.exe", "version.exe", "ucrt_more.exe", "msvcsys.exe", "verinfo.exe", "delayload.exe", "ucrt_cxx.exe",
        "dllmainfalse.exe", "failinit.dll", "observe.exe", "bad/notpe.exe", "bad/truncated.exe",
        "bad/badsig.exe", "bad/x64.exe", "bad/badalign.exe",
        "files.exe", "registry.exe",
        "shellmisc.exe", "lenient.exe", "rtapis.exe", "ntdllcrt.exe",
        "crtextra.exe", "ucrt_aligned.exe", "winsock.exe", "console.exe", "sysmisc.exe", "conin.exe",
        "ldrstate.exe",
    }
    for n in sorted(expected - names):
        bad(f"{n} is missing")
    for n in sorted(names - expected):
        bad(f"unexpected file {n}")
    if (BIN / "ghost.dll").exists():
        bad("ghost.dll must not be in samples/bin")

    for path in binaries():
        rel = path.relative_to(BIN).as_posix()
        if rel == "bad/truncated.exe":
            # pefile is lenient and parses it; it must end inside the headers
            data = path.read_bytes()
            hello = (BIN / "hello.exe").read_bytes()
            lfanew = struct.unpack_from("<I", hello, 0x3C)[0]
            size_of_headers = struct.unpack_from("<I", hello, lfanew + 24 + 60)[0]
            nsect = struct.unpack_from("<H", hello, lfanew + 6)[0]
            sect_end = lfanew + 24 + struct.unpack_from("<H", hello, lfanew + 20)[0] + 40 * nsect
            if len(data) != 300 or not len(data) < min(size_of_headers, sect_end) \
                    or data != hello[:300]:
                bad(f"{rel}: not hello.exe cut inside its headers")
            continue
        if rel in ("bad/notpe.exe", "bad/badsig.exe"):
            pe, err = load(path)
            if pe is not None:
                bad(f"{rel}: pefile parses it, expected a broken image")
            continue
        if rel == "bad/badalign.exe":
            data = path.read_bytes()
            lfanew = struct.unpack_from("<I", data, 0x3C)[0]
            if struct.unpack_from("<I", data, lfanew + 24 + 36)[0] != 3:
                bad(f"{rel}: FileAlignment is not 3")
            continue
        pe, err = load(path)
        if pe is None:
            bad(f"{rel}: not a PE image ({err})")
            continue
        fh, oh = pe.FILE_HEADER, pe.OPTIONAL_HEADER
        is_dll = bool(fh.Characteristics & 0x2000)
        if rel == "bad/x64.exe":
            if fh.Machine != 0x8664 or oh.Magic != 0x20B:
                bad(f"{rel}: not a PE32+ x86-64 image")
        elif fh.Machine != 0x14C or oh.Magic != 0x10B:
            bad(f"{rel}: machine {fh.Machine:#x} magic {oh.Magic:#x}, want i386 PE32")
        if oh.Subsystem != 3:
            bad(f"{rel}: subsystem {oh.Subsystem}, want 3 (console)")
        if is_dll != rel.endswith(".dll"):
            bad(f"{rel}: IMAGE_FILE_DLL flag is {is_dll}")
        if pe.get_warnings():
            bad(f"{rel}: pefile warnings: {pe.get_warnings()}")
        allowed = SYSTEM_DLLS | EXTRA_ALLOWED.get(path.name.lower(), set())
        imps = imports(pe)
        for dll in sorted({d.lower() for d, _ in imps}):
            if dll not in allowed:
                bad(f"{rel}: imports from {dll}")
        if not imps:
            bad(f"{rel}: no imports found")

        name = path.name
        if name == "pebwalk.exe":
            # the CRT imports these anyway; pebwalk's own code must not
            pass
        if name == "tls.exe":
            info = tls_info(pe)
            if not info:
                bad("tls.exe: no TLS directory")
            else:
                template, callbacks = info
                if struct.pack("<I", 0x1234) not in template:
                    bad("tls.exe: 0x1234 not in the TLS template")
                if len(callbacks) != 4:
                    bad(f"tls.exe: {len(callbacks)} TLS callbacks, want 4 "
                        "(ours, mingw's two, ours)")
            if any(n.startswith("__emutls") for _, n in imports(pe)):
                bad("tls.exe uses emutls")
        if name == "missingname.exe" and ("kernel32.dll", "NoSuchFunctionAnywhere") not in \
                {(d.lower(), n) for d, n in imps}:
            bad("missingname.exe does not import kernel32!NoSuchFunctionAnywhere")
        if name == "missingordinal.exe" and ("sampledll.dll", "#999") not in \
                {(d.lower(), n) for d, n in imps}:
            bad("missingordinal.exe does not import sampledll.dll!#999")
        if name == "missingdll.exe" and "ghost.dll" not in {d.lower() for d, _ in imps}:
            bad("missingdll.exe does not import ghost.dll")
        if name == "sampledll.dll":
            ords = {o for o, _ in exports(pe)}
            if 999 in ords:
                bad("sampledll.dll exports ordinal 999")
            if {n for _, n in exports(pe)} != {"add_numbers", "get_counter", "sample_counter"}:
                bad(f"sampledll.dll exports {exports(pe)}")
        if name in ("relocA.dll", "relocB.dll"):
            if oh.ImageBase != 0x10000000:
                bad(f"{name}: image base {oh.ImageBase:#x}")
            if not getattr(pe, "DIRECTORY_ENTRY_BASERELOC", None):
                bad(f"{name}: no base relocations")
            if not any(s.Name.rstrip(b"\0") == b".reloc" for s in pe.sections):
                bad(f"{name}: no .reloc section")

    print(f"check: {len(problems)} problem(s)")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if "--check" in argv:
        listing()
        return check()
    listing()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
