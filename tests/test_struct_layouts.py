"""Windows 7 SP1 x86 (6.1.7601) structure sizes and member offsets.

The expected values below are written out from the public PDB-derived
sources, not computed from the code under test:
  VOL  Volatility 2 win7_sp1_x86_vtypes.py
  WAD  winappdbg peb_teb.py (WinDbg dt dumps of the Windows 7 32-bit PEB/TEB)
  NTD  ntdiff/headers Win7_SP1/x86 (ntoskrnl.exe / ntdll.dll headers)
  DT   public WinDbg `dt _CONTEXT` dumps
"""

import ctypes
import os
import sys

import pytest

# make the repository root importable when run as plain `pytest`
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from kernel.structs import (Array, Bits, LayoutError, LONGLONG, Ptr, PVOID, S,
                            Struct, U, UCHAR, ULONG, USHORT)
from kernel.structs import win7_sp1_x86 as w

# (class, size) -- VOL for all; second source noted per line
SIZES = [
    (w.LIST_ENTRY, 0x8),              # NTD
    (w.UNICODE_STRING, 0x8),          # NTD
    (w.STRING, 0x8),                  # VOL _STRING32
    (w.CLIENT_ID, 0x8),               # NTD
    (w.LARGE_INTEGER, 0x8),           # NTD
    (w.ULARGE_INTEGER, 0x8),
    (w.NT_TIB, 0x1C),                 # VOL _NT_TIB32
    (w.CURDIR, 0xC),
    (w.RTL_DRIVE_LETTER_CURDIR, 0x10),
    (w.GDI_TEB_BATCH, 0x4E0),         # WAD (0x6b4 - 0x1d4)
    (w.TEB, 0xFE4),                   # VOL _TEB32
    (w.PEB, 0x248),                   # WAD (last member 0x240 + 8-alignment)
    (w.PEB_LDR_DATA, 0x30),           # Chappell: 0x30 from Vista SP1
    (w.LDR_DATA_TABLE_ENTRY, 0x78),   # NTD
    (w.RTL_USER_PROCESS_PARAMETERS, 0x298),
    (w.KSYSTEM_TIME, 0xC),            # NTD
    (w.XSTATE_CONFIGURATION, 0x210),  # NTD
    (w.KUSER_SHARED_DATA, 0x5F0),     # NTD
    (w.FLOATING_SAVE_AREA, 0x70),
    (w.CONTEXT, 0x2CC),               # DT (0xcc + 0x200)
    (w.EXCEPTION_RECORD, 0x50),       # VOL _EXCEPTION_RECORD32
    (w.DISPATCHER_HEADER, 0x10),      # NTD
    (w.KPROCESS, 0x98),               # NTD
    (w.EPROCESS, 0x2C0),              # NTD
    (w.KTHREAD, 0x200),               # NTD
    (w.ETHREAD, 0x2B8),               # NTD
    (w.KAPC_STATE, 0x18),
    (w.KWAIT_BLOCK, 0x18),            # NTD
    (w.KTIMER, 0x28),
    (w.KAPC, 0x30),                   # NTD
    (w.MMSUPPORT, 0x6C),              # NTD
    (w.MM_AVL_TABLE, 0x20),           # NTD
]


@pytest.mark.parametrize("cls,size", SIZES,
                         ids=lambda v: v._name_ if isinstance(v, type) else hex(v))
def test_size(cls, size):
    assert ctypes.sizeof(cls) == size
    assert cls.sizeof() == size


OFFSETS = {
    w.LIST_ENTRY: {"Flink": 0x0, "Blink": 0x4},
    w.UNICODE_STRING: {"Length": 0x0, "MaximumLength": 0x2, "Buffer": 0x4},
    w.STRING: {"Length": 0x0, "MaximumLength": 0x2, "Buffer": 0x4},
    w.CLIENT_ID: {"UniqueProcess": 0x0, "UniqueThread": 0x4},
    w.LARGE_INTEGER: {"LowPart": 0x0, "HighPart": 0x4, "QuadPart": 0x0},
    w.NT_TIB: {"ExceptionList": 0x0, "StackBase": 0x4, "StackLimit": 0x8,
               "SubSystemTib": 0xC, "FiberData": 0x10, "Version": 0x10,
               "ArbitraryUserPointer": 0x14, "Self": 0x18},
    w.CURDIR: {"DosPath": 0x0, "Handle": 0x8},
    w.RTL_DRIVE_LETTER_CURDIR: {"Flags": 0x0, "Length": 0x2, "TimeStamp": 0x4,
                                "DosPath": 0x8},
    # VOL _TEB, WAD Windows 7 TEB dump
    w.TEB: {
        "NtTib": 0x000, "NtTib.ExceptionList": 0x000, "NtTib.Self": 0x018,
        "EnvironmentPointer": 0x01C, "ClientId": 0x020,
        "ClientId.UniqueThread": 0x024, "ActiveRpcHandle": 0x028,
        "ThreadLocalStoragePointer": 0x02C, "ProcessEnvironmentBlock": 0x030,
        "LastErrorValue": 0x034, "CountOfOwnedCriticalSections": 0x038,
        "CsrClientThread": 0x03C, "Win32ThreadInfo": 0x040,
        "User32Reserved": 0x044, "UserReserved": 0x0AC, "WOW32Reserved": 0x0C0,
        "CurrentLocale": 0x0C4, "FpSoftwareStatusRegister": 0x0C8,
        "SystemReserved1": 0x0CC, "ExceptionCode": 0x1A4,
        "ActivationContextStackPointer": 0x1A8, "SpareBytes": 0x1AC,
        "TxFsContext": 0x1D0, "GdiTebBatch": 0x1D4, "RealClientId": 0x6B4,
        "GdiCachedProcessHandle": 0x6BC, "GdiClientPID": 0x6C0,
        "GdiClientTID": 0x6C4, "GdiThreadLocalInfo": 0x6C8,
        "Win32ClientInfo": 0x6CC, "glDispatchTable": 0x7C4, "glReserved1": 0xB68,
        "glReserved2": 0xBDC, "glSectionInfo": 0xBE0, "glSection": 0xBE4,
        "glTable": 0xBE8, "glCurrentRC": 0xBEC, "glContext": 0xBF0,
        "LastStatusValue": 0xBF4, "StaticUnicodeString": 0xBF8,
        "StaticUnicodeBuffer": 0xC00, "DeallocationStack": 0xE0C,
        "TlsSlots": 0xE10, "TlsLinks": 0xF10, "Vdm": 0xF18,
        "ReservedForNtRpc": 0xF1C, "DbgSsReserved": 0xF20, "HardErrorMode": 0xF28,
        "Instrumentation": 0xF2C, "ActivityId": 0xF50, "SubProcessTag": 0xF60,
        "EtwLocalData": 0xF64, "EtwTraceData": 0xF68, "WinSockData": 0xF6C,
        "GdiBatchCount": 0xF70, "CurrentIdealProcessor": 0xF74,
        "IdealProcessorValue": 0xF74, "ReservedPad0": 0xF74, "ReservedPad1": 0xF75,
        "ReservedPad2": 0xF76, "IdealProcessor": 0xF77,
        "GuaranteedStackBytes": 0xF78, "ReservedForPerf": 0xF7C,
        "ReservedForOle": 0xF80, "WaitingOnLoaderLock": 0xF84,
        "SavedPriorityState": 0xF88, "SoftPatchPtr1": 0xF8C,
        "ThreadPoolData": 0xF90, "TlsExpansionSlots": 0xF94,
        "MuiGeneration": 0xF98, "IsImpersonating": 0xF9C, "NlsCache": 0xFA0,
        "pShimData": 0xFA4, "HeapVirtualAffinity": 0xFA8,
        "CurrentTransactionHandle": 0xFAC, "ActiveFrame": 0xFB0, "FlsData": 0xFB4,
        "PreferredLanguages": 0xFB8, "UserPrefLanguages": 0xFBC,
        "MergedPrefLanguages": 0xFC0, "MuiImpersonation": 0xFC4,
        "CrossTebFlags": 0xFC8, "SameTebFlags": 0xFCA, "SafeThunkCall": 0xFCA,
        "InitialThread": 0xFCA, "TxnScopeEnterCallback": 0xFCC,
        "TxnScopeExitCallback": 0xFD0, "TxnScopeContext": 0xFD4,
        "LockCount": 0xFD8, "SpareUlong0": 0xFDC, "ResourceRetValue": 0xFE0,
    },
    # VOL _PEB, WAD Windows 7 PEB dump
    w.PEB: {
        "InheritedAddressSpace": 0x000, "ReadImageFileExecOptions": 0x001,
        "BeingDebugged": 0x002, "BitField": 0x003, "ImageUsesLargePages": 0x003,
        "SkipPatchingUser32Forwarders": 0x003, "Mutant": 0x004,
        "ImageBaseAddress": 0x008, "Ldr": 0x00C, "ProcessParameters": 0x010,
        "SubSystemData": 0x014, "ProcessHeap": 0x018, "FastPebLock": 0x01C,
        "AtlThunkSListPtr": 0x020, "IFEOKey": 0x024, "CrossProcessFlags": 0x028,
        "ProcessUsingFTH": 0x028, "KernelCallbackTable": 0x02C,
        "UserSharedInfoPtr": 0x02C, "SystemReserved": 0x030,
        "AtlThunkSListPtr32": 0x034, "ApiSetMap": 0x038,
        "TlsExpansionCounter": 0x03C, "TlsBitmap": 0x040, "TlsBitmapBits": 0x044,
        "ReadOnlySharedMemoryBase": 0x04C, "HotpatchInformation": 0x050,
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
        "ActiveProcessAffinityMask": 0x0C0, "GdiHandleBuffer": 0x0C4,
        "PostProcessInitRoutine": 0x14C, "TlsExpansionBitmap": 0x150,
        "TlsExpansionBitmapBits": 0x154, "SessionId": 0x1D4,
        "AppCompatFlags": 0x1D8, "AppCompatFlagsUser": 0x1E0, "pShimData": 0x1E8,
        "AppCompatInfo": 0x1EC, "CSDVersion": 0x1F0,
        "ActivationContextData": 0x1F8, "ProcessAssemblyStorageMap": 0x1FC,
        "SystemDefaultActivationContextData": 0x200,
        "SystemAssemblyStorageMap": 0x204, "MinimumStackCommit": 0x208,
        "FlsCallback": 0x20C, "FlsListHead": 0x210, "FlsBitmap": 0x218,
        "FlsBitmapBits": 0x21C, "FlsHighIndex": 0x22C,
        "WerRegistrationData": 0x230, "WerShipAssertPtr": 0x234,
        "pContextData": 0x238, "pImageHeaderHash": 0x23C, "TracingFlags": 0x240,
    },
    w.PEB_LDR_DATA: {"Length": 0x00, "Initialized": 0x04, "SsHandle": 0x08,
                     "InLoadOrderModuleList": 0x0C, "InMemoryOrderModuleList": 0x14,
                     "InInitializationOrderModuleList": 0x1C,
                     "EntryInProgress": 0x24, "ShutdownInProgress": 0x28,
                     "ShutdownThreadId": 0x2C},
    # VOL, NTD
    w.LDR_DATA_TABLE_ENTRY: {
        "InLoadOrderLinks": 0x00, "InMemoryOrderLinks": 0x08,
        "InInitializationOrderLinks": 0x10, "DllBase": 0x18, "EntryPoint": 0x1C,
        "SizeOfImage": 0x20, "FullDllName": 0x24, "BaseDllName": 0x2C,
        "Flags": 0x34, "LoadCount": 0x38, "TlsIndex": 0x3A, "HashLinks": 0x3C,
        "SectionPointer": 0x3C, "CheckSum": 0x40, "TimeDateStamp": 0x44,
        "LoadedImports": 0x44, "EntryPointActivationContext": 0x48,
        "PatchInformation": 0x4C, "ForwarderLinks": 0x50, "ServiceTagLinks": 0x58,
        "StaticLinks": 0x60, "ContextInformation": 0x68, "OriginalBase": 0x6C,
        "LoadTime": 0x70,
    },
    # VOL; WAD dump up to 0x290
    w.RTL_USER_PROCESS_PARAMETERS: {
        "MaximumLength": 0x00, "Length": 0x04, "Flags": 0x08, "DebugFlags": 0x0C,
        "ConsoleHandle": 0x10, "ConsoleFlags": 0x14, "StandardInput": 0x18,
        "StandardOutput": 0x1C, "StandardError": 0x20, "CurrentDirectory": 0x24,
        "CurrentDirectory.Handle": 0x2C, "DllPath": 0x30, "ImagePathName": 0x38,
        "CommandLine": 0x40, "Environment": 0x48, "StartingX": 0x4C,
        "StartingY": 0x50, "CountX": 0x54, "CountY": 0x58, "CountCharsX": 0x5C,
        "CountCharsY": 0x60, "FillAttribute": 0x64, "WindowFlags": 0x68,
        "ShowWindowFlags": 0x6C, "WindowTitle": 0x70, "DesktopInfo": 0x78,
        "ShellInfo": 0x80, "RuntimeData": 0x88, "CurrentDirectores": 0x90,
        "EnvironmentSize": 0x290, "EnvironmentVersion": 0x294,
    },
    # VOL, NTD
    w.KUSER_SHARED_DATA: {
        "TickCountLowDeprecated": 0x000, "TickCountMultiplier": 0x004,
        "InterruptTime": 0x008, "SystemTime": 0x014, "TimeZoneBias": 0x020,
        "ImageNumberLow": 0x02C, "ImageNumberHigh": 0x02E, "NtSystemRoot": 0x030,
        "MaxStackTraceDepth": 0x238, "CryptoExponent": 0x23C, "TimeZoneId": 0x240,
        "LargePageMinimum": 0x244, "Reserved2": 0x248, "NtProductType": 0x264,
        "ProductTypeIsValid": 0x268, "NtMajorVersion": 0x26C,
        "NtMinorVersion": 0x270, "ProcessorFeatures": 0x274, "Reserved1": 0x2B4,
        "Reserved3": 0x2B8, "TimeSlip": 0x2BC, "AlternativeArchitecture": 0x2C0,
        "AltArchitecturePad": 0x2C4, "SystemExpirationDate": 0x2C8,
        "SuiteMask": 0x2D0, "KdDebuggerEnabled": 0x2D4, "NXSupportPolicy": 0x2D5,
        "ActiveConsoleId": 0x2D8, "DismountCount": 0x2DC, "ComPlusPackage": 0x2E0,
        "LastSystemRITEventTickCount": 0x2E4, "NumberOfPhysicalPages": 0x2E8,
        "SafeBootMode": 0x2EC, "TscQpcData": 0x2ED, "TscQpcPad": 0x2EE,
        "SharedDataFlags": 0x2F0, "DataFlagsPad": 0x2F4,
        "TestRetInstruction": 0x2F8, "SystemCall": 0x300,
        "SystemCallReturn": 0x304, "SystemCallPad": 0x308, "TickCount": 0x320,
        "TickCountQuad": 0x320, "ReservedTickCountOverlay": 0x320,
        "TickCountPad": 0x32C, "Cookie": 0x330, "CookiePad": 0x334,
        "ConsoleSessionForegroundProcessId": 0x338,
        "Wow64SharedInformation": 0x340, "UserModeGlobalLogger": 0x380,
        "ImageFileExecutionOptions": 0x3A0, "LangGenerationCount": 0x3A4,
        "Reserved5": 0x3A8, "InterruptTimeBias": 0x3B0, "TscQpcBias": 0x3B8,
        "ActiveProcessorCount": 0x3C0, "ActiveGroupCount": 0x3C4,
        "Reserved4": 0x3C6, "AitSamplingValue": 0x3C8, "AppCompatFlag": 0x3CC,
        "SystemDllNativeRelocation": 0x3D0, "SystemDllWowRelocation": 0x3D8,
        "XStatePad": 0x3DC, "XState": 0x3E0,
    },
    w.FLOATING_SAVE_AREA: {"ControlWord": 0x0, "DataSelector": 0x18,
                           "RegisterArea": 0x1C, "Cr0NpxState": 0x6C},
    # VOL, DT
    w.CONTEXT: {
        "ContextFlags": 0x00, "Dr0": 0x04, "Dr1": 0x08, "Dr2": 0x0C, "Dr3": 0x10,
        "Dr6": 0x14, "Dr7": 0x18, "FloatSave": 0x1C, "SegGs": 0x8C, "SegFs": 0x90,
        "SegEs": 0x94, "SegDs": 0x98, "Edi": 0x9C, "Esi": 0xA0, "Ebx": 0xA4,
        "Edx": 0xA8, "Ecx": 0xAC, "Eax": 0xB0, "Ebp": 0xB4, "Eip": 0xB8,
        "SegCs": 0xBC, "EFlags": 0xC0, "Esp": 0xC4, "SegSs": 0xC8,
        "ExtendedRegisters": 0xCC,
    },
    w.EXCEPTION_RECORD: {"ExceptionCode": 0x00, "ExceptionFlags": 0x04,
                         "ExceptionRecord": 0x08, "ExceptionAddress": 0x0C,
                         "NumberParameters": 0x10, "ExceptionInformation": 0x14},
    # VOL, NTD
    w.DISPATCHER_HEADER: {"Type": 0x0, "TimerControlFlags": 0x1, "Absolute": 0x1,
                          "Abandoned": 0x1, "Signalling": 0x1, "Hand": 0x2,
                          "Size": 0x2, "DebugActive": 0x3, "DpcActive": 0x3,
                          "Lock": 0x0, "SignalState": 0x4, "WaitListHead": 0x8},
    w.KPROCESS: {"Header": 0x00, "ProfileListHead": 0x10,
                 "DirectoryTableBase": 0x18, "LdtDescriptor": 0x1C,
                 "Int21Descriptor": 0x24, "ThreadListHead": 0x2C,
                 "ProcessLock": 0x34, "Affinity": 0x38, "ReadyListHead": 0x44,
                 "SwapListEntry": 0x4C, "ActiveProcessors": 0x50,
                 "ProcessFlags": 0x5C, "BasePriority": 0x60, "QuantumReset": 0x61,
                 "Flags": 0x6C, "IopmOffset": 0x6E, "StackCount": 0x74,
                 "ProcessListEntry": 0x78, "CycleTime": 0x80, "KernelTime": 0x88,
                 "UserTime": 0x8C, "VdmTrapcHandler": 0x90},
    w.EPROCESS: {
        "Pcb": 0x000, "Pcb.ThreadListHead": 0x02C, "Pcb.DirectoryTableBase": 0x018,
        "ProcessLock": 0x098, "CreateTime": 0x0A0, "ExitTime": 0x0A8,
        "RundownProtect": 0x0B0, "UniqueProcessId": 0x0B4,
        "ActiveProcessLinks": 0x0B8, "ProcessQuotaUsage": 0x0C0,
        "ProcessQuotaPeak": 0x0C8, "CommitCharge": 0x0D0, "QuotaBlock": 0x0D4,
        "CpuQuotaBlock": 0x0D8, "PeakVirtualSize": 0x0DC, "VirtualSize": 0x0E0,
        "SessionProcessLinks": 0x0E4, "DebugPort": 0x0EC,
        "ExceptionPortData": 0x0F0, "ExceptionPortValue": 0x0F0,
        "ObjectTable": 0x0F4, "Token": 0x0F8, "WorkingSetPage": 0x0FC,
        "AddressCreationLock": 0x100, "RotateInProgress": 0x104,
        "ForkInProgress": 0x108, "HardwareTrigger": 0x10C,
        "PhysicalVadRoot": 0x110, "CloneRoot": 0x114,
        "NumberOfPrivatePages": 0x118, "NumberOfLockedPages": 0x11C,
        "Win32Process": 0x120, "Job": 0x124, "SectionObject": 0x128,
        "SectionBaseAddress": 0x12C, "Cookie": 0x130, "Spare8": 0x134,
        "WorkingSetWatch": 0x138, "Win32WindowStation": 0x13C,
        "InheritedFromUniqueProcessId": 0x140, "LdtInformation": 0x144,
        "VdmObjects": 0x148, "ConsoleHostProcess": 0x14C, "DeviceMap": 0x150,
        "EtwDataSource": 0x154, "FreeTebHint": 0x158, "PageDirectoryPte": 0x160,
        "Filler": 0x160, "Session": 0x168, "ImageFileName": 0x16C,
        "PriorityClass": 0x17B, "JobLinks": 0x17C, "LockedPagesList": 0x184,
        "ThreadListHead": 0x188, "SecurityPort": 0x190, "PaeTop": 0x194,
        "ActiveThreads": 0x198, "ImagePathHash": 0x19C,
        "DefaultHardErrorProcessing": 0x1A0, "LastThreadExitStatus": 0x1A4,
        "Peb": 0x1A8, "PrefetchTrace": 0x1AC, "ReadOperationCount": 0x1B0,
        "WriteOperationCount": 0x1B8, "OtherOperationCount": 0x1C0,
        "ReadTransferCount": 0x1C8, "WriteTransferCount": 0x1D0,
        "OtherTransferCount": 0x1D8, "CommitChargeLimit": 0x1E0,
        "CommitChargePeak": 0x1E4, "AweInfo": 0x1E8,
        "SeAuditProcessCreationInfo": 0x1EC, "Vm": 0x1F0,
        "MmProcessLinks": 0x25C, "HighestUserAddress": 0x264,
        "ModifiedPageCount": 0x268, "Flags2": 0x26C, "Flags": 0x270,
        "ExitStatus": 0x274, "VadRoot": 0x278, "AlpcContext": 0x298,
        "TimerResolutionLink": 0x2A8, "RequestedTimerResolution": 0x2B0,
        "ActiveThreadsHighWatermark": 0x2B4, "SmallestTimerResolution": 0x2B8,
        "TimerResolutionStackRecord": 0x2BC,
    },
    w.KTHREAD: {
        "Header": 0x000, "CycleTime": 0x010, "HighCycleTime": 0x018,
        "QuantumTarget": 0x020, "InitialStack": 0x028, "StackLimit": 0x02C,
        "KernelStack": 0x030, "ThreadLock": 0x034, "WaitRegister": 0x038,
        "Running": 0x039, "Alerted": 0x03A, "MiscFlags": 0x03C, "ApcState": 0x040,
        "ApcStateFill": 0x040, "Priority": 0x057, "NextProcessor": 0x058,
        "DeferredProcessor": 0x05C, "ApcQueueLock": 0x060, "ContextSwitches": 0x064,
        "State": 0x068, "NpxState": 0x069, "WaitIrql": 0x06A, "WaitMode": 0x06B,
        "WaitStatus": 0x06C, "WaitBlockList": 0x070, "WaitListEntry": 0x074,
        "SwapListEntry": 0x074, "Queue": 0x07C, "WaitTime": 0x080,
        "KernelApcDisable": 0x084, "SpecialApcDisable": 0x086,
        "CombinedApcDisable": 0x084, "Teb": 0x088, "Timer": 0x090,
        "ThreadFlags": 0x0B8, "ServiceTable": 0x0BC, "WaitBlock": 0x0C0,
        "QueueListEntry": 0x120, "TrapFrame": 0x128, "FirstArgument": 0x12C,
        "CallbackStack": 0x130, "CallbackDepth": 0x130, "ApcStateIndex": 0x134,
        "BasePriority": 0x135, "PriorityDecrement": 0x136, "Preempted": 0x137,
        "AdjustReason": 0x138, "AdjustIncrement": 0x139, "PreviousMode": 0x13A,
        "Saturation": 0x13B, "SystemCallNumber": 0x13C, "FreezeCount": 0x140,
        "UserAffinity": 0x144, "Process": 0x150, "Affinity": 0x154,
        "IdealProcessor": 0x160, "UserIdealProcessor": 0x164,
        "ApcStatePointer": 0x168, "SavedApcState": 0x170, "WaitReason": 0x187,
        "SuspendCount": 0x188, "Spare1": 0x189, "OtherPlatformFill": 0x18A,
        "Win32Thread": 0x18C, "StackBase": 0x190, "SuspendApc": 0x194,
        "ResourceIndex": 0x195, "QuantumReset": 0x197, "KernelTime": 0x198,
        "WaitPrcb": 0x1B8, "LegoData": 0x1BC, "LargeStack": 0x1C3,
        "UserTime": 0x1C4, "SuspendSemaphore": 0x1C8, "SListFaultCount": 0x1DC,
        "ThreadListEntry": 0x1E0, "MutantListHead": 0x1E8,
        "SListFaultAddress": 0x1F0, "ThreadCounters": 0x1F4, "XStateSave": 0x1F8,
    },
    w.ETHREAD: {
        "Tcb": 0x000, "Tcb.Teb": 0x088, "Tcb.InitialStack": 0x028,
        "Tcb.StackLimit": 0x02C, "Tcb.ThreadListEntry": 0x1E0,
        "CreateTime": 0x200, "ExitTime": 0x208, "KeyedWaitChain": 0x208,
        "ExitStatus": 0x210, "PostBlockList": 0x214, "ForwardLinkShadow": 0x214,
        "StartAddress": 0x218, "TerminationPort": 0x21C, "ReaperLink": 0x21C,
        "KeyedWaitValue": 0x21C, "ActiveTimerListLock": 0x220,
        "ActiveTimerListHead": 0x224, "Cid": 0x22C, "Cid.UniqueThread": 0x230,
        "KeyedWaitSemaphore": 0x234, "AlpcWaitSemaphore": 0x234,
        "ClientSecurity": 0x248, "IrpList": 0x24C, "TopLevelIrp": 0x254,
        "DeviceToVerify": 0x258, "CpuQuotaApc": 0x25C, "Win32StartAddress": 0x260,
        "LegacyPowerObject": 0x264, "ThreadListEntry": 0x268,
        "RundownProtect": 0x270, "ThreadLock": 0x274, "ReadClusterSize": 0x278,
        "MmLockOrdering": 0x27C, "CrossThreadFlags": 0x280,
        "SameThreadPassiveFlags": 0x284, "SameThreadApcFlags": 0x288,
        "OwnsSessionWorkingSetShared": 0x289, "TrimTrigger": 0x28A,
        "PriorityRegionActive": 0x28B, "CacheManagerActive": 0x28C,
        "DisablePageFaultClustering": 0x28D, "ActiveFaultCount": 0x28E,
        "LockOrderState": 0x28F, "AlpcMessageId": 0x290, "AlpcMessage": 0x294,
        "AlpcReceiveAttributeSet": 0x294, "AlpcWaitListEntry": 0x298,
        "CacheManagerCount": 0x2A0, "IoBoostCount": 0x2A4, "IrpListLock": 0x2A8,
        "ReservedForSynchTracking": 0x2AC, "CmCallbackListHead": 0x2B0,
    },
}


def _cases():
    for cls, table in OFFSETS.items():
        for name, off in table.items():
            yield pytest.param(cls, name, off, id=f"{cls._name_}.{name}")


@pytest.mark.parametrize("cls,name,offset", list(_cases()))
def test_offset(cls, name, offset):
    assert cls.offsetof(name) == offset


def test_ctypes_offsets_agree_for_plain_members():
    # plain ctypes attribute access (also works for flattened anonymous members)
    assert w.PEB.Ldr.offset == 0x0C
    assert w.TEB.ProcessEnvironmentBlock.offset == 0x30
    assert w.TEB.IdealProcessorValue.offset == 0xF74
    assert w.EPROCESS.ImageFileName.offset == 0x16C
    assert w.ETHREAD.Win32StartAddress.offset == 0x260
    assert w.LDR_DATA_TABLE_ENTRY.TimeDateStamp.offset == 0x44
    for cls, table in OFFSETS.items():
        for name, off in table.items():
            attr = cls.__dict__.get(name)
            if "." not in name and hasattr(attr, "offset"):
                assert attr.offset == off, (cls._name_, name)


# (class, member, bit position, width) -- VOL, WAD, NTD
BITS = [
    (w.PEB, "ImageUsesLargePages", 0, 1),
    (w.PEB, "IsImageDynamicallyRelocated", 3, 1),
    (w.PEB, "SpareBits", 5, 3),
    (w.PEB, "ProcessUsingFTH", 4, 1),
    (w.PEB, "ReservedBits0", 5, 27),
    (w.PEB, "CritSecTracingEnabled", 1, 1),
    (w.TEB, "InitialThread", 10, 1),
    (w.TEB, "SpareSameTebBits", 11, 5),
    (w.KUSER_SHARED_DATA, "TscQpcShift", 2, 6),
    (w.KUSER_SHARED_DATA, "DbgSEHValidationEnabled", 6, 1),
    (w.EPROCESS, "ProtectedProcess", 11, 1),
    (w.EPROCESS, "DefaultPagePriority", 12, 3),
    (w.EPROCESS, "ProcessExiting", 2, 1),
    (w.EPROCESS, "DefaultIoPriority", 27, 3),
    (w.EPROCESS, "SetTimerResolutionLink", 31, 1),
    (w.ETHREAD, "HideFromDebugger", 2, 1),
    (w.ETHREAD, "ThreadPagePriority", 13, 3),
    (w.ETHREAD, "TrimTrigger", 4, 2),
    (w.KTHREAD, "SystemThread", 13, 1),
    (w.KTHREAD, "GuiThread", 7, 1),
    (w.KTHREAD, "UnusualBoost", 4, 4),
    (w.DISPATCHER_HEADER, "Processor", 1, 5),
]


@pytest.mark.parametrize("cls,name,pos,width", BITS,
                         ids=lambda v: v._name_ if isinstance(v, type) else str(v))
def test_bit_positions(cls, name, pos, width):
    _, _, bit = cls.field_info(name)
    assert (bit.pos, bit.width) == (pos, width)


def test_display_types():
    types = {f.name: f.wintype for f in w.PEB.fields()}
    assert types["Ldr"] == "Ptr32 _PEB_LDR_DATA"
    assert types["Mutant"] == "Ptr32 Void"
    assert types["ProcessHeaps"] == "Ptr32 Ptr32 Void"
    assert types["TlsBitmapBits"] == "[2] Uint4B"
    assert types["CriticalSectionTimeout"] == "_LARGE_INTEGER"
    assert types["OSBuildNumber"] == "Uint2B"
    assert types["BeingDebugged"] == "UChar"
    eproc = {f.name: f.wintype for f in w.EPROCESS.fields()}
    assert eproc["ImageFileName"] == "[15] UChar"
    assert eproc["ExitStatus"] == "Int4B"
    assert {f.name: f.wintype for f in w.KUSER_SHARED_DATA.fields()}[
        "NtSystemRoot"] == "[260] Wchar"


def test_fill_and_serialise():
    peb = w.PEB()
    peb.Ldr = 0x77A77880
    peb.OSMajorVersion, peb.OSMinorVersion, peb.OSBuildNumber = 6, 1, 7601
    peb.IsImageDynamicallyRelocated = 1
    peb.ProcessUsingVEH = 1
    peb.CriticalSectionTimeout.QuadPart = -25920000000000
    blob = peb.to_bytes()
    assert len(blob) == 0x248 and blob == bytes(peb)
    assert blob[0x0C:0x10] == (0x77A77880).to_bytes(4, "little")
    assert blob[0x03] == 0x08
    assert int.from_bytes(blob[0x28:0x2C], "little") == 0x4
    assert int.from_bytes(blob[0xAC:0xAE], "little") == 7601
    again = w.PEB.from_bytes(blob)
    assert again.Ldr == 0x77A77880 and again.IsImageDynamicallyRelocated == 1
    assert again.CriticalSectionTimeout.HighPart == -6035

    teb = w.TEB()
    teb.NtTib.Self = 0x7FFDF000
    teb.IdealProcessor = 3
    assert teb.IdealProcessorValue == 3 << 24
    assert teb.CurrentIdealProcessor.Reserved == 3

    kt = w.KTHREAD()
    kt.ForegroundBoost, kt.UnusualBoost = 0xF, 0xF
    assert kt.PriorityDecrement == -1          # signed CHAR storage
    eth = w.ETHREAD()
    eth.Prefetching = 1
    assert eth.SameThreadApcFlags == 0x1000
    e = w.EPROCESS()
    e.ImageFileName[:] = list(b"notepad.exe".ljust(15, b"\0"))
    assert e.to_bytes()[0x16C:0x177] == b"notepad.exe"


def test_structs_registry():
    assert w.STRUCTS["_PEB"] is w.PEB
    assert w.STRUCTS["_EPROCESS"] is w.EPROCESS
    assert w.KUSER_SHARED_DATA_ADDRESS == 0x7FFE0000


# --- the declarative layer itself -----------------------------------------

def test_partial_structure_gaps_are_hidden_padding():
    class PARTIAL(Struct):
        _name_ = "_PARTIAL"
        _size_ = 0x40
        _partial_ = True
        _fields_ = [
            ("Head", ULONG, 0x0),
            ("Middle", USHORT, 0x10),
            ("Tail", Ptr("_PARTIAL"), 0x3C),
        ]
    assert ctypes.sizeof(PARTIAL) == 0x40
    assert [f.name for f in PARTIAL.fields()] == ["Head", "Middle", "Tail"]
    hidden = [f for f in PARTIAL.fields(hidden=True) if f.hidden]
    assert [(f.offset, f.size) for f in hidden] == [(0x4, 0xC), (0x12, 0x2A)]


def test_msvc_alignment_of_64bit_members():
    class A(Struct):
        _fields_ = [("a", UCHAR), ("q", LONGLONG), ("b", USHORT)]
    assert A.offsetof("q") == 8 and ctypes.sizeof(A) == 0x18
    assert A.sizeof() == 0x18


def test_documented_offset_mismatch_is_an_error():
    with pytest.raises(LayoutError):
        class Bad(Struct):
            _fields_ = [("a", UCHAR), ("b", ULONG, 0x2)]
    with pytest.raises(LayoutError):
        class BadSize(Struct):
            _size_ = 0x10
            _fields_ = [("a", ULONG)]


def test_anonymous_members_flatten():
    class X(Struct):
        _fields_ = [("a", ULONG),
                    (None, U(("w", ULONG), S(("lo", USHORT), ("hi", USHORT)))),
                    ("flags", Bits(ULONG, [("f0", 1), ("f1", 2)]))]
    names = [(f.name, f.offset) for f in X.fields()]
    assert names == [("a", 0), ("w", 4), ("lo", 4), ("hi", 6), ("flags", 8)]
    x = X()
    x.w = 0x12345678
    assert (x.lo, x.hi) == (0x5678, 0x1234)
    x.f1 = 3
    assert x.flags == 6
    assert Array(PVOID, 3).wintype == "[3] Ptr32 Void"
