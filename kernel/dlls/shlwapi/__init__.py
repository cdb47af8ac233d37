"""shlwapi.dll: the light-weight utility functions of shlwapi.h that console programs use, the
path functions (Path*) and string functions (Str*, ChrCmpI, IsCharSpace).  Every other shlwapi
export is an "unsupported API" stub."""
from ...hle.registry import DllSpec
from . import shlwapi

DLL = DllSpec(
    name="shlwapi.dll",
    base=0x77A10000,
    modules=[shlwapi],
)
