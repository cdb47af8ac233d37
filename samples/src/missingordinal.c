/*
 * missingordinal.exe - imports ordinal 999 (by ordinal, no name) from
 * sampledll.dll, which is present in samples/bin but exports only
 * ordinals 1..3. The import library is made from missingordinal.def
 * ("@999 NONAME") with i686-w64-mingw32-dlltool.
 *
 * Expected stdout: nothing (imports are all resolved before any DllMain
 * runs, so sampledll's DllMain does not print either).
 * Expected result on Windows: the process fails to initialise with
 * STATUS_ORDINAL_NOT_FOUND (0xC0000138) ("The ordinal 999 could not be
 * located in the dynamic link library sampledll.dll"); exit code
 * 0xC0000138. "should not run" must never be printed.
 */
#include <stdio.h>

__declspec(dllimport) int sampledll_ordinal_999(void);

int main(void)
{
    printf("should not run: %d\n", sampledll_ordinal_999());
    return 0;
}
