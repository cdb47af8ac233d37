"""`ntboot survey` (ntboot/survey.py): its classification of real runs of the project's samples, the
process pool's handling of a worker that dies, and the committed survey of the census corpus
(docs/survey.md) checked against a fresh survey of corpus/manifest.toml (fetched from the registries)."""
import json
import os
import signal

import pytest

from ntboot.cli import main as cli_main
from ntboot import survey as S

BIN = os.path.join(os.path.dirname(__file__), "..", "samples", "bin")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def sample_survey(tmp_path_factory):
    out = tmp_path_factory.mktemp("survey") / "s.json"
    names = ["hello.exe", "fault.exe", "missingdll.exe", "missingname.exe", "missingordinal.exe",
             "unsupported.exe", "deadlock.exe", "forever.exe", "sampledll.dll", "bad"]
    status = cli_main(["survey", *[os.path.join(BIN, n) for n in names], "-j", "2", "--timeout", "2",
                       "--json", "-o", str(out), "--no-progress"])
    doc = json.loads(out.read_text())
    return status, doc, {r["name"]: r for r in doc["programs"]}


def test_outcomes_of_the_samples(sample_survey):
    status, doc, by = sample_survey
    assert status == 0
    run = {name: r["run"] for name, r in by.items()}
    assert (run["hello.exe"]["outcome"], run["hello.exe"]["exit_code"]) == ("exited", 3)
    assert run["fault.exe"]["outcome"] == "unhandled exception"
    assert run["fault.exe"]["status"] == 0xC0000005 and run["fault.exe"]["location"] == "fault.exe+0x268b"
    assert (run["missingdll.exe"]["outcome"], run["missingdll.exe"]["function"]) == ("missing DLL or export", "ghost.dll")
    assert run["missingname.exe"]["function"] == "kernel32!NoSuchFunctionAnywhere"
    assert run["missingordinal.exe"]["function"] == "sampledll!#999"
    assert run["unsupported.exe"]["outcome"] == "unsupported API"
    assert (run["unsupported.exe"]["function"], run["unsupported.exe"]["caller"]) == \
        ("kernel32!GetNumaHighestNodeNumber", "unsupported.exe+0x26aa")
    assert run["deadlock.exe"]["outcome"] == "deadlock"
    assert run["forever.exe"]["outcome"] == "limit reached" and run["forever.exe"]["detail"].startswith("timeout at forever.exe+")
    assert run["sampledll.dll"]["outcome"] == "not run"
    assert run["truncated.exe"]["outcome"] == "bad image" and run["truncated.exe"]["status"] == 0xC000007B
    assert any(s["path"].endswith("x64.exe") and s["note"].startswith("PE32+") for s in doc["skipped"])


def test_census_of_the_samples(sample_survey):
    _, doc, by = sample_survey
    assert by["hello.exe"]["census"]["complete"] is True
    assert by["unsupported.exe"]["census"]["unresolved"] == [{"function": "kernel32!GetNumaHighestNodeNumber", "kind": "stub"}]
    assert by["missingdll.exe"]["census"]["counts"]["DLL missing"] == 1
    assert by["missingname.exe"]["census"]["counts"]["not exported"] == 1
    top = {item["function"]: item for item in doc["ranking"]}
    assert top["kernel32!GetNumaHighestNodeNumber"]["runs_stopped"] == 1
    assert top["ghost.dll"] == {"function": "ghost.dll", "kind": "DLL missing", "programs": 1, "runs_stopped": 1,
                                "imported_by": 1}
    s = doc["summary"]
    assert s["programs"] == len(by) - 1 and s["internal_errors"] == 0


def test_text_and_markdown_output(tmp_path, capsys):
    hello = os.path.join(BIN, "hello.exe")
    assert cli_main(["survey", hello, "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[2].split()[:4] == ["hello.exe", "41/41", "exited", "3"]
    assert "1 images (1 programs): 1 import-complete (100.0%)" in text
    assert cli_main(["survey", os.path.join(BIN, "unsupported.exe"), "--markdown", "--no-progress"]) == 0
    md = capsys.readouterr().out
    assert "| unsupported.exe | 42/43, 1 stub | unsupported API | kernel32!GetNumaHighestNodeNumber from " \
           "unsupported.exe+0x26aa | - |" in md
    assert "| 1 | `kernel32!GetNumaHighestNodeNumber` | stub | 1 | 1 | 1 |" in md


def _die(job):
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_that_dies_is_an_internal_error():
    job = S.Job(S.Target(os.path.join(BIN, "hello.exe")))
    ((index, result),) = list(S.LocalPool(1).map(_die, [job]))
    assert index == 0 and result["run"]["outcome"] == "internal error"
    assert "died" in result["run"]["detail"]
    assert S.summary([result])["internal_errors"] == 1


def test_expectations():
    run = {"outcome": "exited", "exit_code": 0}
    assert S.expected({"exit_code": 0, "stdout": "a\n"}, run, "a\r\n") is True
    assert S.expected({"exit_code": 0, "stdout": "a\n"}, run, "b\r\n") is False
    assert S.expected({"exit_code": 1}, run, "") is False
    assert S.expected({"exit_code": 0xC0000135}, {"outcome": "missing DLL or export", "exit_code": 0xC0000135}, "") is True
    assert S.expected({"exit_code": 0}, {"outcome": "unsupported API", "exit_code": None}, "") is False
    assert S.expected({"exit_code": 2, "stderr_contains": ["Cannot open"]}, {"outcome": "exited", "exit_code": 2},
                      "", "Cannot open C:\\app\\x-script.py\r\n") is True
    assert S.expected(None, run, "") is None


def _table(markdown: str) -> dict:
    rows = {}
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) >= 5 and cells[0] not in ("program", "#") and not cells[0].isdigit():
            rows[cells[0]] = cells[1:5]
    return rows


def test_the_committed_corpus_survey_is_current():
    """Fetches the corpus (PyPI, npm, Debian; cached), surveys it as docs/survey.md says and compares
    each program's census, outcome, detail and expectation with the committed table."""
    from corpus import fetch as F
    listing = F.fetch()
    targets = S.read_list(listing)
    assert len(targets) >= 60 and len({t.name for t in targets}) == len(targets)
    doc = S.survey(targets, executor=S.LocalPool(2), **F.SURVEY_OPTIONS)
    fresh = _table(S.format_markdown(doc))
    with open(F.DOC, encoding="utf-8") as f:
        committed = _table(f.read())
    for name, cells in fresh.items():
        if cells[1] == "limit reached":
            cells[2] = committed.get(name, ["", "", cells[2]])[2]
    assert fresh == committed
    assert doc["summary"]["internal_errors"] == 0
