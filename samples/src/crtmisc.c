/* crtmisc.exe: msvcrt's stdlib, math, time, ctype and locale: qsort with a guest comparator
 * (and how many times msvcrt's algorithm calls it), bsearch, strtod/atof (endptr, ERANGE), math
 * results through the x87 stack printed with %f/%e/%g (sqrt, pow, floor, fmod, sin, atan2, exp,
 * log10, modf, frexp, ldexp, domain errors), the _CIsqrt/_CIpow intrinsics (arguments in ST0/ST1),
 * rand() after srand(1) and srand(42), time/gmtime/mktime/strftime of the virtual clock
 * (2024-01-01 00:00 UTC at boot), ctype values in the "C" and ".1252" locales, _itoa/_ltoa/
 * _ultoa, strtok, _stricmp, div.  Prints one line per check; exit code 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <ctype.h>
#include <errno.h>
#include <locale.h>

static int calls;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    calls++;
    return (x > y) - (x < y);
}

/* mingw links its own libm and strtod (libmingwex); these pointers are msvcrt's exports */
#define IMP(ret, name, args) extern ret (__cdecl *_imp__##name) args
IMP(double, sqrt, (double)); IMP(double, pow, (double, double)); IMP(double, floor, (double));
IMP(double, ceil, (double)); IMP(double, fmod, (double, double)); IMP(double, sin, (double));
IMP(double, atan2, (double, double)); IMP(double, exp, (double)); IMP(double, log10, (double));
IMP(double, log, (double)); IMP(double, modf, (double, double *)); IMP(double, frexp, (double, int *));
IMP(double, ldexp, (double, int)); IMP(double, strtod, (const char *, char **)); IMP(int, isdigit, (int));
#define sqrt (*_imp__sqrt)
#define pow (*_imp__pow)
#define floor (*_imp__floor)
#define ceil (*_imp__ceil)
#define fmod (*_imp__fmod)
#define sin (*_imp__sin)
#define atan2 (*_imp__atan2)
#define exp (*_imp__exp)
#define log10 (*_imp__log10)
#define log (*_imp__log)
#define modf (*_imp__modf)
#define frexp (*_imp__frexp)
#define ldexp (*_imp__ldexp)
#undef strtod
#define strtod (*_imp__strtod)
#define isdigit (*_imp__isdigit)

extern void __cdecl _CIsqrt(void);
extern void __cdecl _CIpow(void);

static double ci_sqrt(double x)
{
    double r;
    __asm__ volatile ("fldl %1\n\tcall *%2\n\tfstpl %0" : "=m"(r) : "m"(x), "r"(_CIsqrt) : "eax", "ecx", "edx", "st");
    return r;
}

static double ci_pow(double x, double y)
{
    double r;
    __asm__ volatile ("fldl %1\n\tfldl %2\n\tcall *%3\n\tfstpl %0" : "=m"(r) : "m"(x), "m"(y), "r"(_CIpow)
                      : "eax", "ecx", "edx", "st");
    return r;
}

int main(void)
{
    int v[] = {5, 3, 9, 1, 7, 2, 8, 6, 4, 0, 15, 11, 13, 12, 14, 10};
    int n = sizeof v / sizeof v[0], i, key, *found, e;
    char *end, buf[128], text[] = "alpha, beta;gamma";
    double ip, d;
    time_t t;
    struct tm *tm, when;
    div_t q;

    qsort(v, n, sizeof v[0], cmp_int);
    printf("qsort:");
    for (i = 0; i < n; i++)
        printf(" %d", v[i]);
    printf(" (%d comparator calls)\n", calls);
    key = 11;
    calls = 0;
    found = bsearch(&key, v, n, sizeof v[0], cmp_int);
    printf("bsearch 11: index %d after %d calls\n", found ? (int)(found - v) : -1, calls);
    key = 99;
    printf("bsearch 99: %s\n", bsearch(&key, v, n, sizeof v[0], cmp_int) ? "found" : "NULL");

    d = strtod("  -12.5e2xyz", &end);
    printf("strtod: %f rest [%s]\n", d, end);
    d = strtod("1.5d3", &end);
    printf("strtod d exponent: %g rest [%s]\n", d, end);
    {
        static char nothing[] = "nothing";
        d = strtod(nothing, &end);
        printf("strtod none: %g endptr at start: %s\n", d, end == nothing ? "yes" : "no");
    }
    errno = 0;
    d = strtod("1e400", &end);
    e = errno;
    printf("strtod overflow: %g errno=%d\n", d, e);
    printf("atof: %.3f\n", atof("3.14159"));

    printf("sqrt(2)=%f pow(2,10)=%g floor(-2.5)=%g ceil(2.1)=%g fmod(7,3)=%g\n", sqrt(2.0), pow(2.0, 10.0),
           floor(-2.5), ceil(2.1), fmod(7.0, 3.0));
    printf("sin(1)=%.6f atan2(1,1)=%.6f exp(1)=%e log10(1000)=%g\n", sin(1.0), atan2(1.0, 1.0), exp(1.0), log10(1000.0));
    d = modf(3.75, &ip);
    printf("modf(3.75)=%g,%g frexp(8)=%g,", d, ip, frexp(8.0, &e));
    printf("%d ldexp(1,10)=%g\n", e, ldexp(1.0, 10));
    errno = 0;
    d = sqrt(-1.0);
    e = errno;
    printf("sqrt(-1)=%f errno=%d _isnan=%d\n", d, e, _isnan(d));
    errno = 0;
    d = log(0.0);
    e = errno;
    printf("log(0)=%f errno=%d _finite=%d\n", d, e, _finite(d));
    printf("_CIsqrt(81)=%g _CIpow(3,4)=%g\n", ci_sqrt(81.0), ci_pow(3.0, 4.0));
    printf("%%e %%g: %e %g %g %E\n", 123456.789, 0.0001, 1e20, 1.5e-10);

    srand(1);
    printf("rand after srand(1):");
    for (i = 0; i < 5; i++)
        printf(" %d", rand());
    srand(42);
    i = rand();
    printf("\nrand after srand(42): %d %d\n", i, rand());

    t = time(NULL);
    printf("time: %lld\n", (long long)t);
    tm = gmtime(&t);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %A %B %j %p %y %a %b", tm);
    printf("strftime: %s\n", buf);
    strftime(buf, sizeof buf, "%c|%x|%X", tm);
    printf("strftime C locale: %s\n", buf);
    memset(&when, 0, sizeof when);
    when.tm_year = 124;
    when.tm_mon = 1;
    when.tm_mday = 30;
    when.tm_hour = 12;
    t = mktime(&when);
    printf("mktime(2024-02-30 12:00): %lld -> %d-%02d-%02d wday=%d yday=%d\n", (long long)t,
           when.tm_year + 1900, when.tm_mon + 1, when.tm_mday, when.tm_wday, when.tm_yday);
    printf("clock: %s\n", clock() >= 0 ? "ok" : "bad");

    printf("ctype C: isalpha(a)=%d isupper(A)=%d isdigit(7)=%d isspace(tab)=%d ispunct(!)=%d isxdigit(f)=%d isalpha(0xE9)=%d\n",
           isalpha('a'), isupper('A'), isdigit('7'), isspace('\t'), ispunct('!'), isxdigit('f'), isalpha(0xE9));
    printf("toupper(e)=%c tolower(0xC9)=%X\n", toupper('e'), tolower(0xC9));
    printf("setlocale: %s\n", setlocale(LC_ALL, ".1252"));
    printf("ctype 1252: isalpha(0xE9)=%d islower(0xE9)=%d toupper(0xE9)=%X isdigit(0xB2)=%d\n",
           isalpha(0xE9), islower(0xE9), toupper(0xE9), isdigit(0xB2));
    printf("setlocale back: %s\n", setlocale(LC_ALL, "C"));

    printf("_itoa: %s ", _itoa(-255, buf, 10));
    printf("%s ", _itoa(255, buf, 16));
    printf("%s ", _ltoa(-1, buf, 16));
    printf("%s\n", _ultoa(4294967295UL, buf, 2));
    printf("strtok:");
    for (end = strtok(text, ", ;"); end; end = strtok(NULL, ", ;"))
        printf(" [%s]", end);
    printf("\n_stricmp: %d %d strncmp: %d\n", _stricmp("HeLLo", "hello"), _stricmp("a", "C"), strncmp("abc", "abd", 3));
    q = div(-7, 2);
    printf("div(-7,2): %d %d abs(-3)=%d labs=%ld\n", q.quot, q.rem, abs(-3), labs(-5L));
    return 0;
}
