"""KERNELBASE.dll.  On Windows 7 kernel32 imports it, so every process has it, initialized between
ntdll and kernel32.  The error-handling functions live here (kernel32 forwards them); every other
kernel32 function is reachable here too, forwarded to kernel32, so that imports through API sets
that name KernelBase find the same code."""
from ..hle.registry import DllSpec
from . import kernel32
from .kernel32 import errhandlingapi

OWN = [errhandlingapi]
_own_names = [name for module in OWN for name, obj in vars(module).items() if hasattr(obj, "__hle__")]

DLL = DllSpec(
    name="KERNELBASE.dll",
    base=0x75D10000,
    modules=OWN,
    forwarders={name: f"kernel32.{name}" for name in
                list(kernel32.DLL.handlers()) + list(kernel32.FORWARDERS)
                if name not in _own_names and not name.startswith(".")},
)
