"""ntdll.dll: system-call stubs, the user-mode boot path (KiUserApcDispatcher, LdrInitializeThunk,
RtlUserThreadStart), the loader's Ldr* exports and the Rtl* library."""
from __future__ import annotations

import struct

from ...hle.registry import DllSpec
from . import crt, delayload, exception, heap, ldr, path, rtl, slist, synch, thread, version
from .state import NtdllState


def _code(resolve, origin: int, profile):
    """Hand-assembled x86 of ntdll's boot path and its Nt*/Zw* system-call stubs."""
    code = bytearray()
    labels = {}

    def here() -> int:
        return origin + len(code)

    def label(name: str) -> None:
        labels[name] = len(code)

    def call(target: int) -> None:
        code.extend(b"\xE8" + struct.pack("<i", target - (here() + 5)))

    # KiFastSystemCall / KiFastSystemCallRet: KUSER_SHARED_DATA.SystemCall points here
    label("KiFastSystemCall")
    code += b"\x8B\xD4"                 # mov edx, esp
    code += b"\x0F\x34"                 # sysenter
    label("KiFastSystemCallRet")
    code += b"\xC3"                     # ret
    code += b"\x90" * (16 - len(code) % 16)

    # system-call stubs, in service-number order; Zw* exports alias the same code
    numbers = profile.syscall_numbers
    arg_bytes = profile.syscall_arg_bytes
    for name, number in sorted(numbers.items(), key=lambda kv: kv[1]):
        label(name)
        labels["Zw" + name[2:]] = labels[name]
        code += b"\xB8" + struct.pack("<I", number)       # mov eax, number
        code += b"\xBA" + struct.pack("<I", 0x7FFE0300)   # mov edx, offset SharedUserData!SystemCall
        code += b"\xFF\x12"                                # call dword ptr [edx]
        code += b"\xC2" + struct.pack("<H", arg_bytes[name])   # ret argbytes
        code += b"\x90"

    # KiUserApcDispatcher: [esp] NormalRoutine, NormalContext, SystemArgument1, SystemArgument2, CONTEXT
    label("KiUserApcDispatcher")
    code += b"\x8D\x7C\x24\x10"         # lea edi, [esp+10h]     ; the CONTEXT
    code += b"\x58"                     # pop eax                ; NormalRoutine
    code += b"\xFF\xD0"                 # call eax               ; (NormalContext, SA1, SA2), stdcall
    code += b"\x6A\x01"                 # push 1                 ; TestAlert
    code += b"\x57"                     # push edi               ; CONTEXT
    call(origin + labels["NtContinue"])  # call NtContinue       ; does not return
    code += b"\xCC"

    # KiUserExceptionDispatcher: [esp] EXCEPTION_RECORD*, [esp+4] CONTEXT* (what KiDispatchException pushed)
    code += b"\x90" * (16 - len(code) % 16)
    label("KiUserExceptionDispatcher")
    code += b"\x8B\x4C\x24\x04"         # mov ecx, [esp+4]        ; CONTEXT
    code += b"\x8B\x1C\x24"             # mov ebx, [esp]          ; EXCEPTION_RECORD
    code += b"\x51"                     # push ecx
    code += b"\x53"                     # push ebx
    call(resolve(".RtlDispatchException"))
    code += b"\x0A\xC0"                 # or al, al
    code += b"\x74\x0A"                 # jz not_handled (skips the 10 bytes below)
    code += b"\x5B"                     # pop ebx
    code += b"\x59"                     # pop ecx
    code += b"\x6A\x00"                 # push 0                  ; TestAlert
    code += b"\x51"                     # push ecx                ; CONTEXT
    call(origin + labels["NtContinue"])  # continue at the (possibly changed) CONTEXT
    label(".not_handled")
    code += b"\x5B"                     # pop ebx
    code += b"\x59"                     # pop ecx
    code += b"\x6A\x00"                 # push 0                  ; FirstChance = FALSE
    code += b"\x51"                     # push ecx
    code += b"\x53"                     # push ebx
    call(origin + labels["NtRaiseException"])   # second chance: the process ends
    code += b"\xCC"

    # RtlUserThreadStart (NT 6.x's start thunk; not in an NT 5.x ntdll): EAX = start address, EBX = its
    # parameter
    if ("ntdll.dll", "RtlUserThreadStart") in (profile.start_thunk, profile.thread_start_thunk):
        _rtl_user_thread_start(code, label, call, resolve)

    # the return trap: guest functions called from Python return here
    code += b"\x90" * (16 - len(code) % 16)
    label(".return_trap")
    code += b"\x90\xCC"
    return bytes(code), labels


def _rtl_user_thread_start(code: bytearray, label, call, resolve) -> None:
    code += b"\x90" * (16 - len(code) % 16)
    label("RtlUserThreadStart")
    code += b"\x68" + struct.pack("<I", resolve(".RtlpTopLevelExceptionHandler"))   # push handler
    code += b"\x64\xFF\x35\x00\x00\x00\x00"   # push dword ptr fs:[0]
    code += b"\x64\x89\x25\x00\x00\x00\x00"   # mov dword ptr fs:[0], esp   ; top-level SEH frame
    code += b"\x53"                           # push ebx
    code += b"\xFF\xD0"                       # call eax                    ; the entry point
    code += b"\x50"                           # push eax                    ; its exit code
    call(resolve("RtlExitUserThread"))        # does not return
    code += b"\xCC"


DLL = DllSpec(
    name="ntdll.dll",
    base=0x77A60000,
    modules=[ldr, rtl, heap, thread, exception, path, synch, crt, slist, version, delayload],
    code=_code,
    syscalls=True,
)
DLL.state = NtdllState
