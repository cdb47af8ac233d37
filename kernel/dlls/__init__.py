"""The emulated system DLLs, one package each, handlers grouped by SDK header."""
from __future__ import annotations

from dataclasses import replace

_by_profile: dict[str, dict] = {}


def system_dlls(profile) -> dict:
    """name -> DllSpec of every system DLL of the profile: which DLLs exist, their bases, forwarders
    and absent exports come from the profile.  The DllSpecs the DLL packages declare are templates,
    never changed, so several profiles coexist in one Python process."""
    cached = _by_profile.get(profile.name)
    if cached is not None:
        return cached
    from . import advapi32, kernel32, kernelbase, msvcrt, ntdll, shlwapi, ucrtbase, vcruntime140
    from . import ole32, oleaut32, shell32, user32
    from . import powrprof, psapi, version, winmm, ws2_32
    templates = [ntdll.DLL, msvcrt.DLL, ucrtbase.DLL, vcruntime140.DLL, advapi32.DLL, shlwapi.DLL,
                 user32.DLL, shell32.DLL, ole32.DLL, oleaut32.DLL, winmm.DLL, ws2_32.DLL, powrprof.DLL,
                 version.DLL]
    if profile.has_kernelbase:
        templates.append(kernelbase.DLL)
    from .export_lists import load_export_list
    if "K32EnumProcessModules" in load_export_list("kernel32", profile.name):   # Windows 7 on: psapi forwards there
        templates.append(psapi.DLL)
    specs = []
    for spec in templates:
        absent = frozenset(profile.absent_exports.get(spec.name.lower(), ()))
        specs.append(replace(spec, base=profile.dll_bases.get(spec.name.lower(), spec.base),
                             forwarders={k: v for k, v in spec.forwarders.items() if k not in absent},
                             absent=absent))
    specs.insert(1, kernel32.for_profile(profile))
    out = _by_profile[profile.name] = {spec.name: spec for spec in specs}
    return out
