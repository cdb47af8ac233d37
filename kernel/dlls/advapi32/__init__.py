"""advapi32.dll: the registry functions (winreg.h), GetUserName (winbase.h), RtlGenRandom
(SystemFunction036, ntsecapi.h) and CryptoAPI's random bytes (wincrypt.h).

On Windows 7 advapi32 forwards most Reg* functions to kernel32 (API set
api-ms-win-core-localregistry); mingw-w64's kernel32 import library has none of them, so ntboot's
advapi32 implements them itself.  Every other advapi32 export is an "unsupported API" stub."""
from ...hle.registry import DllSpec
from . import ntsecapi, securitybaseapi, tokeninfo, winbase, wincrypt, winreg
from .state import Advapi32State

DLL = DllSpec(
    name="advapi32.dll",
    base=0x76E20000,
    modules=[winreg, winbase, ntsecapi, wincrypt, securitybaseapi, tokeninfo],
)
DLL.state = Advapi32State
