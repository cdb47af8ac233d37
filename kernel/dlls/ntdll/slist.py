"""Interlocked singly linked lists (SLIST_HEADER), as the x86 ntdll keeps them in guest memory; kernel32's
InitializeSListHead, InterlockedPushEntrySList, InterlockedPopEntrySList, InterlockedFlushSList and
QueryDepthSList are forwarders to these.

The 8-byte x86 SLIST_HEADER: Next (the first SLIST_ENTRY, 4 bytes), Depth (WORD), Sequence (WORD).
A push links the entry in front and adds 1 to both Depth and Sequence (the 0x00010001 the real code adds
to the header's high DWORD); a pop unlinks the first entry and takes 1 from Depth (Sequence unchanged);
a flush empties the list and zeroes Depth, keeping Sequence.  One emulated CPU runs one thread at a time
and a handler runs between instructions, so each update is atomic for the guest."""
from __future__ import annotations

import struct

from ...hle.probe import probe
from ...hle.registry import export
from ...hle.types import PVOID, USHORT, VOID


def _header(ctx, head: int) -> tuple[int, int, int]:
    return struct.unpack("<IHH", ctx.read(head, 8))


def _store(ctx, head: int, first: int, depth: int, sequence: int) -> None:
    ctx.write(head, struct.pack("<IHH", first, depth & 0xFFFF, sequence & 0xFFFF))


@export
@probe
def RtlInitializeSListHead(ctx, ListHead: PVOID) -> VOID:
    _store(ctx, ListHead, 0, 0, 0)


@export
@probe
def RtlInterlockedPushEntrySList(ctx, ListHead: PVOID, ListEntry: PVOID) -> PVOID:
    """Returns the previous first entry (NULL if the list was empty)."""
    first, depth, sequence = _header(ctx, ListHead)
    ctx.write_u32(ListEntry, first)
    _store(ctx, ListHead, ListEntry, depth + 1, sequence + 1)
    return first


@export
@probe
def RtlInterlockedPopEntrySList(ctx, ListHead: PVOID) -> PVOID:
    """Returns the removed entry, NULL if the list is empty."""
    first, depth, sequence = _header(ctx, ListHead)
    if first:
        _store(ctx, ListHead, ctx.read_u32(first), depth - 1, sequence)
    return first


@export
@probe
def RtlInterlockedFlushSList(ctx, ListHead: PVOID) -> PVOID:
    """Returns the first entry of the chain taken off the list (NULL if it was empty)."""
    first, _depth, sequence = _header(ctx, ListHead)
    if first:
        _store(ctx, ListHead, 0, 0, sequence)
    return first


@export
@probe
def RtlFirstEntrySList(ctx, ListHead: PVOID) -> PVOID:
    return _header(ctx, ListHead)[0]


@export
@probe
def RtlQueryDepthSList(ctx, ListHead: PVOID) -> USHORT:
    return _header(ctx, ListHead)[1]
