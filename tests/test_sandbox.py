"""The sandboxed drive C: (kernel/io/manager.py IoManager, reached through kernel/nt/file.py open_file).

Layout of every test (pytest's tmp_path):

    tmp_path/root/        the sandbox root, guest C:\\ (writable)
    tmp_path/outside/     a host folder the guest must never reach; holds secret.txt
    tmp_path/secret.txt   another secret, right next to the root
    tmp_path/app/         mounted read-only at C:\\app

Every failure is checked by its exact NTSTATUS, and every successful read is checked never to
return a secret's bytes.
"""
from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from kernel.io.manager import IoManager
from kernel.ke.clock import Clock
from kernel.nt.file import (DELETE, FILE_CREATE, FILE_DIRECTORY_FILE, FILE_NON_DIRECTORY_FILE, FILE_OPEN,
                            FILE_OPEN_IF, FILE_OVERWRITE_IF, FILE_WRITE_DATA, GENERIC_WRITE, HostFile,
                            open_file, read_file, write_file)
from kernel.ob.object import HandleTable
from kernel.rtl.status import STATUS, NtError

GENERIC_READ = 0x80000000
FILE_READ_DATA = 0x1

SECRET = b"TOP-SECRET host bytes that must never reach the guest"
DECOY = b"decoy inside the sandbox"
KERNEL32 = b"MZ fake kernel32 image"
NTDLL = b"MZ fake ntdll image"



class KernelStub:
    clock = Clock()
    processes = ()
    default_current_directory = "C:\\"
    system_directory = "C:\\Windows\\System32"
    windows_directory = "C:\\Windows"


@pytest.fixture
def box(tmp_path):
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    app = tmp_path / "app"
    for d in (root, outside, app):
        d.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (app / "prog.exe").write_bytes(b"MZ app program")
    (app / "data.txt").write_bytes(b"app data")
    system_files = {"kernel32.dll": ("kernel32.dll", lambda: KERNEL32),
                    "ntdll.dll": ("ntdll.dll", lambda: NTDLL)}
    io = IoManager(KernelStub(), str(root), system_files)
    io.mount("C:\\app", str(app), writable=False)
    process = SimpleNamespace(current_directory="C:\\", handles=HandleTable(), console_handles={})
    ctx = SimpleNamespace(kernel=SimpleNamespace(io=io, file_write_capture=None), process=process)
    yield SimpleNamespace(tmp=tmp_path, root=root, outside=outside, app=app, io=io, ctx=ctx)
    process.handles.close_all()


def fails(status: str, fn, *args, **kw) -> NtError:
    """fn(*args) must raise NtError with exactly `status`."""
    with pytest.raises(NtError) as info:
        fn(*args, **kw)
    assert info.value.status_name == status, str(info.value)
    assert info.value.status == STATUS[status]
    return info.value


def open_in(box, path, access=GENERIC_READ, disposition=FILE_OPEN, options=0, cwd="C:\\"):
    box.ctx.process.current_directory = cwd
    file, info = open_file(box.ctx, path, access, disposition, options)
    return box.ctx.process.handles.insert(file, access), file, info


def read_path(box, path, cwd="C:\\") -> bytes:
    """Open `path` for reading the way NtCreateFile does and read it all through NtReadFile's helper."""
    handle, _, _ = open_in(box, path, cwd=cwd)
    try:
        data = read_file(box.ctx, handle, 1 << 16, 0)
    finally:
        box.ctx.process.handles.close(handle)
    assert SECRET not in data
    return data


def inside(box, host_path) -> bool:
    real = os.path.realpath(host_path)
    return real.startswith(os.path.realpath(box.root) + os.sep)


def tree(folder) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder) for f in fs}


# -- `..` above the root ---------------------------------------------------------------------------

ESCAPES = [  # (path, current directory, the guest path it must mean)
    ("C:\\..\\outside\\secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("C:\\..\\..\\outside\\secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("C:\\a\\..\\..\\..\\outside\\secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("..\\outside\\secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("..\\..\\..\\outside\\secret.txt", "C:\\sub\\deeper", "C:\\outside\\secret.txt"),
    ("C:..\\..\\outside\\secret.txt", "C:\\sub", "C:\\outside\\secret.txt"),
    ("\\..\\outside\\secret.txt", "C:\\sub", "C:\\outside\\secret.txt"),
    ("../../outside/secret.txt", "C:\\sub", "C:\\outside\\secret.txt"),
    ("C:/../../outside/secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("\\??\\C:\\..\\..\\outside\\secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("\\\\?\\C:\\..\\outside\\secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("\\Device\\HarddiskVolume1\\..\\..\\outside\\secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("C:\\app\\..\\..\\outside\\secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("C:\\Windows\\System32\\..\\..\\outside\\secret.txt", "C:\\", "C:\\outside\\secret.txt"),
    ("..\\..\\..\\outside\\secret.txt", "C:\\Windows\\System32", "C:\\outside\\secret.txt"),
]


@pytest.mark.parametrize("path, cwd, guest", ESCAPES)
def test_dot_dot_cannot_leave_the_root(box, path, cwd, guest):
    # C:\outside does not exist inside the root: the folder is missing
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, path, cwd=cwd)
    fails("STATUS_OBJECT_PATH_NOT_FOUND", box.io.resolve, path, cwd)
    # with a file of that name inside the root, that file is what is found
    (box.root / "outside").mkdir()
    (box.root / "outside" / "secret.txt").write_bytes(DECOY)
    node = box.io.resolve(path, cwd)
    assert node.guest_path == guest and inside(box, node.host_path)
    assert read_path(box, path, cwd) == DECOY


@pytest.mark.parametrize("path", ["C:\\..\\secret.txt", "..\\..\\secret.txt", "\\??\\C:\\..\\secret.txt",
                                  "C:\\app\\..\\..\\secret.txt"])
def test_dot_dot_to_a_file_next_to_the_root(box, path):
    fails("STATUS_OBJECT_NAME_NOT_FOUND", open_in, box, path)
    node = box.io.resolve(path)
    assert not node.exists and node.guest_path == "C:\\secret.txt" and inside(box, node.host_path)
    assert box.io.existing_file(path) is None


def test_dot_dot_create_lands_inside_the_root(box):
    handle, file, info = open_in(box, "C:\\a\\..\\..\\..\\..\\created.txt", GENERIC_WRITE, FILE_CREATE)
    assert write_file(box.ctx, handle, b"hello") == 5
    box.ctx.process.handles.close(handle)
    assert (box.root / "created.txt").read_bytes() == b"hello"
    assert not (box.tmp / "created.txt").exists()


# -- host paths given as guest paths ---------------------------------------------------------------

@pytest.mark.parametrize("path", ["/etc/passwd", "C:/etc/passwd", "C:\\etc\\passwd", "\\etc\\passwd",
                                  "\\??\\C:\\etc\\passwd"])
def test_absolute_host_path_is_a_sandbox_path(box, path):
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, path)
    assert box.io.existing_file(path) is None
    (box.root / "etc").mkdir()
    fails("STATUS_OBJECT_NAME_NOT_FOUND", open_in, box, path)
    (box.root / "etc" / "passwd").write_bytes(DECOY)
    assert read_path(box, path) == DECOY
    assert box.io.existing_file(path) == "C:\\etc\\passwd"


def test_host_path_of_the_secret_is_not_reachable(box):
    host = str(box.outside / "secret.txt")
    for path in (host, "C:" + host, host.replace("/", "\\")):
        fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, path)
        assert box.io.existing_file(path) is None


@pytest.mark.parametrize("path", ["D:\\x", "d:/x", "D:x", "\\??\\D:\\x", "\\\\?\\Z:\\secret.txt",
                                  "\\\\server\\share\\x", "\\\\localhost\\C$\\secret.txt",
                                  "\\\\.\\C:\\outside\\secret.txt"])
def test_other_drives_and_shares_do_not_exist(box, path):
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, path)
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, path, GENERIC_WRITE, FILE_OPEN_IF)
    assert box.io.existing_file(path) is None


def test_current_directory_on_another_drive(box):
    # a relative name against a current directory that is not on C: (CreateProcess's
    # lpCurrentDirectory is the guest's to choose) is a missing path, not a crash
    fails("STATUS_OBJECT_PATH_NOT_FOUND", box.io.resolve, "x.txt", "D:\\")
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, "x.txt", cwd="D:\\dir")
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, "\\x.txt", cwd="\\\\server\\share")


# -- symbolic links --------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["absolute", "relative"])
def test_link_to_outside_folder(box, target):
    dest = str(box.outside) if target == "absolute" else os.path.join("..", "outside")
    os.symlink(dest, box.root / "linkdir")
    for path in ("C:\\linkdir\\secret.txt", "C:\\LINKDIR\\Secret.TXT", "linkdir\\secret.txt"):
        fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, path)
        assert box.io.existing_file(path) is None
    fails("STATUS_OBJECT_NAME_NOT_FOUND", open_in, box, "C:\\linkdir")
    fails("STATUS_OBJECT_NAME_NOT_FOUND", box.io.resolve, "C:\\linkdir")
    # nor can anything be created through it
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, "C:\\linkdir\\new.txt", GENERIC_WRITE, FILE_CREATE)
    assert tree(box.outside) == {"secret.txt"}


def test_link_to_outside_file(box):
    os.symlink(box.outside / "secret.txt", box.root / "linkfile.txt")
    os.symlink(box.tmp / "secret.txt", box.root / "linkfile2.txt")
    for path in ("C:\\linkfile.txt", "C:\\LinkFile.TXT", "linkfile2.txt"):
        fails("STATUS_OBJECT_NAME_NOT_FOUND", open_in, box, path)
        fails("STATUS_OBJECT_NAME_NOT_FOUND", open_in, box, path, GENERIC_WRITE, FILE_OPEN_IF)
        assert box.io.existing_file(path) is None
    assert (box.outside / "secret.txt").read_bytes() == SECRET


def test_dangling_link_to_outside_cannot_create_there(box):
    os.symlink(box.outside / "planted.txt", box.root / "dangling.txt")
    for disposition in (FILE_CREATE, FILE_OPEN_IF, FILE_OVERWRITE_IF):
        fails("STATUS_OBJECT_NAME_NOT_FOUND", open_in, box, "C:\\dangling.txt", GENERIC_WRITE, disposition)
    assert not (box.outside / "planted.txt").exists()


def test_link_chain_leading_out(box):
    os.symlink(box.outside, box.root / "hop2")
    os.symlink(box.root / "hop2", box.root / "hop1")       # hop1 -> hop2 (inside) -> outside
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, "C:\\hop1\\secret.txt")


def test_link_inside_the_root_works(box):
    (box.root / "real").mkdir()
    (box.root / "real" / "data.txt").write_bytes(DECOY)
    os.symlink(box.root / "real", box.root / "alias")
    os.symlink(os.path.join("real", "data.txt"), box.root / "alias.txt")
    assert read_path(box, "C:\\alias\\data.txt") == DECOY          # a link as a folder
    assert read_path(box, "C:\\ALIAS\\Data.TXT") == DECOY
    assert read_path(box, "C:\\alias.txt") == DECOY                # a link as the file itself
    assert box.io.existing_file("C:\\Alias.txt") == "C:\\alias.txt"
    handle, _, _ = open_in(box, "C:\\alias\\new.txt", GENERIC_WRITE, FILE_CREATE)
    box.ctx.process.handles.close(handle)
    assert (box.root / "real" / "new.txt").exists()


# -- device names, streams, invalid characters ------------------------------------------------------

@pytest.mark.parametrize("path", ["CON", "con", "nul.txt", "C:\\dir\\COM1", "C:\\LPT1.log", "conin$",
                                  "CONOUT$", "C:\\aux.c", "prn", "C:\\NUL .txt", "\\??\\C:\\nul",
                                  "C:\\app\\con"])
def test_device_names_are_invalid(box, path):
    (box.root / "dir").mkdir()
    fails("STATUS_OBJECT_NAME_INVALID", open_in, box, path)
    fails("STATUS_OBJECT_NAME_INVALID", open_in, box, path, GENERIC_WRITE, FILE_OPEN_IF)
    fails("STATUS_OBJECT_NAME_INVALID", box.io.resolve, path)
    assert box.io.existing_file(path) is None
    assert tree(box.root) == set()


def test_device_name_as_a_folder(box):
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, "C:\\COM1\\x.txt")
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, "C:\\nul.d\\x.txt", GENERIC_WRITE, FILE_CREATE)


@pytest.mark.parametrize("path", ["file.txt:stream", "C:\\file.txt::$DATA", "C:\\file.txt:s:$DATA",
                                  "C:\\File.TXT:Zone.Identifier", "file.txt:"])
def test_alternate_data_streams_are_invalid(box, path):
    (box.root / "file.txt").write_bytes(DECOY)
    fails("STATUS_OBJECT_NAME_INVALID", open_in, box, path)
    fails("STATUS_OBJECT_NAME_INVALID", open_in, box, path, GENERIC_WRITE, FILE_OPEN_IF)
    assert box.io.existing_file(path) is None
    assert tree(box.root) == {"file.txt"}


@pytest.mark.parametrize("path", ["C:\\a*.txt", "C:\\a?.txt", "C:\\a<b", "C:\\a>b", "C:\\a|b", 'C:\\a"b',
                                  "C:\\a\x01b"])
def test_invalid_characters(box, path):
    fails("STATUS_OBJECT_NAME_INVALID", open_in, box, path, GENERIC_WRITE, FILE_CREATE)
    assert tree(box.root) == set()


# -- case-insensitive names --------------------------------------------------------------------------

def test_case_insensitive_resolution(box):
    (box.root / "dir").mkdir()
    (box.root / "dir" / "file.txt").write_bytes(DECOY)
    for path in ("C:\\DIR\\File.TXT", "c:\\dir\\FILE.txt", "DiR\\fIlE.tXt", "\\??\\C:\\DIR\\FILE.TXT"):
        assert read_path(box, path) == DECOY
        assert box.io.existing_file(path) == "C:\\dir\\file.txt"
    assert box.io.resolve("C:\\DIR\\File.TXT").guest_path == "C:\\dir\\file.txt"
    assert box.io.existing_file("C:\\app\\PROG.EXE") == "C:\\app\\prog.exe"
    assert box.io.existing_file("C:\\DIR") is None                  # a folder is not a file


def test_case_variant_create_opens_the_existing_file(box):
    (box.root / "Log.TXT").write_bytes(b"old")
    fails("STATUS_OBJECT_NAME_COLLISION", open_in, box, "C:\\log.txt", GENERIC_WRITE, FILE_CREATE)
    assert tree(box.root) == {"Log.TXT"}


# -- read-only mounts --------------------------------------------------------------------------------

def test_read_only_mount_reads(box):
    assert read_path(box, "C:\\app\\data.txt") == b"app data"
    assert read_path(box, "data.txt", cwd="C:\\app") == b"app data"
    assert box.io.open_image_file("\\??\\C:\\APP\\prog.exe").read_all() == b"MZ app program"


@pytest.mark.parametrize("access, disposition", [
    (GENERIC_WRITE, FILE_OPEN), (FILE_WRITE_DATA, FILE_OPEN_IF), (DELETE, FILE_OPEN),
    (GENERIC_READ, FILE_OVERWRITE_IF), (GENERIC_READ, FILE_CREATE),
])
def test_read_only_mount_refuses_changing_a_file(box, access, disposition):
    fails("STATUS_ACCESS_DENIED", open_in, box, "C:\\app\\data.txt", access, disposition)
    assert (box.app / "data.txt").read_bytes() == b"app data"


@pytest.mark.parametrize("access, disposition", [
    (GENERIC_WRITE, FILE_CREATE), (GENERIC_READ, FILE_CREATE), (GENERIC_WRITE, FILE_OPEN_IF),
])
def test_read_only_mount_refuses_creating_a_file(box, access, disposition):
    fails("STATUS_MEDIA_WRITE_PROTECTED", open_in, box, "C:\\app\\new.txt", access, disposition)
    assert tree(box.app) == {"prog.exe", "data.txt"}


def test_writable_root_creates_and_writes_inside_the_root_only(box):
    before = tree(box.tmp)
    handle, file, info = open_in(box, "C:\\new.txt", GENERIC_WRITE | GENERIC_READ, FILE_CREATE)
    assert info == 2                                                   # FILE_CREATED
    assert isinstance(file, HostFile) and inside(box, file.node.host_path)
    assert write_file(box.ctx, handle, b"written") == 7
    box.ctx.process.handles.close(handle)
    assert (box.root / "new.txt").read_bytes() == b"written"
    assert tree(box.tmp) - before == {os.path.join("root", "new.txt")}
    assert read_path(box, "C:\\NEW.TXT") == b"written"
    fails("STATUS_OBJECT_NAME_COLLISION", open_in, box, "C:\\new.txt", GENERIC_WRITE, FILE_CREATE)
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, "C:\\nodir\\new.txt", GENERIC_WRITE, FILE_CREATE)


def test_write_to_a_handle_opened_for_reading(box):
    (box.root / "r.txt").write_bytes(b"abc")
    handle, _, _ = open_in(box, "C:\\r.txt", GENERIC_READ)
    fails("STATUS_ACCESS_DENIED", write_file, box.ctx, handle, b"x")


def test_folders(box):
    (box.root / "dir").mkdir()
    _, file, _ = open_in(box, "C:\\Dir", options=FILE_DIRECTORY_FILE)
    assert file.node.is_dir and file.node.guest_path == "C:\\dir"
    fails("STATUS_FILE_IS_A_DIRECTORY", open_in, box, "C:\\dir", options=FILE_NON_DIRECTORY_FILE)
    fails("STATUS_FILE_IS_A_DIRECTORY", box.io.open_image_file, "\\??\\C:\\dir")
    (box.root / "f.txt").write_bytes(b"")
    fails("STATUS_NOT_A_DIRECTORY", open_in, box, "C:\\f.txt", options=FILE_DIRECTORY_FILE)
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, "C:\\f.txt\\x")        # a file as a folder


def test_mount_of_a_missing_folder(box):
    fails("STATUS_OBJECT_PATH_NOT_FOUND", box.io.mount, "C:\\x", str(box.tmp / "nope"), False)


# -- the virtual System32 ----------------------------------------------------------------------------

def test_system32_files_exist_and_read_the_provider(box):
    assert box.io.existing_file("C:\\Windows\\System32\\KERNEL32.DLL") == "C:\\Windows\\System32\\kernel32.dll"
    assert box.io.exists("c:\\windows\\system32\\ntdll.dll")
    assert read_path(box, "C:\\Windows\\System32\\KERNEL32.DLL") == KERNEL32
    assert read_path(box, "kernel32.dll", cwd="C:\\Windows\\System32") == KERNEL32
    image = box.io.open_image_file("\\??\\C:\\WINDOWS\\system32\\ntdll.dll")
    assert image.read_all() == NTDLL and image.node.guest_path == "C:\\Windows\\System32\\ntdll.dll"
    assert box.io.open_image_file("\\SystemRoot\\System32\\kernel32.dll").read_all() == KERNEL32


@pytest.mark.parametrize("access, disposition", [
    (GENERIC_WRITE, FILE_OPEN), (FILE_WRITE_DATA, FILE_OPEN_IF), (DELETE, FILE_OPEN),
    (GENERIC_READ, FILE_OVERWRITE_IF), (GENERIC_READ, FILE_CREATE),
])
def test_system32_files_are_read_only(box, access, disposition):
    fails("STATUS_ACCESS_DENIED", open_in, box, "C:\\Windows\\System32\\kernel32.dll", access, disposition)


def test_system32_missing_files(box):
    path = "C:\\Windows\\System32\\nosuch.dll"
    assert box.io.existing_file(path) is None
    fails("STATUS_OBJECT_NAME_NOT_FOUND", open_in, box, path)
    fails("STATUS_OBJECT_NAME_NOT_FOUND", box.io.open_image_file, "\\??\\" + path)
    # creating one is refused the way a missing file is (nothing is created anywhere)
    fails("STATUS_OBJECT_NAME_NOT_FOUND", open_in, box, path, GENERIC_WRITE, FILE_CREATE)
    fails("STATUS_OBJECT_PATH_NOT_FOUND", open_in, box, "C:\\Windows\\System32\\drivers\\x.sys")
    assert tree(box.root) == set()


def test_system32_shadows_a_host_folder_of_that_name(box):
    (box.root / "Windows" / "System32").mkdir(parents=True)
    (box.root / "Windows" / "System32" / "evil.dll").write_bytes(SECRET)
    (box.root / "Windows" / "System32" / "kernel32.dll").write_bytes(SECRET)
    assert box.io.existing_file("C:\\Windows\\System32\\evil.dll") is None
    assert read_path(box, "C:\\Windows\\System32\\kernel32.dll") == KERNEL32


def test_system32_folders(box):
    assert box.io.resolve("C:\\WINDOWS\\SYSTEM32").is_dir
    assert box.io.resolve("C:\\Windows").is_dir
    assert box.io.existing_file("C:\\Windows\\System32") is None
    fails("STATUS_FILE_IS_A_DIRECTORY", open_in, box, "C:\\Windows\\System32", options=FILE_NON_DIRECTORY_FILE)


# -- search_path -------------------------------------------------------------------------------------

def test_search_path_adds_the_extension(box):
    (box.root / "prog.exe").write_bytes(b"MZ")
    (box.root / "prog").write_bytes(b"no extension")
    assert box.io.search_path("prog", "C:\\", extension=".exe") == "C:\\prog.exe"
    assert box.io.search_path("PROG", None, extension=".exe") == "C:\\prog.exe"
    assert box.io.search_path("prog.exe", "C:\\", extension=".exe") == "C:\\prog.exe"
    assert box.io.search_path("prog", "C:\\") == "C:\\prog"
    assert box.io.search_path("nosuch", "C:\\", extension=".exe") is None


def test_search_path_order(box):
    (box.root / "work").mkdir()
    (box.root / "work" / "kernel32.dll").write_bytes(b"local copy")
    assert box.io.search_path("kernel32.dll", "C:\\work") == "C:\\work\\kernel32.dll"      # cwd first
    assert box.io.search_path("KERNEL32", "C:\\", extension=".dll") == "C:\\Windows\\System32\\kernel32.dll"
    assert box.io.search_path("prog.exe", "C:\\app") == "C:\\app\\prog.exe"
    dirs = ["C:\\Windows\\System32", "C:\\work"]
    assert box.io.search_path("kernel32.dll", "C:\\work", search_dirs=dirs) == "C:\\Windows\\System32\\kernel32.dll"


def test_search_path_with_a_folder_part(box):
    (box.root / "sub").mkdir()
    (box.root / "sub" / "tool.exe").write_bytes(b"MZ")
    assert box.io.search_path("sub\\tool", "C:\\", extension=".exe") == "C:\\sub\\tool.exe"
    assert box.io.search_path("SUB/Tool.exe", "C:\\") == "C:\\sub\\tool.exe"
    assert box.io.search_path(".\\tool.exe", "C:\\sub") == "C:\\sub\\tool.exe"
    assert box.io.search_path("C:\\sub\\tool.exe", "C:\\app") == "C:\\sub\\tool.exe"
    # used as given: not looked for in the search order
    assert box.io.search_path("sub\\kernel32.dll", "C:\\") is None
    assert box.io.search_path("C:\\sub\\prog.exe", "C:\\app") is None


@pytest.mark.parametrize("name", ["..\\..\\outside\\secret.txt", "/etc/passwd", "D:\\prog.exe",
                                  "\\\\server\\share\\prog.exe", "..\\secret.txt", "..\\..\\secret"])
def test_search_path_stays_in_the_sandbox(box, name):
    assert box.io.search_path(name, "C:\\app", extension=".txt") is None


# -- guest_path_of_host ------------------------------------------------------------------------------

def test_guest_path_of_host(box):
    (box.root / "dir").mkdir()
    (box.root / "dir" / "f.txt").write_bytes(b"")
    assert box.io.guest_path_of_host(str(box.root)) == "C:\\"
    assert box.io.guest_path_of_host(str(box.root / "dir" / "f.txt")) == "C:\\dir\\f.txt"
    assert box.io.guest_path_of_host(str(box.app / "prog.exe")) == "C:\\app\\prog.exe"
    assert box.io.guest_path_of_host(str(box.outside / "secret.txt")) is None
    assert box.io.guest_path_of_host(str(box.tmp)) is None
    assert box.io.guest_path_of_host(str(box.root) + "x") is None                     # root-like prefix
