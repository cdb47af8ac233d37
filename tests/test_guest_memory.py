"""What the boot leaves in guest memory, read back through the Windows 7 SP1 x86 layouts and
compared with independent sources (pefile on the image file, export tables parsed in guest memory,
the CPU's own registers)."""

import pefile
import pytest

from conftest import WINDOWS_VERSIONS, sample, start_points
from loader.image import read_exports

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)


@pytest.fixture
def at_entry(emulator):
    def make(name="hello.exe"):
        emu = emulator()
        emu.create_process(sample(name))
        assert emu.run_to("entry") is None
        return emu
    return make


def field(emu, cls, base, path, size=4):
    return int.from_bytes(emu.read(base + cls.offsetof(path), size), "little")


def test_teb_and_peb_point_at_each_other(at_entry):
    emu = at_entry()
    S, p, t = emu.structs, emu.process, emu.thread
    # the CPU's FS:[0x18] and FS:[0x30] through the GDT descriptor: read with real instructions
    assert p.machine.fs_base == t.teb
    assert field(emu, S.TEB, t.teb, "NtTib.Self") == t.teb
    assert field(emu, S.TEB, t.teb, "ProcessEnvironmentBlock") == p.peb
    assert field(emu, S.TEB, t.teb, "ClientId.UniqueProcess") == p.pid
    assert field(emu, S.TEB, t.teb, "ClientId.UniqueThread") == t.tid
    assert field(emu, S.TEB, t.teb, "NtTib.ExceptionList") != 0xFFFFFFFF   # RtlUserThreadStart's frame
    esp = emu.registers()["esp"]
    assert field(emu, S.TEB, t.teb, "NtTib.StackLimit") <= esp < field(emu, S.TEB, t.teb, "NtTib.StackBase")
    static = field(emu, S.TEB, t.teb, "StaticUnicodeString.Buffer")
    assert static == t.teb + 0xC00


def test_peb_values_match_the_image_and_profile(at_entry, os_profile):
    emu = at_entry()
    S, p = emu.structs, emu.process
    pe = pefile.PE(sample("hello.exe"))
    oh = pe.OPTIONAL_HEADER
    assert field(emu, S.PEB, p.peb, "ImageBaseAddress") == oh.ImageBase == p.image_base
    assert field(emu, S.PEB, p.peb, "ImageSubsystem") == oh.Subsystem
    assert field(emu, S.PEB, p.peb, "ImageSubsystemMajorVersion") == oh.MajorSubsystemVersion
    assert field(emu, S.PEB, p.peb, "ImageSubsystemMinorVersion") == oh.MinorSubsystemVersion
    assert field(emu, S.PEB, p.peb, "HeapSegmentReserve") == oh.SizeOfHeapReserve
    assert field(emu, S.PEB, p.peb, "HeapSegmentCommit") == oh.SizeOfHeapCommit
    assert (field(emu, S.PEB, p.peb, "OSMajorVersion"), field(emu, S.PEB, p.peb, "OSMinorVersion"),
            field(emu, S.PEB, p.peb, "OSBuildNumber", 2), field(emu, S.PEB, p.peb, "OSPlatformId")) == \
        WINDOWS_VERSIONS[os_profile.name][:4]
    assert field(emu, S.PEB, p.peb, "OSCSDVersion", 2) == WINDOWS_VERSIONS[os_profile.name][4]
    assert field(emu, S.PEB, p.peb, "NumberOfProcessors") == 1
    heap = field(emu, S.PEB, p.peb, "ProcessHeap")
    assert heap and field(emu, S.PEB, p.peb, "NumberOfHeaps") == 1
    assert emu.read_u32(field(emu, S.PEB, p.peb, "ProcessHeaps")) == heap
    csd_len = field(emu, S.PEB, p.peb, "CSDVersion.Length", 2)
    csd = emu.read(field(emu, S.PEB, p.peb, "CSDVersion.Buffer"), csd_len).decode("utf-16-le")
    assert csd == WINDOWS_VERSIONS[os_profile.name][5]


def test_process_parameters(at_entry):
    emu = at_entry()
    S, p = emu.structs, emu.process
    P = S.RTL_USER_PROCESS_PARAMETERS
    params = field(emu, S.PEB, p.peb, "ProcessParameters")

    def ustr(path):
        n = field(emu, P, params, path + ".Length", 2)
        return emu.read(field(emu, P, params, path + ".Buffer"), n).decode("utf-16-le")
    assert ustr("ImagePathName") == "C:\\app\\hello.exe"
    assert ustr("CommandLine") == "C:\\app\\hello.exe"
    assert ustr("CurrentDirectory.DosPath") == "C:\\app\\"
    assert (field(emu, P, params, "StandardInput"), field(emu, P, params, "StandardOutput"),
            field(emu, P, params, "StandardError")) == (3, 7, 0xB)
    assert any(e.startswith("SystemRoot=C:\\Windows") for e in emu.environment())


def test_ldr_lists_are_circular_consistent_and_ordered(at_entry, os_profile):
    emu = at_entry("dllmain.exe")
    S = emu.structs
    E = S.LDR_DATA_TABLE_ENTRY
    ldr = field(emu, S.PEB, emu.process.peb, "Ldr")
    loader_modules = {m.base: m for m in emu.process.ldr.modules}
    for lst in ("InLoadOrderModuleList", "InMemoryOrderModuleList", "InInitializationOrderModuleList"):
        head = ldr + S.PEB_LDR_DATA.offsetof(lst)
        link, prev, count = emu.read_u32(head), head, 0
        while link != head:
            assert emu.read_u32(link + 4) == prev, f"{lst}: Blink of {link:#x} is not the previous entry"
            prev, link = link, emu.read_u32(link)
            count += 1
            assert count < 50
        assert emu.read_u32(head + 4) == prev
    orders = emu.module_orders()
    load = [n for n, _ in orders["InLoadOrderModuleList"]]
    init = [n for n, _ in orders["InInitializationOrderModuleList"]]
    if os_profile.name == "win7sp1":     # kernel32 imports KERNELBASE, initialized before it
        assert load == ["dllmain.exe", "ntdll.dll", "sampledll.dll", "kernel32.dll", "KERNELBASE.dll", "msvcrt.dll"]
        assert init[:3] == ["ntdll.dll", "KERNELBASE.dll", "kernel32.dll"]
    else:                                # XP: no KERNELBASE
        assert load == ["dllmain.exe", "ntdll.dll", "sampledll.dll", "kernel32.dll", "msvcrt.dll"]
        assert init[:2] == ["ntdll.dll", "kernel32.dll"]
    assert orders["InMemoryOrderModuleList"] == orders["InLoadOrderModuleList"]
    assert "dllmain.exe" not in init
    # a DLL is initialized after the DLLs it imports
    assert init.index("sampledll.dll") > init.index("msvcrt.dll")
    assert init.index("sampledll.dll") > init.index("kernel32.dll")
    for name, base in orders["InLoadOrderModuleList"]:
        assert base in loader_modules
        pe_size = loader_modules[base].image.info.size_of_image
        # the entry's SizeOfImage and DllBase match what the loader mapped
        head = ldr + S.PEB_LDR_DATA.offsetof("InLoadOrderModuleList")
        link = emu.read_u32(head)
        while emu.read_u32(link + E.offsetof("DllBase")) != base:
            link = emu.read_u32(link)
        assert emu.read_u32(link + E.offsetof("SizeOfImage")) == (pe_size + 0xFFF) & ~0xFFF


def test_kuser_shared_data(at_entry, os_profile):
    emu = at_entry()
    S = emu.structs
    K = S.KUSER_SHARED_DATA
    base = 0x7FFE0000
    assert (field(emu, K, base, "NtMajorVersion"), field(emu, K, base, "NtMinorVersion")) == \
        WINDOWS_VERSIONS[os_profile.name][:2]
    assert field(emu, K, base, "ImageNumberLow", 2) == 0x14C
    root = emu.read(base + K.offsetof("NtSystemRoot"), 22).decode("utf-16-le")
    assert root == "C:\\Windows\0"
    ntdll = emu.process.ntdll_base
    _, by_name, by_ord, _ = read_exports(emu.read, ntdll)
    assert field(emu, K, base, "SystemCall") == ntdll + by_ord[by_name["KiFastSystemCall"]]
    assert field(emu, K, base, "SystemCallReturn") == ntdll + by_ord[by_name["KiFastSystemCallRet"]]
    assert field(emu, K, base, "TickCount.LowPart") > 0
    # read-only to the guest
    assert emu.process.memory.query(base).protect == 0x02


def test_eprocess_and_ethread_mirrors(at_entry, os_profile):
    emu = at_entry()
    S, p, t, k = emu.structs, emu.process, emu.thread, emu.kernel
    assert field(emu, S.EPROCESS, p.eprocess, "UniqueProcessId") == p.pid
    assert emu.read(p.eprocess + S.EPROCESS.offsetof("ImageFileName"), 15).rstrip(b"\0") == b"hello.exe"
    assert field(emu, S.EPROCESS, p.eprocess, "Peb") == p.peb
    links = p.eprocess + S.EPROCESS.offsetof("ActiveProcessLinks")
    head = k.space.ps_active_process_head
    assert emu.read_u32(head) == links and emu.read_u32(links) == head and emu.read_u32(links + 4) == head
    thread_head = p.eprocess + S.EPROCESS.offsetof("ThreadListHead")
    entry = t.ethread + S.ETHREAD.offsetof("ThreadListEntry")
    assert emu.read_u32(thread_head) == entry and emu.read_u32(entry) == thread_head
    assert field(emu, S.EPROCESS, p.eprocess, "ActiveThreads") == 1
    assert field(emu, S.ETHREAD, t.ethread, "Cid.UniqueProcess") == p.pid
    assert field(emu, S.ETHREAD, t.ethread, "Cid.UniqueThread") == t.tid
    assert field(emu, S.ETHREAD, t.ethread, "Tcb.Teb") == t.teb
    assert field(emu, S.ETHREAD, t.ethread, "StartAddress") == start_points(emu, p, os_profile)[os_profile.start_thunk[1]]
    assert field(emu, S.ETHREAD, t.ethread, "Win32StartAddress") == emu.entry_point


def test_image_sections_mapped_with_their_protections(at_entry):
    emu = at_entry()
    pe = pefile.PE(sample("hello.exe"))
    mem = emu.process.memory
    assert mem.query(0x400000).protect == 0x02          # headers read-only
    for s in pe.sections:
        c = s.Characteristics
        expected = {(True, False): 0x20, (False, True): 0x08, (False, False): 0x02, (True, True): 0x80}[
            (bool(c & 0x20000000), bool(c & 0x80000000))]
        region = mem.query(0x400000 + s.VirtualAddress)
        assert region.protect == expected, s.Name
        assert region.type == 0x1000000
        raw = s.get_data()[:min(s.SizeOfRawData, s.Misc_VirtualSize)]
        if s.Name.startswith(b".text"):
            assert emu.read(0x400000 + s.VirtualAddress, len(raw)) == raw


def test_synthesized_dlls_are_real_pe_images(at_entry):
    emu = at_entry()
    base = emu.process.ldr.find_module("kernel32.dll").base
    # the file the guest sees in System32, as pefile reads it
    data = emu.kernel.io.resolve("C:\\Windows\\System32\\KERNEL32.DLL").read_bytes()
    pe = pefile.PE(data=data)
    assert emu.read(base, 0x400) == data[:0x400]      # the mapped headers are the file's
    names = {e.name.decode(): e for e in pe.DIRECTORY_ENTRY_EXPORT.symbols if e.name}
    assert "GetProcAddress" in names and "CreateFileW" in names
    assert names["HeapAlloc"].forwarder == b"NTDLL.RtlAllocateHeap"
    assert pe.OPTIONAL_HEADER.ImageBase == base
    assert pe.FILE_HEADER.Machine == 0x14C
