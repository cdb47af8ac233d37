"""shlobj.h: the special folders of the user profile and the system, as paths.

The paths are the profile's (kernel/profiles/folders.py: `C:\\Users\\user\\AppData\\Roaming` on Windows 7,
`C:\\Documents and Settings\\user\\Application Data` on XP), built from the environment the kernel
gives every process (kernel/system.py default_environment: USERPROFILE, APPDATA, LOCALAPPDATA,
SystemRoot, ProgramFiles, with `--env` overrides), so SHGetFolderPath(CSIDL_APPDATA) and %APPDATA%
agree.  Only file-system folders have paths; a CSIDL or KNOWNFOLDERID not in the tables below
(virtual folders such as CSIDL_DRIVES, and the rarer ones) gives E_INVALIDARG.

* SHGetFolderPathA/W(hwnd, csidl|flags, token, SHGFP_TYPE_CURRENT/DEFAULT, path): S_OK and the path
  when the folder exists; CSIDL_FLAG_CREATE creates it (with its parents) in the sandbox first;
  CSIDL_FLAG_DONT_VERIFY returns the path without looking.  A missing folder is E_FAIL from
  SHGetFolderPathW and S_FALSE from SHGetFolderPathA (as documented; the A version still writes the
  path, W an empty string); a folder that cannot be created (under the read-only C:\\Windows) is
  E_ACCESSDENIED.  The token is ignored: every token is the one user's.
* SHGetSpecialFolderPathA/W(hwnd, path, csidl, fCreate): TRUE when SHGetFolderPath gives S_OK.
* SHGetKnownFolderPath(rfid, KF_FLAG_CREATE/KF_FLAG_DONT_VERIFY..., token, &path): the path in a
  CoTaskMemAlloc'ed block (free it with ole32!CoTaskMemFree); a missing folder is
  HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND); on failure *path is NULL.
"""
from __future__ import annotations

import uuid

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, HRESULT, HWND, INT, LPSTR, LPWSTR, PVOID
from kernel.hle.probe import probe
from kernel.rtl.status import NtError
from ..ole32.combaseapi import task_alloc

S_OK, S_FALSE = 0, 1
E_FAIL = 0x80004005
E_INVALIDARG = 0x80070057
E_ACCESSDENIED = 0x80070005
HRESULT_FILE_NOT_FOUND = 0x80070002          # HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)
CSIDL_FLAG_CREATE, CSIDL_FLAG_DONT_VERIFY = 0x8000, 0x4000
KF_FLAG_CREATE, KF_FLAG_DONT_VERIFY = 0x8000, 0x4000
MAX_PATH = 260

# CSIDL -> (environment variable, path under it); {name} is a folder of the profile (kernel/profiles/folders.py)
FOLDERS = {
    0x00: ("USERPROFILE", "{desktop}"),                                       # CSIDL_DESKTOP
    0x02: ("USERPROFILE", "{start_menu}\\Programs"),                          # CSIDL_PROGRAMS
    0x05: ("USERPROFILE", "{documents}"),                                     # CSIDL_PERSONAL
    0x06: ("USERPROFILE", "{favorites}"),                                     # CSIDL_FAVORITES
    0x07: ("USERPROFILE", "{start_menu}\\Programs\\Startup"),                 # CSIDL_STARTUP
    0x08: ("USERPROFILE", "{recent}"),                                        # CSIDL_RECENT
    0x09: ("USERPROFILE", "{send_to}"),                                       # CSIDL_SENDTO
    0x0B: ("USERPROFILE", "{start_menu}"),                                    # CSIDL_STARTMENU
    0x0D: ("USERPROFILE", "{music}"),                                         # CSIDL_MYMUSIC
    0x0E: ("USERPROFILE", "{videos}"),                                        # CSIDL_MYVIDEO
    0x10: ("USERPROFILE", "{desktop}"),                                       # CSIDL_DESKTOPDIRECTORY
    0x14: ("SystemRoot", "Fonts"),                                            # CSIDL_FONTS
    0x15: ("USERPROFILE", "{templates}"),                                     # CSIDL_TEMPLATES
    0x1A: ("APPDATA", ""),                                                    # CSIDL_APPDATA
    0x1C: ("LOCALAPPDATA", ""),                                               # CSIDL_LOCAL_APPDATA
    0x23: ("", "{common_appdata}"),                                           # CSIDL_COMMON_APPDATA
    0x24: ("SystemRoot", ""),                                                 # CSIDL_WINDOWS
    0x25: ("SystemRoot", "system32"),                                         # CSIDL_SYSTEM
    0x26: ("ProgramFiles", ""),                                               # CSIDL_PROGRAM_FILES
    0x27: ("USERPROFILE", "{pictures}"),                                      # CSIDL_MYPICTURES
    0x28: ("USERPROFILE", ""),                                                # CSIDL_PROFILE
    0x29: ("SystemRoot", "system32"),                                         # CSIDL_SYSTEMX86 (32-bit Windows)
    0x2A: ("ProgramFiles", ""),                                               # CSIDL_PROGRAM_FILESX86 (32-bit Windows)
    0x2B: ("ProgramFiles", "Common Files"),                                   # CSIDL_PROGRAM_FILES_COMMON
    0x2C: ("ProgramFiles", "Common Files"),                                   # CSIDL_PROGRAM_FILES_COMMONX86
    0x2E: ("", "{common_documents}"),                                         # CSIDL_COMMON_DOCUMENTS
}

# KNOWNFOLDERID -> the CSIDL of the same folder (knownfolders.h)
KNOWN_FOLDERS = {
    uuid.UUID("b4bfcc3a-db2c-424c-b029-7fe99a87c641"): 0x10,   # FOLDERID_Desktop
    uuid.UUID("fdd39ad0-238f-46af-adb4-6c85480369c7"): 0x05,   # FOLDERID_Documents
    uuid.UUID("1777f761-68ad-4d8a-87bd-30b759fa33dd"): 0x06,   # FOLDERID_Favorites
    uuid.UUID("fd228cb7-ae11-4ae3-864c-16f3910ab8fe"): 0x14,   # FOLDERID_Fonts
    uuid.UUID("f1b32785-6fba-4fcf-9d55-7b8e7f157091"): 0x1C,   # FOLDERID_LocalAppData
    uuid.UUID("4bd8d571-6d19-48d3-be97-422220080e43"): 0x0D,   # FOLDERID_Music
    uuid.UUID("33e28130-4e1e-4676-835a-98395c3bc3bb"): 0x27,   # FOLDERID_Pictures
    uuid.UUID("5e6c858f-0e22-4760-9afe-ea3317b67173"): 0x28,   # FOLDERID_Profile
    uuid.UUID("62ab5d82-fdc1-4dc3-a9dd-070d1d495d97"): 0x23,   # FOLDERID_ProgramData
    uuid.UUID("905e63b6-c1bf-494e-b29c-65b732d3d21a"): 0x26,   # FOLDERID_ProgramFiles
    uuid.UUID("7c5a40ef-a0fb-4bfc-874a-c0f2e0b9fa8e"): 0x2A,   # FOLDERID_ProgramFilesX86
    uuid.UUID("f7f1ed05-9f6d-47a2-aaae-29d317c6f066"): 0x2B,   # FOLDERID_ProgramFilesCommon
    uuid.UUID("de974d24-d9c6-4d3e-bf91-f4455120b917"): 0x2C,   # FOLDERID_ProgramFilesCommonX86
    uuid.UUID("a77f5d77-2e2b-44c3-a6a2-aba601054a51"): 0x02,   # FOLDERID_Programs
    uuid.UUID("ed4824af-dce4-45a8-81e2-fc7965083634"): 0x2E,   # FOLDERID_PublicDocuments
    uuid.UUID("ae50c081-ebd2-438a-8655-8a092e34987a"): 0x08,   # FOLDERID_Recent
    uuid.UUID("3eb685db-65f9-4cf6-a03a-e3ef65729f3d"): 0x1A,   # FOLDERID_RoamingAppData
    uuid.UUID("8983036c-27c0-404b-8f08-102d10dcfd74"): 0x09,   # FOLDERID_SendTo
    uuid.UUID("625b53c3-ab48-4ec1-ba1f-a1ef4146fc19"): 0x0B,   # FOLDERID_StartMenu
    uuid.UUID("b97d20bb-f46a-4c97-ba10-5e3608430854"): 0x07,   # FOLDERID_Startup
    uuid.UUID("1ac14e77-02e7-4e5d-b744-2eb1ae5198b7"): 0x25,   # FOLDERID_System
    uuid.UUID("d65231b0-b2f1-4857-a4ce-a8e7c6ea7d27"): 0x29,   # FOLDERID_SystemX86
    uuid.UUID("a63293e8-664e-48db-a079-df759e0509f7"): 0x15,   # FOLDERID_Templates
    uuid.UUID("18989b1d-99b5-455b-841c-ab7c74e4ddfc"): 0x0E,   # FOLDERID_Videos
    uuid.UUID("f38bf404-1d43-42f2-9305-67de0b28fc23"): 0x24,   # FOLDERID_Windows
}


def folder_path(ctx, csidl: int) -> str | None:
    """The path of a CSIDL (flags removed), from the kernel's environment; None if it has none."""
    entry = FOLDERS.get(csidl & 0xFF)
    if entry is None:
        return None
    variable, below = entry
    folders = ctx.kernel.profile.folders
    below = below.format(**vars(folders))
    env = {k.upper(): v for k, v in ctx.kernel.default_environment().items()}
    if variable == "LOCALAPPDATA" and variable not in env:     # XP has no %LOCALAPPDATA%
        variable, below = "USERPROFILE", folders.local
    if not variable:
        return below
    base = env.get(variable.upper(), "").rstrip("\\")
    return f"{base}\\{below}" if below else base


def _is_folder(ctx, path: str) -> bool:
    try:
        node = ctx.kernel.io.resolve(path)
    except NtError:
        return False
    return node.exists and node.is_dir


def locate(ctx, csidl: int, create: bool, verify: bool) -> tuple[int, str | None]:
    """(HRESULT, path): S_OK, E_INVALIDARG (no such folder), HRESULT_FILE_NOT_FOUND (missing) or
    E_ACCESSDENIED (could not be created)."""
    path = folder_path(ctx, csidl)
    if path is None:
        return E_INVALIDARG, None
    if not verify or _is_folder(ctx, path):
        return S_OK, path
    if not create:
        return HRESULT_FILE_NOT_FOUND, path
    try:
        ctx.kernel.io.ensure_folder(path)
    except (OSError, NtError):
        pass
    return (S_OK, path) if _is_folder(ctx, path) else (E_ACCESSDENIED, path)


def _write_path(ctx, buffer: int, path: str, wide: bool) -> None:
    if wide:
        ctx.write(buffer, (path[:MAX_PATH - 1]).encode("utf-16-le") + b"\0\0")
    else:
        ctx.write(buffer, path.encode(ctx.kernel.ansi_codepage, "replace")[:MAX_PATH - 1] + b"\0")


def get_folder_path(ctx, folder: int, buffer: int, wide: bool) -> int:
    if not buffer:
        return E_INVALIDARG
    hr, path = locate(ctx, folder, bool(folder & CSIDL_FLAG_CREATE), not folder & CSIDL_FLAG_DONT_VERIFY)
    if hr == HRESULT_FILE_NOT_FOUND:
        # documented: S_FALSE from the ANSI version, E_FAIL from the Unicode one
        if wide:
            _write_path(ctx, buffer, "", True)
            return E_FAIL
        _write_path(ctx, buffer, path, False)
        return S_FALSE
    _write_path(ctx, buffer, path if hr == S_OK else "", wide)
    return hr


@export
@probe
def SHGetFolderPathW(ctx, hwnd: HWND, csidl: INT, hToken: HANDLE, dwFlags: DWORD, pszPath: LPWSTR) -> HRESULT:
    return get_folder_path(ctx, csidl, pszPath, True)


@export
@probe
def SHGetFolderPathA(ctx, hwnd: HWND, csidl: INT, hToken: HANDLE, dwFlags: DWORD, pszPath: LPSTR) -> HRESULT:
    return get_folder_path(ctx, csidl, pszPath, False)


@export
@probe
def SHGetSpecialFolderPathW(ctx, hwnd: HWND, pszPath: LPWSTR, csidl: INT, fCreate: BOOL) -> BOOL:
    return 1 if get_folder_path(ctx, csidl | (CSIDL_FLAG_CREATE if fCreate else 0), pszPath, True) == S_OK else 0


@export
@probe
def SHGetSpecialFolderPathA(ctx, hwnd: HWND, pszPath: LPSTR, csidl: INT, fCreate: BOOL) -> BOOL:
    return 1 if get_folder_path(ctx, csidl | (CSIDL_FLAG_CREATE if fCreate else 0), pszPath, False) == S_OK else 0


@export
@probe
def SHGetKnownFolderPath(ctx, rfid: PVOID, dwFlags: DWORD, hToken: HANDLE, ppszPath: PVOID) -> HRESULT:
    if not ppszPath:
        return E_INVALIDARG
    ctx.write_u32(ppszPath, 0)
    if not rfid:
        return E_INVALIDARG
    csidl = KNOWN_FOLDERS.get(uuid.UUID(bytes_le=bytes(ctx.read(rfid, 16))))
    if csidl is None:
        return E_INVALIDARG
    hr, path = locate(ctx, csidl, bool(dwFlags & KF_FLAG_CREATE), not dwFlags & KF_FLAG_DONT_VERIFY)
    if hr != S_OK:
        return hr
    data = path.encode("utf-16-le") + b"\0\0"
    block = task_alloc(ctx, len(data))
    if not block:
        return 0x8007000E                        # E_OUTOFMEMORY
    ctx.write(block, data)
    ctx.write_u32(ppszPath, block)
    return S_OK
