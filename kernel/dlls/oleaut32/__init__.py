"""oleaut32.dll: BSTRs (SysAllocString and friends) and VariantInit/VariantClear for simple variants
(oleauto.h).  Every other oleaut32 export is an "unsupported API" stub."""
from ...hle.registry import DllSpec
from . import oleauto

DLL = DllSpec(
    name="oleaut32.dll",
    base=0x76FE0000,
    modules=[oleauto],
    # programs import these by ordinal (Wine's oleaut32.spec numbers them as Windows does)
    ordinals={"SysAllocString": 2, "SysReAllocString": 3, "SysAllocStringLen": 4, "SysReAllocStringLen": 5,
              "SysFreeString": 6, "SysStringLen": 7, "VariantInit": 8, "VariantClear": 9, "VariantCopy": 10,
              "VariantCopyInd": 11, "VariantChangeType": 12, "SysStringByteLen": 149, "SysAllocStringByteLen": 150},
)
