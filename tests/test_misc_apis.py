"""Console programs' odds and ends, each on a real image built from samples/src (expected values from
the source program and the functions' documentation):

- crtextra.exe (msvcrt): _mkdir/_wmkdir/_rmdir/_wrmdir with errno, perror/_wperror, the aligned
  allocation family, _fpreset, __lconv_init;
- ucrt_aligned.exe (ucrtbase, zig cc): the same aligned family and perror in the Universal CRT.
"""
from conftest import run_sample


def test_msvcrt_folders_perror_aligned_fpreset_lconv():
    r = run_sample("crtextra.exe")
    assert r.exit_code == 0
    assert r.stdout.decode().splitlines() == [
        "_mkdir new: 0",
        "_mkdir again: -1 errno=17",               # EEXIST
        "_mkdir missing parent: -1 errno=2",       # ENOENT
        "_wmkdir inner: 0",
        "_rmdir not empty: -1 errno=41",           # ENOTEMPTY
        "_wrmdir inner: 0",
        "_rmdir: 0",
        "_rmdir gone: -1 errno=2",
        "_aligned_malloc 64: aligned",
        "_aligned_realloc 256: aligned, contents kept",
        "_aligned_malloc align 3: NULL errno=22",  # not a power of two: EINVAL
        "_aligned_offset_malloc: offset aligned",
        "_aligned_realloc NULL: new block",
        "_aligned_realloc size 0: NULL",
        "_controlfp after _RC_UP: 0x9021f",        # _CW_DEFAULT 0x9001F with RC = _RC_UP (0x200)
        "after _fpreset: _controlfp 0x9001f, x87 control word 0x27f",
        "frac_digits before __lconv_init: 127",    # CHAR_MAX of signed char
        "__lconv_init: 0",
        "frac_digits after: 255",                  # UCHAR_MAX
    ]
    # perror: "prefix: " only for a non-empty prefix; _sys_nerr and beyond: "Unknown error"
    assert r.stderr.decode().splitlines() == [
        "crtextra: No such file or directory", "Invalid argument", "Permission denied", "wide: Unknown error"]


def test_ucrtbase_aligned_and_perror():
    r = run_sample("ucrt_aligned.exe")
    assert r.exit_code == 0
    assert r.stdout.decode().splitlines() == [
        "_aligned_malloc 128: aligned",
        "_aligned_msize: at least 1000",
        "_aligned_realloc 4096: aligned [kept]",
        "_aligned_malloc align 24: NULL errno=22",
    ]
    assert r.stderr == b"ucrt: No such file or directory\n"
