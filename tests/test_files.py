"""The Win32 file system (kernel32's fileapi.h/winbase.h functions over kernel/nt/file.py) on a real
program, samples/bin/files.exe, and the Nt layer's structures and sandbox rules on their own.

files.exe works in a fresh sandbox root: folders, CreateFile's dispositions and last errors, seeking,
appending, truncating, attributes, FindFirstFile's wildcards, moves, copies, temporary names, full
paths, SearchPath, sharing, delete-on-close, the volume, and NtQueryDirectoryFile and friends called
directly.  Its whole output is checked, and the host side of the root afterwards."""
from __future__ import annotations

import os
import struct
from types import SimpleNamespace

import pytest

from kernel.profiles import get_profile

from kernel.io.manager import IoManager
from kernel.ke.clock import Clock
from kernel.nt.file import (FileBothDirectoryInformation, FileDirectoryInformation, FileFullDirectoryInformation,
                            FileIdBothDirectoryInformation, FileIdFullDirectoryInformation, FileNamesInformation,
                            FileRenameInformation, DirectoryQuery, DELETE, FILE_OPEN, directory_entries,
                            directory_entry, fill_directory_buffer, open_file, set_information)
from kernel.io.manager import FileInfo
from kernel.ob.object import HandleTable
from kernel.rtl.status import STATUS, NtError
from tests.conftest import run_sample

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)

SECRET = b"host bytes outside the sandbox"

EXPECTED = r"""start directory: C:\app
SetCurrentDirectory C:\: ok
SetCurrentDirectory .. at the root: ok
current directory: C:\
SetCurrentDirectory C:\nowhere: failed err=2
CreateDirectory work: ok
CreateDirectory work again: failed err=183
CreateDirectory no\such\parent: failed err=3
CreateDirectory work\sub: ok
SetCurrentDirectory work: ok
current directory: C:\work
CREATE_NEW a.txt: handle err=0
CREATE_NEW a.txt again: INVALID_HANDLE_VALUE err=80
OPEN_EXISTING missing.txt: INVALID_HANDLE_VALUE err=2
OPEN_EXISTING nodir\x.txt: INVALID_HANDLE_VALUE err=3
CREATE_ALWAYS b.txt (new): handle err=0
CREATE_ALWAYS b.txt (exists): handle err=183
SetFilePointer 10 from the start: 10
ReadFile 5: "klmno" (5)
SetFilePointer -3 from the end: 23
ReadFile to the end: "xyz" (3)
ReadFile at the end: ok
  bytes read: 0
SetFilePointer -100: 0xffffffff err=131
GetFileSize: 26 high 0
SetEndOfFile at 20: ok
GetFileSize: 20
GetFileType: 1
GetFileInformationByHandle: ok
  attributes 0x20 size 20 links 1
FlushFileBuffers: ok
  b.txt (20 bytes): "abcdefghijklmnopqrst"
OPEN_ALWAYS b.txt for FILE_APPEND_DATA: handle err=183
  b.txt (25 bytes): "abcdefghijklmnopqrst+tail"
OPEN_ALWAYS c.txt (new): handle err=0
open a.txt without sharing: handle err=0
open a.txt again: INVALID_HANDLE_VALUE err=32
DeleteFile a.txt while open: failed err=32
temporary d.tmp: handle err=0
attributes d.tmp: 0x20
attributes d.tmp: INVALID err=2
CREATE_NEW e.txt sharing delete: handle err=0
DeleteFile e.txt while open: ok
attributes e.txt: INVALID err=5
open e.txt while its delete is pending: INVALID_HANDLE_VALUE err=5
attributes e.txt: INVALID err=2
attributes a.txt: 0x20
attributes sub: 0x10
attributes C:\: 0x16
attributes *.txt: INVALID err=123
attributes nothere.txt: INVALID err=2
SetFileAttributes a.txt READONLY|HIDDEN: ok
attributes a.txt: 0x3
GENERIC_WRITE on a read-only file: INVALID_HANDLE_VALUE err=5
DeleteFile a read-only file: failed err=5
SetFileAttributes a.txt NORMAL: ok
attributes a.txt: 0x80
GetFileAttributesEx b.txt: ok
  attributes 0x20 size 25
GetFileTime: ok
  written after created: yes
find *: [.] [..] a.txt(13) b.txt(25) c.txt(0) [sub] | end err=18
find *.*: [.] [..] a.txt(13) b.txt(25) c.txt(0) [sub] | end err=18
find *.txt: a.txt(13) b.txt(25) c.txt(0) | end err=18
find ?.txt: a.txt(13) b.txt(25) c.txt(0) | end err=18
find A*: a.txt(13) | end err=18
find sub\*.: [deeper] noext(0) | end err=18
find sub\*.z: x.y.z(0) | end err=18
find sub\x.*: x.y.z(0) | end err=18
find b.txt: b.txt(25) | end err=18
find *.nothing: none err=2
find nodir\*: none err=3
find C:\*: [app] [Program Files] [ProgramData] [Users] [Windows] [work] | end err=18
find ..\..\..\..\*: [app] [Program Files] [ProgramData] [Users] [Windows] [work] | end err=18
MoveFile c.txt -> moved.txt: ok
MoveFile moved.txt -> b.txt (exists): failed err=183
MoveFileEx REPLACE_EXISTING moved.txt -> a.txt: ok
MoveFile missing.txt -> x.txt: failed err=2
MoveFile sub -> sub2 (a folder): ok
MoveFile b.txt -> sub2\b.txt: ok
MoveFile sub2\b.txt -> ..\..\..\..\up.txt: ok
attributes C:\up.txt: 0x20
CopyFile C:\up.txt -> copy.txt: ok
CopyFile again, fail if exists: failed err=80
CopyFile again, overwrite: ok
CopyFile missing: failed err=2
  copy.txt (25 bytes): "abcdefghijklmnopqrst+tail"
GetTempPath: C:\Users\user\AppData\Local\Temp\ (33)
GetTempFileName unique 0x1234: 4660 C:\work\tst1234.tmp
attributes C:\work\tst1234.tmp: INVALID err=2
GetTempFileName: created
attributes C:\Users\user\AppData\Local\Temp\tstEE80.tmp: 0x20
  named C:\Users\user\AppData\Local\Temp\tst...tmp: yes
DeleteFile the temporary file: ok
GetTempFileName in a missing folder: 0 err=267
full path x.txt: C:\work\x.txt (13) file part x.txt
full path ..\..\x.txt: C:\x.txt (8) file part x.txt
full path C:\work\.\sub2\..\a.txt: C:\work\a.txt (13) file part a.txt
full path C:\work\: C:\work\ (8) file part (none)
full path \top: C:\top (6) file part top
full path trailing. : C:\work\trailing (16) file part trailing
SearchPath copy.txt: C:\work\copy.txt (16)
SearchPath noext in C:\;C:\work\sub2: C:\work\sub2\noext
SearchPath copy + .txt: C:\work\copy.txt
SearchPath nothere.txt: 0 err=2
GetDriveType C:\ 3, D:\ 1
GetLogicalDrives: 0x4
GetVolumeInformation C:\: ok
  serial 5a7e0c01 max name 255 file system NTFS
GetDiskFreeSpaceEx: ok
NtQueryAttributesFile copy.txt: 0x00000000 attributes 0x20
NtQueryAttributesFile nothere: 0xc0000034
NtQueryDirectoryFile *.txt: a.txt(0) copy.txt(25) | 0x80000006
NtQueryInformationFile name: 0x00000000 "\work"
NtQueryVolumeInformationFile device: 0x00000000 type 7
CreateFileW non-ASCII name: ok
FindFirstFileW caf*: the same name, 5 bytes
FindFirstFileA caf*, the ANSI name: 63 61 66 e9 20 3f 2e 74 78 74
GetFullPathNameW: 18 chars, file part the name
GetFileAttributesW: 0x20
DeleteFileW: ok
WriteFile NUL: ok
  written 4, GetFileType 2
ReadFile NUL: ok
  read 0
CONOUT$: GetFileType 2
  written to CONOUT$
CloseHandle CONOUT$: ok
COM1: INVALID_HANDLE_VALUE err=2
RemoveDirectory sub2 (not empty): failed err=145
RemoveDirectory a.txt (a file): failed err=267
DeleteFile sub2 (a folder): failed err=5
DeleteFile sub2\noext: ok
DeleteFile sub2\x.y.z: ok
RemoveDirectory sub2\deeper: ok
RemoveDirectory sub2: ok
DeleteFile nothere.txt: failed err=2
RemoveDirectory C:\work (the current directory): failed err=32
RemoveDirectory C:\work: ok
find C:\*: [app] [Program Files] [ProgramData] up.txt(25) [Users] [Windows] | end err=18
failures: 0
"""


# What differs on XP: C:\ holds "Documents and Settings" (no Users, no ProgramData), and the user's
# temporary folder is "Local Settings\Temp" in the profile
XP_TEMP = "C:\\Documents and Settings\\user\\Local Settings\\Temp\\"
ROOT_FOLDERS = {"win7sp1": ["Program Files", "ProgramData", "Users"],
                "xpsp3": ["Documents and Settings", "Program Files"]}
TEMP_FOLDER = {"win7sp1": ("Users", "user", "AppData", "Local", "Temp"),
               "xpsp3": ("Documents and Settings", "user", "Local Settings", "Temp")}


def expected_output(profile) -> str:
    if profile.name == "win7sp1":
        return EXPECTED
    assert profile.name == "xpsp3"
    return (EXPECTED
            .replace("[app] [Program Files] [ProgramData] [Users] [Windows] [work]",
                     "[app] [Documents and Settings] [Program Files] [Windows] [work]")
            .replace("[app] [Program Files] [ProgramData] up.txt(25) [Users] [Windows]",
                     "[app] [Documents and Settings] [Program Files] up.txt(25) [Windows]")
            .replace("C:\\Users\\user\\AppData\\Local\\Temp\\ (33)", XP_TEMP + " (51)")
            .replace("C:\\Users\\user\\AppData\\Local\\Temp\\", XP_TEMP))


def test_files_sample_output_and_what_it_leaves_on_the_host(tmp_path, os_profile):
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    result = run_sample("files.exe", root=str(root))
    assert result.reason == "exited", result.message
    assert result.stdout.decode() == expected_output(os_profile)
    assert result.exit_code == 0
    # the move to ..\..\..\..\up.txt ended in the root, as `..` stops there
    assert (root / "up.txt").read_bytes() == b"abcdefghijklmnopqrst+tail"
    assert not (tmp_path / "up.txt").exists()
    assert sorted(os.listdir(tmp_path)) == ["outside", "root"]
    assert os.listdir(outside) == ["secret.txt"] and (outside / "secret.txt").read_bytes() == SECRET
    # what is left: the moved file only; work\ was removed by the program, and the standard folders
    # (Users ... where the temporary file went) are kept beside a user's root, not in it
    assert sorted(os.listdir(root)) == ["up.txt"]


def test_files_sample_in_a_fresh_temporary_root_twice(os_profile):
    # no root given: each run gets its own empty temporary folder, and the same output
    first, second = run_sample("files.exe"), run_sample("files.exe")
    assert first.stdout == second.stdout == expected_output(os_profile).encode()


# -- the FILE_*_DIRECTORY_INFORMATION layouts (ntifs.h, x86) --------------------------------------------

INFO = FileInfo(attributes=0x20, creation=1, last_access=2, last_write=3, change=4, size=5, allocation=4096,
                index=0x1122334455667788, links=1, is_dir=False)


@pytest.mark.parametrize("cls, name_at", [
    (FileDirectoryInformation, 0x40), (FileFullDirectoryInformation, 0x44), (FileBothDirectoryInformation, 0x5E),
    (FileNamesInformation, 0x0C), (FileIdBothDirectoryInformation, 0x68), (FileIdFullDirectoryInformation, 0x50),
])
def test_directory_entry_layouts(cls, name_at):
    entry = directory_entry(cls, "a.txt", INFO)
    assert entry[name_at:] == "a.txt".encode("utf-16-le")
    assert struct.unpack_from("<II", entry, 0) == (0, 0)              # NextEntryOffset, FileIndex
    length_at = 8 if cls == FileNamesInformation else 0x3C
    assert struct.unpack_from("<I", entry, length_at)[0] == 10        # FileNameLength in bytes
    if cls != FileNamesInformation:
        assert struct.unpack_from("<QQQQQQI", entry, 8) == (1, 2, 3, 4, 5, 4096, 0x20)
    if cls in (FileIdBothDirectoryInformation, FileIdFullDirectoryInformation):
        assert struct.unpack_from("<Q", entry, name_at - 8)[0] == 0x1122334455667788


def test_directory_buffer_links_aligned_entries_and_resumes():
    query = DirectoryQuery("*", [("a", INFO), ("bb", INFO), ("ccc", INFO)])
    data, status = fill_directory_buffer(query, FileDirectoryInformation, 4096, False)
    assert status == 0 and query.index == 3
    first = struct.unpack_from("<I", data, 0)[0]
    second = struct.unpack_from("<I", data, first)[0]
    assert first == 0x48 and second == 0x48                          # 0x40 + name, rounded up to 8
    assert struct.unpack_from("<I", data, first + second)[0] == 0      # the last entry
    assert len(data) == first + second + 0x40 + 6                      # no padding after the last one
    # a buffer for one entry and a half: one now, the rest next time
    query = DirectoryQuery("*", [("a", INFO), ("bb", INFO), ("ccc", INFO)])
    data, status = fill_directory_buffer(query, FileDirectoryInformation, 0x60, False)
    assert status == 0 and query.index == 1 and len(data) == 0x42
    data, status = fill_directory_buffer(query, FileDirectoryInformation, 0x1000, True)
    assert query.index == 2 and data[0x40:] == "bb".encode("utf-16-le")   # ReturnSingleEntry
    # the fixed part fits but the name does not: cut, STATUS_BUFFER_OVERFLOW, entry consumed
    data, status = fill_directory_buffer(query, FileDirectoryInformation, 0x42, False)
    assert status == STATUS["STATUS_BUFFER_OVERFLOW"] and len(data) == 0x42 and query.index == 3


# -- folders listed and renamed through the Nt layer, inside the sandbox only -------------------------------

class KernelStub:
    clock = Clock()
    profile = get_profile("win7sp1")
    processes = ()
    default_current_directory = "C:\\"
    system_directory = "C:\\Windows\\System32"
    windows_directory = "C:\\Windows"


@pytest.fixture
def box(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    io = IoManager(KernelStub(), str(root), {"kernel32.dll": ("kernel32.dll", lambda: b"MZ")})
    process = SimpleNamespace(current_directory="C:\\", handles=HandleTable(), console_handles={})
    ctx = SimpleNamespace(kernel=SimpleNamespace(io=io, file_write_capture=None), process=process)
    yield SimpleNamespace(tmp=tmp_path, root=root, outside=outside, io=io, ctx=ctx)
    process.handles.close_all()


def names(box, folder, expression):
    return [n for n, _ in directory_entries(box.ctx, box.io.resolve(folder), expression)]


def test_listing_hides_links_out_of_the_sandbox_and_shows_mounts(box):
    (box.root / "dir").mkdir()
    (box.root / "dir" / "Inner.TXT").write_bytes(b"x")
    os.symlink(box.outside, box.root / "dir" / "escape")
    os.symlink(box.outside / "secret.txt", box.root / "dir" / "secret.txt")
    os.symlink(box.root / "dir" / "Inner.TXT", box.root / "dir" / "alias.txt")
    assert names(box, "C:\\dir", "*") == [".", "..", "alias.txt", "Inner.TXT"]
    assert names(box, "C:\\", "*") == ["dir", "Windows"]
    assert names(box, "C:\\Windows\\System32", "<.DLL") == ["kernel32.dll"]


def rename(box, source, target, replace=False):
    file, _ = open_file(box.ctx, source, DELETE, FILE_OPEN, 0)
    name = target.encode("utf-16-le")
    try:
        set_information(box.ctx, file, FileRenameInformation, struct.pack("<BxxxII", replace, 0, len(name)) + name)
    finally:
        file.close()


def test_renames_stay_inside_the_sandbox(box):
    (box.root / "f.txt").write_bytes(b"data")
    rename(box, "C:\\f.txt", "\\??\\C:\\..\\..\\..\\outside\\..\\moved.txt")     # `..` stops at the root
    assert (box.root / "moved.txt").read_bytes() == b"data" and not (box.tmp / "moved.txt").exists()
    for target in ("\\??\\" + str(box.outside / "x.txt"), "\\tmp\\x.txt", "\\??\\D:\\x.txt",
                   "\\??\\UNC\\server\\share\\x.txt", "\\??\\C:" + str(box.outside / "x.txt")):
        with pytest.raises(NtError) as info:
            rename(box, "C:\\moved.txt", target)
        assert info.value.status == STATUS["STATUS_OBJECT_PATH_NOT_FOUND"], target
    with pytest.raises(NtError) as info:                     # a host path is not an NT path at all
        rename(box, "C:\\moved.txt", str(box.outside / "x.txt"))
    assert info.value.status == STATUS["STATUS_INVALID_PARAMETER"]
    os.symlink(box.outside, box.root / "link")
    with pytest.raises(NtError) as info:
        rename(box, "C:\\moved.txt", "\\??\\C:\\link\\x.txt")
    assert info.value.status == STATUS["STATUS_OBJECT_PATH_NOT_FOUND"]
    assert os.listdir(box.outside) == ["secret.txt"]
    assert (box.root / "moved.txt").exists()


def test_set_current_directory_changes_the_process_parameters_in_guest_memory(emulator, tmp_path):
    emu = emulator(root=str(tmp_path))
    emu.create_process(os.path.join(os.path.dirname(__file__), "..", "samples", "bin", "files.exe"))
    assert emu.run().exit_code == 0
    S = emu.structs
    P = S.RTL_USER_PROCESS_PARAMETERS
    location = emu.process.params + P.offsetof("CurrentDirectory")
    length, maximum, buffer = struct.unpack("<HHI", emu.read(location, 8))
    # the program's last SetCurrentDirectory was C:\ (before it removed C:\work)
    assert emu.read(buffer, length).decode("utf-16-le") == "C:\\" and maximum >= 2 * 261
    assert emu.process.current_directory == "C:\\"
