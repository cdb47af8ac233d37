"""Sharing msvcrt's handlers with ucrtbase.dll and vcruntime140.dll without copying them.

A handler object belongs to one DLL, so each shared export gets a thin wrapper with the same
signature (`functools.wraps`: the registry reads the wrapped signature) that runs the msvcrt
implementation with the *calling DLL's* C runtime state active (`crt(ctx)`): ucrtbase has its own
heap, streams, descriptors, errno, atexit table and environment copy, as on Windows.  Generator
handlers (qsort, exit ...) keep that state active for each step they run.
"""
from __future__ import annotations

import functools

from ...hle.registry import export
from ..export_lists import load_export_list


def _swapping(process, state, gen):
    value = None
    while True:
        previous = process.crt_active
        process.crt_active = state
        try:
            call = gen.send(value)
        except StopIteration as stop:
            return stop.value
        finally:
            process.crt_active = previous
        value = yield call


def run_with_state(ctx, state, func, args):
    process = ctx.process
    previous = process.crt_active
    process.crt_active = state
    try:
        result = func(ctx, *args)
    finally:
        process.crt_active = previous
    if result is not None and hasattr(result, "send") and hasattr(result, "throw"):
        return _swapping(process, state, result)
    return result


def share(func, name: str, module_name: str, state_of=None):
    """A new export `name` in `module_name` running `func` (an @export handler)."""
    spec = func.__hle__

    @functools.wraps(func)
    def wrapper(ctx, *args):
        state = state_of(ctx) if state_of is not None else None
        if state is None:
            return func(ctx, *args)
        return run_with_state(ctx, state, func, args)

    wrapper.__dict__.pop("__hle__", None)
    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__module__ = module_name
    return export(wrapper, name=name, conv=spec.conv)


def share_all(namespace: dict, module_name: str, dll: str, sources: list, aliases: dict, state_of=None,
              skip: set = frozenset()) -> list[str]:
    """Wrap every handler of `sources` (modules) that `dll` really exports under the same name, and
    the `aliases` (export name -> msvcrt name); returns the names added to `namespace`."""
    known = load_export_list(dll)
    handlers = {}
    for module in sources:
        for obj in vars(module).values():
            spec = getattr(obj, "__hle__", None)
            if spec is not None and getattr(obj, "__module__", None) == module.__name__:
                handlers[spec.name] = obj
    added = []
    wanted = {n: n for n in handlers if n in known and n not in skip and n not in namespace}
    wanted.update({a: m for a, m in aliases.items() if m in handlers and a in known})
    for export_name, source_name in sorted(wanted.items()):
        namespace["_shared_" + export_name] = share(handlers[source_name], export_name, module_name, state_of)
        added.append(export_name)
    return added
