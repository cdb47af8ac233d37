"""KernelBase.dll.  On Windows 7 much of kernel32 lives here and kernel32 forwards to it; ntboot
implements those functions once, in kernel32, and KernelBase forwards each of them to kernel32 so
that imports through API sets (api-ms-win-core-* -> kernelbase.dll) find the same code."""
from ..hle.registry import DllSpec
from . import kernel32

DLL = DllSpec(
    name="KernelBase.dll",
    base=0x75D10000,
    forwarders={name: f"kernel32.{name}" for name in
                list(kernel32.DLL.handlers()) + list(kernel32.FORWARDERS)},
)
