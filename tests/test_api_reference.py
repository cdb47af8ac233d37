"""Documentation that cannot drift: docs/api.md is what `python -m ntboot.apidoc` generates from
the docstrings (every public member of Emulator and RunResult has one); the fetch helper's
failures say what to do; a code hook runs once per executed instruction across run_to/step."""
import os

import pytest

from conftest import ROOT, sample


def test_every_public_member_has_a_docstring():
    from ntboot.apidoc import missing_docstrings
    assert missing_docstrings() == []


def test_docs_api_md_is_generated_and_current():
    from ntboot.apidoc import generate
    with open(os.path.join(ROOT, "docs", "api.md"), encoding="utf-8") as f:
        current = f.read()
    assert current == generate(), "docs/api.md is stale: run `python -m ntboot.apidoc --update`"
    for name in ("run_to", "add_code_hook", "minidump", "exit_code", "ok", "imports_table"):
        assert f"`{name}" in current or f"| `{name}` |" in current, name


def test_a_code_hook_runs_once_when_run_to_stops_on_its_instruction(emulator):
    emu = emulator()
    emu.create_process(sample("hello.exe"))
    hits = []
    emu.add_code_hook(emu.entry_point, lambda address: hits.append(address))
    emu.add_api_hook("msvcrt!printf", lambda address: hits.append("printf"))
    assert emu.run_to("entry") is None and hits == [emu.entry_point]
    assert emu.registers()["eip"] == emu.entry_point
    assert emu.step() is None and hits == [emu.entry_point]        # the entry instruction ran once
    assert emu.registers()["eip"] != emu.entry_point
    assert emu.run_to("api:msvcrt!printf") is None and hits == [emu.entry_point, "printf"]
    assert emu.step() is None and hits == [emu.entry_point, "printf"]
    late = []
    emu.add_code_hook(emu.entry_point, lambda address: late.append(address))
    assert emu.run().reason == "exited" and hits == [emu.entry_point, "printf"] and late == []


def test_fetch_failures_fail_with_the_reason_online_or_offline(monkeypatch):
    """A real-binary test never skips: an item that cannot be fetched fails the test, saying why and
    how to fetch it, in CI and elsewhere, offline or not."""
    import fetch

    def offline():
        raise fetch.FetchError("thing", "npm ERR! getaddrinfo ENOTFOUND (Temporary failure in name resolution)")

    def broken():
        raise fetch.FetchError("thing", "npm ERR! 404 Not Found")
    for ci in ("true", None):
        if ci:
            monkeypatch.setenv("CI", ci)
        else:
            monkeypatch.delenv("CI", raising=False)
        monkeypatch.setitem(fetch.ITEMS, "thing", offline)
        with pytest.raises(pytest.fail.Exception) as failed:
            fetch.require("thing")
        assert str(failed.value).startswith("offline: thing could not be fetched")
        assert "python -m tests.fetch" in str(failed.value)
        monkeypatch.setitem(fetch.ITEMS, "thing", broken)
        with pytest.raises(pytest.fail.Exception) as failed:
            fetch.require("thing")
        assert "404 Not Found" in str(failed.value)
