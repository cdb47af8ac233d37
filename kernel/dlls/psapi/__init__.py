"""psapi.dll as Windows 7 ships it: every export forwards to kernel32's K32* implementation of the
same function (kernel/dlls/kernel32/psapi.py), so programs linked against psapi.lib and those that
call K32* directly run the same code.  Only profiles whose kernel32 has the K32* functions (Windows 7
and later) register it (kernel/dlls/__init__.py)."""
from ...hle.registry import DllSpec
from ..export_lists import load_export_list

NAMES = sorted(load_export_list("psapi", "win7sp1"))

DLL = DllSpec(
    name="psapi.dll",
    base=0x76C20000,
    forwarders={name: f"kernel32.K32{name}" for name in NAMES},
)
