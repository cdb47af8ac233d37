"""kernel.dlls.export_lists: the export name lists generated from mingw-w64's
import libraries load as package data and carry the stdcall argument sizes."""

from __future__ import annotations

import pytest

from kernel.dlls.export_lists import ExportInfo, available_export_lists, load_export_list

GENERATED = ["advapi32", "kernel32", "msvcrt", "ntdll", "ole32", "oleaut32", "shell32", "shlwapi",
             "ucrtbase", "user32"]


def test_available():
    assert set(GENERATED) <= set(available_export_lists())


@pytest.mark.parametrize("dll", GENERATED)
def test_lists_load(dll):
    exports = load_export_list(dll)
    assert len(exports) > 300
    assert all(isinstance(v, ExportInfo) for v in exports.values())
    names = list(exports)
    assert names == sorted(names, key=str.encode)        # the files are in byte order


def test_kernel32():
    k32 = load_export_list("kernel32")
    assert k32["GetProcAddress"] == ExportInfo(8, False)
    assert k32["CreateFileW"].arg_bytes == 28
    assert k32["CreateFileW"].is_stdcall
    assert k32["ExitProcess"].arg_bytes == 4
    assert not k32["CreateFileW"].is_data


def test_ntdll():
    nt = load_export_list("ntdll")
    assert nt["NtClose"].arg_bytes == 4
    assert nt["NtClose"].is_stdcall
    assert nt["RtlUlongByteSwap"].fastcall
    assert nt["NlsAnsiCodePage"].is_data


def test_msvcrt():
    crt = load_export_list("msvcrt")
    assert crt["printf"].arg_bytes is None and not crt["printf"].is_data   # cdecl '-'
    assert not crt["printf"].is_stdcall
    assert crt["_iob"].is_data
    assert crt["_CxxThrowException"].arg_bytes == 8                         # the one stdcall


def test_names_are_undecorated():
    for dll in GENERATED:
        for name in load_export_list(dll):
            assert not name.endswith("@") and "\t" not in name


def test_cached_and_name_forms():
    assert load_export_list("kernel32") is load_export_list("kernel32")
    assert load_export_list("KERNEL32.dll") == load_export_list("kernel32")


def test_missing_list():
    with pytest.raises(FileNotFoundError):
        load_export_list("nosuchdll")
