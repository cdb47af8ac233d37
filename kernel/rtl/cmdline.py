"""Windows command lines: building them and splitting them like Windows does.

A Windows process receives one command-line string; every program splits
it itself.  Two splitters matter for 32-bit programs:

* msvcrt.dll's start-up code (``__getmainargs`` / ``__wgetmainargs``), which
  fills ``argc``/``argv`` for MinGW and old MSVC programs: ``parse_msvcrt``;
* shell32's ``CommandLineToArgvW``: ``parse_commandline_to_argv_w``.

Rules shared by both (Microsoft docs "Parsing C command-line arguments"):

* arguments are separated by spaces and tabs only (not CR, LF, VT...);
* ``"`` starts / ends a quoted part, which may be embedded in an argument
  (``a"b c"d`` is ``ab cd``); the quotes themselves are dropped; an
  unterminated quoted part runs to the end of the line;
* 2n backslashes followed by ``"`` give n backslashes, and the quote is a
  delimiter; 2n+1 backslashes followed by ``"`` give n backslashes and a
  literal ``"``; backslashes not followed by ``"`` are literal;
* ``argv[0]`` (the program name) has its own rule: if it starts with ``"``
  it runs to the next ``"`` (or the end), whatever follows -- the next
  argument may start right after the closing quote (``"a b"c d`` gives
  ``a b``, ``c``, ``d``); otherwise it runs to the first space or tab.
  There is no backslash processing and no other quote handling in it
  (``exe"x y`` gives ``exe"x``, ``y``), and a line starting with a space
  has an empty ``argv[0]``.

The doubled quote: in msvcrt.dll (Visual C++ 6 code; the rule was changed
only in the VS2008 runtime msvcr90.dll and later, including the UCRT) ``""``
inside a quoted part yields a literal ``"`` **and ends the quoted part**.
``CommandLineToArgvW`` behaves the same way; Wine documents it as "in a
quoted part, a run of quotes counted together with the opening one: 3n ->
n quotes, 3n+1 -> n quotes and the part is closed, 3n+2 -> n+1 quotes and
closed", which is the same thing.  So ``a"b"" c d`` is ``ab"``, ``c``, ``d``
for both, while msvcr90+/UCRT stay inside the quotes and give ``ab" c d``
(the example in today's Microsoft documentation); ``parse_msvcrt`` takes
``post_2008=True`` for that variant.

Differences between ``parse_msvcrt`` and ``parse_commandline_to_argv_w``
(both take ``str``; decode an ANSI command line with the ANSI code page
first, which also gives msvcrt's DBCS lead-byte handling for free):

* an empty command line: msvcrt gives ``[""]`` (argc 1), CommandLineToArgvW
  gives the path of the executable (``program_name``);
* otherwise the results are the same (the implementations below are written
  independently and the tests check that they agree).

``quote_arg`` produces text that every variant above (msvcrt pre- and
post-2008, CommandLineToArgvW) parses back exactly: it never relies on
``""`` inside a quoted part.
"""

from __future__ import annotations

__all__ = [
    "quote_arg",
    "build_command_line",
    "parse_msvcrt",
    "parse_commandline_to_argv_w",
]

_WHITESPACE = " \t"
# characters that make quote_arg quote its argument (quoting is harmless, so
# be generous: CR/LF/VT/FF are not separators but cmd.exe and friends care)
_NEEDS_QUOTES = set(" \t\n\r\v\f\"")


def quote_arg(arg: str) -> str:
    """Quote one argument (not argv[0]) so that both msvcrt and
    CommandLineToArgvW give back exactly ``arg``.

    Arguments without whitespace or quotes are returned unchanged (their
    backslashes are literal).  Otherwise the argument is wrapped in quotes,
    each ``"`` becomes ``\\"`` with the backslashes before it doubled, and
    the backslashes before the closing quote are doubled.  The empty
    argument is ``""``.
    """
    if arg and not any(c in _NEEDS_QUOTES for c in arg):
        return arg
    out = ['"']
    backslashes = 0
    for c in arg:
        if c == "\\":
            backslashes += 1
            continue
        if c == '"':
            out.append("\\" * (2 * backslashes + 1) + '"')
        else:
            out.append("\\" * backslashes + c)
        backslashes = 0
    out.append("\\" * (2 * backslashes) + '"')
    return "".join(out)


def _quote_program(path: str) -> str:
    if '"' in path:
        raise ValueError("argv[0] cannot contain a double quote: %r" % (path,))
    if "\0" in path:
        raise ValueError("argv[0] cannot contain NUL")
    if path == "" or any(c in _WHITESPACE for c in path):
        return '"' + path + '"'
    return path


def build_command_line(argv: list[str]) -> str:
    """Join ``argv`` into a command line.

    ``argv[0]`` is quoted the way Windows writes program paths: in quotes
    when it is empty or contains a space or tab, with no escaping at all
    (the argv[0] rule has none, so it must not contain ``"``:
    ``ValueError``).  The other arguments go through :func:`quote_arg`.
    Arguments are joined with single spaces.  ``[]`` gives ``""``.
    """
    if not argv:
        return ""
    for a in argv:
        if "\0" in a:
            raise ValueError("arguments cannot contain NUL")
    return " ".join([_quote_program(argv[0])] + [quote_arg(a) for a in argv[1:]])


def _split_program(cmdline: str) -> tuple[str, int]:
    """argv[0] and the index where the arguments start (shared rule)."""
    if cmdline.startswith('"'):
        end = cmdline.find('"', 1)
        if end < 0:
            return cmdline[1:], len(cmdline)
        return cmdline[1:end], end + 1
    i = 0
    while i < len(cmdline) and cmdline[i] not in _WHITESPACE:
        i += 1
    return cmdline[:i], i


def parse_msvcrt(cmdline: str, *, post_2008: bool = False) -> list[str]:
    """Split ``cmdline`` as msvcrt.dll's ``__getmainargs``/``__wgetmainargs``.

    Follows the Visual C++ 6 start-up code that msvcrt.dll contains: the
    shared rules of the module docstring, argv[0] by its own rule, and
    ``""`` inside a quoted part = a literal quote that also ends the quoted
    part.  With ``post_2008=True`` the quoted part continues after ``""``
    (msvcr90.dll and later runtimes, the UCRT).

    An empty command line gives ``[""]``.  Wildcard expansion (``_dowildcard``)
    is not done here.  A NUL character ends the line, as in C.
    """
    nul = cmdline.find("\0")
    if nul >= 0:
        cmdline = cmdline[:nul]
    program, i = _split_program(cmdline)
    argv = [program]
    n = len(cmdline)
    in_quotes = False
    while True:
        while i < n and cmdline[i] in _WHITESPACE:
            i += 1
        if i >= n:
            break
        arg: list[str] = []
        while True:
            # one step: a run of backslashes and the character after it
            backslashes = 0
            while i < n and cmdline[i] == "\\":
                backslashes += 1
                i += 1
            copy = True
            if i < n and cmdline[i] == '"':
                if backslashes % 2 == 0:
                    doubled = in_quotes and i + 1 < n and cmdline[i + 1] == '"'
                    if doubled:
                        i += 1              # skip the first, copy the second
                        if not post_2008:
                            in_quotes = not in_quotes
                    else:
                        copy = False
                        in_quotes = not in_quotes
                backslashes //= 2
            arg.append("\\" * backslashes)
            if i >= n or (not in_quotes and cmdline[i] in _WHITESPACE):
                break
            if copy:
                arg.append(cmdline[i])
            i += 1
        argv.append("".join(arg))
    return argv


def parse_commandline_to_argv_w(cmdline: str, program_name: str | None = None) -> list[str]:
    """Split ``cmdline`` as shell32's ``CommandLineToArgvW``.

    Rules: the shared rules of the module docstring with argv[0] by its own
    rule; inside a quoted part a run of quotes, counted together with the
    opening quote, gives 3n -> n literal quotes (still quoted), 3n+1 -> n
    quotes and the part ends, 3n+2 -> n+1 quotes and the part ends; outside
    quotes the first quote of a run opens a quoted part and the rest of the
    run follows the same rule.  This equals msvcrt.dll's splitting (not the
    msvcr90+/UCRT one) for every non-empty command line.

    For an empty ``cmdline`` Windows returns the path of the executable as
    the only argument; it is taken from ``program_name`` (``ValueError``
    when it is not given).  Characters after a NUL are ignored.
    """
    nul = cmdline.find("\0")
    if nul >= 0:
        cmdline = cmdline[:nul]
    if cmdline == "":
        if program_name is None:
            raise ValueError("empty command line: CommandLineToArgvW returns the "
                             "executable path, pass program_name")
        return [program_name]
    program, i = _split_program(cmdline)
    argv = [program]
    n = len(cmdline)
    while i < n and cmdline[i] in _WHITESPACE:
        i += 1
    if i >= n:
        return argv
    cur: list[str] = []
    quote_state = 0          # 0: outside quotes, 1: inside
    backslashes = 0
    while i < n:
        c = cmdline[i]
        if c in _WHITESPACE and quote_state == 0:
            argv.append("".join(cur))
            cur = []
            backslashes = 0
            while i < n and cmdline[i] in _WHITESPACE:
                i += 1
            if i >= n:
                return argv
            continue
        if c == "\\":
            cur.append(c)
            backslashes += 1
            i += 1
            continue
        if c == '"':
            # backslashes were copied as they came; keep half of them
            keep = backslashes // 2
            del cur[len(cur) - backslashes:]
            cur.append("\\" * keep)
            if backslashes % 2:
                cur.append('"')             # escaped quote, state unchanged
            else:
                quote_state += 1            # delimiter quote
            backslashes = 0
            i += 1
            # the rest of the run of quotes
            while i < n and cmdline[i] == '"':
                quote_state += 1
                if quote_state == 3:
                    cur.append('"')
                    quote_state = 0
                i += 1
            if quote_state == 2:
                quote_state = 0
            continue
        cur.append(c)
        backslashes = 0
        i += 1
    argv.append("".join(cur))
    return argv
