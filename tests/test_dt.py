"""WinDbg-style dumper tests against a fake guest memory."""

import json
import os
import sys

import pytest

# make the repository root importable when run as plain `pytest`
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from kernel.structs import Ptr, Struct, ULONG, USHORT  # noqa: E402
from kernel.structs import win7_sp1_x86 as w  # noqa: E402
from kernel.structs.dt import (MemoryReadError, containing_record,  # noqa: E402
                               format_text, hexdump, iter_list, to_json)

PEB_ADDR = 0x7FFDF000
TEB_ADDR = 0x7FFDE000
LDR_ADDR = 0x77A77880          # PebLdr inside ntdll's data
PARAMS_ADDR = 0x00020000       # deliberately left unmapped
HEAP = 0x00230000
ENTRIES = [HEAP + 0x1000, HEAP + 0x1100, HEAP + 0x1200]
UNMAPPED = 0x0DEAD000


class FakeMemory:
    """Sparse guest memory: a few mapped regions, everything else faults."""

    def __init__(self):
        self.regions = {}

    def map(self, base, size):
        self.regions[base] = bytearray(size)

    def _find(self, addr, size):
        for base, buf in self.regions.items():
            if base <= addr and addr + size <= base + len(buf):
                return buf, addr - base
        return None, None

    def write(self, addr, data):
        buf, off = self._find(addr, len(data))
        assert buf is not None, hex(addr)
        buf[off:off + len(data)] = data

    def read(self, addr, size):
        buf, off = self._find(addr, size)
        if buf is None:
            raise MemoryReadError(f"unmapped {addr:#x}")
        return bytes(buf[off:off + size])

    def put_wstr(self, addr, text):
        data = text.encode("utf-16-le")
        self.write(addr, data + b"\0\0")
        return len(data)


def _ustr(mem, target, addr, text):
    n = mem.put_wstr(addr, text)
    target.Length, target.MaximumLength, target.Buffer = n, n + 2, addr


@pytest.fixture
def mem():
    m = FakeMemory()
    m.map(0x7FFD0000, 0x10000)
    m.map(0x77A70000, 0x10000)
    m.map(HEAP, 0x10000)

    peb = w.PEB()
    peb.BeingDebugged = 1
    peb.IsImageDynamicallyRelocated = 1
    peb.ImageBaseAddress = 0x00400000
    peb.Ldr = LDR_ADDR
    peb.ProcessParameters = PARAMS_ADDR
    peb.ProcessHeap = HEAP
    peb.NumberOfProcessors = 1
    peb.OSMajorVersion, peb.OSMinorVersion, peb.OSBuildNumber = 6, 1, 7601
    peb.OSCSDVersion = 0x100
    peb.OSPlatformId = 2
    peb.ImageSubsystem = 3
    peb.TlsBitmapBits[0] = 0x1FFF
    peb.CriticalSectionTimeout.QuadPart = -25920000000000
    peb.FlsListHead.Flink = peb.FlsListHead.Blink = PEB_ADDR + 0x210
    _ustr(m, peb.CSDVersion, PEB_ADDR + 0x800, "Service Pack 1")
    m.write(PEB_ADDR, peb.to_bytes())

    # three modules linked in load and memory order; init order holds two
    names = [("C:\\test\\app.exe", "app.exe"),
             ("C:\\Windows\\SYSTEM32\\ntdll.dll", "ntdll.dll"),
             ("C:\\Windows\\system32\\kernel32.dll", "kernel32.dll")]
    ldr = w.PEB_LDR_DATA()
    ldr.Length, ldr.Initialized = 0x30, 1
    entries = [w.LDR_DATA_TABLE_ENTRY() for _ in ENTRIES]

    def link(head_addr, head, field, members):
        ring = [head_addr] + [ENTRIES[i] + w.LDR_DATA_TABLE_ENTRY.offsetof(field)
                              for i in members]
        nodes = [head] + [getattr(entries[i], field) for i in members]
        for k, node in enumerate(nodes):
            node.Flink = ring[(k + 1) % len(ring)]
            node.Blink = ring[k - 1]

    link(LDR_ADDR + 0x0C, ldr.InLoadOrderModuleList, "InLoadOrderLinks", [0, 1, 2])
    link(LDR_ADDR + 0x14, ldr.InMemoryOrderModuleList, "InMemoryOrderLinks", [0, 1, 2])
    link(LDR_ADDR + 0x1C, ldr.InInitializationOrderModuleList,
         "InInitializationOrderLinks", [1, 2])
    for i, (entry, (full, base)) in enumerate(zip(entries, names)):
        entry.DllBase = [0x00400000, 0x77A00000, 0x76F00000][i]
        entry.SizeOfImage = 0x1000 * (i + 1)
        entry.LoadCount = 0xFFFF
        _ustr(m, entry.FullDllName, HEAP + 0x2000 + i * 0x100, full)
        _ustr(m, entry.BaseDllName, HEAP + 0x2080 + i * 0x100, base)
    entries[2].BaseDllName.Buffer = UNMAPPED          # unreadable string
    entries[0].FullDllName.Buffer = 0                 # null string
    m.write(LDR_ADDR, ldr.to_bytes())
    for addr, entry in zip(ENTRIES, entries):
        m.write(addr, entry.to_bytes())

    teb = w.TEB()
    teb.NtTib.ExceptionList = 0x0012FFC4
    teb.NtTib.StackBase = 0x00130000
    teb.NtTib.StackLimit = 0x0012D000
    teb.NtTib.Self = TEB_ADDR
    teb.ClientId.UniqueProcess, teb.ClientId.UniqueThread = 0x100, 0x104
    teb.ProcessEnvironmentBlock = PEB_ADDR
    teb.LastErrorValue = 2
    teb.IdealProcessor = 1
    m.write(TEB_ADDR, teb.to_bytes())
    return m


def _lines(text):
    return text.splitlines()


def _walk(fields):
    for f in fields:
        yield f
        yield from _walk(f.get("fields", []))
        for el in f.get("elements", []):
            yield from _walk(el.get("fields", []))


# --------------------------------------------------------------------------

def test_peb_text(mem):
    text = format_text(w.PEB, PEB_ADDR, mem.read)
    lines = _lines(text)
    assert lines[0] == "_PEB @ 0x7ffdf000"
    for expected in [
        "   +0x000 InheritedAddressSpace : 0 ''",
        "   +0x002 BeingDebugged    : 0x1 ''",
        "   +0x003 BitField         : 0x8 ''",
        "   +0x003 ImageUsesLargePages : 0y0",
        "   +0x003 IsImageDynamicallyRelocated : 0y1",
        "   +0x003 SpareBits        : 0y000",
        "   +0x004 Mutant           : (null)",
        "   +0x008 ImageBaseAddress : 0x00400000 Void",
        "   +0x00c Ldr              : 0x77a77880 _PEB_LDR_DATA",
        "   +0x010 ProcessParameters : 0x00020000 _RTL_USER_PROCESS_PARAMETERS",
        "   +0x018 ProcessHeap      : 0x00230000 Void",
        "   +0x02c KernelCallbackTable : (null)",
        "   +0x02c UserSharedInfoPtr : (null)",
        "   +0x044 TlsBitmapBits    : [2] 0x1fff 0",
        "   +0x064 NumberOfProcessors : 1",       # WinDbg: below 10 as is, else hex
        "   +0x070 CriticalSectionTimeout : _LARGE_INTEGER 0xffffe86d`079b8000",
        "   +0x0ac OSBuildNumber    : 0x1db1",
        "   +0x0c4 GdiHandleBuffer  : [34] Uint4B",
        "   +0x1f0 CSDVersion       : _UNICODE_STRING \"Service Pack 1\"",
        "   +0x210 FlsListHead      : _LIST_ENTRY [ 0x7ffdf210 - 0x7ffdf210 ]",
        "   +0x240 TracingFlags     : 0",
        "   +0x240 SpareTracingBits : 0y000000000000000000000000000000 (0x0)",
    ]:
        assert expected in lines, expected
    # one line per visible member or bit, in offset order, no padding shown
    offsets = [int(l.split()[0], 16) for l in lines[1:]]
    assert offsets == sorted(offsets)
    assert "_pad" not in text and "+0x06c" not in text   # 0x6c..0x70 is alignment
    n_members = sum(1 + len(f.bits) if f.name else len(f.bits) for f in w.PEB.fields())
    assert len(lines) == 1 + n_members


def test_ldr_and_list_ring(mem):
    text = format_text(w.PEB_LDR_DATA, LDR_ADDR, mem.read)
    assert "   +0x004 Initialized      : 0x1 ''" in text
    assert ("   +0x00c InLoadOrderModuleList : _LIST_ENTRY [ 0x231000 - 0x231200 ]"
            in text)
    assert ("   +0x01c InInitializationOrderModuleList : "
            "_LIST_ENTRY [ 0x231110 - 0x231210 ]") in text

    links = list(iter_list(mem.read, LDR_ADDR + 0x0C))
    assert links == ENTRIES
    by_memory = [containing_record(a, w.LDR_DATA_TABLE_ENTRY, "InMemoryOrderLinks")
                 for a in iter_list(mem.read, LDR_ADDR + 0x14)]
    assert by_memory == ENTRIES
    assert list(iter_list(mem.read, UNMAPPED)) == []

    dumps = [format_text(w.LDR_DATA_TABLE_ENTRY, a, mem.read) for a in links]
    assert "   +0x024 FullDllName      : _UNICODE_STRING (null)" in dumps[0]
    assert "   +0x02c BaseDllName      : _UNICODE_STRING \"app.exe\"" in dumps[0]
    assert ('   +0x024 FullDllName      : _UNICODE_STRING '
            '"C:\\Windows\\SYSTEM32\\ntdll.dll"') in dumps[1]
    assert "   +0x018 DllBase          : 0x77a00000 Void" in dumps[1]
    assert "   +0x038 LoadCount        : 0xffff" in dumps[1]
    assert "   +0x02c BaseDllName      : _UNICODE_STRING <unreadable>" in dumps[2]
    # union members at 0x3c / 0x44 are flattened like WinDbg does
    assert "   +0x03c HashLinks        : _LIST_ENTRY [ 0x0 - 0x0 ]" in dumps[2]
    assert "   +0x040 CheckSum         : 0" in dumps[2]
    assert "   +0x044 LoadedImports    : (null)" in dumps[2]


def test_json_output(mem):
    doc = to_json(w.PEB, PEB_ADDR, mem.read)
    json.dumps(doc)                                   # serialisable
    assert (doc["type"], doc["address"], doc["size"]) == ("_PEB", PEB_ADDR, 0x248)
    top = {f["name"]: f for f in doc["fields"]}
    assert top["Ldr"]["value"] == LDR_ADDR
    assert top["Ldr"]["type"] == "Ptr32 _PEB_LDR_DATA"
    assert top["Ldr"]["offset"] == 0x0C and top["Ldr"]["address"] == PEB_ADDR + 0x0C
    assert top["CSDVersion"]["decoded"] == "Service Pack 1"
    inner = {f["name"]: f["value"] for f in top["CSDVersion"]["fields"]}
    assert inner == {"Length": 28, "MaximumLength": 30, "Buffer": PEB_ADDR + 0x800}
    assert top["CriticalSectionTimeout"]["decoded"] == -25920000000000
    assert top["FlsListHead"]["decoded"] == {"Flink": PEB_ADDR + 0x210,
                                            "Blink": PEB_ADDR + 0x210}
    bit = top["IsImageDynamicallyRelocated"]
    assert (bit["kind"], bit["value"], bit["bit_position"], bit["bit_width"]) == \
        ("bit", 1, 3, 1)
    assert top["TlsBitmapBits"]["value"] == [0x1FFF, 0]
    for f in _walk(doc["fields"]):
        assert f["name"] and not f["name"].startswith("_")

    ldr = to_json(w.PEB_LDR_DATA, LDR_ADDR, mem.read)
    lists = {f["name"]: f for f in ldr["fields"]}
    assert lists["InLoadOrderModuleList"]["decoded"] == {"Flink": ENTRIES[0],
                                                        "Blink": ENTRIES[2]}
    e2 = {f["name"]: f for f in to_json(w.LDR_DATA_TABLE_ENTRY, ENTRIES[2],
                                         mem.read)["fields"]}
    assert e2["FullDllName"]["decoded"] == "C:\\Windows\\system32\\kernel32.dll"
    assert e2["BaseDllName"]["decoded"] is None
    assert e2["BaseDllName"]["error"] == "unreadable"
    e0 = {f["name"]: f for f in to_json(w.LDR_DATA_TABLE_ENTRY, ENTRIES[0],
                                         mem.read)["fields"]}
    assert e0["FullDllName"]["decoded"] is None and "error" not in e0["FullDllName"]


def test_nested_expansion_depth(mem):
    shallow = _lines(format_text(w.TEB, TEB_ADDR, mem.read, depth=0))
    assert "   +0x000 NtTib            : _NT_TIB" in shallow
    assert not any("ExceptionList" in l for l in shallow)
    deep = _lines(format_text(w.TEB, TEB_ADDR, mem.read, depth=1))
    i = deep.index("   +0x000 NtTib            : _NT_TIB")
    assert deep[i + 1] == ("      +0x000 ExceptionList    : 0x0012ffc4 "
                           "_EXCEPTION_REGISTRATION_RECORD")
    assert "      +0x010 FiberData        : (null)" in deep
    assert "      +0x018 Self             : 0x7ffde000 _NT_TIB" in deep
    assert "      +0x004 UniqueThread     : 0x00000104 Void" in deep
    assert "   +0x030 ProcessEnvironmentBlock : 0x7ffdf000 _PEB" in deep
    assert "   +0xf77 IdealProcessor   : 0x1 ''" in deep
    assert "   +0xe10 TlsSlots         : [64] Ptr32 Void" in deep
    assert '   +0xc00 StaticUnicodeBuffer : [261]  ""' in deep
    only = _lines(format_text(w.TEB, TEB_ADDR, mem.read, name="ntdll!_TEB",
                              fields=["LastErrorValue", "ClientId"], depth=0))
    assert only == ["ntdll!_TEB @ 0x7ffde000",
                    "   +0x020 ClientId         : _CLIENT_ID",
                    "   +0x034 LastErrorValue   : 2"]


def test_kernel_structures_and_hidden_padding():
    m = FakeMemory()
    m.map(0x85000000, 0x1000)
    ep = w.EPROCESS()
    ep.UniqueProcessId = 0x1F4
    ep.InheritedFromUniqueProcessId = 0x4
    ep.ImageFileName[:] = list(b"notepad.exe".ljust(15, b"\0"))
    ep.ActiveProcessLinks.Flink = ep.ActiveProcessLinks.Blink = 0x850000B8
    ep.Peb = PEB_ADDR
    ep.ExitStatus = 0x103
    ep.ActiveThreads = 1
    ep.CreateTime.QuadPart = 0x01CB2F6E8D2A1B00
    m.write(0x85000000, ep.to_bytes())
    text = format_text(w.EPROCESS, 0x85000000, m.read)
    lines = _lines(text)
    assert '   +0x16c ImageFileName    : [15]  "notepad.exe"' in lines
    assert "   +0x0b4 UniqueProcessId  : 0x000001f4 Void" in lines
    assert "   +0x0b8 ActiveProcessLinks : _LIST_ENTRY [ 0x850000b8 - 0x850000b8 ]" in lines
    assert "   +0x1a8 Peb              : 0x7ffdf000 _PEB" in lines
    assert "   +0x274 ExitStatus       : 0n259" in lines
    assert "   +0x0a0 CreateTime       : _LARGE_INTEGER 0x01cb2f6e`8d2a1b00" in lines
    assert "   +0x000 Pcb              : _KPROCESS" in lines
    assert "      +0x02c ThreadListHead   : _LIST_ENTRY [ 0x0 - 0x0 ]" in lines
    # alignment gaps 0x9c..0xa0 and 0x15c..0x160 are never shown
    assert "+0x09c" not in text and "+0x15c" not in text
    doc = to_json(w.EPROCESS, 0x85000000, m.read)
    assert {f["offset"] for f in doc["fields"]}.isdisjoint({0x9C, 0x15C})
    image = next(f for f in doc["fields"] if f["name"] == "ImageFileName")
    assert image["decoded"] == "notepad.exe" and image["type"] == "[15] UChar"

    class PARTIAL(Struct):
        _name_ = "_PARTIAL"
        _size_ = 0x20
        _partial_ = True
        _fields_ = [("Head", ULONG, 0x0), ("Mid", USHORT, 0x10),
                    ("Tail", Ptr("_PARTIAL"), 0x1C)]
    m.write(0x85000800, bytes(range(0x20)))
    part = _lines(format_text(PARTIAL, 0x85000800, m.read))
    assert part == ["_PARTIAL @ 0x85000800",
                    "   +0x000 Head             : 0x3020100",
                    "   +0x010 Mid              : 0x1110",
                    "   +0x01c Tail             : 0x1f1e1d1c _PARTIAL"]
    assert [f["name"] for f in to_json(PARTIAL, 0x85000800, m.read)["fields"]] == \
        ["Head", "Mid", "Tail"]


def test_kuser_shared_data():
    m = FakeMemory()
    m.map(w.KUSER_SHARED_DATA_ADDRESS, 0x1000)
    k = w.KUSER_SHARED_DATA()
    k.NtSystemRoot[:len("C:\\Windows")] = [ord(c) for c in "C:\\Windows"]
    k.NtProductType = 1
    k.ProductTypeIsValid = 1
    k.NtMajorVersion, k.NtMinorVersion = 6, 1
    k.TickCountMultiplier = 0x0FA00000
    k.NXSupportPolicy = 2
    m.write(w.KUSER_SHARED_DATA_ADDRESS, k.to_bytes())
    text = format_text(w.KUSER_SHARED_DATA, w.KUSER_SHARED_DATA_ADDRESS, m.read)
    assert '   +0x030 NtSystemRoot     : [260]  "C:\\Windows"' in text
    assert "   +0x264 NtProductType    : NtProductWinNt (0n1)" in text
    assert "   +0x26c NtMajorVersion   : 6" in text
    assert "   +0x320 TickCount        : _KSYSTEM_TIME" in text
    assert "   +0x32c TickCountPad     : [1] 0" in text
    doc = to_json(w.KUSER_SHARED_DATA, w.KUSER_SHARED_DATA_ADDRESS, m.read)
    prod = next(f for f in doc["fields"] if f["name"] == "NtProductType")
    assert (prod["value"], prod["decoded"]) == (1, "NtProductWinNt")


@pytest.mark.parametrize("failure", ["raise", "none", "short", "other-exception"])
def test_unreadable_memory_never_raises(mem, failure):
    def read(addr, size):
        if addr >= PEB_ADDR:
            return mem.read(addr, size)
        if failure == "raise":
            raise MemoryReadError(hex(addr))
        if failure == "none":
            return None
        if failure == "short":
            return b"\0" * (size // 2)
        raise RuntimeError("emulator says no")         # e.g. a UcError

    text = format_text(w.LDR_DATA_TABLE_ENTRY, 0x1000, read)
    assert text.splitlines()[0] == "_LDR_DATA_TABLE_ENTRY @ 0x00001000"
    assert "<unreadable memory at 0x00001000" in text
    doc = to_json(w.LDR_DATA_TABLE_ENTRY, 0x1000, read)
    assert doc["error"] == "unreadable" and doc["fields"] == []
    json.dumps(doc)
    # a readable structure whose string points at unreadable memory
    bad = w.PEB.from_bytes(mem.read(PEB_ADDR, 0x248))
    bad.CSDVersion.Buffer = 0x2000
    mem.write(PEB_ADDR, bad.to_bytes())
    assert "CSDVersion       : _UNICODE_STRING <unreadable>" in \
        format_text(w.PEB, PEB_ADDR, read)
    csd = next(f for f in to_json(w.PEB, PEB_ADDR, read)["fields"]
               if f["name"] == "CSDVersion")
    assert csd["decoded"] is None and csd["error"] == "unreadable"


def test_hexdump():
    data = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" \
           b"\xb8\x00\x00\x00\x00\x00\x00\x00@\x00"
    assert hexdump(0x00400000, data).splitlines() == [
        "00400000  4d 5a 90 00 03 00 00 00-04 00 00 00 ff ff 00 00  MZ..............",
        "00400010  b8 00 00 00 00 00 00 00-40 00                    ........@.",
    ]
    assert hexdump(0x1000, b"") == ""
    assert hexdump(0x1000, b"abc") == \
        "00001000  61 62 63                                         abc"
