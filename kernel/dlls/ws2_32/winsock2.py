"""winsock2.h: start-up, errors, sockets without a network, byte order, IPv4 text, the host name.

A socket is a handle of the process (as \\Device\\Afd file handles are on Windows) to a `Socket`
object that records its family, type, protocol, options and local address.  Every function but the
byte-order and address helpers needs a WSAStartup first (else WSANOTINITIALISED); a failure returns
SOCKET_ERROR (or INVALID_SOCKET) with the code in the thread's last error (WSAGetLastError)."""
from __future__ import annotations

import struct

from emu.status import MemoryFault

from kernel.ob.object import KernelObject
from .state import ws2_state
from kernel.rtl.status import NtError
from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import DWORD, INT, LONG, LPCSTR, LPVOID, PVOID, UINT_PTR, ULONG, USHORT, VOID, WORD

SOCKET_ERROR = 0xFFFFFFFF
INVALID_SOCKET = 0xFFFFFFFF
INADDR_NONE = 0xFFFFFFFF

WSAEINTR, WSAEFAULT, WSAEINVAL = 10004, 10014, 10022
WSAENOTSOCK, WSAEPROTOTYPE, WSAENOPROTOOPT, WSAEPROTONOSUPPORT, WSAESOCKTNOSUPPORT = 10038, 10041, 10042, 10043, 10044
WSAEOPNOTSUPP, WSAEAFNOSUPPORT, WSAEADDRINUSE, WSAEADDRNOTAVAIL = 10045, 10047, 10048, 10049
WSAENETUNREACH, WSAEISCONN, WSAENOTCONN, WSAECONNREFUSED = 10051, 10056, 10057, 10061
WSAVERNOTSUPPORTED, WSANOTINITIALISED = 10092, 10093

AF_UNSPEC, AF_INET, AF_INET6 = 0, 2, 23
SOCK_STREAM, SOCK_DGRAM, SOCK_RAW = 1, 2, 3
IPPROTO_TCP, IPPROTO_UDP = 6, 17
SOL_SOCKET = 0xFFFF

# WSADATA (x86): wVersion, wHighVersion, szDescription[257], szSystemStatus[129], iMaxSockets,
# iMaxUdpDg, lpVendorInfo -> 400 bytes
WSADATA_SIZE = 400
HIGHEST = (2, 2)


def startups(ctx) -> int:
    return ws2_state(ctx.process).startups


def fail(ctx, error: int, result: int = SOCKET_ERROR) -> int:
    ctx.set_last_error(error)
    return result


def initialised(ctx) -> bool:
    if startups(ctx):
        return True
    ctx.set_last_error(WSANOTINITIALISED)
    return False


@export
def WSAStartup(ctx, wVersionRequested: WORD, lpWSAData: LPVOID) -> INT:
    """Negotiates the version: the requested one if Windows 7 has it (1.0 to 2.2), 2.2 for anything
    newer, WSAVERNOTSUPPORTED below 1.0.  WSADATA as Windows fills it: "WinSock 2.0", "Running", and
    iMaxSockets/iMaxUdpDg only for a 1.x caller (they mean nothing from 2.0 on).  The result is the
    error code itself (the thread's last error is not used)."""
    major, minor = wVersionRequested & 0xFF, wVersionRequested >> 8 & 0xFF
    if major < 1:
        return WSAVERNOTSUPPORTED
    if not lpWSAData:
        return WSAEFAULT
    version = (major, minor) if (major, minor) <= HIGHEST else HIGHEST
    data = struct.pack("<HH", version[0] | version[1] << 8, HIGHEST[0] | HIGHEST[1] << 8)
    data += b"WinSock 2.0".ljust(257, b"\0") + b"Running".ljust(129, b"\0")
    data += struct.pack("<HHI", 32767 if major == 1 else 0, 65467 if major == 1 else 0, 0)
    try:
        ctx.write(lpWSAData, data.ljust(WSADATA_SIZE, b"\0"))
    except MemoryFault:
        return WSAEFAULT
    ws2_state(ctx.process).startups += 1
    return 0


@export
def WSACleanup(ctx) -> INT:
    if not initialised(ctx):
        return SOCKET_ERROR
    ws2_state(ctx.process).startups -= 1
    return 0


@export
def WSAGetLastError(ctx) -> INT:
    return ctx.get_last_error()


@export
def WSASetLastError(ctx, iError: INT) -> VOID:
    ctx.set_last_error(iError)


# -- sockets ------------------------------------------------------------------------------------------
class Socket(KernelObject):
    type_name = "Socket"

    def __init__(self, family: int, kind: int, protocol: int):
        super().__init__("\\Device\\Afd")
        self.family, self.kind, self.protocol = family, kind, protocol
        self.local: bytes | None = None       # the bound sockaddr
        self.listening = False
        self.non_blocking = False
        self.options: dict[tuple[int, int], bytes] = {}


_DEFAULT_PROTOCOL = {SOCK_STREAM: IPPROTO_TCP, SOCK_DGRAM: IPPROTO_UDP}


def socket_of(ctx, s: int) -> Socket | None:
    try:
        obj = ctx.process.handles.lookup(s)
    except NtError:
        obj = None
    if not isinstance(obj, Socket):
        ctx.set_last_error(WSAENOTSOCK)
        return None
    return obj


def new_socket(ctx, af: int, kind: int, protocol: int) -> int:
    if not initialised(ctx):
        return INVALID_SOCKET
    if af not in (AF_INET, AF_INET6):
        return fail(ctx, WSAEAFNOSUPPORT, INVALID_SOCKET)
    if kind not in (SOCK_STREAM, SOCK_DGRAM):
        return fail(ctx, WSAESOCKTNOSUPPORT, INVALID_SOCKET)
    if protocol == 0:
        protocol = _DEFAULT_PROTOCOL[kind]
    elif protocol not in (IPPROTO_TCP, IPPROTO_UDP):
        return fail(ctx, WSAEPROTONOSUPPORT, INVALID_SOCKET)
    elif protocol != _DEFAULT_PROTOCOL[kind]:
        return fail(ctx, WSAEPROTOTYPE, INVALID_SOCKET)
    return ctx.process.handles.insert(Socket(af, kind, protocol), 0x1F01FF)


@export
def socket(ctx, af: INT, type: INT, protocol: INT) -> UINT_PTR:
    return new_socket(ctx, af, type, protocol)


WSA_FLAG_OVERLAPPED = 0x01


def _wsa_socket(ctx, af: int, kind: int, protocol: int, info: int, group: int, flags: int) -> int:
    """WSASocket without a protocol description or group is socket(); a WSAPROTOCOL_INFO names a
    provider ntboot does not have (WSAEINVAL), socket groups are reserved (WSAEINVAL).  Every socket
    here can be used for overlapped I/O, so WSA_FLAG_OVERLAPPED changes nothing."""
    if not initialised(ctx):
        return INVALID_SOCKET
    if info or group:
        return fail(ctx, WSAEINVAL, INVALID_SOCKET)
    return new_socket(ctx, af, kind, protocol)


@export
def WSASocketW(ctx, af: INT, type: INT, protocol: INT, lpProtocolInfo: PVOID, g: UINT_PTR,
               dwFlags: DWORD) -> UINT_PTR:
    return _wsa_socket(ctx, af, type, protocol, lpProtocolInfo, g, dwFlags)


@export
def WSASocketA(ctx, af: INT, type: INT, protocol: INT, lpProtocolInfo: PVOID, g: UINT_PTR,
               dwFlags: DWORD) -> UINT_PTR:
    return _wsa_socket(ctx, af, type, protocol, lpProtocolInfo, g, dwFlags)


@export
def closesocket(ctx, s: UINT_PTR) -> INT:
    if not initialised(ctx) or socket_of(ctx, s) is None:
        return SOCKET_ERROR
    ctx.process.handles.close(s)
    return 0


def _sockaddr(ctx, sock: Socket, name: int, namelen: int) -> tuple[int, bytes, int] | None:
    """(family, raw address bytes, port) of a sockaddr the caller passed, or None (error set)."""
    need = 16 if sock.family == AF_INET else 28
    if not name or namelen < need:
        fail(ctx, WSAEFAULT)
        return None
    raw = bytes(ctx.read(name, need))
    family, port = struct.unpack_from("<H", raw)[0], struct.unpack_from(">H", raw, 2)[0]
    if family != sock.family:
        fail(ctx, WSAEAFNOSUPPORT)
        return None
    addr = raw[4:8] if family == AF_INET else raw[8:24]
    return family, addr, port


def _is_loopback(family: int, addr: bytes) -> bool:
    return addr[0] == 127 if family == AF_INET else addr == bytes(15) + b"\1"


@export
@probe
def connect(ctx, s: UINT_PTR, name: PVOID, namelen: INT) -> INT:
    """No guest process listens and the host's network is out of reach: a loopback address refuses
    the connection (WSAECONNREFUSED), any other finds no route (WSAENETUNREACH)."""
    if not initialised(ctx):
        return SOCKET_ERROR
    sock = socket_of(ctx, s)
    if sock is None:
        return SOCKET_ERROR
    target = _sockaddr(ctx, sock, name, namelen)
    if target is None:
        return SOCKET_ERROR
    family, addr, port = target
    if sock.listening:
        return fail(ctx, WSAEINVAL)
    if addr == bytes(len(addr)) or port == 0:
        return fail(ctx, WSAEADDRNOTAVAIL)
    return fail(ctx, WSAECONNREFUSED if _is_loopback(family, addr) else WSAENETUNREACH)


@export
@probe
def bind(ctx, s: UINT_PTR, name: PVOID, namelen: INT) -> INT:
    """Binds to the wildcard or a loopback address (the machine has no other); a second bind of the
    socket is WSAEINVAL, another address WSAEADDRNOTAVAIL."""
    if not initialised(ctx):
        return SOCKET_ERROR
    sock = socket_of(ctx, s)
    if sock is None:
        return SOCKET_ERROR
    target = _sockaddr(ctx, sock, name, namelen)
    if target is None:
        return SOCKET_ERROR
    family, addr, port = target
    if sock.local is not None:
        return fail(ctx, WSAEINVAL)
    if addr != bytes(len(addr)) and not _is_loopback(family, addr):
        return fail(ctx, WSAEADDRNOTAVAIL)
    sock.local = bytes(ctx.read(name, 16 if family == AF_INET else 28))
    return 0


@export
def listen(ctx, s: UINT_PTR, backlog: INT) -> INT:
    if not initialised(ctx):
        return SOCKET_ERROR
    sock = socket_of(ctx, s)
    if sock is None:
        return SOCKET_ERROR
    if sock.kind != SOCK_STREAM:
        return fail(ctx, WSAEOPNOTSUPP)
    if sock.local is None:
        return fail(ctx, WSAEINVAL)
    sock.listening = True
    return 0


@export
@probe
def getsockname(ctx, s: UINT_PTR, name: PVOID, namelen: PVOID) -> INT:
    if not initialised(ctx):
        return SOCKET_ERROR
    sock = socket_of(ctx, s)
    if sock is None:
        return SOCKET_ERROR
    if sock.local is None:
        return fail(ctx, WSAEINVAL)
    if not name or not namelen or ctx.read_u32(namelen) < len(sock.local):
        return fail(ctx, WSAEFAULT)
    ctx.write(name, sock.local)
    ctx.write_u32(namelen, len(sock.local))
    return 0


@export
def shutdown(ctx, s: UINT_PTR, how: INT) -> INT:
    if not initialised(ctx):
        return SOCKET_ERROR
    sock = socket_of(ctx, s)
    if sock is None:
        return SOCKET_ERROR
    if how not in (0, 1, 2):
        return fail(ctx, WSAEINVAL)
    return fail(ctx, WSAENOTCONN)


@export
@probe
def setsockopt(ctx, s: UINT_PTR, level: INT, optname: INT, optval: PVOID, optlen: INT) -> INT:
    """Any option of the socket, IP, IPv6, TCP or UDP levels is recorded; an unknown level is
    WSAEINVAL, a missing value WSAEFAULT."""
    if not initialised(ctx):
        return SOCKET_ERROR
    sock = socket_of(ctx, s)
    if sock is None:
        return SOCKET_ERROR
    if level & 0xFFFFFFFF not in (SOL_SOCKET, 0, 41, IPPROTO_TCP, IPPROTO_UDP):
        return fail(ctx, WSAEINVAL)
    if optlen < 0 or (optlen and not optval):
        return fail(ctx, WSAEFAULT)
    sock.options[(level & 0xFFFFFFFF, optname & 0xFFFFFFFF)] = bytes(ctx.read(optval, optlen)) if optlen else b""
    return 0


# SOL_SOCKET options getsockopt answers without a setsockopt before (Windows 7's defaults: 8 KiB
# buffers, no linger)
SO_ACCEPTCONN, SO_LINGER, SO_SNDBUF, SO_RCVBUF, SO_ERROR, SO_TYPE = 0x2, 0x80, 0x1001, 0x1002, 0x1007, 0x1008
BOOL_OPTIONS = (0x4, 0x8, 0x10, 0x20, 0x100)          # REUSEADDR, KEEPALIVE, DONTROUTE, BROADCAST, OOBINLINE


def _option_value(sock: Socket, level: int, name: int) -> bytes | None:
    stored = sock.options.get((level, name))
    if stored is not None:
        return stored
    if level != SOL_SOCKET:
        return None
    if name == SO_TYPE:
        return struct.pack("<i", sock.kind)
    if name == SO_ERROR:
        return struct.pack("<i", 0)
    if name == SO_ACCEPTCONN:
        return struct.pack("<i", 1 if sock.listening else 0)
    if name in (SO_SNDBUF, SO_RCVBUF):
        return struct.pack("<i", 8192)
    if name == SO_LINGER:
        return struct.pack("<HH", 0, 0)
    if name in BOOL_OPTIONS:
        return struct.pack("<i", 0)
    return None


@export
@probe
def getsockopt(ctx, s: UINT_PTR, level: INT, optname: INT, optval: PVOID, optlen: PVOID) -> INT:
    """An option set before, or the socket's own state (SO_TYPE, SO_ERROR, SO_ACCEPTCONN) and
    Windows 7's defaults; an option the socket does not know: WSAENOPROTOOPT; a buffer smaller than
    the value: WSAEFAULT."""
    if not initialised(ctx):
        return SOCKET_ERROR
    sock = socket_of(ctx, s)
    if sock is None:
        return SOCKET_ERROR
    value = _option_value(sock, level & 0xFFFFFFFF, optname & 0xFFFFFFFF)
    if value is None:
        return fail(ctx, WSAENOPROTOOPT)
    if not optval or not optlen or ctx.read_u32(optlen) < len(value):
        return fail(ctx, WSAEFAULT)
    ctx.write(optval, value)
    ctx.write_u32(optlen, len(value))
    return 0


FIONBIO, FIONREAD, SIOCATMARK = 0x8004667E, 0x4004667F, 0x40047307


@export
@probe
def ioctlsocket(ctx, s: UINT_PTR, cmd: LONG, argp: PVOID) -> INT:
    """FIONBIO (blocking or not, recorded), FIONREAD (no data ever arrives: 0), SIOCATMARK (no
    out-of-band data: TRUE); other commands: WSAEINVAL."""
    if not initialised(ctx):
        return SOCKET_ERROR
    sock = socket_of(ctx, s)
    if sock is None:
        return SOCKET_ERROR
    cmd &= 0xFFFFFFFF
    if not argp:
        return fail(ctx, WSAEFAULT)
    if cmd == FIONBIO:
        sock.non_blocking = ctx.read_u32(argp) != 0
    elif cmd == FIONREAD:
        ctx.write_u32(argp, 0)
    elif cmd == SIOCATMARK:
        ctx.write_u32(argp, 1)
    else:
        return fail(ctx, WSAEINVAL)
    return 0


@export
@probe
def getpeername(ctx, s: UINT_PTR, name: PVOID, namelen: PVOID) -> INT:
    """No socket is ever connected: WSAENOTCONN."""
    if not initialised(ctx):
        return SOCKET_ERROR
    if socket_of(ctx, s) is None:
        return SOCKET_ERROR
    return fail(ctx, WSAENOTCONN)


@export
@probe
def __WSAFDIsSet(ctx, fd: UINT_PTR, set: PVOID) -> INT:
    """Whether an fd_set (u_int fd_count; SOCKET fd_array[]) holds the socket."""
    count = ctx.read_u32(set)
    sockets = struct.unpack(f"<{count}I", ctx.read(set + 4, 4 * count)) if count else ()
    return 1 if fd in sockets else 0


# -- byte order -------------------------------------------------------------------------------------
@export
def htons(ctx, hostshort: USHORT) -> USHORT:
    return ((hostshort & 0xFF) << 8) | (hostshort >> 8 & 0xFF)


@export
def ntohs(ctx, netshort: USHORT) -> USHORT:
    return ((netshort & 0xFF) << 8) | (netshort >> 8 & 0xFF)


@export
def htonl(ctx, hostlong: ULONG) -> ULONG:
    return int.from_bytes(hostlong.to_bytes(4, "little"), "big")


@export
def ntohl(ctx, netlong: ULONG) -> ULONG:
    return int.from_bytes(netlong.to_bytes(4, "little"), "big")


# -- IPv4 text --------------------------------------------------------------------------------------
def parse_ipv4_classic(text: str) -> bytes | None:
    """inet_addr's grammar: one to four parts separated by dots, each decimal, octal (leading 0)
    or hexadecimal (0x); the last part fills the remaining bytes ("10.1" is 10.0.0.1)."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        if not part:
            return None
        try:
            if part[:2].lower() == "0x":
                value = int(part[2:], 16) if part[2:] else 0
            elif part.startswith("0") and len(part) > 1:
                value = int(part[1:], 8)
            else:
                if not part.isdigit():
                    return None
                value = int(part)
        except ValueError:
            return None
        values.append(value)
    last_bytes = 5 - len(values)
    if any(v > 0xFF for v in values[:-1]) or values[-1] >= 1 << (8 * last_bytes):
        return None
    return bytes(values[:-1]) + values[-1].to_bytes(last_bytes, "big")


@export
def inet_addr(ctx, cp: LPCSTR) -> ULONG:
    """The address in network byte order, INADDR_NONE for text that is not one (an empty string
    included).  A space ends the address, as Windows' parser stops there."""
    if cp is None:
        return INADDR_NONE
    text = cp.split(" ", 1)[0]
    raw = parse_ipv4_classic(text)
    return INADDR_NONE if raw is None else int.from_bytes(raw, "little")


@export
def inet_ntoa(ctx, in_: ULONG) -> PVOID:
    """Dotted text of an address, in a buffer of the calling thread that the next call reuses."""
    buffers = ws2_state(ctx.process).inet_ntoa_buffers
    buf = buffers.get(ctx.thread.tid)
    if buf is None:
        buf = buffers[ctx.thread.tid] = ctx.process.heap.allocate(16)
    ctx.write(buf, ".".join(str(b) for b in in_.to_bytes(4, "little")).encode() + b"\0")
    return buf


# -- the host name ------------------------------------------------------------------------------------
def host_name(ctx) -> str:
    name = ctx.kernel.registry.get("HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ActiveComputerName",
                                   "ComputerName")
    return name or "NTBOOT"


@export
@probe
def gethostname(ctx, name: PVOID, namelen: INT) -> INT:
    """The computer's host name (its computer name: no domain suffix), NUL-terminated; a buffer too
    small for it is WSAEFAULT."""
    if not initialised(ctx):
        return SOCKET_ERROR
    text = host_name(ctx).encode(ctx.kernel.ansi_codepage, "replace") + b"\0"
    if not name or namelen < len(text):
        return fail(ctx, WSAEFAULT)
    ctx.write(name, text)
    return 0

