"""oleaut32.dll: BSTRs (SysAllocString and friends) and VariantInit/VariantClear for simple variants
(oleauto.h).  Every other oleaut32 export is an "unsupported API" stub."""
from ...hle.registry import DllSpec
from . import oleauto

DLL = DllSpec(
    name="oleaut32.dll",
    base=0x76FE0000,
    modules=[oleauto],
)
