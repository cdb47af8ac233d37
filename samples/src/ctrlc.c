/*
 * ctrlc.exe - console control events: SetConsoleCtrlHandler and
 * GenerateConsoleCtrlEvent.  An event runs the handlers on a new thread of
 * the process, last registered first, until one returns TRUE; Ctrl+C is not
 * delivered while the process ignores it (SetConsoleCtrlHandler(NULL, TRUE));
 * an event nobody handles ends the process with STATUS_CONTROL_C_EXIT.
 *
 * Expected stdout (exact):
 *   remove unknown: 0, last error 87
 *   second handler: CTRL_C_EVENT, passes it on
 *   first handler: CTRL_C_EVENT, on its own thread: yes
 *   ignored Ctrl+C: no handler ran
 *   bad event: 0, last error 87
 *   CTRL_BREAK_EVENT with no handler left
 * Expected exit code: 0xC000013A (STATUS_CONTROL_C_EXIT)
 */
#include <windows.h>
#include <stdio.h>

static HANDLE done;
static DWORD main_thread;

static BOOL WINAPI first_handler(DWORD type)
{
    printf("first handler: %s, on its own thread: %s\n",
           type == CTRL_C_EVENT ? "CTRL_C_EVENT" : "other",
           GetCurrentThreadId() != main_thread ? "yes" : "no");
    fflush(stdout);
    SetEvent(done);
    return TRUE;
}

static BOOL WINAPI second_handler(DWORD type)
{
    printf("second handler: %s, passes it on\n", type == CTRL_C_EVENT ? "CTRL_C_EVENT" : "other");
    fflush(stdout);
    return FALSE;
}

int main(void)
{
    BOOL ok;

    main_thread = GetCurrentThreadId();
    done = CreateEventA(NULL, FALSE, FALSE, NULL);
    SetLastError(0);
    ok = SetConsoleCtrlHandler(second_handler, FALSE);
    printf("remove unknown: %d, last error %lu\n", ok, GetLastError());
    fflush(stdout);

    SetConsoleCtrlHandler(first_handler, TRUE);
    SetConsoleCtrlHandler(second_handler, TRUE);
    GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0);
    WaitForSingleObject(done, INFINITE);

    SetConsoleCtrlHandler(NULL, TRUE);
    GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0);
    if (WaitForSingleObject(done, 100) == WAIT_TIMEOUT)
        printf("ignored Ctrl+C: no handler ran\n");
    SetConsoleCtrlHandler(NULL, FALSE);

    SetLastError(0);
    ok = GenerateConsoleCtrlEvent(7, 0);
    printf("bad event: %d, last error %lu\n", ok, GetLastError());

    SetConsoleCtrlHandler(second_handler, FALSE);
    SetConsoleCtrlHandler(first_handler, FALSE);
    printf("CTRL_BREAK_EVENT with no handler left\n");
    fflush(stdout);
    GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, 0);
    Sleep(INFINITE);
    printf("never printed\n");
    return 0;
}
