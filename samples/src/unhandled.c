/*
 * unhandled.exe - an exception no frame handles reaches the unhandled-exception filter the program
 * set with SetUnhandledExceptionFilter; the filter returns EXCEPTION_EXECUTE_HANDLER, so the process
 * exits with the exception code.
 * Expected stdout: "raising" then "filter: code=e0000042 params=1 info0=7". Exit code 0xE0000042.
 */
#include <windows.h>
#include <stdio.h>

static LONG WINAPI filter(EXCEPTION_POINTERS *ep)
{
    printf("filter: code=%08lx params=%lu info0=%lu\n", ep->ExceptionRecord->ExceptionCode,
           ep->ExceptionRecord->NumberParameters, (unsigned long)ep->ExceptionRecord->ExceptionInformation[0]);
    fflush(stdout);
    return EXCEPTION_EXECUTE_HANDLER;
}

int main(void)
{
    ULONG_PTR arg = 7;
    SetUnhandledExceptionFilter(filter);
    printf("raising\n");
    fflush(stdout);
    RaiseException(0xE0000042, 0, 1, &arg);
    printf("not reached\n");
    return 0;
}
