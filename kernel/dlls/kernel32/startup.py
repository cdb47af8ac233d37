"""NT 5.x's user-mode thread start: kernel32!BaseProcessStartThunk / BaseProcessStart for the first
thread, BaseThreadStartThunk / BaseThreadStart for CreateThread's (BOOT-FLOW 4.6).

On Windows XP the initial CONTEXT's Eip is kernel32!BaseProcessStartThunk with Eax = the entry point
(BaseThreadStartThunk: Eax = the start routine, Ebx = its parameter).  The thunks clear EBP, push a
zero return address and jump to BaseProcessStart(StartAddress) / BaseThreadStart(StartAddress,
Parameter), which run the start routine inside a __try/__except whose filter is
UnhandledExceptionFilter: a real VC "SEH3" registration on the stack (EBP-0x18 saved ESP, EBP-0x14
EXCEPTION_POINTERS*, EBP-0x10 next, EBP-0x0C kernel32's _except_handler3, EBP-8 the scope table,
EBP-4 the try level), and end the thread with ExitThread(the routine's return value).

Windows 7 does the same in ntdll!RtlUserThreadStart (kernel/dlls/ntdll/__init__.py); this code is
only assembled for a profile whose start thunks are kernel32's.  The functions are kernel32-internal
(not exported), as on XP.
"""
from __future__ import annotations

import struct

from .state import kernel32_state
from ...hle.registry import export
from ...hle.types import DWORD, INT, PVOID, VOID
from ..msvcrt import excpt


def wanted(profile) -> bool:
    """The profile's start thunks are kernel32's (NT 5.x)."""
    return profile.start_thunk[0].lower() == "kernel32.dll" or profile.thread_start_thunk[0].lower() == "kernel32.dll"


def code(resolve, origin: int, profile):
    """x86 of BaseProcessStartThunk, BaseThreadStartThunk, BaseProcessStart, BaseThreadStart and the
    filter and __except block of their frame (nothing for an NT 6.x profile)."""
    if not wanted(profile):
        return b"", {}
    out = bytearray()
    labels = {}

    def here() -> int:
        return origin + len(out)

    def label(name: str) -> None:
        labels[name] = len(out)

    def rel32(opcode: bytes, target: int) -> None:
        out.extend(opcode + struct.pack("<i", target - (here() + len(opcode) + 4)))

    def align() -> None:
        out.extend(b"\x90" * (-len(out) % 16))

    # the scope table of both frames: {EnclosingLevel = -1, FilterFunc, HandlerFunc}, patched below
    label(".BaseStartScopeTable")
    out.extend(b"\0" * 12)
    align()

    # filter: UnhandledExceptionFilter(GetExceptionInformation()), the code kept for the __except block
    label(".BaseStartFilter")
    out += b"\x8B\x45\xEC"                   # mov eax, [ebp-14h]      ; EXCEPTION_POINTERS*
    out += b"\x8B\x08"                       # mov ecx, [eax]          ; ExceptionRecord
    out += b"\x8B\x09"                       # mov ecx, [ecx]          ; ExceptionCode
    out += b"\x89\x4D\xE4"                   # mov [ebp-1Ch], ecx
    out += b"\x50"                           # push eax
    rel32(b"\xE8", resolve("UnhandledExceptionFilter"))
    out += b"\xC3"                           # ret
    align()

    # __except block: the process ends with the exception code
    label(".BaseStartExcept")
    out += b"\x8B\x65\xE8"                   # mov esp, [ebp-18h]
    out += b"\xFF\x75\xE4"                   # push dword ptr [ebp-1Ch] ; GetExceptionCode()
    rel32(b"\xE8", resolve(".BaseExceptionExit"))
    out += b"\xCC"
    align()

    def frame_prologue() -> None:
        out.extend(b"\x55")                  # push ebp
        out.extend(b"\x8B\xEC")              # mov ebp, esp
        out.extend(b"\x6A\xFF")              # push -1                  ; try level: none yet
        out.extend(b"\x68" + struct.pack("<I", origin + labels[".BaseStartScopeTable"]))
        out.extend(b"\x68" + struct.pack("<I", resolve("._except_handler3")))
        out.extend(b"\x64\xFF\x35\x00\x00\x00\x00")   # push dword ptr fs:[0]   ; Next
        out.extend(b"\x64\x89\x25\x00\x00\x00\x00")   # mov fs:[0], esp         ; the registration
        out.extend(b"\x83\xEC\x0C")          # sub esp, 0Ch             ; [ebp-14h], [ebp-18h], [ebp-1Ch]
        out.extend(b"\x89\x65\xE8")          # mov [ebp-18h], esp       ; saved ESP
        out.extend(b"\x83\x65\xFC\x00")      # and dword ptr [ebp-4], 0 ; __try

    # BaseProcessStart(StartAddress): [esp] = 0 (the thunk's return address), [esp+4] = StartAddress
    label("BaseProcessStart")
    frame_prologue()
    out += b"\xFF\x55\x08"                   # call dword ptr [ebp+8]   ; the entry point
    out += b"\x50"                           # push eax
    rel32(b"\xE8", resolve("ExitThread"))    # ExitThread(its return value); does not return
    out += b"\xCC"
    align()

    # BaseThreadStart(StartAddress, Parameter)
    label("BaseThreadStart")
    frame_prologue()
    out += b"\xFF\x75\x0C"                   # push dword ptr [ebp+0Ch] ; Parameter
    out += b"\xFF\x55\x08"                   # call dword ptr [ebp+8]   ; StartAddress(Parameter)
    out += b"\x50"                           # push eax
    rel32(b"\xE8", resolve("ExitThread"))
    out += b"\xCC"
    align()

    # BaseProcessStartThunk: EAX = entry point
    label("BaseProcessStartThunk")
    out += b"\x33\xED"                       # xor ebp, ebp
    out += b"\x50"                           # push eax
    out += b"\x6A\x00"                       # push 0
    rel32(b"\xE9", origin + labels["BaseProcessStart"])
    align()

    # BaseThreadStartThunk: EAX = start routine, EBX = its parameter
    label("BaseThreadStartThunk")
    out += b"\x33\xED"                       # xor ebp, ebp
    out += b"\x53"                           # push ebx
    out += b"\x50"                           # push eax
    out += b"\x6A\x00"                       # push 0
    rel32(b"\xE9", origin + labels["BaseThreadStart"])
    align()

    table = labels[".BaseStartScopeTable"]
    out[table:table + 12] = struct.pack("<III", 0xFFFFFFFF, origin + labels[".BaseStartFilter"],
                                        origin + labels[".BaseStartExcept"])
    # kernel32-internal functions: not exported (the kernel finds them through the labels)
    return bytes(out), {("." + k if not k.startswith(".") else k): v for k, v in labels.items()}


@export(name="._except_handler3", conv="cdecl")
def except_handler3(ctx, ExceptionRecord: PVOID, EstablisherFrame: PVOID, ContextRecord: PVOID,
                    DispatcherContext: PVOID) -> INT:
    """kernel32's own copy of the C runtime's SEH3 frame handler (statically linked, as in XP's kernel32)."""
    return (yield from excpt._except_handler3(ctx, ExceptionRecord, EstablisherFrame, ContextRecord,
                                              DispatcherContext))


@export(name=".BaseExceptionExit")
def base_exception_exit(ctx, ExceptionCode: DWORD) -> VOID:
    """The __except block of BaseProcessStart/BaseThreadStart: ExitProcess(GetExceptionCode()).  When
    no filter of the program chose the handler, the fault report (Dr. Watson) ends the process
    first: ntboot reports it as an unhandled exception, as on Windows 7."""
    if kernel32_state(ctx.process).filter_said_execute:
        from ..ntdll.thread import exit_process
        yield from exit_process(ctx, ExceptionCode)
        return
    ctx.kernel.exceptions.unhandled_exception(ctx.thread, ExceptionCode)
