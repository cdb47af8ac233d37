"""Windows XP SP3 x86 (5.1.2600) structure sizes and member offsets, its system
service table and its profile.

The expected values are written out from the public PDB-derived tables, not
computed from the code under test:
  VOL  Volatility 2 xp_sp2_x86_vtypes.py (the table its WinXPSP3x86 profile uses)
  DT   public WinDbg `dt _TEB` dumps of XP SP2/SP3 (embedded ActivationContextStack)
  TRM  terminus (rewolf) _HEAP x86 table, XP column
  TS   tinysec/windows-syscall-table 5.1.2600-sp3-windows-xp/i386/ssdt.md
  J00  j00ru/windows-syscalls x86/csv/nt.csv, column "Windows XP (SP3)"
"""

import ctypes
import re
from importlib import resources

import pytest

from kernel.profiles import get_profile
from kernel.structs import win7_sp1_x86 as w
from kernel.structs import xp_sp3_x86 as x

# (class, size) -- VOL
SIZES = [
    (x.TEB, 0xFB8),                   # DT as well
    (x.PEB, 0x210),
    (x.PEB_LDR_DATA, 0x28),
    (x.LDR_DATA_TABLE_ENTRY, 0x50),
    (x.RTL_USER_PROCESS_PARAMETERS, 0x290),
    (x.KUSER_SHARED_DATA, 0x338),
    (x.ACTIVATION_CONTEXT_STACK, 0x14),
    (x.Wx86ThreadState, 0xC),
    (x.GDI_TEB_BATCH, 0x4E0),
    (x.NT_TIB, 0x1C),
    (x.CONTEXT, 0x2CC),
    (x.FLOATING_SAVE_AREA, 0x70),
    (x.EXCEPTION_RECORD, 0x50),
    (x.DISPATCHER_HEADER, 0x10),
    (x.KPROCESS, 0x6C),
    (x.EPROCESS, 0x260),
    (x.KTHREAD, 0x1C0),
    (x.ETHREAD, 0x258),
    (x.KAPC_STATE, 0x18),
    (x.KWAIT_BLOCK, 0x18),
    (x.KTIMER, 0x28),
    (x.KAPC, 0x30),
    (x.KSEMAPHORE, 0x14),
    (x.MMSUPPORT, 0x40),
    (x.FAST_MUTEX, 0x20),
    (x.HEAP_ENTRY, 0x8),
    (x.HEAP, 0x588),
]


@pytest.mark.parametrize("cls,size", SIZES,
                         ids=lambda v: v._name_ if isinstance(v, type) else hex(v))
def test_size(cls, size):
    assert ctypes.sizeof(cls) == size
    assert cls.sizeof() == size


OFFSETS = {
    # VOL _TEB; DT for 0x1a8-0x1d4
    x.TEB: {
        "NtTib": 0x000, "NtTib.ExceptionList": 0x000, "NtTib.StackBase": 0x004,
        "NtTib.StackLimit": 0x008, "NtTib.Self": 0x018, "EnvironmentPointer": 0x01C,
        "ClientId": 0x020, "ClientId.UniqueThread": 0x024, "ActiveRpcHandle": 0x028,
        "ThreadLocalStoragePointer": 0x02C, "ProcessEnvironmentBlock": 0x030,
        "LastErrorValue": 0x034, "CountOfOwnedCriticalSections": 0x038,
        "CsrClientThread": 0x03C, "Win32ThreadInfo": 0x040, "User32Reserved": 0x044,
        "UserReserved": 0x0AC, "WOW32Reserved": 0x0C0, "CurrentLocale": 0x0C4,
        "FpSoftwareStatusRegister": 0x0C8, "SystemReserved1": 0x0CC,
        "ExceptionCode": 0x1A4, "ActivationContextStack": 0x1A8,
        "ActivationContextStack.ActiveFrame": 0x1B0,
        "ActivationContextStack.FrameListCache": 0x1B4, "SpareBytes1": 0x1BC,
        "GdiTebBatch": 0x1D4, "RealClientId": 0x6B4, "GdiCachedProcessHandle": 0x6BC,
        "GdiClientPID": 0x6C0, "GdiClientTID": 0x6C4, "GdiThreadLocalInfo": 0x6C8,
        "Win32ClientInfo": 0x6CC, "glDispatchTable": 0x7C4, "glReserved1": 0xB68,
        "glReserved2": 0xBDC, "glSectionInfo": 0xBE0, "glSection": 0xBE4,
        "glTable": 0xBE8, "glCurrentRC": 0xBEC, "glContext": 0xBF0,
        "LastStatusValue": 0xBF4, "StaticUnicodeString": 0xBF8,
        "StaticUnicodeBuffer": 0xC00, "DeallocationStack": 0xE0C, "TlsSlots": 0xE10,
        "TlsLinks": 0xF10, "Vdm": 0xF18, "ReservedForNtRpc": 0xF1C,
        "DbgSsReserved": 0xF20, "HardErrorsAreDisabled": 0xF28,
        "Instrumentation": 0xF2C, "WinSockData": 0xF6C, "GdiBatchCount": 0xF70,
        "InDbgPrint": 0xF74, "FreeStackOnTermination": 0xF75, "HasFiberData": 0xF76,
        "IdealProcessor": 0xF77, "Spare3": 0xF78, "ReservedForPerf": 0xF7C,
        "ReservedForOle": 0xF80, "WaitingOnLoaderLock": 0xF84, "Wx86Thread": 0xF88,
        "Wx86Thread.UseKnownWx86Dll": 0xF90, "TlsExpansionSlots": 0xF94,
        "ImpersonationLocale": 0xF98, "IsImpersonating": 0xF9C, "NlsCache": 0xFA0,
        "pShimData": 0xFA4, "HeapVirtualAffinity": 0xFA8,
        "CurrentTransactionHandle": 0xFAC, "ActiveFrame": 0xFB0,
        "SafeThunkCall": 0xFB4, "BooleanSpare": 0xFB5,
    },
    # VOL _PEB
    x.PEB: {
        "InheritedAddressSpace": 0x000, "ReadImageFileExecOptions": 0x001,
        "BeingDebugged": 0x002, "SpareBool": 0x003, "Mutant": 0x004,
        "ImageBaseAddress": 0x008, "Ldr": 0x00C, "ProcessParameters": 0x010,
        "SubSystemData": 0x014, "ProcessHeap": 0x018, "FastPebLock": 0x01C,
        "FastPebLockRoutine": 0x020, "FastPebUnlockRoutine": 0x024,
        "EnvironmentUpdateCount": 0x028, "KernelCallbackTable": 0x02C,
        "SystemReserved": 0x030, "AtlThunkSListPtr32": 0x034, "FreeList": 0x038,
        "TlsExpansionCounter": 0x03C, "TlsBitmap": 0x040, "TlsBitmapBits": 0x044,
        "ReadOnlySharedMemoryBase": 0x04C, "ReadOnlySharedMemoryHeap": 0x050,
        "ReadOnlyStaticServerData": 0x054, "AnsiCodePageData": 0x058,
        "OemCodePageData": 0x05C, "UnicodeCaseTableData": 0x060,
        "NumberOfProcessors": 0x064, "NtGlobalFlag": 0x068,
        "CriticalSectionTimeout": 0x070, "HeapSegmentReserve": 0x078,
        "HeapSegmentCommit": 0x07C, "HeapDeCommitTotalFreeThreshold": 0x080,
        "HeapDeCommitFreeBlockThreshold": 0x084, "NumberOfHeaps": 0x088,
        "MaximumNumberOfHeaps": 0x08C, "ProcessHeaps": 0x090,
        "GdiSharedHandleTable": 0x094, "ProcessStarterHelper": 0x098,
        "GdiDCAttributeList": 0x09C, "LoaderLock": 0x0A0, "OSMajorVersion": 0x0A4,
        "OSMinorVersion": 0x0A8, "OSBuildNumber": 0x0AC, "OSCSDVersion": 0x0AE,
        "OSPlatformId": 0x0B0, "ImageSubsystem": 0x0B4,
        "ImageSubsystemMajorVersion": 0x0B8, "ImageSubsystemMinorVersion": 0x0BC,
        "ImageProcessAffinityMask": 0x0C0, "GdiHandleBuffer": 0x0C4,
        "PostProcessInitRoutine": 0x14C, "TlsExpansionBitmap": 0x150,
        "TlsExpansionBitmapBits": 0x154, "SessionId": 0x1D4, "AppCompatFlags": 0x1D8,
        "AppCompatFlagsUser": 0x1E0, "pShimData": 0x1E8, "AppCompatInfo": 0x1EC,
        "CSDVersion": 0x1F0, "ActivationContextData": 0x1F8,
        "ProcessAssemblyStorageMap": 0x1FC,
        "SystemDefaultActivationContextData": 0x200,
        "SystemAssemblyStorageMap": 0x204, "MinimumStackCommit": 0x208,
    },
    x.PEB_LDR_DATA: {"Length": 0x00, "Initialized": 0x04, "SsHandle": 0x08,
                     "InLoadOrderModuleList": 0x0C, "InMemoryOrderModuleList": 0x14,
                     "InInitializationOrderModuleList": 0x1C, "EntryInProgress": 0x24},
    x.LDR_DATA_TABLE_ENTRY: {
        "InLoadOrderLinks": 0x00, "InMemoryOrderLinks": 0x08,
        "InInitializationOrderLinks": 0x10, "DllBase": 0x18, "EntryPoint": 0x1C,
        "SizeOfImage": 0x20, "FullDllName": 0x24, "BaseDllName": 0x2C,
        "BaseDllName.Buffer": 0x30, "Flags": 0x34, "LoadCount": 0x38,
        "TlsIndex": 0x3A, "HashLinks": 0x3C, "SectionPointer": 0x3C, "CheckSum": 0x40,
        "TimeDateStamp": 0x44, "LoadedImports": 0x44,
        "EntryPointActivationContext": 0x48, "PatchInformation": 0x4C,
    },
    x.RTL_USER_PROCESS_PARAMETERS: {
        "MaximumLength": 0x00, "Length": 0x04, "Flags": 0x08, "DebugFlags": 0x0C,
        "ConsoleHandle": 0x10, "ConsoleFlags": 0x14, "StandardInput": 0x18,
        "StandardOutput": 0x1C, "StandardError": 0x20, "CurrentDirectory": 0x24,
        "CurrentDirectory.Handle": 0x2C, "DllPath": 0x30, "ImagePathName": 0x38,
        "CommandLine": 0x40, "CommandLine.Buffer": 0x44, "Environment": 0x48,
        "StartingX": 0x4C, "StartingY": 0x50, "CountX": 0x54, "CountY": 0x58,
        "CountCharsX": 0x5C, "CountCharsY": 0x60, "FillAttribute": 0x64,
        "WindowFlags": 0x68, "ShowWindowFlags": 0x6C, "WindowTitle": 0x70,
        "DesktopInfo": 0x78, "ShellInfo": 0x80, "RuntimeData": 0x88,
        "CurrentDirectores": 0x90,
    },
    x.KUSER_SHARED_DATA: {
        "TickCountLow": 0x000, "TickCountMultiplier": 0x004, "InterruptTime": 0x008,
        "SystemTime": 0x014, "TimeZoneBias": 0x020, "ImageNumberLow": 0x02C,
        "ImageNumberHigh": 0x02E, "NtSystemRoot": 0x030, "MaxStackTraceDepth": 0x238,
        "CryptoExponent": 0x23C, "TimeZoneId": 0x240, "Reserved2": 0x244,
        "NtProductType": 0x264, "ProductTypeIsValid": 0x268, "NtMajorVersion": 0x26C,
        "NtMinorVersion": 0x270, "ProcessorFeatures": 0x274, "Reserved1": 0x2B4,
        "Reserved3": 0x2B8, "TimeSlip": 0x2BC, "AlternativeArchitecture": 0x2C0,
        "SystemExpirationDate": 0x2C8, "SuiteMask": 0x2D0, "KdDebuggerEnabled": 0x2D4,
        "NXSupportPolicy": 0x2D5, "ActiveConsoleId": 0x2D8, "DismountCount": 0x2DC,
        "ComPlusPackage": 0x2E0, "LastSystemRITEventTickCount": 0x2E4,
        "NumberOfPhysicalPages": 0x2E8, "SafeBootMode": 0x2EC, "TraceLogging": 0x2F0,
        "TestRetInstruction": 0x2F8, "SystemCall": 0x300, "SystemCallReturn": 0x304,
        "SystemCallPad": 0x308, "TickCount": 0x320, "TickCountQuad": 0x320,
        "Cookie": 0x330,
    },
    x.CONTEXT: {"ContextFlags": 0x00, "Dr7": 0x18, "FloatSave": 0x1C, "SegGs": 0x8C,
                "Edi": 0x9C, "Eax": 0xB0, "Ebp": 0xB4, "Eip": 0xB8, "SegCs": 0xBC,
                "EFlags": 0xC0, "Esp": 0xC4, "SegSs": 0xC8, "ExtendedRegisters": 0xCC},
    x.EXCEPTION_RECORD: {"ExceptionCode": 0x00, "ExceptionFlags": 0x04,
                         "ExceptionRecord": 0x08, "ExceptionAddress": 0x0C,
                         "NumberParameters": 0x10, "ExceptionInformation": 0x14},
    x.DISPATCHER_HEADER: {"Type": 0x0, "Absolute": 0x1, "Size": 0x2, "Inserted": 0x3,
                          "SignalState": 0x4, "WaitListHead": 0x8},
    x.KPROCESS: {
        "Header": 0x00, "ProfileListHead": 0x10, "DirectoryTableBase": 0x18,
        "LdtDescriptor": 0x20, "Int21Descriptor": 0x28, "IopmOffset": 0x30,
        "Iopl": 0x32, "Unused": 0x33, "ActiveProcessors": 0x34, "KernelTime": 0x38,
        "UserTime": 0x3C, "ReadyListHead": 0x40, "SwapListEntry": 0x48,
        "VdmTrapcHandler": 0x4C, "ThreadListHead": 0x50, "ProcessLock": 0x58,
        "Affinity": 0x5C, "StackCount": 0x60, "BasePriority": 0x62,
        "ThreadQuantum": 0x63, "AutoAlignment": 0x64, "State": 0x65,
        "ThreadSeed": 0x66, "DisableBoost": 0x67, "PowerState": 0x68,
        "DisableQuantum": 0x69, "IdealNode": 0x6A, "Flags": 0x6B,
        "ExecuteOptions": 0x6B,
    },
    x.EPROCESS: {
        "Pcb": 0x000, "Pcb.ThreadListHead": 0x050, "Pcb.DirectoryTableBase": 0x018,
        "ProcessLock": 0x06C, "CreateTime": 0x070, "ExitTime": 0x078,
        "RundownProtect": 0x080, "UniqueProcessId": 0x084,
        "ActiveProcessLinks": 0x088, "QuotaUsage": 0x090, "QuotaPeak": 0x09C,
        "CommitCharge": 0x0A8, "PeakVirtualSize": 0x0AC, "VirtualSize": 0x0B0,
        "SessionProcessLinks": 0x0B4, "DebugPort": 0x0BC, "ExceptionPort": 0x0C0,
        "ObjectTable": 0x0C4, "Token": 0x0C8, "WorkingSetLock": 0x0CC,
        "WorkingSetPage": 0x0EC, "AddressCreationLock": 0x0F0,
        "HyperSpaceLock": 0x110, "ForkInProgress": 0x114, "HardwareTrigger": 0x118,
        "VadRoot": 0x11C, "VadHint": 0x120, "CloneRoot": 0x124,
        "NumberOfPrivatePages": 0x128, "NumberOfLockedPages": 0x12C,
        "Win32Process": 0x130, "Job": 0x134, "SectionObject": 0x138,
        "SectionBaseAddress": 0x13C, "QuotaBlock": 0x140, "WorkingSetWatch": 0x144,
        "Win32WindowStation": 0x148, "InheritedFromUniqueProcessId": 0x14C,
        "LdtInformation": 0x150, "VadFreeHint": 0x154, "VdmObjects": 0x158,
        "DeviceMap": 0x15C, "PhysicalVadList": 0x160, "PageDirectoryPte": 0x168,
        "Filler": 0x168, "Session": 0x170, "ImageFileName": 0x174, "JobLinks": 0x184,
        "LockedPagesList": 0x18C, "ThreadListHead": 0x190, "SecurityPort": 0x198,
        "PaeTop": 0x19C, "ActiveThreads": 0x1A0, "GrantedAccess": 0x1A4,
        "DefaultHardErrorProcessing": 0x1A8, "LastThreadExitStatus": 0x1AC,
        "Peb": 0x1B0, "PrefetchTrace": 0x1B4, "ReadOperationCount": 0x1B8,
        "WriteOperationCount": 0x1C0, "OtherOperationCount": 0x1C8,
        "ReadTransferCount": 0x1D0, "WriteTransferCount": 0x1D8,
        "OtherTransferCount": 0x1E0, "CommitChargeLimit": 0x1E8,
        "CommitChargePeak": 0x1EC, "AweInfo": 0x1F0,
        "SeAuditProcessCreationInfo": 0x1F4, "Vm": 0x1F8, "LastFaultCount": 0x238,
        "ModifiedPageCount": 0x23C, "NumberOfVads": 0x240, "JobStatus": 0x244,
        "Flags": 0x248, "ExitStatus": 0x24C, "NextPageColor": 0x250,
        "SubSystemMinorVersion": 0x252, "SubSystemMajorVersion": 0x253,
        "SubSystemVersion": 0x252, "PriorityClass": 0x254,
        "WorkingSetAcquiredUnsafe": 0x255, "Cookie": 0x258,
    },
    x.MMSUPPORT: {"LastTrimTime": 0x00, "Flags": 0x08, "PageFaultCount": 0x0C,
                  "PeakWorkingSetSize": 0x10, "WorkingSetSize": 0x14,
                  "MinimumWorkingSetSize": 0x18, "MaximumWorkingSetSize": 0x1C,
                  "VmWorkingSetList": 0x20, "WorkingSetExpansionLinks": 0x24,
                  "Claim": 0x2C, "NextEstimationSlot": 0x30, "NextAgingSlot": 0x34,
                  "EstimatedAvailable": 0x38, "GrowthSinceLastEstimate": 0x3C},
    x.KTHREAD: {
        "Header": 0x000, "MutantListHead": 0x010, "InitialStack": 0x018,
        "StackLimit": 0x01C, "Teb": 0x020, "TlsArray": 0x024, "KernelStack": 0x028,
        "DebugActive": 0x02C, "State": 0x02D, "Alerted": 0x02E, "Iopl": 0x030,
        "NpxState": 0x031, "Saturation": 0x032, "Priority": 0x033, "ApcState": 0x034,
        "ContextSwitches": 0x04C, "IdleSwapBlock": 0x050, "Spare0": 0x051,
        "WaitStatus": 0x054, "WaitIrql": 0x058, "WaitMode": 0x059, "WaitNext": 0x05A,
        "WaitReason": 0x05B, "WaitBlockList": 0x05C, "WaitListEntry": 0x060,
        "SwapListEntry": 0x060, "WaitTime": 0x068, "BasePriority": 0x06C,
        "DecrementCount": 0x06D, "PriorityDecrement": 0x06E, "Quantum": 0x06F,
        "WaitBlock": 0x070, "LegoData": 0x0D0, "KernelApcDisable": 0x0D4,
        "UserAffinity": 0x0D8, "SystemAffinityActive": 0x0DC, "PowerState": 0x0DD,
        "NpxIrql": 0x0DE, "InitialNode": 0x0DF, "ServiceTable": 0x0E0,
        "Queue": 0x0E4, "ApcQueueLock": 0x0E8, "Timer": 0x0F0,
        "QueueListEntry": 0x118, "SoftAffinity": 0x120, "Affinity": 0x124,
        "Preempted": 0x128, "ProcessReadyQueue": 0x129, "KernelStackResident": 0x12A,
        "NextProcessor": 0x12B, "CallbackStack": 0x12C, "Win32Thread": 0x130,
        "TrapFrame": 0x134, "ApcStatePointer": 0x138, "PreviousMode": 0x140,
        "EnableStackSwap": 0x141, "LargeStack": 0x142, "ResourceIndex": 0x143,
        "KernelTime": 0x144, "UserTime": 0x148, "SavedApcState": 0x14C,
        "Alertable": 0x164, "ApcStateIndex": 0x165, "ApcQueueable": 0x166,
        "AutoAlignment": 0x167, "StackBase": 0x168, "SuspendApc": 0x16C,
        "SuspendSemaphore": 0x19C, "ThreadListEntry": 0x1B0, "FreezeCount": 0x1B8,
        "SuspendCount": 0x1B9, "IdealProcessor": 0x1BA, "DisableBoost": 0x1BB,
    },
    x.ETHREAD: {
        "Tcb": 0x000, "Tcb.Teb": 0x020, "Tcb.InitialStack": 0x018,
        "Tcb.StackLimit": 0x01C, "Tcb.ThreadListEntry": 0x1B0, "CreateTime": 0x1C0,
        "NestedFaultCount": 0x1C0, "ApcNeeded": 0x1C0, "ExitTime": 0x1C8,
        "LpcReplyChain": 0x1C8, "KeyedWaitChain": 0x1C8, "ExitStatus": 0x1D0,
        "OfsChain": 0x1D0, "PostBlockList": 0x1D4, "TerminationPort": 0x1DC,
        "ReaperLink": 0x1DC, "KeyedWaitValue": 0x1DC, "ActiveTimerListLock": 0x1E0,
        "ActiveTimerListHead": 0x1E4, "Cid": 0x1EC, "Cid.UniqueThread": 0x1F0,
        "LpcReplySemaphore": 0x1F4, "KeyedWaitSemaphore": 0x1F4,
        "LpcReplyMessage": 0x208, "LpcWaitingOnPort": 0x208,
        "ImpersonationInfo": 0x20C, "IrpList": 0x210, "TopLevelIrp": 0x218,
        "DeviceToVerify": 0x21C, "ThreadsProcess": 0x220, "StartAddress": 0x224,
        "Win32StartAddress": 0x228, "LpcReceivedMessageId": 0x228,
        "ThreadListEntry": 0x22C, "RundownProtect": 0x234, "ThreadLock": 0x238,
        "LpcReplyMessageId": 0x23C, "ReadClusterSize": 0x240, "GrantedAccess": 0x244,
        "CrossThreadFlags": 0x248, "SameThreadPassiveFlags": 0x24C,
        "SameThreadApcFlags": 0x250, "ForwardClusterOnly": 0x254,
        "DisablePageFaultClustering": 0x255,
    },
    x.KAPC: {"Type": 0x00, "Size": 0x02, "Spare0": 0x04, "Thread": 0x08,
             "ApcListEntry": 0x0C, "KernelRoutine": 0x14, "NormalRoutine": 0x1C,
             "SystemArgument2": 0x28, "ApcStateIndex": 0x2C, "ApcMode": 0x2D,
             "Inserted": 0x2E},
    x.KWAIT_BLOCK: {"WaitListEntry": 0x00, "Thread": 0x08, "Object": 0x0C,
                    "NextWaitBlock": 0x10, "WaitKey": 0x14, "WaitType": 0x16},
    x.FAST_MUTEX: {"Count": 0x00, "Owner": 0x04, "Contention": 0x08, "Event": 0x0C,
                   "OldIrql": 0x1C},
    # VOL; TRM for Flags/ForceFlags
    x.HEAP_ENTRY: {"Size": 0x0, "PreviousSize": 0x2, "SubSegmentCode": 0x0,
                   "SmallTagIndex": 0x4, "Flags": 0x5, "UnusedBytes": 0x6,
                   "SegmentIndex": 0x7},
    x.HEAP: {"Entry": 0x000, "Signature": 0x008, "Flags": 0x00C, "ForceFlags": 0x010,
             "VirtualMemoryThreshold": 0x014, "SegmentReserve": 0x018,
             "TotalFreeSize": 0x028, "ProcessHeapsListIndex": 0x030,
             "VirtualAllocdBlocks": 0x050, "Segments": 0x058, "u": 0x158,
             "u.FreeListsInUseBytes": 0x158, "u2": 0x168,
             "AllocatorBackTraceIndex": 0x16A, "FreeLists": 0x178,
             "LockVariable": 0x578, "CommitRoutine": 0x57C, "FrontEndHeap": 0x580,
             "FrontHeapLockCount": 0x584, "FrontEndHeapType": 0x586,
             "LastSegmentIndex": 0x587},
}


def _cases():
    for cls, table in OFFSETS.items():
        for name, off in table.items():
            yield pytest.param(cls, name, off, id=f"{cls._name_}.{name}")


@pytest.mark.parametrize("cls,name,offset", list(_cases()))
def test_offset(cls, name, offset):
    assert cls.offsetof(name) == offset


# (class, member, bit position, width) -- VOL
BITS = [
    (x.EPROCESS, "ProcessExiting", 2, 1),
    (x.EPROCESS, "HasPhysicalVad", 9, 1),
    (x.EPROCESS, "AddressSpaceInitialized", 10, 2),
    (x.EPROCESS, "VdmAllowed", 24, 1),
    (x.EPROCESS, "Unused", 25, 5),
    (x.EPROCESS, "Unused2", 31, 1),
    (x.ETHREAD, "DeadThread", 1, 1),
    (x.ETHREAD, "SystemThread", 4, 1),
    (x.ETHREAD, "SkipTerminationMsg", 8, 1),
    (x.ETHREAD, "ApcNeeded", 2, 1),
    (x.ETHREAD, "AddressSpaceOwner", 2, 1),
    (x.EX_PUSH_LOCK, "Exclusive", 1, 1),
    (x.EX_PUSH_LOCK, "Shared", 2, 30),
    (x.KEXECUTE_OPTIONS, "ImageDispatchEnable", 5, 1),
    (x.MMSUPPORT_FLAGS, "AllowWorkingSetAdjustment", 16, 8),
    (x.MMSUPPORT_FLAGS, "MemoryPriority", 24, 8),
]


@pytest.mark.parametrize("cls,name,pos,width", BITS,
                         ids=lambda v: v._name_ if isinstance(v, type) else str(v))
def test_bit_positions(cls, name, pos, width):
    _, _, bit = cls.field_info(name)
    assert (bit.pos, bit.width) == (pos, width)


# Members ntboot's code reads or writes today (traced through the boot, sample,
# process, exception, FLS and dump tests, plus `dump teb --summary`) that XP does
# not have: the wiring engineer branches on the profile for these
WIN7_ONLY = [
    (x.PEB, "CrossProcessFlags"), (x.PEB, "FlsCallback"), (x.PEB, "FlsListHead"),
    (x.PEB, "FlsBitmap"), (x.PEB, "FlsBitmapBits"), (x.PEB, "FlsHighIndex"),
    (x.TEB, "FlsData"), (x.TEB, "HardErrorMode"),
    (x.RTL_USER_PROCESS_PARAMETERS, "EnvironmentSize"),
    (x.KUSER_SHARED_DATA, "TickCountLowDeprecated"),
    (x.KUSER_SHARED_DATA, "LargePageMinimum"),
    (x.LDR_DATA_TABLE_ENTRY, "ForwarderLinks"), (x.LDR_DATA_TABLE_ENTRY, "ServiceTagLinks"),
    (x.LDR_DATA_TABLE_ENTRY, "StaticLinks"),
]


@pytest.mark.parametrize("cls,name", WIN7_ONLY, ids=lambda v: getattr(v, "_name_", v))
def test_member_absent_on_xp_present_on_win7(cls, name):
    with pytest.raises(KeyError):
        cls.field_info(name)
    w.STRUCTS[cls._name_].field_info(name)          # the Win7 twin has it


def test_same_offset_under_the_xp_name():
    assert x.TEB.offsetof("HardErrorsAreDisabled") == w.TEB.offsetof("HardErrorMode") == 0xF28
    assert x.KUSER_SHARED_DATA.offsetof("TickCountLow") == 0
    assert w.KUSER_SHARED_DATA.offsetof("TickCountLowDeprecated") == 0
    assert x.PEB.offsetof("ImageProcessAffinityMask") == w.PEB.offsetof(
        "ActiveProcessAffinityMask") == 0xC0


def test_bytes_round_trip_at_xp_offsets():
    peb = x.PEB()
    peb.Ldr = 0x241E90
    peb.OSMajorVersion, peb.OSMinorVersion, peb.OSBuildNumber = 5, 1, 2600
    peb.OSCSDVersion = 0x0300
    blob = peb.to_bytes()
    assert len(blob) == 0x210
    assert blob[0x0C:0x10] == (0x241E90).to_bytes(4, "little")
    assert blob[0xA4:0xB0] == bytes.fromhex("05000000 01000000 280a 0003".replace(" ", ""))
    ethread = x.ETHREAD()
    ethread.CrossThreadFlags = 0
    ethread.SystemThread = 1
    assert ethread.CrossThreadFlags == 0x10
    assert x.ETHREAD.from_bytes(ethread.to_bytes()).SystemThread == 1


def test_both_profiles_structs_load_in_one_process():
    win7, xp = get_profile("win7sp1"), get_profile("xpsp3")
    assert win7.structs is w and xp.structs is x
    assert (w.TEB.sizeof(), x.TEB.sizeof()) == (0xFE4, 0xFB8)
    assert (w.PEB.sizeof(), x.PEB.sizeof()) == (0x248, 0x210)
    assert w.OS_VERSION == (6, 1, 7601) and x.OS_VERSION == (5, 1, 2600)
    assert x.KUSER_SHARED_DATA_ADDRESS == w.KUSER_SHARED_DATA_ADDRESS == 0x7FFE0000
    # every XP structure that Windows 7 also has is registered under the same key
    shared = set(w.STRUCTS) & set(x.STRUCTS)
    assert {"_TEB", "_PEB", "_EPROCESS", "_ETHREAD", "_KUSER_SHARED_DATA",
            "_LDR_DATA_TABLE_ENTRY", "_CONTEXT"} <= shared
    assert all(x.STRUCTS[k]._name_ == k for k in x.STRUCTS)


# ---------------------------------------------------------------- service table

TABLE = "xp_sp3_x86_syscalls.txt"
LINE = re.compile(r"^0x([0-9A-F]{4})\t(Nt[A-Za-z0-9]+)\t(\d+)$")

# TS ids and argc, the same numbers as J00's "Windows XP (SP3)" column
KNOWN = {
    "NtAcceptConnectPort": (0x000, 24),
    "NtAllocateVirtualMemory": (0x011, 24),
    "NtClose": (0x019, 4),
    "NtContinue": (0x020, 8),
    "NtCreateFile": (0x025, 44),
    "NtCreateProcessEx": (0x030, 36),
    "NtCreateSection": (0x032, 28),
    "NtCreateThread": (0x035, 32),
    "NtMapViewOfSection": (0x06C, 40),
    "NtQueryInformationProcess": (0x09A, 20),
    "NtReadFile": (0x0B7, 36),
    "NtResumeThread": (0x0CE, 8),
    "NtTerminateProcess": (0x101, 8),
    "NtWriteFile": (0x112, 36),
    "NtYieldExecution": (0x116, 0),
    "NtCreateKeyedEvent": (0x117, 16),
    "NtQueryPortInformationProcess": (0x11B, 0),
}


@pytest.fixture(scope="module")
def rows():
    text = resources.files("kernel.profiles").joinpath(TABLE).read_text()
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        assert m, f"malformed line {line!r}"
        out.append((int(m[1], 16), m[2], int(m[3])))
    return out


def test_syscall_count_and_order(rows):
    assert len(rows) == 284                                  # 0x000 - 0x11B
    assert [n for n, _, _ in rows] == list(range(284))
    assert len({name for _, name, _ in rows}) == 284


def test_syscall_known_values(rows):
    by_name = {name: (num, ab) for num, name, ab in rows}
    for name, expected in KNOWN.items():
        assert by_name[name] == expected, name


def test_syscalls_xp_lacks(rows):
    names = {name for _, name, _ in rows}
    for later in ("NtCreateUserProcess", "NtAlpcConnectPort", "NtCreateThreadEx",
                  "NtLoadKeyEx", "NtGetTickCount", "NtInitializeNlsFiles"):
        assert later not in names


def test_xp_profile():
    p = get_profile("xpsp3")
    assert (p.major, p.minor, p.build, p.version_string) == (5, 1, 2600, "5.1.2600")
    assert (p.csd_version, p.service_pack) == ("Service Pack 3", (3, 0))
    assert p.syscall_numbers["NtClose"] == 0x19 and len(p.syscall_numbers) == 284
    assert p.syscall_arg_bytes["NtCreateFile"] == 44
    assert p.start_thunk == ("kernel32.dll", "BaseProcessStartThunk")
    assert p.thread_start_thunk == ("kernel32.dll", "BaseThreadStartThunk")
    assert not p.has_kernelbase and "kernelbase.dll" not in p.dll_bases
    assert p.accepts_subsystem_version((5, 1)) and p.accepts_subsystem_version((4, 0))
    assert not p.accepts_subsystem_version((6, 0))      # XP refuses Vista+ images
    assert p.dll_bases["ntdll.dll"] == 0x7C900000
    assert p.dll_bases["kernel32.dll"] == 0x7C800000
    assert p.profile_root == "C:\\Documents and Settings"
    assert (p.heap_flags_offset, p.heap_force_flags_offset) == (
        x.HEAP.offsetof("Flags"), x.HEAP.offsetof("ForceFlags"))
    # 64 KB aligned, distinct
    assert all(b % 0x10000 == 0 for b in p.dll_bases.values())
    assert len(set(p.dll_bases.values())) == len(p.dll_bases)
    win7 = get_profile()
    assert win7.name == "win7sp1" and win7.profile_root == "C:\\Users"
    assert win7.syscall_numbers["NtClose"] == 0x32
