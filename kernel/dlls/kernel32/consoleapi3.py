"""consoleapi3.h (wincon.h): GetConsoleWindow.

ntboot's console is a byte stream without a window (as a console host with no window station would
have), so GetConsoleWindow returns NULL, what Windows documents for a process without a console
window; programs that then call user32 with it get NULL's usual errors."""
from ...hle.registry import export
from ...hle.types import HWND


@export
def GetConsoleWindow(ctx) -> HWND:
    return 0
