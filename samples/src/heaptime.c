/*
 * heaptime.exe - heaps and time as console programs use them:
 *   HeapCreate / HeapAlloc (HEAP_ZERO_MEMORY) / HeapReAlloc (grows, keeps the data) / HeapSize /
 *   HeapValidate / HeapFree / HeapDestroy, GetProcessHeap(s);
 *   GetSystemTime/GetLocalTime against GetSystemTimeAsFileTime, FILETIME <-> SYSTEMTIME round trips
 *   at the ends of the range, invalid SYSTEMTIMEs refused, the time zone.
 * Expected stdout: see tests/test_samples.py.  Exit code 0.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static void show(const char *what, const SYSTEMTIME *st)
{
    printf("%s: %04u-%02u-%02u %02u:%02u:%02u.%03u dow=%u\n", what, st->wYear, st->wMonth, st->wDay,
           st->wHour, st->wMinute, st->wSecond, st->wMilliseconds, st->wDayOfWeek);
}

int main(void)
{
    HANDLE heap = HeapCreate(0, 0x10000, 0), heaps[8];
    unsigned char *p, *q;
    SYSTEMTIME st, st2, bad;
    FILETIME ft, ft2;
    ULARGE_INTEGER u;
    TIME_ZONE_INFORMATION tz;
    DWORD n, i, zero = 1;

    p = HeapAlloc(heap, HEAP_ZERO_MEMORY, 100);
    for (i = 0; i < 100; i++)
        zero &= p[i] == 0;
    memset(p, 0xAB, 100);
    printf("heap: zeroed=%s size=%lu valid=%s\n", zero ? "yes" : "no", (unsigned long)HeapSize(heap, 0, p),
           HeapValidate(heap, 0, NULL) ? "yes" : "no");
    q = HeapReAlloc(heap, 0, p, 5000);
    printf("heap: realloc size=%lu data kept=%s\n", (unsigned long)HeapSize(heap, 0, q),
           q[0] == 0xAB && q[99] == 0xAB ? "yes" : "no");
    i = HeapFree(heap, 0, q);                      /* separate statements: argument order is unspecified */
    printf("heap: free=%s", i ? "yes" : "no");
    printf(" destroy=%s\n", HeapDestroy(heap) ? "yes" : "no");
    n = GetProcessHeaps(8, heaps);
    printf("process heaps: %lu, first is the process heap: %s\n", n, heaps[0] == GetProcessHeap() ? "yes" : "no");

    GetSystemTimeAsFileTime(&ft);
    GetSystemTime(&st);
    SystemTimeToFileTime(&st, &ft2);
    {
        LONGLONG a = (LONGLONG)((ULONGLONG)ft2.dwHighDateTime << 32 | ft2.dwLowDateTime);
        LONGLONG b = (LONGLONG)((ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime);
        printf("system time within a second of the file time: %s\n", (a > b ? a - b : b - a) < 10000000 ? "yes" : "no");
    }
    GetLocalTime(&st2);
    printf("local equals system (UTC): %s\n", st2.wHour == st.wHour && st2.wDay == st.wDay ? "yes" : "no");

    u.QuadPart = 0;
    ft.dwLowDateTime = u.LowPart; ft.dwHighDateTime = u.HighPart;
    FileTimeToSystemTime(&ft, &st);
    show("epoch", &st);
    u.QuadPart = 0x7FFFFFFFFFFFFFFFULL;
    ft.dwLowDateTime = u.LowPart; ft.dwHighDateTime = u.HighPart;
    FileTimeToSystemTime(&ft, &st);
    show("maximum", &st);
    u.QuadPart = 132539328000000000ULL;                 /* 2021-01-01 00:00 UTC */
    ft.dwLowDateTime = u.LowPart; ft.dwHighDateTime = u.HighPart;
    FileTimeToSystemTime(&ft, &st);
    show("2021", &st);
    SystemTimeToFileTime(&st, &ft2);
    printf("round trip: %s\n", ft2.dwLowDateTime == ft.dwLowDateTime && ft2.dwHighDateTime == ft.dwHighDateTime ? "yes" : "no");
    u.QuadPart = 0x8000000000000000ULL;
    ft.dwLowDateTime = u.LowPart; ft.dwHighDateTime = u.HighPart;
    i = FileTimeToSystemTime(&ft, &st);
    printf("too large: %lu error=%lu\n", i, GetLastError());
    bad = st;
    bad.wMonth = 2; bad.wDay = 30;
    i = SystemTimeToFileTime(&bad, &ft2);
    printf("february 30: %lu error=%lu\n", i, GetLastError());
    bad.wYear = 2024; bad.wDay = 29;
    printf("leap day 2024: %d\n", SystemTimeToFileTime(&bad, &ft2));
    n = GetTimeZoneInformation(&tz);
    printf("time zone: id=%lu bias=%ld\n", n, tz.Bias);
    return 0;
}
