"""The system service table: typed Nt* handlers, one module per area.

The service *numbers* come from the OS profile; a handler is found by its Nt name.  Services the
profile lists but nobody implements stop the run as an unsupported API naming the service.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def service_table() -> dict:
    """Nt name -> ApiSpec of every implemented system service."""
    from . import file, memory, process, registry, sync, system, wait
    table = {}
    for module in (memory, process, file, registry, system, wait, sync):
        for obj in vars(module).values():
            spec = getattr(obj, "__hle__", None)
            if spec is not None and obj.__module__ == module.__name__:
                spec.dll = "ntdll.dll"
                table[spec.name] = spec
    return table
