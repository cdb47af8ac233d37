"""vcruntime140.dll: the Visual C++ 2015+ compiler-support runtime.  Implemented: the memory and
string intrinsics (msvcrt's handlers, shared: they use no CRT state), _purecall and the type_info
list clean-up; exception handling, RTTI and setjmp are "unsupported API" stubs."""
from __future__ import annotations

import sys

from ...hle.registry import DllSpec, export
from ...hle.types import PVOID, VOID
from ..msvcrt import string
from ..ucrtbase.share import share_all

SHARED = share_all(vars(sys.modules[__name__]), __name__, "vcruntime140", [string], {})


@export(conv="cdecl")
def __std_type_info_destroy_list(ctx, _RootNode: PVOID) -> VOID:
    return None


@export(conv="cdecl")
def _purecall(ctx) -> VOID:
    """A pure virtual function was called: the CRT's R6025, then abort."""
    from ..msvcrt.crt import abort
    yield from abort(ctx)


DLL = DllSpec(
    name="vcruntime140.dll",
    base=0x75B60000,
    modules=[sys.modules[__name__]],
)
