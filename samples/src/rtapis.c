/* rtapis: the functions language runtimes (Go's among them) call at start-up, with their
 * documented edge cases: the Windows/System32 folders, ntdll's version numbers, process
 * priority boost, winmm's timer resolution, Winsock start-up and its protocol catalog, and
 * I/O completion ports (post, dequeue one and many, time-outs, bad arguments).
 * Every line prints a value the documentation fixes (see tests/test_go.py). */
#include <winsock2.h>
#include <windows.h>
#include <mmsystem.h>
#include <stdio.h>
#include <string.h>

typedef void (WINAPI *PFN_GETNT)(DWORD *, DWORD *, DWORD *);
typedef LONG (WINAPI *PFN_GETVER)(OSVERSIONINFOEXW *);

static volatile LONG spinning, redirected;

static DWORD WINAPI spin(LPVOID arg)
{
    (void)arg;
    for (;;)
        InterlockedExchange(&spinning, 1);
    return 0;
}

static void WINAPI landing(void)
{
    redirected = 1;
    ExitThread(42);
}

int main(void)
{
    char dir[MAX_PATH];
    WCHAR wdir[MAX_PATH];
    UINT n = GetSystemDirectoryA(dir, sizeof dir);
    printf("GetSystemDirectoryA %u %s\n", n, dir);
    printf("too small: %u\n", GetSystemDirectoryA(dir, 3));          /* size needed with the NUL */
    n = GetSystemDirectoryW(wdir, MAX_PATH);
    printf("GetSystemDirectoryW %u %ls\n", n, wdir);
    n = GetWindowsDirectoryW(wdir, MAX_PATH);
    printf("GetWindowsDirectoryW %u %ls\n", n, wdir);
    printf("GetSystemWindowsDirectoryA %u\n", GetSystemWindowsDirectoryA(dir, MAX_PATH));
    DWORD size = 3;
    BOOL ok = GetComputerNameExW(ComputerNameDnsHostname, wdir, &size);
    printf("GetComputerNameExW small: %d error %lu size %lu\n", ok, GetLastError(), size);
    size = MAX_PATH;
    ok = GetComputerNameExW(ComputerNameDnsHostname, wdir, &size);
    printf("GetComputerNameExW DnsHostname: %d %ls size %lu\n", ok, wdir, size);
    size = MAX_PATH;
    ok = GetComputerNameExA(ComputerNameDnsDomain, dir, &size);
    printf("GetComputerNameExA DnsDomain: %d \"%s\" size %lu\n", ok, dir, size);
    size = MAX_PATH;
    ok = GetComputerNameExW((COMPUTER_NAME_FORMAT)8, wdir, &size);
    printf("GetComputerNameExW 8: %d error %lu\n", ok, GetLastError());

    HMODULE nt = GetModuleHandleA("ntdll.dll");
    DWORD maj = 0, min = 0, build = 0;
    PFN_GETNT getnt = (PFN_GETNT)(void *)GetProcAddress(nt, "RtlGetNtVersionNumbers");
    getnt(&maj, &min, &build);
    printf("RtlGetNtVersionNumbers %lu.%lu build %#lx\n", maj, min, build);
    getnt(NULL, &min, NULL);                                  /* NULLs allowed */
    OSVERSIONINFOEXW vi;
    memset(&vi, 0xAA, sizeof vi);
    vi.dwOSVersionInfoSize = sizeof vi;
    LONG st = ((PFN_GETVER)(void *)GetProcAddress(nt, "RtlGetVersion"))(&vi);
    printf("RtlGetVersion %#lx %lu.%lu.%lu platform %lu sp %u.%u type %u \"%ls\"\n", st, vi.dwMajorVersion,
           vi.dwMinorVersion, vi.dwBuildNumber, vi.dwPlatformId, vi.wServicePackMajor, vi.wServicePackMinor,
           vi.wProductType, vi.szCSDVersion);

    BOOL boost = 5;
    printf("SetProcessPriorityBoost %d\n", SetProcessPriorityBoost(GetCurrentProcess(), TRUE));
    ok = GetProcessPriorityBoost(GetCurrentProcess(), &boost);
    printf("GetProcessPriorityBoost %d %d\n", ok, boost);
    SetLastError(0);
    ok = SetProcessPriorityBoost((HANDLE)0x1234, TRUE);
    printf("bad handle: %d error %lu\n", ok, GetLastError());

    TIMECAPS tc;
    MMRESULT mr = timeGetDevCaps(&tc, sizeof tc);
    printf("timeGetDevCaps %u min %u max %u\n", mr, tc.wPeriodMin, tc.wPeriodMax);
    printf("timeGetDevCaps small %u\n", timeGetDevCaps(&tc, 4));
    mr = timeBeginPeriod(1);
    printf("timeBeginPeriod(1) %u", mr);
    printf(" (0) %u\n", timeBeginPeriod(0));
    mr = timeEndPeriod(1);
    printf("timeEndPeriod(1) %u", mr);
    printf(" (0) %u\n", timeEndPeriod(0));
    DWORD t0 = timeGetTime();
    Sleep(100);
    DWORD dt = timeGetTime() - t0;
    printf("timeGetTime advanced by Sleep(100): %d\n", dt >= 100 && dt < 200);

    WSADATA wsa;
    WSAPROTOCOL_INFOW protos[8];
    DWORD len = sizeof protos;
    SetLastError(0);
    int r = WSAEnumProtocolsW(NULL, protos, &len);
    printf("before WSAStartup: %d error %d\n", r, WSAGetLastError());
    printf("WSAStartup(0.0) %d\n", WSAStartup(MAKEWORD(0, 0), &wsa));
    r = WSAStartup(MAKEWORD(2, 2), &wsa);
    printf("WSAStartup(2.2) %d version %#x high %#x \"%s\" \"%s\"\n", r, wsa.wVersion, wsa.wHighVersion,
           wsa.szDescription, wsa.szSystemStatus);
    r = WSAStartup(MAKEWORD(1, 1), &wsa);
    printf("WSAStartup(1.1) %d version %#x\n", r, wsa.wVersion);
    INT tcp[] = {IPPROTO_TCP, 0};
    len = 10;
    r = WSAEnumProtocolsW(tcp, protos, &len);
    printf("small buffer: %d error %d needed %lu\n", r, WSAGetLastError(), len);
    len = sizeof protos;
    r = WSAEnumProtocolsW(tcp, protos, &len);
    printf("TCP providers: %d\n", r);
    for (int i = 0; i < r; i++)
        printf("  %ls family %d type %d proto %d ifs %d\n", protos[i].szProtocol, protos[i].iAddressFamily,
               protos[i].iSocketType, protos[i].iProtocol, (protos[i].dwServiceFlags1 & XP1_IFS_HANDLES) != 0);
    WSAPROTOCOL_INFOA protosA[4];
    INT udp[] = {IPPROTO_UDP, 0};
    len = sizeof protosA;
    r = WSAEnumProtocolsA(udp, protosA, &len);
    printf("UDP providers (A): %d", r);
    for (int i = 0; i < r; i++)
        printf(" \"%s\" %lu", protosA[i].szProtocol, protosA[i].dwMessageSize);
    printf("\n");
    WSASetLastError(12345);
    printf("WSASetLastError -> %d\n", WSAGetLastError());
    printf("WSACleanup %d", WSACleanup());
    printf(" %d", WSACleanup());
    r = WSACleanup();
    printf(" %d error %d\n", r, WSAGetLastError());

    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    printf("port created: %d\n", port != NULL);
    SetLastError(0);
    HANDLE other = CreateIoCompletionPort(INVALID_HANDLE_VALUE, port, 0, 0);
    printf("new port with an existing one: %p error %lu\n", (void *)other, GetLastError());
    DWORD bytes = 1;
    ULONG_PTR key = 1;
    OVERLAPPED *ov = (OVERLAPPED *)1;
    SetLastError(0);
    ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0);
    printf("empty, 0 ms: %d error %lu overlapped %p\n", ok, GetLastError(), (void *)ov);
    DWORD before = GetTickCount();
    ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 50);
    printf("empty, 50 ms: %d error %lu waited %d\n", ok, GetLastError(), GetTickCount() - before >= 50);
    PostQueuedCompletionStatus(port, 11, 0x1111, (OVERLAPPED *)0x1000);
    PostQueuedCompletionStatus(port, 22, 0x2222, (OVERLAPPED *)0x2000);
    PostQueuedCompletionStatus(port, 33, 0x3333, NULL);
    ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE);
    printf("first: %d bytes %lu key %#lx overlapped %p\n", ok, bytes, (unsigned long)key, (void *)ov);
    OVERLAPPED_ENTRY e[4];
    ULONG got = 99;
    ok = GetQueuedCompletionStatusEx(port, e, 4, &got, 0, FALSE);
    printf("Ex: %d removed %lu", ok, got);
    for (ULONG i = 0; i < got; i++)
        printf(" [%#lx %p %lu]", (unsigned long)e[i].lpCompletionKey, (void *)e[i].lpOverlapped,
               e[i].dwNumberOfBytesTransferred);
    printf("\n");
    SetLastError(0);
    ok = GetQueuedCompletionStatusEx(port, e, 4, &got, 10, FALSE);
    printf("Ex empty: %d error %lu\n", ok, GetLastError());
    SetLastError(0);
    ok = GetQueuedCompletionStatusEx(port, e, 0, &got, 0, FALSE);
    printf("Ex count 0: %d error %lu\n", ok, GetLastError());
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
    SetLastError(0);
    ok = PostQueuedCompletionStatus(event, 0, 0, NULL);
    printf("post to an event: %d error %lu\n", ok, GetLastError());
    char tmp[MAX_PATH];
    GetTempPathA(MAX_PATH, tmp);
    strcat(tmp, "rtapis.tmp");
    HANDLE file = CreateFileA(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    printf("file to the port: %d\n", CreateIoCompletionPort(file, port, 7, 0) == port);
    SetLastError(0);
    other = CreateIoCompletionPort(file, port, 8, 0);
    printf("again: %p error %lu\n", (void *)other, GetLastError());
    SetLastError(0);
    other = CreateIoCompletionPort(event, port, 8, 0);
    printf("an event: %p error %lu\n", (void *)other, GetLastError());
    CloseHandle(file);
    printf("close port %d\n", CloseHandle(port));

    /* a thread's context: suspend a spinning thread, read where it is, send it elsewhere */
    HANDLE th = CreateThread(NULL, 0, spin, NULL, 0, NULL);
    while (!spinning)
        Sleep(1);
    printf("SuspendThread %lu\n", SuspendThread(th));
    CONTEXT c;
    memset(&c, 0, sizeof c);
    c.ContextFlags = CONTEXT_CONTROL | CONTEXT_INTEGER;
    ok = GetThreadContext(th, &c);
    printf("GetThreadContext %d, eip in spin: %d\n", ok, c.Eip - (DWORD)(ULONG_PTR)spin < 32);
    c.ContextFlags = CONTEXT_CONTROL;
    c.Eip = (DWORD)(ULONG_PTR)landing;
    c.Esp = (c.Esp - 64) & ~15u;
    ok = SetThreadContext(th, &c);
    printf("SetThreadContext %d, ResumeThread %lu\n", ok, ResumeThread(th));
    WaitForSingleObject(th, INFINITE);
    DWORD code = 0;
    GetExitCodeThread(th, &code);
    printf("redirected %ld, exit code %lu\n", redirected, code);
    return 0;
}
