"""The VERSIONINFO resource of a synthesized system DLL, and the .rsrc section holding it, so that
version.dll's GetFileVersionInfo on kernel32.dll & co. reads the profile's Windows version as it does on
Windows (6.1.7601.17514 for Windows 7 SP1, 5.1.2600.5512 for XP SP3: the service pack's release builds).

Layout (the formats the Windows SDK documents): VS_VERSIONINFO { VS_FIXEDFILEINFO; StringFileInfo {
"040904B0" { CompanyName, FileDescription, FileVersion, InternalName, OriginalFilename, ProductName,
ProductVersion } }; VarFileInfo { Translation 0x0409 1200 } }, each block a WORD length, WORD value
length, WORD type, a UTF-16 key and DWORD-aligned value and children; the resource directory RT_VERSION
(16) / 1 / 0x0409 -> one IMAGE_RESOURCE_DATA_ENTRY."""
from __future__ import annotations

import struct

RT_VERSION = 16
LANG_EN_US = 0x0409
VS_FFI_SIGNATURE = 0xFEEF04BD
VOS_NT_WINDOWS32 = 0x00040004
VFT_DLL = 2


def _pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def _block(key: str, value: bytes, text: bool, children: list[bytes] = ()) -> bytes:
    """One block; wLength counts it without its own trailing padding (children but the last are padded)."""
    value_length = len(value) // 2 if text else len(value)
    out = _pad(struct.pack("<HHH", 0, value_length, 1 if text else 0) + key.encode("utf-16-le") + b"\0\0")
    out += value
    if children:
        out = _pad(out) + b"".join(_pad(c) for c in children[:-1]) + children[-1]
    return struct.pack("<H", len(out)) + out[2:]


def version_info(file_name: str, version: tuple[int, int, int, int], build_lab: str) -> bytes:
    major, minor, build, revision = version
    dotted = f"{major}.{minor}.{build}.{revision}"
    fixed = struct.pack("<13I", VS_FFI_SIGNATURE, 0x00010000, major << 16 | minor, build << 16 | revision,
                        major << 16 | minor, build << 16 | revision, 0x3F, 0, VOS_NT_WINDOWS32, VFT_DLL, 0, 0, 0)
    strings = [("CompanyName", "Microsoft Corporation"), ("FileDescription", file_name),
               ("FileVersion", f"{dotted} ({build_lab.split('.', 1)[-1]})" if build_lab else dotted),
               ("InternalName", file_name.rsplit(".", 1)[0]), ("OriginalFilename", file_name),
               ("ProductName", "Microsoft\u00ae Windows\u00ae Operating System"), ("ProductVersion", dotted)]
    table = _block("040904B0", b"", True,
                   [_block(k, (v + "\0").encode("utf-16-le"), True) for k, v in strings])
    string_info = _block("StringFileInfo", b"", True, [table])
    var_info = _block("VarFileInfo", b"", True, [_block("Translation", struct.pack("<HH", LANG_EN_US, 1200), False)])
    return _block("VS_VERSION_INFO", fixed, False, [string_info, var_info])


def resource_section(rva: int, data: bytes) -> tuple[bytes, int]:
    """(.rsrc bytes at `rva`, the directory's size): RT_VERSION / 1 / en-US -> data."""
    def directory(entry_id: int, target: int) -> bytes:
        return struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", entry_id, target)
    types = directory(RT_VERSION, 0x80000000 | 24)
    names = directory(1, 0x80000000 | 48)
    langs = directory(LANG_EN_US, 72)
    entry = struct.pack("<IIII", rva + 88, len(data), 0, 0)          # three directories, the entry: 88 bytes
    return types + names + langs + entry + data, 88
