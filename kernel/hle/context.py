"""ApiContext: what a handler gets as its first argument.

One per process; `thread` is the thread making the call.  Helpers read and write guest memory and
the calling thread's TEB (the last error lives there, as on Windows: guest memory is the source of
truth).
"""
from __future__ import annotations

import struct

from emu.cpu import REG_ESP

from kernel.structs.guestmem import field_location


class ApiContext:
    def __init__(self, kernel, process):
        self.kernel = kernel
        self.process = process
        self.thread = None
        self.machine = process.machine
        # guest memory access is the machine's own
        self.read = self.machine.read
        self.write = self.machine.write
        self.read_u32 = self.machine.read_u32
        self.write_u32 = self.machine.write_u32
        self.read_u16 = self.machine.read_u16
        self.write_u16 = self.machine.write_u16
        S = process.structs
        self._last_error_off = field_location(S.TEB, "LastErrorValue")[0]
        self._last_status_off = field_location(S.TEB, "LastStatusValue")[0]

    @property
    def memory(self):
        return self.process.memory

    @property
    def loader(self):
        return self.process.ldr

    # -- memory ------------------------------------------------------------------------------------
    def read_cstr(self, addr: int, limit: int = 1 << 20) -> bytes:
        """A NUL-terminated byte string."""
        out = bytearray()
        read = self.read
        while len(out) < limit:
            n = 256 - (addr + len(out)) % 256
            chunk = read(addr + len(out), n)
            z = chunk.find(b"\0")
            if z >= 0:
                out += chunk[:z]
                return bytes(out)
            out += chunk
        return bytes(out)

    def read_wcstr(self, addr: int, limit: int = 1 << 20) -> bytes:
        """A NUL-terminated UTF-16LE string, as raw bytes without the terminator."""
        out = bytearray()
        read = self.read
        while len(out) < limit:
            n = 256 - (addr + len(out)) % 256
            chunk = read(addr + len(out), n)
            for i in range(0, len(chunk) - 1, 2):
                if chunk[i] == 0 and chunk[i + 1] == 0:
                    out += chunk[:i]
                    return bytes(out)
            out += chunk
        return bytes(out)

    def read_str(self, addr: int) -> str:
        return self.read_cstr(addr).decode(self.kernel.ansi_codepage, "replace")

    def read_wstr(self, addr: int) -> str:
        return self.read_wcstr(addr).decode("utf-16-le", "surrogatepass")

    def write_str(self, addr: int, text: str) -> None:
        self.write(addr, text.encode(self.kernel.ansi_codepage, "replace") + b"\0")

    def write_wstr(self, addr: int, text: str) -> None:
        self.write(addr, text.encode("utf-16-le", "surrogatepass") + b"\0\0")

    def read_unicode_string(self, addr: int) -> str | None:
        """A UNICODE_STRING structure at addr."""
        if not addr:
            return None
        length, _, buf = struct.unpack("<HHI", self.read(addr, 8))
        return self.read(buf, length).decode("utf-16-le", "surrogatepass") if buf and length else ""

    # -- the calling thread ------------------------------------------------------------------------
    def set_last_error(self, code: int) -> None:
        self.write_u32(self.thread.teb + self._last_error_off, code)

    def get_last_error(self) -> int:
        return self.read_u32(self.thread.teb + self._last_error_off)

    def set_last_status(self, status: int) -> None:
        self.write_u32(self.thread.teb + self._last_status_off, status)

    def caller(self) -> int:
        """The return address of the call being handled (valid at entry of a stub handler)."""
        return self.read_u32(self.machine.reg32(REG_ESP))
