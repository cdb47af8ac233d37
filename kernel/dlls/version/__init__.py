"""version.dll: the version-information functions of winver.h (GetFileVersionInfoSize, GetFileVersionInfo,
VerQueryValue, their A forms).  Every other version.dll export is an "unsupported API" stub."""
from ...hle.registry import DllSpec
from . import winver

DLL = DllSpec(
    name="version.dll",
    base=0x74D30000,
    modules=[winver],
)
