/*
 * missingdll.exe - imports ghost.dll!ghost_function; ghost.dll is not
 * shipped (samples/bin has no ghost.dll), so the loader must fail before
 * the entry point runs.
 *
 * Expected stdout: nothing.
 * Expected result on Windows: the process fails to initialise with
 * STATUS_DLL_NOT_FOUND (0xC0000135) ("ghost.dll was not found"); exit code
 * 0xC0000135. "should not run" must never be printed.
 */
#include <stdio.h>

__declspec(dllimport) int ghost_function(void);

int main(void)
{
    printf("should not run: %d\n", ghost_function());
    return 0;
}
