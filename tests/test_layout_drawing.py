"""README's drawing of kernel/ and ntboot/ ("How it is built") names every module there is, and
only modules there are: it is checked against the files, so it cannot drift."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def drawing() -> str:
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    start = text.index("<!-- layout: checked by tests/test_layout_drawing.py -->")
    block = text[start:].split("```", 2)[1]
    return block


def named_modules(block: str) -> set[str]:
    """'kernel/ke/scheduler.py' ... for every `name.py` the drawing puts under a folder line."""
    out, folder, top = set(), "", ""
    for line in block.splitlines():
        m = re.match(r"^(\s*)([\w]+/)", line)
        if m and (m.group(1) == "" or len(m.group(1)) == 2):
            if m.group(1) == "":
                top = m.group(2)
                folder = top
            else:
                folder = top + m.group(2)
        for name in re.findall(r"\b([a-z_0-9]+\.py)\b", line):
            out.add(folder + name)
    return out


def test_every_module_is_drawn_and_every_drawn_module_exists():
    block = drawing()
    drawn = named_modules(block)
    for path in drawn:
        assert os.path.exists(os.path.join(ROOT, path)), f"README's drawing names {path}, which does not exist"
    packages = ["kernel/ke", "kernel/ob", "kernel/mm", "kernel/ps", "kernel/io", "kernel/cm", "kernel/rtl",
                "kernel/hle", "kernel/structs", "kernel/profiles", "ntboot"]
    actual = {f"kernel/{f}" for f in os.listdir(os.path.join(ROOT, "kernel"))
              if f.endswith(".py") and f != "__init__.py"}
    for pkg in packages:
        actual |= {f"{pkg}/{f}" for f in os.listdir(os.path.join(ROOT, pkg))
                   if f.endswith(".py") and f not in ("__init__.py", "__main__.py")}
    missing = sorted(actual - drawn)
    assert not missing, f"README's drawing of kernel/ lacks {missing}"
    for folder in ("nt/", "dlls/", "nls/"):
        assert f"  {folder}" in block
