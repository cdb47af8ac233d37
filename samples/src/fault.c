/*
 * fault.exe - prints "before" (flushed), then stores 1 to address 0
 * through a volatile pointer to volatile int (both volatile: with only the
 * pointer variable volatile, gcc -O2 deletes the store as a store through
 * NULL), so the process dies with an access violation
 * (EXCEPTION_ACCESS_VIOLATION, write at 0x00000000). The mingw CRT has
 * installed a top-level filter (SetUnhandledExceptionFilter) that calls
 * msvcrt signal(SIGSEGV, SIG_DFL), finds no handler and returns
 * EXCEPTION_CONTINUE_SEARCH, so on Windows the process terminates with the exception code as exit status.
 *
 * Expected stdout (exact):
 *   before
 * Expected exit code: 0xC0000005 (3221225477; STATUS_ACCESS_VIOLATION).
 * "after" must never be printed.
 */
#include <stdio.h>

int main(void)
{
    volatile int *volatile p = 0;

    printf("before\n");
    fflush(stdout);
    *p = 1;
    printf("after\n");
    return 0;
}
