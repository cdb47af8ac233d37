"""ntdll's exception dispatching: RtlDispatchException (vectored handlers, then the fs:[0] chain),
RtlUnwind, RtlRaiseException, vectored-handler registration, and the top-level handler that
RtlUserThreadStart installs (the unhandled-exception filter).

The handlers themselves are guest code (the program's _except_handler3/4, its C++ frame handlers,
its vectored handlers): Python only walks the chain and calls them, with Windows' arguments.
"""
from __future__ import annotations

import struct

from ...hle.probe import probe
from ...hle.registry import export
from ..kernel32.state import kernel32_state_or_none
from .state import ntdll_state
from ...hle.types import BOOLEAN, INT, PCONTEXT, PEXCEPTION_RECORD, PVOID, ULONG, VOID
from kernel.ke.dispatch import GuestCall
from kernel.ke.exception import EXCEPTION_NONCONTINUABLE, exception_record
from kernel.rtl.status import STATUS

ExceptionContinueExecution, ExceptionContinueSearch, ExceptionNestedException, ExceptionCollidedUnwind = 0, 1, 2, 3
EXCEPTION_CONTINUE_EXECUTION = 0xFFFFFFFF           # -1, what a filter/vectored handler returns
EXCEPTION_CONTINUE_SEARCH = 0
EXCEPTION_EXECUTE_HANDLER = 1
EXCEPTION_UNWINDING = 0x2
EXCEPTION_EXIT_UNWIND = 0x4
EXCEPTION_STACK_INVALID = 0x8
EXCEPTION_NESTED_CALL = 0x10
END_OF_CHAIN = 0xFFFFFFFF


def _teb_field(ctx, name: str) -> int:
    return ctx.thread.teb + ctx.process.structs.TEB.offsetof(name)


def _exception_list(ctx) -> int:
    return ctx.read_u32(_teb_field(ctx, "NtTib.ExceptionList"))


def _set_exception_list(ctx, frame: int) -> None:
    ctx.write_u32(_teb_field(ctx, "NtTib.ExceptionList"), frame)


def _frame_is_valid(ctx, frame: int) -> bool:
    """RtlpGetStackLimits check: a registration record lies on the thread's stack, 4-aligned."""
    low = ctx.read_u32(_teb_field(ctx, "NtTib.StackLimit"))
    high = ctx.read_u32(_teb_field(ctx, "NtTib.StackBase"))
    t = ctx.thread
    low = min(low, t.stack_allocation)
    return frame & 3 == 0 and low <= frame and frame + 8 <= high


# per-thread scratch block for what handlers are given (guest memory, allocated once per thread)
SCRATCH_VEH_POINTERS = 0x00         # EXCEPTION_POINTERS for vectored handlers
SCRATCH_FILTER_POINTERS = 0x08      # EXCEPTION_POINTERS for the unhandled-exception filter
SCRATCH_DISPATCHER_CONTEXT = 0x10
SCRATCH_UNWIND_DISPATCHER_CONTEXT = 0x14
SCRATCH_UNWIND_RECORD = 0x20        # 0x50 bytes
SCRATCH_UNWIND_CONTEXT = 0x80       # 0x2CC bytes
SCRATCH_SIZE = 0x80 + 0x2CC


def _scratch(ctx) -> int:
    t = ctx.thread
    if not t.exception_scratch:
        t.exception_scratch = ctx.process.heap.allocate(SCRATCH_SIZE, 0x8)
    return t.exception_scratch


def call_vectored_handlers(ctx, record: int, context: int):
    """Generator: RtlpCallVectoredHandlers.  True when one returned EXCEPTION_CONTINUE_EXECUTION."""
    handlers = list(ntdll_state(ctx.process).vectored_handlers)
    if not handlers:
        return False
    pointers = _scratch(ctx) + SCRATCH_VEH_POINTERS
    ctx.write(pointers, struct.pack("<II", record, context))
    for node in handlers:
        routine = _decode_pointer(ctx, node.encoded)
        result = yield GuestCall(routine, (pointers,), f"vectored exception handler {ctx.process.describe_address(routine)}")
        if result & 0xFFFFFFFF == EXCEPTION_CONTINUE_EXECUTION:
            return True
    return False


def _decode_pointer(ctx, value: int) -> int:
    from .rtl import RtlDecodePointer
    return RtlDecodePointer(ctx, value)


@export(name=".RtlDispatchException")
def rtl_dispatch_exception(ctx, ExceptionRecord: PEXCEPTION_RECORD, ContextRecord: PCONTEXT) -> BOOLEAN:
    """Vectored handlers, then each frame of the fs:[0] chain, as Windows x86 does.  TRUE: continue
    at the (possibly changed) CONTEXT; FALSE: nobody handled it (second chance follows)."""
    if (yield from call_vectored_handlers(ctx, ExceptionRecord, ContextRecord)):
        return 1
    frame = _exception_list(ctx)
    dispatcher_context = _scratch(ctx) + SCRATCH_DISPATCHER_CONTEXT
    nested_frame = 0
    while frame != END_OF_CHAIN and frame != 0:
        if not _frame_is_valid(ctx, frame):
            flags = ctx.read_u32(ExceptionRecord + 4)
            ctx.write_u32(ExceptionRecord + 4, flags | EXCEPTION_STACK_INVALID)
            return 0
        handler = ctx.read_u32(frame + 4)
        ctx.write_u32(dispatcher_context, 0)
        disposition = yield GuestCall(handler, (ExceptionRecord, frame, ContextRecord, dispatcher_context),
                                      f"exception handler {ctx.process.describe_address(handler)}")
        if nested_frame == frame:
            flags = ctx.read_u32(ExceptionRecord + 4)
            ctx.write_u32(ExceptionRecord + 4, flags & ~EXCEPTION_NESTED_CALL)
            nested_frame = 0
        if disposition == ExceptionContinueExecution:
            flags = ctx.read_u32(ExceptionRecord + 4)
            if flags & EXCEPTION_NONCONTINUABLE:
                yield from _raise_nested(ctx, STATUS["STATUS_NONCONTINUABLE_EXCEPTION"], ExceptionRecord, ContextRecord)
            return 1
        if disposition == ExceptionContinueSearch:
            flags = ctx.read_u32(ExceptionRecord + 4)
            if flags & EXCEPTION_STACK_INVALID:
                return 0
        elif disposition == ExceptionNestedException:
            flags = ctx.read_u32(ExceptionRecord + 4)
            ctx.write_u32(ExceptionRecord + 4, flags | EXCEPTION_NESTED_CALL)
            nested = ctx.read_u32(dispatcher_context)
            if nested > nested_frame:
                nested_frame = nested
        else:
            yield from _raise_nested(ctx, STATUS["STATUS_INVALID_DISPOSITION"], ExceptionRecord, ContextRecord)
        frame = ctx.read_u32(frame)
    return 0


def _raise_nested(ctx, code: int, record: int, context: int):
    """A new, noncontinuable exception whose ExceptionRecord field chains the one being handled."""
    new = exception_record(code, 0, flags=EXCEPTION_NONCONTINUABLE, nested=record)
    ctx.kernel.exceptions.raise_exception(ctx.thread, new, ctx.read(context, 0x2CC))
    return
    yield


@export
def RtlUnwind(ctx, TargetFrame: PVOID, TargetIp: PVOID, ExceptionRecord: PEXCEPTION_RECORD, ReturnValue: PVOID) -> PVOID:
    """Call each frame's handler with EXCEPTION_UNWINDING from the top of the chain down to (not
    including) TargetFrame, unlinking each; then return to the caller with EAX = ReturnValue.
    A NULL TargetFrame unwinds the whole chain (an exit unwind)."""
    scratch = _scratch(ctx)
    record = ExceptionRecord
    if not record:
        record = scratch + SCRATCH_UNWIND_RECORD
        ctx.write(record, exception_record(STATUS["STATUS_UNWIND"], ctx.return_eip))
    flags = EXCEPTION_UNWINDING if TargetFrame else EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND
    ctx.write_u32(record + 4, ctx.read_u32(record + 4) | flags)
    from emu.context import CONTEXT_FULL, capture
    context = scratch + SCRATCH_UNWIND_CONTEXT
    ctx.write(context, bytes(capture(ctx.machine, CONTEXT_FULL)))
    dispatcher_context = scratch + SCRATCH_UNWIND_DISPATCHER_CONTEXT
    frame = _exception_list(ctx)
    while frame not in (END_OF_CHAIN, 0) and frame != TargetFrame:
        if (TargetFrame and TargetFrame < frame) or not _frame_is_valid(ctx, frame):
            break                       # the target is not above us on the chain: stop here
        handler = ctx.read_u32(frame + 4)
        ctx.write_u32(dispatcher_context, 0)
        yield GuestCall(handler, (record, frame, context, dispatcher_context),
                        f"unwind handler {ctx.process.describe_address(handler)}")
        nxt = ctx.read_u32(frame)
        _set_exception_list(ctx, nxt)
        frame = nxt
    return ReturnValue


@export
def RtlRaiseException(ctx, ExceptionRecord: PEXCEPTION_RECORD) -> VOID:
    """Raise the caller's record: the context continues after this call if a handler resumes."""
    record = bytearray(ctx.read(ExceptionRecord, 0x50))
    if struct.unpack_from("<I", record, 12)[0] == 0:
        struct.pack_into("<I", record, 12, ctx.return_eip)
    raise_from_call(ctx, bytes(record))


def raise_from_call(ctx, record: bytes) -> None:
    """Dispatch an exception raised by an API call; the CONTEXT resumes at the stub's `ret n`."""
    from emu.context import CONTEXT_FULL, capture
    context = capture(ctx.machine, CONTEXT_FULL | 0x8 | 0x20)
    struct.pack_into("<I", context, 0xB8, ctx.return_eip)
    ctx.kernel.exceptions.raise_exception(ctx.thread, record, bytes(context))


class _VectoredHandler:
    def __init__(self, encoded: int, address: int):
        self.encoded = encoded
        self.address = address


@export
def RtlAddVectoredExceptionHandler(ctx, FirstHandler: ULONG, VectoredHandler: PVOID) -> PVOID:
    from .rtl import RtlEncodePointer
    handlers = ntdll_state(ctx.process).vectored_handlers
    node = ctx.process.heap.allocate(16, 0x8)          # the handle is a node in guest memory, as in Windows
    entry = _VectoredHandler(RtlEncodePointer(ctx, VectoredHandler), node)
    ctx.write(node + 8, struct.pack("<II", 1, entry.encoded))
    if FirstHandler:
        handlers.insert(0, entry)
    else:
        handlers.append(entry)
    _set_process_flag(ctx, using_veh=True)
    return node


@export
def RtlRemoveVectoredExceptionHandler(ctx, Handle: PVOID) -> ULONG:
    handlers = ntdll_state(ctx.process).vectored_handlers
    for h in handlers:
        if h.address == Handle:
            handlers.remove(h)
            ctx.process.heap.free(Handle)
            if not handlers:
                _set_process_flag(ctx, using_veh=False)
            return 1
    return 0


def _set_process_flag(ctx, using_veh: bool) -> None:
    """PEB.CrossProcessFlags.ProcessUsingVEH (bit 2), which Windows keeps up to date."""
    from kernel.structs.guestmem import has_field
    S = ctx.process.structs
    if not has_field(S.PEB, "CrossProcessFlags"):     # Vista and later (XP's PEB has no such flags)
        return
    addr = ctx.process.peb + S.PEB.offsetof("CrossProcessFlags")
    flags = ctx.read_u32(addr)
    ctx.write_u32(addr, flags | 0x4 if using_veh else flags & ~0x4)


@export(name=".RtlpTopLevelExceptionHandler", conv="cdecl")
def top_level_exception_handler(ctx, ExceptionRecord: PVOID, EstablisherFrame: PVOID, ContextRecord: PVOID,
                                DispatcherContext: PVOID) -> INT:
    """The SEH frame of RtlUserThreadStart: __except(UnhandledExceptionFilter(...)).  The filter
    decides: continue execution, or the process ends with the exception code."""
    flags = ctx.read_u32(ExceptionRecord + 4)
    if flags & (EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND):
        return ExceptionContinueSearch
    pointers = _scratch(ctx) + SCRATCH_FILTER_POINTERS
    ctx.write(pointers, struct.pack("<II", ExceptionRecord, ContextRecord))
    verdict = yield from unhandled_exception_filter(ctx, pointers)
    if verdict == EXCEPTION_CONTINUE_EXECUTION:
        return ExceptionContinueExecution
    code = ctx.read_u32(ExceptionRecord)
    k32 = kernel32_state_or_none(ctx.process)
    if verdict == EXCEPTION_EXECUTE_HANDLER and k32 is not None and k32.filter_said_execute:
        # a program's own top-level filter asked for the __except block: ExitProcess(code)
        from .thread import exit_process
        yield from exit_process(ctx, code)
        return ExceptionContinueSearch
    ctx.kernel.exceptions.unhandled_exception(ctx.thread, code)
    return ExceptionContinueSearch


def unhandled_exception_filter(ctx, pointers: int):
    """Generator: kernel32!UnhandledExceptionFilter's decision with no debugger attached."""
    process = ctx.process
    k32 = kernel32_state_or_none(process)          # kernel32's filter (SetUnhandledExceptionFilter)
    if k32 is not None:
        k32.filter_said_execute = False
    top = k32.unhandled_exception_filter if k32 is not None else 0
    if top:
        result = yield GuestCall(top, (pointers,), f"unhandled-exception filter {process.describe_address(top)}")
        result &= 0xFFFFFFFF
        if result == EXCEPTION_CONTINUE_EXECUTION:
            return EXCEPTION_CONTINUE_EXECUTION
        if result == EXCEPTION_EXECUTE_HANDLER:
            k32.filter_said_execute = True
            return EXCEPTION_EXECUTE_HANDLER
    # no filter, or it declined: Windows Error Reporting ends the process
    return EXCEPTION_EXECUTE_HANDLER


@export
@probe
def RtlCaptureContext(ctx, ContextRecord: PCONTEXT) -> VOID:
    """x86's RtlCaptureContext: the integer and segment registers as they are at the call, and the
    control registers of the *caller's* frame as its EBP chain gives them, as if the caller had
    returned: EIP = [EBP+4], EBP = [EBP], ESP = EBP+8.  ContextFlags: CONTEXT_CONTROL |
    CONTEXT_INTEGER | CONTEXT_SEGMENTS."""
    from emu.context import CONTEXT_FULL, capture
    context = capture(ctx.machine, CONTEXT_FULL)
    ebp = struct.unpack_from("<I", context, 0xB4)[0]
    struct.pack_into("<II", context, 0xB4, ctx.read_u32(ebp), ctx.read_u32(ebp + 4))
    struct.pack_into("<I", context, 0xC4, ebp + 8)
    ctx.write(ContextRecord, bytes(context[:0xCC]))
