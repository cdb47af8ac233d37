"""winbase.h / libloaderapi.h resources: FindResource(Ex)A/W, LoadResource, SizeofResource,
LockResource, FreeResource, EnumResourceTypesA/W, EnumResourceNamesA/W, EnumResourceLanguagesA/W.

They read the resource directory of the module mapped in guest memory (as LdrFindResource_U and
LdrAccessResource do): an HRSRC is the address of the IMAGE_RESOURCE_DATA_ENTRY, an HGLOBAL from
LoadResource the address of the data in the image (LockResource returns it; FreeResource does nothing).

Type and name arguments are integer IDs (MAKEINTRESOURCE: the high word 0), "#123" (the ID 123) or names,
compared case-insensitively.  The language: FindResource and FindResourceEx with LANG_NEUTRAL take the
first present of neutral, the user's default (en-US), English, the user and system default, else the
resource's first language; FindResourceEx with a language takes that language or its SUBLANG_NEUTRAL
form, else fails with ERROR_RESOURCE_LANG_NOT_FOUND.

`ResourceTree` walks a resource directory through any `read(rva, size)`, so version.dll uses it on the
bytes of a file too."""
from __future__ import annotations

import struct

from emu.status import MemoryFault

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HGLOBAL, HMODULE, LONG_PTR, LPVOID, PVOID, WORD
from kernel.ke.dispatch import GuestCall

ERROR_INVALID_HANDLE = 6
ERROR_NOACCESS = 998
ERROR_MOD_NOT_FOUND = 126
ERROR_RESOURCE_DATA_NOT_FOUND = 1812
ERROR_RESOURCE_TYPE_NOT_FOUND = 1813
ERROR_RESOURCE_NAME_NOT_FOUND = 1814
ERROR_RESOURCE_LANG_NOT_FOUND = 1815
ERROR_RESOURCE_ENUM_USER_STOP = 15106
NEUTRAL_ORDER = (0x0000, 0x0409, 0x0009, 0x0400, 0x0800)


class ResourceError(LookupError):
    def __init__(self, error: int, message: str):
        super().__init__(message)
        self.error = error


class ResourceTree:
    """The resource directory at `root` (an RVA), read through read(rva, size) -> bytes."""

    def __init__(self, read, root: int):
        self.read = read
        self.root = root

    def entries(self, directory: int) -> list[tuple[int | str, int]]:
        """[(ID or name, entry offset from the root with the directory bit)] of a directory (offset)."""
        named, ids = struct.unpack("<HH", self.read(self.root + directory + 12, 4))
        out = []
        raw = self.read(self.root + directory + 16, 8 * (named + ids)) if named + ids else b""
        for i in range(named + ids):
            name, target = struct.unpack_from("<II", raw, 8 * i)
            if name & 0x80000000:
                at = self.root + (name & 0x7FFFFFFF)
                length = struct.unpack("<H", self.read(at, 2))[0]
                key: int | str = self.read(at + 2, 2 * length).decode("utf-16-le", "replace")
            else:
                key = name & 0xFFFF
            out.append((key, target))
        return out

    def subdirectory(self, directory: int, wanted: int | str, error: int) -> int:
        for key, target in self.entries(directory):
            if _same(key, wanted) and target & 0x80000000:
                return target & 0x7FFFFFFF
        raise ResourceError(error, f"no resource {wanted!r}")

    def find(self, type_: int | str, name: int | str, language: int = 0) -> int:
        """The RVA of the IMAGE_RESOURCE_DATA_ENTRY (see the module doc for the language)."""
        names = self.subdirectory(0, type_, ERROR_RESOURCE_TYPE_NOT_FOUND)
        langs = self.subdirectory(names, name, ERROR_RESOURCE_NAME_NOT_FOUND)
        found = {key: target for key, target in self.entries(langs)
                 if isinstance(key, int) and not target & 0x80000000}
        if not found:
            raise ResourceError(ERROR_RESOURCE_LANG_NOT_FOUND, f"resource {name!r} has no language")
        if language:
            order = (language, language & 0x3FF)
        else:
            order = NEUTRAL_ORDER
        for lang in order:
            if lang in found:
                return self.root + found[lang]
        if language:
            raise ResourceError(ERROR_RESOURCE_LANG_NOT_FOUND, f"resource {name!r} has no language {language:#x}")
        return self.root + next(iter(found.values()))

    def data(self, entry: int) -> tuple[int, int]:
        """(data RVA, size) of a data entry."""
        return struct.unpack("<II", self.read(entry, 8))


def _same(key, wanted) -> bool:
    if isinstance(key, str) and isinstance(wanted, str):
        return key.upper() == wanted.upper()
    return key == wanted


def image_tree(read, base: int) -> ResourceTree | None:
    """The resource directory of the image mapped at base (RVAs relative to it), None without one."""
    e_lfanew = struct.unpack("<I", read(base + 0x3C, 4))[0]
    rva, size = struct.unpack("<II", read(base + e_lfanew + 0x18 + 0x60 + 8 * 2, 8))
    if not rva or not size:
        return None
    return ResourceTree(lambda at, n: read(base + at, n), rva)


def resource_key(ctx, value: int, wide: bool) -> int | str:
    """A type or name argument: an integer ID, "#nnn", or a name."""
    if value >> 16 == 0:
        return value
    text = ctx.read_wstr(value) if wide else ctx.read_str(value)
    if text.startswith("#"):
        try:
            return int(text[1:]) & 0xFFFF
        except ValueError:
            pass
    return text


def _module(ctx, hModule: int):
    """The loaded module hModule names (NULL: the program), or None."""
    base = hModule or ctx.process.image_base
    module = ctx.process.ldr.module_at(base & ~3) if ctx.process.ldr else None
    if module is None or module.base != base & ~3:
        return None
    return module


def find_resource(ctx, hModule: int, type_arg: int, name_arg: int, language: int, wide: bool) -> int:
    module = _module(ctx, hModule)
    if module is None:
        ctx.set_last_error(ERROR_RESOURCE_DATA_NOT_FOUND)
        return 0
    try:
        tree = image_tree(ctx.read, module.base)
        if tree is None:
            ctx.set_last_error(ERROR_RESOURCE_DATA_NOT_FOUND)
            return 0
        entry = tree.find(resource_key(ctx, type_arg, wide), resource_key(ctx, name_arg, wide), language)
    except ResourceError as e:
        ctx.set_last_error(e.error)
        return 0
    return module.base + entry


@export
@probe
def FindResourceW(ctx, hModule: HMODULE, lpName: LPVOID, lpType: LPVOID) -> PVOID:
    return find_resource(ctx, hModule, lpType, lpName, 0, True)


@export
@probe
def FindResourceA(ctx, hModule: HMODULE, lpName: LPVOID, lpType: LPVOID) -> PVOID:
    return find_resource(ctx, hModule, lpType, lpName, 0, False)


@export
@probe
def FindResourceExW(ctx, hModule: HMODULE, lpType: LPVOID, lpName: LPVOID, wLanguage: WORD) -> PVOID:
    return find_resource(ctx, hModule, lpType, lpName, wLanguage & 0xFFFF, True)


@export
@probe
def FindResourceExA(ctx, hModule: HMODULE, lpType: LPVOID, lpName: LPVOID, wLanguage: WORD) -> PVOID:
    return find_resource(ctx, hModule, lpType, lpName, wLanguage & 0xFFFF, False)


def _entry(ctx, hModule: int, hResInfo: int) -> tuple[int, int] | None:
    """(data address, size) of an HRSRC of module hModule (NULL: the program)."""
    module = _module(ctx, hModule)
    if module is None or not hResInfo:
        return None
    rva, size = struct.unpack("<II", ctx.read(hResInfo, 8))
    return module.base + rva, size


@export
@probe
def LoadResource(ctx, hModule: HMODULE, hResInfo: PVOID) -> HGLOBAL:
    """The address of the resource's data in the mapped image (NULL with ERROR_INVALID_HANDLE for a
    NULL HRSRC or a module that is not loaded)."""
    found = _entry(ctx, hModule, hResInfo)
    if found is None:
        ctx.set_last_error(ERROR_INVALID_HANDLE)
        return 0
    return found[0]


@export
@probe
def SizeofResource(ctx, hModule: HMODULE, hResInfo: PVOID) -> DWORD:
    found = _entry(ctx, hModule, hResInfo)
    if found is None:
        ctx.set_last_error(ERROR_INVALID_HANDLE)
        return 0
    return found[1]


@export
def LockResource(ctx, hResData: HGLOBAL) -> LPVOID:
    return hResData


@export
def FreeResource(ctx, hResData: HGLOBAL) -> BOOL:
    """Obsolete on 32-bit Windows: nothing to free, returns FALSE."""
    return 0


# -- enumeration -------------------------------------------------------------------------------------
def _enumerate(ctx, hModule: int, path: list, wide: bool):
    """The keys of the directory reached through `path` (type, then name), or raises ResourceError."""
    module = _module(ctx, hModule)
    if module is None:
        raise ResourceError(ERROR_MOD_NOT_FOUND, "no such module")
    tree = image_tree(ctx.read, module.base)
    if tree is None:
        raise ResourceError(ERROR_RESOURCE_DATA_NOT_FOUND, "no resources")
    directory = 0
    errors = (ERROR_RESOURCE_TYPE_NOT_FOUND, ERROR_RESOURCE_NAME_NOT_FOUND)
    for level, key in enumerate(path):
        directory = tree.subdirectory(directory, key, errors[level])
    return module, [key for key, _ in tree.entries(directory)]


def _run_enum(ctx, hModule, path, wide, callback, lParam, make_args):
    try:
        module, keys = _enumerate(ctx, hModule, path, wide)
    except ResourceError as e:
        ctx.set_last_error(e.error)
        return 0
    except MemoryFault:
        ctx.set_last_error(ERROR_NOACCESS)
        return 0
    strings = []
    try:
        for key in keys:
            if isinstance(key, str):
                data = key.encode("utf-16-le") + b"\0\0" if wide else \
                    key.encode(ctx.kernel.ansi_codepage, "replace") + b"\0"
                arg = ctx.process.heap.allocate(len(data))
                ctx.write(arg, data)
                strings.append(arg)
            else:
                arg = key
            keep_going = yield GuestCall(callback, make_args(module.base, arg, lParam), "resource enumeration callback")
            if not keep_going:
                ctx.set_last_error(ERROR_RESOURCE_ENUM_USER_STOP)
                return 0
    finally:
        for s in strings:
            ctx.process.heap.free(s)
    return 1


@export
def EnumResourceTypesW(ctx, hModule: HMODULE, lpEnumFunc: PVOID, lParam: LONG_PTR) -> BOOL:
    return (yield from _run_enum(ctx, hModule, [], True, lpEnumFunc, lParam, lambda m, k, p: (m, k, p)))


@export
def EnumResourceTypesA(ctx, hModule: HMODULE, lpEnumFunc: PVOID, lParam: LONG_PTR) -> BOOL:
    return (yield from _run_enum(ctx, hModule, [], False, lpEnumFunc, lParam, lambda m, k, p: (m, k, p)))


def _enum_names(ctx, hModule, lpType, lpEnumFunc, lParam, wide):
    try:
        path = [resource_key(ctx, lpType, wide)]
    except MemoryFault:
        ctx.set_last_error(ERROR_NOACCESS)
        return 0
    return (yield from _run_enum(ctx, hModule, path, wide, lpEnumFunc, lParam, lambda m, k, p: (m, lpType, k, p)))


@export
def EnumResourceNamesW(ctx, hModule: HMODULE, lpType: LPVOID, lpEnumFunc: PVOID, lParam: LONG_PTR) -> BOOL:
    return (yield from _enum_names(ctx, hModule, lpType, lpEnumFunc, lParam, True))


@export
def EnumResourceNamesA(ctx, hModule: HMODULE, lpType: LPVOID, lpEnumFunc: PVOID, lParam: LONG_PTR) -> BOOL:
    return (yield from _enum_names(ctx, hModule, lpType, lpEnumFunc, lParam, False))


def _enum_languages(ctx, hModule, lpType, lpName, lpEnumFunc, lParam, wide):
    try:
        path = [resource_key(ctx, lpType, wide), resource_key(ctx, lpName, wide)]
    except MemoryFault:
        ctx.set_last_error(ERROR_NOACCESS)
        return 0
    return (yield from _run_enum(ctx, hModule, path, wide, lpEnumFunc, lParam,
                                 lambda m, k, p: (m, lpType, lpName, k, p)))


@export
def EnumResourceLanguagesW(ctx, hModule: HMODULE, lpType: LPVOID, lpName: LPVOID, lpEnumFunc: PVOID,
                           lParam: LONG_PTR) -> BOOL:
    return (yield from _enum_languages(ctx, hModule, lpType, lpName, lpEnumFunc, lParam, True))


@export
def EnumResourceLanguagesA(ctx, hModule: HMODULE, lpType: LPVOID, lpName: LPVOID, lpEnumFunc: PVOID,
                           lParam: LONG_PTR) -> BOOL:
    return (yield from _enum_languages(ctx, hModule, lpType, lpName, lpEnumFunc, lParam, False))
