/*
 * sampledll.dll - a DLL with a DllMain, a function export and a data export.
 * Preferred base 0x61000000 (distinct from the other sample DLLs, so that
 * the dll group does not depend on relocation).
 * Exports (cdecl, undecorated names, ordinals assigned by ld, all < 10):
 *   int add_numbers(int a, int b)   cdecl, returns a + b
 *   int get_counter(void)           cdecl, returns sample_counter
 *   int sample_counter = 42         DATA export
 * DllMain prints one line (then fflush(stdout)) for each notification:
 *   sampledll: DLL_PROCESS_ATTACH / DLL_PROCESS_DETACH /
 *   DLL_THREAD_ATTACH / DLL_THREAD_DETACH
 * Used by dllmain.exe (static import), sampledll2.dll (static import) and,
 * on its own, as "a DLL given as the program" (it must be refused: it is a
 * DLL, IMAGE_FILE_DLL is set). It has no export with ordinal 999
 * (missingordinal.exe relies on that).
 */
#include <windows.h>
#include <stdio.h>

__declspec(dllexport) int sample_counter = 42;

__declspec(dllexport) int add_numbers(int a, int b)
{
    return a + b;
}

__declspec(dllexport) int get_counter(void)
{
    return sample_counter;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    static const char *const names[] = {
        "DLL_PROCESS_DETACH", "DLL_PROCESS_ATTACH",
        "DLL_THREAD_ATTACH", "DLL_THREAD_DETACH",
    };
    (void)inst; (void)reserved;
    if (reason < 4)
        printf("sampledll: %s\n", names[reason]);
    else
        printf("sampledll: reason %lu\n", (unsigned long)reason);
    fflush(stdout);
    return TRUE;
}
