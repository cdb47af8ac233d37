/*
 * callbench.exe - call-cost benchmark.
 *   callbench api N   calls kernel32!GetCurrentProcessId N times (an emulated export)
 *   callbench sys N   calls ntdll!NtYieldExecution N times (a real system call stub: sysenter)
 * Prints "callbench: <mode> calls=N" and returns 0.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef LONG (WINAPI *NtYield)(void);

int main(int argc, char **argv)
{
    unsigned long n, i;
    volatile DWORD sink = 0;
    if (argc < 3)
        return 2;
    n = strtoul(argv[2], NULL, 10);
    if (strcmp(argv[1], "api") == 0) {
        for (i = 0; i < n; i++)
            sink += GetCurrentProcessId();
    } else {
        NtYield yield = (NtYield)GetProcAddress(GetModuleHandleA("ntdll.dll"), "NtYieldExecution");
        for (i = 0; i < n; i++)
            sink += (DWORD)yield();
    }
    printf("callbench: %s calls=%lu\n", argv[1], n);
    return 0;
}
