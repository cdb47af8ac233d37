"""shlwapi.h: the path (Path*) and string (Str*, ChrCmpI, IsCharSpace) functions.

Each export reads its strings from guest memory, applies the rule of kernel/dlls/shlwapi/rules.py and
writes back in place or returns a pointer into the caller's string, as Windows does.  ANSI strings are
taken byte for byte through the ANSI code page (1252, one byte a character), so a byte index and a
character index are the same and bytes the function does not touch come back unchanged.  A NULL
string argument gives what Windows gives for it (NULL, FALSE, 0 or nothing) instead of a fault.
"""
from __future__ import annotations

import functools

from kernel.rtl.status import MemoryFault

from ...hle.registry import export
from ...hle.types import BOOL, CHAR, DWORD, INT, LPSTR, LPVOID, LPWSTR, VOID, WCHAR, WORD
from ...nls.codepage import decode, encode
from . import rules

MAX_PATH = rules.MAX_PATH
FILE_ATTRIBUTE_DIRECTORY = 0x10
INVALID_FILE_ATTRIBUTES = 0xFFFFFFFF
ERROR_INVALID_PARAMETER = 87


# -- strings in guest memory ------------------------------------------------------------------------

def _get(ctx, ptr: int, wide: bool) -> str:
    if wide:
        return ctx.read_wstr(ptr)
    return "".join(chr(u) for u in decode(1252, 0, ctx.read_cstr(ptr)))


def _put(ctx, ptr: int, text: str, wide: bool) -> None:
    if wide:
        ctx.write_wstr(ptr, text)
    else:
        data, _ = encode(1252, 0, [ord(c) for c in text])
        ctx.write(ptr, data + b"\0")


def _at(ptr: int, index: int | None, wide: bool) -> int:
    """The pointer to character `index` of the string at ptr (NULL for None)."""
    return 0 if index is None else ptr + index * (2 if wide else 1)


def _char(value: int, wide: bool) -> str:
    """A WORD character argument (StrChrA takes the ANSI character, or a lead/trail pair, in a WORD)."""
    if wide:
        return chr(value & 0xFFFF)
    return chr(decode(1252, 0, bytes([value & 0xFF]))[0])


# -- paths -------------------------------------------------------------------------------------------

def _remove_file_spec(ctx, path, wide):
    if not path:
        return 0
    text, changed = rules.remove_file_spec(_get(ctx, path, wide))
    if changed:
        _put(ctx, path, text, wide)
    return 1 if changed else 0


@export
def PathRemoveFileSpecA(ctx, pszPath: LPSTR) -> BOOL:
    return _remove_file_spec(ctx, pszPath, False)


@export
def PathRemoveFileSpecW(ctx, pszPath: LPWSTR) -> BOOL:
    return _remove_file_spec(ctx, pszPath, True)


def _find(ctx, path, wide, rule):
    if not path:
        return 0
    return _at(path, rule(_get(ctx, path, wide)), wide)


@export
def PathFindFileNameA(ctx, pszPath: LPSTR) -> LPSTR:
    return _find(ctx, pszPath, False, rules.find_file_name)


@export
def PathFindFileNameW(ctx, pszPath: LPWSTR) -> LPWSTR:
    return _find(ctx, pszPath, True, rules.find_file_name)


@export
def PathFindExtensionA(ctx, pszPath: LPSTR) -> LPSTR:
    return _find(ctx, pszPath, False, rules.find_extension)


@export
def PathFindExtensionW(ctx, pszPath: LPWSTR) -> LPWSTR:
    return _find(ctx, pszPath, True, rules.find_extension)


@export
def PathFindNextComponentA(ctx, pszPath: LPSTR) -> LPSTR:
    return _find(ctx, pszPath, False, rules.find_next_component)


@export
def PathFindNextComponentW(ctx, pszPath: LPWSTR) -> LPWSTR:
    return _find(ctx, pszPath, True, rules.find_next_component)


@export
def PathGetArgsA(ctx, pszPath: LPSTR) -> LPSTR:
    return _find(ctx, pszPath, False, rules.get_args)


@export
def PathGetArgsW(ctx, pszPath: LPWSTR) -> LPWSTR:
    return _find(ctx, pszPath, True, rules.get_args)


@export
def PathSkipRootA(ctx, pszPath: LPSTR) -> LPSTR:
    return _find(ctx, pszPath, False, rules.skip_root)


@export
def PathSkipRootW(ctx, pszPath: LPWSTR) -> LPWSTR:
    return _find(ctx, pszPath, True, rules.skip_root)


def _combine(ctx, dest, directory, file, wide):
    """PathCombine: NULL (and an empty dest) when both are NULL or the result is too long."""
    if not dest:
        return 0
    d = _get(ctx, directory, wide) if directory else None
    f = _get(ctx, file, wide) if file else None
    result = rules.combine(d, f)
    if result is None:
        _put(ctx, dest, "", wide)
        return 0
    _put(ctx, dest, result, wide)
    return dest


@export
def PathCombineA(ctx, pszDest: LPSTR, pszDir: LPSTR, pszFile: LPSTR) -> LPSTR:
    return _combine(ctx, pszDest, pszDir, pszFile, False)


@export
def PathCombineW(ctx, pszDest: LPWSTR, pszDir: LPWSTR, pszFile: LPWSTR) -> LPWSTR:
    return _combine(ctx, pszDest, pszDir, pszFile, True)


def _append(ctx, path, more, wide):
    if not path or not more:
        return 0
    result = rules.append(_get(ctx, path, wide), _get(ctx, more, wide))
    if result is None:
        _put(ctx, path, "", wide)
        return 0
    _put(ctx, path, result, wide)
    return 1


@export
def PathAppendA(ctx, pszPath: LPSTR, pszMore: LPSTR) -> BOOL:
    return _append(ctx, pszPath, pszMore, False)


@export
def PathAppendW(ctx, pszPath: LPWSTR, pszMore: LPWSTR) -> BOOL:
    return _append(ctx, pszPath, pszMore, True)


def _canonicalize(ctx, dest, src, wide):
    if not dest or not src:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    _put(ctx, dest, rules.canonicalize(_get(ctx, src, wide)), wide)
    return 1


@export
def PathCanonicalizeA(ctx, pszBuf: LPSTR, pszPath: LPSTR) -> BOOL:
    return _canonicalize(ctx, pszBuf, pszPath, False)


@export
def PathCanonicalizeW(ctx, pszBuf: LPWSTR, pszPath: LPWSTR) -> BOOL:
    return _canonicalize(ctx, pszBuf, pszPath, True)


def _attributes(ctx, path, wide) -> int:
    """GetFileAttributes of the path, through kernel32's own code."""
    from ..kernel32.fileapi import _get_attributes
    return _get_attributes(ctx, _get(ctx, path, wide))


def _file_exists(ctx, path, wide):
    if not path:
        return 0
    return 0 if _attributes(ctx, path, wide) == INVALID_FILE_ATTRIBUTES else 1


@export
def PathFileExistsA(ctx, pszPath: LPSTR) -> BOOL:
    return _file_exists(ctx, pszPath, False)


@export
def PathFileExistsW(ctx, pszPath: LPWSTR) -> BOOL:
    return _file_exists(ctx, pszPath, True)


def _is_directory(ctx, path, wide):
    """FILE_ATTRIBUTE_DIRECTORY (not TRUE) for a folder, as Windows returns it."""
    if not path:
        return 0
    attributes = _attributes(ctx, path, wide)
    if attributes == INVALID_FILE_ATTRIBUTES:
        return 0
    return attributes & FILE_ATTRIBUTE_DIRECTORY


@export
def PathIsDirectoryA(ctx, pszPath: LPSTR) -> BOOL:
    return _is_directory(ctx, pszPath, False)


@export
def PathIsDirectoryW(ctx, pszPath: LPWSTR) -> BOOL:
    return _is_directory(ctx, pszPath, True)


def _test(ctx, path, wide, rule, null=0):
    if not path:
        return null
    return 1 if rule(_get(ctx, path, wide)) else 0


@export
def PathIsRelativeA(ctx, pszPath: LPSTR) -> BOOL:
    return _test(ctx, pszPath, False, rules.is_relative, null=1)


@export
def PathIsRelativeW(ctx, pszPath: LPWSTR) -> BOOL:
    return _test(ctx, pszPath, True, rules.is_relative, null=1)


@export
def PathIsRootA(ctx, pszPath: LPSTR) -> BOOL:
    return _test(ctx, pszPath, False, rules.is_root)


@export
def PathIsRootW(ctx, pszPath: LPWSTR) -> BOOL:
    return _test(ctx, pszPath, True, rules.is_root)


@export
def PathIsUNCA(ctx, pszPath: LPSTR) -> BOOL:
    return _test(ctx, pszPath, False, rules.is_unc)


@export
def PathIsUNCW(ctx, pszPath: LPWSTR) -> BOOL:
    return _test(ctx, pszPath, True, rules.is_unc)


@export
def PathIsFileSpecA(ctx, pszPath: LPSTR) -> BOOL:
    return _test(ctx, pszPath, False, rules.is_file_spec)


@export
def PathIsFileSpecW(ctx, pszPath: LPWSTR) -> BOOL:
    return _test(ctx, pszPath, True, rules.is_file_spec)


def _match_spec(ctx, path, spec, wide):
    if not path or not spec:
        return 0
    return 1 if rules.match_spec(_get(ctx, path, wide), _get(ctx, spec, wide)) else 0


@export
def PathMatchSpecA(ctx, pszFile: LPSTR, pszSpec: LPSTR) -> BOOL:
    return _match_spec(ctx, pszFile, pszSpec, False)


@export
def PathMatchSpecW(ctx, pszFile: LPWSTR, pszSpec: LPWSTR) -> BOOL:
    return _match_spec(ctx, pszFile, pszSpec, True)


def _rewrite(ctx, path, wide, rule) -> bool:
    """Apply a rule that returns the new text (None: leave the buffer alone)."""
    if not path:
        return False
    result = rule(_get(ctx, path, wide))
    if result is None:
        return False
    _put(ctx, path, result, wide)
    return True


@export
def PathRemoveExtensionA(ctx, pszPath: LPSTR) -> VOID:
    _rewrite(ctx, pszPath, False, lambda p: p[:rules.find_extension(p)])


@export
def PathRemoveExtensionW(ctx, pszPath: LPWSTR) -> VOID:
    _rewrite(ctx, pszPath, True, lambda p: p[:rules.find_extension(p)])


@export
def PathStripPathA(ctx, pszPath: LPSTR) -> VOID:
    _rewrite(ctx, pszPath, False, lambda p: p[rules.find_file_name(p):])


@export
def PathStripPathW(ctx, pszPath: LPWSTR) -> VOID:
    _rewrite(ctx, pszPath, True, lambda p: p[rules.find_file_name(p):])


def _strip_to_root(ctx, path, wide):
    if not path:
        return 0
    text, ok = rules.strip_to_root(_get(ctx, path, wide))
    _put(ctx, path, text, wide)
    return 1 if ok else 0


@export
def PathStripToRootA(ctx, pszPath: LPSTR) -> BOOL:
    return _strip_to_root(ctx, pszPath, False)


@export
def PathStripToRootW(ctx, pszPath: LPWSTR) -> BOOL:
    return _strip_to_root(ctx, pszPath, True)


def _add_backslash(ctx, path, wide):
    """A pointer to the terminating NUL, NULL when the path is too long."""
    if not path:
        return 0
    result = rules.add_backslash(_get(ctx, path, wide))
    if result is None:
        return 0
    _put(ctx, path, result, wide)
    return _at(path, len(result), wide)


@export
def PathAddBackslashA(ctx, pszPath: LPSTR) -> LPSTR:
    return _add_backslash(ctx, pszPath, False)


@export
def PathAddBackslashW(ctx, pszPath: LPWSTR) -> LPWSTR:
    return _add_backslash(ctx, pszPath, True)


def _remove_backslash(ctx, path, wide):
    if not path:
        return 0
    text, index = rules.remove_backslash(_get(ctx, path, wide))
    _put(ctx, path, text, wide)
    return _at(path, index, wide)


@export
def PathRemoveBackslashA(ctx, pszPath: LPSTR) -> LPSTR:
    return _remove_backslash(ctx, pszPath, False)


@export
def PathRemoveBackslashW(ctx, pszPath: LPWSTR) -> LPWSTR:
    return _remove_backslash(ctx, pszPath, True)


def _rename_extension(ctx, path, ext, wide):
    if not ext:
        return 0
    new = _get(ctx, ext, wide)
    return 1 if _rewrite(ctx, path, wide, lambda p: rules.rename_extension(p, new)) else 0


@export
def PathRenameExtensionA(ctx, pszPath: LPSTR, pszExt: LPSTR) -> BOOL:
    return _rename_extension(ctx, pszPath, pszExt, False)


@export
def PathRenameExtensionW(ctx, pszPath: LPWSTR, pszExt: LPWSTR) -> BOOL:
    return _rename_extension(ctx, pszPath, pszExt, True)


@export
def PathAddExtensionA(ctx, pszPath: LPSTR, pszExt: LPSTR) -> BOOL:
    ext = _get(ctx, pszExt, False) if pszExt else None
    return 1 if _rewrite(ctx, pszPath, False, lambda p: rules.add_extension(p, ext)) else 0


@export
def PathAddExtensionW(ctx, pszPath: LPWSTR, pszExt: LPWSTR) -> BOOL:
    ext = _get(ctx, pszExt, True) if pszExt else None
    return 1 if _rewrite(ctx, pszPath, True, lambda p: rules.add_extension(p, ext)) else 0


@export
def PathQuoteSpacesA(ctx, lpsz: LPSTR) -> BOOL:
    return 1 if _rewrite(ctx, lpsz, False, rules.quote_spaces) else 0


@export
def PathQuoteSpacesW(ctx, lpsz: LPWSTR) -> BOOL:
    return 1 if _rewrite(ctx, lpsz, True, rules.quote_spaces) else 0


@export
def PathUnquoteSpacesA(ctx, lpsz: LPSTR) -> BOOL:
    return 1 if _rewrite(ctx, lpsz, False, rules.unquote_spaces) else 0


@export
def PathUnquoteSpacesW(ctx, lpsz: LPWSTR) -> BOOL:
    return 1 if _rewrite(ctx, lpsz, True, rules.unquote_spaces) else 0


@export
def PathGetDriveNumberA(ctx, pszPath: LPSTR) -> INT:
    return rules.get_drive_number(_get(ctx, pszPath, False)) if pszPath else -1


@export
def PathGetDriveNumberW(ctx, pszPath: LPWSTR) -> INT:
    return rules.get_drive_number(_get(ctx, pszPath, True)) if pszPath else -1


def _build_root(ctx, root, drive, wide):
    if root and 0 <= drive < 26:
        _put(ctx, root, chr(ord("A") + drive) + ":\\", wide)
    return root


@export
def PathBuildRootA(ctx, pszRoot: LPSTR, iDrive: INT) -> LPSTR:
    return _build_root(ctx, pszRoot, iDrive, False)


@export
def PathBuildRootW(ctx, pszRoot: LPWSTR, iDrive: INT) -> LPWSTR:
    return _build_root(ctx, pszRoot, iDrive, True)


# -- strings -----------------------------------------------------------------------------------------

def _str_chr(ctx, s, ch, wide, ignore_case):
    if not s:
        return 0
    return _at(s, rules.str_chr(_get(ctx, s, wide), _char(ch, wide), ignore_case), wide)


@export
def StrChrA(ctx, pszStart: LPSTR, wMatch: WORD) -> LPSTR:
    return _str_chr(ctx, pszStart, wMatch, False, False)


@export
def StrChrW(ctx, pszStart: LPWSTR, wMatch: WCHAR) -> LPWSTR:
    return _str_chr(ctx, pszStart, wMatch, True, False)


@export
def StrChrIA(ctx, pszStart: LPSTR, wMatch: WORD) -> LPSTR:
    return _str_chr(ctx, pszStart, wMatch, False, True)


@export
def StrChrIW(ctx, pszStart: LPWSTR, wMatch: WCHAR) -> LPWSTR:
    return _str_chr(ctx, pszStart, wMatch, True, True)


def _str_rchr(ctx, start, end, ch, wide, ignore_case):
    if not start:
        return 0
    text = _get(ctx, start, wide)
    if end:
        text = text[:max(0, (end - start) // (2 if wide else 1))]
    return _at(start, rules.str_rchr(text, _char(ch, wide), ignore_case), wide)


@export
def StrRChrA(ctx, pszStart: LPSTR, pszEnd: LPSTR, wMatch: WORD) -> LPSTR:
    return _str_rchr(ctx, pszStart, pszEnd, wMatch, False, False)


@export
def StrRChrW(ctx, pszStart: LPWSTR, pszEnd: LPWSTR, wMatch: WCHAR) -> LPWSTR:
    return _str_rchr(ctx, pszStart, pszEnd, wMatch, True, False)


@export
def StrRChrIA(ctx, pszStart: LPSTR, pszEnd: LPSTR, wMatch: WORD) -> LPSTR:
    return _str_rchr(ctx, pszStart, pszEnd, wMatch, False, True)


@export
def StrRChrIW(ctx, pszStart: LPWSTR, pszEnd: LPWSTR, wMatch: WCHAR) -> LPWSTR:
    return _str_rchr(ctx, pszStart, pszEnd, wMatch, True, True)


def _str_str(ctx, s, search, wide, ignore_case):
    if not s or not search:
        return 0
    return _at(s, rules.str_str(_get(ctx, s, wide), _get(ctx, search, wide), ignore_case), wide)


@export
def StrStrA(ctx, pszFirst: LPSTR, pszSrch: LPSTR) -> LPSTR:
    return _str_str(ctx, pszFirst, pszSrch, False, False)


@export
def StrStrW(ctx, pszFirst: LPWSTR, pszSrch: LPWSTR) -> LPWSTR:
    return _str_str(ctx, pszFirst, pszSrch, True, False)


@export
def StrStrIA(ctx, pszFirst: LPSTR, pszSrch: LPSTR) -> LPSTR:
    return _str_str(ctx, pszFirst, pszSrch, False, True)


@export
def StrStrIW(ctx, pszFirst: LPWSTR, pszSrch: LPWSTR) -> LPWSTR:
    return _str_str(ctx, pszFirst, pszSrch, True, True)


def _str_rstr(ctx, source, last, search, wide):
    if not source or not search:
        return 0
    text = _get(ctx, source, wide)
    if last:
        text = text[:max(0, (last - source) // (2 if wide else 1))]
    return _at(source, rules.str_rstr(text, _get(ctx, search, wide)), wide)


@export
def StrRStrIA(ctx, pszSource: LPSTR, pszLast: LPSTR, pszSrch: LPSTR) -> LPSTR:
    return _str_rstr(ctx, pszSource, pszLast, pszSrch, False)


@export
def StrRStrIW(ctx, pszSource: LPWSTR, pszLast: LPWSTR, pszSrch: LPWSTR) -> LPWSTR:
    return _str_rstr(ctx, pszSource, pszLast, pszSrch, True)


def _cmp(ctx, a, b, wide, ignore_case, n=None):
    sa = _get(ctx, a, wide) if a else ""
    sb = _get(ctx, b, wide) if b else ""
    result = rules.compare(sa, sb, ignore_case) if n is None else rules.compare_n(sa, sb, n, ignore_case)
    return result


@export
def StrCmpW(ctx, psz1: LPWSTR, psz2: LPWSTR) -> INT:
    return _cmp(ctx, psz1, psz2, True, False)


@export
def StrCmpIW(ctx, psz1: LPWSTR, psz2: LPWSTR) -> INT:
    return _cmp(ctx, psz1, psz2, True, True)


@export
def StrCmpNA(ctx, psz1: LPSTR, psz2: LPSTR, nChar: INT) -> INT:
    return _cmp(ctx, psz1, psz2, False, False, nChar)


@export
def StrCmpNW(ctx, psz1: LPWSTR, psz2: LPWSTR, nChar: INT) -> INT:
    return _cmp(ctx, psz1, psz2, True, False, nChar)


@export
def StrCmpNIA(ctx, psz1: LPSTR, psz2: LPSTR, nChar: INT) -> INT:
    return _cmp(ctx, psz1, psz2, False, True, nChar)


@export
def StrCmpNIW(ctx, psz1: LPWSTR, psz2: LPWSTR, nChar: INT) -> INT:
    return _cmp(ctx, psz1, psz2, True, True, nChar)


@export
def ChrCmpIA(ctx, w1: WORD, w2: WORD) -> BOOL:
    """0 when the two characters are equal ignoring case, else non-zero."""
    return 0 if rules.chr_equal_ignore_case(_char(w1, False), _char(w2, False)) else 1


@export
def ChrCmpIW(ctx, w1: WCHAR, w2: WCHAR) -> BOOL:
    return 0 if rules.chr_equal_ignore_case(_char(w1, True), _char(w2, True)) else 1


def _is_space(ch: str) -> int:
    return 1 if rules.is_space(ch) else 0


@export
def IsCharSpaceA(ctx, wch: CHAR) -> BOOL:
    return _is_space(_char(wch, False))


@export
def IsCharSpaceW(ctx, wch: WCHAR) -> BOOL:
    return _is_space(_char(wch, True))


def _to_int(ctx, s, wide):
    return rules.str_to_int(_get(ctx, s, wide)) if s else 0


@export
def StrToIntA(ctx, pszSrc: LPSTR) -> INT:
    return _to_int(ctx, pszSrc, False)


@export
def StrToIntW(ctx, pszSrc: LPWSTR) -> INT:
    return _to_int(ctx, pszSrc, True)


def _to_int_ex(ctx, s, flags, out, wide, size):
    """StrToInt(64)Ex: TRUE and the value, or FALSE with 0 stored, when the string has no number."""
    if not s or not out:
        return 0
    ok, value = rules.str_to_int64_ex(_get(ctx, s, wide), flags)
    ctx.write(out, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))
    return 1 if ok else 0


@export
def StrToIntExA(ctx, pszString: LPSTR, dwFlags: DWORD, piRet: LPVOID) -> BOOL:
    return _to_int_ex(ctx, pszString, dwFlags, piRet, False, 4)


@export
def StrToIntExW(ctx, pszString: LPWSTR, dwFlags: DWORD, piRet: LPVOID) -> BOOL:
    return _to_int_ex(ctx, pszString, dwFlags, piRet, True, 4)


@export
def StrToInt64ExA(ctx, pszString: LPSTR, dwFlags: DWORD, pllRet: LPVOID) -> BOOL:
    return _to_int_ex(ctx, pszString, dwFlags, pllRet, False, 8)


@export
def StrToInt64ExW(ctx, pszString: LPWSTR, dwFlags: DWORD, pllRet: LPVOID) -> BOOL:
    return _to_int_ex(ctx, pszString, dwFlags, pllRet, True, 8)


def _trim(ctx, s, chars, wide):
    if not s or not chars:
        return 0
    text = _get(ctx, s, wide)
    result = rules.str_trim(text, _get(ctx, chars, wide))
    if result == text:
        return 0
    _put(ctx, s, result, wide)
    return 1


@export
def StrTrimA(ctx, psz: LPSTR, pszTrimChars: LPSTR) -> BOOL:
    return _trim(ctx, psz, pszTrimChars, False)


@export
def StrTrimW(ctx, psz: LPWSTR, pszTrimChars: LPWSTR) -> BOOL:
    return _trim(ctx, psz, pszTrimChars, True)


def _span(ctx, s, chars, wide, rule, ignore_case=False):
    if not s or not chars:
        return 0
    return rule(_get(ctx, s, wide), _get(ctx, chars, wide), ignore_case)


@export
def StrSpnA(ctx, psz: LPSTR, pszSet: LPSTR) -> INT:
    return _span(ctx, psz, pszSet, False, rules.str_spn)


@export
def StrSpnW(ctx, psz: LPWSTR, pszSet: LPWSTR) -> INT:
    return _span(ctx, psz, pszSet, True, rules.str_spn)


@export
def StrCSpnA(ctx, pszStr: LPSTR, pszSet: LPSTR) -> INT:
    return _span(ctx, pszStr, pszSet, False, rules.str_cspn)


@export
def StrCSpnW(ctx, pszStr: LPWSTR, pszSet: LPWSTR) -> INT:
    return _span(ctx, pszStr, pszSet, True, rules.str_cspn)


@export
def StrCSpnIA(ctx, pszStr: LPSTR, pszSet: LPSTR) -> INT:
    return _span(ctx, pszStr, pszSet, False, rules.str_cspn, True)


@export
def StrCSpnIW(ctx, pszStr: LPWSTR, pszSet: LPWSTR) -> INT:
    return _span(ctx, pszStr, pszSet, True, rules.str_cspn, True)


def _pbrk(ctx, s, chars, wide):
    if not s or not chars:
        return 0
    return _at(s, rules.str_pbrk(_get(ctx, s, wide), _get(ctx, chars, wide)), wide)


@export
def StrPBrkA(ctx, psz: LPSTR, pszSet: LPSTR) -> LPSTR:
    return _pbrk(ctx, psz, pszSet, False)


@export
def StrPBrkW(ctx, psz: LPWSTR, pszSet: LPWSTR) -> LPWSTR:
    return _pbrk(ctx, psz, pszSet, True)


@export
def StrCpyW(ctx, psz1: LPWSTR, psz2: LPWSTR) -> LPWSTR:
    if psz1 and psz2:
        _put(ctx, psz1, _get(ctx, psz2, True), True)
    return psz1


@export
def StrCpyNW(ctx, pszDst: LPWSTR, pszSrc: LPWSTR, cchMax: INT) -> LPWSTR:
    """At most cchMax - 1 characters and the NUL; nothing at all for cchMax <= 0."""
    if pszDst and pszSrc and cchMax > 0:
        _put(ctx, pszDst, _get(ctx, pszSrc, True)[:cchMax - 1], True)
    return pszDst


@export
def StrCatW(ctx, psz1: LPWSTR, psz2: LPWSTR) -> LPWSTR:
    if psz1 and psz2:
        _put(ctx, psz1, _get(ctx, psz1, True) + _get(ctx, psz2, True), True)
    return psz1


def _cat_buff(ctx, dest, src, size, wide):
    """StrCatBuff: as much of src as fits in a buffer of `size` characters with its NUL."""
    if dest and src and size > 0:
        text = _get(ctx, dest, wide)
        room = size - len(text)
        if room > 0:
            _put(ctx, dest, text + _get(ctx, src, wide)[:room - 1], wide)
    return dest


@export
def StrCatBuffA(ctx, pszDest: LPSTR, pszSrc: LPSTR, cchDestBuffSize: INT) -> LPSTR:
    return _cat_buff(ctx, pszDest, pszSrc, cchDestBuffSize, False)


@export
def StrCatBuffW(ctx, pszDest: LPWSTR, pszSrc: LPWSTR, cchDestBuffSize: INT) -> LPWSTR:
    return _cat_buff(ctx, pszDest, pszSrc, cchDestBuffSize, True)


def _ncat(ctx, front, back, count, wide):
    """StrNCat: at most count - 1 characters of back appended, and the NUL."""
    if front and back and count > 0:
        _put(ctx, front, _get(ctx, front, wide) + _get(ctx, back, wide)[:count - 1], wide)
    return front


@export
def StrNCatA(ctx, psz1: LPSTR, psz2: LPSTR, cchMax: INT) -> LPSTR:
    return _ncat(ctx, psz1, psz2, cchMax, False)


@export
def StrNCatW(ctx, psz1: LPWSTR, psz2: LPWSTR, cchMax: INT) -> LPWSTR:
    return _ncat(ctx, psz1, psz2, cchMax, True)


# -- bad pointers ------------------------------------------------------------------------------------------
# shlwapi's functions do not probe their arguments: a bad pointer faults inside them.  Every export here
# turns a guest-memory error into that access violation, raised in the guest at the call (handlers of the
# program's own see it as Windows would let them), instead of an internal error.

def _bad_address(ctx, args) -> int:
    for value in args:
        if isinstance(value, int) and value:
            try:
                ctx.read(value, 1)
            except MemoryFault:
                return value
    return 0


def _faults_in_the_guest(func):
    @functools.wraps(func)
    def call(ctx, *args):
        try:
            return func(ctx, *args)
        except MemoryFault:
            from kernel.ke.exception import exception_record
            from ..ntdll.exception import raise_from_call
            raise_from_call(ctx, exception_record(STATUS_ACCESS_VIOLATION, ctx.return_eip,
                                                  (0, _bad_address(ctx, args))))
            return 0
    return call


STATUS_ACCESS_VIOLATION = 0xC0000005
for _export in list(globals().values()):
    _spec = getattr(_export, "__hle__", None)
    if _spec is not None:
        _spec.func = _faults_in_the_guest(_spec.func)
