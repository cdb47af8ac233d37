"""User APCs: queueing (KeInsertQueueApc) and delivery on the way back to user mode (KiDeliverApc,
KiInitializeUserApc).

A user APC runs only when its thread lets it: in an alertable wait (the wait ends with
STATUS_USER_APC) or, before a new thread's start routine, at the end of the thread's loader APC
(NtContinue with TestAlert).  Delivery writes the thread's CONTEXT (as it will return from the
wait, EAX holding the wait's status) and the APC frame on the user stack and continues in
ntdll!KiUserApcDispatcher, which calls the routine and then NtContinue(CONTEXT, TestAlert=TRUE):
if more APCs are queued the next one is delivered the same way, else the thread returns from its
wait.  So every queued APC runs, first queued first, before the wait returns.
"""
from __future__ import annotations

import struct

from emu.context import CONTEXT_EXTENDED_REGISTERS, CONTEXT_FLOATING_POINT, CONTEXT_FULL, CONTEXT_SIZE, capture

from kernel.ke.exception import stack_room
from kernel.ke.wait import STATUS_USER_APC


class UserApc(tuple):
    """A queued user APC: (NormalRoutine, NormalContext, SystemArgument1, SystemArgument2), and what
    queued it (a timer queues one at a time)."""

    def __new__(cls, routine: int, context: int, arg1: int, arg2: int, source=None):
        apc = super().__new__(cls, (routine & 0xFFFFFFFF, context & 0xFFFFFFFF, arg1 & 0xFFFFFFFF,
                                    arg2 & 0xFFFFFFFF))
        apc.source = source
        return apc


class ApcMixin:
    """The Kernel's user-APC operations (mixed into kernel.ke.scheduler.Scheduler)."""

    def queue_user_apc(self, thread, routine: int, context: int, arg1: int, arg2: int, *, source=None):
        """KeInsertQueueApc for user mode.  Returns the queued APC, or None when the thread has ended.
        A thread in an alertable wait is woken with STATUS_USER_APC."""
        if thread.state == "terminated":
            return None
        apc = UserApc(routine, context, arg1, arg2, source)
        thread.user_apcs.append(apc)
        if thread.state == "waiting" and thread.wait is not None and thread.wait.alertable:
            self.end_wait(thread, STATUS_USER_APC)
        return apc

    def deliver_user_apc(self, thread, eip: int) -> int:
        """KiDeliverApc for user mode, the thread about to continue at `eip` with its registers
        loaded: the first queued APC goes on its stack.  Returns the EIP to run."""
        thread.user_apc_pending = False
        if not thread.user_apcs:
            return eip
        process = thread.process
        m = process.machine
        context = capture(m, CONTEXT_FULL | CONTEXT_FLOATING_POINT | CONTEXT_EXTENDED_REGISTERS)
        struct.pack_into("<I", context, 0xB8, eip)
        esp = m.reg("esp")
        ctx_addr = (esp & ~3) - CONTEXT_SIZE
        frame = ctx_addr - 16
        if not stack_room(process, thread, frame, esp - frame):
            return eip                   # no room for the frame: the APCs stay queued
        apc = thread.user_apcs.popleft()
        if apc.__class__ is UserApc and apc.source is not None:
            apc.source.on_apc_delivered()
        m.write(ctx_addr, bytes(context))
        m.write(frame, struct.pack("<IIII", *apc))
        m.set_reg("esp", frame)
        thread.apc_returns.append((esp, eip))
        return self.kernel.export_address(process, "ntdll.dll", "KiUserApcDispatcher")

    def continue_after_apc(self, thread, context: bytes) -> int | None:
        """NtContinue just loaded `context`.  When it is where an APC interrupted the thread (the
        end of KiUserApcDispatcher, TestAlert=TRUE), the next queued APC is delivered: returns the
        EIP to run then, else None."""
        eip, = struct.unpack_from("<I", context, 0xB8)
        esp, = struct.unpack_from("<I", context, 0xC4)
        if thread.apc_returns and thread.apc_returns[-1] == (esp, eip):
            thread.apc_returns.pop()
            if thread.user_apcs:
                return self.deliver_user_apc(thread, eip)
        return None
