"""ws2_32.dll: Windows Sockets start-up (WSAStartup, WSACleanup), the thread's socket error
(WSAGetLastError, WSASetLastError) and the protocol catalog (WSAEnumProtocols), what language
runtimes call at start-up (Go's internal/poll does at every program's start).  Sockets
themselves are not implemented yet: every other ws2_32 export is an "unsupported API" stub."""
from ...hle.registry import DllSpec
from . import winsock2

DLL = DllSpec(
    name="ws2_32.dll",
    base=0x76A40000,
    modules=[winsock2],
)
