"""kernel32.dll, handlers grouped by the SDK header that declares them."""
from dataclasses import replace

from ...hle.registry import DllSpec
from . import (consoleapi, errhandlingapi, fibersapi, fileapi, handleapi, heapapi, interlockedapi, jobapi,
               libloaderapi, memoryapi, processenv, processthreadsapi, stringapiset, synchapi, sysinfoapi, winbase,
               winnls)

from .state import Kernel32State
from . import consoleapi3, timezoneapi, winbase_mem   # GetConsoleWindow; time zones; Global*/Local* memory
from . import startup          # NT 5.x's BaseProcessStartThunk / BaseThreadStartThunk
from . import ioapiset         # I/O completion ports, cancellation, device control
from . import consoleapi2, namedpipeapi, psapi   # screen buffer, title; pipes; K32* (psapi.dll forwards here)
# OutputDebugString; processor topology; Toolhelp; MulDiv, IsBad*Ptr, IsWow64Process; resources
from . import debugapi, processortopology, tlhelp32, winbase_ptr, winbase_res

# what Windows 7's kernel32 leaves to KERNELBASE.dll (implemented there, forwarded here)
KERNELBASE_FUNCTIONS = sorted(name for name, obj in vars(errhandlingapi).items() if hasattr(obj, "__hle__"))

# exports that kernel32 forwards to ntdll
FORWARDERS = {
    "EnterCriticalSection": "NTDLL.RtlEnterCriticalSection",
    "LeaveCriticalSection": "NTDLL.RtlLeaveCriticalSection",
    "DeleteCriticalSection": "NTDLL.RtlDeleteCriticalSection",
    "TryEnterCriticalSection": "NTDLL.RtlTryEnterCriticalSection",
    "HeapAlloc": "NTDLL.RtlAllocateHeap",
    "HeapReAlloc": "NTDLL.RtlReAllocateHeap",
    "HeapSize": "NTDLL.RtlSizeHeap",
    "EncodePointer": "NTDLL.RtlEncodePointer",
    "DecodePointer": "NTDLL.RtlDecodePointer",
    "SetLastError": "NTDLL.RtlSetLastWin32Error",
    "RtlZeroMemory": "NTDLL.RtlZeroMemory",
    "RtlCaptureContext": "NTDLL.RtlCaptureContext",
    "RtlFillMemory": "NTDLL.RtlFillMemory",
    "RtlMoveMemory": "NTDLL.RtlMoveMemory",
    "AddVectoredExceptionHandler": "NTDLL.RtlAddVectoredExceptionHandler",
    "RemoveVectoredExceptionHandler": "NTDLL.RtlRemoveVectoredExceptionHandler",
    "RtlUnwind": "NTDLL.RtlUnwind",
    # slim locks and one-time initialization (synchapi.h)
    "InitializeSRWLock": "NTDLL.RtlInitializeSRWLock",
    "AcquireSRWLockExclusive": "NTDLL.RtlAcquireSRWLockExclusive",
    "AcquireSRWLockShared": "NTDLL.RtlAcquireSRWLockShared",
    "ReleaseSRWLockExclusive": "NTDLL.RtlReleaseSRWLockExclusive",
    "ReleaseSRWLockShared": "NTDLL.RtlReleaseSRWLockShared",
    "TryAcquireSRWLockExclusive": "NTDLL.RtlTryAcquireSRWLockExclusive",
    "TryAcquireSRWLockShared": "NTDLL.RtlTryAcquireSRWLockShared",
    "InitializeConditionVariable": "NTDLL.RtlInitializeConditionVariable",
    "WakeConditionVariable": "NTDLL.RtlWakeConditionVariable",
    "WakeAllConditionVariable": "NTDLL.RtlWakeAllConditionVariable",
    "InitOnceInitialize": "NTDLL.RtlRunOnceInitialize",
    # interlocked singly linked lists (interlockedapi.h)
    "InitializeSListHead": "NTDLL.RtlInitializeSListHead",
    "InterlockedPushEntrySList": "NTDLL.RtlInterlockedPushEntrySList",
    "InterlockedPopEntrySList": "NTDLL.RtlInterlockedPopEntrySList",
    "InterlockedFlushSList": "NTDLL.RtlInterlockedFlushSList",
    "QueryDepthSList": "NTDLL.RtlQueryDepthSList",
    "VerSetConditionMask": "NTDLL.VerSetConditionMask",
    # delay-load imports
    "ResolveDelayLoadedAPI": "NTDLL.LdrResolveDelayLoadedAPI",
    "ResolveDelayLoadsFromDll": "NTDLL.LdrResolveDelayLoadsFromDll",
}

# the template (Windows 7's layout); for_profile() makes each profile's kernel32
DLL = DllSpec(
    name="kernel32.dll",
    base=0x76C30000,
    modules=[consoleapi, fibersapi, fileapi, handleapi, heapapi, interlockedapi, jobapi, libloaderapi, memoryapi,
             processenv, processthreadsapi, stringapiset, synchapi, sysinfoapi, winbase, winnls,
             consoleapi3, timezoneapi, winbase_mem, startup, ioapiset, consoleapi2, namedpipeapi, psapi,
             debugapi, processortopology, tlhelp32, winbase_ptr, winbase_res],
    forwarders={**FORWARDERS, **{name: f"KERNELBASE.{name}" for name in KERNELBASE_FUNCTIONS}},
    imports={"KERNELBASE.dll": KERNELBASE_FUNCTIONS},
    code=startup.code,
    init=processthreadsapi.kernel32_init,
)
DLL.state = Kernel32State


def for_profile(profile) -> DllSpec:
    """kernel32 as the profile's Windows lays it out: with KERNELBASE (Windows 7: the error-handling
    functions live there, kernel32 imports and forwards them) or without (XP: they are kernel32's own)."""
    absent = frozenset(profile.absent_exports.get("kernel32.dll", ()))
    if profile.has_kernelbase:
        forwarders, modules, imports = DLL.forwarders, DLL.modules, DLL.imports
    else:
        forwarders, modules, imports = FORWARDERS, DLL.modules + [errhandlingapi], {}
    return replace(DLL, base=profile.dll_bases.get("kernel32.dll", DLL.base), modules=list(modules),
                   forwarders={k: v for k, v in forwarders.items() if k not in absent},
                   imports=dict(imports), absent=absent)
