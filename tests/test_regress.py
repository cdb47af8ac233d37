"""The regression helpers: TOML case files, readable mismatches, `ntboot regress [--update]`."""

import pytest

from conftest import sample
from ntboot import regress

CASES = f'''# a header comment that --update keeps

[[case]]
name = "hello"
program = {sample("hello.exe")!r}
[case.expect]
exit_code = 3
stdout = """
Hello, world!
The answer is 41 and the word is ntboot.
"""
[case.expect.report]
"/processes/0/modules/0/name" = "hello.exe"
"/api_calls/by_name/msvcrt!puts" = 7
'''.replace("'", '"')


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "cases.toml"
    path.write_text(CASES.replace("\\", "\\\\"))
    return path


def test_mismatch_is_a_readable_diff(case_file):
    (case,) = regress.load(str(case_file))["case"]
    with pytest.raises(regress.Mismatch) as e:
        regress.check(case, str(case_file.parent))
    text = str(e.value)
    assert "stdout differs:" in text
    assert "-The answer is 41 and the word is ntboot.\n" in text
    assert "+The answer is 42 and the word is ntboot.\n" in text
    assert "report /api_calls/by_name/msvcrt!puts: expected 7, got 1" in text
    assert "exit_code" not in text and "modules/0/name" not in text


def test_update_rewrites_the_golden_values(case_file):
    assert regress.update(str(case_file)) == ["hello"]
    text = case_file.read_text()
    assert text.startswith("# a header comment that --update keeps\n")
    (case,) = regress.load(str(case_file))["case"]
    assert case["expect"]["report"]["/api_calls/by_name/msvcrt!puts"] == 1
    assert case["expect"]["reason"] == "exited"
    regress.check(case, str(case_file.parent))           # passes now
    assert regress.update(str(case_file)) == []          # and a second update changes nothing


def test_cli_regress_and_update(case_file, capsys):
    from ntboot.cli import main
    assert main(["regress", str(case_file)]) == 1
    out = capsys.readouterr()
    assert "FAIL hello" in out.err and "0 passed, 1 failed" in out.out
    assert main(["regress", str(case_file), "--update"]) == 0
    assert "changed: hello" in capsys.readouterr().out
    assert main(["regress", str(case_file)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out


def test_toml_writer_round_trips():
    data = {"case": [{"name": "x", "program": "a\\b.exe", "args": ["q\"uote", ""],
                      "options": {"environment": {"A": "1"}},
                      "files": {"in\\put.txt": "one\ntwo\n"},
                      "expect": {"exit_code": 0, "stdout": "line\n\tand 'quotes'\n", "stderr": "no newline",
                                 "report": {"/a/b": True, "/c": "s"}}}]}
    import tomllib
    assert tomllib.loads(regress.dumps(data)) == data


def test_json_pointer():
    doc = {"a": [{"b/c": 1}], "k!x": 2}
    assert regress.pointer_get(doc, "/a/0/b~1c") == 1 and regress.pointer_get(doc, "/k!x") == 2
