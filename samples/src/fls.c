/*
 * fls.exe - fiber-local storage as Windows 7 keeps it (FlsAlloc, FlsSetValue,
 * FlsGetValue, FlsFree; PEB FlsCallback/FlsHighIndex, TEB FlsData) and when
 * its callbacks run: FlsFree calls the callback for every thread's value, a
 * thread's end calls it for that thread's values, and the process's end for
 * the exiting thread's.  The callbacks write with WriteFile (no CRT stream).
 *
 * Expected stdout (exact):
 *   first index 1, second 2
 *   fresh slot: NULL, last error 0
 *   value 0x1111, TEB FlsData slot 0x1111, PEB callback ok, high index 2
 *   index 300: NULL, last error 87
 *   thread sets 0x2222
 *   callback B(0x2222)
 *   thread ended
 *   FlsFree(second): callback B(0x3333)
 *   FlsFree again: 0, last error 87
 *   FlsAlloc reuses 2
 *   main returns
 *   callback A(0x1111)
 * Expected exit code: 7
 */
#include <windows.h>
#include <stdio.h>

static void say(const char *text)
{
    DWORD n;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), text, lstrlenA(text), &n, NULL);
}

static void WINAPI callback_a(void *value)
{
    char line[64];
    sprintf(line, "callback A(0x%x)\n", (unsigned)(ULONG_PTR)value);
    say(line);
}

static void WINAPI callback_b(void *value)
{
    char line[64];
    sprintf(line, "callback B(0x%x)\n", (unsigned)(ULONG_PTR)value);
    say(line);
}

static DWORD first, second;

static DWORD fs_dword(DWORD offset)
{
    DWORD value;
    __asm__ volatile ("movl %%fs:(%1), %0" : "=r"(value) : "r"(offset));
    return value;
}

static DWORD WINAPI thread_main(void *unused)
{
    (void)unused;
    printf("thread sets 0x2222\n");
    fflush(stdout);
    FlsSetValue(second, (void *)0x2222);
    return 0;
}

int main(void)
{
    void **teb_fls, *value;
    unsigned char *peb;
    void **callbacks;
    HANDLE thread;
    BOOL ok;

    first = FlsAlloc(callback_a);
    second = FlsAlloc(callback_b);
    printf("first index %lu, second %lu\n", first, second);

    SetLastError(1234);
    value = FlsGetValue(first);
    printf("fresh slot: %s, last error %lu\n", value ? "set" : "NULL", GetLastError());

    FlsSetValue(first, (void *)0x1111);
    teb_fls = (void **)fs_dword(0xFB4);
    peb = (unsigned char *)fs_dword(0x30);
    callbacks = *(void ***)(peb + 0x20C);
    printf("value 0x%x, TEB FlsData slot 0x%x, PEB callback %s, high index %lu\n",
           (unsigned)(ULONG_PTR)FlsGetValue(first), (unsigned)(ULONG_PTR)teb_fls[2 + first],
           callbacks[2 * first] == (void *)callback_a ? "ok" : "wrong", *(DWORD *)(peb + 0x22C));

    SetLastError(0);
    value = FlsGetValue(300);
    printf("index 300: %s, last error %lu\n", value ? "set" : "NULL", GetLastError());
    fflush(stdout);

    thread = CreateThread(NULL, 0, thread_main, NULL, 0, NULL);
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
    printf("thread ended\n");

    FlsSetValue(second, (void *)0x3333);
    printf("FlsFree(second): ");
    fflush(stdout);
    FlsFree(second);
    SetLastError(0);
    ok = FlsFree(second);
    printf("FlsFree again: %d, last error %lu\n", ok, GetLastError());
    printf("FlsAlloc reuses %lu\n", FlsAlloc(NULL));
    printf("main returns\n");
    fflush(stdout);
    return 7;
}
