import os

import pytest

from ntboot.api import Emulator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "samples", "bin")


def sample(name: str) -> str:
    path = os.path.join(BIN, name)
    assert os.path.exists(path), f"sample {name} is missing: run samples/build.sh"
    return path


@pytest.fixture
def emulator():
    made = []

    def make(**kw):
        kw.setdefault("timeout", 60)
        emu = Emulator(**kw)
        made.append(emu)
        return emu
    yield make
    for emu in made:
        emu.close()


def run_sample(name: str, args=(), **kw):
    kw.setdefault("timeout", 60)
    emu = Emulator(**kw)
    try:
        emu.create_process(sample(name), args)
        return emu.run()
    finally:
        emu.close()


def pytest_collect_file(parent, file_path):
    """tests/regress/*.toml: regression cases of real binaries (ntboot/regress.py)."""
    from ntboot.regress import pytest_collect_file as collect
    return collect(parent, file_path)
