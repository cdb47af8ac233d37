"""psapi.dll as Windows 7 ships it: its exports forward to kernel32's K32* implementation of the
same function (kernel/dlls/kernel32/psapi.py), so programs linked against psapi.lib and those that
call K32* directly run the same code.  Only profiles whose kernel32 has the K32* functions (Windows 7
and later) register it (kernel/dlls/__init__.py)."""
from ...hle.registry import DllSpec
from ..export_lists import load_export_list
from ..kernel32 import psapi as k32_psapi

NAMES = sorted(load_export_list("psapi", "win7sp1"))
# the K32* functions ntboot implements; psapi's other exports (EmptyWorkingSet, EnumDeviceDrivers,
# QueryWorkingSet ...) stay its own "unsupported API" stubs until their K32* twins exist
IMPLEMENTED = {obj.__hle__.name for obj in vars(k32_psapi).values() if hasattr(obj, "__hle__")}
IMPLEMENTED.add("K32GetProcessMemoryInfo")         # kernel/dlls/kernel32/processthreadsapi.py

DLL = DllSpec(
    name="psapi.dll",
    base=0x76C20000,
    forwarders={name: f"kernel32.K32{name}" for name in NAMES if f"K32{name}" in IMPLEMENTED},
)
