"""processenv.h: the environment block (in guest memory, RTL_USER_PROCESS_PARAMETERS.Environment)
and the current directory."""
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, LPCSTR, LPCWSTR, LPSTR, LPVOID, LPWSTR

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


@export
def GetCurrentDirectoryA(ctx, nBufferLength: DWORD, lpBuffer: LPSTR) -> DWORD:
    return _copy_out(ctx, ctx.process.current_directory, lpBuffer, nBufferLength, False)


@export
def GetCurrentDirectoryW(ctx, nBufferLength: DWORD, lpBuffer: LPWSTR) -> DWORD:
    return _copy_out(ctx, ctx.process.current_directory, lpBuffer, nBufferLength, True)
