"""ntdll's version queries and checks: RtlGetVersion and RtlGetNtVersionNumbers (the profile's Windows
version without GetVersionEx's compatibility shims), VerSetConditionMask, RtlVerifyVersionInfo
(kernel32's VerSetConditionMask forwards here; its VerifyVersionInfoA/W use the same comparison).

The OS is the profile's (major, minor, build, VER_PLATFORM_WIN32_NT, service pack, suite mask, product
type).  A condition mask holds 3 bits per VER_* type bit (bit i of the type mask at bits 3*i..3*i+2).
The major version, minor version, service-pack major and minor present in the type mask are compared
together, in that order, as one number, with the condition of the first of them; the build number,
platform and product type each on their own; the suite mask with VER_AND (all the bits) or VER_OR (any).
A type mask of 0, or a condition mask without a condition for a requested type, is
STATUS_INVALID_PARAMETER; a comparison that fails, STATUS_REVISION_MISMATCH."""
from __future__ import annotations

import struct

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BYTE, DWORD, NTSTATUS, PULONG, PVOID, ULONGLONG, VOID
from kernel.rtl.status import STATUS

VER_MINORVERSION, VER_MAJORVERSION, VER_BUILDNUMBER, VER_PLATFORMID = 0x1, 0x2, 0x4, 0x8
VER_SERVICEPACKMINOR, VER_SERVICEPACKMAJOR, VER_SUITENAME, VER_PRODUCT_TYPE = 0x10, 0x20, 0x40, 0x80
VER_EQUAL, VER_GREATER, VER_GREATER_EQUAL, VER_LESS, VER_LESS_EQUAL, VER_AND, VER_OR = 1, 2, 3, 4, 5, 6, 7
VER_PLATFORM_WIN32_NT = 2
SIZEOF_RTL_OSVERSIONINFOEXW = 284
FREE_BUILD = 0xF0000000             # the high nibble of the build number: a free (retail) build
KNOWN_TYPES = 0xFF


def _shift(type_bit: int) -> int:
    return 3 * (type_bit.bit_length() - 1)


@export
def VerSetConditionMask(ctx, ConditionMask: ULONGLONG, TypeMask: DWORD, Condition: BYTE) -> ULONGLONG:
    """Adds `Condition` for every type bit of TypeMask (nothing for a 0 type mask or condition)."""
    condition = Condition & 7
    if not TypeMask or not condition:
        return ConditionMask
    for bit in (1 << i for i in range(8)):
        if TypeMask & bit:
            ConditionMask |= condition << _shift(bit)
    return ConditionMask & 0xFFFFFFFFFFFFFFFF


def _compare(have: tuple, want: tuple, condition: int) -> bool:
    return {VER_EQUAL: have == want, VER_GREATER: have > want, VER_GREATER_EQUAL: have >= want,
            VER_LESS: have < want, VER_LESS_EQUAL: have <= want}.get(condition, False)


def verify_version(profile, fields: dict, type_mask: int, condition_mask: int) -> str:
    """The NTSTATUS name of RtlVerifyVersionInfo for an OSVERSIONINFOEX's fields."""
    if not type_mask or type_mask & ~KNOWN_TYPES:
        return "STATUS_INVALID_PARAMETER"
    condition = {bit: (condition_mask >> _shift(bit)) & 7 for bit in (1 << i for i in range(8)) if type_mask & bit}
    if any(not c for c in condition.values()):
        return "STATUS_INVALID_PARAMETER"
    os_values = {VER_MAJORVERSION: profile.major, VER_MINORVERSION: profile.minor,
                 VER_SERVICEPACKMAJOR: profile.service_pack[0], VER_SERVICEPACKMINOR: profile.service_pack[1]}
    chain = [bit for bit in (VER_MAJORVERSION, VER_MINORVERSION, VER_SERVICEPACKMAJOR, VER_SERVICEPACKMINOR)
             if bit in condition]
    ok = True
    if chain:
        ok = _compare(tuple(os_values[b] for b in chain), tuple(fields[b] for b in chain), condition[chain[0]])
    singles = {VER_BUILDNUMBER: profile.build, VER_PLATFORMID: VER_PLATFORM_WIN32_NT,
               VER_PRODUCT_TYPE: profile.product_type}
    for bit, have in singles.items():
        if ok and bit in condition:
            ok = _compare((have,), (fields[bit],), condition[bit])
    if ok and VER_SUITENAME in condition:
        want, have = fields[VER_SUITENAME], profile.suite_mask
        if condition[VER_SUITENAME] == VER_AND:
            ok = have & want == want
        elif condition[VER_SUITENAME] == VER_OR:
            ok = bool(have & want) or not want
        else:
            ok = _compare((have,), (want,), condition[VER_SUITENAME])
    return "STATUS_SUCCESS" if ok else "STATUS_REVISION_MISMATCH"


def version_fields(ctx, info: int, wide: bool) -> dict:
    """The fields of an OSVERSIONINFOEX(A/W) the comparison reads."""
    major, minor, build, platform = struct.unpack("<IIII", ctx.read(info + 4, 16))
    tail = info + 20 + (256 if wide else 128)
    sp_major, sp_minor, suite, product, _ = struct.unpack("<HHHBB", ctx.read(tail, 8))
    return {VER_MAJORVERSION: major, VER_MINORVERSION: minor, VER_BUILDNUMBER: build, VER_PLATFORMID: platform,
            VER_SERVICEPACKMAJOR: sp_major, VER_SERVICEPACKMINOR: sp_minor, VER_SUITENAME: suite,
            VER_PRODUCT_TYPE: product}


@export
@probe
def RtlVerifyVersionInfo(ctx, VersionInfo: PVOID, TypeMask: DWORD, ConditionMask: ULONGLONG) -> NTSTATUS:
    return STATUS[verify_version(ctx.kernel.profile, version_fields(ctx, VersionInfo, True), TypeMask,
                                 ConditionMask)]


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
