"""shell32.dll for console programs: CommandLineToArgvW (shellapi.h) and the special folders
(shlobj.h: SHGetFolderPath, SHGetSpecialFolderPath, SHGetKnownFolderPath).  Every other shell32 export
(ShellExecute included: ntboot starts no other programs through the shell) is an "unsupported API"
stub."""
from ...hle.registry import DllSpec
from . import shellapi, shlobj

DLL = DllSpec(
    name="shell32.dll",
    base=0x75E90000,
    modules=[shellapi, shlobj],
)
