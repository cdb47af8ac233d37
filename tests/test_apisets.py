"""kernel.profiles.apisets_win7: Windows 7 SP1's API set schema (Geoff Chappell's
"Windows 7 API Sets" table) plus the Universal CRT forwarder sets."""

from __future__ import annotations

import pytest

from kernel.profiles.apisets_win7 import (
    API_SET_EXCEPTIONS, API_SETS, NATIVE_SET_COUNT, UCRT_SET_COUNT, is_api_set_name,
    resolve_api_set)

UCRT = ["conio", "convert", "environment", "filesystem", "heap", "locale", "math",
        "multibyte", "private", "process", "runtime", "stdio", "string", "time", "utility"]


def test_table_shape():
    assert len(API_SETS) == NATIVE_SET_COUNT + UCRT_SET_COUNT == 35 + 15
    for name, hosts in API_SETS.items():
        assert name == name.lower() and name.startswith("api-ms-win-")
        assert not name.endswith(".dll")
        assert isinstance(hosts, tuple) and hosts
        assert all(h == h.lower() and h.endswith(".dll") for h in hosts)
    assert set(API_SET_EXCEPTIONS) <= set(API_SETS)


@pytest.mark.parametrize("name, host", [
    # Windows 7 (6.1) default hosts, per Geoff Chappell's table
    ("api-ms-win-core-console-l1-1-0", "kernel32.dll"),
    ("api-ms-win-core-localregistry-l1-1-0", "kernel32.dll"),
    ("api-ms-win-core-synch-l1-1-0", "kernel32.dll"),
    ("api-ms-win-core-sysinfo-l1-1-0", "kernelbase.dll"),
    ("api-ms-win-core-heap-l1-1-0", "kernelbase.dll"),
    ("api-ms-win-core-libraryloader-l1-1-0", "kernelbase.dll"),
    ("api-ms-win-core-rtlsupport-l1-1-0", "ntdll.dll"),
    ("api-ms-win-core-xstate-l1-1-0", "ntdll.dll"),
    ("api-ms-win-security-base-l1-1-0", "kernelbase.dll"),
    ("api-ms-win-security-sddl-l1-1-0", "sechost.dll"),
    ("api-ms-win-service-winsvc-l1-1-0", "sechost.dll"),
    ("api-ms-win-service-management-l2-1-0", "sechost.dll"),
])
def test_known_mappings(name, host):
    assert resolve_api_set(name) == host
    assert resolve_api_set(name + ".dll") == host


@pytest.mark.parametrize("part", UCRT)
def test_ucrt_sets(part):
    assert API_SETS[f"api-ms-win-crt-{part}-l1-1-0"] == ("ucrtbase.dll",)
    assert resolve_api_set(f"api-ms-win-crt-{part}-l1-1-0.dll") == "ucrtbase.dll"


def test_case_insensitive():
    assert resolve_api_set("API-MS-Win-Core-SysInfo-L1-1-0.dll") == "kernelbase.dll"
    assert resolve_api_set("API-MS-WIN-CRT-RUNTIME-L1-1-0.DLL") == "ucrtbase.dll"
    assert resolve_api_set("  api-ms-win-core-Console-l1-1-0.Dll ") == "kernel32.dll"


def test_importer_exception():
    # the 6.1 schema sends KERNEL32's own imports of these sets to KERNELBASE
    assert resolve_api_set("api-ms-win-core-synch-l1-1-0", importer="kernel32.dll") == "kernelbase.dll"
    assert resolve_api_set("api-ms-win-core-file-l1-1-0", importer="KERNEL32") == "kernelbase.dll"
    assert resolve_api_set("api-ms-win-core-synch-l1-1-0", importer="advapi32.dll") == "kernel32.dll"
    assert resolve_api_set("api-ms-win-core-console-l1-1-0", importer="kernel32.dll") == "kernel32.dll"


def test_version_suffix_matching():
    # Windows 10 rule: up to the last hyphen
    assert resolve_api_set("api-ms-win-core-processthreads-l1-1-1") == "kernel32.dll"
    # family fallback: same -lN level, any version
    assert resolve_api_set("api-ms-win-core-synch-l1-2-0.dll") == "kernel32.dll"
    assert resolve_api_set("api-ms-win-core-localization-l1-2-0") == "kernelbase.dll"
    assert resolve_api_set("api-ms-win-crt-stdio-l1-1-1") == "ucrtbase.dll"
    # a different level is a different contract
    assert resolve_api_set("api-ms-win-core-file-l2-1-0") is None


@pytest.mark.parametrize("name", [
    "kernel32.dll", "KERNELBASE", "ntdll.dll", "ucrtbase.dll", "", "api-", "api-ms-win",
    "api-ms-win-core-nonexistent-l1-1-0", "api-ms-win-core-winrt-l1-1-0.dll",
    "ext-ms-win-gdi-draw-l1-1-0.dll",          # EXT- sets arrived with Windows 8
])
def test_unknown_is_none(name):
    assert resolve_api_set(name) is None


def test_is_api_set_name():
    assert is_api_set_name("API-MS-Win-Core-Heap-L1-1-0.dll")
    assert not is_api_set_name("kernel32.dll")
    assert not is_api_set_name("ext-ms-win-gdi-draw-l1-1-0")
