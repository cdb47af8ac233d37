/*
 * dllmainfalse.exe - imports failinit.dll!failinit_function; failinit's
 * DllMain returns FALSE for DLL_PROCESS_ATTACH, so process initialisation
 * fails before the exe's entry point.
 *
 * Expected stdout (exact):
 *   failinit: returning FALSE
 * Expected result on Windows: STATUS_DLL_INIT_FAILED (0xC0000142), exit
 * code 0xC0000142. "should not run" must never be printed.
 */
#include <stdio.h>

__declspec(dllimport) int failinit_function(void);

int main(void)
{
    printf("should not run: %d\n", failinit_function());
    return 0;
}
