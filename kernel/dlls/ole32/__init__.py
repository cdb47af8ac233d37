"""ole32.dll: the COM task allocator (combaseapi.h: CoTaskMemAlloc, CoTaskMemRealloc, CoTaskMemFree),
which shell32's SHGetKnownFolderPath results are freed with.  Every other ole32 export is an
"unsupported API" stub."""
from ...hle.registry import DllSpec
from . import combaseapi

DLL = DllSpec(
    name="ole32.dll",
    base=0x76F50000,
    modules=[combaseapi],
)
