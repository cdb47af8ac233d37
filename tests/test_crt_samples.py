"""The C-runtime and code-page samples run end to end: their exact stdout, stderr and exit codes
(crtio.exe, crtmisc.exe, codepages.exe built with mingw-w64 against msvcrt.dll; ucrt_hello.exe
built with zig against the Universal CRT)."""
from conftest import run_sample
import pytest

pytestmark = pytest.mark.usefixtures("os_profile")     # under every OS profile (conftest.py)

CRTIO = [
    'before fflush a reader sees 0 bytes',
    'after fflush: 48 bytes, CR LF on disk: yes',
    'ftell while writing: 48',
    'fgets: [line one 1] len=11',
    'ftell after one line: 12',
    'fgetc=l after ungetc: [Line two]',
    'fseek back to 22: same line yes',
    'fscanf: 4 -> 42 -7 word 2.50',
    'at end: fgetc=-1 feof=1 ferror=0',
    'after clearerr: feof=0',
    'last 4 bytes: [00]',
    'a+ then read: [line one 1]',
    '_open: 1',
    '_write: 11',
    '_lseek: 3',
    '_read: 4 [3456] then 11 at end',
    '_close again: -1 errno=9',
    'fopen missing: NULL errno=2',
    'fopen bad mode: NULL errno=22',
    'unbuffered getc: l',
    'sscanf: 4 -> 17 31 abc 32.5',
    'sscanf empty: -1, mismatch: 0',
    'stdout line 1',
    'stdout line 2',
]

CRTMISC = [
    'qsort: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (62 comparator calls)',
    'bsearch 11: index 11 after 2 calls',
    'bsearch 99: NULL',
    'strtod: -1250.000000 rest [xyz]',
    'strtod d exponent: 1500 rest []',
    'strtod none: 0 endptr at start: yes',
    'strtod overflow: 1.#INF errno=34',
    'atof: 3.142',
    'sqrt(2)=1.414214 pow(2,10)=1024 floor(-2.5)=-3 ceil(2.1)=3 fmod(7,3)=1',
    'sin(1)=0.841471 atan2(1,1)=0.785398 exp(1)=2.718282e+000 log10(1000)=3',
    'modf(3.75)=0.75,3 frexp(8)=0.5,4 ldexp(1,10)=1024',
    'sqrt(-1)=-1.#IND00 errno=33 _isnan=1',
    'log(0)=-1.#INF00 errno=34 _finite=0',
    '_CIsqrt(81)=9 _CIpow(3,4)=81',
    '%e %g: 1.234568e+005 0.0001 1e+020 1.500000E-010',
    'rand after srand(1): 41 18467 6334 26500 19169',
    'rand after srand(42): 175 400',
    'time: 1704067200',
    'strftime: 2024-01-01 00:00:00 Monday January 001 AM 24 Mon Jan',
    'strftime C locale: 01/01/24 00:00:00|01/01/24|00:00:00',
    'mktime(2024-02-30 12:00): 1709294400 -> 2024-03-01 wday=5 yday=60',
    'clock: ok',
    'ctype C: isalpha(a)=258 isupper(A)=1 isdigit(7)=4 isspace(tab)=8 ispunct(!)=16 isxdigit(f)=128 isalpha(0xE9)=0',
    'toupper(e)=E tolower(0xC9)=C9',
    'setlocale: English_United States.1252',
    'ctype 1252: isalpha(0xE9)=258 islower(0xE9)=2 toupper(0xE9)=C9 isdigit(0xB2)=4',
    'setlocale back: C',
    '_itoa: -255 ff ffffffff 11111111111111111111111111111111',
    'strtok: [alpha] [beta] [gamma]',
    '_stricmp: 0 -2 strncmp: -1',
    'div(-7,2): -3 -1 abs(-3)=3 labs=5',
]

CODEPAGES = [
    'GetACP=1252 GetOEMCP=437',
    '1252 size query: 5',
    '1252 -> wide: ret=5 err=0 [0041 00E9 20AC 0090 0000]',
    'CP_ACP small buffer: ret=0 err=122 [0061 0062 0063 0000]',
    '1252 holes strict: ret=2 err=0 [0081 008D]',
    '1252 narrow size query: 6',
    'wide -> 1252 best fit: ret=6 err=0 [41 E9 80 41 3F 00]',
    '  used default: 1',
    "wide -> 1252 no best fit, default '*': ret=6 err=0 [41 E9 80 2A 2A 00]",
    '  used default: 1',
    'wide -> 1252 no terminator: ret=5 err=0 [70 6C 61 69 6E]',
    '  used default: 0',
    'wide -> 1252 small buffer: ret=0 err=122 [61 62 63 78]',
    '437 -> wide: ret=4 err=0 [0001 00C7 2591 00DF]',
    '437 glyphs: ret=3 err=0 [263A 263B 2302]',
    'CP_OEMCP: ret=1 err=0 [00A2]',
    'wide -> 437: ret=5 err=0 [80 81 B0 01 3F]',
    '  used default: 1',
    'utf8 size query: 6',
    'utf8 -> wide: ret=6 err=0 [0068 00E9 20AC D83D DE00 0000]',
    'utf8 invalid C0 41 42: ret=3 err=0 [FFFD 0041 0042]',
    'utf8 invalid FF FF: ret=12 err=0 [0074 0065 0073 0074 FFFD FFFD 0020 0074 0065 0073 0074 0000]',
    'utf8 invalid strict: ret=0 err=1113 []',
    'wide -> utf8: ret=11 err=0 [68 C3 A9 E2 82 AC F0 9F 98 80 00]',
    'lone surrogate -> utf8: ret=5 err=0 [61 EF BF BD 62]',
    'lone surrogate strict: ret=0 err=1113 []',
    'source length 0: ret=0 err=87 []',
    'NULL output with size: ret=0 err=87 []',
    'unknown code page: ret=0 err=87 []',
    'utf8 with MB_PRECOMPOSED: ret=0 err=1004 []',
    'utf8 with lpUsedDefaultChar: ret=0 err=87 []',
    'negative output size: ret=0 err=87 []',
    'CPINFOEX: max=1 default=3F code page=1252 name=[1252  (ANSI - Latin I)]',
    'CPINFOEX 65001: max=4 name=[65001 (UTF-8)]',
    'GetCPInfoEx(1251)=0 err=87 IsValidCodePage(437)=1 (932)=0',
    'LCID user=0409 system=0409 lang=0409 thread=0409 valid(0409)=1',
    'locale 000E: 2 [.]',
    'locale 000F: 2 [,]',
    'locale 1004: 5 [1252]',
    'locale 000B: 4 [437]',
    'locale 1001: 8 [English]',
    'locale 0059: 3 [en]',
    'locale 005A: 3 [US]',
    'locale 001F: 9 [M/d/yyyy]',
    'locale 002A: 7 [Monday]',
    'locale 004F: 4 [Dec]',
    'locale size query: 8',
    'locale small buffer: 0 err=122',
    'locale number: 2 1252',
    'LCMAP_UPPERCASE: ret=11 err=0 [0053 0054 0052 0041 00DF 0045 0020 00C9 0054 00C9 0000]',
    'LCMAP_LOWERCASE: 8 [mixed é]',
    'CompareString: 1 2 2 1',
    'lstrcmp: -1 1 0 lstrcmpi: 0 lstrlen: 4 5',
    'CT_CTYPE1: 382 301 284 248 210 302',
]


def _lines(data: bytes) -> list[str]:
    return data.decode("latin-1").splitlines()


def test_crtio_file_streams_buffering_and_low_level_io():
    r = run_sample("crtio.exe")
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert _lines(r.stdout) == CRTIO
    assert r.stderr == b"stderr line\n"


def test_crtmisc_stdlib_math_time_ctype():
    r = run_sample("crtmisc.exe")
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert _lines(r.stdout) == CRTMISC


def test_crtmisc_rand_is_msvcrts_generator():
    r = run_sample("crtmisc.exe")
    assert "rand after srand(1): 41 18467 6334 26500 19169" in _lines(r.stdout)


def test_codepages_conversions_and_locale_information():
    r = run_sample("codepages.exe")
    assert (r.reason, r.exit_code) == ("exited", 0), r.message
    assert _lines(r.stdout) == CODEPAGES


@pytest.mark.profiles("win7sp1")     # subsystem version 6.0: XP refuses the image (tests/test_xp.py)
def test_ucrt_program_built_with_zig():
    r = run_sample("ucrt_hello.exe", ["arg1"])
    assert (r.reason, r.exit_code) == ("exited", 7), r.message
    assert r.stdout == (b"ucrt hello argc=2 argv[1]=arg1 len=10\n"
                        b"1.234568e+04 1e-10 8\n"
                        b"snprintf: 20 [truncated-12345]\n"
                        b"sscanf: 1 40\n"
                        b"qsort: 1 2 3\n"
                        b"atexit handler\n")
    assert r.stderr == b"to stderr\n"


@pytest.mark.profiles("win7sp1")
def test_ucrt_program_without_arguments():
    r = run_sample("ucrt_hello.exe")
    assert r.exit_code == 7
    assert r.stdout.startswith(b"ucrt hello argc=1 argv[1]=(none) len=10\n")
