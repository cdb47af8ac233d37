"""Declaring emulated exports.

A handler is a Python function whose first parameter receives the call's `ApiContext` and whose other
parameters are annotated with `kernel.hle.types`:

    @export
    def GetStdHandle(ctx, nStdHandle: DWORD) -> HANDLE: ...

    @export(conv="cdecl")
    def printf(ctx, format: LPCSTR, *args) -> INT: ...   # *args: the variadic part, read lazily

The stack bytes a stdcall function pops are the sum of its parameter sizes; nothing is counted by
hand.  A handler may be a generator: it then yields `GuestCall`s (call this guest function, give me
its EAX) and returns its result, which is how Python calls DllMain, callbacks and the like.
"""
import inspect
from dataclasses import dataclass, field

from . import types as T


@dataclass
class ApiSpec:
    name: str
    func: object
    conv: str                       # "stdcall" or "cdecl"
    params: list                    # [(name, ArgType)]
    restype: T.ArgType
    varargs: bool
    stack_bytes: int                # bytes of the fixed parameters
    dll: str = ""

    @property
    def pops(self) -> int:
        """What the stub's `ret` pops: the parameters for stdcall, nothing for cdecl."""
        return self.stack_bytes if self.conv == "stdcall" else 0


def export(func=None, *, name: str | None = None, conv: str = "stdcall"):
    """Mark a function as the implementation of an export (see module doc)."""
    def wrap(f):
        sig = inspect.signature(f, eval_str=True)
        params = list(sig.parameters.values())[1:]
        fixed = []
        varargs = False
        for p in params:
            if p.kind is inspect.Parameter.VAR_POSITIONAL:
                varargs = True
                continue
            if not isinstance(p.annotation, T.ArgType):
                raise TypeError(f"{f.__qualname__}: parameter {p.name} needs a kernel.hle.types annotation")
            fixed.append((p.name, p.annotation))
        restype = sig.return_annotation
        if restype is inspect.Signature.empty or restype is None:
            restype = T.VOID
        if not isinstance(restype, T.ArgType):
            raise TypeError(f"{f.__qualname__}: return type must be a kernel.hle.types annotation")
        if varargs and conv != "cdecl":
            raise TypeError(f"{f.__qualname__}: variadic functions are cdecl")
        f.__hle__ = ApiSpec(name or f.__name__, f, conv, fixed, restype, varargs,
                            sum(t.size for _, t in fixed))
        return f
    return wrap(func) if func is not None else wrap


@dataclass
class DataExport:
    """An exported variable: `size` bytes in the DLL's .data, initialized by the DLL's init."""
    name: str
    size: int
    init: bytes = b""


@dataclass
class DllSpec:
    """An emulated system DLL: its name, base, handlers, forwarders, data and hand-written code.

    The modules declare a template; `kernel.dlls.system_dlls(profile)` makes the profile's own copy
    (its base, forwarders, imports and absent exports), so several profiles coexist in one process."""
    name: str                                   # "kernel32.dll"
    base: int
    modules: list = field(default_factory=list)  # Python modules whose @export functions it holds
    forwarders: dict = field(default_factory=dict)  # export name -> "DLL.Function"
    data: list = field(default_factory=list)     # DataExport
    code: object = None                          # callable(resolve) -> (bytes, {label: offset}) of real x86 code
    init: object = None                          # callable(ctx, base, reason) run by the DLL's entry point
    syscalls: bool = False                       # ntdll: Nt*/Zw* exports are system-call stubs
    imports: dict = field(default_factory=dict)  # DLL name -> [function names] it imports (real import directory)
    ordinals: dict = field(default_factory=dict)  # export name -> the real DLL's fixed ordinal (others: assigned)
    absent: frozenset = frozenset()              # names this profile's DLL does not export (a newer Windows' functions)
    # the class of the DLL's per-process state, state(process, base): made when a process maps the
    # DLL, dropped when the view is unmapped or the process ends (EProcess.dll_state)
    state: object = None

    def handlers(self) -> dict[str, ApiSpec]:
        out = {}
        for module in self.modules:
            populate = getattr(module, "hle_populate", None)   # a module that adds handlers lazily
            if populate is not None:
                populate()
            for obj in vars(module).values():
                spec = getattr(obj, "__hle__", None)
                if spec is not None and getattr(obj, "__module__", None) == module.__name__ \
                        and spec.name not in self.absent:
                    spec.dll = self.name
                    if spec.name in out:
                        raise ValueError(f"{self.name}!{spec.name} is implemented twice")
                    out[spec.name] = spec
        return out
