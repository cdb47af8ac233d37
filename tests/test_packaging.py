"""Packaging: the wheel's contents and metadata, and an install into a fresh virtual environment
where `ntboot --version`, `python -m ntboot run` and the pytest plugin (the `ntboot` fixture, found
through its pytest11 entry point, no -p) work outside the checkout.  Built without network access
(--no-build-isolation: setuptools and wheel come with the test extras)."""
import glob
import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile

import pytest

from conftest import ROOT, sample


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", ROOT,
                        "-w", str(out)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    (path,) = glob.glob(str(out / "ntboot-*.whl"))
    return path


def test_wheel_contents_and_metadata(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = z.read("ntboot-0.2.0.dist-info/METADATA").decode()
        entry_points = z.read("ntboot-0.2.0.dist-info/entry_points.txt").decode()
    # the top-level names a user's environment gets (README "Installing" explains the choice)
    assert sorted({n.split("/")[0] for n in names}) == ["emu", "kernel", "loader", "ntboot",
                                                        "ntboot-0.2.0.dist-info", "pytest_ntboot.py"]
    assert {"ntboot-0.2.0.dist-info/LICENSE", "ntboot-0.2.0.dist-info/licenses/LICENSE"} & set(names)
    assert "kernel/dlls/exports/win7sp1/kernel32.txt" in names and "kernel/dlls/exports/xpsp3/kernel32.txt" in names and "ntboot/report_schema.json" in names
    assert ("License: MIT\n" in meta or "License-Expression: MIT\n" in meta) and "Classifier: License :: OSI Approved :: MIT License\n" in meta
    assert "Classifier: Programming Language :: Python :: 3.13\n" in meta
    requires = [line.split(": ", 1)[1] for line in meta.splitlines() if line.startswith("Requires-Dist: ")
                and "extra ==" not in line]
    assert requires == ["unicorn==2.1.4", "capstone<6,>=5.0.2", "pefile>=2024.8.26"]
    assert "[console_scripts]\nntboot = ntboot.cli:main" in entry_points
    assert "[pytest11]\nntboot = pytest_ntboot" in entry_points


TINY_SUITE = '''
import os

def test_hello(ntboot):
    result = ntboot({hello!r}, ["x"], timeout=30)
    assert result.exit_code == 3 and result.reason == "exited"
    assert result.stdout.startswith(b"Hello, world!")

def test_emulator(ntboot):
    emu = ntboot.emulator()
    emu.create_process({hello!r})
    assert emu.run_to("entry") is None
    import ntboot as package
    assert os.path.dirname(package.__file__).startswith({venv!r}), package.__file__
'''


def test_fresh_venv_install_cli_and_pytest_plugin(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = str(venv / "bin" / "python")
    # the dependencies come from this environment's site-packages (no network; its own .pth files,
    # such as an editable ntboot, are not read from there); the wheel itself goes into the venv
    site_packages = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   capture_output=True, text=True, check=True).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    with open(os.path.join(site_packages, "outer-environment.pth"), "w") as f:
        f.write("\n".join(sorted(outer)) + "\n")
    p = subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    version = subprocess.run([str(venv / "bin" / "ntboot"), "--version"], capture_output=True, text=True,
                             cwd=work, env=env, timeout=60)
    assert version.returncode == 0 and version.stdout == "ntboot 0.2.0\n"
    run = subprocess.run([py, "-m", "ntboot", "run", sample("hello.exe")], capture_output=True, text=True,
                         cwd=work, env=env, timeout=120)
    assert run.returncode == 3 and run.stdout.startswith("Hello, world!\n"), run.stderr
    (work / "test_tiny.py").write_text(textwrap.dedent(TINY_SUITE.format(
        hello=sample("hello.exe"), venv=str(venv))))
    suite = subprocess.run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_tiny.py"],
                           capture_output=True, text=True, cwd=work, env=env, timeout=300)
    assert suite.returncode == 0, suite.stdout + suite.stderr
    assert "2 passed" in suite.stdout


def test_a_foreign_kernel_package_is_named_plainly(tmp_path):
    """Another distribution's top-level `kernel` ahead of ntboot's: a clear ImportError."""
    (tmp_path / "kernel").mkdir()
    (tmp_path / "kernel" / "__init__.py").write_text("")
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); sys.path.insert(1, {ROOT!r}); import ntboot"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert "ImportError: ntboot needs its own top-level package 'kernel'" in p.stderr
    assert "install ntboot in its own virtual environment" in p.stderr
