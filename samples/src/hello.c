/*
 * hello.exe - the simplest program: CRT startup, two printf calls
 * (one with %d and %s conversions) and a non-zero exit code.
 *
 * Imports: kernel32.dll and msvcrt.dll only (mingw CRT startup + printf).
 *
 * Expected stdout (exact):
 *   Hello, world!
 *   The answer is 42 and the word is ntboot.
 * Expected exit code: 3
 */
#include <stdio.h>

int main(void)
{
    printf("Hello, world!\n");
    printf("The answer is %d and the word is %s.\n", 42, "ntboot");
    return 3;
}
