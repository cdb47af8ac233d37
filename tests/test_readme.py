"""The README's examples cannot drift: every block in README.md that shows a command's output (a
line `$ ntboot ...` followed by what it prints) is run here and its lines must appear in the real
output, in order (stdout, then stderr).  A line `...` stands for lines left out; a line ending in
` ...` must begin the real line; `(exit status N)` at the end of a line is checked against the
exit status.  The generated tables (DLL counts: tests/test_system_dlls.py; docs/api.md:
tests/test_api_reference.py) are checked where they are generated; benchmark figures are
measurements of one machine, written by hand from `benchmarks/*.py`, and not checked."""
import os
import re
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT

STATUS_NOTE = re.compile(r"\s{2,}\(exit status (\d+)\)$")


def readme_examples():
    """[(first line number, [(command, [expected lines])])] for every block with `$ ntboot` lines."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    blocks, current, fenced = [], None, False
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            fenced = not fenced
            if current:
                blocks.append(current)
            current = None
            continue
        text = line if fenced else (line[4:] if line.startswith("    ") else None)
        if text is None:
            if current:
                blocks.append(current)
            current = None
            continue
        if text.startswith("$ ntboot "):
            if current is None:
                current = (number, [])
            current[1].append((text[2:], []))
        elif current is not None:
            current[1][-1][1].append(text)
    if current:
        blocks.append(current)
    return blocks


def _substitute(command: str) -> list[str]:
    words = shlex.split(command.replace("\\", "\\\\"))
    out = []
    for w in words:
        if w.startswith(".../pip/_vendor/distlib/t32.exe"):
            from real_launchers import t32_path
            w = t32_path()
        elif w.startswith(".../setuptools/cli-32.exe"):
            from real_launchers import cli32_path
            w = cli32_path()
        out.append(w)
    return out


def check(command: str, expected: list[str]) -> None:
    words = _substitute(command)
    assert words[0] == "ntboot"
    p = subprocess.run([sys.executable, "-m", "ntboot", *words[1:]], capture_output=True, text=True, cwd=ROOT,
                       timeout=300, env=dict(os.environ, PYTHONPATH=ROOT))
    actual = p.stdout.splitlines() + p.stderr.splitlines()
    position = 0
    for line in expected:
        if line.strip() == "...":
            continue
        note = STATUS_NOTE.search(line)
        if note:
            assert p.returncode == int(note.group(1)), f"$ {command}: exit status {p.returncode}"
            line = line[:note.start()]
        prefix = line.endswith(" ...")
        want = line[:-4] if prefix else line
        for i in range(position, len(actual)):
            if (actual[i].startswith(want) if prefix else actual[i] == want):
                position = i + 1
                break
        else:
            pytest.fail(f"README: `$ {command}` does not print (after the lines matched so far)\n  {line}\n"
                        f"real output:\n" + "\n".join(actual))


EXAMPLES = [(f"README.md:{number}:{i}", command, expected)
            for number, commands in readme_examples() for i, (command, expected) in enumerate(commands)]


def test_the_readme_has_output_examples():
    commands = [command for _, command, _ in EXAMPLES]
    assert "ntboot run samples/bin/fault.exe" in commands
    assert "ntboot run --trace boot samples/bin/hello.exe" in commands


@pytest.mark.parametrize("where,command,expected", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_readme_example(where, command, expected):
    if "cli-32.exe" in command or "t32.exe" in command:
        pytest.importorskip("pip")
    check(command, expected)
