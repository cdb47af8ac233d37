"""The layers keep to their places: emu/ hides the CPU engine (kernel/ and ntboot/ never import
unicorn), and every layer fails with the one exception that carries an NTSTATUS."""
import ast
import os

import pytest

from conftest import ROOT
from emu import MemoryFault, NtError
from emu.cpu import Machine
from emu.memory import PAGE_READONLY, PAGE_READWRITE
from loader.image import PeImage
from kernel.rtl import status as kernel_status
from kernel.rtl.status import STATUS, dos_error


def _imported_modules(path):
    """Every module an import statement or import call of the file names."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                yield node.lineno, node.args[0].value


def _python_files(package):
    for folder, _, files in os.walk(os.path.join(ROOT, package)):
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(folder, name)


@pytest.mark.parametrize("package", ["kernel", "ntboot"])
def test_no_unicorn_above_emu(package):
    files = list(_python_files(package))
    assert len(files) > 5
    offenders = [f"{os.path.relpath(path, ROOT)}:{line}: {module}" for path in files
                 for line, module in _imported_modules(path)
                 if module == "unicorn" or module.startswith("unicorn.")]
    assert offenders == []


def test_the_import_check_sees_every_form(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import unicorn\nfrom unicorn.x86_const import UC_X86_REG_EAX\n"
                     "def f():\n    import importlib\n    return importlib.import_module('unicorn')\n")
    assert [m for _, m in _imported_modules(str(probe)) if m.startswith("unicorn")] == \
        ["unicorn", "unicorn.x86_const", "unicorn"]


def test_the_kernel_error_is_the_emu_error():
    assert kernel_status.NtError is NtError
    assert kernel_status.MemoryFault is MemoryFault
    assert issubclass(MemoryFault, NtError)


def test_machine_accessors_raise_memory_fault():
    m = Machine()
    m.memory.reserve(0x10000, 0x2000)
    m.memory.commit(0x10000, 0x1000, PAGE_READWRITE)
    m.write_u32(0x10000, 0x12345678)
    assert m.read_u32(0x10000) == 0x12345678
    with pytest.raises(MemoryFault) as info:
        m.read(0x10FFE, 4)                                   # runs into the reserved page
    assert info.value.status == STATUS["STATUS_ACCESS_VIOLATION"]
    assert info.value.address == 0x10FFE and not info.value.write
    assert dos_error(info.value.status) == 998               # ERROR_NOACCESS
    with pytest.raises(MemoryFault) as info:
        m.write_u32(0x11000, 1)
    assert info.value.write and info.value.address == 0x11000
    with pytest.raises(MemoryFault):
        m.read_u16(0x7FFF0000)
    with pytest.raises(MemoryFault):
        m.memory.read(0x11000, 1)
    # the accessors are the host's: a read-only page reads, and the host may write it
    m.memory.protect(0x10000, 0x1000, PAGE_READONLY)
    m.write_u16(0x10000, 0xBEEF)
    assert m.read_u16(0x10000) == 0xBEEF


def test_memory_manager_fails_with_the_status():
    m = Machine()
    m.memory.reserve(0x20000, 0x10000)
    with pytest.raises(NtError) as info:
        m.memory.reserve(0x20000, 0x1000)
    assert info.value.status == STATUS["STATUS_CONFLICTING_ADDRESSES"]
    assert info.value.status_name == "STATUS_CONFLICTING_ADDRESSES"
    with pytest.raises(NtError) as info:
        m.memory.release(0x30000)
    assert info.value.status == STATUS["STATUS_MEMORY_NOT_ALLOCATED"]


@pytest.mark.parametrize("data,status", [
    (b"ZM" + bytes(0x100), "STATUS_INVALID_IMAGE_NOT_MZ"),
    (b"MZ" + bytes(0x3A) + (0x40).to_bytes(4, "little") + b"NE" + bytes(0x40), "STATUS_INVALID_IMAGE_NE_FORMAT"),
    (b"MZ" + bytes(0x3A) + (0x40).to_bytes(4, "little") + b"PE\0\0" + bytes(8), "STATUS_INVALID_IMAGE_FORMAT"),
])
def test_image_errors_carry_the_status_value(data, status):
    with pytest.raises(NtError) as info:
        PeImage.from_bytes(data, "x.exe")
    assert type(info.value) is NtError
    assert info.value.status == STATUS[status]
    assert "x.exe" in str(info.value)


_STATE_OWNERS = r"(process|thread|kernel|ctx\.process|ctx\.thread|ctx\.kernel|self\.kernel|self\.process|emu\.kernel)"


@pytest.mark.parametrize("package", ["kernel", "ntboot"])
def test_no_state_hung_on_processes_threads_or_the_kernel_on_the_fly(package):
    """Per-process and per-DLL state is declared (EProcess/EThread/Kernel attributes, DllSpec.state
    classes): nothing reads it with a default or stores it through __dict__."""
    import re
    pattern = re.compile(r"getattr\(" + _STATE_OWNERS + r",\s*\"\w+\",|"
                         + r"\b" + _STATE_OWNERS + r"\.__dict__\b|hasattr\(" + _STATE_OWNERS + r",")
    offenders = []
    for path in _python_files(package):
        for number, line in enumerate(open(path, encoding="utf-8"), 1):
            if pattern.search(line):
                offenders.append(f"{os.path.relpath(path, ROOT)}:{number}: {line.strip()}")
    assert offenders == []
