"""The API set schema of Windows 7 SP1 (ApiSetSchema.dll 6.1, schema format version 2).

Source: Geoff Chappell, "Windows 7 API Sets"
(geoffchappell.com/studies/windows/win32/apisetschema/history/sets61.htm, and the
per-set pages under .../apisetschema/api/ms/win/...): the 6.1 schema defines the same
35 API sets for x86 and x64, each with a default host and, for seven of them, an
exceptional host used when the importer is KERNEL32 itself (so that KERNEL32's own
stubs bind to the implementations in KERNELBASE).  Windows 7 SP1 ships the same schema
(there is no separate SP1 set list).  API-MS-Win-Core-UMS-L1-1-0 is defined in the x86
schema too, although its functions are x64-only and 32-bit Windows 7 has no stub DLL
for it.

Added on top of the native schema: the fifteen ``api-ms-win-crt-*-l1-1-0`` sets of the
Universal CRT.  Windows 7 does not know them; the Universal CRT update (KB2999226) and
the VC++ 2015+ redistributables install them as real forwarder DLLs that forward to
ucrtbase.dll, which is what ``resolve_api_set`` returns for them.

Name matching (``resolve_api_set``), in order:

1. exact: the lower-cased contract name without ".dll" is in ``API_SETS``.  This is
   the whole of Windows 7's own rule: NTDLL looks up any import whose module name
   starts with "API-" (case-insensitive) by its full name (schema entries are stored
   without the "api-" prefix and sorted case-insensitively) and redirects it only on
   an exact match.
2. Windows 10's rule: the name compared only up to, not including, its last hyphen
   (schema v6 hashes that prefix), so ``...-l1-1-1`` finds the ``...-l1-1-0`` entry.
3. ntboot's family fallback: the name compared up to its level part ("-lN"), ignoring
   the whole "major-minor" version, so ``api-ms-win-core-synch-l1-2-0`` finds the
   ``api-ms-win-core-synch-l1-*`` family (the highest version defined wins).  Neither
   Windows 7 nor Windows 10 does this; it stands in for the downlevel forwarder DLLs
   (api-ms-win-core-synch-l1-2-0.dll etc.) that the Universal CRT redistributable puts
   next to programs built for Windows 8+.

Names not starting with "api-" (e.g. "ext-ms-win-...", which Windows 7 does not
redirect, or ordinary DLL names) give None, as do API sets not in the table.
"""
from __future__ import annotations

import re

# contract (lower case, no ".dll") -> host DLL(s); [0] is the default host.
API_SETS: dict[str, tuple[str, ...]] = {
    # --- Windows 7 SP1 ApiSetSchema.dll (35 sets) ---
    "api-ms-win-core-console-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-datetime-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-debug-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-delayload-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-errorhandling-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-fibers-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-file-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-handle-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-heap-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-interlocked-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-io-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-libraryloader-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-localization-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-localregistry-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-memory-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-misc-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-namedpipe-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-processenvironment-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-processthreads-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-profile-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-rtlsupport-l1-1-0": ("ntdll.dll",),
    "api-ms-win-core-string-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-synch-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-sysinfo-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-threadpool-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-core-ums-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-util-l1-1-0": ("kernel32.dll",),
    "api-ms-win-core-xstate-l1-1-0": ("ntdll.dll",),
    "api-ms-win-security-base-l1-1-0": ("kernelbase.dll",),
    "api-ms-win-security-lsalookup-l1-1-0": ("sechost.dll",),
    "api-ms-win-security-sddl-l1-1-0": ("sechost.dll",),
    "api-ms-win-service-core-l1-1-0": ("sechost.dll",),
    "api-ms-win-service-management-l1-1-0": ("sechost.dll",),
    "api-ms-win-service-management-l2-1-0": ("sechost.dll",),
    "api-ms-win-service-winsvc-l1-1-0": ("sechost.dll",),
    # --- Universal CRT (KB2999226 / VC++ redistributable forwarders) ---
    "api-ms-win-crt-conio-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-convert-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-environment-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-filesystem-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-heap-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-locale-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-math-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-multibyte-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-private-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-process-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-runtime-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-stdio-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-string-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-time-l1-1-0": ("ucrtbase.dll",),
    "api-ms-win-crt-utility-l1-1-0": ("ucrtbase.dll",),
}

NATIVE_SET_COUNT = 35   # sets defined by Windows 7's own ApiSetSchema.dll
UCRT_SET_COUNT = 15

# Exceptional mappings of the Windows 7 schema: contract -> {importer: host}.
# In 6.1 the only importer named is KERNEL32, redirected to KERNELBASE.
API_SET_EXCEPTIONS: dict[str, dict[str, str]] = {
    name: {"kernel32.dll": "kernelbase.dll"}
    for name in (
        "api-ms-win-core-errorhandling-l1-1-0",
        "api-ms-win-core-file-l1-1-0",
        "api-ms-win-core-handle-l1-1-0",
        "api-ms-win-core-io-l1-1-0",
        "api-ms-win-core-processthreads-l1-1-0",
        "api-ms-win-core-synch-l1-1-0",
        "api-ms-win-core-util-l1-1-0",
    )
}

_LEVEL = re.compile(r"^(.*-l\d+)-\d+-\d+$")


def _normalise(name: str) -> str:
    name = name.strip().lower()
    if name.endswith(".dll"):
        name = name[:-4]
    return name


def _strip_last_part(name: str) -> str:
    return name.rpartition("-")[0]


def _version_key(contract: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", contract.rsplit("-l", 1)[-1]))


def _find_contract(name: str) -> str | None:
    if name in API_SETS:                                # 1. exact (Windows 7)
        return name
    prefix = _strip_last_part(name)                     # 2. up to the last hyphen (Windows 10)
    if prefix:
        for contract in API_SETS:
            if _strip_last_part(contract) == prefix:
                return contract
    m = _LEVEL.match(name)                              # 3. same "-lN" family (ntboot)
    if m:
        family = [c for c in API_SETS
                  if (cm := _LEVEL.match(c)) and cm.group(1) == m.group(1)]
        if family:
            return max(family, key=_version_key)
    return None


def resolve_api_set(name: str, importer: str | None = None) -> str | None:
    """Host DLL (lower case, with ".dll") for an API set module name, or None.

    ``name`` may carry ".dll" and any case.  ``importer``, the importing module's
    name, selects the schema's exceptional host where there is one (KERNEL32
    importing e.g. api-ms-win-core-synch-l1-1-0 gets KERNELBASE, as on Windows 7).
    """
    norm = _normalise(name)
    if not norm.startswith("api-"):
        return None
    contract = _find_contract(norm)
    if contract is None:
        return None
    if importer is not None:
        special = API_SET_EXCEPTIONS.get(contract, {})
        imp = importer.strip().lower()
        if not imp.endswith(".dll"):
            imp += ".dll"
        if imp in special:
            return special[imp]
    return API_SETS[contract][0]


def is_api_set_name(name: str) -> bool:
    """True for module names Windows 7's loader would look up in the schema ("api-" prefix)."""
    return _normalise(name).startswith("api-")


__all__ = ["API_SETS", "API_SET_EXCEPTIONS", "NATIVE_SET_COUNT", "UCRT_SET_COUNT",
           "resolve_api_set", "is_api_set_name"]
