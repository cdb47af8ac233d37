/*
 * x64hello.c -> samples/bin/bad/x64.exe: a REAL PE32+ x86-64 console
 * program (machine 0x8664), built with x86_64-w64-mingw32-gcc. It is a
 * valid program for 64-bit Windows, but not for an x86 (32-bit) loader:
 * ntboot must refuse it (wrong machine / PE32+ optional header).
 *
 * Expected stdout on x64 Windows (exact):
 *   hello from x64
 * Expected exit code on x64 Windows: 0. Under ntboot: refused before
 * running anything (32-bit Windows fails CreateProcess with
 * ERROR_BAD_EXE_FORMAT, 193).
 */
#include <stdio.h>

int main(void)
{
    printf("hello from x64\n");
    return 0;
}
