"""powrprof.dll: loads with Windows 7's export list (no handler yet: every export is an
"unsupported API" stub).  Programs probe it for functions of later Windows
(PowerRegisterSuspendResumeNotification, Windows 8), which GetProcAddress does not find on
Windows 7, as there."""
from ...hle.registry import DllSpec

DLL = DllSpec(
    name="powrprof.dll",
    base=0x74C10000,
    modules=[],
)
