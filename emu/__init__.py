"""The emulated machine: Unicorn engines, address spaces, traps.  Knows nothing of Windows."""
from .cpu import Fault, Machine
from .memory import AddressSpace
from .status import MemoryFault, NtError

__all__ = ["Machine", "Fault", "AddressSpace", "NtError", "MemoryFault"]
