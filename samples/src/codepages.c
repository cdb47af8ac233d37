/* codepages.exe: kernel32 code-page conversions (MultiByteToWideChar, WideCharToMultiByte) for
 * 1252, 437 and 65001: round trips, size queries (output size 0), the -1 (NUL-terminated) length
 * that counts the terminator, ERROR_INSUFFICIENT_BUFFER with a partial write, MB_ERR_INVALID_CHARS,
 * invalid UTF-8 -> U+FFFD (Vista+), WC_NO_BEST_FIT_CHARS, lpDefaultChar/lpUsedDefaultChar,
 * invalid parameters and flags; GetACP/GetOEMCP/GetCPInfoEx, GetLocaleInfo, LCMapString,
 * CompareString, lstrcmp(i), GetStringType.  Prints one line per check; exit code 0. */
#include <windows.h>
#include <stdio.h>

static void show_w(const char *what, int n, const WCHAR *w, int count)
{
    int i;
    printf("%s: ret=%d err=%lu [", what, n, n ? 0UL : GetLastError());
    for (i = 0; i < count; i++)
        printf(i ? " %04X" : "%04X", w[i]);
    printf("]\n");
}

static void show_a(const char *what, int n, const char *a, int count)
{
    int i;
    printf("%s: ret=%d err=%lu [", what, n, n ? 0UL : GetLastError());
    for (i = 0; i < count; i++)
        printf(i ? " %02X" : "%02X", (unsigned char)a[i]);
    printf("]\n");
}

int main(void)
{
    WCHAR w[32];
    char a[32];
    int n;
    BOOL used;
    CPINFOEXA info;
    static const WCHAR mixed[] = {0x0041, 0x00E9, 0x20AC, 0x0100, 0x0440, 0};   /* A é € Ā р */

    printf("GetACP=%u GetOEMCP=%u\n", GetACP(), GetOEMCP());

    /* 1252 */
    n = MultiByteToWideChar(1252, 0, "A\xe9\x80\x90", -1, NULL, 0);
    printf("1252 size query: %d\n", n);
    memset(w, 0xEE, sizeof w);
    n = MultiByteToWideChar(1252, 0, "A\xe9\x80\x90", -1, w, 32);
    show_w("1252 -> wide", n, w, n);
    SetLastError(0);
    memset(w, 0, sizeof w);
    n = MultiByteToWideChar(CP_ACP, 0, "abcdef", -1, w, 3);
    show_w("CP_ACP small buffer", n, w, 4);
    n = MultiByteToWideChar(1252, MB_ERR_INVALID_CHARS, "\x81\x8d", 2, w, 32);
    show_w("1252 holes strict", n, w, n);

    n = WideCharToMultiByte(1252, 0, mixed, -1, NULL, 0, NULL, NULL);
    printf("1252 narrow size query: %d\n", n);
    used = 7;
    n = WideCharToMultiByte(1252, 0, mixed, -1, a, 32, NULL, &used);
    show_a("wide -> 1252 best fit", n, a, n);
    printf("  used default: %d\n", used);
    used = 7;
    n = WideCharToMultiByte(1252, WC_NO_BEST_FIT_CHARS, mixed, -1, a, 32, "*", &used);
    show_a("wide -> 1252 no best fit, default '*'", n, a, n);
    printf("  used default: %d\n", used);
    used = 7;
    n = WideCharToMultiByte(1252, 0, L"plain", 5, a, 32, NULL, &used);
    show_a("wide -> 1252 no terminator", n, a, n);
    printf("  used default: %d\n", used);
    memset(a, 'x', sizeof a);
    n = WideCharToMultiByte(1252, 0, L"abcdef", -1, a, 3, NULL, NULL);
    show_a("wide -> 1252 small buffer", n, a, 4);

    /* 437 */
    n = MultiByteToWideChar(437, 0, "\x01\x80\xb0\xe1", 4, w, 32);
    show_w("437 -> wide", n, w, n);
    n = MultiByteToWideChar(437, MB_USEGLYPHCHARS, "\x01\x02\x7f", 3, w, 32);
    show_w("437 glyphs", n, w, n);
    n = MultiByteToWideChar(CP_OEMCP, 0, "\x9b", 1, w, 32);
    show_w("CP_OEMCP", n, w, n);
    n = WideCharToMultiByte(437, 0, L"\x00C7\x00FC\x2591\x263A\x20AC", 5, a, 32, NULL, &used);
    show_a("wide -> 437", n, a, n);
    printf("  used default: %d\n", used);

    /* UTF-8 */
    n = MultiByteToWideChar(CP_UTF8, 0, "h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", -1, NULL, 0);
    printf("utf8 size query: %d\n", n);
    n = MultiByteToWideChar(CP_UTF8, 0, "h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", -1, w, 32);
    show_w("utf8 -> wide", n, w, n);
    n = MultiByteToWideChar(CP_UTF8, 0, "\xc0\x41\x42", 3, w, 32);
    show_w("utf8 invalid C0 41 42", n, w, n);
    n = MultiByteToWideChar(CP_UTF8, 0, "test\xff\xff test", -1, w, 32);
    show_w("utf8 invalid FF FF", n, w, n);
    SetLastError(0);
    n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, "\xc0\x41\x42", 3, w, 32);
    show_w("utf8 invalid strict", n, w, 0);
    n = WideCharToMultiByte(CP_UTF8, 0, L"h\x00e9\x20ac\xd83d\xde00", -1, a, 32, NULL, NULL);
    show_a("wide -> utf8", n, a, n);
    n = WideCharToMultiByte(CP_UTF8, 0, L"a\xd800" L"b", 3, a, 32, NULL, NULL);
    show_a("lone surrogate -> utf8", n, a, n);
    SetLastError(0);
    n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, L"a\xd800" L"b", 3, a, 32, NULL, NULL);
    show_a("lone surrogate strict", n, a, 0);

    /* errors */
    SetLastError(0);
    n = MultiByteToWideChar(1252, 0, "abc", 0, w, 32);
    show_w("source length 0", n, w, 0);
    SetLastError(0);
    n = MultiByteToWideChar(1252, 0, "abc", 3, NULL, 5);
    show_w("NULL output with size", n, w, 0);
    SetLastError(0);
    n = MultiByteToWideChar(12345, 0, "abc", 3, w, 32);
    show_w("unknown code page", n, w, 0);
    SetLastError(0);
    n = MultiByteToWideChar(CP_UTF8, MB_PRECOMPOSED, "abc", 3, w, 32);
    show_w("utf8 with MB_PRECOMPOSED", n, w, 0);
    SetLastError(0);
    n = WideCharToMultiByte(CP_UTF8, 0, L"abc", 3, a, 32, NULL, &used);
    show_a("utf8 with lpUsedDefaultChar", n, a, 0);
    SetLastError(0);
    n = WideCharToMultiByte(1252, 0, L"abc", 3, a, -1, NULL, NULL);
    show_a("negative output size", n, a, 0);

    /* code page and locale information */
    if (GetCPInfoExA(CP_ACP, 0, &info))
        printf("CPINFOEX: max=%u default=%02X code page=%u name=[%s]\n", info.MaxCharSize,
               info.DefaultChar[0], info.CodePage, info.CodePageName);
    GetCPInfoExA(65001, 0, &info);
    printf("CPINFOEX 65001: max=%u name=[%s]\n", info.MaxCharSize, info.CodePageName);
    SetLastError(0);
    n = GetCPInfoExA(1251, 0, &info);
    printf("GetCPInfoEx(1251)=%d err=%lu IsValidCodePage(437)=%d (932)=%d\n", n, GetLastError(),
           IsValidCodePage(437), IsValidCodePage(932));
    printf("LCID user=%04lX system=%04lX lang=%04X thread=%04lX valid(0409)=%d\n",
           GetUserDefaultLCID(), GetSystemDefaultLCID(), GetUserDefaultLangID(), GetThreadLocale(),
           IsValidLocale(0x0409, LCID_INSTALLED));
    {
        static const LCTYPE types[] = {LOCALE_SDECIMAL, LOCALE_STHOUSAND, LOCALE_IDEFAULTANSICODEPAGE,
                                       LOCALE_IDEFAULTCODEPAGE, LOCALE_SENGLANGUAGE, LOCALE_SISO639LANGNAME,
                                       LOCALE_SISO3166CTRYNAME, LOCALE_SSHORTDATE, LOCALE_SDAYNAME1,
                                       LOCALE_SABBREVMONTHNAME12};
        unsigned i;
        char buf[64];
        DWORD number = 0;
        for (i = 0; i < sizeof types / sizeof types[0]; i++) {
            n = GetLocaleInfoA(LOCALE_USER_DEFAULT, types[i], buf, sizeof buf);
            printf("locale %04lX: %d [%s]\n", types[i], n, n ? buf : "");
        }
        n = GetLocaleInfoA(LOCALE_USER_DEFAULT, LOCALE_SENGLANGUAGE, NULL, 0);
        printf("locale size query: %d\n", n);
        SetLastError(0);
        n = GetLocaleInfoA(LOCALE_USER_DEFAULT, LOCALE_SENGLANGUAGE, buf, 3);
        printf("locale small buffer: %d err=%lu\n", n, GetLastError());
        n = GetLocaleInfoW(LOCALE_USER_DEFAULT, LOCALE_IDEFAULTANSICODEPAGE | LOCALE_RETURN_NUMBER,
                           (LPWSTR)&number, sizeof number / sizeof(WCHAR));
        printf("locale number: %d %lu\n", n, number);
    }

    /* LCMapString, CompareString, lstrcmp, GetStringType */
    n = LCMapStringW(LOCALE_USER_DEFAULT, LCMAP_UPPERCASE, L"stra\x00df" L"e \x00e9" L"t\x00e9", -1, w, 32);
    show_w("LCMAP_UPPERCASE", n, w, n);
    n = LCMapStringA(LOCALE_USER_DEFAULT, LCMAP_LOWERCASE, "MiXeD \xc9", -1, a, 32);
    printf("LCMAP_LOWERCASE: %d [%s]\n", n, a);
    printf("CompareString: %d %d %d %d\n",
           CompareStringA(LOCALE_USER_DEFAULT, 0, "apple", -1, "Banana", -1),
           CompareStringA(LOCALE_USER_DEFAULT, NORM_IGNORECASE, "HELLO", -1, "hello", -1),
           CompareStringW(LOCALE_USER_DEFAULT, 0, L"abc", 2, L"abd", 2),
           CompareStringA(LOCALE_USER_DEFAULT, 0, "a", -1, "A", -1));
    printf("lstrcmp: %d %d %d lstrcmpi: %d lstrlen: %d %d\n", lstrcmpA("abc", "abd"), lstrcmpA("b", "a"),
           lstrcmpW(L"same", L"same"), lstrcmpiA("ABC", "abc"), lstrlenA("four"), lstrlenW(L"three"));
    {
        WORD types[6];
        GetStringTypeW(CT_CTYPE1, L"aZ5 ,\x00e9", 6, types);
        printf("CT_CTYPE1: %03X %03X %03X %03X %03X %03X\n", types[0], types[1], types[2], types[3],
               types[4], types[5]);
    }
    return 0;
}
