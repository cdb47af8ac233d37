"""The emulated system DLLs, one package each, handlers grouped by SDK header."""
from __future__ import annotations


def system_dlls(profile) -> dict:
    """name -> DllSpec of every system DLL of the profile (bases from the profile)."""
    from . import advapi32, kernel32, kernelbase, msvcrt, ntdll, shlwapi, ucrtbase, vcruntime140
    specs = [ntdll.DLL, kernel32.DLL, msvcrt.DLL, ucrtbase.DLL, vcruntime140.DLL, advapi32.DLL, shlwapi.DLL]
    from . import ole32, oleaut32, shell32, user32
    specs += [user32.DLL, shell32.DLL, ole32.DLL, oleaut32.DLL]
    from . import version
    specs.append(version.DLL)
    if profile.has_kernelbase:
        specs.append(kernelbase.DLL)
    out = {}
    for spec in specs:
        spec.base = profile.dll_bases.get(spec.name.lower(), spec.base)
        out[spec.name] = spec
    return out
