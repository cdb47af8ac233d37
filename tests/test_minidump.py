"""Windows minidumps (`ntboot dump minidump`), read back with the `minidump` package."""
import struct
import subprocess
import sys

from minidump.minidumpfile import MinidumpFile
from minidump.streams.SystemInfoStream import PROCESSOR_ARCHITECTURE

from conftest import ROOT, sample
from ntboot.api import Emulator


def dump_at(tmp_path, name, at="entry", args=()):
    from ntboot.cli import main
    out = tmp_path / f"{name}.dmp"
    assert main(["dump", "minidump", "--at", at, "-o", str(out), sample(name), *args]) == 0
    return MinidumpFile.parse(str(out)), out.read_bytes()


def test_minidump_at_entry(tmp_path):
    mf, raw = dump_at(tmp_path, "hello.exe")
    assert raw[:4] == b"MDMP" and struct.unpack_from("<H", raw, 4)[0] == 0xA793
    si = mf.sysinfo
    assert si.ProcessorArchitecture == PROCESSOR_ARCHITECTURE.INTEL
    assert (si.MajorVersion, si.MinorVersion, si.BuildNumber) == (6, 1, 7601)
    assert si.CSDVersion == "Service Pack 1" and si.NumberOfProcessors == 1
    modules = {m.name.rsplit("\\", 1)[-1]: m for m in mf.modules.modules}
    assert list(modules)[:2] == ["hello.exe", "ntdll.dll"] and "msvcrt.dll" in modules
    exe = modules["hello.exe"]
    assert exe.baseaddress == 0x400000 and exe.size == 0xB000 and exe.name == "C:\\app\\hello.exe"
    assert modules["ntdll.dll"].baseaddress == 0x77A60000
    (thread,) = mf.threads.threads
    assert thread.ThreadId == 260 and thread.Teb == 0x7FFDE000
    ctx = thread.ContextObject
    assert ctx.Eip == 0x4014B0                        # the entry point
    assert ctx.SegCs == 0x1B and ctx.SegFs == 0x3B and ctx.ContextFlags & 0x10007 == 0x10007
    assert thread.Stack.StartOfMemoryRange == ctx.Esp and thread.Stack.MemoryLocation.DataSize > 0
    reader = mf.get_reader()
    # PEB bytes from the file: ImageBaseAddress at +8, Ldr at +0xc, OSMajorVersion at +0xa4
    peb = reader.read(0x7FFDF000, 0x100)
    assert struct.unpack_from("<I", peb, 8)[0] == 0x400000
    assert struct.unpack_from("<I", peb, 0xA4)[0] == 6
    assert reader.read(0x7FFDE000 + 0x30, 4) == struct.pack("<I", 0x7FFDF000)     # TEB.ProcessEnvironmentBlock
    assert reader.read(0x400000, 2) == b"MZ"
    # the package's own PEB walk: process parameters and environment from the dumped memory
    assert mf.peb.image_path == "C:\\app\\hello.exe" and mf.peb.command_line == "C:\\app\\hello.exe"
    assert any(e["name"] == "SystemRoot" for e in mf.peb.environment_variables)
    assert mf.misc_info.ProcessId == 256
    states = {i.State.name for i in mf.memory_info.infos}
    assert {"MEM_COMMIT", "MEM_RESERVE", "MEM_FREE"} <= states


def test_minidump_at_exit_of_a_fault_has_the_exception(tmp_path):
    mf, _ = dump_at(tmp_path, "fault.exe", "exit")
    (record,) = mf.exception.exception_records
    assert record.ExceptionRecord.ExceptionCode_raw == 0xC0000005
    assert record.ExceptionRecord.ExceptionAddress == 0x40268B
    assert record.ThreadId == 260
    # the access violation's parameters: 1 = a write, at address 0 (`mov dword ptr [eax], 1`, eax = 0)
    assert record.ExceptionRecord.NumberParameters == 2
    assert record.ExceptionRecord.ExceptionInformation[:2] == [1, 0]
    assert record.ExceptionRecord.ExceptionFlags == 0


def test_minidump_with_several_threads(tmp_path):
    mf, _ = dump_at(tmp_path, "threads.exe", "api:kernel32!WaitForSingleObject")
    threads = mf.threads.threads
    assert len(threads) == 3 and len({t.Teb for t in threads}) == 3
    main = threads[0]
    reader = mf.get_reader()
    for t in threads:
        assert reader.read(t.Teb + 0x24, 4) == struct.pack("<I", t.ThreadId)      # TEB.ClientId.UniqueThread
    # stopped before the call: EIP is the export's stub, the return address is on the stack
    emu = Emulator(timeout=60)
    emu.create_process(sample("threads.exe"))
    stub = emu.api_hook_address("kernel32!WaitForSingleObject")
    emu.close()
    assert main.ContextObject.Eip == stub


def test_python_api_minidump_of_a_saved_thread_matches_its_registers(tmp_path):
    emu = Emulator(timeout=60)
    emu.create_process(sample("threads.exe"))
    assert emu.run_to("api:kernel32!WaitForSingleObject") is None
    regs = emu.registers()
    data = emu.minidump(str(tmp_path / "t.dmp"))
    emu.close()
    mf = MinidumpFile.parse_bytes(data)
    ctx = mf.threads.threads[0].ContextObject
    assert (ctx.Eax, ctx.Esp, ctx.Ebp, ctx.Eip) == (regs["eax"], regs["esp"], regs["ebp"], regs["eip"])


def test_minidump_needs_an_output_path():
    p = subprocess.run([sys.executable, "-m", "ntboot", "dump", "minidump", sample("hello.exe")],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 2 and "-o PATH" in p.stderr
