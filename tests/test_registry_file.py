"""The registry as a program sees it (samples/bin/registry.exe through advapi32 and the Nt key
services), and what kernel/cm/registry_file.py adds to the configuration manager's registry: the file it is
loaded from and saved to, the change log, Image File Execution Options read from it."""
from __future__ import annotations

import json

import pytest

from kernel.cm import registry as cm
from ntboot.api import Emulator
from kernel.cm.registry_file import (REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_QWORD, REG_SZ, Change,
                             RecordingRegistry, RegistryFileError, decode_data, display_path, encode_data,
                             nt_path, save, load, to_json)
from tests.conftest import run_sample, sample

EXPECTED = r"""open CurrentVersion: err=0
  ProductName: REG_SZ "Windows 7 Professional" (23 bytes)
  CurrentVersion: REG_SZ "6.1" (4 bytes)
  CurrentBuild: REG_SZ "7601" (5 bytes)
  CSDVersion: REG_SZ "Service Pack 1" (15 bytes)
  SystemRoot: REG_SZ "C:\Windows" (11 bytes)
  NoSuchValue: err=2
ProductName in 4 bytes: err=234 size 23
ProductName size only: err=0 size 23 type 1
RegGetValue CurrentBuildNumber: err=0 "7601"
RegGetValue CurrentBuildNumber as a DWORD: err=1630
ACP: err=0 "1252"
open SOFTWARE\NoSuchVendor: err=2
left by an earlier run: nothing
create HKCU\Software\ntboot\test: err=0 disposition 1
create it again: err=0 disposition 2
set text: err=0
set number: err=0
set big: err=0
set list: err=0
set blob: err=0
set path: err=0
set default: err=0
set number again: err=0
query:
  text: REG_SZ "hello" (6 bytes)
  number: REG_DWORD 8
  big: REG_QWORD 0x0000000123456789
  list: REG_MULTI_SZ "one" "two" (9 bytes)
  blob: type 3, 01 02 ff
  path: REG_EXPAND_SZ "%SystemRoot%\x" (15 bytes)
  : REG_SZ "dflt" (5 bytes)
RegGetValue path, expanded: err=0 type 1 "C:\Windows\x"
RegGetValue path, not expanded: err=0 type 2 "%SystemRoot%\x"
RegGetValue number as a string: err=1630
subkeys: A b c | err=259
values: text(1,6) number(4,4) big(11,8) list(7,9) blob(3,3) path(2,15) (default)(1,5) | err=259
RegQueryInfoKey: err=0 subkeys 3 max subkey 1 values 7 max name 6 max data 30
open for reading: err=0
set through it: err=5
delete value blob: err=0
delete value blob again: err=2
delete key test (has subkeys): err=5
delete subkeys: err=0 0 0
subkeys: | err=259
delete key test: err=0
set on the deleted key: err=1018
close HKLM: err=0
close a bad handle: err=6
delete Software\ntboot: err=0
GetUserName: 1 "user" (5)
GetUserName in 2 chars: 0 err=122 size 5
RtlGenRandom: 1
CryptAcquireContext: 1
CryptGenRandom: 1
random bytes differ: yes
random: d2 b5 64 36 e9 67 f0 a4 / 63 93 89 38 f5 97 cd a8
CryptReleaseContext: 1
CryptGenRandom after release: 0 err=0x80090001
"""

USER = "HKEY_USERS\\" + cm.USER_SID


def test_registry_sample_output():
    result = run_sample("registry.exe")
    assert result.reason == "exited", result.message
    assert result.stdout.decode() == EXPECTED
    assert result.exit_code == 0


def test_a_registry_file_carries_values_to_the_next_run(tmp_path):
    path = str(tmp_path / "registry.json")
    first = run_sample("registry.exe", ["keep"], registry_file=path)
    assert "left by an earlier run: nothing\n" in first.stdout.decode()
    doc = json.load(open(path, encoding="utf-8"))
    assert doc["keys"][USER + "\\Software\\ntboot"] == {
        "values": [{"name": "Saved", "type": "REG_SZ", "data": "from run 1"}]}
    assert USER + "\\Software\\ntboot\\test" not in doc["keys"]          # deleted by the program
    assert USER + "\\Volatile Environment" not in doc["keys"]            # volatile keys are not saved
    second = run_sample("registry.exe", ["keep"], registry_file=path)
    assert "left by an earlier run: from run 1\n" in second.stdout.decode()
    assert second.stdout.decode().replace("from run 1\n", "nothing\n", 1) == first.stdout.decode()


def test_the_change_log_of_a_run():
    emu = Emulator(timeout=60)
    try:
        emu.create_process(sample("registry.exe"))
        assert emu.run().reason == "exited"
        changes = cm.registry_of(emu.kernel).changes
    finally:
        emu.close()
    key = USER + "\\Software\\ntboot\\test"
    assert changes[0] == Change("create key", USER + "\\Software\\ntboot")
    assert changes[1] == Change("create key", key)
    assert changes[2] == Change("set value", key, "text", None, ("REG_SZ", "hello"))
    assert Change("set value", key, "number", ("REG_DWORD", 7), ("REG_DWORD", 8)) in changes
    assert Change("set value", key, "blob", None, ("REG_BINARY", "0102ff")) in changes
    assert Change("delete value", key, "blob", ("REG_BINARY", "0102ff"), None) in changes
    assert changes[-2:] == [Change("delete key", key), Change("delete key", USER + "\\Software\\ntboot")]
    assert [c.action for c in changes].count("create key") == 5              # ntboot, test, A, b, c
    assert all(c.to_json()["key"].startswith("HKEY_") for c in changes)


# -- the file format ------------------------------------------------------------------------------------

def fresh() -> RecordingRegistry:
    reg = RecordingRegistry(lambda: 0)
    reg.changes = []
    reg.set("HKLM\\SOFTWARE\\Vendor\\App", {"Path": "C:\\app", "Count": 3})
    reg.set("HKCU\\Software")
    return reg


def test_save_and_load_give_the_same_bytes_back(tmp_path):
    reg = fresh()
    node = reg.open(nt_path("HKLM\\SOFTWARE\\Vendor\\App"))
    odd = {
        "no terminator": (REG_SZ, "abc".encode("utf-16-le")),
        "odd length": (REG_EXPAND_SZ, b"a\0b"),
        "empty strings inside": (REG_MULTI_SZ, "a\0\0b\0\0".encode("utf-16-le")),
        "empty list": (REG_MULTI_SZ, b"\0\0"),
        "short dword": (REG_DWORD, b"\x01\x02"),
        "qword": (REG_QWORD, (1 << 40).to_bytes(8, "little")),
        "binary": (REG_BINARY, bytes(range(256))),
        "type 0x12345": (0x12345, b"\xff"),
        "": (REG_SZ, "default value".encode("utf-16-le") + b"\0\0"),
    }
    for name, (type_, data) in odd.items():
        reg.set_value(node, name, type_, data)
    node.class_name = "AppClass"
    path = str(tmp_path / "r.json")
    save(reg, path)
    other = RecordingRegistry(lambda: 0)
    other.changes = []
    load(other, path)
    again = other.open(nt_path("HKLM\\SOFTWARE\\Vendor\\App"))
    assert [(v.name, v.type, v.data) for v in again.values.values()] == \
        [(v.name, v.type, v.data) for v in node.values.values()]
    assert again.class_name == "AppClass"
    assert to_json(other) == to_json(reg)
    entry = json.load(open(path, encoding="utf-8"))["keys"]["HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\App"]
    shown = {v["name"]: v for v in entry["values"]}
    assert shown["Path"] == {"name": "Path", "type": "REG_SZ", "data": "C:\\app"}
    assert shown["Count"] == {"name": "Count", "type": "REG_DWORD", "data": 3}
    assert shown["empty list"]["data"] == [] and shown["qword"]["data"] == 1 << 40
    assert shown["no terminator"] == {"name": "no terminator", "type": "REG_SZ", "hex": "610062006300"}
    assert shown["type 0x12345"] == {"name": "type 0x12345", "type": 0x12345, "hex": "ff"}
    assert "hex" in shown["empty strings inside"] and "hex" in shown["short dword"]


def test_the_default_registry_round_trips(tmp_path):
    emu = Emulator()
    try:
        reg = cm.registry_of(emu.kernel)
        path = str(tmp_path / "default.json")
        save(reg, path)
        doc = json.load(open(path, encoding="utf-8"))
        current = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
        values = {v["name"]: v.get("data") for v in doc["keys"][current]["values"]}
        assert values["ProductName"] == "Windows 7 Professional" and values["CurrentBuild"] == "7601"
        # CurrentControlSet is a link to ControlSet001: saved once, under its real name
        assert not any("\\CurrentControlSet" in k for k in doc["keys"])
        assert "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control\\Nls\\CodePage" in doc["keys"]
        reloaded = RecordingRegistry(lambda: 0)
        reloaded.changes = []
        load(reloaded, path)
        assert to_json(reloaded) == doc
    finally:
        emu.close()


def test_a_hand_written_file_is_merged_into_the_defaults(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"format": "ntboot-registry", "version": 1, "keys": {
        "HKCU\\Software\\Mine": {"values": [{"name": "Level", "type": "REG_DWORD", "data": 5},
                                           {"name": "Names", "type": "REG_MULTI_SZ", "data": ["x", "y"]}]},
        "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage": {
            "values": [{"name": "ACP", "type": "REG_SZ", "data": "1250"}]},
    }}), encoding="utf-8")
    emu = Emulator(registry_file=str(path))
    try:
        reg = cm.registry_of(emu.kernel)
        assert reg.get("HKCU\\Software\\Mine", "Level") == 5
        assert reg.get("HKCU\\Software\\Mine", "Names") == ["x", "y"]
        assert reg.get("HKLM\\SYSTEM\\ControlSet001\\Control\\Nls\\CodePage", "ACP") == "1250"
        assert reg.get("HKLM\\SYSTEM\\ControlSet001\\Control\\Nls\\CodePage", "OEMCP") == "437"
        assert reg.get("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "CurrentVersion") == "6.1"
        assert reg.changes == []                     # loading is not the guest changing anything
    finally:
        emu.close()
    saved = json.loads(path.read_text(encoding="utf-8"))        # written back, defaults included
    assert USER + "\\Software\\Mine" in saved["keys"]
    assert "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" in saved["keys"]


@pytest.mark.parametrize("content, message", [
    ("{not json", "is not a registry file"),
    ('{"format": "other"}', "not an ntboot registry file"),
    ('{"format": "ntboot-registry", "version": 2, "keys": {}}', "version 2"),
    ('{"format": "ntboot-registry", "version": 1, "keys": {"HKXX\\\\a": {}}}', "must start with"),
    ('{"format": "ntboot-registry", "version": 1, "keys": {"HKLM": {}}}', "below HKEY_LOCAL_MACHINE"),
    ('{"format": "ntboot-registry", "version": 1, "keys": {"HKLM\\\\S": {"values": [{"name": "v"}]}}}',
     "needs a name and a type"),
    ('{"format": "ntboot-registry", "version": 1, "keys": {"HKLM\\\\S": {"values": '
     '[{"name": "v", "type": "REG_DWORD", "data": "3"}]}}}', "of the wrong kind"),
    ('{"format": "ntboot-registry", "version": 1, "keys": {"HKLM\\\\S": {"values": '
     '[{"name": "v", "type": "REG_BINARY", "data": "3"}]}}}', "is given as"),
    ('{"format": "ntboot-registry", "version": 1, "keys": {"HKLM\\\\S": {"values": '
     '[{"name": "v", "type": "REG_FANCY", "hex": "00"}]}}}', "unknown value type"),
    ('{"format": "ntboot-registry", "version": 1, "keys": {"HKLM\\\\S": {"values": '
     '[{"name": "v", "type": "REG_BINARY", "hex": "0g"}]}}}', "bad hex"),
])
def test_bad_registry_files_are_named_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RegistryFileError) as info:
        Emulator(registry_file=str(path))
    assert message in str(info.value) and str(path) in str(info.value)


def test_a_registry_file_that_cannot_be_written(tmp_path, capsys):
    path = tmp_path / "missing folder" / "r.json"
    emu = Emulator(registry_file=str(path))
    emu.close()
    assert not path.exists()
    assert "cannot write the registry to" in emu.kernel.registry_error
    assert "ntboot: cannot write the registry to" in capsys.readouterr().err


def test_image_file_execution_options_come_from_the_registry_file(tmp_path):
    path = tmp_path / "ifeo.json"
    ifeo = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\hello.exe"
    path.write_text(json.dumps({"format": "ntboot-registry", "version": 1, "keys": {
        ifeo: {"values": [{"name": "Debugger", "type": "REG_SZ", "data": "C:\\app\\args.exe -d"}]}}}))
    result = run_sample("hello.exe", ["x"], registry_file=str(path))
    assert result.stdout.decode().splitlines()[:5] == [
        "argc=4", "argv[0]=[C:\\app\\args.exe]", "argv[1]=[-d]", "argv[2]=[C:\\app\\hello.exe]", "argv[3]=[x]"]
    assert result.exit_code == 4


# -- names and values -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, nt", [
    ("HKLM\\SOFTWARE\\x", "\\REGISTRY\\MACHINE\\SOFTWARE\\x"),
    ("HKEY_LOCAL_MACHINE\\SOFTWARE", "\\REGISTRY\\MACHINE\\SOFTWARE"),
    ("hkcu\\Software", "\\REGISTRY\\USER\\" + cm.USER_SID + "\\Software"),
    ("HKCR\\.txt", "\\REGISTRY\\MACHINE\\SOFTWARE\\Classes\\.txt"),
    ("HKU\\.DEFAULT", "\\REGISTRY\\USER\\.DEFAULT"),
    ("HKCC", "\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current"),
    ("\\Registry\\Machine\\SYSTEM\\\\Select\\", "\\REGISTRY\\Machine\\SYSTEM\\Select"),
])
def test_key_names(name, nt):
    assert nt_path(name) == nt


@pytest.mark.parametrize("nt, shown", [
    ("\\REGISTRY\\MACHINE\\SOFTWARE", "HKEY_LOCAL_MACHINE\\SOFTWARE"),
    ("\\REGISTRY\\USER\\S-1-5-18", "HKEY_USERS\\S-1-5-18"),
    ("\\REGISTRY\\Machine", "HKEY_LOCAL_MACHINE"),
    ("\\Device\\x", "\\Device\\x"),
])
def test_display_names(nt, shown):
    assert display_path(nt) == shown


def test_unknown_roots_are_refused():
    for name in ("HKXX\\a", "", "SOFTWARE\\x", "\\Device\\Harddisk0"):
        with pytest.raises(ValueError):
            nt_path(name)


@pytest.mark.parametrize("type_, readable", [
    (REG_SZ, "text"), (REG_SZ, ""), (REG_EXPAND_SZ, "%PATH%"), (REG_MULTI_SZ, ["a", "b"]), (REG_MULTI_SZ, []),
    (REG_DWORD, 0xFFFFFFFF), (REG_QWORD, 1 << 63),
])
def test_value_data_round_trips(type_, readable):
    assert decode_data(type_, encode_data(type_, readable)) == readable


def test_the_change_log_records_only_when_asked_and_in_order():
    reg = fresh()
    assert reg.changes == []
    reg.recording = True
    node = reg.create_path(nt_path("HKCU\\Software\\T"))
    reg.set_value(node, "v", REG_DWORD, encode_data(REG_DWORD, 1))
    reg.set_value(node, "V", REG_SZ, encode_data(REG_SZ, "two"))
    reg.delete_value(node, "v")
    reg.delete_key(node)
    with pytest.raises(Exception):
        reg.delete_value(node, "v")                  # the key is gone: nothing more is logged
    key = USER + "\\Software\\T"
    assert reg.changes == [
        Change("create key", key),
        Change("set value", key, "v", None, ("REG_DWORD", 1)),
        Change("set value", key, "v", ("REG_DWORD", 1), ("REG_SZ", "two")),      # the name keeps its case
        Change("delete value", key, "v", ("REG_SZ", "two"), None),
        Change("delete key", key),
    ]
    assert reg.changes[2].to_json() == {"action": "set value", "key": key, "value": "v",
                                        "old": ["REG_DWORD", 1], "new": ["REG_SZ", "two"]}


def test_nt_names_of_keys_in_the_kernels_registry():
    emu = Emulator()
    try:
        reg = cm.registry_of(emu.kernel)
        software = reg.open("\\Registry\\Machine\\software")                    # names compare upper-cased
        assert software.path == "\\REGISTRY\\MACHINE\\SOFTWARE"
        assert reg.open("Microsoft\\Windows NT\\CURRENTVERSION", software) is \
            reg.open(nt_path("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"))
        assert reg.open("\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet") is \
            reg.open("\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001")
        assert reg.open(nt_path("HKCU")) is reg.open("\\REGISTRY\\USER\\" + cm.USER_SID)
        for name, base, status in (("SOFTWARE", None, "STATUS_OBJECT_PATH_SYNTAX_BAD"),
                                   ("\\Device\\HarddiskVolume1", None, "STATUS_OBJECT_NAME_NOT_FOUND"),
                                   ("\\REGISTRY\\MACHINE\\NoSuchHive\\x", None, "STATUS_OBJECT_NAME_NOT_FOUND"),
                                   ("\\SOFTWARE", software, "STATUS_OBJECT_PATH_SYNTAX_BAD")):
            with pytest.raises(Exception) as info:
                reg.open(name, base)
            assert getattr(info.value, "status_name", None) == status, name
    finally:
        emu.close()
