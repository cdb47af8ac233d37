/* ucrt_more.exe: Universal CRT functions beyond start-up (built with zig cc -target x86-windows-gnu):
 * locale objects (_create_locale, _wcreate_locale, _get_current_locale, _free_locale), the wide printf
 * family (swprintf, _snwprintf, _scwprintf, wprintf, fwprintf: __stdio_common_vswprintf and
 * __stdio_common_vfwprintf) and assert().  Without arguments it prints its lines and exits with 0; with
 * the argument "w" it calls _wassert (the wide form) directly, with another argument the assert(argc == 1)
 * fails: either way the message goes to stderr and the exit code is 3. */
#undef NDEBUG                   /* zig cc -O2 defines it: keep assert() */
#include <assert.h>
#include <errno.h>
#include <locale.h>
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
    fflush(stdout);
    if (argc > 1 && argv[1][0] == 'w' && !argv[1][1])
        _wassert(L"wide expression", L"wide.c", 77);
    assert(argc == 1);
    printf("assert passed\n");
    return 0;
}
