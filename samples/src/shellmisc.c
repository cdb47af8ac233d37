/*
 * shellmisc.exe [ARGS...] - what console programs take from user32, shell32, ole32 and oleaut32,
 * and kernel32's Global/Local memory.
 *
 * Sections (stdout), each line "name: result":
 *   argv     CommandLineToArgvW of GetCommandLineW() (ARGS come back exactly), of fixed command
 *            lines (quotes, backslashes, runs of quotes), of "" (the program's path), the block
 *            (one LocalAlloc'ed allocation: LocalSize, LocalFree), a NULL pNumArgs (87)
 *   folder   SHGetFolderPathA/W for CSIDL_APPDATA ... compared with the environment variables,
 *            SHGetSpecialFolderPath, SHGetKnownFolderPath (+ CoTaskMemFree), a missing folder
 *            (E_FAIL from W, S_FALSE from A) and CSIDL_FLAG_CREATE, an invalid CSIDL (E_INVALIDARG)
 *   wsprintf wsprintfA/W and wvsprintfA cases: widths, flags, h/l/I64 sizes, %p, strings with
 *            precision, NULL strings, characters, unknown types (%f prints "f"), the 1024 limit
 *   char     CharUpper/CharLower (strings and single characters), the Buff versions,
 *            CharNext/CharPrev (combining marks), IsCharAlpha/AlphaNumeric/Upper/Lower
 *   bstr     SysAllocString/Len/ByteLen, the length prefix, SysReAllocString/Len, SysFreeString,
 *            VariantInit/VariantClear (a BSTR, an IUnknown whose Release runs, a bad VARTYPE)
 *   msgbox   MessageBoxA/W/ExA return values (the default button; stderr gets one line per box:
 *            "MessageBox: <caption>: <text>"), an invalid style (1438)
 *   user     GetSystemMetrics, GetDesktopWindow/GetForegroundWindow/GetConsoleWindow,
 *            LoadStringA/W from this program's own string table (shellmisc.rc)
 *   memory   GlobalAlloc/Lock/Unlock/Flags/Size/ReAlloc/Handle/Free of moveable memory (the handle
 *            table entry), LocalAlloc(LPTR), double frees
 * Last line: "failures: N" (self-checks that failed); exit code N.
 *
 * Under a debugger-free Windows 7 the lines are the same except the folder paths (the user's
 * name) and the window handles (a real desktop has a window).
 */
#include <windows.h>
#include <shellapi.h>
#include <shlobj.h>
#include <oleauto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static int failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

/* ---- argv ---------------------------------------------------------------------------------------- */
static void print_argv(const char *name, LPCWSTR cmdline)
{
    int argc = -1, i;
    LPWSTR *argv = CommandLineToArgvW(cmdline, &argc);
    if (!argv) {
        printf("%s: NULL error=%lu\n", name, GetLastError());
        return;
    }
    printf("%s: argc=%d", name, argc);
    for (i = 0; i < argc; i++)
        printf(" [%ls]", argv[i]);
    printf("%s\n", argv[argc] == NULL ? " NULL-terminated" : " not NULL-terminated");
    /* one block: the pointers, then the strings, inside it */
    check((BYTE *)argv[0] >= (BYTE *)argv && (BYTE *)argv[argc - 1] < (BYTE *)argv + LocalSize(argv),
          "argv strings inside the block");
    check(LocalFree(argv) == NULL, "LocalFree(argv)");
}

static void argv_section(void)
{
    print_argv("argv self", GetCommandLineW());
    print_argv("argv quotes", L"prog.exe \"two words\" plain \"\" end");
    print_argv("argv backslashes", L"prog.exe a\\\\b a\\\\\\\"b \"c\\\\\" d\\\\\\\\\"e f\"");
    print_argv("argv runs", L"prog.exe \"a\"\"b\" \"\"\"c\"\"\" x\"\"\"\"y");
    print_argv("argv spaces", L"  \"C:\\Program Files\\x.exe\"   one\ttwo  ");
    print_argv("argv empty", L"");
    SetLastError(0);
    check(CommandLineToArgvW(L"a b", NULL) == NULL, "NULL pNumArgs fails");
    printf("argv null count: error=%lu\n", GetLastError());
}

/* ---- folders ------------------------------------------------------------------------------------- */
static const struct { int csidl; const char *name; const char *env; } folders[] = {
    { CSIDL_APPDATA, "CSIDL_APPDATA", "APPDATA" },
    { CSIDL_LOCAL_APPDATA, "CSIDL_LOCAL_APPDATA", "LOCALAPPDATA" },
    { CSIDL_PROFILE, "CSIDL_PROFILE", "USERPROFILE" },
    { CSIDL_WINDOWS, "CSIDL_WINDOWS", "SystemRoot" },
    { CSIDL_SYSTEM, "CSIDL_SYSTEM", NULL },
    { CSIDL_PROGRAM_FILES, "CSIDL_PROGRAM_FILES", "ProgramFiles" },
    { CSIDL_COMMON_APPDATA, "CSIDL_COMMON_APPDATA", "ALLUSERSPROFILE" },
    { CSIDL_PERSONAL, "CSIDL_PERSONAL", NULL },
    { CSIDL_DESKTOPDIRECTORY, "CSIDL_DESKTOPDIRECTORY", NULL },
};

/* {3EB685DB-65F9-4CF6-A03A-E3EF65729F3D} FOLDERID_RoamingAppData, {5E6C858F-0E22-4760-9AFE-EA3317B67173}
 * FOLDERID_Profile (knownfolders.h), and a GUID that names no folder */
static const GUID roaming = { 0x3eb685db, 0x65f9, 0x4cf6, { 0xa0, 0x3a, 0xe3, 0xef, 0x65, 0x72, 0x9f, 0x3d } };
static const GUID profile = { 0x5e6c858f, 0x0e22, 0x4760, { 0x9a, 0xfe, 0xea, 0x33, 0x17, 0xb6, 0x71, 0x73 } };
static const GUID nothing = { 0x12345678, 0x1234, 0x1234, { 1, 2, 3, 4, 5, 6, 7, 8 } };

static void folder_section(void)
{
    unsigned i;
    char path[MAX_PATH], env[MAX_PATH];
    WCHAR wpath[MAX_PATH];
    WCHAR *known = NULL;
    HRESULT hr;

    for (i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
        hr = SHGetFolderPathA(NULL, folders[i].csidl, NULL, SHGFP_TYPE_CURRENT, path);
        printf("folder %s: hr=0x%08lx %s", folders[i].name, (unsigned long)hr, path);
        if (folders[i].env) {
            DWORD n = GetEnvironmentVariableA(folders[i].env, env, sizeof(env));
            printf(" (%%%s%% %s)", folders[i].env, n && !lstrcmpiA(env, path) ? "matches" : "DIFFERS");
        }
        printf("\n");
        hr = SHGetFolderPathW(NULL, folders[i].csidl, NULL, SHGFP_TYPE_DEFAULT, wpath);
        check(hr == S_OK && WideCharToMultiByte(CP_ACP, 0, wpath, -1, env, sizeof(env), NULL, NULL)
              && !strcmp(env, path), "SHGetFolderPathW agrees with SHGetFolderPathA");
    }
    printf("folder special: %d %s\n", SHGetSpecialFolderPathA(NULL, path, CSIDL_APPDATA, FALSE), path);
    hr = SHGetKnownFolderPath(&roaming, 0, NULL, &known);
    printf("folder known RoamingAppData: hr=0x%08lx %ls\n", (unsigned long)hr, known ? known : L"(null)");
    CoTaskMemFree(known);
    hr = SHGetKnownFolderPath(&profile, 0, NULL, &known);
    printf("folder known Profile: hr=0x%08lx %ls\n", (unsigned long)hr, known ? known : L"(null)");
    CoTaskMemFree(known);
    known = (WCHAR *)1;
    hr = SHGetKnownFolderPath(&nothing, 0, NULL, &known);
    printf("folder known unknown: hr=0x%08lx path=%s\n", (unsigned long)hr, known ? "set" : "NULL");

    /* a missing folder: Documents is empty in a fresh sandbox and can be removed */
    SHGetFolderPathA(NULL, CSIDL_PERSONAL, NULL, 0, path);
    printf("folder remove Documents: %d\n", RemoveDirectoryA(path));
    hr = SHGetFolderPathW(NULL, CSIDL_PERSONAL, NULL, 0, wpath);
    printf("folder missing W: hr=0x%08lx\n", (unsigned long)hr);
    hr = SHGetFolderPathA(NULL, CSIDL_PERSONAL, NULL, 0, path);
    printf("folder missing A: hr=0x%08lx\n", (unsigned long)hr);
    hr = SHGetFolderPathA(NULL, CSIDL_PERSONAL | CSIDL_FLAG_CREATE, NULL, 0, path);
    printf("folder create: hr=0x%08lx attributes=0x%lx\n", (unsigned long)hr, GetFileAttributesA(path));
    hr = SHGetFolderPathA(NULL, 0x7F, NULL, 0, path);
    printf("folder invalid: hr=0x%08lx\n", (unsigned long)hr);
}

/* ---- wsprintf ------------------------------------------------------------------------------------ */
static int vformat(char *buf, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = wvsprintfA(buf, fmt, ap);
    va_end(ap);
    return n;
}

static void wsprintf_section(void)
{
    char buf[1100], big[2001];
    WCHAR wbuf[1100];
    int n;

    n = wsprintfA(buf, "%d|%5d|%-5d|%05d|%.3d", 42, 42, 42, 42, 7);
    printf("wsprintf ints: %d [%s]\n", n, buf);
    n = wsprintfA(buf, "%010ld", -1L);
    printf("wsprintf negative: %d [%s]\n", n, buf);
    n = wsprintfA(buf, "%x %X %#x %#X %p %lx", 0xbeef, 0xbeef, 0xbeef, 0xbeef, (void *)0x1234, 0xFFFFFFFFUL);
    printf("wsprintf hex: %d [%s]\n", n, buf);
    n = wsprintfA(buf, "%u %i %lu %hd %hu", 4294967295U, -7, 123UL, 0x12345, 0x1FFFF);
    printf("wsprintf sizes: %d [%s]\n", n, buf);
    n = wsprintfA(buf, "%I64d %I64x %I64u %I32x", -1234567890123LL, 0x123456789ALL, 18446744073709551615ULL, 0xABCD);
    printf("wsprintf 64: %d [%s]\n", n, buf);
    n = wsprintfA(buf, "%s|%.3s|%8s|%-8s|%S|%ls", "abc", "abcdef", "right", "left", L"wide", L"wide2");
    printf("wsprintf strings: %d [%s]\n", n, buf);
    n = wsprintfA(buf, "(%s)(%S)", (char *)NULL, (WCHAR *)NULL);
    printf("wsprintf null: %d [%s]\n", n, buf);
    n = wsprintfA(buf, "%c%c%lc%C[%c]", 'A', 'b', L'W', L'w', 0);
    printf("wsprintf chars: %d [%s]\n", n, buf);
    n = wsprintfA(buf, "%f|%5y|%%|%");
    printf("wsprintf unknown: %d [%s]\n", n, buf);
    memset(big, 'x', 2000);
    big[2000] = 0;
    n = wsprintfA(buf, "%s", big);
    printf("wsprintf limit: %d strlen=%d\n", n, (int)strlen(buf));
    n = vformat(buf, "%s=%d", "va", 99);
    printf("wvsprintf: %d [%s]\n", n, buf);
    n = wsprintfW(wbuf, L"%s %S %hs %d %c %5.2s|", L"wide", "narrow", "short", -5, L'Z', L"abc");
    printf("wsprintfW: %d [%ls]\n", n, wbuf);
}

/* ---- characters ---------------------------------------------------------------------------------- */
static void char_section(void)
{
    char s[] = "Hello, World \xe4\xff!";
    WCHAR w[] = L"Stra\x00df" L"e Gr\x00fc\x00df" L"e";      /* Strasse Gruesse with sharp s and u umlaut */
    WCHAR buff[] = L"ABCDEF";
    WCHAR comb[] = L"a\x0301\x0302" L"b";
    const char *p = "xy";

    printf("char CharUpperA: %s", CharUpperA(s) == s ? "same pointer" : "other pointer");
    printf(" [%.13s] %02x %02x\n", s, (BYTE)s[13], (BYTE)s[14]);
    CharLowerA(s);
    printf("char CharLowerA: [%.13s] %02x %02x\n", s, (BYTE)s[13], (BYTE)s[14]);
    printf("char single: %p %p %p %p\n", CharUpperA((LPSTR)(ULONG_PTR)'a'), CharLowerA((LPSTR)(ULONG_PTR)0xC4),
           CharUpperA((LPSTR)(ULONG_PTR)0xFF), CharUpperW((LPWSTR)(ULONG_PTR)0x3B1));
    CharUpperW(w);
    printf("char CharUpperW: %04x %04x %04x %04x (%.4ls)\n", w[4], w[5], w[9], w[10], w);
    printf("char CharLowerBuffW: %lu", CharLowerBuffW(buff, 3));
    printf(" [%ls] %lu\n", buff, CharUpperBuffA(s, 0));
    printf("char CharNext: A+%d A-end+%d W+%d W-mark+%d\n", (int)(CharNextA(p) - p), (int)(CharNextA(p + 2) - (p + 2)),
           (int)(CharNextW(comb) - comb), (int)(CharNextW(comb + 1) - comb));
    printf("char CharPrev: A%d A-start%d W%d W-start%d\n", (int)(CharPrevA(p, p + 2) - p), (int)(CharPrevA(p, p) - p),
           (int)(CharPrevW(comb, comb + 3) - comb), (int)(CharPrevW(comb + 1, comb) - comb));
    printf("char IsChar: %d%d%d%d%d%d %d%d%d%d\n", IsCharAlphaA('a'), IsCharAlphaA('1'), IsCharAlphaNumericA('1'),
           IsCharAlphaNumericA('-'), IsCharUpperA('A'), IsCharLowerA('A'), IsCharAlphaA((CHAR)0xE4),
           IsCharAlphaW(0x3B1), IsCharUpperW(0x391), IsCharLowerW(0x391));
}

/* ---- BSTR and VARIANT ------------------------------------------------------------------------------ */
static int released;
typedef struct { void **vtbl; } FakeUnknown;
static HRESULT WINAPI fake_qi(void *self, REFIID iid, void **out) { (void)self; (void)iid; *out = NULL; return E_NOINTERFACE; }
static ULONG WINAPI fake_addref(void *self) { (void)self; return 2; }
static ULONG WINAPI fake_release(void *self) { (void)self; released++; return 0; }
static void *fake_vtbl[] = { (void *)fake_qi, (void *)fake_addref, (void *)fake_release };

static void bstr_section(void)
{
    BSTR b = SysAllocString(L"hello");
    BSTR c;
    VARIANT v;
    FakeUnknown unk = { fake_vtbl };
    HRESULT hr;

    printf("bstr SysAllocString: len=%u bytes=%u prefix=%lu nul=%d\n", SysStringLen(b), SysStringByteLen(b),
           ((DWORD *)b)[-1], b[5] == 0);
    c = SysAllocStringLen(L"hello world", 5);
    printf("bstr SysAllocStringLen: len=%u [%ls] equal=%d\n", SysStringLen(c), c, !lstrcmpW(b, c));
    SysFreeString(c);
    c = SysAllocStringByteLen("abc", 3);
    printf("bstr SysAllocStringByteLen: bytes=%u len=%u [%.3s]\n", SysStringByteLen(c), SysStringLen(c), (char *)c);
    SysFreeString(c);
    c = SysAllocStringLen(NULL, 4);
    printf("bstr SysAllocStringLen(NULL, 4): len=%u\n", SysStringLen(c));
    SysFreeString(c);
    printf("bstr SysReAllocString: %d", SysReAllocString(&b, L"longer string"));
    printf(" len=%u [%ls]\n", SysStringLen(b), b);
    printf("bstr SysReAllocStringLen: %d", SysReAllocStringLen(&b, NULL, 6));
    printf(" len=%u [%ls]\n", SysStringLen(b), b);
    SysFreeString(b);
    SysFreeString(NULL);
    printf("bstr NULL: len=%u bytes=%u alloc=%p\n", SysStringLen(NULL), SysStringByteLen(NULL), SysAllocString(NULL));

    VariantInit(&v);
    printf("variant init: vt=%d\n", V_VT(&v));
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(L"owned");
    hr = VariantClear(&v);
    printf("variant clear bstr: hr=0x%08lx vt=%d\n", (unsigned long)hr, V_VT(&v));
    V_VT(&v) = VT_UNKNOWN;
    V_UNKNOWN(&v) = (IUnknown *)&unk;
    hr = VariantClear(&v);
    printf("variant clear unknown: hr=0x%08lx vt=%d released=%d\n", (unsigned long)hr, V_VT(&v), released);
    V_VT(&v) = 15;
    hr = VariantClear(&v);
    printf("variant clear bad type: hr=0x%08lx vt=%d\n", (unsigned long)hr, V_VT(&v));
}

/* ---- MessageBox ---------------------------------------------------------------------------------- */
static void msgbox_section(void)
{
    printf("msgbox MB_OK: %d\n", MessageBoxA(NULL, "Hello from shellmisc", "shellmisc", MB_OK));
    printf("msgbox MB_YESNO: %d\n", MessageBoxA(NULL, "Continue?", "Question", MB_YESNO | MB_ICONQUESTION));
    printf("msgbox MB_YESNO|MB_DEFBUTTON2: %d\n", MessageBoxA(NULL, "Really?", "Question", MB_YESNO | MB_DEFBUTTON2));
    printf("msgbox MB_YESNOCANCEL|MB_DEFBUTTON3: %d\n",
           MessageBoxExA(NULL, "Save?", "Editor", MB_YESNOCANCEL | MB_DEFBUTTON3, 0));
    printf("msgbox MB_OKCANCEL|MB_DEFBUTTON4: %d\n", MessageBoxA(NULL, "Out of range", "Default", MB_OKCANCEL | MB_DEFBUTTON4));
    printf("msgbox MessageBoxW NULL caption: %d\n", MessageBoxW(NULL, L"wide text", NULL, MB_ICONINFORMATION));
    SetLastError(0);
    printf("msgbox bad style: %d", MessageBoxA(NULL, "x", "y", 7));
    printf(" error=%lu\n", GetLastError());
}

/* ---- user32 odds and ends, string resources --------------------------------------------------------- */
static void user_section(void)
{
    char buf[64];
    WCHAR wbuf[64];
    const WCHAR *ro = NULL;
    int n;

    printf("user metrics: %d %d %d %d %d\n", GetSystemMetrics(SM_CXSCREEN), GetSystemMetrics(SM_CYSCREEN),
           GetSystemMetrics(SM_CMONITORS), GetSystemMetrics(SM_MOUSEPRESENT), GetSystemMetrics(9999));
    printf("user windows: desktop=%p foreground=%p console=%p\n", (void *)GetDesktopWindow(),
           (void *)GetForegroundWindow(), (void *)GetConsoleWindow());
    n = LoadStringA(NULL, 1, buf, sizeof(buf));
    printf("user LoadStringA 1: %d [%s]\n", n, buf);
    n = LoadStringA(GetModuleHandleA(NULL), 17, buf, sizeof(buf));
    printf("user LoadStringA 17: %d [%s]\n", n, buf);
    n = LoadStringA(NULL, 1, buf, 6);
    printf("user LoadStringA short buffer: %d [%s]\n", n, buf);
    SetLastError(0);
    strcpy(buf, "unchanged");
    n = LoadStringA(NULL, 3, buf, sizeof(buf));
    printf("user LoadStringA empty entry: %d [%s] error=%lu\n", n, buf, GetLastError());
    n = LoadStringA(NULL, 1000, buf, sizeof(buf));
    printf("user LoadStringA missing: %d [%s] error=%lu\n", n, buf, GetLastError());
    printf("user LoadStringA size 0: %d\n", LoadStringA(NULL, 1, buf, 0));
    n = LoadStringW(NULL, 2, wbuf, 64);
    printf("user LoadStringW 2: %d [%ls]\n", n, wbuf);
    n = LoadStringW(NULL, 17, (LPWSTR)&ro, 0);
    printf("user LoadStringW pointer: %d [%.*ls]\n", n, n, ro);
}

/* ---- Global / Local memory ----------------------------------------------------------------------- */
static void memory_section(void)
{
    HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE, 16), h2;
    void *p;
    BOOL r;
    char *z;

    printf("memory handle: low bits=%d\n", (int)((ULONG_PTR)h & 7));
    p = GlobalLock(h);
    printf("memory lock: entry points at block=%d flags=%u\n", *(void **)h == p, GlobalFlags(h));
    GlobalLock(h);
    printf("memory locked twice: flags=%u handle=%d\n", GlobalFlags(h), GlobalHandle(p) == h);
    r = GlobalUnlock(h);
    printf("memory unlock: %d", r);
    SetLastError(1234);
    r = GlobalUnlock(h);
    printf(" %d error=%lu", r, GetLastError());
    r = GlobalUnlock(h);
    printf(" %d error=%lu\n", r, GetLastError());
    h2 = GlobalReAlloc(h, 300, GMEM_MOVEABLE | GMEM_ZEROINIT);
    printf("memory realloc: same handle=%d size=%lu\n", h2 == h, (unsigned long)GlobalSize(h));
    printf("memory free: %p", GlobalFree(h));
    SetLastError(0);
    r = GlobalFree(h) == h;
    printf(" again=%d error=%lu\n", r, GetLastError());
    h = GlobalAlloc(GMEM_MOVEABLE | GMEM_DISCARDABLE, 0);
    printf("memory discarded: flags=0x%x size=%lu lock=%p\n", GlobalFlags(h), (unsigned long)GlobalSize(h), GlobalLock(h));
    GlobalFree(h);
    z = LocalAlloc(LPTR, 32);
    printf("memory LocalAlloc(LPTR): zero=%d size=%lu lock=%d flags=%u unlock=%d\n", z[0] == 0 && z[31] == 0,
           (unsigned long)LocalSize(z), LocalLock(z) == z, LocalFlags(z), LocalUnlock(z));
    printf("memory LocalFree: %p\n", LocalFree(z));
}

int main(void)
{
    argv_section();
    folder_section();
    wsprintf_section();
    char_section();
    bstr_section();
    msgbox_section();
    user_section();
    memory_section();
    printf("failures: %d\n", failures);
    return failures;
}
