"""The kernel's executive core: traps into Python, calls from Python into the guest, scheduling.

Guest code reaches Python two ways, both set up per process engine:

* `sysenter` in ntdll's KiFastSystemCall: `dispatch_system_service` looks EAX up in the service
  table and calls the typed handler with the arguments found at EDX+8;
* the first instruction of an emulated export's stub: `dispatch_stub` calls the handler with the
  arguments at ESP+4.  The stub's own `ret`/`ret n` then returns to the caller, so the fast path
  sets EAX (EDX, ST0) and nothing else.

A handler that needs guest code to run (DllMain, TLS callbacks, callbacks of enumerators, ...) is a
generator: it yields `GuestCall`s and gets each one's EAX back.  The trap stops the CPU, the run loop
builds the call frame with a return address on the *return trap*, and when the guest function
returns there the generator resumes.  Nothing nests `emu_start`.

Between slices the run loop applies what handlers asked for (a new CONTEXT from NtContinue, a
guest call, a blocked or ended thread) and picks the next thread.  A single runnable thread runs
without an instruction count; several runnable threads share the CPU in counted slices.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from emu import x87
from emu.cpu import REG_EAX, REG_EDX, REG_ESP

from kernel.hle import types as T
from kernel.hle.registry import ApiSpec
from kernel.hle.synth import Unimplemented
from kernel.rtl.status import STATUS, NtError, dos_error
from emu.status import MemoryFault

THREAD_SLICE = 200_000          # instructions per slice while more than one thread is runnable


@dataclass
class GuestCall:
    """Yielded by a generator handler: call `address` with `args` (stdcall or cdecl)."""
    address: int
    args: tuple = ()
    what: str = ""               # for the trace: "DllMain(sampledll.dll, DLL_PROCESS_ATTACH)"
    regs: dict | None = None     # registers set for the call (ECX of a thiscall, EBP of a funclet);
                                 # EBX/ESI/EDI/EBP are restored when it returns


@dataclass
class ResumeContext:
    """Yielded by a generator handler: abandon the calls in progress whose stack lies below the
    CONTEXT's ESP (their generators are closed) and continue the thread at that CONTEXT (a catch
    block's continuation, as msvcrt's C++ frame handler jumps there)."""
    context: bytes


SKIP_HANDLER = object()         # returned by an observer: stop here, the handler runs when resumed


class UnsupportedApi(Exception):
    """A call of an export ntboot does not implement."""


class RunStop(Exception):
    """Ends the whole run (limit reached, unsupported API, ...) with a reason."""

    def __init__(self, reason: str, message: str, status: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.status = status


@dataclass
class GenFrame:
    gen: object
    api: object
    return_eip: int              # where the original call returns: its stub's `ret n`
    entry_esp: int               # ESP at the trap (points at the caller's return address)
    restype: T.ArgType
    call_esp: int = 0            # ESP before the current guest call's frame was pushed
    current: GuestCall | None = None
    saved_regs: dict | None = None
    on_result: object = None     # the call tracer's callback(result) for when the frame completes


@dataclass
class Request:
    kind: str                    # "call", "return", "context", "stop"
    eip: int = 0
    data: object = None


class VarArgs:
    """The variadic part of a cdecl call, read on demand from the guest stack."""

    def __init__(self, machine, address: int):
        self.machine = machine
        self.address = address

    def int32(self) -> int:
        v = self.machine.read_u32(self.address)
        self.address += 4
        return v

    def int64(self) -> int:
        v = struct.unpack("<Q", self.machine.read(self.address, 8))[0]
        self.address += 8
        return v

    def double(self) -> float:
        v = struct.unpack("<d", self.machine.read(self.address, 8))[0]
        self.address += 8
        return v


class _Entry:
    """A resolved trap: handler, argument decoding and how the result is returned."""
    __slots__ = ("api", "func", "fmt", "nbytes", "decoders", "returns", "signed_mask", "varargs",
                 "name", "return_eip", "ret_mask", "service")

    def __init__(self, api: ApiSpec, name: str, return_eip: int, service: bool = False):
        self.api = api
        self.func = api.func
        self.name = name
        self.return_eip = return_eip
        self.service = service          # a system service (sysenter), not an export's stub
        fmt = "<"
        decoders = []
        for i, (_, t) in enumerate(api.params):
            if t.size == 8:
                fmt += "d" if t.decode_kind == "double" else ("q" if t.signed else "Q")
            else:
                fmt += "i" if t.signed else "I"
                if t.decode_kind:
                    decoders.append((i, t.decode_kind))
        self.fmt = fmt
        self.nbytes = api.stack_bytes
        self.decoders = tuple(decoders)
        self.returns = api.restype.returns_in
        self.varargs = api.varargs


class Dispatcher:
    """Per-process trap dispatch (stubs and system services)."""

    def __init__(self, kernel, process):
        self.kernel = kernel
        self.scheduler = kernel.scheduler
        self.process = process
        self.machine = process.machine
        self.ctx = process.api_context
        self.stubs: dict[int, _Entry | Unimplemented] = {}
        self.services: dict[int, _Entry] = {}
        self.return_trap = 0
        self.sysret_eip = 0
        self.hooks = []
        self.observers: dict[int, list] = {}   # trap address -> callbacks run before its handler

    # -- registration ------------------------------------------------------------------------------
    def add_stub_dll(self, synth, base: int) -> None:
        for rva, api in synth.stubs.items():
            va = base + rva
            if isinstance(api, ApiSpec):
                self.stubs[va] = _Entry(api, f"{synth.spec.name.removesuffix('.dll')}!{api.name}",
                                        base + synth.ret_rvas[api.pops])
            elif isinstance(api, Unimplemented):
                self.stubs[va] = api
            else:   # the DLL entry point
                self.stubs[va] = _Entry(self.kernel.dll_entry_api, f"{synth.spec.name}!DllMain",
                                        base + synth.ret_rvas[12])
                self.kernel.hle_entry_points[va] = synth.spec
        begin, end = synth.stub_range
        self.hooks.append(self.machine.hook_code_range(base + begin, base + end - 1, self.dispatch_stub))

    def add_trap(self, address: int, callback) -> None:
        """A one-address trap (return trap, KiThreadStartup ...): callback(dispatcher)."""
        self.stubs[address] = callback
        self.hooks.append(self.machine.hook_code_range(address, address, self.dispatch_stub))

    # -- the two entry paths -------------------------------------------------------------------------
    def dispatch_stub(self, address: int) -> None:
        try:
            self._dispatch_stub(address)
        except Exception as e:          # a bug of ours: end the run with a report, not a traceback
            self.kernel.internal_error(e, f"in the handler at {address:#x}")

    def _dispatch_stub(self, address: int) -> None:
        entry = self.stubs.get(address)
        if entry is None:
            return
        if self.observers:
            for callback in tuple(self.observers.get(address, ())):
                if callback(address) is SKIP_HANDLER:
                    return
        if entry.__class__ is _Entry:
            esp = self.machine.reg32(REG_ESP)
            self._call(entry, esp + 4, esp, entry.return_eip)
        elif isinstance(entry, Unimplemented):
            self._unsupported(entry, address)
        else:
            entry(self)

    def dispatch_system_service(self, machine) -> None:
        try:
            self._dispatch_system_service(machine)
        except Exception as e:
            self.kernel.internal_error(e, "in a system service")

    def _dispatch_system_service(self, machine) -> None:
        m = self.machine
        number = m.reg32(REG_EAX)
        user_esp = m.reg32(REG_EDX)
        entry = self.services.get(number)
        thread = self.scheduler.current_thread
        thread.last_services.append(number)
        if len(thread.last_services) > 32:
            del thread.last_services[:16]
        if entry is None:
            name = self.kernel.service_names.get(number, f"service {number:#x}")
            if not self.kernel.options.lenient:
                self.scheduler.stop_run("unsupported API",
                                        f"system service ntdll!{name} ({number:#x}) is not implemented; "
                                        f"called from {self.process.describe_address(machine.read_u32(user_esp + 4))}")
                return
            entry = self.services[number] = self._lenient_service(number, name)
        # arguments after the two return addresses (stub -> KiFastSystemCall, caller -> stub)
        self._call(entry, user_esp + 8, m.reg32(REG_ESP), self.sysret_eip)

    def _call(self, entry: _Entry, args_at: int, entry_esp: int, return_eip: int) -> None:
        machine = self.machine
        if entry.nbytes:
            args = list(struct.unpack(entry.fmt, machine.read(args_at, entry.nbytes)))
            for i, kind in entry.decoders:
                if args[i]:
                    args[i] = self.ctx.read_str(args[i]) if kind == "str" else self.ctx.read_wstr(args[i])
                else:
                    args[i] = None
        else:
            args = []
        if entry.varargs:
            args.append(VarArgs(machine, args_at + entry.nbytes))
        kernel = self.kernel
        self.ctx.return_eip = return_eip
        done = None
        if kernel.api_trace is not None:
            # the caller: the return address of the export's stub, or of the Nt* stub for a service
            done = kernel.api_trace(self.process, entry, args, machine.read_u32(args_at - 4))
        try:
            result = entry.func(self.ctx, *args)
            if result is not None and result.__class__ is _GENERATOR:
                try:
                    call = next(result)
                except StopIteration as stop:
                    result = stop.value
                else:
                    frame = GenFrame(result, entry, return_eip, entry_esp, entry.api.restype, on_result=done)
                    self.scheduler.current_thread.frames.append(frame)
                    self._begin_guest_call(frame, call)
                    return
        except UnsupportedApi as e:
            self.scheduler.stop_run("unsupported API", str(e))
            return
        except NtError as e:
            # a failed Nt service returns its status; a failed Win32 API sets the last error
            # (as BaseSetLastNTError does) and returns 0.  A bad guest pointer is one too
            # (MemoryFault: STATUS_ACCESS_VIOLATION, ERROR_NOACCESS), as the probes of Windows make it
            if entry.api.restype is T.NTSTATUS:
                result = e.status
            else:
                self.ctx.set_last_error(dos_error(e.status))
                result = 0
        if self.scheduler.reschedule:
            machine.stop()
            thread = self.scheduler.current_thread
            if thread.request is None and thread.state != "terminated":
                # continue after the call when the thread runs again, not at the trap
                thread.request = Request("return", eip=return_eip)
        self._set_result(entry.returns, result)
        if done is not None:
            done(result)

    def _set_result(self, returns: str, result) -> None:
        if returns == "eax":
            self.machine.set_reg32(REG_EAX, result or 0)
        elif returns == "edx:eax":
            result = (result or 0) & 0xFFFFFFFFFFFFFFFF
            self.machine.set_reg32(REG_EAX, result & 0xFFFFFFFF)
            self.machine.set_reg32(REG_EDX, result >> 32)
        elif returns == "st0":
            x87.push(self.machine, float(result or 0.0))      # a double returns in ST0

    def _unsupported(self, api: Unimplemented, address: int) -> None:
        esp = self.machine.reg32(REG_ESP)
        if self.kernel.options.lenient:
            # from now on this stub has a handler: returns 0, ERROR_CALL_NOT_IMPLEMENTED (see _lenient_stub)
            entry = self.stubs[address] = self._lenient_stub(api, address)
            self._call(entry, esp + 4, esp, entry.return_eip)
            return
        caller = self.machine.read_u32(esp)
        self.scheduler.stop_run("unsupported API",
                                f"{api.dll.removesuffix('.dll')}!{api.name} is not implemented; called from "
                                f"{self.process.describe_address(caller)}")

    # -- --lenient: unimplemented exports and services return instead of stopping the run -------------
    def _lenient_stub(self, api: Unimplemented, address: int) -> _Entry:
        """A handler for an unimplemented export's stub: 0 with ERROR_CALL_NOT_IMPLEMENTED.  The stub's
        `jmp` leads to a `ret n` popping the export list's stdcall size (plain `ret` when unknown), so
        the caller's stack stays balanced; the arguments are traced as raw DWORDs."""
        target = address + 5 + struct.unpack("<i", self.machine.read(address + 1, 4))[0]
        name = f"{api.dll.removesuffix('.dll')}!{api.name}"
        kernel = self.kernel

        def not_implemented(ctx, *args):
            kernel_note_not_implemented(kernel, ctx.process, name, ctx.caller(),
                                        "returned 0 with ERROR_CALL_NOT_IMPLEMENTED")
            ctx.set_last_error(ERROR_CALL_NOT_IMPLEMENTED)
            return 0
        count = api.pops // 4
        spec = ApiSpec(api.name, not_implemented, "stdcall" if api.stack_bytes is not None else "cdecl",
                       [(f"arg{i + 1}", T.DWORD) for i in range(count)], T.DWORD, False, 4 * count, api.dll)
        return _Entry(spec, name, target)

    def _lenient_service(self, number: int, name: str) -> _Entry:
        """A handler for an unimplemented system service: STATUS_NOT_IMPLEMENTED (its ntdll stub pops
        the service's argument bytes as ever)."""
        nbytes = self.kernel.profile.syscall_arg_bytes.get(name, 0)
        kernel = self.kernel

        def not_implemented(ctx, *args):
            caller = ctx.read_u32(ctx.machine.reg32(REG_EDX) + 4)
            kernel_note_not_implemented(kernel, ctx.process, f"system service ntdll!{name} ({number:#x})", caller,
                                        "returned STATUS_NOT_IMPLEMENTED")
            return STATUS_NOT_IMPLEMENTED
        spec = ApiSpec(name, not_implemented, "stdcall", [(f"arg{i + 1}", T.DWORD) for i in range(nbytes // 4)],
                       T.NTSTATUS, False, nbytes, "ntdll.dll")
        return _Entry(spec, "ntdll!" + name, 0, service=True)

    # -- guest calls ------------------------------------------------------------------------------
    def _begin_guest_call(self, frame: GenFrame, call: GuestCall) -> None:
        if isinstance(call, ResumeContext):
            thread = self.scheduler.current_thread
            new_esp = struct.unpack_from("<I", call.context, 0xC4)[0]
            keep = []
            for f in thread.frames:
                if f.entry_esp >= new_esp:
                    keep.append(f)
                else:
                    f.gen.close()
                    rec = getattr(f.on_result, "__self__", None)
                    if rec is not None and hasattr(getattr(rec, "monitor", None), "abandon"):
                        rec.monitor.abandon(rec)
            thread.frames = keep
            thread.request = Request("context", data=call.context)
            self.scheduler.reschedule = True
            self.machine.stop()
            return
        if not hasattr(call, "address"):
            raise TypeError(f"{frame.api.name} yielded {call!r}, not a GuestCall")
        frame.current = call
        thread = self.scheduler.current_thread
        thread.request = Request("call", data=(frame, call))
        self.machine.stop()

    def start_guest_call(self, thread, frame: GenFrame, call: GuestCall) -> int | None:
        """In the run loop: push the call's frame on the guest stack; returns the EIP to run, or None
        when the stack cannot take it (the process then ends with STATUS_ACCESS_VIOLATION)."""
        m = self.machine
        esp = m.reg("esp")
        frame.call_esp = esp
        frame.saved_regs = None
        if getattr(call, "regs", None):     # the loader's calls have none
            frame.saved_regs = {r: m.reg(r) for r in ("ebx", "esi", "edi", "ebp")}
            for r, v in call.regs.items():
                m.set_reg(r, v)
        frame_bytes = struct.pack(f"<{len(call.args) + 1}I", self.return_trap,
                                  *(a & 0xFFFFFFFF for a in call.args))
        esp -= len(frame_bytes)
        try:
            if not 0x10000 <= esp <= 0x7FFF0000 - len(frame_bytes):
                raise MemoryFault(esp, len(frame_bytes), write=True)     # user mode has no stack there
            m.write(esp, frame_bytes)
        except MemoryFault:  # no stack to call on: the fault cannot be dispatched either (KiDispatchException)
            self.kernel.exceptions.unhandled_exception(thread, STATUS["STATUS_ACCESS_VIOLATION"])
            return None
        m.set_reg("esp", esp)
        if self.kernel.boot_trace_calls and call.what:
            self.kernel.trace.event("guest-call", call.what, address=call.address)
        return call.address

    def on_return_trap(self, _dispatcher) -> None:
        """A guest function called from Python returned: resume its generator."""
        thread = self.scheduler.current_thread
        frame = thread.frames[-1]
        eax = self.machine.reg32(REG_EAX)
        self.machine.set_reg32(REG_ESP, frame.call_esp)
        if frame.saved_regs:
            for r, v in frame.saved_regs.items():
                self.machine.set_reg(r, v)
            frame.saved_regs = None
        try:
            call = frame.gen.send(eax)
        except StopIteration as stop:
            thread.frames.pop()
            self.machine.set_reg32(REG_ESP, frame.entry_esp)
            self._set_result(frame.restype.returns_in, stop.value)
            if frame.on_result is not None:
                frame.on_result(stop.value)
            thread.request = Request("return", eip=frame.return_eip)
            self.machine.stop()
        except UnsupportedApi as e:
            self.scheduler.stop_run("unsupported API", str(e))
        else:
            self._begin_guest_call(frame, call)


ERROR_CALL_NOT_IMPLEMENTED = 120
STATUS_NOT_IMPLEMENTED = 0xC0000002


def kernel_note_not_implemented(kernel, process, what: str, caller: int, outcome: str) -> None:
    """--lenient: tell the user about an unimplemented function, once per function and run."""
    seen = kernel.lenient_reported
    if what in seen:
        return
    seen.add(what)
    kernel.warn(f"{what} is not implemented; called from {process.describe_address(caller)}; "
                f"--lenient: it {outcome} (later calls are not reported)")


def _gen():
    yield


_GENERATOR = type(_gen())
