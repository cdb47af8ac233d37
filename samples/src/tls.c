/*
 * tls.exe - real static (implicit) TLS, the way MSVC-compiled code does it
 * (NOT gcc's emulated __emutls):
 *   - tls_var (initial value 0x1234) lives in section ".tls$", i.e. in the
 *     image's TLS template (.tls section, IMAGE_TLS_DIRECTORY from the mingw
 *     CRT's _tls_used); the thread's copy is reached as
 *       fs:[0x2C] (TEB.ThreadLocalStoragePointer) [_tls_index] + SECREL32(tls_var)
 *   - two TLS callbacks: tls_cb1 in .CRT$XLB (first in the callback array)
 *     and tls_cb2 in .CRT$XLY (after the mingw CRT's own __dyn_tls_init /
 *     __dyn_tls_dtor callbacks in .CRT$XLC/.CRT$XLD). The callbacks write
 *     with kernel32 WriteFile(GetStdHandle(STD_OUTPUT_HANDLE)) so their
 *     output does not depend on msvcrt's buffering or on msvcrt still being
 *     initialised at process detach.
 *   - main also reads the image's template copy directly (plain address of
 *     tls_var inside the .tls section) to check the loader copied the
 *     template instead of pointing the thread at it.
 *
 * Windows order of events: the loader runs the exe's TLS callbacks with
 * DLL_PROCESS_ATTACH (1) after the DLLs' DllMains and before the entry
 * point; main runs; main returns to the CRT, which calls exit() ->
 * ExitProcess -> LdrShutdownProcess, which calls the callbacks again with
 * DLL_PROCESS_DETACH (0). No threads are created, so no reason 2/3.
 *
 * Expected stdout (exact):
 *   tls callback 1: reason=1
 *   tls callback 2: reason=1
 *   main: tls var=0x1234
 *   main: tls var=0x1235
 *   main: template var=0x1234
 *   tls callback 1: reason=0
 *   tls callback 2: reason=0
 * Expected exit code: 0 (1 with a "FAIL:" line if TEB.ThreadLocalStoragePointer
 * or the thread's slot is NULL).
 */
#include <windows.h>
#include <stdio.h>

__attribute__((section(".tls$"), used)) int tls_var = 0x1234;

/* Pointer to this thread's copy of tls_var, computed exactly as MSVC does. */
static int *tls_var_ptr(void)
{
    int *p;
    __asm__ volatile (
        "movl %%fs:0x2C, %%eax\n\t"          /* TEB.ThreadLocalStoragePointer */
        "movl __tls_index, %%ecx\n\t"        /* this module's TLS slot */
        "movl (%%eax,%%ecx,4), %%eax\n\t"    /* this module's TLS block */
        "leal _tls_var@SECREL32(%%eax), %0"  /* + offset inside the template */
        : "=r"(p) : : "eax", "ecx");
    return p;
}

static int tls_ready(void)
{
    void **array;
    extern unsigned _tls_index;
    __asm__ volatile ("movl %%fs:0x2C, %0" : "=r"(array));
    return array && array[_tls_index];
}

static void say(const char *prefix, DWORD reason)
{
    char buf[64];
    DWORD n = 0, written;
    while (*prefix)
        buf[n++] = *prefix++;
    buf[n++] = (char)('0' + (reason % 10));
    buf[n++] = '\n';
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), buf, n, &written, NULL);
}

static void NTAPI tls_cb1(PVOID module, DWORD reason, PVOID reserved)
{
    (void)module; (void)reserved;
    say("tls callback 1: reason=", reason);
}

static void NTAPI tls_cb2(PVOID module, DWORD reason, PVOID reserved)
{
    (void)module; (void)reserved;
    say("tls callback 2: reason=", reason);
}

__attribute__((section(".CRT$XLB"), used)) PIMAGE_TLS_CALLBACK tls_cb1_ptr = tls_cb1;
__attribute__((section(".CRT$XLY"), used)) PIMAGE_TLS_CALLBACK tls_cb2_ptr = tls_cb2;

int main(void)
{
    int *v;
    if (!tls_ready()) {
        printf("FAIL: no TLS block for this thread\n");
        return 1;
    }
    v = tls_var_ptr();
    printf("main: tls var=0x%x\n", *v);
    ++*v;
    printf("main: tls var=0x%x\n", *tls_var_ptr());
    printf("main: template var=0x%x\n", *(volatile int *)&tls_var);
    fflush(stdout);
    return 0;
}
