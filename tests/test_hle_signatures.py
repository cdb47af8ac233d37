"""Argument counts derived from the handlers' typed signatures agree with Windows: the stdcall
decorations of mingw-w64's import libraries (_Name@N) and the system service table's argument
bytes of the Windows 7 SP1 profile."""
import pytest

from kernel.dlls import system_dlls
from kernel.dlls.export_lists import load_export_list
from kernel.nt import service_table
from kernel.profiles import get_profile

PROFILE = get_profile()
SPECS = system_dlls(PROFILE)


# where ntboot deliberately differs from the Windows 7 export, and why
KNOWN_DIFFERENCES = {
    ("ntdll.dll", "LdrInitializeThunk"): "BOOT-FLOW 4.4 runs it as an APC NormalRoutine with three "
    "arguments, KiUserApcDispatcher then calling NtContinue; Windows 7 starts threads in it directly "
    "and its export takes the CONTEXT as a fourth argument (_LdrInitializeThunk@16)",
}


def handlers():
    for name, spec in SPECS.items():
        for api_name, api in spec.handlers().items():
            yield name, api_name, api


@pytest.mark.parametrize("dll,name,api", list(handlers()), ids=lambda v: v if isinstance(v, str) else "")
def test_handler_matches_the_real_export(dll, name, api):
    if name.startswith(".") or (dll, name) in KNOWN_DIFFERENCES:
        return                     # internal stubs are not exports; documented differences
    # mingw-w64 has no import library for KERNELBASE; its functions are kernel32's, same signatures
    known = load_export_list("kernel32" if dll.lower() == "kernelbase.dll" else dll)
    assert name in known, f"{dll}!{name} is not an export of the real {dll}"
    info = known[name]
    if info.arg_bytes is None:
        assert api.conv == "cdecl", f"{dll}!{name} is cdecl in Windows"
    else:
        assert api.conv == "stdcall", f"{dll}!{name} is stdcall in Windows"
        assert api.stack_bytes == info.arg_bytes, (
            f"{dll}!{name}: the signature takes {api.stack_bytes} bytes, Windows {info.arg_bytes}")


@pytest.mark.parametrize("name", sorted(service_table()))
def test_system_service_matches_the_profile_table(name):
    api = service_table()[name]
    assert name in PROFILE.syscall_numbers, f"{name} is not a Windows 7 SP1 system service"
    assert api.stack_bytes == PROFILE.syscall_arg_bytes[name]


def test_every_forwarder_targets_an_implemented_function():
    for dll, spec in SPECS.items():
        for name, target in spec.forwarders.items():
            target_dll, _, target_name = target.partition(".")
            target_spec = next(s for n, s in SPECS.items() if n.lower().removesuffix(".dll") == target_dll.lower())
            assert target_name in target_spec.handlers() or target_name in target_spec.forwarders, \
                f"{dll}!{name} -> {target} is not implemented"
