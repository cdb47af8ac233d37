"""Parameter and return types of emulated APIs, as the Windows SDK names them.

A handler declares its parameters with these; the dispatcher derives from them how many stack bytes
the call takes (so `ret 4*n` of a stdcall stub is never counted by hand), how to decode each
argument, and how to return the result (EAX, EDX:EAX, or ST0).
"""
import struct


class ArgType:
    """One C type of an API parameter or result."""
    size = 4                # stack bytes the argument occupies
    signed = False
    decode_kind = None      # None: the raw integer; "str": narrow string; "wstr": UTF-16 string
    returns_in = "eax"      # "eax", "edx:eax", "st0" or "none"

    def __init__(self, name: str, **attrs):
        self.name = name
        for k, v in attrs.items():
            setattr(self, k, v)

    def __repr__(self) -> str:
        return self.name


def _int(name, signed=False):
    return ArgType(name, signed=signed)


# integers and handles (4 bytes)
DWORD = _int("DWORD")
UINT = _int("UINT")
ULONG = _int("ULONG")
WORD = _int("WORD")
BYTE = _int("BYTE")
USHORT = _int("USHORT")
UCHAR = _int("UCHAR")
SIZE_T = _int("SIZE_T")
ULONG_PTR = _int("ULONG_PTR")
DWORD_PTR = _int("DWORD_PTR")
UINT_PTR = _int("UINT_PTR")
WPARAM = _int("WPARAM")
ACCESS_MASK = _int("ACCESS_MASK")
LCID = _int("LCID")
LANGID = _int("LANGID")
INT = _int("INT", signed=True)
LONG = _int("LONG", signed=True)
LONG_PTR = _int("LONG_PTR", signed=True)
LPARAM = _int("LPARAM", signed=True)
SSIZE_T = _int("SSIZE_T", signed=True)
BOOL = _int("BOOL", signed=True)
BOOLEAN = _int("BOOLEAN")
CHAR = _int("CHAR", signed=True)
WCHAR = _int("WCHAR")
NTSTATUS = _int("NTSTATUS")
HRESULT = _int("HRESULT")
HANDLE = _int("HANDLE")
HMODULE = _int("HMODULE")
HINSTANCE = _int("HINSTANCE")
HLOCAL = _int("HLOCAL")
HGLOBAL = _int("HGLOBAL")
HKEY = _int("HKEY")
HWND = _int("HWND")

# pointers (4 bytes, passed raw)
PVOID = _int("PVOID")
LPVOID = _int("LPVOID")
LPCVOID = _int("LPCVOID")
PHANDLE = _int("PHANDLE")
LPDWORD = _int("LPDWORD")
PULONG = _int("PULONG")
PSIZE_T = _int("PSIZE_T")
PLONG = _int("PLONG")
LPBOOL = _int("LPBOOL")
LPSTR = _int("LPSTR")
LPWSTR = _int("LPWSTR")
PCHAR = _int("PCHAR")
PWCHAR = _int("PWCHAR")
PSTR = LPSTR
PWSTR = LPWSTR
PCONTEXT = _int("PCONTEXT")
POBJECT_ATTRIBUTES = _int("POBJECT_ATTRIBUTES")
PIO_STATUS_BLOCK = _int("PIO_STATUS_BLOCK")
PUNICODE_STRING = _int("PUNICODE_STRING")
PANSI_STRING = _int("PANSI_STRING")
PLARGE_INTEGER = _int("PLARGE_INTEGER")
FARPROC = _int("FARPROC")
LPCRITICAL_SECTION = _int("LPCRITICAL_SECTION")
LPTHREAD_START_ROUTINE = _int("LPTHREAD_START_ROUTINE")
LPSECURITY_ATTRIBUTES = _int("LPSECURITY_ATTRIBUTES")
LPOVERLAPPED = _int("LPOVERLAPPED")
LPSYSTEM_INFO = _int("LPSYSTEM_INFO")
LPFILETIME = _int("LPFILETIME")
LPSYSTEMTIME = _int("LPSYSTEMTIME")
LPSTARTUPINFOA = _int("LPSTARTUPINFOA")
LPSTARTUPINFOW = _int("LPSTARTUPINFOW")
PMEMORY_BASIC_INFORMATION = _int("PMEMORY_BASIC_INFORMATION")
LPTOP_LEVEL_EXCEPTION_FILTER = _int("LPTOP_LEVEL_EXCEPTION_FILTER")
PEXCEPTION_RECORD = _int("PEXCEPTION_RECORD")
va_list = _int("va_list")
FILE_P = _int("FILE*")

# strings decoded for the handler (None for a NULL pointer)
LPCSTR = ArgType("LPCSTR", decode_kind="str")
LPCWSTR = ArgType("LPCWSTR", decode_kind="wstr")
PCSTR = LPCSTR
PCWSTR = LPCWSTR

# 8-byte values
ULONGLONG = ArgType("ULONGLONG", size=8, returns_in="edx:eax")
LONGLONG = ArgType("LONGLONG", size=8, signed=True, returns_in="edx:eax")
LARGE_INTEGER = ArgType("LARGE_INTEGER", size=8, signed=True, returns_in="edx:eax")
DOUBLE = ArgType("double", size=8, decode_kind="double", returns_in="st0")

VOID = ArgType("VOID", size=0, returns_in="none")


def unpack_double(raw: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", raw))[0]
