/*
 * missingname.exe - imports kernel32.dll!NoSuchFunctionAnywhere (by name),
 * a name kernel32 does not export. The import library is made from
 * missingname.def with i686-w64-mingw32-dlltool.
 *
 * Expected stdout: nothing.
 * Expected result on Windows: the process fails to initialise with
 * STATUS_ENTRYPOINT_NOT_FOUND (0xC0000139) ("The procedure entry point
 * NoSuchFunctionAnywhere could not be located in the dynamic link library
 * kernel32.dll"); exit code 0xC0000139. "should not run" must never be
 * printed.
 */
#include <stdio.h>

__declspec(dllimport) int NoSuchFunctionAnywhere(void);

int main(void)
{
    printf("should not run: %d\n", NoSuchFunctionAnywhere());
    return 0;
}
