"""fileapi.h / handleapi.h: WriteFile, ReadFile, CloseHandle, GetFileType (files beyond the console
are the real-world coverage issue's)."""
from ...console import console_kind, is_console_handle
from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPCVOID, LPDWORD, LPOVERLAPPED, LPVOID
from ...nt.file import read_file, write_file

FILE_TYPE_DISK, FILE_TYPE_CHAR = 1, 2


@export
def WriteFile(ctx, hFile: HANDLE, lpBuffer: LPCVOID, nNumberOfBytesToWrite: DWORD,
              lpNumberOfBytesWritten: LPDWORD, lpOverlapped: LPOVERLAPPED) -> BOOL:
    data = ctx.read(lpBuffer, nNumberOfBytesToWrite) if nNumberOfBytesToWrite else b""
    n = write_file(ctx, hFile, data)
    if lpNumberOfBytesWritten:
        ctx.write_u32(lpNumberOfBytesWritten, n)
    return 1


@export
def ReadFile(ctx, hFile: HANDLE, lpBuffer: LPVOID, nNumberOfBytesToRead: DWORD,
             lpNumberOfBytesRead: LPDWORD, lpOverlapped: LPOVERLAPPED) -> BOOL:
    data = read_file(ctx, hFile, nNumberOfBytesToRead)
    ctx.write(lpBuffer, data)
    if lpNumberOfBytesRead:
        ctx.write_u32(lpNumberOfBytesRead, len(data))
    return 1


@export
def CloseHandle(ctx, hObject: HANDLE) -> BOOL:
    if is_console_handle(hObject):
        return 1
    ctx.process.handles.close(hObject)
    return 1


@export
def GetFileType(ctx, hFile: HANDLE) -> DWORD:
    if console_kind(ctx.process, hFile) is not None:
        return FILE_TYPE_CHAR
    ctx.process.handles.lookup(hFile)
    return FILE_TYPE_DISK
