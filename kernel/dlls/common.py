"""What every synthesized DLL shares: its entry point (DllMain), run by the loader like any other."""
from __future__ import annotations

from ..hle.registry import export
from ..hle.types import BOOL, DWORD, HINSTANCE, LPVOID


@export(name="DllMain")
def dll_main(ctx, hinstDLL: HINSTANCE, fdwReason: DWORD, lpvReserved: LPVOID) -> BOOL:
    """The entry point of a synthesized DLL: runs the DLL's Python initialization, if it has one."""
    spec = ctx.kernel.hle_entry_point_spec(ctx.process, hinstDLL)
    if spec is not None and spec.init is not None:
        result = spec.init(ctx, hinstDLL, fdwReason)
        if result is not None and hasattr(result, "send"):
            result = yield from result
    return 1


dll_entry_api = dll_main.__hle__
