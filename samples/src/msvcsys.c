/* msvcsys.exe: kernel32 functions MSVC-built programs call at start-up and after, each with the results
 * Windows 7 documents for them:
 *   interlocked singly linked lists (InitializeSListHead, InterlockedPush/Pop/FlushSList, QueryDepthSList),
 *   EncodePointer/DecodePointer, GetSystemDirectory/GetWindowsDirectory/GetSystemWindowsDirectory,
 *   GetComputerName(Ex), MulDiv, IsBadReadPtr/IsBadWritePtr/IsBadCodePtr/IsBadStringPtr, IsWow64Process,
 *   GetNativeSystemInfo, resources (FindResource(Ex), LoadResource, SizeofResource, LockResource,
 *   FreeResource, EnumResourceTypes/Names/Languages: the resources of msvcsys.rc), and Toolhelp snapshots
 *   (CreateToolhelp32Snapshot; Process32First/Next, Module32First/Next, Thread32First/Next) taken while a
 *   second thread and a child process (this program with the argument "child", which sleeps until it is
 *   terminated) run; and growable heaps past their first segment (msvcrt's malloc and a HeapCreate heap
 *   holding 5 MB in blocks below the heap's large-block threshold); VerSetConditionMask/VerifyVersionInfo,
 *   the processor topology (GetLogicalProcessorInformation(Ex), GetActive/MaximumProcessor(Group)Count),
 *   OutputDebugString, the process token (GetTokenInformation, ConvertSidToStringSid), SetConsoleMode's
 *   Windows 7 modes and WriteConsoleOutputW; kernel32's psapi functions (K32EnumProcessModules,
 *   K32GetModuleBaseName, K32GetModuleFileNameEx, K32GetModuleInformation: PSAPI_VERSION 2).  Prints one
 *   line per check; and the remaining A/W forms (extras()).  Exits with 0.  With the argument "assert":
 *   a failed assert() through msvcrt's _assert (exit code 3). */
#include <assert.h>
#include <windows.h>
#include <sddl.h>
#include <tlhelp32.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { SLIST_ENTRY entry; int value; } ITEM;

static DWORD WINAPI waiter(LPVOID event)
{
    WaitForSingleObject((HANDLE)event, INFINITE);
    return 0;
}

static void slists(void)
{
    static SLIST_HEADER head __attribute__((aligned(8)));
    static ITEM items[3];
    PSLIST_ENTRY e, prev;
    int i;
    InitializeSListHead(&head);
    printf("slist empty: depth=%u first=%s\n", QueryDepthSList(&head), head.Next.Next ? "set" : "NULL");
    for (i = 0; i < 3; i++) {
        items[i].value = i + 1;
        prev = InterlockedPushEntrySList(&head, &items[i].entry);
        printf("push %d: previous=%d depth=%u\n", i + 1, prev ? ((ITEM *)prev)->value : 0, QueryDepthSList(&head));
    }
    e = InterlockedPopEntrySList(&head);
    printf("pop: %d depth=%u\n", ((ITEM *)e)->value, QueryDepthSList(&head));
    e = InterlockedFlushSList(&head);
    printf("flush: %d then %d then %s; depth=%u\n", ((ITEM *)e)->value, ((ITEM *)e->Next)->value,
           e->Next->Next ? "more" : "end", QueryDepthSList(&head));
    e = InterlockedPopEntrySList(&head);
    printf("pop empty: %s\n", e ? "entry" : "NULL");
}

static void pointers(void)
{
    PVOID p = (PVOID)&pointers;
    PVOID enc = EncodePointer(p);
    printf("EncodePointer changes it: %s, DecodePointer restores it: %s\n", enc != p ? "yes" : "no",
           DecodePointer(enc) == p ? "yes" : "no");
}

static void folders(void)
{
    WCHAR w[MAX_PATH];
    char a[MAX_PATH], small[4];
    UINT n;
    n = GetSystemDirectoryW(w, MAX_PATH);
    printf("GetSystemDirectoryW: %u [%ls]\n", n, w);
    n = GetSystemDirectoryA(a, MAX_PATH);
    printf("GetSystemDirectoryA: %u [%s]\n", n, a);
    memcpy(small, "xyz", 4);
    n = GetSystemDirectoryA(small, sizeof small);
    printf("GetSystemDirectoryA small buffer: %u, buffer [%s]\n", n, small);
    n = GetWindowsDirectoryW(w, MAX_PATH);
    printf("GetWindowsDirectoryW: %u [%ls]\n", n, w);
    n = GetWindowsDirectoryA(NULL, 0);
    printf("GetWindowsDirectoryA size query: %u\n", n);
    n = GetSystemWindowsDirectoryW(w, MAX_PATH);
    printf("GetSystemWindowsDirectoryW: %u [%ls]\n", n, w);
}

static void names(void)
{
    WCHAR w[64];
    char a[64], env[64];
    DWORD size = 64, envlen = GetEnvironmentVariableA("COMPUTERNAME", env, sizeof env);
    BOOL ok = GetComputerNameA(a, &size);
    printf("GetComputerNameA: %d size=%lu same as %%COMPUTERNAME%%: %s\n", ok, size,
           envlen && !strcmp(a, env) ? "yes" : "no");
    size = 64;
    ok = GetComputerNameW(w, &size);
    printf("GetComputerNameW: %d size=%lu [%ls]\n", ok, size, w);
    size = 2;
    SetLastError(0);
    ok = GetComputerNameW(w, &size);
    printf("GetComputerNameW small: %d error=%lu size=%lu (name length + 1: %lu)\n", ok, GetLastError(), size,
           envlen + 1);
    size = 64;
    ok = GetComputerNameExW(ComputerNameDnsDomain, w, &size);
    printf("GetComputerNameExW DnsDomain: %d size=%lu [%ls]\n", ok, size, w);
    size = 64;
    ok = GetComputerNameExA(ComputerNameNetBIOS, a, &size);
    printf("GetComputerNameExA NetBIOS: %d size=%lu same: %s\n", ok, size, !strcmp(a, env) ? "yes" : "no");
    size = 1;
    ok = GetComputerNameExW(ComputerNamePhysicalDnsHostname, w, &size);
    printf("GetComputerNameExW small: %d error=%lu size=%lu\n", ok, GetLastError(), size);
    size = 64;
    ok = GetComputerNameExW((COMPUTER_NAME_FORMAT)8, w, &size);
    printf("GetComputerNameExW bad format: %d error=%lu\n", ok, GetLastError());
}

static void muldiv(void)
{
    printf("MulDiv: %d %d %d %d %d %d %d %d\n", MulDiv(10, 3, 4), MulDiv(-10, 3, 4), MulDiv(10, 3, -4),
           MulDiv(5, 5, 2), MulDiv(-5, 5, 2), MulDiv(1, 1, 0), MulDiv(0x7FFFFFFF, 2, 1),
           MulDiv(0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF));
}

static void badptrs(void)
{
    int local = 1;
    char *region = VirtualAlloc(NULL, 0x4000, MEM_RESERVE, PAGE_READWRITE);
    char *noaccess = VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_NOACCESS);
    WCHAR *wide;
    VirtualAlloc(region, 0x1000, MEM_COMMIT, PAGE_READWRITE);      /* pages 0 and 2 committed, 1 and 3 reserved */
    VirtualAlloc(region + 0x2000, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    memcpy(region + 0x1000 - 3, "abc", 3);                         /* no NUL before the reserved page */
    wide = (WCHAR *)(region + 0x3000 - 4);
    wide[0] = L'x';
    wide[1] = L'y';
    printf("IsBadReadPtr: NULL,1=%d NULL,0=%d local=%d code=%d noaccess=%d reserved=%d span=%d\n",
           IsBadReadPtr(NULL, 1), IsBadReadPtr(NULL, 0), IsBadReadPtr(&local, sizeof local),
           IsBadReadPtr((void *)&badptrs, 1), IsBadReadPtr(noaccess, 1), IsBadReadPtr(region + 0x1000, 1),
           IsBadReadPtr(region + 0xFF0, 0x20));
    printf("IsBadWritePtr: local=%d code=%d noaccess=%d\n", IsBadWritePtr(&local, sizeof local),
           IsBadWritePtr((void *)&badptrs, 1), IsBadWritePtr(noaccess, 1));
    printf("IsBadCodePtr: code=%d low=%d\n", IsBadCodePtr((FARPROC)&badptrs), IsBadCodePtr((FARPROC)0x10));
    printf("IsBadStringPtrA: literal=%d unterminated=%d limited=%d NULL,0=%d NULL,1=%d\n",
           IsBadStringPtrA("abc", INFINITE), IsBadStringPtrA(region + 0x1000 - 3, INFINITE),
           IsBadStringPtrA(region + 0x1000 - 3, 3), IsBadStringPtrA(NULL, 0), IsBadStringPtrA(NULL, 1));
    printf("IsBadStringPtrW: literal=%d unterminated=%d limited=%d\n", IsBadStringPtrW(L"abc", INFINITE),
           IsBadStringPtrW(wide, INFINITE), IsBadStringPtrW(wide, 2));
}

static void wow64(void)
{
    BOOL wow = 7, ok = IsWow64Process(GetCurrentProcess(), &wow);
    printf("IsWow64Process: %d wow64=%d\n", ok, wow);
    ok = IsWow64Process((HANDLE)0x1234, &wow);
    printf("IsWow64Process bad handle: %d error=%lu\n", ok, GetLastError());
    ok = IsWow64Process(GetCurrentProcess(), (PBOOL)16);
    printf("IsWow64Process bad pointer: %d error=%lu\n", ok, GetLastError());
}

static void sysinfo(void)
{
    SYSTEM_INFO si;
    GetNativeSystemInfo(&si);
    printf("GetNativeSystemInfo: architecture=%u page=%lu granularity=%lu\n", si.wProcessorArchitecture,
           si.dwPageSize, si.dwAllocationGranularity);
}

static BOOL CALLBACK on_type(HMODULE m, LPSTR type, LONG_PTR count)
{
    (void)m;
    if (IS_INTRESOURCE(type)) printf(" #%u", (unsigned)(ULONG_PTR)type);
    else printf(" %s", type);
    return ++*(int *)count < 10;
}

static BOOL CALLBACK on_name(HMODULE m, LPCSTR type, LPSTR name, LONG_PTR stop_after)
{
    (void)m; (void)type;
    if (IS_INTRESOURCE(name)) printf(" #%u", (unsigned)(ULONG_PTR)name);
    else printf(" %s", name);
    return stop_after == 0;                 /* 0: go on; otherwise stop after the first name */
}

static BOOL CALLBACK on_language(HMODULE m, LPCWSTR type, LPCWSTR name, WORD language, LONG_PTR p)
{
    (void)m; (void)type; (void)name; (void)p;
    printf(" %04x", language);
    return TRUE;
}

static void resources(void)
{
    HRSRC r = FindResourceA(NULL, "GREETING", RT_RCDATA);
    HGLOBAL g = LoadResource(NULL, r);
    const char *p = LockResource(g);
    int count = 0;
    BOOL ok;
    printf("FindResourceA GREETING: %s size=%lu data=[%.*s] FreeResource=%d\n", r ? "found" : "NULL",
           SizeofResource(NULL, r), (int)SizeofResource(NULL, r), p, FreeResource(g));
    r = FindResourceW(GetModuleHandleW(NULL), L"#7", MAKEINTRESOURCEW(10));
    p = LockResource(LoadResource(NULL, r));
    printf("FindResourceW #7: size=%lu data=%d %d %d\n", SizeofResource(NULL, r), p[0], p[2], p[4]);
    r = FindResourceA(NULL, "greeting", RT_RCDATA);
    printf("FindResourceA lower case name: %s\n", r ? "found" : "NULL");
    r = FindResourceA(NULL, "MISSING", RT_RCDATA);
    printf("FindResourceA missing name: %s error=%lu\n", r ? "found" : "NULL", GetLastError());
    r = FindResourceA(NULL, "GREETING", RT_BITMAP);
    printf("FindResourceA missing type: %s error=%lu\n", r ? "found" : "NULL", GetLastError());
    r = FindResourceA(NULL, MAKEINTRESOURCEA(42), "TEXT");
    p = LockResource(LoadResource(NULL, r));
    printf("FindResourceA TEXT 42: [%.*s]\n", (int)SizeofResource(NULL, r), p);
    r = FindResourceExA(NULL, "TEXT", MAKEINTRESOURCEA(42), MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN));
    p = LockResource(LoadResource(NULL, r));
    printf("FindResourceExA TEXT 42 German: [%.*s]\n", (int)SizeofResource(NULL, r), p);
    r = FindResourceExW(NULL, L"TEXT", MAKEINTRESOURCEW(42), MAKELANGID(LANG_FRENCH, SUBLANG_FRENCH));
    printf("FindResourceExW TEXT 42 French: %s error=%lu\n", r ? "found" : "NULL", GetLastError());
    printf("EnumResourceTypesA:");
    ok = EnumResourceTypesA(NULL, on_type, (LONG_PTR)&count);
    printf(" -> %d\n", ok);
    printf("EnumResourceNamesA RCDATA:");
    ok = EnumResourceNamesA(NULL, RT_RCDATA, on_name, 0);
    printf(" -> %d\n", ok);
    printf("EnumResourceNamesA stopped:");
    ok = EnumResourceNamesA(NULL, RT_RCDATA, on_name, 1);
    printf(" -> %d error=%lu\n", ok, GetLastError());
    ok = EnumResourceNamesA(NULL, RT_BITMAP, on_name, 0);
    printf("EnumResourceNamesA missing type: %d error=%lu\n", ok, GetLastError());
    printf("EnumResourceLanguagesW TEXT 42:");
    ok = EnumResourceLanguagesW(NULL, L"TEXT", MAKEINTRESOURCEW(42), on_language, 0);
    printf(" -> %d\n", ok);
}

static void toolhelp(const char *self)
{
    HANDLE event = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE thread = CreateThread(NULL, 0, waiter, event, 0, NULL);
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char cmd[MAX_PATH + 16];
    PROCESSENTRY32W pe;
    PROCESSENTRY32 pa;
    MODULEENTRY32W me;
    THREADENTRY32 te;
    HANDLE snap;
    DWORD me_pid = GetCurrentProcessId();
    int processes = 0, mine = 0, child = 0, threads = 0, child_threads = 0, modules = 0, exe_first = 0;
    int kernel32_ok = 0;
    BOOL ok;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    snprintf(cmd, sizeof cmd, "\"%s\" child", self);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed: %lu\n", GetLastError());
        return;
    }
    Sleep(50);
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD, 0);
    pe.dwSize = 0;
    SetLastError(0);
    ok = Process32FirstW(snap, &pe);
    printf("Process32FirstW with dwSize 0: %d error=%lu\n", ok, GetLastError());
    pe.dwSize = sizeof pe;
    for (ok = Process32FirstW(snap, &pe); ok; ok = Process32NextW(snap, &pe)) {
        processes++;
        if (pe.th32ProcessID == me_pid)
            mine = pe.cntThreads == 2 && !lstrcmpiW(pe.szExeFile, L"msvcsys.exe");
        if (pe.th32ProcessID == pi.dwProcessId)
            child = pe.th32ParentProcessID == me_pid && pe.cntThreads == 1 && !lstrcmpiW(pe.szExeFile, L"msvcsys.exe");
    }
    printf("processes: end error=%lu, this one (2 threads): %s, the child (parent: this one): %s, at least 2: %s\n",
           GetLastError(), mine ? "yes" : "no", child ? "yes" : "no", processes >= 2 ? "yes" : "no");
    pa.dwSize = sizeof pa;
    ok = Process32First(snap, &pa);
    printf("Process32First (ANSI) again from the start: %d\n", ok);
    te.dwSize = sizeof te;
    for (ok = Thread32First(snap, &te); ok; ok = Thread32Next(snap, &te)) {
        if (te.th32OwnerProcessID == me_pid) threads++;
        if (te.th32OwnerProcessID == pi.dwProcessId) child_threads++;
    }
    printf("threads: this process %d, the child %d\n", threads, child_threads);
    CloseHandle(snap);
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0);
    me.dwSize = sizeof me;
    for (ok = Module32FirstW(snap, &me); ok; ok = Module32NextW(snap, &me)) {
        if (modules++ == 0)
            exe_first = me.hModule == GetModuleHandleW(NULL) && !lstrcmpiW(me.szModule, L"msvcsys.exe")
                        && me.th32ProcessID == me_pid;
        if (!lstrcmpiW(me.szModule, L"kernel32.dll"))
            kernel32_ok = me.modBaseAddr == (BYTE *)GetModuleHandleW(L"kernel32.dll") && me.modBaseSize > 0;
    }
    printf("modules: the program first: %s, kernel32 at its handle: %s\n", exe_first ? "yes" : "no",
           kernel32_ok ? "yes" : "no");
    CloseHandle(snap);
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pi.dwProcessId);
    ok = Module32FirstW(snap, &me);
    printf("child's first module: %d %ls\n", ok, me.szModule);
    CloseHandle(snap);
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0x7FFFFFF0);
    printf("snapshot of a missing process: %s error=%lu\n", snap == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE"
           : "a handle", GetLastError());
    TerminateProcess(pi.hProcess, 9);
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    SetEvent(event);
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
}

static void heaps(void)
{
    enum { COUNT = 320, SIZE = 16000 };
    static char *blocks[COUNT];
    HANDLE heap = HeapCreate(0, 0, 0);
    int i, ok = 1, ok_heap = 1;
    for (i = 0; i < COUNT; i++) {
        blocks[i] = malloc(SIZE);
        if (!blocks[i]) { ok = 0; break; }
        memset(blocks[i], i & 0xFF, SIZE);
    }
    for (i = 0; ok && i < COUNT; i++)
        if ((unsigned char)blocks[i][SIZE - 1] != (i & 0xFF)) ok = 0;
    for (i = 0; i < COUNT && blocks[i]; i++)
        free(blocks[i]);
    for (i = 0; i < COUNT; i++) {
        blocks[i] = HeapAlloc(heap, 0, SIZE);
        if (!blocks[i]) { ok_heap = 0; break; }
        blocks[i][0] = (char)i;
    }
    for (i = 0; ok_heap && i < COUNT; i++)
        if (blocks[i][0] != (char)i) ok_heap = 0;
    printf("5 MB in 16000-byte blocks: malloc %s, HeapAlloc on a growable heap %s, HeapDestroy %d\n",
           ok ? "ok" : "failed", ok_heap ? "ok" : "failed", HeapDestroy(heap));
}

static int verify(DWORD major, DWORD minor, WORD sp, BYTE condition)
{
    OSVERSIONINFOEXW vi;
    DWORDLONG mask = 0;
    memset(&vi, 0, sizeof vi);
    vi.dwOSVersionInfoSize = sizeof vi;
    vi.dwMajorVersion = major;
    vi.dwMinorVersion = minor;
    vi.wServicePackMajor = sp;
    mask = VerSetConditionMask(mask, VER_MAJORVERSION, condition);
    mask = VerSetConditionMask(mask, VER_MINORVERSION, condition);
    mask = VerSetConditionMask(mask, VER_SERVICEPACKMAJOR, condition);
    SetLastError(0);
    return VerifyVersionInfoW(&vi, VER_MAJORVERSION | VER_MINORVERSION | VER_SERVICEPACKMAJOR, mask);
}

static void versions(void)
{
    OSVERSIONINFOEXA va;
    int ok;
    printf("VerSetConditionMask(0, VER_MAJORVERSION, VER_GREATER_EQUAL) = %#llx\n",
           (unsigned long long)VerSetConditionMask(0, VER_MAJORVERSION, VER_GREATER_EQUAL));
    ok = verify(6, 1, 1, VER_GREATER_EQUAL);
    printf("at least 6.1 SP1: %d\n", ok);
    ok = verify(6, 1, 1, VER_EQUAL);
    printf("exactly 6.1 SP1: %d\n", ok);
    ok = verify(5, 1, 3, VER_GREATER_EQUAL);
    printf("at least 5.1 SP3: %d\n", ok);
    ok = verify(6, 2, 0, VER_GREATER_EQUAL);
    printf("at least 6.2: %d error=%lu\n", ok, GetLastError());
    ok = verify(6, 1, 2, VER_GREATER_EQUAL);
    printf("at least 6.1 SP2: %d error=%lu\n", ok, GetLastError());
    memset(&va, 0, sizeof va);
    va.dwOSVersionInfoSize = sizeof va;
    va.dwBuildNumber = 7601;
    ok = VerifyVersionInfoA(&va, VER_BUILDNUMBER, VerSetConditionMask(0, VER_BUILDNUMBER, VER_EQUAL));
    printf("VerifyVersionInfoA build 7601: %d\n", ok);
    ok = VerifyVersionInfoA(&va, 0, VerSetConditionMask(0, VER_BUILDNUMBER, VER_EQUAL));
    printf("empty type mask: %d error=%lu\n", ok, GetLastError());
}

static void topology(void)
{
    SYSTEM_INFO si;
    SYSTEM_LOGICAL_PROCESSOR_INFORMATION info[64];
    char ex[4096];
    DWORD len = 0, i, cores = 0, packages = 0, nodes = 0, groups = 0, group_active = 0;
    BOOL ok;
    GetSystemInfo(&si);
    ok = GetLogicalProcessorInformation(NULL, &len);
    printf("GetLogicalProcessorInformation size query: %d error=%lu whole entries: %s\n", ok, GetLastError(),
           len % sizeof info[0] == 0 ? "yes" : "no");
    len = sizeof info;
    ok = GetLogicalProcessorInformation(info, &len);
    for (i = 0; i < len / sizeof info[0]; i++)
        if (info[i].Relationship == RelationProcessorCore) cores++;
    printf("GetLogicalProcessorInformation: %d, one core per processor: %s\n", ok,
           cores == si.dwNumberOfProcessors ? "yes" : "no");
    len = sizeof ex;
    cores = 0;
    ok = GetLogicalProcessorInformationEx(RelationAll, (PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX)ex, &len);
    for (i = 0; ok && i < len;) {
        PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX e = (PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX)(ex + i);
        if (e->Relationship == RelationProcessorCore) cores++;
        if (e->Relationship == RelationProcessorPackage) packages++;
        if (e->Relationship == RelationNumaNode) nodes++;
        if (e->Relationship == RelationGroup) { groups++; group_active = e->Group.GroupInfo[0].ActiveProcessorCount; }
        if (!e->Size) break;
        i += e->Size;
    }
    printf("GetLogicalProcessorInformationEx(RelationAll): %d cores=processors:%s packages=%lu nodes=%lu groups=%lu "
           "group's processors=processors:%s\n", ok, cores == si.dwNumberOfProcessors ? "yes" : "no", packages, nodes,
           groups, group_active == si.dwNumberOfProcessors ? "yes" : "no");
    len = sizeof ex;
    ok = GetLogicalProcessorInformationEx((LOGICAL_PROCESSOR_RELATIONSHIP)9, (PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX)ex,
                                          &len);
    printf("GetLogicalProcessorInformationEx(9): %d error=%lu\n", ok, GetLastError());
    printf("GetActiveProcessorCount(ALL) = processors: %s, group 5: %lu error=%lu, groups %u, maximum %s/%u\n",
           GetActiveProcessorCount(ALL_PROCESSOR_GROUPS) == si.dwNumberOfProcessors ? "yes" : "no",
           GetActiveProcessorCount(5), GetLastError(), GetActiveProcessorGroupCount(),
           GetMaximumProcessorCount(0) == si.dwNumberOfProcessors ? "yes" : "no", GetMaximumProcessorGroupCount());
}

static void token(void)
{
    HANDLE t;
    char buf[256], key[512];
    DWORD len = 0;
    LPSTR text = NULL;
    HKEY k;
    BOOL ok;
    OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &t);
    ok = GetTokenInformation(t, TokenUser, NULL, 0, &len);
    printf("TokenUser size query: %d error=%lu size=%lu\n", ok, GetLastError(), len);
    ok = GetTokenInformation(t, TokenUser, buf, sizeof buf, &len);
    ConvertSidToStringSidA(((TOKEN_USER *)buf)->User.Sid, &text);
    snprintf(key, sizeof key, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\%s", text);
    printf("TokenUser: %d, %.9s..., the SID has a profile: %s\n", ok, text,
           RegOpenKeyExA(HKEY_LOCAL_MACHINE, key, 0, KEY_READ, &k) == ERROR_SUCCESS ? "yes" : "no");
    LocalFree(text);
    ok = GetTokenInformation(t, TokenIntegrityLevel, buf, sizeof buf, &len);
    ConvertSidToStringSidA(((TOKEN_MANDATORY_LABEL *)buf)->Label.Sid, &text);
    printf("TokenIntegrityLevel: %d %s\n", ok, text);
    LocalFree(text);
    ok = GetTokenInformation(t, TokenElevation, buf, sizeof buf, &len);
    printf("TokenElevation: %d elevated=%lu size=%lu\n", ok, ((TOKEN_ELEVATION *)buf)->TokenIsElevated, len);
    ok = GetTokenInformation(t, TokenType, buf, sizeof buf, &len);
    printf("TokenType: %d %d\n", ok, *(TOKEN_TYPE *)buf);
    ok = GetTokenInformation((HANDLE)0x1234, TokenType, buf, sizeof buf, &len);
    printf("bad token handle: %d error=%lu\n", ok, GetLastError());
    CloseHandle(t);
}

static void console(void)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    CHAR_INFO cells[5];
    SMALL_RECT region = {0, 0, 4, 0};
    COORD size = {5, 1}, origin = {0, 0};
    BOOL ok;
    int i;
    OutputDebugStringA("to a debugger, if there is one\n");
    OutputDebugStringW(L"wide, to a debugger\n");
    ok = SetConsoleMode(out, ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT | 0x4);
    printf("SetConsoleMode with ENABLE_VIRTUAL_TERMINAL_PROCESSING: %d error=%lu\n", ok, GetLastError());
    ok = SetConsoleMode(out, ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT);
    printf("SetConsoleMode processed + wrap: %d\n", ok);
    for (i = 0; i < 5; i++) {
        cells[i].Char.UnicodeChar = (WCHAR)(L'V' + i);
        cells[i].Attributes = 7;
    }
    fflush(stdout);
    ok = WriteConsoleOutputW(out, cells, size, origin, &region);
    printf("WriteConsoleOutputW: %d region %d,%d-%d,%d\n", ok, region.Left, region.Top, region.Right, region.Bottom);
    {
        WCHAR back[6] = {0};
        DWORD n = 0;
        ReadConsoleOutputCharacterW(out, back, 5, origin, &n);
        printf("read back from the screen buffer: %lu [%ls]\n", n, back);
    }
}

static void psapi(void)
{
    HMODULE mods[64];
    DWORD needed = 0, i;
    char name[MAX_PATH], path[MAX_PATH], small[4];
    MODULEINFO mi;
    int k32 = 0;
    BOOL ok = EnumProcessModules(GetCurrentProcess(), mods, sizeof mods, &needed);
    for (i = 0; i < needed / sizeof mods[0]; i++)
        if (mods[i] == GetModuleHandleA("kernel32.dll")) k32 = 1;
    printf("EnumProcessModules: %d, the program first: %s, kernel32 listed: %s\n", ok,
           mods[0] == GetModuleHandleA(NULL) ? "yes" : "no", k32 ? "yes" : "no");
    ok = EnumProcessModules(GetCurrentProcess(), mods, 4, &needed);
    printf("EnumProcessModules with room for one: %d, needs more: %s\n", ok, needed > 4 ? "yes" : "no");
    GetModuleBaseNameA(GetCurrentProcess(), NULL, name, sizeof name);
    GetModuleFileNameExA(GetCurrentProcess(), GetModuleHandleA("kernel32.dll"), path, sizeof path);
    GetModuleFileNameA(GetModuleHandleA("kernel32.dll"), name + 100, sizeof name - 100);
    printf("GetModuleBaseNameA: %s, GetModuleFileNameExA(kernel32) as GetModuleFileNameA: %s, cut: %lu [%.4s]\n",
           name, !strcmp(path, name + 100) ? "yes" : "no",
           GetModuleBaseNameA(GetCurrentProcess(), NULL, small, sizeof small), small);
    ok = GetModuleInformation(GetCurrentProcess(), GetModuleHandleA(NULL), &mi, sizeof mi);
    printf("GetModuleInformation: %d base=program: %s size>0: %s\n", ok,
           mi.lpBaseOfDll == GetModuleHandleA(NULL) ? "yes" : "no", mi.SizeOfImage ? "yes" : "no");
}

typedef NTSTATUS (WINAPI *RTLGETVERSION)(OSVERSIONINFOEXW *);
typedef PSLIST_ENTRY (WINAPI *RTLFIRSTENTRYSLIST)(const SLIST_HEADER *);

static BOOL CALLBACK on_type_w(HMODULE m, LPWSTR type, LONG_PTR p)
{
    (void)m; (void)p;
    if (IS_INTRESOURCE(type)) printf(" #%u", (unsigned)(ULONG_PTR)type);
    else printf(" %ls", type);
    return TRUE;
}

static BOOL CALLBACK on_name_w(HMODULE m, LPCWSTR type, LPWSTR name, LONG_PTR p)
{
    (void)m; (void)type; (void)p;
    if (IS_INTRESOURCE(name)) printf(" #%u", (unsigned)(ULONG_PTR)name);
    else printf(" %ls", name);
    return TRUE;
}

static BOOL CALLBACK on_language_a(HMODULE m, LPCSTR type, LPCSTR name, WORD language, LONG_PTR p)
{
    (void)m; (void)type; (void)name; (void)p;
    printf(" %04x", language);
    return TRUE;
}

static void extras(void)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    RTLGETVERSION get_version = (RTLGETVERSION)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion");
    RTLFIRSTENTRYSLIST first = (RTLFIRSTENTRYSLIST)(void (*)(void))GetProcAddress(ntdll, "RtlFirstEntrySList");
    NTSTATUS status;
    static SLIST_HEADER head __attribute__((aligned(8)));
    static SLIST_ENTRY entry;
    OSVERSIONINFOEXW vi;
    MODULEENTRY32 me;
    PROCESSENTRY32 pe;
    HANDLE snap, t;
    WCHAR wname[MAX_PATH];
    char buf[256], cells_text[4];
    LPWSTR sid_text = NULL;
    CHAR_INFO cells[3];
    SMALL_RECT region = {0, 0, 2, 0};
    COORD size = {3, 1}, origin = {0, 0};
    DWORD len;
    int modules = 0, processes = 0, i;
    BOOL ok;
    char *page = VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READONLY);

    memset(&vi, 0, sizeof vi);
    vi.dwOSVersionInfoSize = sizeof vi;
    status = get_version(&vi);
    printf("RtlGetVersion: %#lx %lu.%lu.%lu SP%u\n", (unsigned long)status, vi.dwMajorVersion,
           vi.dwMinorVersion, vi.dwBuildNumber, vi.wServicePackMajor);
    InitializeSListHead(&head);
    InterlockedPushEntrySList(&head, &entry);
    printf("RtlFirstEntrySList: %s, depth still %u\n", first(&head) == &entry ? "the entry" : "other",
           QueryDepthSList(&head));
    printf("IsBadHugeReadPtr readonly: %d, IsBadHugeWritePtr readonly: %d\n", IsBadHugeReadPtr(page, 0x1000),
           IsBadHugeWritePtr(page, 1));
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE | TH32CS_SNAPPROCESS, 0);
    me.dwSize = sizeof me;
    for (ok = Module32First(snap, &me); ok; ok = Module32Next(snap, &me))
        if (modules++ == 0) printf("Module32First (ANSI): %s\n", me.szModule);
    pe.dwSize = sizeof pe;
    for (ok = Process32First(snap, &pe); ok; ok = Process32Next(snap, &pe))
        processes++;
    printf("Module32Next and Process32Next (ANSI) walk to the end: %s\n",
           modules > 1 && processes >= 1 && GetLastError() == ERROR_NO_MORE_FILES ? "yes" : "no");
    CloseHandle(snap);
    printf("EnumResourceTypesW:");
    EnumResourceTypesW(NULL, on_type_w, 0);
    printf("\nEnumResourceNamesW TEXT:");
    EnumResourceNamesW(NULL, L"TEXT", on_name_w, 0);
    printf("\nEnumResourceLanguagesA RCDATA #7:");
    EnumResourceLanguagesA(NULL, RT_RCDATA, MAKEINTRESOURCEA(7), on_language_a, 0);
    printf("\n");
    OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &t);
    GetTokenInformation(t, TokenIntegrityLevel, buf, sizeof buf, &len);
    ConvertSidToStringSidW(((TOKEN_MANDATORY_LABEL *)buf)->Label.Sid, &sid_text);
    printf("ConvertSidToStringSidW: %ls\n", sid_text);
    LocalFree(sid_text);
    CloseHandle(t);
    GetModuleBaseNameW(GetCurrentProcess(), GetModuleHandleA("kernel32.dll"), wname, MAX_PATH);
    printf("GetModuleBaseNameW: %ls\n", wname);
    GetModuleFileNameExW(GetCurrentProcess(), NULL, wname, MAX_PATH);
    printf("GetModuleFileNameExW ends with the program: %s\n",
           lstrlenW(wname) > 11 && !lstrcmpiW(wname + lstrlenW(wname) - 11, L"msvcsys.exe") ? "yes" : "no");
    for (i = 0; i < 3; i++) {
        cells[i].Char.AsciiChar = "abc"[i];
        cells[i].Attributes = 7;
    }
    fflush(stdout);
    ok = WriteConsoleOutputA(GetStdHandle(STD_OUTPUT_HANDLE), cells, size, origin, &region);
    {
        DWORD n = 0;
        memset(cells_text, 0, sizeof cells_text);
        ReadConsoleOutputCharacterA(GetStdHandle(STD_OUTPUT_HANDLE), cells_text, 3, origin, &n);
    }
    printf("WriteConsoleOutputA: %d region %d-%d [%s]\n", ok, region.Left, region.Right, cells_text);
    {
        CONSOLE_SCREEN_BUFFER_INFO before, after;
        HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
        BOOL set, bad;
        GetConsoleScreenBufferInfo(out, &before);
        set = SetConsoleTextAttribute(out, FOREGROUND_RED | FOREGROUND_GREEN | BACKGROUND_BLUE);
        GetConsoleScreenBufferInfo(out, &after);
        SetConsoleTextAttribute(out, before.wAttributes);
        bad = SetConsoleTextAttribute(GetStdHandle(STD_INPUT_HANDLE), 0x0F);
        printf("SetConsoleTextAttribute: %d attributes %#x -> %#x, on the input handle: %d error=%lu\n", set,
               before.wAttributes, after.wAttributes, bad, GetLastError());
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child")) {
        Sleep(INFINITE);
        return 1;
    }
    if (argc > 1 && !strcmp(argv[1], "assert")) {    /* msvcrt's _assert, then its abort */
        printf("before the assert\n");
        fflush(stdout);
        assert(argc == 1);
        return 1;
    }
    slists();
    pointers();
    folders();
    names();
    muldiv();
    badptrs();
    wow64();
    sysinfo();
    resources();
    toolhelp(argv[0]);
    heaps();
    versions();
    topology();
    token();
    console();
    psapi();
    extras();
    return 0;
}
