"""Windows XP SP3 x86 (5.1.2600) structure layouts.

Same Python names (and ``STRUCTS`` keys) as ``win7_sp1_x86`` for every structure
that exists on XP; the members are XP's, named as WinDbg shows them on XP.
Offsets come from public PDB-derived material (no prose or code copied):
  [VOL]  Volatility 2, volatility/plugins/overlays/windows/xp_sp2_x86_vtypes.py
         (types generated from the XP x86 kernel PDB; Volatility's WinXPSP3x86
         profile uses this table, whose SP3 additions leave these types unchanged)
  [DT]   public WinDbg ``dt _TEB`` / ``dt _PEB`` dumps of XP SP2/SP3 systems (course
         notes and blog write-ups: embedded ActivationContextStack at +0x1a8,
         SpareBytes1 at +0x1bc, size 0xfb8)
  [TRM]  terminus (rewolf) x86 tables, _HEAP: Flags +0xc, ForceFlags +0x10 on XP
Structures whose layout did not change between 5.1 and 6.1 (LIST_ENTRY, strings,
NT_TIB, CONTEXT, EXCEPTION_RECORD, descriptors, ...) are the Windows 7 module's
classes; the XP tests check their offsets against [VOL] all the same.

Not on XP, so absent here: PROCESSOR_NUMBER, XSTATE_FEATURE, XSTATE_CONFIGURATION,
KAFFINITY_EX, KSTACK_COUNT, MMADDRESS_NODE, MM_AVL_TABLE, ALPC_PROCESS_CONTEXT,
KWAIT_STATUS_REGISTER, GROUP_AFFINITY, PS_CLIENT_SECURITY_CONTEXT.  XP-only here:
ACTIVATION_CONTEXT_STACK (embedded in the TEB), Wx86ThreadState, KEVENT, FAST_MUTEX,
PEB_FREE_BLOCK, HEAP_ENTRY and HEAP (XP's heap header: 8-byte blocks, no encoding).
Every third tuple element is the documented offset and is asserted when the class
is created; ``_size_`` is asserted too.
"""

from __future__ import annotations

from . import (
    Array, BOOLEAN, Bits, CHAR, CharArray, FUNCPTR, LONG, Ptr, PVOID, S, SHORT,
    Struct, U, UCHAR, ULONG, ULONGLONG, USHORT, Union, WCHAR,
)
from .win7_sp1_x86 import (  # noqa: F401  (re-exported: same layout on 5.1)
    ALTERNATIVE_ARCHITECTURE_TYPE, ANSI_STRING, CLIENT_ID, CONTEXT, CURDIR,
    EX_FAST_REF, EX_RUNDOWN_REF, EXCEPTION_POINTERS, EXCEPTION_RECORD,
    EXCEPTION_REGISTRATION_RECORD, FLOATING_SAVE_AREA, GDI_TEB_BATCH, GUID,
    HARDWARE_PTE, KAPC_STATE, KGDTENTRY, KIDTENTRY, KSYSTEM_TIME, LARGE_INTEGER,
    LIST_ENTRY, NT_PRODUCT_TYPE, NT_TIB, RTL_DRIVE_LETTER_CURDIR,
    SE_AUDIT_PROCESS_CREATION_INFO, SINGLE_LIST_ENTRY, STRING, ULARGE_INTEGER,
    UNICODE_STRING,
)

KUSER_SHARED_DATA_ADDRESS = 0x7FFE0000
OS_VERSION = (5, 1, 2600)


def _bits1(*names):
    return [(n, 1) for n in names]


# --------------------------------------------------------------------------
# TEB / PEB and loader structures
# --------------------------------------------------------------------------

# [VOL] [DT]: embedded in the XP TEB (Server 2003 SP1 and later hold a pointer)
class ACTIVATION_CONTEXT_STACK(Struct):
    _name_ = "_ACTIVATION_CONTEXT_STACK"
    _size_ = 0x14
    _fields_ = [
        ("Flags", ULONG, 0x00),
        ("NextCookieSequenceNumber", ULONG, 0x04),
        ("ActiveFrame", PVOID, 0x08),
        ("FrameListCache", LIST_ENTRY, 0x0C),
    ]


# [VOL]
class Wx86ThreadState(Struct):
    _name_ = "_Wx86ThreadState"
    _size_ = 0xC
    _fields_ = [
        ("CallBx86Eip", Ptr("Uint4B"), 0x0),
        ("DeallocationCpu", PVOID, 0x4),
        ("UseKnownWx86Dll", UCHAR, 0x8),
        ("OleStubInvoked", CHAR, 0x9),
    ]


# [VOL] _TEB (0xfb8); [DT] XP dumps agree through the tail
class TEB(Struct):
    _name_ = "_TEB"
    _size_ = 0xFB8
    _fields_ = [
        ("NtTib", NT_TIB, 0x000),
        ("EnvironmentPointer", PVOID, 0x01C),
        ("ClientId", CLIENT_ID, 0x020),
        ("ActiveRpcHandle", PVOID, 0x028),
        ("ThreadLocalStoragePointer", PVOID, 0x02C),
        ("ProcessEnvironmentBlock", Ptr("_PEB"), 0x030),
        ("LastErrorValue", ULONG, 0x034),
        ("CountOfOwnedCriticalSections", ULONG, 0x038),
        ("CsrClientThread", PVOID, 0x03C),
        ("Win32ThreadInfo", PVOID, 0x040),
        ("User32Reserved", Array(ULONG, 26), 0x044),
        ("UserReserved", Array(ULONG, 5), 0x0AC),
        ("WOW32Reserved", PVOID, 0x0C0),
        ("CurrentLocale", ULONG, 0x0C4),
        ("FpSoftwareStatusRegister", ULONG, 0x0C8),
        ("SystemReserved1", Array(PVOID, 54), 0x0CC),
        ("ExceptionCode", LONG, 0x1A4),
        ("ActivationContextStack", ACTIVATION_CONTEXT_STACK, 0x1A8),
        ("SpareBytes1", Array(UCHAR, 24), 0x1BC),
        ("GdiTebBatch", GDI_TEB_BATCH, 0x1D4),
        ("RealClientId", CLIENT_ID, 0x6B4),
        ("GdiCachedProcessHandle", PVOID, 0x6BC),
        ("GdiClientPID", ULONG, 0x6C0),
        ("GdiClientTID", ULONG, 0x6C4),
        ("GdiThreadLocalInfo", PVOID, 0x6C8),
        ("Win32ClientInfo", Array(ULONG, 62), 0x6CC),
        ("glDispatchTable", Array(PVOID, 233), 0x7C4),
        ("glReserved1", Array(ULONG, 29), 0xB68),
        ("glReserved2", PVOID, 0xBDC),
        ("glSectionInfo", PVOID, 0xBE0),
        ("glSection", PVOID, 0xBE4),
        ("glTable", PVOID, 0xBE8),
        ("glCurrentRC", PVOID, 0xBEC),
        ("glContext", PVOID, 0xBF0),
        ("LastStatusValue", ULONG, 0xBF4),
        ("StaticUnicodeString", UNICODE_STRING, 0xBF8),
        ("StaticUnicodeBuffer", Array(WCHAR, 261), 0xC00),
        ("DeallocationStack", PVOID, 0xE0C),
        ("TlsSlots", Array(PVOID, 64), 0xE10),
        ("TlsLinks", LIST_ENTRY, 0xF10),
        ("Vdm", PVOID, 0xF18),
        ("ReservedForNtRpc", PVOID, 0xF1C),
        ("DbgSsReserved", Array(PVOID, 2), 0xF20),
        ("HardErrorsAreDisabled", ULONG, 0xF28),
        ("Instrumentation", Array(PVOID, 16), 0xF2C),
        ("WinSockData", PVOID, 0xF6C),
        ("GdiBatchCount", ULONG, 0xF70),
        ("InDbgPrint", BOOLEAN, 0xF74),
        ("FreeStackOnTermination", BOOLEAN, 0xF75),
        ("HasFiberData", BOOLEAN, 0xF76),
        ("IdealProcessor", UCHAR, 0xF77),
        ("Spare3", ULONG, 0xF78),
        ("ReservedForPerf", PVOID, 0xF7C),
        ("ReservedForOle", PVOID, 0xF80),
        ("WaitingOnLoaderLock", ULONG, 0xF84),
        ("Wx86Thread", Wx86ThreadState, 0xF88),
        ("TlsExpansionSlots", Ptr(Ptr("Void")), 0xF94),
        ("ImpersonationLocale", ULONG, 0xF98),
        ("IsImpersonating", ULONG, 0xF9C),
        ("NlsCache", PVOID, 0xFA0),
        ("pShimData", PVOID, 0xFA4),
        ("HeapVirtualAffinity", ULONG, 0xFA8),
        ("CurrentTransactionHandle", PVOID, 0xFAC),
        ("ActiveFrame", Ptr("_TEB_ACTIVE_FRAME"), 0xFB0),
        ("SafeThunkCall", BOOLEAN, 0xFB4),
        ("BooleanSpare", Array(BOOLEAN, 3), 0xFB5),
    ]


# [VOL]
class PEB_FREE_BLOCK(Struct):
    _name_ = "_PEB_FREE_BLOCK"
    _size_ = 0x8
    _fields_ = [("Next", Ptr("_PEB_FREE_BLOCK"), 0x0), ("Size", ULONG, 0x4)]


# [VOL] _PEB (0x210): no BitField/CrossProcessFlags/ApiSetMap/FLS/WER members yet
class PEB(Struct):
    _name_ = "_PEB"
    _size_ = 0x210
    _fields_ = [
        ("InheritedAddressSpace", UCHAR, 0x000),
        ("ReadImageFileExecOptions", UCHAR, 0x001),
        ("BeingDebugged", UCHAR, 0x002),
        ("SpareBool", UCHAR, 0x003),
        ("Mutant", PVOID, 0x004),
        ("ImageBaseAddress", PVOID, 0x008),
        ("Ldr", Ptr("_PEB_LDR_DATA"), 0x00C),
        ("ProcessParameters", Ptr("_RTL_USER_PROCESS_PARAMETERS"), 0x010),
        ("SubSystemData", PVOID, 0x014),
        ("ProcessHeap", PVOID, 0x018),
        ("FastPebLock", Ptr("_RTL_CRITICAL_SECTION"), 0x01C),
        ("FastPebLockRoutine", PVOID, 0x020),
        ("FastPebUnlockRoutine", PVOID, 0x024),
        ("EnvironmentUpdateCount", ULONG, 0x028),
        ("KernelCallbackTable", PVOID, 0x02C),
        ("SystemReserved", Array(ULONG, 1), 0x030),
        ("AtlThunkSListPtr32", ULONG, 0x034),
        ("FreeList", Ptr("_PEB_FREE_BLOCK"), 0x038),
        ("TlsExpansionCounter", ULONG, 0x03C),
        ("TlsBitmap", PVOID, 0x040),
        ("TlsBitmapBits", Array(ULONG, 2), 0x044),
        ("ReadOnlySharedMemoryBase", PVOID, 0x04C),
        ("ReadOnlySharedMemoryHeap", PVOID, 0x050),
        ("ReadOnlyStaticServerData", Ptr(Ptr("Void")), 0x054),
        ("AnsiCodePageData", PVOID, 0x058),
        ("OemCodePageData", PVOID, 0x05C),
        ("UnicodeCaseTableData", PVOID, 0x060),
        ("NumberOfProcessors", ULONG, 0x064),
        ("NtGlobalFlag", ULONG, 0x068),
        ("CriticalSectionTimeout", LARGE_INTEGER, 0x070),
        ("HeapSegmentReserve", ULONG, 0x078),
        ("HeapSegmentCommit", ULONG, 0x07C),
        ("HeapDeCommitTotalFreeThreshold", ULONG, 0x080),
        ("HeapDeCommitFreeBlockThreshold", ULONG, 0x084),
        ("NumberOfHeaps", ULONG, 0x088),
        ("MaximumNumberOfHeaps", ULONG, 0x08C),
        ("ProcessHeaps", Ptr(Ptr("Void")), 0x090),
        ("GdiSharedHandleTable", PVOID, 0x094),
        ("ProcessStarterHelper", PVOID, 0x098),
        ("GdiDCAttributeList", ULONG, 0x09C),
        ("LoaderLock", PVOID, 0x0A0),
        ("OSMajorVersion", ULONG, 0x0A4),
        ("OSMinorVersion", ULONG, 0x0A8),
        ("OSBuildNumber", USHORT, 0x0AC),
        ("OSCSDVersion", USHORT, 0x0AE),
        ("OSPlatformId", ULONG, 0x0B0),
        ("ImageSubsystem", ULONG, 0x0B4),
        ("ImageSubsystemMajorVersion", ULONG, 0x0B8),
        ("ImageSubsystemMinorVersion", ULONG, 0x0BC),
        ("ImageProcessAffinityMask", ULONG, 0x0C0),
        ("GdiHandleBuffer", Array(ULONG, 34), 0x0C4),
        ("PostProcessInitRoutine", FUNCPTR, 0x14C),
        ("TlsExpansionBitmap", PVOID, 0x150),
        ("TlsExpansionBitmapBits", Array(ULONG, 32), 0x154),
        ("SessionId", ULONG, 0x1D4),
        ("AppCompatFlags", ULARGE_INTEGER, 0x1D8),
        ("AppCompatFlagsUser", ULARGE_INTEGER, 0x1E0),
        ("pShimData", PVOID, 0x1E8),
        ("AppCompatInfo", PVOID, 0x1EC),
        ("CSDVersion", UNICODE_STRING, 0x1F0),
        ("ActivationContextData", PVOID, 0x1F8),
        ("ProcessAssemblyStorageMap", PVOID, 0x1FC),
        ("SystemDefaultActivationContextData", PVOID, 0x200),
        ("SystemAssemblyStorageMap", PVOID, 0x204),
        ("MinimumStackCommit", ULONG, 0x208),
    ]


# [VOL] (0x28: no ShutdownInProgress/ShutdownThreadId before 6.0 SP1)
class PEB_LDR_DATA(Struct):
    _name_ = "_PEB_LDR_DATA"
    _size_ = 0x28
    _fields_ = [
        ("Length", ULONG, 0x00),
        ("Initialized", BOOLEAN, 0x04),
        ("SsHandle", PVOID, 0x08),
        ("InLoadOrderModuleList", LIST_ENTRY, 0x0C),
        ("InMemoryOrderModuleList", LIST_ENTRY, 0x14),
        ("InInitializationOrderModuleList", LIST_ENTRY, 0x1C),
        ("EntryInProgress", PVOID, 0x24),
    ]


# [VOL] (0x50: ends at PatchInformation; no ForwarderLinks..LoadTime)
class LDR_DATA_TABLE_ENTRY(Struct):
    _name_ = "_LDR_DATA_TABLE_ENTRY"
    _size_ = 0x50
    _fields_ = [
        ("InLoadOrderLinks", LIST_ENTRY, 0x00),
        ("InMemoryOrderLinks", LIST_ENTRY, 0x08),
        ("InInitializationOrderLinks", LIST_ENTRY, 0x10),
        ("DllBase", PVOID, 0x18),
        ("EntryPoint", PVOID, 0x1C),
        ("SizeOfImage", ULONG, 0x20),
        ("FullDllName", UNICODE_STRING, 0x24),
        ("BaseDllName", UNICODE_STRING, 0x2C),
        ("Flags", ULONG, 0x34),
        ("LoadCount", USHORT, 0x38),
        ("TlsIndex", USHORT, 0x3A),
        (None, U(("HashLinks", LIST_ENTRY),
                 S(("SectionPointer", PVOID), ("CheckSum", ULONG))), 0x3C),
        (None, U(("TimeDateStamp", ULONG), ("LoadedImports", PVOID)), 0x44),
        ("EntryPointActivationContext", PVOID, 0x48),
        ("PatchInformation", PVOID, 0x4C),
    ]


# [VOL] (0x290: no EnvironmentSize/EnvironmentVersion)
class RTL_USER_PROCESS_PARAMETERS(Struct):
    _name_ = "_RTL_USER_PROCESS_PARAMETERS"
    _size_ = 0x290
    _fields_ = [
        ("MaximumLength", ULONG, 0x000),
        ("Length", ULONG, 0x004),
        ("Flags", ULONG, 0x008),
        ("DebugFlags", ULONG, 0x00C),
        ("ConsoleHandle", PVOID, 0x010),
        ("ConsoleFlags", ULONG, 0x014),
        ("StandardInput", PVOID, 0x018),
        ("StandardOutput", PVOID, 0x01C),
        ("StandardError", PVOID, 0x020),
        ("CurrentDirectory", CURDIR, 0x024),
        ("DllPath", UNICODE_STRING, 0x030),
        ("ImagePathName", UNICODE_STRING, 0x038),
        ("CommandLine", UNICODE_STRING, 0x040),
        ("Environment", PVOID, 0x048),
        ("StartingX", ULONG, 0x04C),
        ("StartingY", ULONG, 0x050),
        ("CountX", ULONG, 0x054),
        ("CountY", ULONG, 0x058),
        ("CountCharsX", ULONG, 0x05C),
        ("CountCharsY", ULONG, 0x060),
        ("FillAttribute", ULONG, 0x064),
        ("WindowFlags", ULONG, 0x068),
        ("ShowWindowFlags", ULONG, 0x06C),
        ("WindowTitle", UNICODE_STRING, 0x070),
        ("DesktopInfo", UNICODE_STRING, 0x078),
        ("ShellInfo", UNICODE_STRING, 0x080),
        ("RuntimeData", UNICODE_STRING, 0x088),
        ("CurrentDirectores", Array(RTL_DRIVE_LETTER_CURDIR, 32), 0x090),
    ]


# --------------------------------------------------------------------------
# KUSER_SHARED_DATA (mapped read-only at 0x7FFE0000)
# --------------------------------------------------------------------------

# [VOL] (0x338: ends with Cookie; no TscQpc, Wow64, XState members)
class KUSER_SHARED_DATA(Struct):
    _name_ = "_KUSER_SHARED_DATA"
    _size_ = 0x338
    _fields_ = [
        ("TickCountLow", ULONG, 0x000),
        ("TickCountMultiplier", ULONG, 0x004),
        ("InterruptTime", KSYSTEM_TIME, 0x008),
        ("SystemTime", KSYSTEM_TIME, 0x014),
        ("TimeZoneBias", KSYSTEM_TIME, 0x020),
        ("ImageNumberLow", USHORT, 0x02C),
        ("ImageNumberHigh", USHORT, 0x02E),
        ("NtSystemRoot", Array(WCHAR, 260), 0x030),
        ("MaxStackTraceDepth", ULONG, 0x238),
        ("CryptoExponent", ULONG, 0x23C),
        ("TimeZoneId", ULONG, 0x240),
        ("Reserved2", Array(ULONG, 8), 0x244),
        ("NtProductType", NT_PRODUCT_TYPE, 0x264),
        ("ProductTypeIsValid", UCHAR, 0x268),
        ("NtMajorVersion", ULONG, 0x26C),
        ("NtMinorVersion", ULONG, 0x270),
        ("ProcessorFeatures", Array(UCHAR, 64), 0x274),
        ("Reserved1", ULONG, 0x2B4),
        ("Reserved3", ULONG, 0x2B8),
        ("TimeSlip", ULONG, 0x2BC),
        ("AlternativeArchitecture", ALTERNATIVE_ARCHITECTURE_TYPE, 0x2C0),
        ("SystemExpirationDate", LARGE_INTEGER, 0x2C8),
        ("SuiteMask", ULONG, 0x2D0),
        ("KdDebuggerEnabled", UCHAR, 0x2D4),
        ("NXSupportPolicy", UCHAR, 0x2D5),
        ("ActiveConsoleId", ULONG, 0x2D8),
        ("DismountCount", ULONG, 0x2DC),
        ("ComPlusPackage", ULONG, 0x2E0),
        ("LastSystemRITEventTickCount", ULONG, 0x2E4),
        ("NumberOfPhysicalPages", ULONG, 0x2E8),
        ("SafeBootMode", UCHAR, 0x2EC),
        ("TraceLogging", ULONG, 0x2F0),
        ("TestRetInstruction", ULONGLONG, 0x2F8),
        ("SystemCall", ULONG, 0x300),
        ("SystemCallReturn", ULONG, 0x304),
        ("SystemCallPad", Array(ULONGLONG, 3), 0x308),
        (None, U(("TickCount", KSYSTEM_TIME), ("TickCountQuad", ULONGLONG)), 0x320),
        ("Cookie", ULONG, 0x330),
    ]


# --------------------------------------------------------------------------
# Kernel mirrors
# --------------------------------------------------------------------------

# [VOL]: four plain bytes before the 6.0 unions
class DISPATCHER_HEADER(Struct):
    _name_ = "_DISPATCHER_HEADER"
    _size_ = 0x10
    _fields_ = [
        ("Type", UCHAR, 0x0),
        ("Absolute", UCHAR, 0x1),
        ("Size", UCHAR, 0x2),
        ("Inserted", UCHAR, 0x3),
        ("SignalState", LONG, 0x4),
        ("WaitListHead", LIST_ENTRY, 0x8),
    ]


# [VOL]
class KEVENT(Struct):
    _name_ = "_KEVENT"
    _size_ = 0x10
    _fields_ = [("Header", DISPATCHER_HEADER, 0x0)]


# [VOL]
class FAST_MUTEX(Struct):
    _name_ = "_FAST_MUTEX"
    _size_ = 0x20
    _fields_ = [
        ("Count", LONG, 0x00),
        ("Owner", Ptr("_KTHREAD"), 0x04),
        ("Contention", ULONG, 0x08),
        ("Event", KEVENT, 0x0C),
        ("OldIrql", ULONG, 0x1C),
    ]


# [VOL]: a structure of bits on XP (a union with ExecuteOptions from 6.0)
class KEXECUTE_OPTIONS(Struct):
    _name_ = "_KEXECUTE_OPTIONS"
    _size_ = 0x1
    _fields_ = [
        (None, Bits(UCHAR, _bits1(
            "ExecuteDisable", "ExecuteEnable", "DisableThunkEmulation", "Permanent",
            "ExecuteDispatchEnable", "ImageDispatchEnable") + [("Spare", 2)]), 0x0),
    ]


# [VOL]
class KPROCESS(Struct):
    _name_ = "_KPROCESS"
    _size_ = 0x6C
    _fields_ = [
        ("Header", DISPATCHER_HEADER, 0x00),
        ("ProfileListHead", LIST_ENTRY, 0x10),
        ("DirectoryTableBase", Array(ULONG, 2), 0x18),
        ("LdtDescriptor", KGDTENTRY, 0x20),
        ("Int21Descriptor", KIDTENTRY, 0x28),
        ("IopmOffset", USHORT, 0x30),
        ("Iopl", UCHAR, 0x32),
        ("Unused", UCHAR, 0x33),
        ("ActiveProcessors", ULONG, 0x34),
        ("KernelTime", ULONG, 0x38),
        ("UserTime", ULONG, 0x3C),
        ("ReadyListHead", LIST_ENTRY, 0x40),
        ("SwapListEntry", SINGLE_LIST_ENTRY, 0x48),
        ("VdmTrapcHandler", PVOID, 0x4C),
        ("ThreadListHead", LIST_ENTRY, 0x50),
        ("ProcessLock", ULONG, 0x58),
        ("Affinity", ULONG, 0x5C),
        ("StackCount", USHORT, 0x60),
        ("BasePriority", CHAR, 0x62),
        ("ThreadQuantum", CHAR, 0x63),
        ("AutoAlignment", UCHAR, 0x64),
        ("State", UCHAR, 0x65),
        ("ThreadSeed", UCHAR, 0x66),
        ("DisableBoost", UCHAR, 0x67),
        ("PowerState", UCHAR, 0x68),
        ("DisableQuantum", UCHAR, 0x69),
        ("IdealNode", UCHAR, 0x6A),
        (None, U(("Flags", KEXECUTE_OPTIONS), ("ExecuteOptions", UCHAR)), 0x6B),
    ]


# [VOL]: Waiting/Exclusive/Shared on XP
class EX_PUSH_LOCK(Union):
    _name_ = "_EX_PUSH_LOCK"
    _size_ = 0x4
    _fields_ = [
        (None, Bits(ULONG, [("Waiting", 1), ("Exclusive", 1), ("Shared", 30)])),
        ("Value", ULONG),
        ("Ptr", PVOID),
    ]


# [VOL]
class MMSUPPORT_FLAGS(Struct):
    _name_ = "_MMSUPPORT_FLAGS"
    _size_ = 0x4
    _fields_ = [
        (None, Bits(ULONG, _bits1(
            "SessionSpace", "BeingTrimmed", "SessionLeader", "TrimHard", "WorkingSetHard",
            "AddressSpaceBeingDeleted") + [("Available", 10),
                                           ("AllowWorkingSetAdjustment", 8),
                                           ("MemoryPriority", 8)]), 0x0),
    ]


# [VOL]
class MMSUPPORT(Struct):
    _name_ = "_MMSUPPORT"
    _size_ = 0x40
    _fields_ = [
        ("LastTrimTime", LARGE_INTEGER, 0x00),
        ("Flags", MMSUPPORT_FLAGS, 0x08),
        ("PageFaultCount", ULONG, 0x0C),
        ("PeakWorkingSetSize", ULONG, 0x10),
        ("WorkingSetSize", ULONG, 0x14),
        ("MinimumWorkingSetSize", ULONG, 0x18),
        ("MaximumWorkingSetSize", ULONG, 0x1C),
        ("VmWorkingSetList", Ptr("_MMWSL"), 0x20),
        ("WorkingSetExpansionLinks", LIST_ENTRY, 0x24),
        ("Claim", ULONG, 0x2C),
        ("NextEstimationSlot", ULONG, 0x30),
        ("NextAgingSlot", ULONG, 0x34),
        ("EstimatedAvailable", ULONG, 0x38),
        ("GrowthSinceLastEstimate", ULONG, 0x3C),
    ]


# [VOL] (ntoskrnl, XP x86): every member declared
class EPROCESS(Struct):
    _name_ = "_EPROCESS"
    _size_ = 0x260
    _fields_ = [
        ("Pcb", KPROCESS, 0x000),
        ("ProcessLock", EX_PUSH_LOCK, 0x06C),
        ("CreateTime", LARGE_INTEGER, 0x070),
        ("ExitTime", LARGE_INTEGER, 0x078),
        ("RundownProtect", EX_RUNDOWN_REF, 0x080),
        ("UniqueProcessId", PVOID, 0x084),
        ("ActiveProcessLinks", LIST_ENTRY, 0x088),
        ("QuotaUsage", Array(ULONG, 3), 0x090),
        ("QuotaPeak", Array(ULONG, 3), 0x09C),
        ("CommitCharge", ULONG, 0x0A8),
        ("PeakVirtualSize", ULONG, 0x0AC),
        ("VirtualSize", ULONG, 0x0B0),
        ("SessionProcessLinks", LIST_ENTRY, 0x0B4),
        ("DebugPort", PVOID, 0x0BC),
        ("ExceptionPort", PVOID, 0x0C0),
        ("ObjectTable", Ptr("_HANDLE_TABLE"), 0x0C4),
        ("Token", EX_FAST_REF, 0x0C8),
        ("WorkingSetLock", FAST_MUTEX, 0x0CC),
        ("WorkingSetPage", ULONG, 0x0EC),
        ("AddressCreationLock", FAST_MUTEX, 0x0F0),
        ("HyperSpaceLock", ULONG, 0x110),
        ("ForkInProgress", Ptr("_ETHREAD"), 0x114),
        ("HardwareTrigger", ULONG, 0x118),
        ("VadRoot", PVOID, 0x11C),
        ("VadHint", PVOID, 0x120),
        ("CloneRoot", PVOID, 0x124),
        ("NumberOfPrivatePages", ULONG, 0x128),
        ("NumberOfLockedPages", ULONG, 0x12C),
        ("Win32Process", PVOID, 0x130),
        ("Job", Ptr("_EJOB"), 0x134),
        ("SectionObject", PVOID, 0x138),
        ("SectionBaseAddress", PVOID, 0x13C),
        ("QuotaBlock", Ptr("_EPROCESS_QUOTA_BLOCK"), 0x140),
        ("WorkingSetWatch", Ptr("_PAGEFAULT_HISTORY"), 0x144),
        ("Win32WindowStation", PVOID, 0x148),
        ("InheritedFromUniqueProcessId", PVOID, 0x14C),
        ("LdtInformation", PVOID, 0x150),
        ("VadFreeHint", PVOID, 0x154),
        ("VdmObjects", PVOID, 0x158),
        ("DeviceMap", PVOID, 0x15C),
        ("PhysicalVadList", LIST_ENTRY, 0x160),
        (None, U(("PageDirectoryPte", HARDWARE_PTE), ("Filler", ULONGLONG)), 0x168),
        ("Session", PVOID, 0x170),
        ("ImageFileName", CharArray(16), 0x174),
        ("JobLinks", LIST_ENTRY, 0x184),
        ("LockedPagesList", PVOID, 0x18C),
        ("ThreadListHead", LIST_ENTRY, 0x190),
        ("SecurityPort", PVOID, 0x198),
        ("PaeTop", PVOID, 0x19C),
        ("ActiveThreads", ULONG, 0x1A0),
        ("GrantedAccess", ULONG, 0x1A4),
        ("DefaultHardErrorProcessing", ULONG, 0x1A8),
        ("LastThreadExitStatus", LONG, 0x1AC),
        ("Peb", Ptr("_PEB"), 0x1B0),
        ("PrefetchTrace", EX_FAST_REF, 0x1B4),
        ("ReadOperationCount", LARGE_INTEGER, 0x1B8),
        ("WriteOperationCount", LARGE_INTEGER, 0x1C0),
        ("OtherOperationCount", LARGE_INTEGER, 0x1C8),
        ("ReadTransferCount", LARGE_INTEGER, 0x1D0),
        ("WriteTransferCount", LARGE_INTEGER, 0x1D8),
        ("OtherTransferCount", LARGE_INTEGER, 0x1E0),
        ("CommitChargeLimit", ULONG, 0x1E8),
        ("CommitChargePeak", ULONG, 0x1EC),
        ("AweInfo", PVOID, 0x1F0),
        ("SeAuditProcessCreationInfo", SE_AUDIT_PROCESS_CREATION_INFO, 0x1F4),
        ("Vm", MMSUPPORT, 0x1F8),
        ("LastFaultCount", ULONG, 0x238),
        ("ModifiedPageCount", ULONG, 0x23C),
        ("NumberOfVads", ULONG, 0x240),
        ("JobStatus", ULONG, 0x244),
        ("Flags", Bits(ULONG, _bits1(
            "CreateReported", "NoDebugInherit", "ProcessExiting", "ProcessDelete",
            "Wow64SplitPages", "VmDeleted", "OutswapEnabled", "Outswapped",
            "ForkFailed", "HasPhysicalVad") + [("AddressSpaceInitialized", 2)]
            + _bits1(
            "SetTimerResolution", "BreakOnTermination", "SessionCreationUnderway",
            "WriteWatch", "ProcessInSession", "OverrideAddressSpace", "HasAddressSpace",
            "LaunchPrefetched", "InjectInpageErrors", "VmTopDown", "Unused3", "Unused4",
            "VdmAllowed") + [("Unused", 5)] + _bits1("Unused1", "Unused2")), 0x248),
        ("ExitStatus", LONG, 0x24C),
        ("NextPageColor", USHORT, 0x250),
        (None, U(S(("SubSystemMinorVersion", UCHAR), ("SubSystemMajorVersion", UCHAR)),
                 ("SubSystemVersion", USHORT)), 0x252),
        ("PriorityClass", UCHAR, 0x254),
        ("WorkingSetAcquiredUnsafe", BOOLEAN, 0x255),
        ("Cookie", ULONG, 0x258),
    ]


# [VOL]
class KWAIT_BLOCK(Struct):
    _name_ = "_KWAIT_BLOCK"
    _size_ = 0x18
    _fields_ = [
        ("WaitListEntry", LIST_ENTRY, 0x00),
        ("Thread", Ptr("_KTHREAD"), 0x08),
        ("Object", PVOID, 0x0C),
        ("NextWaitBlock", Ptr("_KWAIT_BLOCK"), 0x10),
        ("WaitKey", USHORT, 0x14),
        ("WaitType", USHORT, 0x16),
    ]


# [VOL]
class KTIMER(Struct):
    _name_ = "_KTIMER"
    _size_ = 0x28
    _fields_ = [
        ("Header", DISPATCHER_HEADER, 0x00),
        ("DueTime", ULARGE_INTEGER, 0x10),
        ("TimerListEntry", LIST_ENTRY, 0x18),
        ("Dpc", Ptr("_KDPC"), 0x20),
        ("Period", LONG, 0x24),
    ]


# [VOL]
class KAPC(Struct):
    _name_ = "_KAPC"
    _size_ = 0x30
    _fields_ = [
        ("Type", SHORT, 0x00),
        ("Size", SHORT, 0x02),
        ("Spare0", ULONG, 0x04),
        ("Thread", Ptr("_KTHREAD"), 0x08),
        ("ApcListEntry", LIST_ENTRY, 0x0C),
        ("KernelRoutine", FUNCPTR, 0x14),
        ("RundownRoutine", FUNCPTR, 0x18),
        ("NormalRoutine", FUNCPTR, 0x1C),
        ("NormalContext", PVOID, 0x20),
        ("SystemArgument1", PVOID, 0x24),
        ("SystemArgument2", PVOID, 0x28),
        ("ApcStateIndex", CHAR, 0x2C),
        ("ApcMode", CHAR, 0x2D),
        ("Inserted", UCHAR, 0x2E),
    ]


# [VOL]
class KSEMAPHORE(Struct):
    _name_ = "_KSEMAPHORE"
    _size_ = 0x14
    _fields_ = [("Header", DISPATCHER_HEADER, 0x00), ("Limit", LONG, 0x10)]


# [VOL] (ntoskrnl, XP x86): every member declared
class KTHREAD(Struct):
    _name_ = "_KTHREAD"
    _size_ = 0x1C0
    _fields_ = [
        ("Header", DISPATCHER_HEADER, 0x000),
        ("MutantListHead", LIST_ENTRY, 0x010),
        ("InitialStack", PVOID, 0x018),
        ("StackLimit", PVOID, 0x01C),
        ("Teb", PVOID, 0x020),
        ("TlsArray", PVOID, 0x024),
        ("KernelStack", PVOID, 0x028),
        ("DebugActive", UCHAR, 0x02C),
        ("State", UCHAR, 0x02D),
        ("Alerted", Array(UCHAR, 2), 0x02E),
        ("Iopl", UCHAR, 0x030),
        ("NpxState", UCHAR, 0x031),
        ("Saturation", CHAR, 0x032),
        ("Priority", CHAR, 0x033),
        ("ApcState", KAPC_STATE, 0x034),
        ("ContextSwitches", ULONG, 0x04C),
        ("IdleSwapBlock", UCHAR, 0x050),
        ("Spare0", Array(UCHAR, 3), 0x051),
        ("WaitStatus", LONG, 0x054),
        ("WaitIrql", UCHAR, 0x058),
        ("WaitMode", CHAR, 0x059),
        ("WaitNext", UCHAR, 0x05A),
        ("WaitReason", UCHAR, 0x05B),
        ("WaitBlockList", Ptr("_KWAIT_BLOCK"), 0x05C),
        (None, U(("WaitListEntry", LIST_ENTRY),
                 ("SwapListEntry", SINGLE_LIST_ENTRY)), 0x060),
        ("WaitTime", ULONG, 0x068),
        ("BasePriority", CHAR, 0x06C),
        ("DecrementCount", UCHAR, 0x06D),
        ("PriorityDecrement", CHAR, 0x06E),
        ("Quantum", CHAR, 0x06F),
        ("WaitBlock", Array(KWAIT_BLOCK, 4), 0x070),
        ("LegoData", PVOID, 0x0D0),
        ("KernelApcDisable", ULONG, 0x0D4),
        ("UserAffinity", ULONG, 0x0D8),
        ("SystemAffinityActive", UCHAR, 0x0DC),
        ("PowerState", UCHAR, 0x0DD),
        ("NpxIrql", UCHAR, 0x0DE),
        ("InitialNode", UCHAR, 0x0DF),
        ("ServiceTable", PVOID, 0x0E0),
        ("Queue", Ptr("_KQUEUE"), 0x0E4),
        ("ApcQueueLock", ULONG, 0x0E8),
        ("Timer", KTIMER, 0x0F0),
        ("QueueListEntry", LIST_ENTRY, 0x118),
        ("SoftAffinity", ULONG, 0x120),
        ("Affinity", ULONG, 0x124),
        ("Preempted", UCHAR, 0x128),
        ("ProcessReadyQueue", UCHAR, 0x129),
        ("KernelStackResident", UCHAR, 0x12A),
        ("NextProcessor", UCHAR, 0x12B),
        ("CallbackStack", PVOID, 0x12C),
        ("Win32Thread", PVOID, 0x130),
        ("TrapFrame", Ptr("_KTRAP_FRAME"), 0x134),
        ("ApcStatePointer", Array(Ptr("_KAPC_STATE"), 2), 0x138),
        ("PreviousMode", CHAR, 0x140),
        ("EnableStackSwap", UCHAR, 0x141),
        ("LargeStack", UCHAR, 0x142),
        ("ResourceIndex", UCHAR, 0x143),
        ("KernelTime", ULONG, 0x144),
        ("UserTime", ULONG, 0x148),
        ("SavedApcState", KAPC_STATE, 0x14C),
        ("Alertable", UCHAR, 0x164),
        ("ApcStateIndex", UCHAR, 0x165),
        ("ApcQueueable", UCHAR, 0x166),
        ("AutoAlignment", UCHAR, 0x167),
        ("StackBase", PVOID, 0x168),
        ("SuspendApc", KAPC, 0x16C),
        ("SuspendSemaphore", KSEMAPHORE, 0x19C),
        ("ThreadListEntry", LIST_ENTRY, 0x1B0),
        ("FreezeCount", CHAR, 0x1B8),
        ("SuspendCount", CHAR, 0x1B9),
        ("IdealProcessor", UCHAR, 0x1BA),
        ("DisableBoost", UCHAR, 0x1BB),
    ]


# [VOL] (ntoskrnl, XP x86): every member declared
class ETHREAD(Struct):
    _name_ = "_ETHREAD"
    _size_ = 0x258
    _fields_ = [
        ("Tcb", KTHREAD, 0x000),
        (None, U(("CreateTime", LARGE_INTEGER),
                 (None, Bits(ULONG, [("NestedFaultCount", 2), ("ApcNeeded", 1)]))), 0x1C0),
        (None, U(("ExitTime", LARGE_INTEGER), ("LpcReplyChain", LIST_ENTRY),
                 ("KeyedWaitChain", LIST_ENTRY)), 0x1C8),
        (None, U(("ExitStatus", LONG), ("OfsChain", PVOID)), 0x1D0),
        ("PostBlockList", LIST_ENTRY, 0x1D4),
        (None, U(("TerminationPort", Ptr("_TERMINATION_PORT")),
                 ("ReaperLink", Ptr("_ETHREAD")),
                 ("KeyedWaitValue", PVOID)), 0x1DC),
        ("ActiveTimerListLock", ULONG, 0x1E0),
        ("ActiveTimerListHead", LIST_ENTRY, 0x1E4),
        ("Cid", CLIENT_ID, 0x1EC),
        (None, U(("LpcReplySemaphore", KSEMAPHORE),
                 ("KeyedWaitSemaphore", KSEMAPHORE)), 0x1F4),
        (None, U(("LpcReplyMessage", PVOID), ("LpcWaitingOnPort", PVOID)), 0x208),
        ("ImpersonationInfo", Ptr("_PS_IMPERSONATION_INFORMATION"), 0x20C),
        ("IrpList", LIST_ENTRY, 0x210),
        ("TopLevelIrp", ULONG, 0x218),
        ("DeviceToVerify", Ptr("_DEVICE_OBJECT"), 0x21C),
        ("ThreadsProcess", Ptr("_EPROCESS"), 0x220),
        ("StartAddress", PVOID, 0x224),
        (None, U(("Win32StartAddress", PVOID), ("LpcReceivedMessageId", ULONG)), 0x228),
        ("ThreadListEntry", LIST_ENTRY, 0x22C),
        ("RundownProtect", EX_RUNDOWN_REF, 0x234),
        ("ThreadLock", EX_PUSH_LOCK, 0x238),
        ("LpcReplyMessageId", ULONG, 0x23C),
        ("ReadClusterSize", ULONG, 0x240),
        ("GrantedAccess", ULONG, 0x244),
        ("CrossThreadFlags", Bits(ULONG, _bits1(
            "Terminated", "DeadThread", "HideFromDebugger", "ActiveImpersonationInfo",
            "SystemThread", "HardErrorsAreDisabled", "BreakOnTermination",
            "SkipCreationMsg", "SkipTerminationMsg")), 0x248),
        ("SameThreadPassiveFlags", Bits(ULONG, _bits1(
            "ActiveExWorker", "ExWorkerCanWaitUser", "MemoryMaker")), 0x24C),
        ("SameThreadApcFlags", Bits(ULONG, _bits1(
            "LpcReceivedMsgIdValid", "LpcExitThreadCalled", "AddressSpaceOwner")), 0x250),
        ("ForwardClusterOnly", BOOLEAN, 0x254),
        ("DisablePageFaultClustering", BOOLEAN, 0x255),
    ]


# --------------------------------------------------------------------------
# The NT heap (ntdll RtlCreateHeap/RtlAllocateHeap) as XP lays it out
# --------------------------------------------------------------------------

# [VOL]: the 8-byte block header, stored in clear (Windows 6.0+ XORs it with
# HEAP.Encoding); Size and PreviousSize count 8-byte units
class HEAP_ENTRY(Struct):
    _name_ = "_HEAP_ENTRY"
    _size_ = 0x8
    _fields_ = [
        (None, U(S(("Size", USHORT), ("PreviousSize", USHORT)),
                 ("SubSegmentCode", PVOID)), 0x0),
        ("SmallTagIndex", UCHAR, 0x4),
        ("Flags", UCHAR, 0x5),
        ("UnusedBytes", UCHAR, 0x6),
        ("SegmentIndex", UCHAR, 0x7),
    ]


# [VOL] _HEAP (0x588); [TRM] Flags +0xc, ForceFlags +0x10 on XP x86
class HEAP(Struct):
    _name_ = "_HEAP"
    _size_ = 0x588
    _fields_ = [
        ("Entry", HEAP_ENTRY, 0x000),
        ("Signature", ULONG, 0x008),
        ("Flags", ULONG, 0x00C),
        ("ForceFlags", ULONG, 0x010),
        ("VirtualMemoryThreshold", ULONG, 0x014),
        ("SegmentReserve", ULONG, 0x018),
        ("SegmentCommit", ULONG, 0x01C),
        ("DeCommitFreeBlockThreshold", ULONG, 0x020),
        ("DeCommitTotalFreeThreshold", ULONG, 0x024),
        ("TotalFreeSize", ULONG, 0x028),
        ("MaximumAllocationSize", ULONG, 0x02C),
        ("ProcessHeapsListIndex", USHORT, 0x030),
        ("HeaderValidateLength", USHORT, 0x032),
        ("HeaderValidateCopy", PVOID, 0x034),
        ("NextAvailableTagIndex", USHORT, 0x038),
        ("MaximumTagIndex", USHORT, 0x03A),
        ("TagEntries", Ptr("_HEAP_TAG_ENTRY"), 0x03C),
        ("UCRSegments", Ptr("_HEAP_UCR_SEGMENT"), 0x040),
        ("UnusedUnCommittedRanges", Ptr("_HEAP_UNCOMMMTTED_RANGE"), 0x044),
        ("AlignRound", ULONG, 0x048),
        ("AlignMask", ULONG, 0x04C),
        ("VirtualAllocdBlocks", LIST_ENTRY, 0x050),
        ("Segments", Array(Ptr("_HEAP_SEGMENT"), 64), 0x058),
        ("u", U(("FreeListsInUseUlong", Array(ULONG, 4)),
                ("FreeListsInUseBytes", Array(UCHAR, 16))), 0x158),
        ("u2", U(("FreeListsInUseTerminate", USHORT), ("DecommitCount", USHORT)), 0x168),
        ("AllocatorBackTraceIndex", USHORT, 0x16A),
        ("NonDedicatedListLength", ULONG, 0x16C),
        ("LargeBlocksIndex", PVOID, 0x170),
        ("PseudoTagEntries", Ptr("_HEAP_PSEUDO_TAG_ENTRY"), 0x174),
        ("FreeLists", Array(LIST_ENTRY, 128), 0x178),
        ("LockVariable", Ptr("_HEAP_LOCK"), 0x578),
        ("CommitRoutine", FUNCPTR, 0x57C),
        ("FrontEndHeap", PVOID, 0x580),
        ("FrontHeapLockCount", USHORT, 0x584),
        ("FrontEndHeapType", UCHAR, 0x586),
        ("LastSegmentIndex", UCHAR, 0x587),
    ]


#: WinDbg type name -> class, for every structure declared or re-exported above.
STRUCTS = {cls._name_: cls for cls in [
    LIST_ENTRY, SINGLE_LIST_ENTRY, UNICODE_STRING, STRING, CLIENT_ID, LARGE_INTEGER,
    ULARGE_INTEGER, NT_TIB, EXCEPTION_REGISTRATION_RECORD, CURDIR,
    RTL_DRIVE_LETTER_CURDIR, GUID, GDI_TEB_BATCH, KSYSTEM_TIME,
    ACTIVATION_CONTEXT_STACK, Wx86ThreadState, TEB, PEB_FREE_BLOCK, PEB, PEB_LDR_DATA,
    LDR_DATA_TABLE_ENTRY, RTL_USER_PROCESS_PARAMETERS, KUSER_SHARED_DATA,
    FLOATING_SAVE_AREA, CONTEXT, EXCEPTION_RECORD, EXCEPTION_POINTERS,
    DISPATCHER_HEADER, KEVENT, FAST_MUTEX, KGDTENTRY, KIDTENTRY, KEXECUTE_OPTIONS,
    KPROCESS, EX_PUSH_LOCK, EX_RUNDOWN_REF, EX_FAST_REF, HARDWARE_PTE,
    SE_AUDIT_PROCESS_CREATION_INFO, MMSUPPORT_FLAGS, MMSUPPORT, EPROCESS, KAPC_STATE,
    KWAIT_BLOCK, KTIMER, KAPC, KSEMAPHORE, KTHREAD, ETHREAD, HEAP_ENTRY, HEAP,
]}
