"""kernel32.dll, handlers grouped by the SDK header that declares them."""
from ...hle.registry import DllSpec
from . import (consoleapi, errhandlingapi, fibersapi, fileapi, handleapi, heapapi, interlockedapi, jobapi,
               libloaderapi, memoryapi, processenv, processthreadsapi, stringapiset, synchapi, sysinfoapi, winbase,
               winnls)

from . import consoleapi3, timezoneapi, winbase_mem   # GetConsoleWindow; time zones; Global*/Local* memory

# what Windows 7's kernel32 leaves to KERNELBASE.dll (implemented there, forwarded here)
KERNELBASE_FUNCTIONS = sorted(name for name, obj in vars(errhandlingapi).items() if hasattr(obj, "__hle__"))

# exports that Windows 7's kernel32 forwards to ntdll
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
FORWARDERS.update({name: f"KERNELBASE.{name}" for name in KERNELBASE_FUNCTIONS})

DLL = DllSpec(
    name="kernel32.dll",
    base=0x76C30000,
    modules=[consoleapi, fibersapi, fileapi, handleapi, heapapi, interlockedapi, jobapi, libloaderapi, memoryapi,
             processenv, processthreadsapi, stringapiset, synchapi, sysinfoapi, winbase, winnls],
    forwarders=FORWARDERS,
    imports={"KERNELBASE.dll": KERNELBASE_FUNCTIONS},
)
DLL.modules += [consoleapi3, timezoneapi, winbase_mem]

# WriteConsoleOutput; OutputDebugString; processor topology; K32* psapi; Toolhelp; MulDiv, IsBad*Ptr,
# IsWow64Process; resources
from . import consoleapi2, debugapi, processortopology, psapi, tlhelp32, winbase_ptr, winbase_res
DLL.modules += [consoleapi2, debugapi, processortopology, psapi, tlhelp32, winbase_ptr, winbase_res]
