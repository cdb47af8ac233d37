"""processenv.h: the environment block (in guest memory, RTL_USER_PROCESS_PARAMETERS.Environment),
the current directory (RTL_USER_PROCESS_PARAMETERS.CurrentDirectory, through ntdll's path
functions) and SearchPath."""
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, LPCSTR, LPCWSTR, LPSTR, LPVOID, LPWSTR
from kernel.hle.probe import probe
from kernel.rtl.status import NtError
from ..ntdll.path import current_directory, set_current_directory

ERROR_ENVVAR_NOT_FOUND = 203


def environment(ctx) -> list[tuple[str, str]]:
    S = ctx.process.structs
    block = ctx.read_u32(ctx.process.params + S.RTL_USER_PROCESS_PARAMETERS.offsetof("Environment"))
    out = []
    pos = block
    while True:
        entry = ctx.read_wstr(pos)
        if not entry:
            break
        pos += 2 * len(entry) + 2
        name, sep, value = entry[1:].partition("=")
        out.append((entry[0] + name, value) if sep else (entry, ""))
    return out


def set_environment(ctx, entries: list[tuple[str, str]]) -> None:
    S = ctx.process.structs
    P = S.RTL_USER_PROCESS_PARAMETERS
    data = ("".join(f"{k}={v}\0" for k, v in entries) + "\0").encode("utf-16-le")
    block = ctx.process.heap.allocate(len(data))
    ctx.write(block, data)
    ctx.write_u32(ctx.process.params + P.offsetof("Environment"), block)
    from kernel.structs.guestmem import has_field
    if has_field(P, "EnvironmentSize"):              # Vista and later
        ctx.write_u32(ctx.process.params + P.offsetof("EnvironmentSize"), len(data))


def lookup(ctx, name: str) -> str | None:
    for k, v in environment(ctx):
        if k.upper() == name.upper():
            return v
    return None


def _copy_out(ctx, value: str | None, buf: int, size: int, wide: bool) -> int:
    if value is None:
        ctx.set_last_error(ERROR_ENVVAR_NOT_FOUND)
        return 0
    data = value.encode("utf-16-le") if wide else value.encode(ctx.kernel.ansi_codepage, "replace")
    unit = 2 if wide else 1
    chars = len(data) // unit
    if chars + 1 > size:
        return chars + 1
    ctx.write(buf, data + b"\0" * unit)
    return chars


@export
def GetEnvironmentVariableA(ctx, lpName: LPCSTR, lpBuffer: LPSTR, nSize: DWORD) -> DWORD:
    return _copy_out(ctx, lookup(ctx, lpName or ""), lpBuffer, nSize, False)


@export
def GetEnvironmentVariableW(ctx, lpName: LPCWSTR, lpBuffer: LPWSTR, nSize: DWORD) -> DWORD:
    return _copy_out(ctx, lookup(ctx, lpName or ""), lpBuffer, nSize, True)


def _set(ctx, name: str | None, value: str | None) -> int:
    if not name or "=" in name[1:]:
        ctx.set_last_error(87)
        return 0
    entries = [(k, v) for k, v in environment(ctx) if k.upper() != name.upper()]
    if value is not None:
        entries.append((name, value))
        entries.sort(key=lambda kv: kv[0].upper())
    set_environment(ctx, entries)
    return 1


@export
def SetEnvironmentVariableA(ctx, lpName: LPCSTR, lpValue: LPCSTR) -> BOOL:
    return _set(ctx, lpName, lpValue)


@export
def SetEnvironmentVariableW(ctx, lpName: LPCWSTR, lpValue: LPCWSTR) -> BOOL:
    return _set(ctx, lpName, lpValue)


@export
def GetEnvironmentStringsW(ctx) -> LPVOID:
    data = ("".join(f"{k}={v}\0" for k, v in environment(ctx)) + "\0").encode("utf-16-le")
    block = ctx.process.heap.allocate(len(data))
    ctx.write(block, data)
    return block


@export
def GetEnvironmentStringsA(ctx) -> LPVOID:
    data = ("".join(f"{k}={v}\0" for k, v in environment(ctx)) + "\0").encode(ctx.kernel.ansi_codepage, "replace")
    block = ctx.process.heap.allocate(len(data))
    ctx.write(block, data)
    return block


@export(name="GetEnvironmentStrings")
def GetEnvironmentStrings(ctx) -> LPVOID:
    return GetEnvironmentStringsA(ctx)


@export
def FreeEnvironmentStringsA(ctx, penv: LPVOID) -> BOOL:
    return 1 if ctx.process.heap.free(penv) else 0


@export
def FreeEnvironmentStringsW(ctx, penv: LPVOID) -> BOOL:
    return 1 if ctx.process.heap.free(penv) else 0


def expand_environment(ctx, text: str) -> str:
    """RtlExpandEnvironmentStrings_U: every %NAME% of a defined variable becomes its value (names
    compare case-insensitively); an undefined one and a lone % stay as they are."""
    out = []
    i = 0
    while i < len(text):
        if text[i] != "%":
            j = text.find("%", i)
            j = len(text) if j < 0 else j
            out.append(text[i:j])
            i = j
            continue
        j = text.find("%", i + 1)
        if j < 0:
            out.append(text[i:])
            break
        value = lookup(ctx, text[i + 1:j]) if j > i + 1 else None
        if value is None:
            out.append(text[i:j])            # "%NAME" stays; the closing % may open the next one
            i = j
        else:
            out.append(value)
            i = j + 1
    return "".join(out)


def _expand(ctx, source: str | None, buffer: int, size: int, wide: bool) -> int:
    """ExpandEnvironmentStrings' convention: characters *with* the NUL, stored or needed."""
    if source is None:
        ctx.set_last_error(87)
        return 0
    text = expand_environment(ctx, source)
    data = text.encode("utf-16-le", "surrogatepass") if wide else text.encode(ctx.kernel.ansi_codepage, "replace")
    unit = 2 if wide else 1
    needed = len(data) // unit + 1
    if buffer and needed <= size:
        ctx.write(buffer, data + b"\0" * unit)
    return needed


@export
@probe
def ExpandEnvironmentStringsW(ctx, lpSrc: LPCWSTR, lpDst: LPWSTR, nSize: DWORD) -> DWORD:
    return _expand(ctx, lpSrc, lpDst, nSize, True)


@export
@probe
def ExpandEnvironmentStringsA(ctx, lpSrc: LPCSTR, lpDst: LPSTR, nSize: DWORD) -> DWORD:
    return _expand(ctx, lpSrc, lpDst, nSize, False)


@export
def GetCurrentDirectoryA(ctx, nBufferLength: DWORD, lpBuffer: LPSTR) -> DWORD:
    return _copy_out(ctx, current_directory(ctx), lpBuffer, nBufferLength, False)


@export
def GetCurrentDirectoryW(ctx, nBufferLength: DWORD, lpBuffer: LPWSTR) -> DWORD:
    return _copy_out(ctx, current_directory(ctx), lpBuffer, nBufferLength, True)


@export
@probe
def SetCurrentDirectoryA(ctx, lpPathName: LPCSTR) -> BOOL:
    set_current_directory(ctx, lpPathName or "")
    return 1


@export
@probe
def SetCurrentDirectoryW(ctx, lpPathName: LPCWSTR) -> BOOL:
    set_current_directory(ctx, lpPathName or "")
    return 1


def search_path(ctx, path: str | None, name: str | None, extension: str | None) -> str | None:
    """SearchPath: the full path of the first existing file or folder named `name` (plus
    `extension` if the name has no period) in the folders of `path`, or in the default order:
    the program's folder, the current folder, System32, the Windows folder, then PATH."""
    from kernel.rtl import paths
    cwd = current_directory(ctx)
    io = ctx.kernel.io

    def exists(candidate: str) -> str | None:
        try:
            full = paths.full_path_name(candidate, cwd)[0]
            return full if io.resolve(full, cwd).exists else None
        except NtError:
            return None
    if "." in name:
        extension = None
    kind = paths.path_type(name)
    explicit = kind != paths.PATH_RELATIVE or name.startswith((".\\", "./", "..\\", "../"))
    if explicit:
        return exists(name) or (exists(name + extension) if extension else None)
    if path is not None:
        folders = path.split(";")
    else:
        folders = [paths.dirname(ctx.process.image_path), cwd, ctx.kernel.system_directory,
                   ctx.kernel.windows_directory] + (lookup(ctx, "PATH") or "").split(";")
    for folder in folders:
        if not folder:
            continue
        base = folder if folder.endswith(("\\", "/")) else folder + "\\"
        found = exists(base + name + (extension or ""))
        if found:
            return found
    return None


def _search_path(ctx, path, name, extension, size, buffer, file_part, wide) -> int:
    if not name:
        ctx.set_last_error(87)
        return 0
    found = search_path(ctx, path, name, extension)
    if found is None:
        ctx.set_last_error(2)                       # ERROR_FILE_NOT_FOUND
        return 0
    data = found.encode("utf-16-le") if wide else found.encode(ctx.kernel.ansi_codepage, "replace")
    unit = 2 if wide else 1
    if len(data) // unit + 1 > size:
        return len(data) // unit + 1
    ctx.write(buffer, data + b"\0" * unit)
    if file_part:
        slash = found.rfind("\\")
        prefix = found[:slash + 1]
        offset = len(prefix.encode("utf-16-le") if wide else prefix.encode(ctx.kernel.ansi_codepage, "replace"))
        ctx.write_u32(file_part, buffer + offset if slash < len(found) - 1 else 0)
    return len(data) // unit


@export
@probe
def SearchPathW(ctx, lpPath: LPCWSTR, lpFileName: LPCWSTR, lpExtension: LPCWSTR, nBufferLength: DWORD,
                lpBuffer: LPWSTR, lpFilePart: LPVOID) -> DWORD:
    return _search_path(ctx, lpPath, lpFileName, lpExtension, nBufferLength, lpBuffer, lpFilePart, True)


@export
@probe
def SearchPathA(ctx, lpPath: LPCSTR, lpFileName: LPCSTR, lpExtension: LPCSTR, nBufferLength: DWORD,
                lpBuffer: LPSTR, lpFilePart: LPVOID) -> DWORD:
    return _search_path(ctx, lpPath, lpFileName, lpExtension, nBufferLength, lpBuffer, lpFilePart, False)
