/*
 * stackoverflow.exe - unbounded recursion: the stack grows through its guard pages until the
 * reservation ends, then STATUS_STACK_OVERFLOW is raised and, unhandled, ends the process.
 * Expected stdout: "recursing". Exit code 0xC00000FD.
 */
#include <stdio.h>

static __attribute__((noinline)) int down(int n)
{
    volatile char pad[4096];
    pad[0] = (char)n;
    return down(n + 1) + pad[0];
}

int main(void)
{
    printf("recursing\n");
    fflush(stdout);
    return down(0);
}
