"""Regression cases of real binaries, declared in TOML, run by pytest or `ntboot regress`.

    # tests/regress/samples.toml
    [[case]]
    name = "hello"
    program = "../../samples/bin/hello.exe"     # relative to the TOML file
    args = ["one", "two words"]
    stdin = ""                                   # console input (optional)
    timeout = 60                                 # seconds (optional, default 60)
    options = { max_instructions = 1000000 }     # more Emulator options (optional)
    [case.files]                                 # placed in the sandbox root (C:\\) before the run
    "data\\input.txt" = "some text"
    [case.expect]
    exit_code = 3
    reason = "exited"
    stdout = "Hello, world!\\n"
    stderr = ""
    [case.expect.files]                          # files in the sandbox root after the run
    "observe.txt" = "first line\\n"
    [case.expect.report]                         # report fields, as JSON pointers into the report
    "/processes/0/modules/0/name" = "hello.exe"
    "/api_calls/by_name/msvcrt!printf" = 1

Every `expect` key is optional; what is given is compared, and a mismatch is reported with a
unified diff (text) or expected/actual (values).  `ntboot regress FILE.toml --update` runs the
cases and rewrites their expected values from this run (only the keys already there, plus exit
code, reason, stdout and stderr): golden values change on purpose, and the diff shows how.

pytest collects `tests/regress/*.toml` through `pytest_collect_file` (tests/conftest.py): one test
per case, named after it.
"""
from __future__ import annotations

import difflib
import json
import os
import sys
import tempfile
import time
import tomllib

DEFAULT_TIMEOUT = 60
RESULT_KEYS = ("exit_code", "reason", "stdout", "stderr")


class Mismatch(AssertionError):
    """A case did not do what it expected; the message is the readable difference."""


def load(path: str) -> dict:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    cases = data.get("case", [])
    names = [c.get("name") for c in cases]
    for c in cases:
        if not c.get("name") or not c.get("program"):
            raise ValueError(f"{path}: every [[case]] needs a name and a program")
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"{path}: duplicate case names: {', '.join(sorted(dupes))}")
    return data


def pointer_get(doc, pointer: str):
    """The value at a JSON pointer ("/a/0/b"; "~1" is "/", "~0" is "~")."""
    if pointer in ("", "/"):
        return doc
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, list):
            doc = doc[int(part)]
        else:
            doc = doc[part]
    return doc


def run_case(case: dict, base_dir: str) -> dict:
    """Run one case; returns what it did: the result keys, files and report values it expects."""
    from ntboot.api import Emulator
    program = os.path.normpath(os.path.join(base_dir, case["program"]))
    expect = case.get("expect", {})
    report_keys = list(expect.get("report", {}))
    with tempfile.TemporaryDirectory(prefix="ntboot-regress-") as root:
        for rel, content in case.get("files", {}).items():
            host = os.path.join(root, *rel.replace("\\", "/").split("/"))
            os.makedirs(os.path.dirname(host), exist_ok=True)
            with open(host, "wb") as f:
                f.write(content.encode("utf-8") if isinstance(content, str) else bytes(content))
        options = dict(case.get("options", {}))
        emu = Emulator(root=root, timeout=case.get("timeout", DEFAULT_TIMEOUT), report=bool(report_keys),
                       stdin=case.get("stdin", "").encode("utf-8"), **options)
        try:
            emu.create_process(program, case.get("args", []))
            result = emu.run()
            report = emu.report() if report_keys else None
        finally:
            emu.close()
        actual = {"exit_code": result.exit_code, "reason": result.reason,
                  "stdout": result.stdout.decode("utf-8", "replace"),
                  "stderr": result.stderr.decode("utf-8", "replace")}
        files = {}
        for rel in expect.get("files", {}):
            host = os.path.join(root, *rel.replace("\\", "/").split("/"))
            try:
                with open(host, "rb") as f:
                    files[rel] = f.read().decode("utf-8", "replace")
            except OSError:
                files[rel] = None
        actual["files"] = files
    values = {}
    for key in report_keys:
        try:
            values[key] = pointer_get(report, key)
        except (KeyError, IndexError, ValueError, TypeError):
            values[key] = "<missing>"
    actual["report"] = values
    return actual


def compare(case: dict, actual: dict) -> list[str]:
    """Readable differences between a case's expectations and what it did."""
    expect = case.get("expect", {})
    problems = []
    for key in RESULT_KEYS:
        if key in expect and expect[key] != actual[key]:
            problems.append(_difference(key, expect[key], actual[key]))
    for rel, want in expect.get("files", {}).items():
        got = actual["files"].get(rel)
        if got != want:
            problems.append(_difference(f"file {rel}", want, got))
    for key, want in expect.get("report", {}).items():
        got = actual["report"].get(key)
        if got != want:
            problems.append(_difference(f"report {key}", want, got))
    return problems


def _difference(what: str, want, got) -> str:
    if isinstance(want, str) and isinstance(got, str) and ("\n" in want or "\n" in got):
        diff = difflib.unified_diff(want.splitlines(keepends=True), got.splitlines(keepends=True),
                                    "expected", "actual")
        return f"{what} differs:\n" + "".join(line if line.endswith("\n") else line + "\n\\ no newline\n"
                                              for line in diff)
    return f"{what}: expected {json.dumps(want)}, got {json.dumps(got)}"


def check(case: dict, base_dir: str) -> None:
    problems = compare(case, run_case(case, base_dir))
    if problems:
        raise Mismatch(f"case {case['name']} ({case['program']}):\n" + "\n".join(problems))


# -- rewriting golden values --------------------------------------------------------------------------
def update(path: str, select: str | None = None) -> list[str]:
    """Run the cases and rewrite their expected values; returns the names of cases that changed."""
    data = load(path)
    base = os.path.dirname(os.path.abspath(path))
    changed = []
    for case in data.get("case", []):
        if select and select not in case["name"]:
            continue
        actual = run_case(case, base)
        expect = case.setdefault("expect", {})
        before = json.dumps(expect, sort_keys=True)
        for key in RESULT_KEYS:
            expect[key] = actual[key] if actual[key] is not None else expect.get(key, "")
            if actual[key] is None:
                expect.pop(key, None)
        for rel in expect.get("files", {}):
            if actual["files"].get(rel) is not None:
                expect["files"][rel] = actual["files"][rel]
        for key in expect.get("report", {}):
            value = actual["report"][key]
            if value is not None and not isinstance(value, (dict, list)):
                expect["report"][key] = value
        if json.dumps(expect, sort_keys=True) != before:
            changed.append(case["name"])
    with open(path, encoding="utf-8") as f:
        header = []
        for line in f:
            if not line.startswith("#"):
                break
            header.append(line)
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(header) + ("\n" if header else "") + dumps(data))
    return changed


def _toml_key(key: str) -> str:
    if key and all(c.isalnum() or c in "_-" for c in key):
        return key
    return _toml_value(key)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        if "\n" in value and "'''" not in value and all(c == "\n" or c == "\t" or c >= " " for c in value) \
                and not value.endswith("'"):
            return "'''\n" + value + "'''"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def dumps(data: dict) -> str:
    """The case file in canonical form: top-level keys, then each [[case]] with its tables."""
    out = []
    for key, value in data.items():
        if key != "case":
            out.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for case in data.get("case", []):
        out.append("\n[[case]]")
        tables = []
        for key, value in case.items():
            if isinstance(value, dict) and key in ("files", "expect"):
                tables.append((key, value))
            else:
                out.append(f"{_toml_key(key)} = {_toml_value(value)}")
        for key, value in tables:
            sub = [(k, v) for k, v in value.items() if isinstance(v, dict) and key == "expect"]
            out.append(f"[case.{key}]")
            for k, v in value.items():
                if not (isinstance(v, dict) and key == "expect"):
                    out.append(f"{_toml_key(k)} = {_toml_value(v)}")
            for k, v in sub:
                out.append(f"[case.{key}.{_toml_key(k)}]")
                for kk, vv in v.items():
                    out.append(f"{_toml_key(kk)} = {_toml_value(vv)}")
    return "\n".join(out).lstrip("\n") + "\n"


# -- the command line -----------------------------------------------------------------------------
def main(path: str, update: bool = False, select: str | None = None, junit_xml: str | None = None) -> int:
    """`ntboot regress`: 0 when every selected case passed; 1 when one failed or none was selected
    (`-k` matching nothing is an error, not a success).  `junit_xml`: also write JUnit XML there."""
    if update:
        changed = globals()["update"](path, select)
        print(f"ntboot regress: rewrote {path}; "
              + (f"changed: {', '.join(changed)}" if changed else "no expected value changed"))
        return 0
    data = load(path)
    base = os.path.dirname(os.path.abspath(path))
    results = []                            # (name, seconds, failure message or None)
    for case in data.get("case", []):
        if select and select not in case["name"]:
            continue
        started = time.perf_counter()
        try:
            check(case, base)
        except Mismatch as e:
            results.append((case["name"], time.perf_counter() - started, str(e)))
            print(f"FAIL {case['name']}\n{e}\n", file=sys.stderr)
        else:
            results.append((case["name"], time.perf_counter() - started, None))
            print(f"ok   {case['name']}")
    failed = sum(1 for _, _, failure in results if failure is not None)
    passed = len(results) - failed
    if junit_xml:
        write_junit_xml(junit_xml, path, results)
    if not results:
        print(f"ntboot regress: no case matched -k {select!r} in {path}" if select
              else f"ntboot regress: {path} has no [[case]]", file=sys.stderr)
        return 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def write_junit_xml(out: str, path: str, results: list) -> None:
    """JUnit XML (the format CI servers read): one <testsuite> named after the case file, one
    <testcase> per case with its time, a <failure> holding the difference when it failed."""
    from xml.etree import ElementTree as ET
    suite_name = os.path.splitext(os.path.basename(path))[0]
    failed = sum(1 for _, _, failure in results if failure is not None)
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name=suite_name, tests=str(len(results)), failures=str(failed),
                          errors="0", skipped="0", time=f"{sum(t for _, t, _ in results):.3f}")
    for name, seconds, failure in results:
        case = ET.SubElement(suite, "testcase", classname=f"regress.{suite_name}", name=name, time=f"{seconds:.3f}")
        if failure is not None:
            element = ET.SubElement(case, "failure", message=failure.splitlines()[0] if failure else "mismatch")
            element.text = failure
    ET.indent(suites)
    ET.ElementTree(suites).write(out, encoding="utf-8", xml_declaration=True)


# -- pytest ---------------------------------------------------------------------------------------
def pytest_collect_file(parent, file_path):
    """For conftest.py: collect `regress/*.toml` case files as tests (one per case)."""
    if file_path.suffix != ".toml" or file_path.parent.name != "regress":
        return None
    return _pytest_classes()[0].from_parent(parent, path=file_path)


_classes = None


def _pytest_classes():
    global _classes
    if _classes is None:
        import pytest

        class CaseFile(pytest.File):
            def collect(self):
                data = load(str(self.path))
                for case in data.get("case", []):
                    yield CaseItem.from_parent(self, name=case["name"], case=case)

        class CaseItem(pytest.Item):
            def __init__(self, *, case, **kw):
                super().__init__(**kw)
                self.case = case

            def runtest(self):
                check(self.case, str(self.path.parent))

            def repr_failure(self, excinfo, style=None):
                if isinstance(excinfo.value, Mismatch):
                    return str(excinfo.value)
                return super().repr_failure(excinfo)

            def reportinfo(self):
                return self.path, 0, f"regress case {self.name}"
        _classes = (CaseFile, CaseItem)
    return _classes
