"""kernel32.dll, handlers grouped by the SDK header that declares them."""
from ...hle.registry import DllSpec
from . import (consoleapi, errhandlingapi, fileapi, heapapi, libloaderapi, memoryapi, processenv,
               processthreadsapi, synchapi, sysinfoapi)

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
}
FORWARDERS.update({name: f"KERNELBASE.{name}" for name in KERNELBASE_FUNCTIONS})

DLL = DllSpec(
    name="kernel32.dll",
    base=0x76C30000,
    modules=[consoleapi, fileapi, heapapi, libloaderapi, memoryapi, processenv,
             processthreadsapi, synchapi, sysinfoapi],
    forwarders=FORWARDERS,
    imports={"KERNELBASE.dll": KERNELBASE_FUNCTIONS},
)
