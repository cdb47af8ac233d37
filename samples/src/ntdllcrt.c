/* ntdllcrt: C runtime functions imported from ntdll.dll (Windows 7's ntdll exports them; the
 * program links mingw-w64's libntdllcrt.a ahead of msvcrt), the compiler's 64-bit helpers called
 * directly, and msvcrt's data exports _sys_nerr and _sys_errlist.
 * Every line printed is checked by tests/test_export_lists.py against values computed there. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* the helpers, by their real names (stdcall: they pop their operands) */
__declspec(dllimport) long long __stdcall _allmul(long long, long long);
__declspec(dllimport) long long __stdcall _allrem(long long, long long);
__declspec(dllimport) unsigned long long __stdcall _aulldiv(unsigned long long, unsigned long long);
__declspec(dllimport) unsigned long long __stdcall _aullrem(unsigned long long, unsigned long long);
/* mingw's import library lists _alldiv undecorated: its IAT slot under that symbol */
extern long long (__stdcall *imp_alldiv)(long long, long long) __asm__("__imp___alldiv");
extern void *imp_alldvrm __asm__("__imp___alldvrm@16");
extern void *imp_allshl __asm__("__imp___allshl");
extern void *imp_allshr __asm__("__imp___allshr");
extern void *imp_aullshr __asm__("__imp___aullshr");

static int format(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = _vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

static int cmp(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static unsigned long long shift(void *helper, unsigned long long v, int n)
{
    unsigned long long r;
    __asm__ volatile("call *%3" : "=A"(r) : "A"(v), "c"(n), "m"(*(void **)helper) : "memory");
    return r;
}

int main(void)
{
    char buf[64];
    int r, i;
    int a[] = {8, 3, 5, 1, 2};
    int key = 5, *hit;
    long long q;

    memset(buf, '#', sizeof buf);
    r = format(buf, sizeof buf, "x=%d s=%s w=%3d|%x", 42, "abc", 7, 255);
    printf("_vsnprintf: [%s] %d\n", buf, r);
    memset(buf, '#', sizeof buf);
    r = format(buf, 5, "hello world");
    buf[8] = 0;
    printf("_vsnprintf short: [%s] %d\n", buf, r);
    printf("wcslen: %u\n", (unsigned)wcslen(L"ntdll"));
    printf("strchr: %s\n", strchr("hello world", 'w'));
    qsort(a, 5, sizeof a[0], cmp);
    printf("qsort: %d %d %d %d %d\n", a[0], a[1], a[2], a[3], a[4]);
    hit = bsearch(&key, a, 5, sizeof a[0], cmp);
    printf("bsearch: %d\n", hit ? (int)(hit - a) : -1);
    printf("_allmul: %lld\n", _allmul(-123456789LL, 1000000007LL));
    printf("_alldiv: %lld %lld\n", imp_alldiv(-7000000000LL, 3), imp_alldiv(7, -2));
    printf("_allrem: %lld\n", _allrem(-7000000001LL, 3));
    printf("_aulldiv: %llu %llu\n", _aulldiv(0xFFFFFFFFFFFFFFFFULL, 10), _aullrem(0xFFFFFFFFFFFFFFFFULL, 10));
    {
        unsigned lo, hi;
        long long num = -100000000007LL, den = 10;
        void *volatile helper = imp_alldvrm;
        __asm__ volatile("push %6; push %5; push %4; push %3; call *%7"
                         : "=A"(q), "=b"(hi), "=c"(lo)
                         : "g"((unsigned)num), "g"((unsigned)(num >> 32)), "g"((unsigned)den),
                           "g"((unsigned)(den >> 32)), "m"(helper)
                         : "memory");
        printf("_alldvrm: %lld %lld\n", q, (long long)(((unsigned long long)hi << 32) | lo));
    }
    printf("shifts: %llx %llx %llx\n", shift(&imp_allshl, 0x0123456789ABCDEFULL, 36),
           shift(&imp_allshr, 0x8000000000000000ULL, 60), shift(&imp_aullshr, 0x8000000000000000ULL, 60));
    printf("_sys_nerr: %d\n", _sys_nerr);
    for (i = 0; i <= _sys_nerr; i += 1)
        if (i == 2 || i == 15 || i == 42 || i == _sys_nerr)
            printf("_sys_errlist[%d]: %s\n", i, _sys_errlist[i]);
    return 0;
}
