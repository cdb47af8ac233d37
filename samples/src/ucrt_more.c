/* ucrt_more.exe: Universal CRT functions beyond start-up (built with zig cc -target x86-windows-gnu):
 * locale objects (_create_locale, _wcreate_locale, _get_current_locale, _free_locale), the wide printf
 * family (swprintf, _snwprintf, _scwprintf, wprintf, fwprintf: __stdio_common_vswprintf and
 * __stdio_common_vfwprintf), aligned blocks (_aligned_malloc/_aligned_realloc/_aligned_free), multibyte
 * characters (MB_CUR_MAX, mbtowc, _mbtowc_l, wctomb, wcrtomb), wide characters to a byte stream (fputwc,
 * fputws) and assert().  Without arguments it prints its lines and exits with 0; with
 * the argument "w" it calls _wassert (the wide form) directly, with another argument the assert(argc == 1)
 * fails: either way the message goes to stderr and the exit code is 3. */
#undef NDEBUG                   /* zig cc -O2 defines it: keep assert() */
#include <assert.h>
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <stdlib.h>
#include <stdio.h>
#include <wchar.h>

int main(int argc, char **argv)
{
    wchar_t buf[64];
    int n;
    _locale_t c = _create_locale(LC_ALL, "C");
    _locale_t sys = _wcreate_locale(LC_CTYPE, L"English_United States.1252");
    _locale_t none = _create_locale(LC_ALL, "Klingon_Qo'noS.999");
    _locale_t cur;
    printf("C locale: %s\n", c ? "yes" : "NULL");
    printf("system locale: %s\n", sys ? "yes" : "NULL");
    printf("unknown locale: %s\n", none ? "yes" : "NULL");
    errno = 0;
    none = _create_locale(99, "C");
    printf("bad category: %s errno=%d\n", none ? "yes" : "NULL", errno);
    cur = _get_current_locale();
    printf("current locale: %s\n", cur ? "yes" : "NULL");
    _free_locale(cur);
    _free_locale(sys);
    _free_locale(c);
    _free_locale(NULL);

    n = swprintf(buf, 64, L"%d %ls %hs %5.2f", 42, L"wide", "narrow", 3.14159);
    printf("swprintf: %d [%ls]\n", n, buf);
    wmemset(buf, L'#', 8);
    n = _snwprintf(buf, 4, L"%d", 123456);
    printf("_snwprintf: %d [%.6ls]\n", n, buf);
    n = _scwprintf(L"%ls-%d", L"abcdef", 7);
    printf("_scwprintf: %d\n", n);
    fflush(stdout);
    n = wprintf(L"wprintf %ls %x\n", L"out", 255);
    fflush(stdout);
    printf("wprintf returned %d\n", n);
    fwprintf(stderr, L"to stderr %d\n", -5);
    {
        char *a = _aligned_malloc(100, 64), *b;
        char mb[8];
        wchar_t wc = 0;
        mbstate_t state = {0};
        _locale_t l1252 = _create_locale(LC_ALL, ".1252");
        int n1, n2;
        a[0] = 'k';
        b = _aligned_realloc(a, 5000, 256);
        printf("_aligned_malloc 64: %s, _aligned_realloc 256: %s, kept: %c\n", ((size_t)a & 63) == 0 ? "aligned" : "no",
               ((size_t)b & 255) == 0 ? "aligned" : "no", b[0]);
        _aligned_free(b);
        errno = 0;
        printf("_aligned_malloc alignment 3: %s errno=%d\n", _aligned_malloc(8, 3) ? "block" : "NULL", errno);
        n1 = mbtowc(&wc, "\x80", 1);
        printf("MB_CUR_MAX=%d mbtowc(0x80) in C: %d U+%04X\n", (int)MB_CUR_MAX, n1, (unsigned)wc);
        n2 = _mbtowc_l(&wc, "\x80", 1, l1252);
        printf("_mbtowc_l(0x80) in 1252: %d U+%04X, empty string: %d, count 0: %d\n", n2, (unsigned)wc,
               mbtowc(&wc, "", 1), mbtowc(&wc, "a", 0));
        _free_locale(l1252);
        n1 = wctomb(mb, L'\xE9');
        n2 = wctomb(mb + 1, 0x20AC);
        printf("wctomb U+00E9 in C: %d byte %02X, U+20AC: %d\n", n1, (unsigned char)mb[0], n2);
        errno = 0;
        printf("wcrtomb U+0041: %d, U+4E00: %d errno=%d\n", (int)wcrtomb(mb, L'A', &state),
               (int)wcrtomb(mb, 0x4E00, &state), errno);
        fflush(stdout);
        printf("fputwc: %d\n", (int)fputwc(L'W', stdout));
        printf("fputws: %d\n", fputws(L"ide\n", stdout));
        fflush(stdout);
        printf("putwc: %d\n", (int)putwc(L'!', stdout));
        {
            wchar_t sbuf[8];
            int r1 = swprintf_s(sbuf, 8, L"%d", 1234567), r2, r3;
            printf("swprintf_s fits: %d [%ls]\n", r1, sbuf);
            r2 = _snwprintf_s(sbuf, 8, _TRUNCATE, L"%ls", L"abcdefghij");
            printf("_snwprintf_s _TRUNCATE: %d [%ls]\n", r2, sbuf);
            r3 = _snwprintf_s(sbuf, 8, 3, L"%ls", L"abcdefghij");
            printf("_snwprintf_s count 3: %d [%ls]\n", r3, sbuf);
        }
    }
    fflush(stdout);
    if (argc > 1 && argv[1][0] == 'w' && !argv[1][1])
        _wassert(L"wide expression", L"wide.c", 77);
    assert(argc == 1);
    printf("assert passed\n");
    return 0;
}
