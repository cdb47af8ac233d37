"""securitybaseapi.h GetTokenInformation and sddl.h ConvertSidToStringSidW/A, for the token of
securitybaseapi.py: the interactive standard user of the machine (the SID whose profile the registry's
ProfileList names, kernel/cm/registry.py USER_SID), a primary token of session 1, UAC-filtered (not
elevated, TokenElevationTypeLimited, medium integrity S-1-16-8192), its privileges as that module keeps
them.

GetTokenInformation writes the structure with its pointers aimed inside the caller's buffer (as Windows
does); a buffer too small fails with ERROR_INSUFFICIENT_BUFFER and *ReturnLength the size needed; a class
not listed here fails with ERROR_INVALID_PARAMETER (known difference: Windows knows them all)."""
from __future__ import annotations

import struct

from kernel.cm.registry import USER_SID

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, PVOID
from .securitybaseapi import SE_PRIVILEGE_ENABLED, Token

ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_SID = 6, 87, 122, 1337
TokenUser, TokenGroups, TokenPrivileges, TokenOwner, TokenPrimaryGroup = 1, 2, 3, 4, 5
TokenType, TokenSessionId, TokenElevationType, TokenElevation, TokenIntegrityLevel = 8, 12, 18, 20, 25
TokenPrimary, TokenElevationTypeLimited = 1, 3
SE_GROUP_INTEGRITY = 0x20
MEDIUM_INTEGRITY_SID = "S-1-16-8192"
SESSION_ID = 1


def sid_bytes(text: str) -> bytes:
    """The binary SID of "S-1-<authority>-<sub>...": revision 1, count, a 48-bit big-endian authority."""
    parts = text.split("-")
    authority, subs = int(parts[2]), [int(p) for p in parts[3:]]
    return struct.pack("<BB", 1, len(subs)) + authority.to_bytes(6, "big") + struct.pack(f"<{len(subs)}I", *subs)


def sid_text(data: bytes) -> str | None:
    """The string form of a binary SID, or None when it is not one (revision 1, at most 15 parts)."""
    if len(data) < 8 or data[0] != 1 or data[1] > 15 or len(data) < 8 + 4 * data[1]:
        return None
    subs = struct.unpack_from(f"<{data[1]}I", data, 8)
    return "-".join(["S-1", str(int.from_bytes(data[2:8], "big"))] + [str(s) for s in subs])


def _primary_group() -> str:
    return USER_SID.rsplit("-", 1)[0] + "-513"              # the machine's "None" group (Domain Users' RID)


def _token_information(token: Token, info_class: int, at: int) -> bytes | None:
    """The bytes of one class, laid out for the buffer at `at` (pointers inside it); None: unknown."""
    def sid_and_attributes(sid: str, attributes: int) -> bytes:
        return struct.pack("<II", at + 8, attributes) + sid_bytes(sid)
    if info_class == TokenUser:
        return sid_and_attributes(USER_SID, 0)
    if info_class == TokenOwner:
        return struct.pack("<I", at + 4) + sid_bytes(USER_SID)
    if info_class == TokenPrimaryGroup:
        return struct.pack("<I", at + 4) + sid_bytes(_primary_group())
    if info_class == TokenIntegrityLevel:
        return sid_and_attributes(MEDIUM_INTEGRITY_SID, SE_GROUP_INTEGRITY)
    if info_class == TokenPrivileges:
        entries = sorted(token.privileges.items())
        return struct.pack("<I", len(entries)) + b"".join(
            struct.pack("<IiI", luid, 0, SE_PRIVILEGE_ENABLED if enabled else 0) for luid, enabled in entries)
    if info_class == TokenType:
        return struct.pack("<I", TokenPrimary)
    if info_class == TokenSessionId:
        return struct.pack("<I", SESSION_ID)
    if info_class == TokenElevationType:
        return struct.pack("<I", TokenElevationTypeLimited)
    if info_class == TokenElevation:
        return struct.pack("<I", 0)
    return None


@export
@probe
def GetTokenInformation(ctx, TokenHandle: HANDLE, TokenInformationClass: DWORD, TokenInformation: PVOID,
                        TokenInformationLength: DWORD, ReturnLength: PVOID) -> BOOL:
    entry = ctx.process.handles.entries.get(TokenHandle & ~3)
    if entry is None or not isinstance(entry.obj, Token):
        ctx.set_last_error(ERROR_INVALID_HANDLE)
        return 0
    data = _token_information(entry.obj, TokenInformationClass, TokenInformation)
    if data is None:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    ctx.write_u32(ReturnLength, len(data))
    if TokenInformationLength < len(data):
        ctx.set_last_error(ERROR_INSUFFICIENT_BUFFER)
        return 0
    ctx.write(TokenInformation, data)
    return 1


def _sid_to_string(ctx, sid: int, out: int, wide: bool) -> int:
    from ..kernel32.winbase_mem import local_alloc
    if not sid or not out:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    head = ctx.read(sid, 8)
    text = sid_text(head + ctx.read(sid + 8, 4 * head[1]) if head[0] == 1 and head[1] <= 15 else head)
    if text is None:
        ctx.set_last_error(ERROR_INVALID_SID)
        return 0
    data = text.encode("utf-16-le") + b"\0\0" if wide else text.encode("ascii") + b"\0"
    block = local_alloc(ctx, len(data))
    ctx.write(block, data)
    ctx.write_u32(out, block)
    return 1


@export
@probe
def ConvertSidToStringSidW(ctx, Sid: PVOID, StringSid: PVOID) -> BOOL:
    """The "S-1-..." text of a SID in a LocalAlloc'd string (LocalFree it)."""
    return _sid_to_string(ctx, Sid, StringSid, True)


@export
@probe
def ConvertSidToStringSidA(ctx, Sid: PVOID, StringSid: PVOID) -> BOOL:
    return _sid_to_string(ctx, Sid, StringSid, False)
