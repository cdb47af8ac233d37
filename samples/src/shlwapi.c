/*
 * shlwapi.exe - shlwapi.dll's path and string functions called by a program:
 * pointers returned into the caller's strings, buffers rewritten in place,
 * ANSI and Unicode forms, PathFileExists/PathIsDirectory on the sandbox, and
 * a bad pointer faulting inside shlwapi (an access violation the program's
 * vectored handler sees).
 *
 * Expected stdout (exact):
 *   PathFindFileNameA: b.txt
 *   PathFindExtensionW: .txt
 *   PathRemoveFileSpecW: 1 C:\app
 *   PathCombineA: C:\x\y.exe
 *   PathCombineW too long: NULL, dest empty
 *   PathAppendW: 1 C:\app\sub\f.txt
 *   PathCanonicalizeA: A:\name_1\name_3
 *   PathAddBackslashA: C:\a\ (end at +5)
 *   PathRemoveBackslashW: C:\a (pointer at +4)
 *   PathRemoveExtensionA: C:\a\b
 *   PathStripPathW: b.txt
 *   PathRenameExtensionA: 1 C:\a\b.md
 *   PathQuoteSpacesW: "C:\a b"
 *   PathUnquoteSpacesW: C:\a b
 *   PathIsRelativeA: 1 0 1
 *   PathIsRootW: 1 0 1
 *   PathFileExistsA: 1 0
 *   PathIsDirectoryA: 0x10 0
 *   PathGetArgsA: b c
 *   PathMatchSpecA: 1 0
 *   StrStrIW: EXE tail
 *   StrChrA: \c
 *   StrRChrW: \c
 *   StrCmpNIA: 0 -1
 *   StrToIntA: 42 -7 0
 *   StrToIntExW: 1 31
 *   StrTrimA: 1 [x y]
 *   bad pointer: access violation in PathFindFileNameA
 * Expected exit code: 0
 */
#include <windows.h>
#include <shlwapi.h>
#include <stdio.h>
#include <string.h>

static LONG CALLBACK on_fault(EXCEPTION_POINTERS *info)
{
    if (info->ExceptionRecord->ExceptionCode == EXCEPTION_ACCESS_VIOLATION) {
        printf("bad pointer: access violation in PathFindFileNameA\n");
        fflush(stdout);
        ExitProcess(0);
    }
    return EXCEPTION_CONTINUE_SEARCH;
}

int main(void)
{
    char a[MAX_PATH], *pa;
    wchar_t w[MAX_PATH], long_name[300], *pw;
    int i, n;

    strcpy(a, "C:\\a\\b.txt");
    printf("PathFindFileNameA: %s\n", PathFindFileNameA(a));
    wcscpy(w, L"C:\\a.d\\b.txt");
    printf("PathFindExtensionW: %ls\n", PathFindExtensionW(w));
    wcscpy(w, L"C:\\app\\t32.exe");
    i = PathRemoveFileSpecW(w);
    printf("PathRemoveFileSpecW: %d %ls\n", i, w);
    printf("PathCombineA: %s\n", PathCombineA(a, "C:\\x\\z", "..\\y.exe"));
    for (n = 0; n < 299; n++)
        long_name[n] = L'n';
    long_name[299] = 0;
    w[0] = L'?';
    pw = PathCombineW(w, L"C:\\", long_name);
    printf("PathCombineW too long: %s, dest %s\n", pw ? "set" : "NULL", w[0] ? "set" : "empty");
    wcscpy(w, L"C:\\app");
    i = PathAppendW(w, L"\\sub\\f.txt");
    printf("PathAppendW: %d %ls\n", i, w);
    PathCanonicalizeA(a, "A:\\name_1\\.\\name_2\\..\\name_3");
    printf("PathCanonicalizeA: %s\n", a);
    strcpy(a, "C:\\a");
    pa = PathAddBackslashA(a);
    printf("PathAddBackslashA: %s (end at +%d)\n", a, (int)(pa - a));
    wcscpy(w, L"C:\\a\\");
    pw = PathRemoveBackslashW(w);
    printf("PathRemoveBackslashW: %ls (pointer at +%d)\n", w, (int)(pw - w));
    strcpy(a, "C:\\a\\b.txt");
    PathRemoveExtensionA(a);
    printf("PathRemoveExtensionA: %s\n", a);
    wcscpy(w, L"C:\\a\\b.txt");
    PathStripPathW(w);
    printf("PathStripPathW: %ls\n", w);
    strcpy(a, "C:\\a\\b.txt");
    i = PathRenameExtensionA(a, ".md");
    printf("PathRenameExtensionA: %d %s\n", i, a);
    wcscpy(w, L"C:\\a b");
    PathQuoteSpacesW(w);               /* BOOL since Windows 7's SDK; void in mingw-w64's header */
    printf("PathQuoteSpacesW: %ls\n", w);
    PathUnquoteSpacesW(w);
    printf("PathUnquoteSpacesW: %ls\n", w);
    printf("PathIsRelativeA: %d %d %d\n", PathIsRelativeA("a\\b"), PathIsRelativeA("C:\\a"), PathIsRelativeA(""));
    printf("PathIsRootW: %d %d %d\n", PathIsRootW(L"C:\\"), PathIsRootW(L"C:\\a"), PathIsRootW(L"\\\\srv\\share"));
    printf("PathFileExistsA: %d %d\n", PathFileExistsA("C:\\app\\shlwapi.exe"), PathFileExistsA("C:\\app\\nope"));
    printf("PathIsDirectoryA: %#x %d\n", PathIsDirectoryA("C:\\app"), PathIsDirectoryA("C:\\app\\shlwapi.exe"));
    printf("PathGetArgsA: %s\n", PathGetArgsA("\"a x\" b c"));
    printf("PathMatchSpecA: %d %d\n", PathMatchSpecA("C:\\a\\B.TXT", "*.doc;*.txt"), PathMatchSpecA("a.c", "*.h"));
    printf("StrStrIW: %ls\n", StrStrIW(L"file.EXE tail", L".exe") + 1);
    printf("StrChrA: %s\n", StrChrA("ab\\c", '\\'));
    printf("StrRChrW: %ls\n", StrRChrW(L"a\\b\\c", NULL, L'\\'));
    printf("StrCmpNIA: %d %d\n", StrCmpNIA("abcX", "ABCy", 3), StrCmpNIA("abc", "abd", 3));
    printf("StrToIntA: %d %d %d\n", StrToIntA("42abc"), StrToIntA("-7"), StrToIntA(" 5"));
    i = 0;
    n = StrToIntExW(L"  0x1F", STIF_SUPPORT_HEX, &i);
    printf("StrToIntExW: %d %d\n", n, i);
    strcpy(a, "  x y ");
    i = StrTrimA(a, " ");
    printf("StrTrimA: %d [%s]\n", i, a);
    fflush(stdout);
    AddVectoredExceptionHandler(1, on_fault);
    PathFindFileNameA((char *)0x10);
    printf("not reached\n");
    return 1;
}
