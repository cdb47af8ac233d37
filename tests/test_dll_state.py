"""Per-process state of the system DLLs is declared (DllSpec.state) and lives as long as the
mapping: made when a process maps the DLL, set up by the DLL's DllMain, dropped when the process
ends.  An export called before the DLL's DllMain finds its state (a fuzzing finding: a TLS callback
calling msvcrt before its DLL_PROCESS_ATTACH ended in "'EProcess' object has no attribute 'crt'")."""

from conftest import sample
from ntboot.api import Emulator
from kernel.dlls.msvcrt import crt as crtmod
from kernel.dlls.msvcrt import stdlib
from kernel.dlls.ucrtbase import UcrtState, ucrt_state
from kernel.ke.dispatch import SKIP_HANDLER


def _stop_before_dllmain(emu, dll):
    """Stop the run at the DLL's entry point, before its DllMain handler runs; (process, base)."""
    process = emu.process
    synth = emu.kernel.synthesized(dll)
    entry = synth.spec.base + synth.entry_rva
    seen = []

    def before(address):
        if not seen:
            seen.append(address)
            emu.kernel.scheduler.stop_run("breakpoint", f"{dll} entry")
            return SKIP_HANDLER
    emu.add_code_hook(entry, before)
    result = emu.run()
    assert result.reason == "breakpoint", result.message
    return process, synth.spec.base


def test_msvcrt_state_exists_from_the_mapping_and_serves_calls_before_dllmain():
    emu = Emulator(timeout=60)
    try:
        emu.create_process(sample("hello.exe"))
        process, base = _stop_before_dllmain(emu, "msvcrt.dll")
        state = crtmod.msvcrt_state(process)
        assert isinstance(state, crtmod.CrtState) and state.base == base and not state.attached
        assert state.heap in process.heaps
        ctx = process.api_context
        ctx.thread = emu.kernel.scheduler.current_thread
        assert crtmod.crt(ctx) is state
        block = stdlib.malloc(ctx, 24)            # msvcrt before its DllMain: served from its heap
        assert block and state.heap.size(block) >= 24
        emu.kernel.scheduler.resume_after_break()
        result = emu.run()
        assert (result.reason, result.exit_code) == ("exited", 3)
        assert result.stdout.startswith(b"Hello, world!")
        assert state.attached and crtmod.msvcrt_state(process) is state
    finally:
        emu.close()


def test_ucrtbase_has_its_own_state_and_child_states_go_with_the_process():
    emu = Emulator(timeout=60)
    try:
        emu.create_process(sample("ucrt_hello.exe"))
        result = emu.run()
        assert result.reason == "exited", result.message
        process = emu.process
        ucrt = ucrt_state(process)
        assert isinstance(ucrt, UcrtState) and ucrt.attached and ucrt.dll == "ucrtbase.dll"
        assert process.dll_state.get("msvcrt.dll") is not ucrt
    finally:
        emu.close()
    emu = Emulator(timeout=60)
    try:
        emu.create_process(sample("spawn.exe"))
        result = emu.run()
        assert result.reason == "exited", result.message
        children = emu.kernel.processes[1:]
        assert children and all(not c.alive for c in children)
        assert all(c.dll_state == {} and c.crt_active is None for c in children)
        assert "msvcrt.dll" in emu.kernel.processes[0].dll_state     # the first process keeps its engine
    finally:
        emu.close()


def test_each_dll_state_is_made_when_its_dll_is_mapped():
    from kernel.dlls.advapi32.state import Advapi32State
    from kernel.dlls.kernel32.state import Kernel32State, kernel32_state, kernel32_state_or_none
    from kernel.dlls.ntdll.state import NtdllState, ntdll_state
    emu = Emulator(timeout=60)
    try:
        process = emu.create_process(sample("registry.exe"))
        # the kernel maps ntdll with the process; the loader maps the rest when the thread starts
        assert isinstance(ntdll_state(process), NtdllState)
        assert ntdll_state(process).base == process.ntdll_base
        assert kernel32_state_or_none(process) is None
        result = emu.run()
        assert result.reason == "exited", result.message
        state = kernel32_state(process)
        assert isinstance(state, Kernel32State)
        assert state.base == process.ldr.find_module("kernel32.dll").base
        assert isinstance(process.dll_state["advapi32.dll"], Advapi32State)
    finally:
        emu.close()
