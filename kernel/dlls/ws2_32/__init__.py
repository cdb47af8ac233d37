"""ws2_32.dll: Windows Sockets 2 as a console program sees it on a machine without a network.

Start-up and clean-up (WSAStartup's version negotiation and WSADATA as Windows 7 fills it), the
error functions, the protocol catalog (WSAEnumProtocols), byte-order and address conversions, the computer's host name, name resolution of
"localhost" and numeric addresses, and sockets that can be created, bound, configured and closed.
The guest never reaches the host's network: a connection is refused (loopback) or finds the network
unreachable (any other address).  Sockets between guest processes of one run are a later step; until
then accept/send/recv/select and the rest stay "unsupported API" stubs.

The classic Winsock 1.1 functions keep the ordinals every ws2_32.dll gives them (programs linked
with the SDK's ws2_32.lib import them by ordinal)."""
from ...hle.registry import DllSpec
from . import catalog, winsock2, ws2tcpip
from .state import Ws2State

# the ordinals of the Winsock 1.1 exports (the same in every ws2_32.dll since NT 4)
ORDINALS = {
    "accept": 1, "bind": 2, "closesocket": 3, "connect": 4, "getpeername": 5, "getsockname": 6,
    "getsockopt": 7, "htonl": 8, "htons": 9, "ioctlsocket": 10, "inet_addr": 11, "inet_ntoa": 12,
    "listen": 13, "ntohl": 14, "ntohs": 15, "recv": 16, "recvfrom": 17, "select": 18, "send": 19,
    "sendto": 20, "setsockopt": 21, "shutdown": 22, "socket": 23,
    "gethostbyaddr": 51, "gethostbyname": 52, "getprotobyname": 53, "getprotobynumber": 54,
    "getservbyname": 55, "getservbyport": 56, "gethostname": 57,
    "WSAAsyncSelect": 101, "WSAAsyncGetHostByAddr": 102, "WSAAsyncGetHostByName": 103,
    "WSAAsyncGetProtoByNumber": 104, "WSAAsyncGetProtoByName": 105, "WSAAsyncGetServByPort": 106,
    "WSAAsyncGetServByName": 107, "WSACancelAsyncRequest": 108, "WSASetBlockingHook": 109,
    "WSAUnhookBlockingHook": 110, "WSAGetLastError": 111, "WSASetLastError": 112,
    "WSACancelBlockingCall": 113, "WSAIsBlocking": 114, "WSAStartup": 115, "WSACleanup": 116,
    "__WSAFDIsSet": 151, "WEP": 500,
}

DLL = DllSpec(
    name="ws2_32.dll",
    base=0x76B40000,
    modules=[winsock2, ws2tcpip, catalog],
    ordinals=ORDINALS,
    state=Ws2State,
)
