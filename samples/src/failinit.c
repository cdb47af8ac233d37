/*
 * failinit.dll - its DllMain prints "failinit: returning FALSE" (and
 * flushes) on DLL_PROCESS_ATTACH and returns FALSE; it prints nothing for
 * any other reason (the mingw DllMainCRTStartup itself calls DllMain with
 * DLL_PROCESS_DETACH after a failed attach; that call is silent).
 * Preferred base 0x63000000. Export: int failinit_function(void) (cdecl).
 * Used by dllmainfalse.exe.
 */
#include <windows.h>
#include <stdio.h>

__declspec(dllexport) int failinit_function(void)
{
    return 1;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        printf("failinit: returning FALSE\n");
        fflush(stdout);
        return FALSE;
    }
    return TRUE;
}
