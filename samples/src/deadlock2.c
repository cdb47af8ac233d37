/*
 * deadlock2.exe - two threads each take a mutex and then wait for the other's: on Windows the
 * process hangs; an emulator must end the run and name both waits (and the main thread's wait
 * for the two threads).
 * Expected stdout:
 *   first: holds mutex 1, waits for mutex 2
 *   second: holds mutex 2, waits for mutex 1
 * and never "... got it" nor "main: joined".
 */
#include <windows.h>
#include <stdio.h>

static HANDLE mutex1, mutex2, ready1, ready2;

static DWORD WINAPI first(LPVOID param)
{
    (void)param;
    WaitForSingleObject(mutex1, INFINITE);
    SetEvent(ready1);
    WaitForSingleObject(ready2, INFINITE);
    printf("first: holds mutex 1, waits for mutex 2\n");
    fflush(stdout);
    WaitForSingleObject(mutex2, INFINITE);
    printf("first: got it\n");
    return 0;
}

static DWORD WINAPI second(LPVOID param)
{
    (void)param;
    WaitForSingleObject(mutex2, INFINITE);
    SetEvent(ready2);
    WaitForSingleObject(ready1, INFINITE);
    Sleep(10);
    printf("second: holds mutex 2, waits for mutex 1\n");
    fflush(stdout);
    WaitForSingleObject(mutex1, INFINITE);
    printf("second: got it\n");
    return 0;
}

int main(void)
{
    HANDLE h[2];

    mutex1 = CreateMutexA(NULL, FALSE, "deadlock2-mutex-1");
    mutex2 = CreateMutexA(NULL, FALSE, "deadlock2-mutex-2");
    ready1 = CreateEventA(NULL, TRUE, FALSE, NULL);
    ready2 = CreateEventA(NULL, TRUE, FALSE, NULL);
    h[0] = CreateThread(NULL, 0, first, NULL, 0, NULL);
    h[1] = CreateThread(NULL, 0, second, NULL, 0, NULL);
    WaitForMultipleObjects(2, h, TRUE, INFINITE);
    printf("main: joined\n");
    return 0;
}
