/*
 * forever.exe - prints one line, flushes it, then spins forever
 * (volatile counter, no calls in the loop). For testing timeouts /
 * instruction limits / killing the emulated process.
 *
 * Expected stdout (exact, before it is stopped):
 *   looping
 * Expected exit code: none (never exits by itself).
 */
#include <stdio.h>

int main(void)
{
    volatile unsigned int counter = 0;
    printf("looping\n");
    fflush(stdout);
    for (;;)
        counter++;
}
