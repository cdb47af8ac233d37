"""`ntboot run --report`: the versioned JSON report, validated against its committed JSON Schema."""
import base64
import hashlib
import json

import jsonschema
import pytest

from conftest import sample
from ntboot.api import Emulator
from ntboot.report import SCHEMA_VERSION, FileCapture, blob, schema

SCHEMA = schema()


def report_of(name, args=(), **kw):
    kw.setdefault("timeout", 60)
    emu = Emulator(report=True, **kw)
    try:
        emu.create_process(sample(name), args)
        result = emu.run()
        data = emu.report()
    finally:
        emu.close()
    jsonschema.validate(data, SCHEMA)
    json.dumps(data)                     # plain JSON all the way down
    return result, data


def test_schema_is_a_valid_json_schema_of_this_version():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["schema_version"]["const"] == SCHEMA_VERSION == "1.0"


@pytest.mark.parametrize("name,args,kw,reason", [
    ("hello.exe", (), {}, "exited"),
    ("observe.exe", (), {}, "exited"),
    ("fault.exe", (), {}, "unhandled exception"),
    ("unsupported.exe", (), {}, "unsupported API"),
    ("deadlock.exe", (), {}, "deadlock"),
    ("threads.exe", (), {}, "exited"),
    ("missingdll.exe", (), {}, "loader error"),
    ("forever.exe", (), {"max_instructions": 200_000}, "instruction limit"),
    ("observe.exe", ("hog",), {"max_memory": 8 << 20}, "memory limit"),
    ("hello.exe", (), {"max_api_calls": 3}, "API call limit"),
])
def test_real_reports_validate_against_the_schema(name, args, kw, reason):
    result, data = report_of(name, args, **kw)
    assert data["schema_version"] == "1.0"
    assert data["result"]["reason"] == reason == result.reason
    assert (data["stop"] is None) == (reason == "exited")


def test_report_of_a_clean_run():
    result, data = report_of("hello.exe", ["one", "two words"])
    with open(sample("hello.exe"), "rb") as f:
        assert data["program"]["sha256"] == hashlib.sha256(f.read()).hexdigest()
    assert data["program"]["guest_path"] == "C:\\app\\hello.exe"
    assert data["arguments"] == ["one", "two words"]
    assert data["command_line"] == 'C:\\app\\hello.exe one "two words"'
    assert data["profile"]["version"] == "6.1.7601" and data["profile"]["csd_version"] == "Service Pack 1"
    assert data["result"] == {"ok": True, "reason": "exited", "message": "", "exit_code": 3, "exit_code_name": None,
                              "status": None, "status_name": None}
    assert data["stdout"] == {"size": 55, "encoding": "utf-8", "truncated": False,
                              "data": "Hello, world!\nThe answer is 42 and the word is ntboot.\n"}
    (proc,) = data["processes"]
    assert proc["pid"] == 256 and proc["parent"] == 0 and proc["exit_code"] == 3 and proc["reason"] == "exited"
    assert [t["tid"] for t in proc["threads"]] == [260] and proc["threads"][0]["exit_status"] == 3
    names = [m["name"] for m in proc["modules"]]
    assert names[:2] == ["hello.exe", "ntdll.dll"] and "msvcrt.dll" in names
    exe = proc["modules"][0]
    assert exe["base"] == 0x400000 and exe["size"] == 0xB000 and not exe["system"]
    assert data["api_calls"]["counted"] and data["api_calls"]["by_name"]["msvcrt!printf"] == 1
    assert data["api_calls"]["total"] == sum(data["api_calls"]["by_name"].values())
    assert data["system_calls"]["by_name"]["ntdll!NtContinue"] == 1
    assert data["instructions"] == {"counted": False, "count": None}
    assert data["timing"]["wall_seconds"] > 0 and data["registry"]["available"] in (True, False)


def test_report_captures_files_written():
    _, data = report_of("observe.exe")
    (f,) = data["files_written"]
    assert f["path"] == "C:\\observe.txt" and f["writes"] == 2 and f["size"] == 23
    assert f["content"] == {"size": 23, "encoding": "utf-8", "data": "first line\nsecond line\n", "truncated": False}
    assert data["system_calls"]["by_name"]["ntdll!NtWriteFile"] == 2


def test_file_capture_is_bounded():
    class P:
        pid = 1
    cap = FileCapture(per_file=8, total=12)
    cap(P, "C:\\a", 0, b"0123456789")
    cap(P, "C:\\b", 0, b"abcdefgh")
    cap(P, "C:\\a", 20, b"tail")
    a, b = cap.records()
    assert a["content"]["data"] == "01234567" and a["content"]["truncated"] and a["size"] == 24
    assert a["bytes_written"] == 14 and b["content"]["data"] == "abcd" and b["content"]["truncated"]


def test_blob_falls_back_to_base64():
    assert blob(b"\xff\x00") == {"size": 2, "encoding": "base64", "data": base64.b64encode(b"\xff\x00").decode(),
                                 "truncated": False}


def test_report_of_a_fault_has_location_disassembly_registers_stack_and_last_calls():
    result, data = report_of("fault.exe")
    stop = data["stop"]
    assert stop["location"].startswith("fault.exe+0x") and stop["instruction"].startswith("mov dword ptr [")
    assert stop["disassembly"][0]["address"] == stop["address"] == stop["registers"]["eip"]
    assert stop["exception"]["code"] == 0xC0000005 and stop["exception"]["name"] == "STATUS_ACCESS_VIOLATION"
    frames = [f["location"] for f in stop["stack"]]
    assert frames[0] == stop["location"] and len(frames) >= 2 and frames[1].startswith("fault.exe+0x")
    assert any(c["name"] == "msvcrt!puts" and "before" in (c["args"][0]["value"], c["args"][0].get("decoded"))
               for c in stop["last_calls"])
    assert data["processes"][0]["exit_code"] == 0xC0000005
    assert data["result"]["exit_code_name"] == "STATUS_ACCESS_VIOLATION"


def test_report_of_an_unsupported_api_walks_from_the_stub_to_its_caller():
    _, data = report_of("unsupported.exe")
    stack = data["stop"]["stack"]
    assert stack[0]["location"].startswith("kernel32.dll+0x")
    assert stack[1]["location"].startswith("unsupported.exe+0x")
    assert "kernel32!GetNumaHighestNodeNumber" in data["stop"]["message"]


def test_report_of_an_instruction_limit_counts_instructions():
    _, data = report_of("forever.exe", max_instructions=200_000)
    assert data["instructions"]["counted"] and data["instructions"]["count"] >= 200_000
    assert data["limits"]["max_instructions"] == 200_000
    assert data["stop"]["location"].startswith("forever.exe+0x")


def test_cli_report_file(tmp_path, capsys):
    from ntboot.cli import main
    out = tmp_path / "r.json"
    assert main(["run", "--report", str(out), sample("fault.exe")]) == 5
    assert "STATUS_ACCESS_VIOLATION" in capsys.readouterr().err
    data = json.loads(out.read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["result"]["reason"] == "unhandled exception" and data["stdout"]["data"] == "before\n"


def test_report_lists_the_registry_changes_the_guest_made():
    _, data = report_of("registry.exe")
    reg = data["registry"]
    assert reg["available"] is True
    changes = reg["changes"]
    assert any(c["action"] == "create key" and c["key"].endswith("Software\\ntboot\\test") for c in changes)
    text = [c for c in changes if c["action"] == "set value" and c["value"] == "text"]
    assert text and "hello" in json.dumps(text[0]["new"])
