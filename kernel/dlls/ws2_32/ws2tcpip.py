"""ws2tcpip.h: name resolution without a network and the address text conversions.

getaddrinfo/GetAddrInfoW resolve only what needs no network: "localhost" (::1, then 127.0.0.1, in
Windows 7's preference order), numeric IPv4 and IPv6 addresses, and a NULL node (the wildcard for
AI_PASSIVE, else loopback); any other name is WSAHOST_NOT_FOUND, as on a machine whose DNS cannot be
reached.  Results are allocated on the process heap, one block per entry (the addrinfo, its
sockaddr and its canonical name), and freed by freeaddrinfo/FreeAddrInfoW."""
from __future__ import annotations

import ipaddress
import struct

from emu.status import MemoryFault

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import INT, LPCWSTR, LPCSTR, PVOID, SIZE_T, VOID
from .winsock2 import (AF_INET, AF_INET6, AF_UNSPEC, IPPROTO_TCP, IPPROTO_UDP, SOCK_DGRAM, SOCK_STREAM,
                       WSAEAFNOSUPPORT, WSAEFAULT, WSAEINVAL, WSAESOCKTNOSUPPORT, WSANOTINITIALISED,
                       parse_ipv4_classic, startups)

WSAHOST_NOT_FOUND, WSANO_RECOVERY, WSATYPE_NOT_FOUND = 11001, 11003, 10109
WSA_INVALID_PARAMETER = 87
AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST = 0x1, 0x2, 0x4
ADDRINFO_SIZE = 32           # ai_flags, ai_family, ai_socktype, ai_protocol, ai_addrlen, ai_canonname, ai_addr, ai_next

# the services a machine's %SystemRoot%\system32\drivers\etc\services names most often
SERVICES = {"echo": 7, "ftp-data": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53,
            "http": 80, "www": 80, "pop3": 110, "ntp": 123, "imap": 143, "ldap": 389, "https": 443}
LOOPBACK = {AF_INET6: ipaddress.IPv6Address("::1").packed, AF_INET: bytes([127, 0, 0, 1])}
ANY = {AF_INET6: bytes(16), AF_INET: bytes(4)}


def _parse_service(service: str | None) -> int | None:
    if service is None:
        return 0
    if service.isdigit():
        port = int(service)
        return port if port <= 0xFFFF else None
    return SERVICES.get(service.lower())


def parse_numeric(node: str) -> tuple[int, bytes] | None:
    raw = parse_ipv4_classic(node)
    if raw is not None:
        return AF_INET, raw
    try:
        return AF_INET6, ipaddress.IPv6Address(node.split("%", 1)[0]).packed
    except ValueError:
        return None


def resolve(node: str | None, service: str | None, flags: int, family: int) -> tuple[int, list]:
    """(0, [(family, address bytes, port)]) or (error code, [])."""
    if node is None and service is None:
        return WSAHOST_NOT_FOUND, []
    if flags & AI_CANONNAME and node is None:
        return WSAEINVAL, []
    port = _parse_service(service)
    if port is None:
        return WSATYPE_NOT_FOUND, []
    families = [AF_INET6, AF_INET] if family == AF_UNSPEC else [family]
    if node is None:
        table = ANY if flags & AI_PASSIVE else LOOPBACK
        return 0, [(f, table[f], port) for f in families]
    numeric = parse_numeric(node)
    if numeric is not None:
        if numeric[0] not in families:
            return WSAHOST_NOT_FOUND, []
        return 0, [(numeric[0], numeric[1], port)]
    if flags & AI_NUMERICHOST or node.lower() != "localhost":
        return WSAHOST_NOT_FOUND, []
    return 0, [(f, LOOPBACK[f], port) for f in families]


def _sockaddr(family: int, addr: bytes, port: int) -> bytes:
    if family == AF_INET:
        return struct.pack("<H", AF_INET) + struct.pack(">H", port) + addr + bytes(8)
    return struct.pack("<H", AF_INET6) + struct.pack(">H", port) + bytes(4) + addr + bytes(4)


def get_addr_info(ctx, node: str | None, service: str | None, hints: int, result: int, wide: bool) -> int:
    """The error code (0: success); a pointer that cannot be read or written: WSAEFAULT."""
    try:
        return _get_addr_info(ctx, node, service, hints, result, wide)
    except MemoryFault:
        ctx.set_last_error(WSAEFAULT)
        return WSAEFAULT


def _get_addr_info(ctx, node: str | None, service: str | None, hints: int, result: int, wide: bool) -> int:
    if not result:
        ctx.set_last_error(WSAEINVAL)
        return WSAEINVAL
    ctx.write_u32(result, 0)
    if not startups(ctx):
        ctx.set_last_error(WSANOTINITIALISED)
        return WSANOTINITIALISED
    flags = family = socktype = protocol = 0
    if hints:
        flags, family, socktype, protocol, addrlen, canon, addr, nxt = struct.unpack("<8I", ctx.read(hints, 32))
        if addrlen or canon or addr or nxt:
            ctx.set_last_error(WSANO_RECOVERY)
            return WSANO_RECOVERY
    code = 0
    if family not in (AF_UNSPEC, AF_INET, AF_INET6):
        code = WSAEAFNOSUPPORT
    elif socktype not in (0, SOCK_STREAM, SOCK_DGRAM, 3):
        code = WSAESOCKTNOSUPPORT
    if code == 0:
        code, found = resolve(node, service, flags, family)
    if code:
        ctx.set_last_error(code)
        return code
    if socktype and not protocol:
        protocol = {SOCK_STREAM: IPPROTO_TCP, SOCK_DGRAM: IPPROTO_UDP}.get(socktype, 0)
    heap = ctx.process.heap
    nodes = []
    for fam, raw, port in found:
        sockaddr = _sockaddr(fam, raw, port)
        canon = b""
        if flags & AI_CANONNAME and not nodes:
            canon = node.encode("utf-16-le") + b"\0\0" if wide else node.encode(ctx.kernel.ansi_codepage, "replace") + b"\0"
        block = heap.allocate(ADDRINFO_SIZE + len(sockaddr) + len(canon), 0x8)
        nodes.append((block, fam, sockaddr, canon))
    for i, (block, fam, sockaddr, canon) in enumerate(nodes):
        nxt = nodes[i + 1][0] if i + 1 < len(nodes) else 0
        addr_ptr = block + ADDRINFO_SIZE
        canon_ptr = addr_ptr + len(sockaddr) if canon else 0
        ctx.write(block, struct.pack("<8I", flags, fam, socktype, protocol, len(sockaddr), canon_ptr, addr_ptr, nxt)
                  + sockaddr + canon)
    ctx.write_u32(result, nodes[0][0])
    return 0


def free_addr_info(ctx, info: int) -> None:
    heap = ctx.process.heap
    while info:
        nxt = ctx.read_u32(info + 28)
        heap.free(info)
        info = nxt


@export
@probe
def GetAddrInfoW(ctx, pNodeName: LPCWSTR, pServiceName: LPCWSTR, pHints: PVOID, ppResult: PVOID) -> INT:
    return get_addr_info(ctx, pNodeName, pServiceName, pHints, ppResult, True)


@export
@probe
def getaddrinfo(ctx, pNodeName: LPCSTR, pServiceName: LPCSTR, pHints: PVOID, ppResult: PVOID) -> INT:
    return get_addr_info(ctx, pNodeName, pServiceName, pHints, ppResult, False)


@export
@probe
def FreeAddrInfoW(ctx, pAddrInfo: PVOID) -> VOID:
    free_addr_info(ctx, pAddrInfo)


@export
@probe
def freeaddrinfo(ctx, pAddrInfo: PVOID) -> VOID:
    free_addr_info(ctx, pAddrInfo)


# -- InetPton / InetNtop -------------------------------------------------------------------------------
def _pton(ctx, family: int, text: str | None, buf: int) -> int:
    try:
        return _pton_work(ctx, family, text, buf)
    except MemoryFault:
        ctx.set_last_error(WSAEFAULT)
        return -1


def _pton_work(ctx, family: int, text: str | None, buf: int) -> int:
    if family not in (AF_INET, AF_INET6):
        ctx.set_last_error(WSAEAFNOSUPPORT)
        return -1
    if text is None or not buf:
        ctx.set_last_error(WSAEFAULT)
        return -1
    try:
        if family == AF_INET:
            parts = text.split(".")
            if len(parts) != 4 or not all(p.isdigit() and len(p) <= 3 for p in parts):
                return 0
            raw = ipaddress.IPv4Address(".".join(str(int(p)) for p in parts)).packed
        else:
            raw = ipaddress.IPv6Address(text).packed
    except ValueError:
        return 0
    ctx.write(buf, raw)
    return 1


@export
@probe
def InetPtonW(ctx, Family: INT, pszAddrString: LPCWSTR, pAddrBuf: PVOID) -> INT:
    """1 and the address in network order, 0 for text that is not an address of the family (IPv4:
    exactly four decimal parts), -1 with WSAEAFNOSUPPORT for another family."""
    return _pton(ctx, Family, pszAddrString, pAddrBuf)


@export
@probe
def inet_pton(ctx, Family: INT, pszAddrString: LPCSTR, pAddrBuf: PVOID) -> INT:
    return _pton(ctx, Family, pszAddrString, pAddrBuf)


def _ntop(ctx, family: int, addr: int, buf: int, size: int, wide: bool) -> int:
    if family not in (AF_INET, AF_INET6):
        ctx.set_last_error(WSAEAFNOSUPPORT)
        return 0
    if not addr:
        ctx.set_last_error(WSA_INVALID_PARAMETER)
        return 0
    raw = bytes(ctx.read(addr, 4 if family == AF_INET else 16))
    text = str(ipaddress.IPv4Address(raw) if family == AF_INET else ipaddress.IPv6Address(raw))
    if not buf or size <= len(text):
        ctx.set_last_error(WSA_INVALID_PARAMETER)
        return 0
    ctx.write(buf, text.encode("utf-16-le") + b"\0\0" if wide else text.encode() + b"\0")
    return buf


@export
@probe
def InetNtopW(ctx, Family: INT, pAddr: PVOID, pStringBuf: PVOID, StringBufSize: SIZE_T) -> PVOID:
    """The address as text in the caller's buffer (StringBufSize characters with the NUL), or NULL
    with WSAEAFNOSUPPORT or, for a buffer too small, WSA_INVALID_PARAMETER."""
    return _ntop(ctx, Family, pAddr, pStringBuf, StringBufSize, True)


@export
@probe
def inet_ntop(ctx, Family: INT, pAddr: PVOID, pStringBuf: PVOID, StringBufSize: SIZE_T) -> PVOID:
    return _ntop(ctx, Family, pAddr, pStringBuf, StringBufSize, False)
