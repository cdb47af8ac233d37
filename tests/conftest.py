import os

import pytest

from loader.image import read_exports

from ntboot.api import Emulator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "samples", "bin")


def sample(name: str) -> str:
    path = os.path.join(BIN, name)
    assert os.path.exists(path), f"sample {name} is missing: run samples/build.sh"
    return path


@pytest.fixture
def emulator():
    made = []

    def make(**kw):
        kw.setdefault("timeout", 60)
        emu = Emulator(**kw)
        made.append(emu)
        return emu
    yield make
    for emu in made:
        emu.close()


def run_sample(name: str, args=(), **kw):
    kw.setdefault("timeout", 60)
    emu = Emulator(**kw)
    try:
        emu.create_process(sample(name), args)
        return emu.run()
    finally:
        emu.close()


def pytest_collect_file(parent, file_path):
    """tests/regress/*.toml: regression cases of real binaries (ntboot/regress.py)."""
    from ntboot.regress import pytest_collect_file as collect
    return collect(parent, file_path)


# -- OS profiles ----------------------------------------------------------------------------------------
# Boot, loader, structure and sample tests run under every profile: a module opts in with
#     pytestmark = pytest.mark.usefixtures("os_profile")
# and a test whose behaviour is one profile's takes `@pytest.mark.profiles("win7sp1")`.  While a test
# runs under a profile, that profile is the default one (Emulator(), run_sample, the CLI), so the
# test's own code needs no change; a test that asserts what differs reads `os_profile` (the Profile).
ALL_PROFILES = ("win7sp1", "xpsp3")


def pytest_configure(config):
    config.addinivalue_line("markers", "profiles(*names): the OS profiles the test runs under")


def pytest_generate_tests(metafunc):
    if "os_profile" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("profiles")
        names = marker.args if marker else ALL_PROFILES
        metafunc.parametrize("os_profile", names, indirect=True)


@pytest.fixture
def os_profile(request, monkeypatch):
    from kernel.profiles import base, get_profile
    monkeypatch.setattr(base, "DEFAULT_PROFILE", request.param)
    return get_profile(request.param)


# Published version facts of each profile's Windows (what GetVersionEx, the PEB and KUSER_SHARED_DATA say):
# major, minor, build, platform id, OSCSDVersion (service pack major << 8 | minor), CSD version string
WINDOWS_VERSIONS = {
    "win7sp1": (6, 1, 7601, 2, 0x100, "Service Pack 1"),
    "xpsp3": (5, 1, 2600, 2, 0x300, "Service Pack 3"),
}


def export_va(emu, dll_base: int, name: str) -> int:
    """An export's address found by parsing the DLL's export table in guest memory."""
    _, by_name, by_ordinal, _ = read_exports(emu.read, dll_base)
    return dll_base + by_ordinal[by_name[name]]


def start_points(emu, process, profile) -> dict:
    """Where the first thread's user-mode start runs, found independently of the kernel's tables.
    NT 6.x: ntdll's RtlUserThreadStart export.  NT 5.x: kernel32's BaseProcessStartThunk is internal
    (not exported): the initial CONTEXT's Eip must lie in kernel32's image at its base and hold XP's
    thunk (xor ebp,ebp; push eax; push 0; jmp BaseProcessStart), whose jump gives BaseProcessStart."""
    if profile.start_thunk == ("ntdll.dll", "RtlUserThreadStart"):
        return {"RtlUserThreadStart": export_va(emu, process.ntdll_base, "RtlUserThreadStart")}
    assert profile.start_thunk == ("kernel32.dll", "BaseProcessStartThunk")
    thunk = process.threads[0].start_address
    image = emu.kernel.synthesized("kernel32.dll").image        # the bytes the loader will map
    base = profile.dll_bases["kernel32.dll"]
    code = image_bytes(image, thunk - base, 10)
    assert code[:6] == b"\x33\xED\x50\x6A\x00\xE9", code.hex()
    return {"BaseProcessStartThunk": thunk,
            "BaseProcessStart": thunk + 10 + int.from_bytes(code[6:10], "little", signed=True)}


def image_bytes(image: bytes, rva: int, size: int) -> bytes:
    """Bytes at an RVA of a PE file (through its section table)."""
    import pefile
    pe = pefile.PE(data=image, fast_load=True)
    return pe.get_data(rva, size)


