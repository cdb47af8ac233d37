"""Windows path strings: Win32 <-> NT forms, splitting, normalizing (no file system access)."""
from __future__ import annotations

DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"COM{i}" for i in range(1, 10)} \
    | {f"LPT{i}" for i in range(1, 10)}


def to_nt_path(win32: str) -> str:
    """`C:\\x` -> `\\??\\C:\\x` (RtlDosPathNameToNtPathName for absolute paths)."""
    if win32.startswith("\\??\\"):
        return win32
    if win32.startswith("\\\\?\\"):
        return "\\??\\" + win32[4:]
    return "\\??\\" + win32


def from_nt_path(nt: str) -> str:
    """`\\??\\C:\\x`, `\\\\?\\C:\\x`, `\\Device\\HarddiskVolume1\\x`, `\\DosDevices\\C:\\x` -> `C:\\x`."""
    for prefix in ("\\??\\", "\\\\?\\", "\\DosDevices\\", "\\GLOBAL??\\"):
        if nt[:len(prefix)].upper() == prefix.upper():
            return nt[len(prefix):]
    low = nt.lower()
    volume, systemroot = "\\device\\harddiskvolume1", "\\systemroot"
    if low.startswith(volume) and low[len(volume):][:1] in ("", "\\"):     # not HarddiskVolume12
        rest = nt[len(volume):]
        return "C:" + (rest if rest.startswith("\\") else "\\" + rest)
    if low.startswith(systemroot) and low[len(systemroot):][:1] in ("", "\\"):
        return "C:\\Windows" + nt[len(systemroot):]
    return nt


def normalize(path: str, current_directory: str = "C:\\") -> str:
    """A full Win32 path the way GetFullPathName makes it: absolute, `\\` separators, `.`/`..`
    collapsed (`..` at the root stays at the root), trailing dots and spaces of components dropped."""
    path = from_nt_path(path.replace("/", "\\"))
    cwd = current_directory.replace("/", "\\")
    if len(path) >= 2 and path[1] == ":":
        drive, rest = path[:2].upper(), path[2:]
        if not rest.startswith("\\"):
            # drive-relative: relative to that drive's current directory (ours: the cwd or the root)
            base = cwd if cwd[:2].upper() == drive else drive + "\\"
            rest = base[2:].rstrip("\\") + "\\" + rest
    elif path.startswith("\\"):
        drive, rest = cwd[:2].upper(), path
    else:
        drive, rest = cwd[:2].upper(), cwd[2:].rstrip("\\") + "\\" + path
    parts = []
    for part in rest.split("\\"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        stripped = part.rstrip(". ")
        parts.append(stripped if stripped else part)
    return drive + "\\" + "\\".join(parts)


def basename(path: str) -> str:
    return path.replace("/", "\\").rstrip("\\").rsplit("\\", 1)[-1]


def dirname(path: str) -> str:
    path = path.replace("/", "\\").rstrip("\\")
    head = path.rsplit("\\", 1)[0] if "\\" in path else ""
    return head + "\\" if len(head) == 2 and head[1] == ":" else head


def first_token(command_line: str) -> str:
    """The program part of a command line: up to the closing quote, or the first white space."""
    s = command_line.lstrip(" \t")
    if s.startswith('"'):
        end = s.find('"', 1)
        return s[1:end] if end >= 0 else s[1:]
    for i, ch in enumerate(s):
        if ch in " \t":
            return s[:i]
    return s


def is_device_name(component: str) -> bool:
    stem = component.split(".")[0].rstrip(" ").upper()
    return stem in DEVICE_NAMES
