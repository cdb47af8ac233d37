"""user32.dll for console programs: MessageBox, wsprintf, the Char* string functions,
GetSystemMetrics, LoadString and the window queries (winuser.h; see winuser.py for what a console-only
system answers).  Every other user32 export is an "unsupported API" stub."""
from ...hle.registry import DllSpec
from . import winuser

DLL = DllSpec(
    name="user32.dll",
    base=0x76D90000,
    modules=[winuser],
)
