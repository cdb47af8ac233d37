#!/usr/bin/env python3
"""Writes the malformed images into samples/bin/bad/, derived from the built
binaries by byte edits (rerunnable; run samples/build.sh first, which also
calls this script).

  notpe.exe      a text file, no MZ header at all
  truncated.exe  hello.exe cut to its first 300 bytes (ends inside the PE
                 headers: in the middle of the optional header's data
                 directories, before the section table)
  badsig.exe     hello.exe with the "PE\\0\\0" signature changed to "PX\\0\\0"
  badalign.exe   hello.exe with OptionalHeader.FileAlignment set to 3
                 (not a power of two, below 512: Windows rejects it with
                 STATUS_INVALID_IMAGE_FORMAT)

bin/bad/x64.exe (a real PE32+ x86-64 program) is compiled by build.sh and is
not touched here. bin/sampledll.dll serves as "a DLL given as the program".
"""
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = HERE / "bin"
BAD = BIN / "bad"

NOTPE_TEXT = (
    "This is not a Windows program.\n"
    "It is a plain text file named notpe.exe, used to check that the loader\n"
    "refuses files without an MZ header.\n"
)


def pe_offsets(data: bytes) -> tuple[int, int]:
    """(offset of the PE signature, offset of the optional header)."""
    if data[:2] != b"MZ":
        raise SystemExit("make_bad.py: hello.exe has no MZ header")
    e_lfanew = struct.unpack_from("<I", data, 0x3C)[0]
    if data[e_lfanew:e_lfanew + 4] != b"PE\0\0":
        raise SystemExit("make_bad.py: hello.exe has no PE signature")
    return e_lfanew, e_lfanew + 4 + 20


def main() -> int:
    hello_path = BIN / "hello.exe"
    if not hello_path.is_file():
        print(f"make_bad.py: {hello_path} is missing: run samples/build.sh first",
              file=sys.stderr)
        return 1
    hello = hello_path.read_bytes()
    sig, opt = pe_offsets(hello)
    if struct.unpack_from("<H", hello, opt)[0] != 0x10B:
        raise SystemExit("make_bad.py: hello.exe is not PE32")
    BAD.mkdir(parents=True, exist_ok=True)

    out = {}
    out["notpe.exe"] = NOTPE_TEXT.encode("ascii")

    assert 300 < opt + 0xE0 + 40, "truncated.exe would not end inside the headers"
    out["truncated.exe"] = hello[:300]

    b = bytearray(hello)
    b[sig + 1] = ord("X")                       # "PE\0\0" -> "PX\0\0"
    out["badsig.exe"] = bytes(b)

    b = bytearray(hello)
    struct.pack_into("<I", b, opt + 36, 3)      # OptionalHeader.FileAlignment
    out["badalign.exe"] = bytes(b)

    for name, data in out.items():
        (BAD / name).write_bytes(data)
        print(f"  BAD  bin/bad/{name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
