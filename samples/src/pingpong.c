/*
 * pingpong.exe N - two threads hand control back and forth N times through two auto-reset events
 * (SetEvent + WaitForSingleObject): 2N thread switches.  Prints "pingpong: N rounds".
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static HANDLE ping, pong;
static int rounds;

static DWORD WINAPI partner(LPVOID p)
{
    int i;
    (void)p;
    for (i = 0; i < rounds; i++) {
        WaitForSingleObject(ping, INFINITE);
        SetEvent(pong);
    }
    return 0;
}

int main(int argc, char **argv)
{
    HANDLE t;
    int i;
    rounds = argc > 1 ? atoi(argv[1]) : 1000;
    ping = CreateEventA(NULL, FALSE, FALSE, NULL);
    pong = CreateEventA(NULL, FALSE, FALSE, NULL);
    t = CreateThread(NULL, 0, partner, NULL, 0, NULL);
    for (i = 0; i < rounds; i++) {
        SetEvent(ping);
        WaitForSingleObject(pong, INFINITE);
    }
    WaitForSingleObject(t, INFINITE);
    printf("pingpong: %d rounds\n", rounds);
    return 0;
}
