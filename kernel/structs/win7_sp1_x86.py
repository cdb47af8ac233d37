"""Windows 7 SP1 x86 (6.1.7601) structure layouts.

Offsets come from public PDB-derived material (no prose or code copied):
  [VOL]  Volatility 2, volatility/plugins/overlays/windows/win7_sp1_x86_vtypes.py
         (types generated from the 7601 x86 kernel PDB)
  [WAD]  winappdbg, winappdbg/win32/peb_teb.py: WinDbg ``dt`` dumps of the
         Windows 7 32-bit _PEB and _TEB
  [NTD]  ntdiff/headers, Win7_SP1/x86/System32/{ntoskrnl.exe,ntdll.dll}/
         Standalone/*.h (headers generated from the 7601 x86 PDBs)
  [TRM]  terminus (rewolf) x86 tables with per-version columns
  [GC]   Geoff Chappell's structure pages (sizes, member history)
  [DT]   public WinDbg ``dt _CONTEXT`` dumps (layout unchanged since NT 4)
Every third tuple element is the documented offset and is asserted when the
class is created; ``_size_`` is asserted too.
"""

from __future__ import annotations

from . import (
    Array, BOOLEAN, Bits, CHAR, CharArray, Enum, FUNCPTR, LONG, LONGLONG, Ptr,
    PVOID, S, SHORT, Struct, U, UCHAR, ULONG, ULONGLONG, USHORT, Union, WCHAR,
)

KUSER_SHARED_DATA_ADDRESS = 0x7FFE0000
OS_VERSION = (6, 1, 7601)


def _bits1(*names):
    return [(n, 1) for n in names]


# --------------------------------------------------------------------------
# Basic types
# --------------------------------------------------------------------------

# [VOL] [NTD]
class LIST_ENTRY(Struct):
    _name_ = "_LIST_ENTRY"
    _size_ = 0x8
    _fields_ = [("Flink", Ptr("_LIST_ENTRY"), 0x0), ("Blink", Ptr("_LIST_ENTRY"), 0x4)]


# [VOL] [NTD]
class SINGLE_LIST_ENTRY(Struct):
    _name_ = "_SINGLE_LIST_ENTRY"
    _size_ = 0x4
    _fields_ = [("Next", Ptr("_SINGLE_LIST_ENTRY"), 0x0)]


# [VOL] [NTD]
class UNICODE_STRING(Struct):
    _name_ = "_UNICODE_STRING"
    _size_ = 0x8
    _fields_ = [
        ("Length", USHORT, 0x0),
        ("MaximumLength", USHORT, 0x2),
        ("Buffer", Ptr("Uint2B"), 0x4),
    ]


# [VOL] (Buffer: char*, shown by WinDbg as Ptr32 Char)
class STRING(Struct):
    _name_ = "_STRING"
    _size_ = 0x8
    _fields_ = [
        ("Length", USHORT, 0x0),
        ("MaximumLength", USHORT, 0x2),
        ("Buffer", Ptr("Char"), 0x4),
    ]


ANSI_STRING = STRING


# [VOL] [NTD]
class CLIENT_ID(Struct):
    _name_ = "_CLIENT_ID"
    _size_ = 0x8
    _fields_ = [("UniqueProcess", PVOID, 0x0), ("UniqueThread", PVOID, 0x4)]


# [VOL] [NTD]
class LARGE_INTEGER(Union):
    _name_ = "_LARGE_INTEGER"
    _size_ = 0x8
    _fields_ = [
        (None, S(("LowPart", ULONG), ("HighPart", LONG))),
        ("u", S(("LowPart", ULONG), ("HighPart", LONG))),
        ("QuadPart", LONGLONG),
    ]


# [VOL]
class ULARGE_INTEGER(Union):
    _name_ = "_ULARGE_INTEGER"
    _size_ = 0x8
    _fields_ = [
        (None, S(("LowPart", ULONG), ("HighPart", ULONG))),
        ("u", S(("LowPart", ULONG), ("HighPart", ULONG))),
        ("QuadPart", ULONGLONG),
    ]


# [VOL] [WAD]
class NT_TIB(Struct):
    _name_ = "_NT_TIB"
    _size_ = 0x1C
    _fields_ = [
        ("ExceptionList", Ptr("_EXCEPTION_REGISTRATION_RECORD"), 0x00),
        ("StackBase", PVOID, 0x04),
        ("StackLimit", PVOID, 0x08),
        ("SubSystemTib", PVOID, 0x0C),
        (None, U(("FiberData", PVOID), ("Version", ULONG)), 0x10),
        ("ArbitraryUserPointer", PVOID, 0x14),
        ("Self", Ptr("_NT_TIB"), 0x18),
    ]


# [VOL]
class EXCEPTION_REGISTRATION_RECORD(Struct):
    _name_ = "_EXCEPTION_REGISTRATION_RECORD"
    _size_ = 0x8
    _fields_ = [
        ("Next", Ptr("_EXCEPTION_REGISTRATION_RECORD"), 0x0),
        ("Handler", FUNCPTR, 0x4),
    ]


# [VOL] [WAD]
class CURDIR(Struct):
    _name_ = "_CURDIR"
    _size_ = 0xC
    _fields_ = [("DosPath", UNICODE_STRING, 0x0), ("Handle", PVOID, 0x8)]


# [VOL] [WAD]
class RTL_DRIVE_LETTER_CURDIR(Struct):
    _name_ = "_RTL_DRIVE_LETTER_CURDIR"
    _size_ = 0x10
    _fields_ = [
        ("Flags", USHORT, 0x0),
        ("Length", USHORT, 0x2),
        ("TimeStamp", ULONG, 0x4),
        ("DosPath", STRING, 0x8),
    ]


# [VOL]
class GUID(Struct):
    _name_ = "_GUID"
    _size_ = 0x10
    _fields_ = [
        ("Data1", ULONG, 0x0),
        ("Data2", USHORT, 0x4),
        ("Data3", USHORT, 0x6),
        ("Data4", Array(UCHAR, 8), 0x8),
    ]


# [VOL]
class PROCESSOR_NUMBER(Struct):
    _name_ = "_PROCESSOR_NUMBER"
    _size_ = 0x4
    _fields_ = [("Group", USHORT, 0x0), ("Number", UCHAR, 0x2), ("Reserved", UCHAR, 0x3)]


# [VOL]; the TEB offsets in [WAD] (0x1d4 .. 0x6b4) give the same size
class GDI_TEB_BATCH(Struct):
    _name_ = "_GDI_TEB_BATCH"
    _size_ = 0x4E0
    _fields_ = [
        ("Offset", ULONG, 0x0),
        ("HDC", ULONG, 0x4),
        ("Buffer", Array(ULONG, 310), 0x8),
    ]


# [VOL] [NTD]
class KSYSTEM_TIME(Struct):
    _name_ = "_KSYSTEM_TIME"
    _size_ = 0xC
    _fields_ = [("LowPart", ULONG, 0x0), ("High1Time", LONG, 0x4), ("High2Time", LONG, 0x8)]


# --------------------------------------------------------------------------
# TEB / PEB and loader structures
# --------------------------------------------------------------------------

# [VOL] _TEB (0xfe4) and [WAD] Windows 7 32-bit dt dump: identical offsets
class TEB(Struct):
    _name_ = "_TEB"
    _size_ = 0xFE4
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
        ("ActivationContextStackPointer", Ptr("_ACTIVATION_CONTEXT_STACK"), 0x1A8),
        ("SpareBytes", Array(UCHAR, 36), 0x1AC),
        ("TxFsContext", ULONG, 0x1D0),
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
        ("HardErrorMode", ULONG, 0xF28),
        ("Instrumentation", Array(PVOID, 9), 0xF2C),
        ("ActivityId", GUID, 0xF50),
        ("SubProcessTag", PVOID, 0xF60),
        ("EtwLocalData", PVOID, 0xF64),
        ("EtwTraceData", PVOID, 0xF68),
        ("WinSockData", PVOID, 0xF6C),
        ("GdiBatchCount", ULONG, 0xF70),
        (None, U(
            ("CurrentIdealProcessor", PROCESSOR_NUMBER),
            ("IdealProcessorValue", ULONG),
            S(("ReservedPad0", UCHAR), ("ReservedPad1", UCHAR),
              ("ReservedPad2", UCHAR), ("IdealProcessor", UCHAR)),
        ), 0xF74),
        ("GuaranteedStackBytes", ULONG, 0xF78),
        ("ReservedForPerf", PVOID, 0xF7C),
        ("ReservedForOle", PVOID, 0xF80),
        ("WaitingOnLoaderLock", ULONG, 0xF84),
        ("SavedPriorityState", PVOID, 0xF88),
        ("SoftPatchPtr1", ULONG, 0xF8C),
        ("ThreadPoolData", PVOID, 0xF90),
        ("TlsExpansionSlots", Ptr(Ptr("Void")), 0xF94),
        ("MuiGeneration", ULONG, 0xF98),
        ("IsImpersonating", ULONG, 0xF9C),
        ("NlsCache", PVOID, 0xFA0),
        ("pShimData", PVOID, 0xFA4),
        ("HeapVirtualAffinity", ULONG, 0xFA8),
        ("CurrentTransactionHandle", PVOID, 0xFAC),
        ("ActiveFrame", Ptr("_TEB_ACTIVE_FRAME"), 0xFB0),
        ("FlsData", PVOID, 0xFB4),
        ("PreferredLanguages", PVOID, 0xFB8),
        ("UserPrefLanguages", PVOID, 0xFBC),
        ("MergedPrefLanguages", PVOID, 0xFC0),
        ("MuiImpersonation", ULONG, 0xFC4),
        ("CrossTebFlags", Bits(USHORT, [("SpareCrossTebBits", 16)]), 0xFC8),
        ("SameTebFlags", Bits(USHORT, _bits1(
            "SafeThunkCall", "InDebugPrint", "HasFiberData", "SkipThreadAttach",
            "WerInShipAssertCode", "RanProcessInit", "ClonedThread",
            "SuppressDebugMsg", "DisableUserStackWalk", "RtlExceptionAttached",
            "InitialThread") + [("SpareSameTebBits", 5)]), 0xFCA),
        ("TxnScopeEnterCallback", PVOID, 0xFCC),
        ("TxnScopeExitCallback", PVOID, 0xFD0),
        ("TxnScopeContext", PVOID, 0xFD4),
        ("LockCount", ULONG, 0xFD8),
        ("SpareUlong0", ULONG, 0xFDC),
        ("ResourceRetValue", PVOID, 0xFE0),
    ]


# [VOL] _PEB (0x248) and [WAD] Windows 7 (final) 32-bit dt dump
class PEB(Struct):
    _name_ = "_PEB"
    _size_ = 0x248
    _fields_ = [
        ("InheritedAddressSpace", UCHAR, 0x000),
        ("ReadImageFileExecOptions", UCHAR, 0x001),
        ("BeingDebugged", UCHAR, 0x002),
        ("BitField", Bits(UCHAR, _bits1(
            "ImageUsesLargePages", "IsProtectedProcess", "IsLegacyProcess",
            "IsImageDynamicallyRelocated", "SkipPatchingUser32Forwarders")
            + [("SpareBits", 3)]), 0x003),
        ("Mutant", PVOID, 0x004),
        ("ImageBaseAddress", PVOID, 0x008),
        ("Ldr", Ptr("_PEB_LDR_DATA"), 0x00C),
        ("ProcessParameters", Ptr("_RTL_USER_PROCESS_PARAMETERS"), 0x010),
        ("SubSystemData", PVOID, 0x014),
        ("ProcessHeap", PVOID, 0x018),
        ("FastPebLock", Ptr("_RTL_CRITICAL_SECTION"), 0x01C),
        ("AtlThunkSListPtr", PVOID, 0x020),
        ("IFEOKey", PVOID, 0x024),
        ("CrossProcessFlags", Bits(ULONG, _bits1(
            "ProcessInJob", "ProcessInitializing", "ProcessUsingVEH",
            "ProcessUsingVCH", "ProcessUsingFTH") + [("ReservedBits0", 27)]), 0x028),
        (None, U(("KernelCallbackTable", PVOID), ("UserSharedInfoPtr", PVOID)), 0x02C),
        ("SystemReserved", Array(ULONG, 1), 0x030),
        ("AtlThunkSListPtr32", ULONG, 0x034),
        ("ApiSetMap", PVOID, 0x038),
        ("TlsExpansionCounter", ULONG, 0x03C),
        ("TlsBitmap", PVOID, 0x040),
        ("TlsBitmapBits", Array(ULONG, 2), 0x044),
        ("ReadOnlySharedMemoryBase", PVOID, 0x04C),
        ("HotpatchInformation", PVOID, 0x050),
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
        ("LoaderLock", Ptr("_RTL_CRITICAL_SECTION"), 0x0A0),
        ("OSMajorVersion", ULONG, 0x0A4),
        ("OSMinorVersion", ULONG, 0x0A8),
        ("OSBuildNumber", USHORT, 0x0AC),
        ("OSCSDVersion", USHORT, 0x0AE),
        ("OSPlatformId", ULONG, 0x0B0),
        ("ImageSubsystem", ULONG, 0x0B4),
        ("ImageSubsystemMajorVersion", ULONG, 0x0B8),
        ("ImageSubsystemMinorVersion", ULONG, 0x0BC),
        ("ActiveProcessAffinityMask", ULONG, 0x0C0),
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
        ("ActivationContextData", Ptr("_ACTIVATION_CONTEXT_DATA"), 0x1F8),
        ("ProcessAssemblyStorageMap", Ptr("_ASSEMBLY_STORAGE_MAP"), 0x1FC),
        ("SystemDefaultActivationContextData", Ptr("_ACTIVATION_CONTEXT_DATA"), 0x200),
        ("SystemAssemblyStorageMap", Ptr("_ASSEMBLY_STORAGE_MAP"), 0x204),
        ("MinimumStackCommit", ULONG, 0x208),
        ("FlsCallback", Ptr("_FLS_CALLBACK_INFO"), 0x20C),
        ("FlsListHead", LIST_ENTRY, 0x210),
        ("FlsBitmap", PVOID, 0x218),
        ("FlsBitmapBits", Array(ULONG, 4), 0x21C),
        ("FlsHighIndex", ULONG, 0x22C),
        ("WerRegistrationData", PVOID, 0x230),
        ("WerShipAssertPtr", PVOID, 0x234),
        ("pContextData", PVOID, 0x238),
        ("pImageHeaderHash", PVOID, 0x23C),
        ("TracingFlags", Bits(ULONG, _bits1("HeapTracingEnabled", "CritSecTracingEnabled")
                              + [("SpareTracingBits", 30)]), 0x240),
    ]


# [VOL] offsets; [GC] size 0x30 for 6.0 SP1 and later, same member order
class PEB_LDR_DATA(Struct):
    _name_ = "_PEB_LDR_DATA"
    _size_ = 0x30
    _fields_ = [
        ("Length", ULONG, 0x00),
        ("Initialized", BOOLEAN, 0x04),
        ("SsHandle", PVOID, 0x08),
        ("InLoadOrderModuleList", LIST_ENTRY, 0x0C),
        ("InMemoryOrderModuleList", LIST_ENTRY, 0x14),
        ("InInitializationOrderModuleList", LIST_ENTRY, 0x1C),
        ("EntryInProgress", PVOID, 0x24),
        ("ShutdownInProgress", BOOLEAN, 0x28),
        ("ShutdownThreadId", PVOID, 0x2C),
    ]


# [VOL] [NTD] (ntdll.dll, Win7 SP1 x86)
class LDR_DATA_TABLE_ENTRY(Struct):
    _name_ = "_LDR_DATA_TABLE_ENTRY"
    _size_ = 0x78
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
        ("EntryPointActivationContext", Ptr("_ACTIVATION_CONTEXT"), 0x48),
        ("PatchInformation", PVOID, 0x4C),
        ("ForwarderLinks", LIST_ENTRY, 0x50),
        ("ServiceTagLinks", LIST_ENTRY, 0x58),
        ("StaticLinks", LIST_ENTRY, 0x60),
        ("ContextInformation", PVOID, 0x68),
        ("OriginalBase", ULONG, 0x6C),
        ("LoadTime", LARGE_INTEGER, 0x70),
    ]


# [VOL] (0x298); [WAD] dt dump through EnvironmentSize 0x290;
# [TRM] x86 table: EnvironmentVersion 0x294 from Windows 7
class RTL_USER_PROCESS_PARAMETERS(Struct):
    _name_ = "_RTL_USER_PROCESS_PARAMETERS"
    _size_ = 0x298
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
        ("EnvironmentSize", ULONG, 0x290),
        ("EnvironmentVersion", ULONG, 0x294),
    ]


# --------------------------------------------------------------------------
# KUSER_SHARED_DATA (mapped read-only at 0x7FFE0000)
# --------------------------------------------------------------------------

# [VOL] [NTD]
class XSTATE_FEATURE(Struct):
    _name_ = "_XSTATE_FEATURE"
    _size_ = 0x8
    _fields_ = [("Offset", ULONG, 0x0), ("Size", ULONG, 0x4)]


# [VOL] [NTD]
class XSTATE_CONFIGURATION(Struct):
    _name_ = "_XSTATE_CONFIGURATION"
    _size_ = 0x210
    _fields_ = [
        ("EnabledFeatures", ULONGLONG, 0x00),
        ("Size", ULONG, 0x08),
        (None, Bits(ULONG, [("OptimizedSave", 1)]), 0x0C),
        ("Features", Array(XSTATE_FEATURE, 64), 0x10),
    ]


NT_PRODUCT_TYPE = Enum("_NT_PRODUCT_TYPE", {
    1: "NtProductWinNt", 2: "NtProductLanManNt", 3: "NtProductServer"})
ALTERNATIVE_ARCHITECTURE_TYPE = Enum("_ALTERNATIVE_ARCHITECTURE_TYPE", {
    0: "StandardDesign", 1: "NEC98x86", 2: "EndAlternatives"})


# [VOL] [NTD] (size 0x5f0).  The TickCount union holds {TickCount,
# TickCountQuad, {ReservedTickCountOverlay[3], TickCountPad[1]}} as in WDM.H.
class KUSER_SHARED_DATA(Struct):
    _name_ = "_KUSER_SHARED_DATA"
    _size_ = 0x5F0
    _fields_ = [
        ("TickCountLowDeprecated", ULONG, 0x000),
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
        ("LargePageMinimum", ULONG, 0x244),
        ("Reserved2", Array(ULONG, 7), 0x248),
        ("NtProductType", NT_PRODUCT_TYPE, 0x264),
        ("ProductTypeIsValid", UCHAR, 0x268),
        ("NtMajorVersion", ULONG, 0x26C),
        ("NtMinorVersion", ULONG, 0x270),
        ("ProcessorFeatures", Array(UCHAR, 64), 0x274),
        ("Reserved1", ULONG, 0x2B4),
        ("Reserved3", ULONG, 0x2B8),
        ("TimeSlip", ULONG, 0x2BC),
        ("AlternativeArchitecture", ALTERNATIVE_ARCHITECTURE_TYPE, 0x2C0),
        ("AltArchitecturePad", Array(ULONG, 1), 0x2C4),
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
        ("TscQpcData", Bits(UCHAR, [("TscQpcEnabled", 1), ("TscQpcSpareFlag", 1),
                                    ("TscQpcShift", 6)]), 0x2ED),
        ("TscQpcPad", Array(UCHAR, 2), 0x2EE),
        ("SharedDataFlags", Bits(ULONG, _bits1(
            "DbgErrorPortPresent", "DbgElevationEnabled", "DbgVirtEnabled",
            "DbgInstallerDetectEnabled", "DbgSystemDllRelocated",
            "DbgDynProcessorEnabled", "DbgSEHValidationEnabled")
            + [("SpareBits", 25)]), 0x2F0),
        ("DataFlagsPad", Array(ULONG, 1), 0x2F4),
        ("TestRetInstruction", ULONGLONG, 0x2F8),
        ("SystemCall", ULONG, 0x300),
        ("SystemCallReturn", ULONG, 0x304),
        ("SystemCallPad", Array(ULONGLONG, 3), 0x308),
        (None, U(
            ("TickCount", KSYSTEM_TIME),
            ("TickCountQuad", ULONGLONG),
            S(("ReservedTickCountOverlay", Array(ULONG, 3)),
              ("TickCountPad", Array(ULONG, 1))),
        ), 0x320),
        ("Cookie", ULONG, 0x330),
        ("CookiePad", Array(ULONG, 1), 0x334),
        ("ConsoleSessionForegroundProcessId", LONGLONG, 0x338),
        ("Wow64SharedInformation", Array(ULONG, 16), 0x340),
        ("UserModeGlobalLogger", Array(USHORT, 16), 0x380),
        ("ImageFileExecutionOptions", ULONG, 0x3A0),
        ("LangGenerationCount", ULONG, 0x3A4),
        ("Reserved5", ULONGLONG, 0x3A8),
        ("InterruptTimeBias", ULONGLONG, 0x3B0),
        ("TscQpcBias", ULONGLONG, 0x3B8),
        ("ActiveProcessorCount", ULONG, 0x3C0),
        ("ActiveGroupCount", USHORT, 0x3C4),
        ("Reserved4", USHORT, 0x3C6),
        ("AitSamplingValue", ULONG, 0x3C8),
        ("AppCompatFlag", ULONG, 0x3CC),
        ("SystemDllNativeRelocation", ULONGLONG, 0x3D0),
        ("SystemDllWowRelocation", ULONG, 0x3D8),
        ("XStatePad", Array(ULONG, 1), 0x3DC),
        ("XState", XSTATE_CONFIGURATION, 0x3E0),
    ]


# --------------------------------------------------------------------------
# CPU context and exceptions
# --------------------------------------------------------------------------

# [VOL] [DT]
class FLOATING_SAVE_AREA(Struct):
    _name_ = "_FLOATING_SAVE_AREA"
    _size_ = 0x70
    _fields_ = [
        ("ControlWord", ULONG, 0x00),
        ("StatusWord", ULONG, 0x04),
        ("TagWord", ULONG, 0x08),
        ("ErrorOffset", ULONG, 0x0C),
        ("ErrorSelector", ULONG, 0x10),
        ("DataOffset", ULONG, 0x14),
        ("DataSelector", ULONG, 0x18),
        ("RegisterArea", Array(UCHAR, 80), 0x1C),
        ("Cr0NpxState", ULONG, 0x6C),
    ]


# [VOL] [DT]
class CONTEXT(Struct):
    _name_ = "_CONTEXT"
    _size_ = 0x2CC
    _fields_ = [
        ("ContextFlags", ULONG, 0x00),
        ("Dr0", ULONG, 0x04),
        ("Dr1", ULONG, 0x08),
        ("Dr2", ULONG, 0x0C),
        ("Dr3", ULONG, 0x10),
        ("Dr6", ULONG, 0x14),
        ("Dr7", ULONG, 0x18),
        ("FloatSave", FLOATING_SAVE_AREA, 0x1C),
        ("SegGs", ULONG, 0x8C),
        ("SegFs", ULONG, 0x90),
        ("SegEs", ULONG, 0x94),
        ("SegDs", ULONG, 0x98),
        ("Edi", ULONG, 0x9C),
        ("Esi", ULONG, 0xA0),
        ("Ebx", ULONG, 0xA4),
        ("Edx", ULONG, 0xA8),
        ("Ecx", ULONG, 0xAC),
        ("Eax", ULONG, 0xB0),
        ("Ebp", ULONG, 0xB4),
        ("Eip", ULONG, 0xB8),
        ("SegCs", ULONG, 0xBC),
        ("EFlags", ULONG, 0xC0),
        ("Esp", ULONG, 0xC4),
        ("SegSs", ULONG, 0xC8),
        ("ExtendedRegisters", Array(UCHAR, 512), 0xCC),
    ]


# [VOL]; [VOL] _EXCEPTION_RECORD32 has the same offsets
class EXCEPTION_RECORD(Struct):
    _name_ = "_EXCEPTION_RECORD"
    _size_ = 0x50
    _fields_ = [
        ("ExceptionCode", LONG, 0x00),
        ("ExceptionFlags", ULONG, 0x04),
        ("ExceptionRecord", Ptr("_EXCEPTION_RECORD"), 0x08),
        ("ExceptionAddress", PVOID, 0x0C),
        ("NumberParameters", ULONG, 0x10),
        ("ExceptionInformation", Array(ULONG, 15), 0x14),
    ]


# [VOL]
class EXCEPTION_POINTERS(Struct):
    _name_ = "_EXCEPTION_POINTERS"
    _size_ = 0x8
    _fields_ = [
        ("ExceptionRecord", Ptr("_EXCEPTION_RECORD"), 0x0),
        ("ContextRecord", Ptr("_CONTEXT"), 0x4),
    ]


# --------------------------------------------------------------------------
# Kernel mirrors
# --------------------------------------------------------------------------

# [VOL] [NTD] (member nesting as in [NTD]; offsets identical)
class DISPATCHER_HEADER(Struct):
    _name_ = "_DISPATCHER_HEADER"
    _size_ = 0x10
    _fields_ = [
        (None, U(
            S(("Type", UCHAR),
              U(("TimerControlFlags", Bits(UCHAR, [
                    ("Absolute", 1), ("Coalescable", 1), ("KeepShifting", 1),
                    ("EncodedTolerableDelay", 5)])),
                ("Abandoned", UCHAR),
                ("Signalling", UCHAR)),
              U(("ThreadControlFlags", Bits(UCHAR, [
                    ("CpuThrottled", 1), ("CycleProfiling", 1), ("CounterProfiling", 1),
                    ("Reserved", 5)])),
                ("Hand", UCHAR),
                ("Size", UCHAR)),
              U(("TimerMiscFlags", Bits(UCHAR, [
                    ("Index", 1), ("Processor", 5), ("Inserted", 1), ("Expired", 1)])),
                ("DebugActive", Bits(UCHAR, [
                    ("ActiveDR7", 1), ("Instrumented", 1), ("Reserved2", 4),
                    ("UmsScheduled", 1), ("UmsPrimary", 1)])),
                ("DpcActive", UCHAR))),
            ("Lock", LONG),
        ), 0x0),
        ("SignalState", LONG, 0x4),
        ("WaitListHead", LIST_ENTRY, 0x8),
    ]


# [VOL] [NTD]
class KGDTENTRY(Struct):
    _name_ = "_KGDTENTRY"
    _size_ = 0x8
    _fields_ = [
        ("LimitLow", USHORT, 0x0),
        ("BaseLow", USHORT, 0x2),
        ("HighWord", U(
            ("Bytes", S(("BaseMid", UCHAR), ("Flags1", UCHAR), ("Flags2", UCHAR),
                        ("BaseHi", UCHAR))),
            ("Bits", Bits(ULONG, [
                ("BaseMid", 8), ("Type", 5), ("Dpl", 2), ("Pres", 1), ("LimitHi", 4),
                ("Sys", 1), ("Reserved_0", 1), ("Default_Big", 1), ("Granularity", 1),
                ("BaseHi", 8)])),
        ), 0x4),
    ]


# [VOL] [NTD]
class KIDTENTRY(Struct):
    _name_ = "_KIDTENTRY"
    _size_ = 0x8
    _fields_ = [
        ("Offset", USHORT, 0x0),
        ("Selector", USHORT, 0x2),
        ("Access", USHORT, 0x4),
        ("ExtendedOffset", USHORT, 0x6),
    ]


# [VOL] [NTD]
class KAFFINITY_EX(Struct):
    _name_ = "_KAFFINITY_EX"
    _size_ = 0xC
    _fields_ = [
        ("Count", USHORT, 0x0),
        ("Size", USHORT, 0x2),
        ("Reserved", ULONG, 0x4),
        ("Bitmap", Array(ULONG, 1), 0x8),
    ]


# [VOL] [NTD]
class KEXECUTE_OPTIONS(Union):
    _name_ = "_KEXECUTE_OPTIONS"
    _size_ = 0x1
    _fields_ = [
        (None, Bits(UCHAR, _bits1(
            "ExecuteDisable", "ExecuteEnable", "DisableThunkEmulation", "Permanent",
            "ExecuteDispatchEnable", "ImageDispatchEnable",
            "DisableExceptionChainValidation", "Spare"))),
        ("ExecuteOptions", UCHAR),
    ]


# [VOL] [NTD]
class KSTACK_COUNT(Union):
    _name_ = "_KSTACK_COUNT"
    _size_ = 0x4
    _fields_ = [
        ("Value", LONG),
        (None, Bits(ULONG, [("State", 3), ("StackCount", 29)])),
    ]


# [VOL] [NTD]
class KPROCESS(Struct):
    _name_ = "_KPROCESS"
    _size_ = 0x98
    _fields_ = [
        ("Header", DISPATCHER_HEADER, 0x00),
        ("ProfileListHead", LIST_ENTRY, 0x10),
        ("DirectoryTableBase", ULONG, 0x18),
        ("LdtDescriptor", KGDTENTRY, 0x1C),
        ("Int21Descriptor", KIDTENTRY, 0x24),
        ("ThreadListHead", LIST_ENTRY, 0x2C),
        ("ProcessLock", ULONG, 0x34),
        ("Affinity", KAFFINITY_EX, 0x38),
        ("ReadyListHead", LIST_ENTRY, 0x44),
        ("SwapListEntry", SINGLE_LIST_ENTRY, 0x4C),
        ("ActiveProcessors", KAFFINITY_EX, 0x50),
        ("ProcessFlags", Bits(LONG, _bits1(
            "AutoAlignment", "DisableBoost", "DisableQuantum", "ActiveGroupsMask")
            + [("ReservedFlags", 28)]), 0x5C),
        ("BasePriority", CHAR, 0x60),
        ("QuantumReset", CHAR, 0x61),
        ("Visited", UCHAR, 0x62),
        ("Unused3", UCHAR, 0x63),
        ("ThreadSeed", Array(ULONG, 1), 0x64),
        ("IdealNode", Array(USHORT, 1), 0x68),
        ("IdealGlobalNode", USHORT, 0x6A),
        ("Flags", KEXECUTE_OPTIONS, 0x6C),
        ("Unused1", UCHAR, 0x6D),
        ("IopmOffset", USHORT, 0x6E),
        ("Unused4", ULONG, 0x70),
        ("StackCount", KSTACK_COUNT, 0x74),
        ("ProcessListEntry", LIST_ENTRY, 0x78),
        ("CycleTime", ULONGLONG, 0x80),
        ("KernelTime", ULONG, 0x88),
        ("UserTime", ULONG, 0x8C),
        ("VdmTrapcHandler", PVOID, 0x90),
    ]


# [VOL] [NTD]
class EX_PUSH_LOCK(Union):
    _name_ = "_EX_PUSH_LOCK"
    _size_ = 0x4
    _fields_ = [
        (None, Bits(ULONG, _bits1("Locked", "Waiting", "Waking", "MultipleShared")
                    + [("Shared", 28)])),
        ("Value", ULONG),
        ("Ptr", PVOID),
    ]


# [VOL] [NTD]
class EX_RUNDOWN_REF(Union):
    _name_ = "_EX_RUNDOWN_REF"
    _size_ = 0x4
    _fields_ = [("Count", ULONG), ("Ptr", PVOID)]


# [VOL] [NTD]
class EX_FAST_REF(Union):
    _name_ = "_EX_FAST_REF"
    _size_ = 0x4
    _fields_ = [
        ("Object", PVOID),
        (None, Bits(ULONG, [("RefCnt", 3)])),
        ("Value", ULONG),
    ]


# [VOL] [NTD]
class HARDWARE_PTE(Struct):
    _name_ = "_HARDWARE_PTE"
    _size_ = 0x4
    _fields_ = [
        (None, Bits(ULONG, _bits1(
            "Valid", "Write", "Owner", "WriteThrough", "CacheDisable", "Accessed",
            "Dirty", "LargePage", "Global", "CopyOnWrite", "Prototype", "reserved")
            + [("PageFrameNumber", 20)]), 0x0),
    ]


# [VOL] [NTD]
class SE_AUDIT_PROCESS_CREATION_INFO(Struct):
    _name_ = "_SE_AUDIT_PROCESS_CREATION_INFO"
    _size_ = 0x4
    _fields_ = [("ImageFileName", Ptr("_OBJECT_NAME_INFORMATION"), 0x0)]


# [VOL] [NTD]
class MMSUPPORT_FLAGS(Struct):
    _name_ = "_MMSUPPORT_FLAGS"
    _size_ = 0x4
    _fields_ = [
        (None, Bits(UCHAR, [("WorkingSetType", 3), ("ModwriterAttached", 1),
                            ("TrimHard", 1), ("MaximumWorkingSetHard", 1),
                            ("ForceTrim", 1), ("MinimumWorkingSetHard", 1)]), 0x0),
        (None, Bits(UCHAR, [("SessionMaster", 1), ("TrimmerState", 2),
                            ("Reserved", 1), ("PageStealers", 4)]), 0x1),
        (None, Bits(UCHAR, [("MemoryPriority", 8)]), 0x2),
        (None, Bits(UCHAR, [("WsleDeleted", 1), ("VmExiting", 1),
                            ("ExpansionFailed", 1), ("Available", 5)]), 0x3),
    ]


# [VOL] [NTD]
class MMSUPPORT(Struct):
    _name_ = "_MMSUPPORT"
    _size_ = 0x6C
    _fields_ = [
        ("WorkingSetMutex", EX_PUSH_LOCK, 0x00),
        ("ExitGate", Ptr("_KGATE"), 0x04),
        ("AccessLog", PVOID, 0x08),
        ("WorkingSetExpansionLinks", LIST_ENTRY, 0x0C),
        ("AgeDistribution", Array(ULONG, 7), 0x14),
        ("MinimumWorkingSetSize", ULONG, 0x30),
        ("WorkingSetSize", ULONG, 0x34),
        ("WorkingSetPrivateSize", ULONG, 0x38),
        ("MaximumWorkingSetSize", ULONG, 0x3C),
        ("ChargedWslePages", ULONG, 0x40),
        ("ActualWslePages", ULONG, 0x44),
        ("WorkingSetSizeOverhead", ULONG, 0x48),
        ("PeakWorkingSetSize", ULONG, 0x4C),
        ("HardFaultCount", ULONG, 0x50),
        ("VmWorkingSetList", Ptr("_MMWSL"), 0x54),
        ("NextPageColor", USHORT, 0x58),
        ("LastTrimStamp", USHORT, 0x5A),
        ("PageFaultCount", ULONG, 0x5C),
        ("RepurposeCount", ULONG, 0x60),
        ("Spare", Array(ULONG, 1), 0x64),
        ("Flags", MMSUPPORT_FLAGS, 0x68),
    ]


# [VOL] [NTD]
class MMADDRESS_NODE(Struct):
    _name_ = "_MMADDRESS_NODE"
    _size_ = 0x14
    _fields_ = [
        ("u1", U((None, Bits(LONG, [("Balance", 2)])),
                 ("Parent", Ptr("_MMADDRESS_NODE"))), 0x00),
        ("LeftChild", Ptr("_MMADDRESS_NODE"), 0x04),
        ("RightChild", Ptr("_MMADDRESS_NODE"), 0x08),
        ("StartingVpn", ULONG, 0x0C),
        ("EndingVpn", ULONG, 0x10),
    ]


# [VOL] [NTD]
class MM_AVL_TABLE(Struct):
    _name_ = "_MM_AVL_TABLE"
    _size_ = 0x20
    _fields_ = [
        ("BalancedRoot", MMADDRESS_NODE, 0x00),
        (None, Bits(ULONG, [("DepthOfTree", 5), ("Unused", 3),
                            ("NumberGenericTableElements", 24)]), 0x14),
        ("NodeHint", PVOID, 0x18),
        ("NodeFreeHint", PVOID, 0x1C),
    ]


# [VOL] [NTD]
class ALPC_PROCESS_CONTEXT(Struct):
    _name_ = "_ALPC_PROCESS_CONTEXT"
    _size_ = 0x10
    _fields_ = [
        ("Lock", EX_PUSH_LOCK, 0x0),
        ("ViewListHead", LIST_ENTRY, 0x4),
        ("PagedPoolQuotaCache", ULONG, 0xC),
    ]


# [VOL] [NTD] (ntoskrnl.exe, Win7 SP1 x86): every member declared
class EPROCESS(Struct):
    _name_ = "_EPROCESS"
    _size_ = 0x2C0
    _fields_ = [
        ("Pcb", KPROCESS, 0x000),
        ("ProcessLock", EX_PUSH_LOCK, 0x098),
        ("CreateTime", LARGE_INTEGER, 0x0A0),
        ("ExitTime", LARGE_INTEGER, 0x0A8),
        ("RundownProtect", EX_RUNDOWN_REF, 0x0B0),
        ("UniqueProcessId", PVOID, 0x0B4),
        ("ActiveProcessLinks", LIST_ENTRY, 0x0B8),
        ("ProcessQuotaUsage", Array(ULONG, 2), 0x0C0),
        ("ProcessQuotaPeak", Array(ULONG, 2), 0x0C8),
        ("CommitCharge", ULONG, 0x0D0),
        ("QuotaBlock", Ptr("_EPROCESS_QUOTA_BLOCK"), 0x0D4),
        ("CpuQuotaBlock", Ptr("_PS_CPU_QUOTA_BLOCK"), 0x0D8),
        ("PeakVirtualSize", ULONG, 0x0DC),
        ("VirtualSize", ULONG, 0x0E0),
        ("SessionProcessLinks", LIST_ENTRY, 0x0E4),
        ("DebugPort", PVOID, 0x0EC),
        (None, U(("ExceptionPortData", PVOID),
                 ("ExceptionPortValue", ULONG),
                 (None, Bits(ULONG, [("ExceptionPortState", 3)]))), 0x0F0),
        ("ObjectTable", Ptr("_HANDLE_TABLE"), 0x0F4),
        ("Token", EX_FAST_REF, 0x0F8),
        ("WorkingSetPage", ULONG, 0x0FC),
        ("AddressCreationLock", EX_PUSH_LOCK, 0x100),
        ("RotateInProgress", Ptr("_ETHREAD"), 0x104),
        ("ForkInProgress", Ptr("_ETHREAD"), 0x108),
        ("HardwareTrigger", ULONG, 0x10C),
        ("PhysicalVadRoot", Ptr("_MM_AVL_TABLE"), 0x110),
        ("CloneRoot", PVOID, 0x114),
        ("NumberOfPrivatePages", ULONG, 0x118),
        ("NumberOfLockedPages", ULONG, 0x11C),
        ("Win32Process", PVOID, 0x120),
        ("Job", Ptr("_EJOB"), 0x124),
        ("SectionObject", PVOID, 0x128),
        ("SectionBaseAddress", PVOID, 0x12C),
        ("Cookie", ULONG, 0x130),
        ("Spare8", ULONG, 0x134),
        ("WorkingSetWatch", Ptr("_PAGEFAULT_HISTORY"), 0x138),
        ("Win32WindowStation", PVOID, 0x13C),
        ("InheritedFromUniqueProcessId", PVOID, 0x140),
        ("LdtInformation", PVOID, 0x144),
        ("VdmObjects", PVOID, 0x148),
        ("ConsoleHostProcess", ULONG, 0x14C),
        ("DeviceMap", PVOID, 0x150),
        ("EtwDataSource", PVOID, 0x154),
        ("FreeTebHint", PVOID, 0x158),
        (None, U(("PageDirectoryPte", HARDWARE_PTE), ("Filler", ULONGLONG)), 0x160),
        ("Session", PVOID, 0x168),
        ("ImageFileName", CharArray(15), 0x16C),
        ("PriorityClass", UCHAR, 0x17B),
        ("JobLinks", LIST_ENTRY, 0x17C),
        ("LockedPagesList", PVOID, 0x184),
        ("ThreadListHead", LIST_ENTRY, 0x188),
        ("SecurityPort", PVOID, 0x190),
        ("PaeTop", PVOID, 0x194),
        ("ActiveThreads", ULONG, 0x198),
        ("ImagePathHash", ULONG, 0x19C),
        ("DefaultHardErrorProcessing", ULONG, 0x1A0),
        ("LastThreadExitStatus", LONG, 0x1A4),
        ("Peb", Ptr("_PEB"), 0x1A8),
        ("PrefetchTrace", EX_FAST_REF, 0x1AC),
        ("ReadOperationCount", LARGE_INTEGER, 0x1B0),
        ("WriteOperationCount", LARGE_INTEGER, 0x1B8),
        ("OtherOperationCount", LARGE_INTEGER, 0x1C0),
        ("ReadTransferCount", LARGE_INTEGER, 0x1C8),
        ("WriteTransferCount", LARGE_INTEGER, 0x1D0),
        ("OtherTransferCount", LARGE_INTEGER, 0x1D8),
        ("CommitChargeLimit", ULONG, 0x1E0),
        ("CommitChargePeak", ULONG, 0x1E4),
        ("AweInfo", PVOID, 0x1E8),
        ("SeAuditProcessCreationInfo", SE_AUDIT_PROCESS_CREATION_INFO, 0x1EC),
        ("Vm", MMSUPPORT, 0x1F0),
        ("MmProcessLinks", LIST_ENTRY, 0x25C),
        ("HighestUserAddress", PVOID, 0x264),
        ("ModifiedPageCount", ULONG, 0x268),
        ("Flags2", Bits(ULONG, _bits1(
            "JobNotReallyActive", "AccountingFolded", "NewProcessReported",
            "ExitProcessReported", "ReportCommitChanges", "LastReportMemory",
            "ReportPhysicalPageChanges", "HandleTableRundown", "NeedsHandleRundown",
            "RefTraceEnabled", "NumaAware", "ProtectedProcess")
            + [("DefaultPagePriority", 3)] + _bits1(
            "PrimaryTokenFrozen", "ProcessVerifierTarget", "StackRandomizationDisabled",
            "AffinityPermanent", "AffinityUpdateEnable", "PropagateNode",
            "ExplicitAffinity")), 0x26C),
        ("Flags", Bits(ULONG, _bits1(
            "CreateReported", "NoDebugInherit", "ProcessExiting", "ProcessDelete",
            "Wow64SplitPages", "VmDeleted", "OutswapEnabled", "Outswapped",
            "ForkFailed", "Wow64VaSpace4Gb") + [("AddressSpaceInitialized", 2)]
            + _bits1(
            "SetTimerResolution", "BreakOnTermination", "DeprioritizeViews",
            "WriteWatch", "ProcessInSession", "OverrideAddressSpace",
            "HasAddressSpace", "LaunchPrefetched", "InjectInpageErrors", "VmTopDown",
            "ImageNotifyDone", "PdeUpdateNeeded", "VdmAllowed", "CrossSessionCreate",
            "ProcessInserted") + [("DefaultIoPriority", 3)]
            + _bits1("ProcessSelfDelete", "SetTimerResolutionLink")), 0x270),
        ("ExitStatus", LONG, 0x274),
        ("VadRoot", MM_AVL_TABLE, 0x278),
        ("AlpcContext", ALPC_PROCESS_CONTEXT, 0x298),
        ("TimerResolutionLink", LIST_ENTRY, 0x2A8),
        ("RequestedTimerResolution", ULONG, 0x2B0),
        ("ActiveThreadsHighWatermark", ULONG, 0x2B4),
        ("SmallestTimerResolution", ULONG, 0x2B8),
        ("TimerResolutionStackRecord", Ptr("_PO_DIAG_STACK_RECORD"), 0x2BC),
    ]


# [VOL] [NTD]
class KWAIT_STATUS_REGISTER(Union):
    _name_ = "_KWAIT_STATUS_REGISTER"
    _size_ = 0x1
    _fields_ = [
        ("Flags", UCHAR),
        (None, Bits(UCHAR, [("State", 2), ("Affinity", 1), ("Priority", 1), ("Apc", 1),
                            ("UserApc", 1), ("Alert", 1), ("Unused", 1)])),
    ]


# [VOL] [NTD]
class KAPC_STATE(Struct):
    _name_ = "_KAPC_STATE"
    _size_ = 0x18
    _fields_ = [
        ("ApcListHead", Array(LIST_ENTRY, 2), 0x00),
        ("Process", Ptr("_KPROCESS"), 0x10),
        ("KernelApcInProgress", UCHAR, 0x14),
        ("KernelApcPending", UCHAR, 0x15),
        ("UserApcPending", UCHAR, 0x16),
    ]


# [VOL] [NTD]
class KWAIT_BLOCK(Struct):
    _name_ = "_KWAIT_BLOCK"
    _size_ = 0x18
    _fields_ = [
        ("WaitListEntry", LIST_ENTRY, 0x00),
        ("Thread", Ptr("_KTHREAD"), 0x08),
        ("Object", PVOID, 0x0C),
        ("NextWaitBlock", Ptr("_KWAIT_BLOCK"), 0x10),
        ("WaitKey", USHORT, 0x14),
        ("WaitType", UCHAR, 0x16),
        ("BlockState", UCHAR, 0x17),
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
        ("Period", ULONG, 0x24),
    ]


# [VOL] [NTD]
class KAPC(Struct):
    _name_ = "_KAPC"
    _size_ = 0x30
    _fields_ = [
        ("Type", UCHAR, 0x00),
        ("SpareByte0", UCHAR, 0x01),
        ("Size", UCHAR, 0x02),
        ("SpareByte1", UCHAR, 0x03),
        ("SpareLong0", ULONG, 0x04),
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


# [VOL] [NTD]
class KSEMAPHORE(Struct):
    _name_ = "_KSEMAPHORE"
    _size_ = 0x14
    _fields_ = [("Header", DISPATCHER_HEADER, 0x00), ("Limit", LONG, 0x10)]


# [VOL] [NTD]
class GROUP_AFFINITY(Struct):
    _name_ = "_GROUP_AFFINITY"
    _size_ = 0xC
    _fields_ = [
        ("Mask", ULONG, 0x0),
        ("Group", USHORT, 0x4),
        ("Reserved", Array(USHORT, 3), 0x6),
    ]


# [VOL] [NTD] (ntoskrnl.exe, Win7 SP1 x86): every member declared
class KTHREAD(Struct):
    _name_ = "_KTHREAD"
    _size_ = 0x200
    _fields_ = [
        ("Header", DISPATCHER_HEADER, 0x000),
        ("CycleTime", ULONGLONG, 0x010),
        ("HighCycleTime", ULONG, 0x018),
        ("QuantumTarget", ULONGLONG, 0x020),
        ("InitialStack", PVOID, 0x028),
        ("StackLimit", PVOID, 0x02C),
        ("KernelStack", PVOID, 0x030),
        ("ThreadLock", ULONG, 0x034),
        ("WaitRegister", KWAIT_STATUS_REGISTER, 0x038),
        ("Running", UCHAR, 0x039),
        ("Alerted", Array(UCHAR, 2), 0x03A),
        ("MiscFlags", Bits(LONG, _bits1(
            "KernelStackResident", "ReadyTransition", "ProcessReadyQueue", "WaitNext",
            "SystemAffinityActive", "Alertable", "GdiFlushActive",
            "UserStackWalkActive", "ApcInterruptRequest", "ForceDeferSchedule",
            "QuantumEndMigrate", "UmsDirectedSwitchEnable", "TimerActive",
            "SystemThread") + [("Reserved", 18)]), 0x03C),
        (None, U(("ApcState", KAPC_STATE),
                 S(("ApcStateFill", Array(UCHAR, 23)), ("Priority", CHAR))), 0x040),
        ("NextProcessor", ULONG, 0x058),
        ("DeferredProcessor", ULONG, 0x05C),
        ("ApcQueueLock", ULONG, 0x060),
        ("ContextSwitches", ULONG, 0x064),
        ("State", UCHAR, 0x068),
        ("NpxState", CHAR, 0x069),
        ("WaitIrql", UCHAR, 0x06A),
        ("WaitMode", CHAR, 0x06B),
        ("WaitStatus", LONG, 0x06C),
        ("WaitBlockList", Ptr("_KWAIT_BLOCK"), 0x070),
        (None, U(("WaitListEntry", LIST_ENTRY),
                 ("SwapListEntry", SINGLE_LIST_ENTRY)), 0x074),
        ("Queue", Ptr("_KQUEUE"), 0x07C),
        ("WaitTime", ULONG, 0x080),
        (None, U(S(("KernelApcDisable", SHORT), ("SpecialApcDisable", SHORT)),
                 ("CombinedApcDisable", ULONG)), 0x084),
        ("Teb", PVOID, 0x088),
        ("Timer", KTIMER, 0x090),
        ("ThreadFlags", Bits(LONG, _bits1(
            "AutoAlignment", "DisableBoost", "EtwStackTraceApc1Inserted",
            "EtwStackTraceApc2Inserted", "CalloutActive", "ApcQueueable",
            "EnableStackSwap", "GuiThread", "UmsPerformingSyscall", "VdmSafe",
            "UmsDispatched") + [("ReservedFlags", 21)]), 0x0B8),
        ("ServiceTable", PVOID, 0x0BC),
        ("WaitBlock", Array(KWAIT_BLOCK, 4), 0x0C0),
        ("QueueListEntry", LIST_ENTRY, 0x120),
        ("TrapFrame", Ptr("_KTRAP_FRAME"), 0x128),
        ("FirstArgument", PVOID, 0x12C),
        (None, U(("CallbackStack", PVOID), ("CallbackDepth", ULONG)), 0x130),
        ("ApcStateIndex", UCHAR, 0x134),
        ("BasePriority", CHAR, 0x135),
        ("PriorityDecrement", Bits(CHAR, [("ForegroundBoost", 4),
                                          ("UnusualBoost", 4)]), 0x136),
        ("Preempted", UCHAR, 0x137),
        ("AdjustReason", UCHAR, 0x138),
        ("AdjustIncrement", CHAR, 0x139),
        ("PreviousMode", CHAR, 0x13A),
        ("Saturation", CHAR, 0x13B),
        ("SystemCallNumber", ULONG, 0x13C),
        ("FreezeCount", ULONG, 0x140),
        ("UserAffinity", GROUP_AFFINITY, 0x144),
        ("Process", Ptr("_KPROCESS"), 0x150),
        ("Affinity", GROUP_AFFINITY, 0x154),
        ("IdealProcessor", ULONG, 0x160),
        ("UserIdealProcessor", ULONG, 0x164),
        ("ApcStatePointer", Array(Ptr("_KAPC_STATE"), 2), 0x168),
        (None, U(("SavedApcState", KAPC_STATE),
                 S(("SavedApcStateFill", Array(UCHAR, 23)), ("WaitReason", UCHAR))),
         0x170),
        ("SuspendCount", CHAR, 0x188),
        ("Spare1", CHAR, 0x189),
        ("OtherPlatformFill", UCHAR, 0x18A),
        ("Win32Thread", PVOID, 0x18C),
        ("StackBase", PVOID, 0x190),
        (None, U(
            ("SuspendApc", KAPC),
            S(("SuspendApcFill0", Array(UCHAR, 1)), ("ResourceIndex", UCHAR)),
            S(("SuspendApcFill1", Array(UCHAR, 3)), ("QuantumReset", UCHAR)),
            S(("SuspendApcFill2", Array(UCHAR, 4)), ("KernelTime", ULONG)),
            S(("SuspendApcFill3", Array(UCHAR, 36)), ("WaitPrcb", Ptr("_KPRCB"))),
            S(("SuspendApcFill4", Array(UCHAR, 40)), ("LegoData", PVOID)),
            S(("SuspendApcFill5", Array(UCHAR, 47)), ("LargeStack", UCHAR)),
        ), 0x194),
        ("UserTime", ULONG, 0x1C4),
        (None, U(("SuspendSemaphore", KSEMAPHORE),
                 ("SuspendSemaphorefill", Array(UCHAR, 20))), 0x1C8),
        ("SListFaultCount", ULONG, 0x1DC),
        ("ThreadListEntry", LIST_ENTRY, 0x1E0),
        ("MutantListHead", LIST_ENTRY, 0x1E8),
        ("SListFaultAddress", PVOID, 0x1F0),
        ("ThreadCounters", Ptr("_KTHREAD_COUNTERS"), 0x1F4),
        ("XStateSave", Ptr("_XSTATE_SAVE"), 0x1F8),
    ]


# [VOL] [NTD]
class PS_CLIENT_SECURITY_CONTEXT(Union):
    _name_ = "_PS_CLIENT_SECURITY_CONTEXT"
    _size_ = 0x4
    _fields_ = [
        ("ImpersonationData", ULONG),
        ("ImpersonationToken", PVOID),
        (None, Bits(ULONG, [("ImpersonationLevel", 2), ("EffectiveOnly", 1)])),
    ]


# [VOL] [NTD] (ntoskrnl.exe, Win7 SP1 x86): every member declared
class ETHREAD(Struct):
    _name_ = "_ETHREAD"
    _size_ = 0x2B8
    _fields_ = [
        ("Tcb", KTHREAD, 0x000),
        ("CreateTime", LARGE_INTEGER, 0x200),
        (None, U(("ExitTime", LARGE_INTEGER), ("KeyedWaitChain", LIST_ENTRY)), 0x208),
        ("ExitStatus", LONG, 0x210),
        (None, U(("PostBlockList", LIST_ENTRY),
                 S(("ForwardLinkShadow", PVOID), ("StartAddress", PVOID))), 0x214),
        (None, U(("TerminationPort", Ptr("_TERMINATION_PORT")),
                 ("ReaperLink", Ptr("_ETHREAD")),
                 ("KeyedWaitValue", PVOID)), 0x21C),
        ("ActiveTimerListLock", ULONG, 0x220),
        ("ActiveTimerListHead", LIST_ENTRY, 0x224),
        ("Cid", CLIENT_ID, 0x22C),
        (None, U(("KeyedWaitSemaphore", KSEMAPHORE),
                 ("AlpcWaitSemaphore", KSEMAPHORE)), 0x234),
        ("ClientSecurity", PS_CLIENT_SECURITY_CONTEXT, 0x248),
        ("IrpList", LIST_ENTRY, 0x24C),
        ("TopLevelIrp", ULONG, 0x254),
        ("DeviceToVerify", Ptr("_DEVICE_OBJECT"), 0x258),
        ("CpuQuotaApc", Ptr("_PSP_CPU_QUOTA_APC"), 0x25C),
        ("Win32StartAddress", PVOID, 0x260),
        ("LegacyPowerObject", PVOID, 0x264),
        ("ThreadListEntry", LIST_ENTRY, 0x268),
        ("RundownProtect", EX_RUNDOWN_REF, 0x270),
        ("ThreadLock", EX_PUSH_LOCK, 0x274),
        ("ReadClusterSize", ULONG, 0x278),
        ("MmLockOrdering", LONG, 0x27C),
        ("CrossThreadFlags", Bits(ULONG, _bits1(
            "Terminated", "ThreadInserted", "HideFromDebugger",
            "ActiveImpersonationInfo", "Reserved", "HardErrorsAreDisabled",
            "BreakOnTermination", "SkipCreationMsg", "SkipTerminationMsg",
            "CopyTokenOnOpen") + [("ThreadIoPriority", 3), ("ThreadPagePriority", 3),
                                  ("RundownFail", 1), ("NeedsWorkingSetAging", 1)]),
         0x280),
        ("SameThreadPassiveFlags", Bits(ULONG, _bits1(
            "ActiveExWorker", "ExWorkerCanWaitUser", "MemoryMaker", "ClonedThread",
            "KeyedEventInUse") + [("RateApcState", 2), ("SelfTerminate", 1)]), 0x284),
        (None, U(
            ("SameThreadApcFlags", ULONG),
            S((None, Bits(UCHAR, _bits1(
                  "Spare", "StartAddressInvalid", "EtwPageFaultCalloutActive",
                  "OwnsProcessWorkingSetExclusive", "OwnsProcessWorkingSetShared",
                  "OwnsSystemCacheWorkingSetExclusive",
                  "OwnsSystemCacheWorkingSetShared",
                  "OwnsSessionWorkingSetExclusive"))),
              (None, Bits(UCHAR, _bits1(
                  "OwnsSessionWorkingSetShared", "OwnsProcessAddressSpaceExclusive",
                  "OwnsProcessAddressSpaceShared", "SuppressSymbolLoad", "Prefetching",
                  "OwnsDynamicMemoryShared", "OwnsChangeControlAreaExclusive",
                  "OwnsChangeControlAreaShared"))),
              (None, Bits(UCHAR, _bits1(
                  "OwnsPagedPoolWorkingSetExclusive", "OwnsPagedPoolWorkingSetShared",
                  "OwnsSystemPtesWorkingSetExclusive", "OwnsSystemPtesWorkingSetShared")
                  + [("TrimTrigger", 2), ("Spare1", 2)])),
              ("PriorityRegionActive", UCHAR)),
        ), 0x288),
        ("CacheManagerActive", UCHAR, 0x28C),
        ("DisablePageFaultClustering", UCHAR, 0x28D),
        ("ActiveFaultCount", UCHAR, 0x28E),
        ("LockOrderState", UCHAR, 0x28F),
        ("AlpcMessageId", ULONG, 0x290),
        (None, U(("AlpcMessage", PVOID), ("AlpcReceiveAttributeSet", ULONG)), 0x294),
        ("AlpcWaitListEntry", LIST_ENTRY, 0x298),
        ("CacheManagerCount", ULONG, 0x2A0),
        ("IoBoostCount", ULONG, 0x2A4),
        ("IrpListLock", ULONG, 0x2A8),
        ("ReservedForSynchTracking", PVOID, 0x2AC),
        ("CmCallbackListHead", SINGLE_LIST_ENTRY, 0x2B0),
    ]


#: WinDbg type name -> class, for every structure declared above.
STRUCTS = {cls._name_: cls for cls in [
    LIST_ENTRY, SINGLE_LIST_ENTRY, UNICODE_STRING, STRING, CLIENT_ID, LARGE_INTEGER,
    ULARGE_INTEGER, NT_TIB, EXCEPTION_REGISTRATION_RECORD, CURDIR,
    RTL_DRIVE_LETTER_CURDIR, GUID, PROCESSOR_NUMBER, GDI_TEB_BATCH, KSYSTEM_TIME,
    TEB, PEB, PEB_LDR_DATA, LDR_DATA_TABLE_ENTRY, RTL_USER_PROCESS_PARAMETERS,
    XSTATE_FEATURE, XSTATE_CONFIGURATION, KUSER_SHARED_DATA, FLOATING_SAVE_AREA,
    CONTEXT, EXCEPTION_RECORD, EXCEPTION_POINTERS, DISPATCHER_HEADER, KGDTENTRY,
    KIDTENTRY, KAFFINITY_EX, KEXECUTE_OPTIONS, KSTACK_COUNT, KPROCESS, EX_PUSH_LOCK,
    EX_RUNDOWN_REF, EX_FAST_REF, HARDWARE_PTE, SE_AUDIT_PROCESS_CREATION_INFO,
    MMSUPPORT_FLAGS, MMSUPPORT, MMADDRESS_NODE, MM_AVL_TABLE, ALPC_PROCESS_CONTEXT,
    EPROCESS, KWAIT_STATUS_REGISTER, KAPC_STATE, KWAIT_BLOCK, KTIMER, KAPC,
    KSEMAPHORE, GROUP_AFFINITY, KTHREAD, PS_CLIENT_SECURITY_CONTEXT, ETHREAD,
]}
