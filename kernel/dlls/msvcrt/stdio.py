"""stdio.h: FILE streams in guest memory, the printf and scanf families.

A FILE is msvcrt's x86 `struct _iobuf` (_ptr, _cnt, _base, _flag, _file, _charbuf, _bufsiz,
_tmpfname) in guest memory, and every operation reads and writes those fields, so code using the
getc/putc macros or _filbuf/_flsbuf directly sees what msvcrt would show.  Streams on disk files get
a 4096-byte buffer (_IOMYBUF) at their first I/O: output reaches the file when the buffer fills, at
fflush/fclose/fseek and at exit (exit, _cexit, DLL_PROCESS_DETACH); input is read a buffer at a
time.  Streams on a device (the console) write at once, as msvcrt's temporary buffering of
console output amounts to.  Descriptors and text-mode translation are in lowio.py.

ftell on a text-mode stream counts the CR of every CR LF the buffer came from exactly (msvcrt
estimates it and is wrong on files with lone LFs); that is a knowing difference.
"""
from __future__ import annotations

import struct

from ...hle.registry import export
from ...hle.types import FILE_P, INT, LONG, LPCSTR, LPCWSTR, PVOID, SIZE_T, va_list
from .crt import FILE_SIZE, IOB_ENTRIES, crt, set_errno
from .lowio import (EINVAL, FDEV, FTEXT, O_APPEND, O_BINARY, O_CREAT, O_RDONLY, O_RDWR, O_TEXT, O_TRUNC,
                    O_WRONLY, close_fd, fd_info, open_path, read_fd, seek_fd, tell_fd, write_fd)
from .printf import PrintfError, StackArgs, format_printf, format_wprintf

EOF_ = 0xFFFFFFFF           # EOF (-1) as the 32-bit return value
_IOREAD, _IOWRT, _IONBF, _IOMYBUF, _IOEOF, _IOERR, _IOSTRG, _IORW = 0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80
_IOYOURBUF, _IOSETVBUF, _IOFEOF, _IOFLRTN, _IOCTRLZ, _IOCOMMIT = 0x100, 0x400, 0x800, 0x1000, 0x2000, 0x4000
_IOFBF, _IOLBF = 0x0, 0x40
BUFSIZ = 4096                # _INTERNAL_BUFSIZ
SMALL_BUFSIZ = 512
MAX_STREAMS = 512
_FMT = "<IiIiiiiI"


class Stream:
    """A view of a guest FILE; `save()` writes the fields back."""
    __slots__ = ("ctx", "addr", "ptr", "cnt", "base", "flag", "file", "charbuf", "bufsiz", "tmpfname")

    def __init__(self, ctx, addr: int):
        self.ctx = ctx
        self.addr = addr
        (self.ptr, self.cnt, self.base, self.flag, self.file, self.charbuf, self.bufsiz,
         self.tmpfname) = struct.unpack(_FMT, ctx.read(addr, FILE_SIZE))

    def save(self) -> None:
        self.ctx.write(self.addr, struct.pack(_FMT, self.ptr & 0xFFFFFFFF, self.cnt, self.base & 0xFFFFFFFF,
                                              self.flag, self.file, self.charbuf, self.bufsiz, self.tmpfname))

    @property
    def in_use(self) -> bool:
        return bool(self.flag & (_IOREAD | _IOWRT | _IORW))


class BufferMap:
    """Where the bytes of a read buffer came from: raw file offset of the fill and, for each byte in
    the buffer, its offset in the raw data (text mode drops the CR of CR LF)."""

    def __init__(self, raw_start: int, offsets: list[int], raw_len: int):
        self.raw_start = raw_start
        self.offsets = offsets
        self.raw_len = raw_len


def all_streams(ctx, state=None) -> list[int]:
    state = state or crt(ctx)
    iob = state.var["_iob"]
    return [iob + FILE_SIZE * i for i in range(IOB_ENTRIES)] + list(state.streams)


def known_stream(ctx, addr: int) -> bool:
    state = crt(ctx)
    iob = state.var["_iob"]
    if iob <= addr < iob + FILE_SIZE * IOB_ENTRIES and (addr - iob) % FILE_SIZE == 0:
        return True
    return addr in state.streams


def _stream(ctx, addr: int) -> Stream | None:
    if not addr or not known_stream(ctx, addr):
        set_errno(ctx, EINVAL)
        return None
    return Stream(ctx, addr)


def _device(ctx, s: Stream) -> bool:
    info = crt(ctx).fds.get(s.file)
    return bool(info and info.flags & FDEV)


def _getbuf(ctx, s: Stream) -> None:
    buf = crt(ctx).heap.allocate(BUFSIZ)
    if buf:
        s.flag |= _IOMYBUF
        s.base = s.ptr = buf
        s.bufsiz = BUFSIZ
    else:
        s.flag |= _IONBF
        s.base = s.ptr = s.addr + 20
        s.bufsiz = 2
    s.cnt = 0


# -- writing ---------------------------------------------------------------------------------------
def _flush(ctx, s: Stream) -> int:
    """Write out a write buffer (msvcrt's _flush); 0 or EOF_.  Leaves ptr = base, cnt = 0."""
    result = 0
    if s.flag & (_IOREAD | _IOWRT) == _IOWRT and s.base and s.flag & (_IOMYBUF | _IOYOURBUF):
        n = s.ptr - s.base
        if n > 0:
            if write_fd(ctx, s.file, bytes(ctx.read(s.base, n))) != n:
                s.flag |= _IOERR
                result = EOF_
            elif s.flag & _IORW:
                s.flag &= ~_IOWRT
    s.ptr = s.base
    s.cnt = 0
    crt(ctx).stream_state.pop(s.addr, None)
    return result


def stream_write(ctx, addr: int, data: bytes) -> int:
    """Write data to a stream: the number of bytes accepted (len(data) unless an error)."""
    s = _stream(ctx, addr)
    if s is None:
        return 0
    n = _write(ctx, s, data)
    s.save()
    return n


def _start_write(ctx, s: Stream) -> bool:
    if s.flag & _IOSTRG:
        return True
    if s.flag & _IOREAD:
        if not s.flag & _IORW:
            s.flag |= _IOERR
            return False
        s.cnt = 0
        if s.flag & _IOEOF:
            s.ptr = s.base
            s.flag &= ~_IOREAD
        else:
            # a read/write stream switching without fseek: msvcrt fails the same way
            s.flag |= _IOERR
            return False
        crt(ctx).stream_state.pop(s.addr, None)
    if not s.flag & (_IOWRT | _IORW) and not s.flag & _IOREAD:
        s.flag |= _IOERR
        return False
    s.flag |= _IOWRT
    s.flag &= ~_IOEOF
    return True


def _write(ctx, s: Stream, data: bytes) -> int:
    if not data:
        return 0
    if not _start_write(ctx, s):
        return 0
    if _device(ctx, s) or s.flag & _IONBF:
        if s.base and s.ptr != s.base and _flush(ctx, s) == EOF_:
            return 0
        s.flag |= _IOWRT
        n = write_fd(ctx, s.file, data)
        if n != len(data):
            s.flag |= _IOERR
            return max(n, 0)
        return n
    if not s.base:
        _getbuf(ctx, s)
    done = 0
    while done < len(data):
        used = s.ptr - s.base
        space = s.bufsiz - used
        if space <= 0:
            if _flush(ctx, s) == EOF_:
                return done
            s.flag |= _IOWRT
            continue
        chunk = data[done:done + space]
        ctx.write(s.ptr, chunk)
        s.ptr += len(chunk)
        done += len(chunk)
    s.cnt = s.bufsiz - (s.ptr - s.base)
    return done


# -- reading ---------------------------------------------------------------------------------------
def _start_read(ctx, s: Stream) -> bool:
    if s.flag & _IOSTRG:
        return True
    if not s.in_use or (s.flag & _IOWRT and not s.flag & _IORW):
        s.flag |= _IOERR
        return False
    if s.flag & _IOWRT:             # read after write on a '+' stream without fseek
        s.flag |= _IOERR
        return False
    s.flag |= _IOREAD
    return True


def _fill(ctx, s: Stream) -> bool:
    """msvcrt's _filbuf without taking a character: False at end of file or on error."""
    if not s.base:
        _getbuf(ctx, s)
    info = crt(ctx).fds.get(s.file)
    raw_start = 0 if info is None or info.flags & FDEV else tell_fd(ctx, s.file)
    size = 1 if s.flag & _IONBF else s.bufsiz
    data, offsets = read_fd(ctx, s.file, size)
    s.ptr = s.base
    if data is None:
        s.flag |= _IOERR
        s.cnt = 0
        return False
    if not data:
        s.flag |= _IOEOF
        s.cnt = 0
        return False
    ctx.write(s.base, data)
    s.cnt = len(data)
    if info is not None and not info.flags & FDEV:
        crt(ctx).stream_state[s.addr] = BufferMap(raw_start, offsets, tell_fd(ctx, s.file) - raw_start)
    return True


def _read(ctx, s: Stream, size: int, line: bool = False) -> bytes:
    """Up to size bytes (to the first LF included when `line`); sets _IOEOF/_IOERR."""
    if size <= 0 or not _start_read(ctx, s):
        return b""
    out = bytearray()
    while len(out) < size:
        if s.cnt <= 0:
            if not _fill(ctx, s):
                break
        take = min(s.cnt, size - len(out))
        chunk = bytes(ctx.read(s.ptr, take))
        if line:
            nl = chunk.find(b"\n")
            if nl >= 0:
                chunk = chunk[:nl + 1]
        out += chunk
        s.ptr += len(chunk)
        s.cnt -= len(chunk)
        if line and chunk.endswith(b"\n"):
            break
    return bytes(out)


def stream_getc(ctx, addr: int) -> int:
    s = _stream(ctx, addr)
    if s is None:
        return EOF_
    data = _read(ctx, s, 1)
    s.save()
    return data[0] if data else EOF_


# -- positioning -----------------------------------------------------------------------------------
def _tell(ctx, s: Stream) -> int:
    if s.cnt < 0:
        s.cnt = 0
    filepos = tell_fd(ctx, s.file)
    if filepos < 0:
        return -1
    if not s.base or not s.flag & (_IOWRT | _IOREAD):
        return filepos - s.cnt
    if s.flag & _IOWRT:
        pending = bytes(ctx.read(s.base, s.ptr - s.base)) if s.ptr > s.base else b""
        info = crt(ctx).fds.get(s.file)
        extra = pending.count(b"\n") if info and info.flags & FTEXT else 0
        return filepos + len(pending) + extra
    bufmap = crt(ctx).stream_state.get(s.addr)
    index = s.ptr - s.base
    if bufmap is None or s.cnt == 0 and index >= len(bufmap.offsets):
        return filepos - s.cnt
    if 0 <= index < len(bufmap.offsets):
        return bufmap.raw_start + bufmap.offsets[index]
    return bufmap.raw_start + bufmap.raw_len - s.cnt


def _seek(ctx, s: Stream, offset: int, origin: int) -> int:
    if origin not in (0, 1, 2):
        set_errno(ctx, EINVAL)
        return -1
    s.flag &= ~_IOEOF
    if origin == 1:
        here = _tell(ctx, s)
        if here < 0:
            return -1
        offset += here
        origin = 0
    _flush(ctx, s)
    if s.flag & _IORW:
        s.flag &= ~(_IOWRT | _IOREAD)
    elif s.flag & _IOREAD and s.flag & _IOMYBUF and not s.flag & _IOSETVBUF:
        s.bufsiz = SMALL_BUFSIZ
    return 0 if seek_fd(ctx, s.file, offset, origin) >= 0 else -1


# -- opening and closing ---------------------------------------------------------------------------
def parse_mode(mode: str | None) -> tuple[int, int] | None:
    """fopen's mode -> (oflag, stream flags); None for an invalid mode."""
    if not mode:
        return None
    m = mode.lstrip(" ")
    first = m[:1]
    if first == "r":
        oflag, sflag = O_RDONLY, _IOREAD
    elif first == "w":
        oflag, sflag = O_WRONLY | O_CREAT | O_TRUNC, _IOWRT
    elif first == "a":
        oflag, sflag = O_WRONLY | O_CREAT | O_APPEND, _IOWRT
    else:
        return None
    seen_tb = seen_plus = False
    for i, c in enumerate(m[1:], 1):
        if c == "+" and not seen_plus:
            seen_plus = True
            oflag = (oflag & ~(O_RDONLY | O_WRONLY)) | O_RDWR
            sflag = (sflag & ~(_IOREAD | _IOWRT)) | _IORW
        elif c in "bt" and not seen_tb:
            seen_tb = True
            oflag |= O_BINARY if c == "b" else O_TEXT
        elif c == "c":
            sflag |= _IOCOMMIT
        elif c in "nSRTDN ":
            pass
        elif c == ",":
            break                              # ccs=...: the Unicode stream modes are not supported
        else:
            return None
    return oflag, sflag


def _new_stream(ctx) -> int:
    state = crt(ctx)
    for addr in all_streams(ctx):
        if not Stream(ctx, addr).in_use:
            return addr
    if IOB_ENTRIES + len(state.streams) >= MAX_STREAMS:
        return 0
    addr = state.heap.allocate(FILE_SIZE, 0x8)
    state.streams.append(addr)
    return addr


def open_stream(ctx, path: str | None, mode: str | None, fd: int | None = None, addr: int = 0) -> int:
    parsed = parse_mode(mode)
    if parsed is None or (fd is None and path is None):
        set_errno(ctx, EINVAL)
        return 0
    oflag, sflag = parsed
    if fd is None:
        fd = open_path(ctx, path, oflag)
        if fd < 0:
            return 0
    elif fd_info(ctx, fd) is None:
        return 0
    addr = addr or _new_stream(ctx)
    if not addr:
        close_fd(ctx, fd)
        set_errno(ctx, 24)
        return 0
    ctx.write(addr, struct.pack(_FMT, 0, 0, 0, sflag, fd, 0, 0, 0))
    return addr


def _close(ctx, s: Stream) -> int:
    result = EOF_
    if s.in_use:
        result = _flush(ctx, s)
        if s.flag & _IOMYBUF and s.base:
            crt(ctx).heap.free(s.base)
        if close_fd(ctx, s.file) < 0:
            result = EOF_
    s.ptr = s.base = s.cnt = s.flag = s.bufsiz = 0
    s.save()
    crt(ctx).stream_state.pop(s.addr, None)
    return result


def flush_all(ctx, state=None) -> int:
    """_flushall: every stream's write buffer out; the number of open streams."""
    n = 0
    for addr in all_streams(ctx, state):
        s = Stream(ctx, addr)
        if s.in_use:
            n += 1
            if s.flag & _IOWRT:
                _flush(ctx, s)
                s.save()
    return n


# -- exports: streams ------------------------------------------------------------------------------
@export(conv="cdecl")
def fopen(ctx, filename: LPCSTR, mode: LPCSTR) -> FILE_P:
    return open_stream(ctx, filename, mode)


@export(conv="cdecl")
def _wfopen(ctx, filename: LPCWSTR, mode: LPCWSTR) -> FILE_P:
    return open_stream(ctx, filename, mode)


@export(conv="cdecl")
def _fsopen(ctx, filename: LPCSTR, mode: LPCSTR, shflag: INT) -> FILE_P:
    return open_stream(ctx, filename, mode)


@export(conv="cdecl")
def fopen_s(ctx, pFile: PVOID, filename: LPCSTR, mode: LPCSTR) -> INT:
    if not pFile:
        set_errno(ctx, EINVAL)
        return EINVAL
    f = open_stream(ctx, filename, mode)
    ctx.write_u32(pFile, f)
    return 0 if f else ctx.read_u32(_errno_addr(ctx))


@export(conv="cdecl")
def _wfopen_s(ctx, pFile: PVOID, filename: LPCWSTR, mode: LPCWSTR) -> INT:
    if not pFile:
        set_errno(ctx, EINVAL)
        return EINVAL
    f = open_stream(ctx, filename, mode)
    ctx.write_u32(pFile, f)
    return 0 if f else ctx.read_u32(_errno_addr(ctx))


def _errno_addr(ctx) -> int:
    from .crt import errno_address
    return errno_address(ctx)


@export(conv="cdecl")
def _fdopen(ctx, fd: INT, mode: LPCSTR) -> FILE_P:
    return open_stream(ctx, None, mode, fd=fd)


@export(conv="cdecl")
def _wfdopen(ctx, fd: INT, mode: LPCWSTR) -> FILE_P:
    return open_stream(ctx, None, mode, fd=fd)


@export(conv="cdecl")
def freopen(ctx, filename: LPCSTR, mode: LPCSTR, stream: FILE_P) -> FILE_P:
    s = _stream(ctx, stream)
    if s is None:
        return 0
    _close(ctx, s)
    return open_stream(ctx, filename, mode, addr=stream)


@export(conv="cdecl")
def fclose(ctx, stream: FILE_P) -> INT:
    s = _stream(ctx, stream)
    return EOF_ if s is None else _close(ctx, s)


@export(conv="cdecl")
def _fcloseall(ctx) -> INT:
    n = 0
    for addr in all_streams(ctx)[3:]:
        s = Stream(ctx, addr)
        if s.in_use:
            _close(ctx, s)
            n += 1
    return n


@export(conv="cdecl")
def fflush(ctx, stream: FILE_P) -> INT:
    if not stream:
        flush_all(ctx)
        return 0
    s = _stream(ctx, stream)
    if s is None:
        return EOF_
    result = _flush(ctx, s)
    s.save()
    return result


@export(conv="cdecl")
def _flushall(ctx) -> INT:
    return flush_all(ctx)


@export(conv="cdecl")
def setvbuf(ctx, stream: FILE_P, buffer: PVOID, mode: INT, size: SIZE_T) -> INT:
    s = _stream(ctx, stream)
    if s is None or mode not in (_IOFBF, _IOLBF, _IONBF) or \
            (mode != _IONBF and not 2 <= size <= 0x7FFFFFFF):
        set_errno(ctx, EINVAL)
        return -1
    _flush(ctx, s)
    if s.flag & _IOMYBUF and s.base:
        crt(ctx).heap.free(s.base)
    s.flag &= ~(_IOMYBUF | _IOYOURBUF | _IONBF | _IOSETVBUF | _IOFEOF | _IOFLRTN | _IOCTRLZ)
    size &= ~1
    if mode == _IONBF:
        s.flag |= _IONBF
        buffer, size = stream + 20, 2
    elif not buffer:
        buffer = crt(ctx).heap.allocate(size)
        if not buffer:
            s.save()
            return -1
        s.flag |= _IOMYBUF | _IOSETVBUF
    else:
        s.flag |= _IOYOURBUF | _IOSETVBUF
    s.base = s.ptr = buffer
    s.bufsiz = size
    s.cnt = 0
    s.save()
    return 0


@export(conv="cdecl")
def setbuf(ctx, stream: FILE_P, buffer: PVOID) -> None:
    setvbuf(ctx, stream, buffer, _IOFBF if buffer else _IONBF, 512)


@export(conv="cdecl")
def fread(ctx, buffer: PVOID, size: SIZE_T, count: SIZE_T, stream: FILE_P) -> SIZE_T:
    total = size * count
    if total == 0:
        return 0
    s = _stream(ctx, stream)
    if s is None or not buffer:
        return 0
    data = _read(ctx, s, total)
    s.save()
    if data:
        ctx.write(buffer, data)
    return len(data) // size


@export(conv="cdecl")
def fwrite(ctx, buffer: PVOID, size: SIZE_T, count: SIZE_T, stream: FILE_P) -> SIZE_T:
    total = size * count
    if total == 0:
        return 0
    s = _stream(ctx, stream)
    if s is None:
        return 0
    n = _write(ctx, s, bytes(ctx.read(buffer, total)))
    s.save()
    return n // size


@export(conv="cdecl")
def fgetc(ctx, stream: FILE_P) -> INT:
    return stream_getc(ctx, stream)


@export(conv="cdecl")
def getc(ctx, stream: FILE_P) -> INT:
    return stream_getc(ctx, stream)


def _stdin(ctx) -> int:
    return crt(ctx).var["_iob"]


def _stdout(ctx) -> int:
    return crt(ctx).var["_iob"] + FILE_SIZE


@export(conv="cdecl")
def getchar(ctx) -> INT:
    return stream_getc(ctx, _stdin(ctx))


@export(conv="cdecl")
def _fgetchar(ctx) -> INT:
    return stream_getc(ctx, _stdin(ctx))


@export(conv="cdecl")
def _filbuf(ctx, stream: FILE_P) -> INT:
    s = _stream(ctx, stream)
    if s is None or not _start_read(ctx, s) or not _fill(ctx, s):
        if s is not None:
            s.save()
        return EOF_
    c = ctx.read(s.ptr, 1)[0]
    s.ptr += 1
    s.cnt -= 1
    s.save()
    return c


@export(conv="cdecl")
def _flsbuf(ctx, ch: INT, stream: FILE_P) -> INT:
    s = _stream(ctx, stream)
    if s is None:
        return EOF_
    if s.cnt < 0:
        s.cnt = 0
    n = _write(ctx, s, bytes([ch & 0xFF]))
    s.save()
    return ch & 0xFF if n == 1 else EOF_


@export(conv="cdecl")
def ungetc(ctx, c: INT, stream: FILE_P) -> INT:
    s = _stream(ctx, stream)
    if s is None or c == -1:
        return EOF_
    if not (s.flag & _IOREAD or (s.flag & _IORW and not s.flag & _IOWRT)):
        return EOF_
    if not s.base:
        _getbuf(ctx, s)
    if s.ptr == s.base:
        if s.cnt:
            return EOF_
        s.ptr += 1
    s.ptr -= 1
    ctx.write(s.ptr, bytes([c & 0xFF]))
    s.cnt += 1
    s.flag &= ~_IOEOF
    s.flag |= _IOREAD
    s.save()
    return c & 0xFF


@export(conv="cdecl")
def fgets(ctx, buffer: PVOID, n: INT, stream: FILE_P) -> PVOID:
    if n < 0 or (not buffer and n):
        set_errno(ctx, EINVAL)
        return 0
    if n == 0:
        return 0
    s = _stream(ctx, stream)
    if s is None:
        return 0
    data = _read(ctx, s, n - 1, line=True)
    s.save()
    if not data and n > 1:
        return 0
    ctx.write(buffer, data + b"\0")
    return buffer


@export(conv="cdecl")
def gets(ctx, buffer: PVOID) -> PVOID:
    s = _stream(ctx, _stdin(ctx))
    data = _read(ctx, s, 1 << 20, line=True)
    s.save()
    if not data:
        return 0
    ctx.write(buffer, data.rstrip(b"\n") + b"\0" if data.endswith(b"\n") else data + b"\0")
    return buffer


@export(conv="cdecl")
def fputc(ctx, c: INT, stream: FILE_P) -> INT:
    return c & 0xFF if stream_write(ctx, stream, bytes([c & 0xFF])) == 1 else EOF_


@export(conv="cdecl")
def putc(ctx, c: INT, stream: FILE_P) -> INT:
    return c & 0xFF if stream_write(ctx, stream, bytes([c & 0xFF])) == 1 else EOF_


@export(conv="cdecl")
def putchar(ctx, c: INT) -> INT:
    return c & 0xFF if stream_write(ctx, _stdout(ctx), bytes([c & 0xFF])) == 1 else EOF_


@export(conv="cdecl")
def _fputchar(ctx, c: INT) -> INT:
    return c & 0xFF if stream_write(ctx, _stdout(ctx), bytes([c & 0xFF])) == 1 else EOF_


@export(conv="cdecl")
def fputs(ctx, str: PVOID, stream: FILE_P) -> INT:
    if not str:
        set_errno(ctx, EINVAL)
        return EOF_
    data = ctx.read_cstr(str)
    return 0 if stream_write(ctx, stream, data) == len(data) else EOF_


@export(conv="cdecl")
def puts(ctx, str: LPCSTR) -> INT:
    if str is None:
        set_errno(ctx, EINVAL)
        return EOF_
    data = str.encode(ctx.kernel.ansi_codepage, "replace") + b"\n"
    return 0 if stream_write(ctx, _stdout(ctx), data) == len(data) else EOF_


@export(conv="cdecl")
def fseek(ctx, stream: FILE_P, offset: LONG, origin: INT) -> INT:
    s = _stream(ctx, stream)
    if s is None:
        return -1
    r = _seek(ctx, s, offset, origin)
    s.save()
    return r


@export(conv="cdecl")
def ftell(ctx, stream: FILE_P) -> LONG:
    s = _stream(ctx, stream)
    if s is None:
        return -1
    r = _tell(ctx, s)
    s.save()
    return r


@export(conv="cdecl")
def rewind(ctx, stream: FILE_P) -> None:
    s = _stream(ctx, stream)
    if s is None:
        return
    _seek(ctx, s, 0, 0)
    s.flag &= ~(_IOERR | _IOEOF)
    s.save()


@export(conv="cdecl")
def fgetpos(ctx, stream: FILE_P, pos: PVOID) -> INT:
    s = _stream(ctx, stream)
    if s is None or not pos:
        set_errno(ctx, EINVAL)
        return -1
    r = _tell(ctx, s)
    if r < 0:
        return -1
    ctx.write(pos, struct.pack("<q", r))
    return 0


@export(conv="cdecl")
def fsetpos(ctx, stream: FILE_P, pos: PVOID) -> INT:
    s = _stream(ctx, stream)
    if s is None or not pos:
        set_errno(ctx, EINVAL)
        return -1
    r = _seek(ctx, s, struct.unpack("<q", ctx.read(pos, 8))[0], 0)
    s.save()
    return r


@export(conv="cdecl")
def feof(ctx, stream: FILE_P) -> INT:
    s = _stream(ctx, stream)
    return 0 if s is None else s.flag & _IOEOF


@export(conv="cdecl")
def ferror(ctx, stream: FILE_P) -> INT:
    s = _stream(ctx, stream)
    return 0 if s is None else s.flag & _IOERR


@export(conv="cdecl")
def clearerr(ctx, stream: FILE_P) -> None:
    s = _stream(ctx, stream)
    if s is None:
        return
    s.flag &= ~(_IOERR | _IOEOF)
    info = crt(ctx).fds.get(s.file)
    if info is not None:
        info.flags &= ~0x02
    s.save()


@export(conv="cdecl")
def _fileno(ctx, stream: FILE_P) -> INT:
    s = _stream(ctx, stream)
    return -1 if s is None else s.file


@export(conv="cdecl")
def __iob_func(ctx) -> PVOID:
    return crt(ctx).var["_iob"]


# -- the printf family -----------------------------------------------------------------------------
def format_narrow(ctx, fmt: int, args_at: int) -> bytes | None:
    """Format with msvcrt's printf rules; the format is read as bytes from guest memory."""
    if not fmt:
        set_errno(ctx, EINVAL)
        return None
    try:
        return format_printf(ctx.read_cstr(fmt), StackArgs(ctx.read, args_at, ctx.write),
                             codepage=ctx.kernel.ansi_codepage)
    except PrintfError as e:
        if e.errno is not None:
            set_errno(ctx, e.errno)
        return None


def format_wide(ctx, fmt: str | None, args_at: int) -> str | None:
    if fmt is None:
        set_errno(ctx, EINVAL)
        return None
    try:
        return format_wprintf(fmt, StackArgs(ctx.read, args_at, ctx.write), codepage=ctx.kernel.ansi_codepage)
    except PrintfError as e:
        if e.errno is not None:
            set_errno(ctx, e.errno)
        return None


def _emit(ctx, stream: int, data: bytes | None) -> int:
    if data is None:
        return EOF_
    if not data:
        return 0 if _stream(ctx, stream) is not None else EOF_
    return len(data) if stream_write(ctx, stream, data) == len(data) else EOF_


@export(conv="cdecl")
def printf(ctx, format: PVOID, *args) -> INT:
    return _emit(ctx, _stdout(ctx), format_narrow(ctx, format, args[0].address))


@export(conv="cdecl")
def vprintf(ctx, format: PVOID, argptr: va_list) -> INT:
    return _emit(ctx, _stdout(ctx), format_narrow(ctx, format, argptr))


@export(conv="cdecl")
def fprintf(ctx, stream: FILE_P, format: PVOID, *args) -> INT:
    return _emit(ctx, stream, format_narrow(ctx, format, args[0].address))


@export(conv="cdecl")
def vfprintf(ctx, stream: FILE_P, format: PVOID, argptr: va_list) -> INT:
    return _emit(ctx, stream, format_narrow(ctx, format, argptr))


def _wemit(ctx, stream: int, text: str | None) -> int:
    if text is None:
        return EOF_
    data = text.encode(ctx.kernel.ansi_codepage, "replace")
    return len(text) if _emit(ctx, stream, data) != EOF_ else EOF_


@export(conv="cdecl")
def wprintf(ctx, format: LPCWSTR, *args) -> INT:
    return _wemit(ctx, _stdout(ctx), format_wide(ctx, format, args[0].address))


@export(conv="cdecl")
def fwprintf(ctx, stream: FILE_P, format: LPCWSTR, *args) -> INT:
    return _wemit(ctx, stream, format_wide(ctx, format, args[0].address))


def store(ctx, buffer: int, data: bytes | None, limit: int | None = None) -> int:
    """sprintf/_snprintf's result: the string and its NUL in the buffer; _snprintf with a count too
    small writes count bytes (no NUL) and returns -1, with exactly count bytes no NUL and count."""
    if data is None:
        return EOF_
    if limit is not None and len(data) >= limit:
        if limit:
            ctx.write(buffer, data[:limit])
        return EOF_ if len(data) > limit else len(data)
    ctx.write(buffer, data + b"\0")
    return len(data)


@export(conv="cdecl")
def sprintf(ctx, buffer: PVOID, format: PVOID, *args) -> INT:
    return store(ctx, buffer, format_narrow(ctx, format, args[0].address))


@export(conv="cdecl")
def vsprintf(ctx, buffer: PVOID, format: PVOID, argptr: va_list) -> INT:
    return store(ctx, buffer, format_narrow(ctx, format, argptr))


@export(conv="cdecl")
def _snprintf(ctx, buffer: PVOID, count: SIZE_T, format: PVOID, *args) -> INT:
    return store(ctx, buffer, format_narrow(ctx, format, args[0].address), count)


@export(conv="cdecl")
def _vsnprintf(ctx, buffer: PVOID, count: SIZE_T, format: PVOID, argptr: va_list) -> INT:
    return store(ctx, buffer, format_narrow(ctx, format, argptr), count)


def wstore(ctx, buffer: int, text: str | None, limit: int | None = None) -> int:
    if text is None:
        return EOF_
    data = text.encode("utf-16-le", "surrogatepass")
    n = len(data) // 2
    if limit is not None and n >= limit:
        if limit:
            ctx.write(buffer, data[:2 * limit])
        return EOF_ if n > limit else n
    ctx.write(buffer, data + b"\0\0")
    return n


@export(conv="cdecl")
def swprintf(ctx, buffer: PVOID, format: LPCWSTR, *args) -> INT:
    return wstore(ctx, buffer, format_wide(ctx, format, args[0].address))


@export(conv="cdecl")
def vswprintf(ctx, buffer: PVOID, format: LPCWSTR, argptr: va_list) -> INT:
    return wstore(ctx, buffer, format_wide(ctx, format, argptr))


@export(conv="cdecl")
def _snwprintf(ctx, buffer: PVOID, count: SIZE_T, format: LPCWSTR, *args) -> INT:
    return wstore(ctx, buffer, format_wide(ctx, format, args[0].address), count)


@export(conv="cdecl")
def _vsnwprintf(ctx, buffer: PVOID, count: SIZE_T, format: LPCWSTR, argptr: va_list) -> INT:
    return wstore(ctx, buffer, format_wide(ctx, format, argptr), count)


# -- the scanf family ------------------------------------------------------------------------------
def _scan(ctx, source, fmt: bytes | None, args_at: int, wide: bool = False) -> int:
    from .scanf import GuestTargets, scan
    if fmt is None:
        set_errno(ctx, EINVAL)
        return EOF_
    return scan(fmt, source, GuestTargets(ctx, args_at), wide=wide, codepage=ctx.kernel.ansi_codepage) & 0xFFFFFFFF


class StreamSource:
    """scanf's input from a FILE: getc / ungetc on the guest stream."""

    def __init__(self, ctx, addr: int):
        self.ctx, self.addr = ctx, addr

    def getc(self) -> int:
        c = stream_getc(self.ctx, self.addr)
        return -1 if c == EOF_ else c

    def ungetc(self, c: int) -> None:
        if c >= 0:
            ungetc(self.ctx, c, self.addr)


@export(conv="cdecl")
def sscanf(ctx, buffer: PVOID, format: PVOID, *args) -> INT:
    from .scanf import StringSource
    if not buffer or not format:
        set_errno(ctx, EINVAL)
        return EOF_
    return _scan(ctx, StringSource(ctx.read_cstr(buffer)), ctx.read_cstr(format), args[0].address)


@export(conv="cdecl")
def _snscanf(ctx, input: PVOID, length: SIZE_T, format: PVOID, *args) -> INT:
    from .scanf import StringSource
    if not input or not format:
        set_errno(ctx, EINVAL)
        return EOF_
    return _scan(ctx, StringSource(ctx.read_cstr(input, length)[:length]), ctx.read_cstr(format),
                 args[0].address)


@export(conv="cdecl")
def scanf(ctx, format: PVOID, *args) -> INT:
    if not format:
        set_errno(ctx, EINVAL)
        return EOF_
    return _scan(ctx, StreamSource(ctx, _stdin(ctx)), ctx.read_cstr(format), args[0].address)


@export(conv="cdecl")
def fscanf(ctx, stream: FILE_P, format: PVOID, *args) -> INT:
    if not format or _stream(ctx, stream) is None:
        set_errno(ctx, EINVAL)
        return EOF_
    return _scan(ctx, StreamSource(ctx, stream), ctx.read_cstr(format), args[0].address)


@export(conv="cdecl")
def swscanf(ctx, buffer: PVOID, format: PVOID, *args) -> INT:
    from .scanf import StringSource
    if not buffer or not format:
        set_errno(ctx, EINVAL)
        return EOF_
    text = ctx.read_wcstr(buffer)
    units = list(struct.unpack(f"<{len(text) // 2}H", text))
    fmt = ctx.read_wcstr(format)
    return _scan(ctx, StringSource(units), list(struct.unpack(f"<{len(fmt) // 2}H", fmt)), args[0].address,
                 wide=True)




# -- wide characters to byte streams: each converted with wctomb in the current LC_CTYPE locale (the C
# locale: characters up to U+00FF as that byte; the system's: code page 1252); one that does not convert
# fails with EILSEQ and WEOF --------------------------------------------------------------------------
WEOF = 0xFFFF
EILSEQ = 42


def wide_to_bytes(ctx, unit: int) -> bytes | None:
    from .printf import _wctomb
    locale = getattr(crt(ctx), "locale_name", "C")
    return _wctomb(unit & 0xFFFF, "C" if locale == "C" else "cp1252")


def _put_wide(ctx, c: int, stream: int) -> int:
    data = wide_to_bytes(ctx, c)
    if data is None:
        set_errno(ctx, EILSEQ)
        return WEOF
    return c & 0xFFFF if stream_write(ctx, stream, data) == len(data) else WEOF


@export(conv="cdecl")
def fputwc(ctx, c: INT, stream: FILE_P) -> INT:
    return _put_wide(ctx, c, stream)


@export(conv="cdecl")
def putwc(ctx, c: INT, stream: FILE_P) -> INT:
    return _put_wide(ctx, c, stream)


@export(conv="cdecl")
def fputws(ctx, str: LPCWSTR, stream: FILE_P) -> INT:
    """0 when every character was written, else WEOF (-1 as an int)."""
    for ch in str or "":
        if _put_wide(ctx, ord(ch), stream) == WEOF:
            return EOF_
    return 0


@export(conv="cdecl")
def wctomb(ctx, mbchar: PVOID, wchar: INT) -> INT:
    """The bytes of one wide character (0 for a NULL buffer: no shift states); -1 with EILSEQ."""
    if not mbchar:
        return 0
    data = wide_to_bytes(ctx, wchar)
    if data is None:
        set_errno(ctx, EILSEQ)
        return -1
    ctx.write(mbchar, data)
    return len(data)
