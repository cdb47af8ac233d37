"""The string and path rules of shlwapi's Path* and Str* functions, on Python strings (pure, unit-tested).

Functions that return a pointer into their argument on Windows return an index here; functions that
rewrite their buffer return the new text.  The ANSI and Unicode exports share these: the ANSI code
page (1252) has one byte per character, so an index is the same in both.

Windows' rules, as documented and as Windows 7's shlwapi behaves:
* separators are backslashes only (a forward slash is an ordinary character), except that
  PathFindFileName also stops at '/' and ':'; a drive is "X:", a UNC path starts with two backslashes;
* PathFindExtension: the last '.' after the last backslash or space, else the end of the string;
* PathCanonicalize removes "." components and lets ".." remove the component before it, never the
  root ("X:\\", "\\" or "\\\\server\\share"); an empty path becomes "\\", a bare "X:" becomes "X:\\";
* PathCombine: the file name alone when it is absolute (a drive or UNC path), the root of the folder
  plus the name when the name starts with one backslash, else folder + "\\" + name; canonicalized;
  no result longer than MAX_PATH - 1 characters;
* comparisons that ignore case do it as CompareString(NORM_IGNORECASE) does; StrCmp* return -1/0/1.
"""
from __future__ import annotations

from ...nls.locale import NORM_IGNORECASE, compare_strings, ctype1, upper, C1_SPACE

MAX_PATH = 260


# -- characters ----------------------------------------------------------------------------------

def chr_equal_ignore_case(a: str, b: str) -> bool:
    """ChrCmpI == 0."""
    return a == b or upper(ord(a)) == upper(ord(b))


def is_space(ch: str) -> bool:
    return bool(ctype1(ord(ch)) & C1_SPACE)


def compare(a: str, b: str, ignore_case: bool) -> int:
    """StrCmp(I)W: CompareString of the whole strings, as -1, 0 or 1."""
    return compare_strings(a, b, NORM_IGNORECASE if ignore_case else 0) - 2


def compare_n(a: str, b: str, n: int, ignore_case: bool) -> int:
    """StrCmpN(I): the first n characters of each (fewer when a string is shorter)."""
    if n <= 0:
        return 0
    return compare(a[:n], b[:n], ignore_case)


# -- searching -----------------------------------------------------------------------------------

def str_chr(s: str, ch: str, ignore_case: bool = False) -> int | None:
    """StrChr(I): the first ch; the terminating NUL is never found."""
    for i, c in enumerate(s):
        if c == ch or (ignore_case and chr_equal_ignore_case(c, ch)):
            return i
    return None


def str_rchr(s: str, ch: str, ignore_case: bool = False) -> int | None:
    """StrRChr(I) over s (already cut at the end pointer)."""
    for i in range(len(s) - 1, -1, -1):
        c = s[i]
        if c == ch or (ignore_case and chr_equal_ignore_case(c, ch)):
            return i
    return None


def _matches_at(s: str, i: int, search: str, ignore_case: bool) -> bool:
    if ignore_case:
        return all(chr_equal_ignore_case(s[i + k], search[k]) for k in range(len(search)))
    return s.startswith(search, i)


def str_str(s: str, search: str, ignore_case: bool = False) -> int | None:
    """StrStr(I): the first occurrence; an empty search string finds nothing."""
    if not search:
        return None
    for i in range(len(s) - len(search) + 1):
        if _matches_at(s, i, search, ignore_case):
            return i
    return None


def str_rstr(s: str, search: str, ignore_case: bool = True) -> int | None:
    """StrRStrI over s (cut at the end pointer): the last occurrence."""
    if not search:
        return None
    for i in range(len(s) - len(search), -1, -1):
        if _matches_at(s, i, search, ignore_case):
            return i
    return None


def str_spn(s: str, chars: str, ignore_case: bool = False) -> int:
    """StrSpn: the length of the leading run of characters in chars."""
    n = 0
    for c in s:
        if str_chr(chars, c, ignore_case) is None:
            break
        n += 1
    return n


def str_cspn(s: str, chars: str, ignore_case: bool = False) -> int:
    """StrCSpn(I): the length of the leading run of characters not in chars."""
    n = 0
    for c in s:
        if str_chr(chars, c, ignore_case) is not None:
            break
        n += 1
    return n


def str_pbrk(s: str, chars: str) -> int | None:
    i = str_cspn(s, chars)
    return i if i < len(s) else None


def str_trim(s: str, chars: str) -> str:
    """StrTrim: the characters of chars removed from both ends."""
    start, end = 0, len(s)
    while start < end and s[start] in chars:
        start += 1
    while end > start and s[end - 1] in chars:
        end -= 1
    return s[start:end]


# -- numbers -------------------------------------------------------------------------------------

STIF_SUPPORT_HEX = 0x1


def str_to_int64_ex(s: str, flags: int) -> tuple[bool, int]:
    """StrToInt64Ex: leading white space, then '-' or '+', then decimal digits (or, with
    STIF_SUPPORT_HEX, "0x" and hex digits, taken without the sign).  (ok, value); no digit: (False, 0)."""
    i = 0
    while i < len(s) and s[i] in " \t\n\v\f\r":
        i += 1
    negative = False
    if i < len(s) and s[i] in "+-":
        negative = s[i] == "-"
        i += 1
    if flags & STIF_SUPPORT_HEX and s[i:i + 2].lower() == "0x":
        j = i + 2
        while j < len(s) and s[j] in "0123456789abcdefABCDEF":
            j += 1
        if j == i + 2:
            return False, 0
        return True, int(s[i + 2:j], 16) & 0xFFFFFFFFFFFFFFFF
    j = i
    while j < len(s) and "0" <= s[j] <= "9":
        j += 1
    if j == i:
        return False, 0
    value = int(s[i:j]) & 0xFFFFFFFFFFFFFFFF
    return True, (-value if negative else value) & 0xFFFFFFFFFFFFFFFF


def str_to_int(s: str) -> int:
    """StrToInt: only a string that starts with '-' or a digit is converted (no white space, no '+')."""
    if not s or not (s[0] == "-" or "0" <= s[0] <= "9"):
        return 0
    return str_to_int64_ex(s, 0)[1] & 0xFFFFFFFF


# -- paths ---------------------------------------------------------------------------------------

def is_unc(path: str) -> bool:
    return path.startswith("\\\\") and path[2:3] != "?"


def is_relative(path: str) -> bool:
    """PathIsRelative: not relative when it starts with a backslash or a drive ("X:")."""
    if not path:
        return True
    return not (path[0] == "\\" or path[1:2] == ":")


def is_root(path: str) -> bool:
    """PathIsRoot: "\\", "X:\\", "\\\\server" or "\\\\server\\share"."""
    if not path:
        return False
    if path == "\\":
        return True
    if path.startswith("\\\\"):
        return path[2:].count("\\") <= 1
    return len(path) == 3 and path[1:] == ":\\"


def is_file_spec(path: str) -> bool:
    """PathIsFileSpec: no backslash and no colon."""
    return ":" not in path and "\\" not in path


def find_file_name(path: str) -> int:
    """PathFindFileName: after the last '\\', '/' or ':' that is followed by something other than a
    separator (so a trailing backslash stays with the last name)."""
    result = 0
    for i, c in enumerate(path):
        if c in "\\/:" and i + 1 < len(path) and path[i + 1] not in "\\/":
            result = i + 1
    return result


def find_extension(path: str) -> int:
    """PathFindExtension: the last '.' of the last name (a space or backslash starts a new one), else
    the end of the string."""
    dot = None
    for i, c in enumerate(path):
        if c in "\\ ":
            dot = None
        elif c == ".":
            dot = i
    return len(path) if dot is None else dot


def find_next_component(path: str) -> int | None:
    """PathFindNextComponent: after the next backslash (two when doubled), else the end; None for ""."""
    if not path:
        return None
    i = path.find("\\")
    if i < 0:
        return len(path)
    if path[i + 1:i + 2] == "\\":
        i += 1
    return i + 1


def get_args(path: str) -> int:
    """PathGetArgs: after the first space outside double quotes, else the end."""
    quoted = False
    for i, c in enumerate(path):
        if c == " " and not quoted:
            return i + 1
        if c == '"':
            quoted = not quoted
    return len(path)


def remove_file_spec(path: str) -> tuple[str, bool]:
    """PathRemoveFileSpec: the last name removed; the root ("X:\\", "\\", "\\\\") stays."""
    cut = 0
    i = 0
    if path.startswith("\\"):
        i = cut = 1
        if path.startswith("\\\\"):
            i = cut = 2
    while i < len(path):
        c = path[i]
        if c == "\\":
            cut = i
        elif c == ":":
            cut = i + 1
            if path[i + 1:i + 2] == "\\":
                i += 1
                cut = i + 1
        i += 1
    if cut < len(path):
        return path[:cut], True
    return path, False


def skip_root(path: str) -> int | None:
    """PathSkipRoot: after "X:\\" or "\\\\server\\share\\"; None for anything else."""
    if not path:
        return None
    if path.startswith("\\\\"):
        first = path.find("\\", 2)
        if first < 0:
            return len(path)
        second = path.find("\\", first + 1)
        return second + 1 if second >= 0 else len(path)
    if path[1:3] == ":\\":
        return 3
    return None


def strip_to_root(path: str) -> tuple[str, bool]:
    """PathStripToRoot: remove names until what is left is a root."""
    while not is_root(path):
        path, changed = remove_file_spec(path)
        if not changed:
            return path, False
    return path, True


def _root_length(path: str) -> int:
    """How much of the path is its root, which ".." never removes."""
    if path.startswith("\\\\"):
        server = path.find("\\", 2)
        if server < 0:
            return len(path)
        share = path.find("\\", server + 1)
        return len(path) if share < 0 else share + 1
    if path[1:2] == ":":
        return 3 if path[2:3] == "\\" else 2
    if path.startswith("\\"):
        return 1
    return 0


def canonicalize(path: str) -> str:
    """PathCanonicalize (see the module doc)."""
    if not path:
        return "\\"
    root_len = _root_length(path)
    root, rest = path[:root_len], path[root_len:]
    parts = rest.split("\\")
    out: list[str] = []
    trailing = rest.endswith("\\") and bool(rest.strip("\\"))
    for i, part in enumerate(parts):
        if part == ".":
            trailing = False if i == len(parts) - 1 else trailing
            continue
        if part == "..":
            if out:
                out.pop()
            trailing = False if i == len(parts) - 1 else trailing
            continue
        if part:
            out.append(part)
    text = root + "\\".join(out)
    if trailing and out:
        text += "\\"
    if len(text) == 2 and text[1] == ":":
        text += "\\"
    return text


def add_backslash(path: str) -> str | None:
    """PathAddBackslash: a backslash at the end unless there is one (or the path is empty); None when
    the result would not fit in MAX_PATH."""
    if len(path) >= MAX_PATH:
        return None
    if path and not path.endswith("\\"):
        if len(path) + 1 >= MAX_PATH:
            return None
        path += "\\"
    return path


def remove_backslash(path: str) -> tuple[str, int]:
    """PathRemoveBackslash: (new text, index of the returned pointer): a trailing backslash of a
    non-root path becomes the end (pointer to it), else the pointer is the last character."""
    last = max(len(path) - 1, 0)
    if path and path.endswith("\\") and not is_root(path):
        return path[:-1], len(path) - 1
    return path, last


def combine(directory: str | None, file: str | None) -> str | None:
    """PathCombine (see the module doc); None when it fails."""
    if directory is None and file is None:
        return None
    if not file:
        text = directory or ""
    elif not directory or not is_relative(file):
        if not directory or not file.startswith("\\") or is_unc(file):
            text = file
        else:
            base, _ = strip_to_root(directory)
            base = add_backslash(base)
            if base is None or len(base) + len(file) - 1 >= MAX_PATH:
                return None
            text = base + file[1:]
    else:
        base = add_backslash(directory)
        if base is None or len(base) + len(file) >= MAX_PATH:
            return None
        text = base + file
    if len(text) >= MAX_PATH:
        return None
    return canonicalize(text)


def append(path: str, more: str) -> str | None:
    """PathAppend: leading backslashes of a non-UNC addition dropped, then PathCombine."""
    if not is_unc(more):
        more = more.lstrip("\\")
    return combine(path, more)


def rename_extension(path: str, ext: str) -> str | None:
    i = find_extension(path)
    if i + len(ext) >= MAX_PATH:
        return None
    return path[:i] + ext


def add_extension(path: str, ext: str | None) -> str | None:
    """PathAddExtension: only to a name without one; ".exe" when ext is NULL or empty."""
    if find_extension(path) != len(path):
        return None
    ext = ext or ".exe"
    if len(path) + len(ext) >= MAX_PATH:
        return None
    return path + ext


def quote_spaces(path: str) -> str | None:
    """PathQuoteSpaces: the path in double quotes when it has a space (None: unchanged)."""
    if " " in path and len(path) + 2 < MAX_PATH:
        return '"' + path + '"'
    return None


def unquote_spaces(path: str) -> str | None:
    """PathUnquoteSpaces: the quotes removed from a path that starts and ends with one."""
    if path.startswith('"') and path.endswith('"') and len(path) >= 2:
        return path[1:-1]
    if path == '"':
        return ""
    return None


def get_drive_number(path: str) -> int:
    if len(path) >= 2 and path[1] == ":" and path[0].isascii() and path[0].isalpha():
        return ord(path[0].lower()) - ord("a")
    return -1


def _match_one(name: str, mask: str) -> bool:
    """One wildcard mask ('*' any run, '?' one character), ignoring case."""
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        key = (i, j)
        if key in memo:
            return memo[key]
        if j == len(mask):
            r = i == len(name)
        elif mask[j] == "*":
            r = go(i, j + 1) or (i < len(name) and go(i + 1, j))
        elif i < len(name) and (mask[j] == "?" or chr_equal_ignore_case(name[i], mask[j])):
            r = go(i + 1, j + 1)
        else:
            r = False
        memo[key] = r
        return r
    return go(0, 0)


def match_spec(path: str, spec: str) -> bool:
    """PathMatchSpec: the file name against masks separated by ';' (spaces around them ignored);
    "*.*" matches every name."""
    if spec == "*.*":
        return True
    name = path
    for mask in spec.split(";"):
        mask = mask.strip(" ")
        if mask == "*.*" or (mask and _match_one(name, mask)):
            return True
    return False
