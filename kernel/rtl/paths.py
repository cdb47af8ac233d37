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
            rest = nt[len(prefix):]
            if rest[:4].upper() == "UNC\\":            # \??\UNC\server\share is \\server\share
                return "\\\\" + rest[4:]
            return rest
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


# -- what ntdll's Rtl path functions compute (RtlDetermineDosPathNameType_U, RtlIsDosDeviceName_U,
#    RtlGetFullPathName_U, RtlDosPathNameToNtPathName_U), on strings only --------------------------

(PATH_UNKNOWN, PATH_UNC_ABSOLUTE, PATH_DRIVE_ABSOLUTE, PATH_DRIVE_RELATIVE, PATH_ROOTED, PATH_RELATIVE,
 PATH_LOCAL_DEVICE, PATH_ROOT_LOCAL_DEVICE) = range(8)          # RTL_PATH_TYPE

_SEPARATORS = "\\/"
_RTL_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}


def path_type(path: str) -> int:
    """RtlDetermineDosPathNameType_U."""
    if path[:1] and path[0] in _SEPARATORS:
        if path[1:2] and path[1] in _SEPARATORS:
            if path[2:3] and path[2] in ".?":
                if path[3:4] and path[3] in _SEPARATORS:
                    return PATH_LOCAL_DEVICE
                if len(path) == 3:
                    return PATH_ROOT_LOCAL_DEVICE
            return PATH_UNC_ABSOLUTE
        return PATH_ROOTED
    if len(path) >= 2 and path[1] == ":":
        return PATH_DRIVE_ABSOLUTE if path[2:3] and path[2] in _SEPARATORS else PATH_DRIVE_RELATIVE
    return PATH_RELATIVE


def dos_device_name(path: str) -> tuple[int, int] | None:
    """RtlIsDosDeviceName_U: (offset, length) in characters of a DOS device name (CON, NUL, COM1 ...)
    that `path` designates wherever it is (`C:\\dir\\nul.txt` is NUL), or None."""
    if path_type(path) in (PATH_UNC_ABSOLUTE, PATH_LOCAL_DEVICE, PATH_ROOT_LOCAL_DEVICE, PATH_UNKNOWN):
        return None
    end = len(path)
    if end and path[end - 1] == ":":                 # "CON:"
        end -= 1
    while end and path[end - 1] in ". ":
        end -= 1
    start = 0
    for i in range(end):
        if path[i] in _SEPARATORS:
            start = i + 1
    if start == 0 and end >= 2 and path[1] == ":":
        start = 2
    name = path[start:end]
    for i, ch in enumerate(name):
        if ch in ".:":
            name = name[:i]
            break
    name = name.rstrip(" ")
    if name.upper() in _RTL_DEVICES:
        return start, len(name)
    return None


def full_path_name(name: str, current_directory: str = "C:\\") -> tuple[str, int | None]:
    """RtlGetFullPathName_U / GetFullPathName: the full path and where its file part starts (None
    when the path ends with a separator).  `\\\\?\\` paths are returned as they are; DOS device
    names become `\\\\.\\NAME`; `.` and `..` are resolved (never above the root, the share or the
    device); a segment ending in one period loses it, and the last segment its trailing periods and
    spaces unless a separator follows it (the rules the Windows path normalization applies)."""
    kind = path_type(name)
    if kind == PATH_LOCAL_DEVICE and name[2] == "?":
        return name, _file_part(name)
    device = dos_device_name(name)
    if device is not None:
        full = "\\\\.\\" + name[device[0]:device[0] + device[1]]
        return full, 4
    path = name.replace("/", "\\")
    cwd = current_directory.replace("/", "\\")
    if kind == PATH_UNC_ABSOLUTE:
        server, _, rest = path[2:].partition("\\")
        share, sep, rest = rest.partition("\\")
        root = "\\\\" + server + ("\\" + share if sep or share else "")
    elif kind in (PATH_LOCAL_DEVICE, PATH_ROOT_LOCAL_DEVICE):
        root, rest = "\\\\.", path[4:]
    elif kind == PATH_DRIVE_ABSOLUTE:
        root, rest = path[:2], path[2:]
    elif kind == PATH_DRIVE_RELATIVE:
        base = cwd if cwd[:2].upper() == path[:2].upper() else path[:2] + "\\"
        root, rest = _split_root(base)
        rest = rest + "\\" + path[2:]
    elif kind == PATH_ROOTED:
        root, _ = _split_root(cwd)
        rest = path
    else:
        root, rest = _split_root(cwd)
        rest = rest + "\\" + path
    trailing = rest.endswith("\\") or (kind == PATH_ROOT_LOCAL_DEVICE)
    parts: list[str] = []
    segments = [s for s in rest.split("\\") if s]
    for i, seg in enumerate(segments):
        if seg == ".":
            continue
        if seg == "..":
            if parts:
                parts.pop()
            continue
        if i == len(segments) - 1 and not trailing:
            stripped = seg.rstrip(". ")
            if not stripped:
                continue
            seg = stripped
        elif seg.endswith(".") and not seg.endswith(".."):
            seg = seg[:-1]
        parts.append(seg)
    full = root + "\\" + "\\".join(parts)
    if parts and trailing:
        full += "\\"
    return full, (None if full.endswith("\\") else _file_part(full))


def _split_root(path: str) -> tuple[str, str]:
    """A full path's root (`C:`, `\\\\server\\share`, `\\\\.`) and the rest."""
    kind = path_type(path)
    if kind == PATH_UNC_ABSOLUTE:
        server, _, rest = path[2:].partition("\\")
        share, _, rest = rest.partition("\\")
        return "\\\\" + server + "\\" + share, rest
    if kind in (PATH_LOCAL_DEVICE, PATH_ROOT_LOCAL_DEVICE):
        return "\\\\.", path[4:]
    if len(path) >= 2 and path[1] == ":":
        return path[:2], path[2:]
    return "C:", path


def _file_part(full: str) -> int | None:
    i = full.rfind("\\")
    return None if i == len(full) - 1 else i + 1


def dos_path_to_nt_path(name: str, current_directory: str = "C:\\") -> tuple[str, int | None]:
    """RtlDosPathNameToNtPathName_U: the NT path (`\\??\\C:\\x`, `\\??\\UNC\\server\\share\\x`,
    `\\??\\NUL`) and where its file part starts.  Raises ValueError for an empty name."""
    if not name:
        raise ValueError("empty path")
    if path_type(name) == PATH_LOCAL_DEVICE and name[2] == "?":
        nt = "\\??\\" + name[4:]
    else:
        full, _ = full_path_name(name, current_directory)
        if full.startswith("\\\\.\\") or full == "\\\\.":
            nt = "\\??\\" + full[4:]
        elif path_type(full) == PATH_UNC_ABSOLUTE:
            nt = "\\??\\UNC\\" + full[2:]
        else:
            nt = "\\??\\" + full
    return nt, _file_part(nt)


# -- wildcards: FindFirstFile's DOS expression and FsRtlIsNameInExpression -----------------------

DOS_STAR, DOS_QM, DOS_DOT = "<", ">", '"'


def find_expression(pattern: str, trailing_dot: bool = False) -> str:
    """The expression FindFirstFileEx hands the file system for the last component of its path:
    `*.*` is `*`; `?` is DOS_QM; `*` before a period (or before the trailing period the full path
    lost) is DOS_STAR; a period before `?` or `*` is DOS_DOT."""
    if pattern == "*.*":
        return "*"
    out = []
    for i, ch in enumerate(pattern):
        nxt = pattern[i + 1] if i + 1 < len(pattern) else ("." if trailing_dot else "")
        if ch == "?":
            out.append(DOS_QM)
        elif ch == "*" and nxt == ".":
            out.append(DOS_STAR)
        elif ch == "." and nxt in ("?", "*") and i + 1 < len(pattern):
            out.append(DOS_DOT)
        else:
            out.append(ch)
    return "".join(out)


def has_wildcards(expression: str) -> bool:
    return any(c in expression for c in "*?<>\"")


def is_name_in_expression(expression: str, name: str, ignore_case: bool = True) -> bool:
    """FsRtlIsNameInExpression: `*` any run, `?` one character, DOS_STAR any run not taking the
    name's last period, DOS_QM one character but none at a period or the end, DOS_DOT a period or
    nothing at the end."""
    if ignore_case:
        expression, name = expression.upper(), name.upper()
    last_dot = name.rfind(".")
    memo: dict[tuple[int, int], bool] = {}

    def match(e: int, n: int) -> bool:
        key = (e, n)
        if key in memo:
            return memo[key]
        if e == len(expression):
            result = n == len(name)
        else:
            c = expression[e]
            if c == "*":
                result = any(match(e + 1, k) for k in range(n, len(name) + 1))
            elif c == DOS_STAR:
                limit = last_dot if last_dot >= n else len(name)
                result = any(match(e + 1, k) for k in range(n, limit + 1))
            elif c == DOS_QM:
                if n == len(name) or name[n] == ".":
                    result = match(e + 1, n)
                else:
                    result = match(e + 1, n + 1)
            elif c == DOS_DOT:
                if n < len(name) and name[n] == ".":
                    result = match(e + 1, n + 1)
                else:
                    result = n == len(name) and match(e + 1, n)
            elif c == "?":
                result = n < len(name) and match(e + 1, n + 1)
            else:
                result = n < len(name) and name[n] == c and match(e + 1, n + 1)
        memo[key] = result
        return result
    return match(0, 0)
