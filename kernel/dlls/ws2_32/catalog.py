"""The protocol catalog (WSAEnumProtocols): Windows 7's four default base providers, TCP and UDP over
IPv4 and IPv6, which language runtimes enumerate at start-up (Go's internal/poll does in every
program)."""
from __future__ import annotations

import struct
import uuid

from emu.status import MemoryFault
from ...hle.registry import export
from ...hle.types import INT, LPDWORD, LPVOID
from .winsock2 import WSAEFAULT, WSANOTINITIALISED, fail, startups

WSAENOBUFS = 10055

WSAPROTOCOL_LEN = 255
SIZEOF_WSAPROTOCOL_INFOW = 628
SIZEOF_WSAPROTOCOL_INFOA = 372

TCPIP_V4 = uuid.UUID("e70f1aa0-ab8b-11cf-8ca3-00805f48a192")
TCPIP_V6 = uuid.UUID("f9eab0c0-26d4-11d0-bbbf-00aa006c34e4")
# XP1_GUARANTEED_DELIVERY|GUARANTEED_ORDER|GRACEFUL_CLOSE|EXPEDITED_DATA|IFS_HANDLES
TCP_FLAGS = 0x00020066
# XP1_CONNECTIONLESS|MESSAGE_ORIENTED|SUPPORT_BROADCAST|SUPPORT_MULTIPOINT|IFS_HANDLES
UDP_FLAGS = 0x00020609
PFL_MATCHES_PROTOCOL_ZERO = 0x8

# (name, provider, catalog id, family, sockaddr size, type, protocol, flags, message size)
CATALOG = [
    ("MSAFD Tcpip [TCP/IP]", TCPIP_V4, 1001, 2, 16, 1, 6, TCP_FLAGS, 0),
    ("MSAFD Tcpip [UDP/IP]", TCPIP_V4, 1002, 2, 16, 2, 17, UDP_FLAGS, 65527),
    ("MSAFD Tcpip [TCP/IPv6]", TCPIP_V6, 1004, 23, 28, 1, 6, TCP_FLAGS, 0),
    ("MSAFD Tcpip [UDP/IPv6]", TCPIP_V6, 1005, 23, 28, 2, 17, UDP_FLAGS, 65527),
]



def _protocol_info(entry, wide: bool) -> bytes:
    name, provider, catalog_id, family, addr_size, sock_type, protocol, flags, message = entry
    out = struct.pack("<IIIII", flags, 0, 0, 0, PFL_MATCHES_PROTOCOL_ZERO)
    out += provider.bytes_le + struct.pack("<I", catalog_id)
    out += struct.pack("<i7I", 1, *[0] * 7)                          # WSAPROTOCOLCHAIN: a base provider
    out += struct.pack("<9i", 2, family, addr_size, addr_size, sock_type, protocol, 0, 0, 0)
    out += struct.pack("<II", message, 0)
    text = name.encode("utf-16-le") if wide else name.encode("ascii")
    return out + text.ljust((WSAPROTOCOL_LEN + 1) * (2 if wide else 1), b"\0")


def enum_protocols(ctx, protocols: int, buffer: int, length: int, wide: bool) -> int:
    if not startups(ctx):
        return fail(ctx, WSANOTINITIALISED)
    if not length:
        return fail(ctx, WSAEFAULT)
    wanted = None
    if protocols:
        wanted = set()
        for i in range(WSAPROTOCOL_LEN):                          # a zero-terminated INT array
            value = ctx.read_u32(protocols + 4 * i)
            if value == 0:
                break
            wanted.add(value)
    entries = [e for e in CATALOG if wanted is None or e[6] in wanted]
    need = len(entries) * (SIZEOF_WSAPROTOCOL_INFOW if wide else SIZEOF_WSAPROTOCOL_INFOA)
    if not buffer or ctx.read_u32(length) < need:
        ctx.write(length, struct.pack("<I", need))
        return fail(ctx, WSAENOBUFS)
    ctx.write(buffer, b"".join(_protocol_info(e, wide) for e in entries))
    ctx.write(length, struct.pack("<I", need))
    return len(entries)


def _enum_protocols(ctx, protocols: int, buffer: int, length: int, wide: bool) -> int:
    """A bad pointer fails with WSAEFAULT, as Winsock reports it."""
    try:
        return enum_protocols(ctx, protocols, buffer, length, wide)
    except MemoryFault:
        return fail(ctx, WSAEFAULT)


@export
def WSAEnumProtocolsW(ctx, lpiProtocols: LPVOID, lpProtocolBuffer: LPVOID, lpdwBufferLength: LPDWORD) -> INT:
    return _enum_protocols(ctx, lpiProtocols, lpProtocolBuffer, lpdwBufferLength, True)


@export
def WSAEnumProtocolsA(ctx, lpiProtocols: LPVOID, lpProtocolBuffer: LPVOID, lpdwBufferLength: LPDWORD) -> INT:
    return _enum_protocols(ctx, lpiProtocols, lpProtocolBuffer, lpdwBufferLength, False)
