/*
 * sampledll2.dll - loaded at run time by dllmain.exe with LoadLibraryA.
 * Preferred base 0x62000000. It imports add_numbers from sampledll.dll
 * (already loaded by then, so the loader must only add a reference and
 * must NOT call sampledll's DllMain a second time).
 * Export: int multiply(int a, int b)  cdecl, a * b computed by repeated
 * add_numbers calls (b >= 0).
 * DllMain prints "sampledll2: DLL_PROCESS_ATTACH" / "...DETACH" /
 * "...THREAD_ATTACH" / "...THREAD_DETACH" (each followed by fflush).
 */
#include <windows.h>
#include <stdio.h>

__declspec(dllimport) int add_numbers(int a, int b);

__declspec(dllexport) int multiply(int a, int b)
{
    int r = 0, i;
    for (i = 0; i < b; i++)
        r = add_numbers(r, a);
    return r;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    static const char *const names[] = {
        "DLL_PROCESS_DETACH", "DLL_PROCESS_ATTACH",
        "DLL_THREAD_ATTACH", "DLL_THREAD_DETACH",
    };
    (void)inst; (void)reserved;
    if (reason < 4)
        printf("sampledll2: %s\n", names[reason]);
    else
        printf("sampledll2: reason %lu\n", (unsigned long)reason);
    fflush(stdout);
    return TRUE;
}
