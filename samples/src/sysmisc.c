/* kernel32 odds a console program meets: thread contexts (a suspended thread, the current thread),
   the psapi functions (K32* and psapi.dll), priority boosts, EnumSystemLocales, CancelIo/CancelIoEx/
   GetOverlappedResult on a synchronous file, DeviceIoControl on a file, CreateSymbolicLink as a
   non-elevated user, PeekNamedPipe on a file.  Expected values: the documentation and this
   program's own arithmetic. */
#include <windows.h>
#include <psapi.h>
#include <stdio.h>
#include <string.h>
#include <winioctl.h>

/* PSAPI_VERSION=1: the plain names come from psapi.dll; kernel32's own K32* names, declared here */
BOOL WINAPI K32EnumProcessModules(HANDLE, HMODULE *, DWORD, LPDWORD);
BOOL WINAPI K32GetModuleInformation(HANDLE, HMODULE, LPMODULEINFO, DWORD);

static volatile LONG counter;

static DWORD WINAPI worker(LPVOID arg)
{
    counter += (LONG)(INT_PTR)arg;
    return 7;
}

static DWORD WINAPI elsewhere(LPVOID arg)
{
    (void)arg;
    return 99;
}

/* RtlCaptureContext (x86): the caller's frame as if it had returned: EIP its return address, ESP
   just above it, EBP the caller's caller's; the integer registers as at the call */
static CONTEXT captured;
static void *frame_return;
static void *frame_esp;

__attribute__((noinline)) static void capture(void)
{
    frame_return = __builtin_return_address(0);
    frame_esp = (char *)__builtin_frame_address(0) + 8;
    RtlCaptureContext(&captured);
}

static void report_capture(void)
{
    capture();
    printf("RtlCaptureContext: flags %#lx, eip is the return address: %s, esp above it: %s\n",
           captured.ContextFlags, (void *)(UINT_PTR)captured.Eip == frame_return ? "yes" : "no",
           (void *)(UINT_PTR)captured.Esp == frame_esp ? "yes" : "no");
}

static DWORD WINAPI waiter(LPVOID event)
{
    WaitForSingleObject((HANDLE)event, INFINITE);
    return 3;
}

static int in_module(DWORD address, const char *name)
{
    MODULEINFO info;
    if (!GetModuleInformation(GetCurrentProcess(), GetModuleHandleA(name), &info, sizeof info)) return 0;
    return address >= (DWORD)(UINT_PTR)info.lpBaseOfDll && address < (DWORD)(UINT_PTR)info.lpBaseOfDll + info.SizeOfImage;
}

static int locales;
static char first_locale[16];

static BOOL CALLBACK locale_proc(LPSTR text)
{
    if (!locales++) strncpy(first_locale, text, sizeof first_locale - 1);
    return TRUE;
}

int main(void)
{
    /* a suspended thread: its initial context names the start routine (EAX) and parameter (EBX) */
    HANDLE t = CreateThread(NULL, 0, worker, (LPVOID)5, CREATE_SUSPENDED, NULL);
    CONTEXT c;
    memset(&c, 0, sizeof c);
    c.ContextFlags = CONTEXT_INTEGER;
    BOOL ok = GetThreadContext(t, &c);
    printf("GetThreadContext suspended: %d, eax is the start routine: %s, ebx the parameter: %lu, eip untouched: %s\n",
           ok, c.Eax == (DWORD)(UINT_PTR)worker ? "yes" : "no", c.Ebx, c.Eip == 0 ? "yes" : "no");
    /* point it somewhere else: SetThreadContext with CONTEXT_INTEGER */
    c.Eax = (DWORD)(UINT_PTR)elsewhere;
    ok = SetThreadContext(t, &c);
    ResumeThread(t);
    WaitForSingleObject(t, INFINITE);
    DWORD code;
    GetExitCodeThread(t, &code);
    printf("SetThreadContext: %d, the thread ran elsewhere: exit code %lu, counter %ld\n", ok, code, counter);
    CloseHandle(t);

    /* a thread blocked in a wait, then suspended: it is in the system call, its stack its own */
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE w = CreateThread(NULL, 0, waiter, ev, 0, NULL);
    Sleep(20);
    SuspendThread(w);
    memset(&c, 0, sizeof c);
    c.ContextFlags = CONTEXT_CONTROL;
    ok = GetThreadContext(w, &c);
    MEMORY_BASIC_INFORMATION wstack, mystack;
    VirtualQuery((void *)(UINT_PTR)c.Esp, &wstack, sizeof wstack);
    VirtualQuery(&wstack, &mystack, sizeof mystack);
    /* Windows: in ntdll (KiFastSystemCallRet); ntboot's kernel32 waits in its own stub */
    printf("GetThreadContext waiting: %d, eip in a system DLL: %s, esp in another committed stack: %s\n", ok,
           in_module(c.Eip, "ntdll.dll") || in_module(c.Eip, "kernel32.dll") ? "yes" : "no",
           wstack.State == MEM_COMMIT && wstack.AllocationBase != mystack.AllocationBase ? "yes" : "no");
    ResumeThread(w);
    SetEvent(ev);
    WaitForSingleObject(w, INFINITE);
    GetExitCodeThread(w, &code);
    printf("the waiting thread went on: exit code %lu\n", code);
    CloseHandle(w);
    CloseHandle(ev);

    /* SetThreadContext on the calling thread resumes it at the context at once */
    static volatile int passes;
    memset(&c, 0, sizeof c);
    c.ContextFlags = CONTEXT_FULL;
    GetThreadContext(GetCurrentThread(), &c);
    if (++passes == 1) {
        SetThreadContext(GetCurrentThread(), &c);
        printf("SetThreadContext returned to its caller: WRONG\n");
    }
    printf("SetThreadContext on itself: resumed after GetThreadContext, pass %d\n", passes);

    memset(&c, 0, sizeof c);
    c.ContextFlags = CONTEXT_CONTROL;
    ok = GetThreadContext(GetCurrentThread(), &c);
    MEMORY_BASIC_INFORMATION mbi;
    VirtualQuery((void *)(UINT_PTR)c.Esp, &mbi, sizeof mbi);
    HMODULE self = GetModuleHandleA(NULL);
    MODULEINFO mi;
    K32GetModuleInformation(GetCurrentProcess(), self, &mi, sizeof mi);
    printf("GetThreadContext current: %d, eip in this program: %s, esp in committed stack: %s\n", ok,
           c.Eip >= (DWORD)(UINT_PTR)mi.lpBaseOfDll && c.Eip < (DWORD)(UINT_PTR)mi.lpBaseOfDll + mi.SizeOfImage
               ? "yes" : "no", mbi.State == MEM_COMMIT ? "yes" : "no");

    HMODULE mods[64];
    DWORD needed;
    ok = EnumProcessModules(GetCurrentProcess(), mods, sizeof mods, &needed);
    char name[MAX_PATH], path[MAX_PATH], exe[MAX_PATH];
    GetModuleBaseNameA(GetCurrentProcess(), mods[0], name, sizeof name);
    GetModuleFileNameExA(GetCurrentProcess(), NULL, path, sizeof path);
    GetModuleFileNameA(NULL, exe, sizeof exe);
    int has_k32 = 0, has_ntdll = 0;
    for (DWORD i = 0; i < needed / sizeof(HMODULE) && i < 64; i++) {
        has_k32 |= mods[i] == GetModuleHandleA("kernel32.dll");
        has_ntdll |= mods[i] == GetModuleHandleA("ntdll.dll");
    }
    printf("EnumProcessModules: %d, first is the program: %s (%s), kernel32 and ntdll listed: %s, "
           "file name is GetModuleFileName's: %s\n", ok, mods[0] == self ? "yes" : "no", name,
           has_k32 && has_ntdll ? "yes" : "no", strcmp(path, exe) == 0 ? "yes" : "no");
    DWORD small;
    ok = K32EnumProcessModules(GetCurrentProcess(), mods, 4, &small);
    printf("EnumProcessModules 4 bytes: %d, needed the same: %s\n", ok, small == needed ? "yes" : "no");
    WCHAR wname[16];
    GetModuleBaseNameW(GetCurrentProcess(), GetModuleHandleA("kernel32.dll"), wname, 16);
    printf("GetModuleBaseNameW of kernel32's handle: %s\n", _wcsicmp(wname, L"kernel32.dll") == 0 ? "kernel32.dll" : "WRONG");
    IMAGE_DOS_HEADER *dos = (IMAGE_DOS_HEADER *)self;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)((char *)self + dos->e_lfanew);
    GetModuleInformation(GetCurrentProcess(), self, &mi, sizeof mi);
    printf("GetModuleInformation: base is the module: %s, size is SizeOfImage: %s, entry is AddressOfEntryPoint: %s\n",
           mi.lpBaseOfDll == self ? "yes" : "no", mi.SizeOfImage == nt->OptionalHeader.SizeOfImage ? "yes" : "no",
           (char *)mi.EntryPoint == (char *)self + nt->OptionalHeader.AddressOfEntryPoint ? "yes" : "no");
    ok = GetModuleInformation(GetCurrentProcess(), self, &mi, 8);
    printf("GetModuleInformation cb 8: %d error %lu\n", ok, GetLastError());
    ok = GetModuleBaseNameA(GetCurrentProcess(), (HMODULE)0x12340000, name, sizeof name);
    printf("GetModuleBaseName of no module: %d error %lu\n", ok, GetLastError());
    PROCESS_MEMORY_COUNTERS pmc;
    ok = GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc);
    printf("GetProcessMemoryInfo: %d, working set above 64 KiB: %s\n", ok, pmc.WorkingSetSize > 65536 ? "yes" : "no");

    BOOL boost = 5;
    GetProcessPriorityBoost(GetCurrentProcess(), &boost);
    printf("priority boost disabled: %d", boost);
    SetProcessPriorityBoost(GetCurrentProcess(), TRUE);
    GetProcessPriorityBoost(GetCurrentProcess(), &boost);
    printf(" -> %d\n", boost);

    ok = EnumSystemLocalesA(locale_proc, LCID_INSTALLED);
    printf("EnumSystemLocalesA: %d, %d locale(s), first %s\n", ok, locales, first_locale);
    ok = EnumSystemLocalesA(locale_proc, 0x100);
    printf("EnumSystemLocalesA bad flags: %d error %lu\n", ok, GetLastError());

    HANDLE f = CreateFileA("C:\\sysmisc.txt", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD wrote;
    WriteFile(f, "hello, file", 11, &wrote, NULL);
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = 7;
    char buf[16];
    DWORD got = 0, transferred = 0;
    ok = ReadFile(f, buf, sizeof buf, &got, &ov);
    BOOL ok2 = GetOverlappedResult(f, &ov, &transferred, FALSE);
    printf("ReadFile at 7: %d got %lu, GetOverlappedResult: %d transferred %lu\n", ok, got, ok2, transferred);
    ov.Offset = 100;
    ok = ReadFile(f, buf, sizeof buf, &got, &ov);
    DWORD e1 = GetLastError();
    ok2 = GetOverlappedResult(f, &ov, &transferred, FALSE);
    printf("ReadFile past the end: %d error %lu, GetOverlappedResult: %d error %lu\n", ok, e1, ok2, GetLastError());
    ov.Internal = STATUS_PENDING;
    ok = GetOverlappedResult(f, &ov, &transferred, FALSE);
    printf("GetOverlappedResult pending: %d error %lu\n", ok, GetLastError());
    ok = CancelIo(f);
    printf("CancelIo: %d\n", ok);
    ok = CancelIoEx(f, NULL);
    printf("CancelIoEx: %d error %lu\n", ok, GetLastError());

    char reparse[1024];
    DWORD ret = 77;
    ok = DeviceIoControl(f, FSCTL_GET_REPARSE_POINT, NULL, 0, reparse, sizeof reparse, &ret, NULL);
    printf("FSCTL_GET_REPARSE_POINT: %d error %lu\n", ok, GetLastError());
    ok = DeviceIoControl(f, FSCTL_SET_SPARSE, NULL, 0, NULL, 0, &ret, NULL);
    printf("FSCTL_SET_SPARSE: %d\n", ok);
    ok = DeviceIoControl(f, IOCTL_DISK_GET_DRIVE_GEOMETRY, NULL, 0, reparse, sizeof reparse, &ret, NULL);
    printf("IOCTL_DISK_GET_DRIVE_GEOMETRY on a file: %d error %lu\n", ok, GetLastError());
    ok = PeekNamedPipe(f, NULL, 0, NULL, &ret, NULL);
    printf("PeekNamedPipe on a file: %d error %lu\n", ok, GetLastError());
    CloseHandle(f);
    ok = CancelIo(GetStdHandle(STD_OUTPUT_HANDLE));
    printf("CancelIo on the console: %d error %lu\n", ok, GetLastError());

    ok = CreateSymbolicLinkW(L"C:\\link.txt", L"C:\\sysmisc.txt", 0);
    DWORD e2 = GetLastError();
    printf("CreateSymbolicLinkW: %d error %lu, link exists: %s\n", ok, e2,
           GetFileAttributesA("C:\\link.txt") == INVALID_FILE_ATTRIBUTES ? "no" : "yes");
    ok = CreateSymbolicLinkW(L"C:\\link.txt", L"C:\\sysmisc.txt", 2);
    printf("CreateSymbolicLinkW flag 2: %d error %lu\n", ok, GetLastError());
    ok = CancelSynchronousIo(GetCurrentThread());
    printf("CancelSynchronousIo: %d error %lu\n", ok, GetLastError());
    report_capture();
    return 0;
}
