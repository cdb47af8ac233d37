"""winuser.h: what a console program takes from user32 without a window: MessageBox (printed, not
shown), wsprintf, the Char* string functions, GetSystemMetrics, LoadString, and the window queries
that have no window to name.

* MessageBoxA/W, MessageBoxExA/W print `MessageBox: <caption>: <text>` on the process's console
  stderr (and as a boot-trace event) and return what pressing Enter would: the default button
  (MB_DEFBUTTON1..4, the first button when the number is out of range or names the Help button), so
  MB_OK gives IDOK, MB_YESNO IDYES, MB_YESNO|MB_DEFBUTTON2 IDNO.  A NULL caption is "Error", as on
  Windows; a button set above MB_CANCELTRYCONTINUE fails with ERROR_INVALID_MSGBOX_STYLE.
* The Char* functions work in the ANSI code page (1252) and UTF-16 with the same case mapping and
  character types as LCMapString/GetStringType (kernel/nls); CharUpper/CharLower take a pointer whose
  high word is 0 as one character; CharNextW/CharPrevW step over combining marks (Vista and later).
* GetSystemMetrics answers for one 1024x768 monitor with a mouse and Windows 7's default sizes at
  96 DPI; other indices return 0 (as Windows does for an index it does not know).
* GetDesktopWindow and GetForegroundWindow return NULL: there is no window manager (Windows always has
  a desktop window; programs that pass it to other window functions find those unimplemented).
* LoadStringA/W read RT_STRING blocks from the module's resource directory in guest memory
  (loader/image.py find_resource).

A bad guest pointer makes these return 0 (CharUpper/CharLower: NULL with ERROR_INVALID_PARAMETER, as
their exception handler does on Windows; others: ERROR_NOACCESS) where Windows may raise an access
violation in the caller.
"""
from __future__ import annotations

import struct
import unicodedata


from kernel.io.console import console_write
from ...hle.registry import export
from ...hle.types import CHAR, DWORD, HINSTANCE, HWND, INT, LPCSTR, LPCWSTR, LPSTR, LPWSTR, UINT, va_list, WCHAR, WORD
from kernel.ke.dispatch import VarArgs
from ...nls import codepage as CP
from ...nls import locale as L
from kernel.hle.probe import probe
from kernel.rtl.status import NtError
from . import wsprintf as W

ERROR_INVALID_PARAMETER = 87
ERROR_RESOURCE_DATA_NOT_FOUND = 1812
ERROR_RESOURCE_TYPE_NOT_FOUND = 1813
ERROR_RESOURCE_NAME_NOT_FOUND = 1814
ERROR_RESOURCE_LANG_NOT_FOUND = 1815
ERROR_INVALID_MSGBOX_STYLE = 1438


# -- MessageBox -----------------------------------------------------------------------------------------
IDOK, IDCANCEL, IDABORT, IDRETRY, IDIGNORE, IDYES, IDNO, IDHELP, IDTRYAGAIN, IDCONTINUE = 1, 2, 3, 4, 5, 6, 7, 9, 10, 11
MB_TYPEMASK, MB_DEFMASK, MB_HELP = 0x0F, 0x0F00, 0x4000
BUTTONS = {
    0: (IDOK,),                          # MB_OK
    1: (IDOK, IDCANCEL),                 # MB_OKCANCEL
    2: (IDABORT, IDRETRY, IDIGNORE),     # MB_ABORTRETRYIGNORE
    3: (IDYES, IDNO, IDCANCEL),          # MB_YESNOCANCEL
    4: (IDYES, IDNO),                    # MB_YESNO
    5: (IDRETRY, IDCANCEL),              # MB_RETRYCANCEL
    6: (IDCANCEL, IDTRYAGAIN, IDCONTINUE),  # MB_CANCELTRYCONTINUE
}


def message_box_answer(style: int) -> int | None:
    """The button a message box of this style returns when Enter is pressed (None: invalid style)."""
    buttons = BUTTONS.get(style & MB_TYPEMASK)
    if buttons is None:
        return None
    index = (style & MB_DEFMASK) >> 8
    return buttons[index] if index < len(buttons) else buttons[0]   # the Help button does not close it


def message_box(ctx, text: str | None, caption: str | None, style: int) -> int:
    answer = message_box_answer(style)
    if answer is None:
        ctx.set_last_error(ERROR_INVALID_MSGBOX_STYLE)
        return 0
    caption = "Error" if caption is None else caption
    text = text or ""
    line = f"MessageBox: {caption}: {text}\n"
    console_write(ctx.kernel, ctx.process, "error", line.encode(ctx.kernel.oem_codepage, "replace"))
    ctx.kernel.trace.event("MessageBox", f"{caption}: {text}", style=f"{style:#x}", answer=answer)
    return answer


@export
def MessageBoxA(ctx, hWnd: HWND, lpText: LPCSTR, lpCaption: LPCSTR, uType: UINT) -> INT:
    return message_box(ctx, lpText, lpCaption, uType)


@export
def MessageBoxW(ctx, hWnd: HWND, lpText: LPCWSTR, lpCaption: LPCWSTR, uType: UINT) -> INT:
    return message_box(ctx, lpText, lpCaption, uType)


@export
def MessageBoxExA(ctx, hWnd: HWND, lpText: LPCSTR, lpCaption: LPCSTR, uType: UINT, wLanguageId: WORD) -> INT:
    return message_box(ctx, lpText, lpCaption, uType)


@export
def MessageBoxExW(ctx, hWnd: HWND, lpText: LPCWSTR, lpCaption: LPCWSTR, uType: UINT, wLanguageId: WORD) -> INT:
    return message_box(ctx, lpText, lpCaption, uType)


# -- wsprintf ---------------------------------------------------------------------------------------------
class _GuestMemory(W.Memory):
    def __init__(self, ctx):
        self.ctx = ctx

    def narrow(self, address: int, limit: int) -> bytes:
        return self.ctx.read_cstr(address, limit)[:limit]

    def wide(self, address: int, limit: int) -> list[int]:
        raw = self.ctx.read_wcstr(address, 2 * limit)[:2 * limit]
        return list(struct.unpack(f"<{len(raw) // 2}H", raw[:len(raw) & ~1]))

    def to_ansi(self, units: list[int]) -> bytes:
        return CP.encode(CP.ACP, 0, units)[0]

    def to_wide(self, data: bytes) -> list[int]:
        return CP.decode(CP.ACP, 0, data)


def _format(ctx, buffer: int, fmt_address: int, args, wide: bool) -> int:
    if wide:
        raw = ctx.read_wcstr(fmt_address)
        fmt = list(struct.unpack(f"<{len(raw) // 2}H", raw))
    else:
        fmt = list(ctx.read_cstr(fmt_address))
    out = W.format_units(fmt, args, _GuestMemory(ctx), wide)
    if wide:
        ctx.write(buffer, struct.pack(f"<{len(out)}H", *out) + b"\0\0")
    else:
        ctx.write(buffer, bytes(out) + b"\0")
    return len(out)


@export(conv="cdecl")
@probe
def wsprintfA(ctx, unnamedParam1: LPSTR, unnamedParam2: LPSTR, *args) -> INT:
    return _format(ctx, unnamedParam1, unnamedParam2, args[0], False)


@export(conv="cdecl")
@probe
def wsprintfW(ctx, unnamedParam1: LPWSTR, unnamedParam2: LPWSTR, *args) -> INT:
    return _format(ctx, unnamedParam1, unnamedParam2, args[0], True)


@export
@probe
def wvsprintfA(ctx, unnamedParam1: LPSTR, unnamedParam2: LPSTR, arglist: va_list) -> INT:
    return _format(ctx, unnamedParam1, unnamedParam2, VarArgs(ctx.machine, arglist), False)


@export
@probe
def wvsprintfW(ctx, unnamedParam1: LPWSTR, unnamedParam2: LPWSTR, arglist: va_list) -> INT:
    return _format(ctx, unnamedParam1, unnamedParam2, VarArgs(ctx.machine, arglist), True)


# -- characters -----------------------------------------------------------------------------------------
def _ansi_unit(byte: int) -> int:
    return CP.decode(CP.ACP, 0, bytes([byte & 0xFF]))[0]


def _map_ansi(byte: int, mapping) -> int:
    """A byte of the ANSI code page through a UTF-16 mapping; unchanged when the result has no exact
    ANSI form (so 'ÿ' 0xFF upper-cases to 'Ÿ' 0x9F, and 'µ' stays)."""
    mapped = mapping(_ansi_unit(byte))
    data, used_default = CP.encode(CP.ACP, CP.WC_NO_BEST_FIT_CHARS, [mapped])
    return byte if used_default or len(data) != 1 else data[0]


def _check_writable(ctx, address: int, size: int) -> None:
    """The guest could not write there (a string literal in .rdata ...): an access violation."""
    page = address & ~0xFFF
    while page < address + size:
        prot = ctx.process.memory.page_protection(page) or 0
        if not prot & 0xCC or prot & 0x100:           # no READWRITE/WRITECOPY (EXECUTE_) bit, or a guard page
            raise NtError("STATUS_ACCESS_VIOLATION", f"{address:#x}: not writable")
        page += 0x1000


def _case_string_a(ctx, address: int, length: int | None, mapping) -> int:
    data = ctx.read_cstr(address) if length is None else bytes(ctx.read(address, length))
    _check_writable(ctx, address, len(data))
    ctx.write(address, bytes(_map_ansi(b, mapping) for b in data))
    return len(data)


def _case_string_w(ctx, address: int, length: int | None, mapping) -> int:
    raw = ctx.read_wcstr(address) if length is None else bytes(ctx.read(address, 2 * length))
    units = struct.unpack(f"<{len(raw) // 2}H", raw)
    _check_writable(ctx, address, len(raw))
    ctx.write(address, struct.pack(f"<{len(units)}H", *(mapping(u) for u in units)))
    return len(units)


def _char_or_string(ctx, value: int, wide: bool, mapping) -> int:
    """CharUpper/CharLower: a value whose high word is 0 is a character, else a string changed in place."""
    if not value >> 16:
        if wide:
            return mapping(value & 0xFFFF)
        return _map_ansi(value & 0xFF, mapping)
    try:
        (_case_string_w if wide else _case_string_a)(ctx, value, None, mapping)
    except NtError:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    return value


@export
def CharUpperA(ctx, lpsz: LPSTR) -> LPSTR:
    return _char_or_string(ctx, lpsz, False, L.upper)


@export
def CharUpperW(ctx, lpsz: LPWSTR) -> LPWSTR:
    return _char_or_string(ctx, lpsz, True, L.upper)


@export
def CharLowerA(ctx, lpsz: LPSTR) -> LPSTR:
    return _char_or_string(ctx, lpsz, False, L.lower)


@export
def CharLowerW(ctx, lpsz: LPWSTR) -> LPWSTR:
    return _char_or_string(ctx, lpsz, True, L.lower)


@export
@probe
def CharUpperBuffA(ctx, lpsz: LPSTR, cchLength: DWORD) -> DWORD:
    return _case_string_a(ctx, lpsz, cchLength, L.upper) if cchLength else 0


@export
@probe
def CharUpperBuffW(ctx, lpsz: LPWSTR, cchLength: DWORD) -> DWORD:
    return _case_string_w(ctx, lpsz, cchLength, L.upper) if cchLength else 0


@export
@probe
def CharLowerBuffA(ctx, lpsz: LPSTR, cchLength: DWORD) -> DWORD:
    return _case_string_a(ctx, lpsz, cchLength, L.lower) if cchLength else 0


@export
@probe
def CharLowerBuffW(ctx, lpsz: LPWSTR, cchLength: DWORD) -> DWORD:
    return _case_string_w(ctx, lpsz, cchLength, L.lower) if cchLength else 0


def _combining(unit: int) -> bool:
    return not 0xD800 <= unit <= 0xDFFF and unicodedata.combining(chr(unit)) != 0


@export
@probe
def CharNextA(ctx, lpsz: LPSTR) -> LPSTR:
    # code page 1252 has one byte per character
    return lpsz + 1 if ctx.read(lpsz, 1)[0] else lpsz


@export
@probe
def CharNextW(ctx, lpsz: LPWSTR) -> LPWSTR:
    if not ctx.read_u16(lpsz):
        return lpsz
    lpsz += 2
    while _combining(ctx.read_u16(lpsz)):       # a NUL is not combining: the walk stops there
        lpsz += 2
    return lpsz


@export
def CharPrevA(ctx, lpszStart: LPSTR, lpszCurrent: LPSTR) -> LPSTR:
    return lpszCurrent if lpszCurrent <= lpszStart else lpszCurrent - 1


@export
def CharPrevExA(ctx, CodePage: WORD, lpStart: LPSTR, lpCurrentChar: LPSTR, dwFlags: DWORD) -> LPSTR:
    """One byte back, never before lpStart: the ANSI/OEM code pages ntboot has (1252, 437) are
    single-byte, so no lead bytes are looked at (DBCS code pages are not modelled)."""
    return lpCurrentChar if lpCurrentChar <= lpStart else lpCurrentChar - 1


@export
@probe
def CharPrevW(ctx, lpszStart: LPWSTR, lpszCurrent: LPWSTR) -> LPWSTR:
    if lpszCurrent <= lpszStart:
        return lpszCurrent
    p = lpszCurrent - 2
    while p > lpszStart and _combining(ctx.read_u16(p)):
        p -= 2
    return p


def _ctype_a(ch: int) -> int:
    return L.ctype1(_ansi_unit(ch))


@export
def IsCharAlphaA(ctx, ch: CHAR) -> INT:
    return 1 if _ctype_a(ch) & L.C1_ALPHA else 0


@export
def IsCharAlphaW(ctx, ch: WCHAR) -> INT:
    return 1 if L.ctype1(ch & 0xFFFF) & L.C1_ALPHA else 0


@export
def IsCharAlphaNumericA(ctx, ch: CHAR) -> INT:
    return 1 if _ctype_a(ch) & (L.C1_ALPHA | L.C1_DIGIT) else 0


@export
def IsCharAlphaNumericW(ctx, ch: WCHAR) -> INT:
    return 1 if L.ctype1(ch & 0xFFFF) & (L.C1_ALPHA | L.C1_DIGIT) else 0


@export
def IsCharUpperA(ctx, ch: CHAR) -> INT:
    return 1 if _ctype_a(ch) & L.C1_UPPER else 0


@export
def IsCharUpperW(ctx, ch: WCHAR) -> INT:
    return 1 if L.ctype1(ch & 0xFFFF) & L.C1_UPPER else 0


@export
def IsCharLowerA(ctx, ch: CHAR) -> INT:
    return 1 if _ctype_a(ch) & L.C1_LOWER else 0


@export
def IsCharLowerW(ctx, ch: WCHAR) -> INT:
    return 1 if L.ctype1(ch & 0xFFFF) & L.C1_LOWER else 0


# -- the screen and windows --------------------------------------------------------------------------------
# one 1024x768 monitor, a three-button mouse with a wheel, Windows 7's default theme at 96 DPI
SYSTEM_METRICS = {
    0: 1024,    # SM_CXSCREEN
    1: 768,     # SM_CYSCREEN
    2: 17,      # SM_CXVSCROLL
    3: 17,      # SM_CYHSCROLL
    5: 1,       # SM_CXBORDER
    6: 1,       # SM_CYBORDER
    9: 17,      # SM_CYVTHUMB
    10: 17,     # SM_CXHTHUMB
    11: 32,     # SM_CXICON
    12: 32,     # SM_CYICON
    13: 32,     # SM_CXCURSOR
    14: 32,     # SM_CYCURSOR
    19: 1,      # SM_MOUSEPRESENT
    20: 17,     # SM_CYVSCROLL
    21: 17,     # SM_CXHSCROLL
    22: 0,      # SM_DEBUG
    23: 0,      # SM_SWAPBUTTON
    36: 4,      # SM_CXDOUBLECLK
    37: 4,      # SM_CYDOUBLECLK
    42: 0,      # SM_DBCSENABLED
    43: 3,      # SM_CMOUSEBUTTONS
    44: 0,      # SM_SECURE
    49: 16,     # SM_CXSMICON
    50: 16,     # SM_CYSMICON
    63: 3,      # SM_NETWORK (bit 0: a network is present)
    67: 0,      # SM_CLEANBOOT (normal boot)
    68: 4,      # SM_CXDRAG
    69: 4,      # SM_CYDRAG
    73: 0,      # SM_SLOWMACHINE
    74: 0,      # SM_MIDEASTENABLED
    75: 1,      # SM_MOUSEWHEELPRESENT
    76: 0,      # SM_XVIRTUALSCREEN
    77: 0,      # SM_YVIRTUALSCREEN
    78: 1024,   # SM_CXVIRTUALSCREEN
    79: 768,    # SM_CYVIRTUALSCREEN
    80: 1,      # SM_CMONITORS
    81: 1,      # SM_SAMEDISPLAYFORMAT
    82: 0,      # SM_IMMENABLED
    86: 0,      # SM_TABLETPC
    87: 0,      # SM_MEDIACENTER
    88: 0,      # SM_STARTER
    89: 0,      # SM_SERVERR2
    0x1000: 0,  # SM_REMOTESESSION
    0x2000: 0,  # SM_SHUTTINGDOWN
    0x2001: 0,  # SM_REMOTECONTROL
}


@export
def GetSystemMetrics(ctx, nIndex: INT) -> INT:
    return SYSTEM_METRICS.get(nIndex, 0)


@export
def GetDesktopWindow(ctx) -> HWND:
    return 0


@export
def GetForegroundWindow(ctx) -> HWND:
    return 0


# -- string resources ------------------------------------------------------------------------------------
RT_STRING = 6
_NOT_FOUND = {"directory": ERROR_RESOURCE_DATA_NOT_FOUND, "type": ERROR_RESOURCE_TYPE_NOT_FOUND,
              "name": ERROR_RESOURCE_NAME_NOT_FOUND, "language": ERROR_RESOURCE_LANG_NOT_FOUND}


def find_string(ctx, instance: int, uid: int) -> tuple[int, int] | None:
    """(address of the string's characters, length in characters) of string uid in the module's string
    table (blocks of 16: block uid/16 + 1, entries WORD length + characters); None and the last error
    when the resource is missing."""
    from loader.image import ResourceNotFound, find_resource
    base = instance or ctx.process.image_base
    module = ctx.process.ldr.module_at(base) if ctx.process.ldr else None
    if module is None or module.base != base:
        ctx.set_last_error(ERROR_RESOURCE_DATA_NOT_FOUND)
        return None
    uid &= 0xFFFF
    try:
        rva, size, _ = find_resource(ctx.read, base, RT_STRING, (uid >> 4) + 1)
    except ResourceNotFound as e:
        ctx.set_last_error(_NOT_FOUND[e.level])
        return None
    at, end = base + rva, base + rva + size
    for _ in range(uid & 15):
        if at + 2 > end:
            ctx.set_last_error(ERROR_RESOURCE_NAME_NOT_FOUND)
            return None
        at += 2 + 2 * ctx.read_u16(at)
    if at + 2 > end:
        ctx.set_last_error(ERROR_RESOURCE_NAME_NOT_FOUND)
        return None
    return at + 2, ctx.read_u16(at)


@export
@probe
def LoadStringW(ctx, hInstance: HINSTANCE, uID: UINT, lpBuffer: LPWSTR, cchBufferMax: INT) -> INT:
    if not lpBuffer:
        return 0
    found = find_string(ctx, hInstance, uID)
    if found is None:
        return 0
    chars, length = found
    if cchBufferMax == 0:
        # no buffer size: lpBuffer receives a pointer to the resource's own (read-only, unterminated) text
        ctx.write_u32(lpBuffer, chars)
        return length
    n = min(cchBufferMax - 1, length)
    if n > 0:
        ctx.write(lpBuffer, bytes(ctx.read(chars, 2 * n)) + b"\0\0")
        return n
    if cchBufferMax > 1:
        ctx.write(lpBuffer, b"\0\0")
    return 0


@export
@probe
def LoadStringA(ctx, hInstance: HINSTANCE, uID: UINT, lpBuffer: LPSTR, cchBufferMax: INT) -> INT:
    if cchBufferMax == 0:
        return -1
    found = find_string(ctx, hInstance, uID)
    data = b""
    if found is not None:
        chars, length = found
        raw = bytes(ctx.read(chars, 2 * length))
        units = list(struct.unpack(f"<{length}H", raw))
        data = CP.encode(CP.ACP, 0, units)[0][:max(0, cchBufferMax - 1)]
    ctx.write(lpBuffer, data + b"\0")
    return len(data)
