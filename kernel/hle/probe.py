"""Bad pointers from the guest: what ProbeForRead/ProbeForWrite and the SEH around every copy make
of them in Windows.  A handler decorated with `@probe` that touches unmapped or protected guest
memory fails with STATUS_ACCESS_VIOLATION (an Nt service returns it; a Win32 API sets
ERROR_NOACCESS), never with a Python traceback.

    @export
    @probe
    def NtQueryAttributesFile(ctx, ...) -> NTSTATUS: ...
"""
from __future__ import annotations

import functools

from kernel.rtl.status import MemoryFault

from kernel.rtl.status import NtError


def probe(func):
    @functools.wraps(func)
    def guarded(ctx, *args):
        try:
            return func(ctx, *args)
        except MemoryFault:
            raise NtError("STATUS_ACCESS_VIOLATION", f"{func.__name__}: the guest passed a bad pointer") from None
    return guarded
