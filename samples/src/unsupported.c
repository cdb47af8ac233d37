/*
 * unsupported.exe - calls a real kernel32 export that an emulator is
 * unlikely to implement: GetNumaHighestNodeNumber (kernel32 since XP SP2).
 * "calling" is flushed before the call, so it is visible even if the
 * emulator stops at the unimplemented import.
 *
 * Expected stdout on Windows (exact, on a non-NUMA machine):
 *   calling
 *   GetNumaHighestNodeNumber: ret=1 highest=0
 * (ret is the BOOL result, highest the highest NUMA node number.)
 * Expected exit code: 0 on Windows. An emulator without the function is
 * expected to print "calling" and then report the unimplemented
 * kernel32!GetNumaHighestNodeNumber.
 */
#include <windows.h>
#include <stdio.h>

WINBASEAPI BOOL WINAPI GetNumaHighestNodeNumber(PULONG HighestNodeNumber);

int main(void)
{
    ULONG highest = 12345;
    BOOL ret;

    printf("calling\n");
    fflush(stdout);
    ret = GetNumaHighestNodeNumber(&highest);
    printf("GetNumaHighestNodeNumber: ret=%d highest=%lu\n", (int)ret, highest);
    return 0;
}
