"""ntdll's version queries (wdm.h / undocumented): RtlGetVersion and RtlGetNtVersionNumbers,
which report the profile's Windows version without GetVersionEx's compatibility shims."""
from __future__ import annotations

import struct

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import NTSTATUS, PULONG, PVOID, VOID

SIZEOF_RTL_OSVERSIONINFOEXW = 284
VER_PLATFORM_WIN32_NT = 2
FREE_BUILD = 0xF0000000             # the high nibble of the build number: a free (retail) build


@export
@probe
def RtlGetNtVersionNumbers(ctx, MajorVersion: PULONG, MinorVersion: PULONG, BuildNumber: PULONG) -> VOID:
    """Each pointer may be NULL; the build number carries 0xF in its top nibble (free build)."""
    p = ctx.kernel.profile
    for ptr, value in ((MajorVersion, p.major), (MinorVersion, p.minor), (BuildNumber, p.build | FREE_BUILD)):
        if ptr:
            ctx.write(ptr, struct.pack("<I", value))


@export
@probe
def RtlGetVersion(ctx, lpVersionInformation: PVOID) -> NTSTATUS:
    """RTL_OSVERSIONINFOW, and the EX fields when dwOSVersionInfoSize is the EX size; always
    STATUS_SUCCESS."""
    p = ctx.kernel.profile
    size = ctx.read_u32(lpVersionInformation)
    ctx.write(lpVersionInformation + 4, struct.pack("<IIII", p.major, p.minor, p.build, VER_PLATFORM_WIN32_NT))
    ctx.write(lpVersionInformation + 20, p.csd_version.encode("utf-16-le")[:254].ljust(256, b"\0"))
    if size == SIZEOF_RTL_OSVERSIONINFOEXW:
        ctx.write(lpVersionInformation + 276, struct.pack("<HHHBB", p.service_pack[0], p.service_pack[1],
                                                          p.suite_mask, p.product_type, 0))
    return 0
