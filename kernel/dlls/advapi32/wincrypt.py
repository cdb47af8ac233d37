"""wincrypt.h, the little console programs need of CryptoAPI: a provider context to ask for
random bytes (CryptAcquireContextA/W, CryptGenRandom, CryptReleaseContext).

A context is a small block of the process heap (HCRYPTPROV is a pointer on Windows too); any
provider name and type is accepted, key containers are not kept (CRYPT_VERIFYCONTEXT behaviour for
every context).  CryptGenRandom's bytes come from the run's deterministic stream (ntsecapi.py)."""
from __future__ import annotations

from ...hle.registry import export
from .state import advapi32_state
from ...hle.types import BOOL, DWORD, LPCSTR, LPCWSTR, LPVOID, ULONG_PTR
from kernel.hle.probe import probe
from .ntsecapi import random_bytes

CRYPT_DELETEKEYSET = 0x10
KNOWN_FLAGS = 0xF0000000 | 0x8 | 0x10 | 0x20 | 0x40
ERROR_INVALID_PARAMETER = 87
NTE_BAD_UID, NTE_BAD_FLAGS, NTE_BAD_PROV_TYPE = 0x80090001, 0x80090009, 0x80090014


def _providers(ctx) -> set:
    return advapi32_state(ctx.process).crypt_providers


def acquire(ctx, result: int, provider_type: int, flags: int) -> int:
    if not result:
        ctx.set_last_error(ERROR_INVALID_PARAMETER)
        return 0
    if flags & ~KNOWN_FLAGS:
        ctx.set_last_error(NTE_BAD_FLAGS)
        return 0
    if not provider_type:
        ctx.set_last_error(NTE_BAD_PROV_TYPE)
        return 0
    if flags & CRYPT_DELETEKEYSET:
        ctx.write_u32(result, 0)
        return 1
    handle = ctx.process.heap.allocate(16)
    ctx.write(handle, b"NTBC" + provider_type.to_bytes(4, "little") + bytes(8))
    _providers(ctx).add(handle)
    ctx.write_u32(result, handle)
    return 1


@export
@probe
def CryptAcquireContextW(ctx, phProv: LPVOID, szContainer: LPCWSTR, szProvider: LPCWSTR, dwProvType: DWORD,
                         dwFlags: DWORD) -> BOOL:
    return acquire(ctx, phProv, dwProvType, dwFlags)


@export
@probe
def CryptAcquireContextA(ctx, phProv: LPVOID, szContainer: LPCSTR, szProvider: LPCSTR, dwProvType: DWORD,
                         dwFlags: DWORD) -> BOOL:
    return acquire(ctx, phProv, dwProvType, dwFlags)


@export
@probe
def CryptGenRandom(ctx, hProv: ULONG_PTR, dwLen: DWORD, pbBuffer: LPVOID) -> BOOL:
    if hProv not in _providers(ctx):
        ctx.set_last_error(NTE_BAD_UID)
        return 0
    if dwLen:
        ctx.write(pbBuffer, random_bytes(ctx.kernel, dwLen))
    return 1


@export
@probe
def CryptReleaseContext(ctx, hProv: ULONG_PTR, dwFlags: DWORD) -> BOOL:
    providers = _providers(ctx)
    if hProv not in providers:
        ctx.set_last_error(NTE_BAD_UID)
        return 0
    if dwFlags:
        ctx.set_last_error(NTE_BAD_FLAGS)
        return 0
    providers.discard(hProv)
    ctx.process.heap.free(hProv)
    return 1
