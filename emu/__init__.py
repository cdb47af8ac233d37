"""The emulated machine: Unicorn engines, address spaces, traps.  Knows nothing of Windows."""
from .cpu import Fault, Machine
from .memory import AddressSpace, MemoryError_

__all__ = ["Machine", "Fault", "AddressSpace", "MemoryError_"]
