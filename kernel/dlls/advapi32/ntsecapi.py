"""ntsecapi.h: RtlGenRandom, exported as advapi32!SystemFunction036 (what msvcrt's rand_s and
many libraries call).

The bytes are deterministic: one stream per run, SHA-256 in counter mode over a fixed seed, so two
runs of a program see the same "random" numbers (as they see the same virtual time).  CryptGenRandom
draws from the same stream."""
from __future__ import annotations

import hashlib

from ...hle.registry import export
from ...hle.types import BOOLEAN, PVOID, ULONG
from kernel.hle.probe import probe

SEED = b"ntboot deterministic random stream"


class RandomStream:
    def __init__(self, seed: bytes = SEED):
        self.seed = seed
        self.counter = 0
        self.pending = b""

    def read(self, n: int) -> bytes:
        out = bytearray(self.pending[:n])
        self.pending = self.pending[n:]
        while len(out) < n:
            block = hashlib.sha256(self.seed + self.counter.to_bytes(8, "little")).digest()
            self.counter += 1
            take = n - len(out)
            out += block[:take]
            self.pending = block[take:]
        return bytes(out)


def random_bytes(kernel, n: int) -> bytes:
    """The next n bytes of the run's random stream."""
    if kernel.random_stream is None:
        kernel.random_stream = RandomStream()
    return kernel.random_stream.read(n)


@export(name="SystemFunction036")
@probe
def RtlGenRandom(ctx, RandomBuffer: PVOID, RandomBufferLength: ULONG) -> BOOLEAN:
    if RandomBufferLength:
        ctx.write(RandomBuffer, random_bytes(ctx.kernel, RandomBufferLength))
    return 1
