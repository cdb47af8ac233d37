"""The boot path: what the CPU executes, in what order, and what the boot trace reports."""
import io

from conftest import export_va, sample, start_points
import pytest

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)


def test_cpu_executes_the_boot_path_in_order(emulator, os_profile):
    emu = emulator()
    process = emu.create_process(sample("hello.exe"))
    ntdll = process.ntdll_base
    entry = process.image_base + process.section.image.pe.OPTIONAL_HEADER.AddressOfEntryPoint
    points = {
        "KiThreadStartup": emu.kernel.space.ki_thread_startup,
        "KiUserApcDispatcher": export_va(emu, ntdll, "KiUserApcDispatcher"),
        "LdrInitializeThunk": export_va(emu, ntdll, "LdrInitializeThunk"),
        **start_points(emu, process, os_profile),
        "entry point": entry,
    }
    seen = []
    for name, address in points.items():
        emu.add_code_hook(address, lambda a, name=name: seen.append(name) if name not in seen else None)
    result = emu.run()
    assert result.exit_code == 3
    assert seen == list(points)
    # the initial thread was created to start in the start thunk with EAX = the entry point
    assert process.threads[0].start_address == points[os_profile.start_thunk[1]]
    assert process.threads[0].win32_start_address == points["entry point"]


EXPECTED_STEPS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1", "2.2", "2.3", "2.4", "2.5",
                  "2.6", "2.7", "1.8", "1.9", "1.10", "1.11", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6",
                  "3.7", "1.12", "1.13", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7"]


def test_boot_trace_lists_the_steps_in_documented_order(emulator):
    out = io.StringIO()
    emu = emulator(trace_boot=True, trace_stream=out)
    emu.create_process(sample("hello.exe"))
    emu.run()
    numbers = emu.kernel.trace.numbers()
    first = []
    for n in numbers:
        if n not in first:
            first.append(n)
    assert first == EXPECTED_STEPS
    text = out.getvalue()
    # each step printed with its Windows name and what it made
    for needle in ("[1.4]", "NtCreateSection", "[2.5]", "MmCreatePeb", "peb=0x7ffdf000", "[3.3]",
                   "MmCreateTeb", "[4.3]", "KiInitializeUserApc", "[4.5]", "NtContinue",
                   "DllMain(msvcrt.dll, DLL_PROCESS_ATTACH)", "TLS callback hello.exe+",
                   "LdrpMapDll", "dll=kernel32.dll", "[4.7]", "exit_status=0x3"):
        assert needle in text, needle


def test_boot_trace_names_each_dll_and_dllmain(emulator):
    out = io.StringIO()
    emu = emulator(trace_boot=True, trace_stream=out)
    emu.create_process(sample("dllmain.exe"))
    emu.run()
    text = out.getvalue()
    assert "LdrpMapDll" in text and "dll=sampledll.dll base=0x61000000" in text
    assert "DllMain(sampledll.dll, DLL_PROCESS_ATTACH)" in text
    assert "DllMain(sampledll.dll, DLL_PROCESS_DETACH)" in text
    # the relocated DLL of reloc.exe is reported as such
    out2 = io.StringIO()
    emu2 = emulator(trace_boot=True, trace_stream=out2)
    emu2.create_process(sample("reloc.exe"))
    emu2.run()
    assert "LdrRelocateImage" in out2.getvalue() and "preferred_base=0x10000000" in out2.getvalue()


def test_apc_frame_and_initial_context(emulator, os_profile):
    """At LdrInitializeThunk the stack holds the APC frame's CONTEXT: EIP = start thunk, EAX = entry."""
    emu = emulator()
    process = emu.create_process(sample("hello.exe"))
    ldr_thunk = export_va(emu, process.ntdll_base, "LdrInitializeThunk")
    captured = {}

    def at_thunk(_):
        if captured:
            return
        esp = emu.registers()["esp"]
        # [esp] return into KiUserApcDispatcher, then NormalContext, SystemArgument1, SystemArgument2, CONTEXT
        ret, ctx, arg1, arg2 = (emu.read_u32(esp + 4 * i) for i in range(4))
        context = esp + 16
        captured.update(ret=ret, normal_context=ctx, arg1=arg1, eip=emu.read_u32(context + 0xB8),
                        eax=emu.read_u32(context + 0xB0), ebx=emu.read_u32(context + 0xA4),
                        cs=emu.read_u32(context + 0xBC), ss=emu.read_u32(context + 0xC8))
    emu.add_code_hook(ldr_thunk, at_thunk)
    emu.run()
    apc = export_va(emu, process.ntdll_base, "KiUserApcDispatcher")
    assert apc < captured["ret"] < apc + 16
    assert captured["normal_context"] == 0
    assert captured["arg1"] == process.ntdll_base
    assert captured["eip"] == start_points(emu, process, os_profile)[os_profile.start_thunk[1]]
    assert captured["eax"] == 0x400000 + process.section.image.pe.OPTIONAL_HEADER.AddressOfEntryPoint
    assert captured["ebx"] == process.peb
    assert (captured["cs"], captured["ss"]) == (0x1B, 0x23)


def test_image_file_execution_options_debugger_redirects(emulator):
    """BOOT-FLOW 1.6: a Debugger value starts the debugger with the original command line after it."""
    emu = emulator(image_file_execution_options={"hello.exe": {"Debugger": "C:\\app\\args.exe -d"}})
    emu.create_process(sample("hello.exe"), ["x"])
    result = emu.run()
    assert result.stdout.decode().splitlines()[:4] == [
        "argc=4", "argv[0]=[C:\\app\\args.exe]", "argv[1]=[-d]", "argv[2]=[C:\\app\\hello.exe]"]
    assert result.exit_code == 4
    steps = [s for s in emu.kernel.trace.steps if s.step == "1.6"]
    assert steps[0].details["debugger"] == "C:\\app\\args.exe -d" and steps[1].details["debugger"] == "(none)"
