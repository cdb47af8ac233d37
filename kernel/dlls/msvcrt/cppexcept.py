"""msvcrt's C++ exception support for MSVC-built programs (x86): _CxxThrowException, __CxxFrameHandler,
the type_info/terminate members the compiler references.

Data structures (as MSVC emits them, x86; see Wine's msvcrt/cppexcept.h and Igor Skochinsky's
"Reversing Microsoft Visual C++ Part I: Exception Handling"):

* exception record of a `throw`: code 0xE06D7363 ('msc' | 0xE0000000), EXCEPTION_NONCONTINUABLE,
  parameters [0x19930520, object, ThrowInfo*];
* ThrowInfo {attributes, pmfnUnwind (the object's destructor), pForwardCompat, pCatchableTypeArray};
  CatchableTypeArray {count, CatchableType*[count]}; CatchableType {properties (1 simple type,
  2 by reference only, 4 has virtual base), TypeDescriptor*, PMD {mdisp, pdisp, vdisp}, size,
  copy constructor}; TypeDescriptor {vftable, spare, char name[]};
* the function's frame handler stub is `mov eax, FuncInfo; jmp __CxxFrameHandler`; the registration
  record lies at EBP-0x0C: [EBP-0x10] saved ESP, [EBP-0x0C] next, [EBP-8] handler, [EBP-4] state;
* FuncInfo {magic 0x19930520..22, maxState, UnwindMapEntry*, nTryBlocks, TryBlockMapEntry*, nIPMap,
  IPMap*, (21+) ESTypeList*, (22+) EHFlags}; UnwindMapEntry {toState, action};
  TryBlockMapEntry {tryLow, tryHigh, catchHigh, nCatches, HandlerType*};
  HandlerType {adjectives (1 const, 2 volatile, 8 reference), TypeDescriptor*, dispCatchObj
  (EBP-relative), addressOfHandler (the catch funclet: returns the continuation address)}.

Conventions: the member functions here are thiscall (`this` in ECX).  The dispatcher knows stdcall and
cdecl only; a thiscall method without stack arguments is declared stdcall with no parameters and reads
ECX from the CPU itself.  Guest thiscall code (destructors, copy constructors) is called with
`GuestCall(..., regs={"ecx": this})`; funclets with `regs={"ebp": frame_ebp}`.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ...hle.registry import export
from ...hle.types import INT, PVOID, VOID
from kernel.ke.dispatch import GuestCall, ResumeContext
from kernel.ke.exception import EXCEPTION_NONCONTINUABLE, exception_record

CXX_EXCEPTION = 0xE06D7363
CXX_FRAME_MAGIC_VC6 = 0x19930520
CXX_FRAME_MAGIC_VC7 = 0x19930521
CXX_FRAME_MAGIC_VC8 = 0x19930522
EXCEPTION_UNWINDING = 0x2
EXCEPTION_EXIT_UNWIND = 0x4
ExceptionContinueSearch = 1

CLASS_IS_SIMPLE_TYPE = 1
CLASS_HAS_VIRTUAL_BASE_CLASS = 4
TYPE_FLAG_CONST = 1
TYPE_FLAG_VOLATILE = 2
TYPE_FLAG_REFERENCE = 8


# -- parsing (pure: `read(address, size) -> bytes`) -------------------------------------------------
def _u32(read, addr: int) -> int:
    return struct.unpack("<I", read(addr, 4))[0]


def _i32(read, addr: int) -> int:
    return struct.unpack("<i", read(addr, 4))[0]


def type_name(read, descriptor: int) -> bytes:
    """The decorated name of a TypeDescriptor (at +8, NUL-terminated)."""
    out = b""
    addr = descriptor + 8
    while len(out) < 4096:
        chunk = read(addr, 16)
        nul = chunk.find(b"\0")
        if nul >= 0:
            return out + chunk[:nul]
        out += chunk
        addr += 16
    return out


@dataclass
class HandlerType:
    adjectives: int
    type_descriptor: int
    disp_catch_obj: int
    handler: int


@dataclass
class TryBlock:
    try_low: int
    try_high: int
    catch_high: int
    catches: list = field(default_factory=list)


@dataclass
class FuncInfo:
    magic: int
    max_state: int
    unwind_map: list            # [(to_state, action)]
    try_blocks: list


@dataclass
class CatchableType:
    properties: int
    type_descriptor: int
    mdisp: int
    pdisp: int
    vdisp: int
    size: int
    copy_function: int


def parse_func_info(read, addr: int) -> FuncInfo:
    magic, max_state, p_unwind, n_try, p_try = struct.unpack("<IiIiI", read(addr, 20))
    if magic not in (CXX_FRAME_MAGIC_VC6, CXX_FRAME_MAGIC_VC7, CXX_FRAME_MAGIC_VC8):
        raise ValueError(f"bad FuncInfo magic {magic:#x}")
    unwind = [struct.unpack("<iI", read(p_unwind + 8 * i, 8)) for i in range(max(max_state, 0))]
    blocks = []
    for i in range(max(n_try, 0)):
        lo, hi, catch_high, n_catch, p_handlers = struct.unpack("<iiiiI", read(p_try + 20 * i, 20))
        block = TryBlock(lo, hi, catch_high)
        for j in range(max(n_catch, 0)):
            adj, ptype, disp, handler = struct.unpack("<IIiI", read(p_handlers + 16 * j, 16))
            block.catches.append(HandlerType(adj, ptype, disp, handler))
        blocks.append(block)
    return FuncInfo(magic, max_state, unwind, blocks)


def catchable_types(read, throw_info: int) -> list:
    array = _u32(read, throw_info + 12)
    count = _u32(read, array)
    out = []
    for i in range(count):
        ct = _u32(read, array + 4 + 4 * i)
        props, ptype, mdisp, pdisp, vdisp, size, copy = struct.unpack("<IIiiiiI", read(ct, 28))
        out.append(CatchableType(props, ptype, mdisp, pdisp, vdisp, size, copy))
    return out


def find_catch(read, func_info: FuncInfo, state: int, throw_info: int):
    """The first (try block, handler, catchable type) that catches a throw of `throw_info` at
    `state`: try blocks in map order, handlers in order; a handler without a type (or with an empty
    name) is `catch (...)` (catchable type None).  A type matches by descriptor or decorated name; a
    CatchableType marked "by reference only" matches reference handlers only."""
    types = catchable_types(read, throw_info) if throw_info else []
    for block in func_info.try_blocks:
        if not (block.try_low <= state <= block.try_high):
            continue
        for h in block.catches:
            if not h.type_descriptor or not type_name(read, h.type_descriptor):
                return block, h, None
            wanted = type_name(read, h.type_descriptor)
            for ct in types:
                if ct.type_descriptor != h.type_descriptor and type_name(read, ct.type_descriptor) != wanted:
                    continue
                if ct.properties & 2 and not h.adjectives & TYPE_FLAG_REFERENCE:
                    continue
                return block, h, ct
    return None


def adjust_pointer(read, obj: int, ct: CatchableType) -> int:
    """Apply a PMD to the thrown object's address (the base-class subobject)."""
    addr = obj + ct.mdisp
    if ct.pdisp >= 0:
        vbtable = _u32(read, obj + ct.pdisp)
        addr += ct.pdisp + _i32(read, vbtable + ct.vdisp)
    return addr & 0xFFFFFFFF


# -- the exports ------------------------------------------------------------------------------------
def _read(ctx):
    return lambda a, n: bytes(ctx.read(a, n))


@export(name="_CxxThrowException")
def _CxxThrowException(ctx, pExceptionObject: PVOID, pThrowInfo: PVOID) -> VOID:
    """Raise 0xE06D7363, noncontinuable, [0x19930520, object, ThrowInfo].  `throw;` (both NULL)
    rethrows the exception the thread's current catch block handles."""
    from ..ntdll.exception import raise_from_call
    if not pExceptionObject and not pThrowInfo:
        current = ctx.thread.cxx_current
        if current:
            pExceptionObject, pThrowInfo = current
    record = exception_record(CXX_EXCEPTION, ctx.return_eip,
                              (CXX_FRAME_MAGIC_VC6, pExceptionObject, pThrowInfo), flags=EXCEPTION_NONCONTINUABLE)
    raise_from_call(ctx, record)


def _local_unwind(ctx, fi: FuncInfo, frame: int, target_state: int):
    """Generator: run the unwind map's actions from the frame's state down to target_state."""
    ebp = frame + 0xC
    state = _i32(_read(ctx), frame + 8)
    while state > target_state and 0 <= state < len(fi.unwind_map):
        to_state, action = fi.unwind_map[state]
        ctx.write_u32(frame + 8, to_state & 0xFFFFFFFF)      # before the call, as msvcrt does
        if action:
            yield GuestCall(action, (), f"C++ unwind action state {state}", regs={"ebp": ebp})
        state = to_state
    ctx.write_u32(frame + 8, target_state & 0xFFFFFFFF)


@export(name="__CxxFrameHandler", conv="cdecl")
def __CxxFrameHandler(ctx, rec: PVOID, frame: PVOID, context: PVOID, dispatch: PVOID) -> INT:
    """The frame handler of every MSVC function with C++ EH state (FuncInfo in EAX)."""
    func_info_addr = ctx.machine.reg("eax")
    read = _read(ctx)
    fi = parse_func_info(read, func_info_addr)
    flags = ctx.read_u32(rec + 4)
    if flags & (EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND):
        if fi.max_state:
            yield from _local_unwind(ctx, fi, frame, -1)
        return ExceptionContinueSearch
    code = ctx.read_u32(rec)
    if code != CXX_EXCEPTION or ctx.read_u32(rec + 0x10) < 3:
        return ExceptionContinueSearch          # catch(...) of SEH exceptions (/EHa) is not modelled
    if ctx.read_u32(rec + 0x14) not in (CXX_FRAME_MAGIC_VC6, CXX_FRAME_MAGIC_VC7, CXX_FRAME_MAGIC_VC8):
        return ExceptionContinueSearch
    obj = ctx.read_u32(rec + 0x18)
    throw_info = ctx.read_u32(rec + 0x1C)
    state = _i32(read, frame + 8)
    found = find_catch(read, fi, state, throw_info)
    if found is None:
        return ExceptionContinueSearch
    block, handler, ct = found
    ebp = frame + 0xC
    # 1. unwind the frames above this one
    rtl_unwind = ctx.kernel.export_address(ctx.process, "ntdll.dll", "RtlUnwind")
    yield GuestCall(rtl_unwind, (frame, 0, rec, 0), "RtlUnwind (C++ catch)")
    # 2. the catch parameter
    if handler.type_descriptor and handler.disp_catch_obj and ct is not None:
        dest = (ebp + handler.disp_catch_obj) & 0xFFFFFFFF
        src = adjust_pointer(read, obj, ct)
        if handler.adjectives & TYPE_FLAG_REFERENCE:
            ctx.write_u32(dest, src)
        elif ct.properties & CLASS_IS_SIMPLE_TYPE:
            ctx.write(dest, read(src, ct.size))
        elif ct.copy_function:
            if ct.properties & CLASS_HAS_VIRTUAL_BASE_CLASS:
                yield GuestCall(ct.copy_function, (src, 1), "C++ copy constructor", regs={"ecx": dest})
            else:
                yield GuestCall(ct.copy_function, (src,), "C++ copy constructor", regs={"ecx": dest})
        else:
            ctx.write(dest, read(src, ct.size))
    # 3. this frame's unwind map down to the try block, then the state after it
    yield from _local_unwind(ctx, fi, frame, block.try_low)
    ctx.write_u32(frame + 8, (block.try_high + 1) & 0xFFFFFFFF)
    # 4. the catch funclet: returns where to continue
    saved = ctx.thread.cxx_current
    ctx.thread.cxx_current = (obj, throw_info)
    continuation = yield GuestCall(handler.handler, (), "C++ catch block", regs={"ebp": ebp})
    ctx.thread.cxx_current = saved
    # 5. the thrown object dies with the catch block
    destructor = ctx.read_u32(throw_info + 4) if throw_info else 0
    if destructor and obj:
        yield GuestCall(destructor, (), "C++ exception object destructor", regs={"ecx": obj})
    # 6. continue at the continuation with the frame's EBP/ESP, its registration back on fs:[0]
    from emu.context import CONTEXT_FULL, capture
    new = capture(ctx.machine, CONTEXT_FULL | 0x8 | 0x20)
    esp = ctx.read_u32(frame - 4)
    struct.pack_into("<I", new, 0xB8, continuation & 0xFFFFFFFF)
    struct.pack_into("<I", new, 0xB4, ebp)
    struct.pack_into("<I", new, 0xC4, esp)
    teb_list = ctx.thread.teb + ctx.process.structs.TEB.offsetof("NtTib.ExceptionList")
    ctx.write_u32(teb_list, frame)
    yield ResumeContext(bytes(new))
    return ExceptionContinueSearch          # not reached


# -- type_info / terminate --------------------------------------------------------------------------
@export(name="??1type_info@@UAE@XZ")
def type_info_dtor(ctx) -> VOID:
    """type_info::~type_info (thiscall, this in ECX, no stack arguments: stdcall with 0 bytes).
    Frees the undecorated-name cache at this+4 (msvcrt's _m_data), if one was made."""
    this = ctx.machine.reg("ecx")
    if this and ctx.read_u32(this + 4):
        ctx.write_u32(this + 4, 0)        # type_info::name() is not implemented: no cache to free


@export(name="?terminate@@YAXXZ", conv="cdecl")
def terminate(ctx) -> VOID:
    """terminate(): the default terminate handler is abort()."""
    from .crt import abort
    yield from abort(ctx)


@export(conv="cdecl")
def _purecall(ctx) -> INT:
    """A pure virtual function was called: runtime error R6025, then the process ends as _amsg_exit(25)."""
    from .crt import _amsg_exit
    yield from _amsg_exit(ctx, 25)
    return 0
