"""Handle -> object for the Win32 and Nt layers, pseudo handles included."""
from __future__ import annotations

from kernel.ob.object import NtCurrentProcess, NtCurrentThread


def reference_object(ctx, handle: int, cls=None):
    """ObReferenceObjectByHandle: the object a handle of the calling process names."""
    if handle == NtCurrentProcess:
        obj = ctx.process
    elif handle == NtCurrentThread:
        obj = ctx.thread
    else:
        return ctx.process.handles.lookup(handle, cls)
    if cls is not None and not isinstance(obj, cls):
        from kernel.rtl.status import NtError
        raise NtError("STATUS_OBJECT_TYPE_MISMATCH", f"handle {handle:#x} is a {obj.type_name}")
    return obj
