/*
 * threads.exe - threads through the NT path: CreateThread (PspCreateThread, KiThreadStartup, the APC
 * to LdrInitializeThunk, RtlUserThreadStart), DLL_THREAD_ATTACH/DETACH to sampledll.dll, waiting
 * for all threads, exit codes, a timed wait and Sleep (virtual time under ntboot).
 *
 * Expected stdout (the interleaving of the worker lines is the scheduler's; the set is fixed):
 *   sampledll: DLL_PROCESS_ATTACH
 *   sampledll: DLL_THREAD_ATTACH           (twice, once per worker)
 *   worker N: add_numbers(N, 10) = 1N      (N = 1, 2)
 *   sampledll: DLL_THREAD_DETACH           (twice)
 *   main: wait all returned 0
 *   main: thread 1 exit code 101
 *   main: thread 2 exit code 102
 *   main: timed wait returned 258
 *   main: at least 70 ms passed: yes
 *   sampledll: DLL_PROCESS_DETACH
 * Expected exit code: 0
 */
#include <windows.h>
#include <stdio.h>

__declspec(dllimport) int add_numbers(int a, int b);

static DWORD WINAPI worker(LPVOID param)
{
    int id = (int)(INT_PTR)param;
    printf("worker %d: add_numbers(%d, 10) = %d\n", id, id, add_numbers(id, 10));
    fflush(stdout);
    Sleep(10 * id);
    return 100 + id;
}

int main(void)
{
    HANDLE h[2];
    DWORD code, r, t0 = GetTickCount();
    int i;

    for (i = 0; i < 2; i++)
        h[i] = CreateThread(NULL, 0, worker, (LPVOID)(INT_PTR)(i + 1), 0, NULL);
    r = WaitForMultipleObjects(2, h, TRUE, INFINITE);
    printf("main: wait all returned %lu\n", r);
    for (i = 0; i < 2; i++) {
        GetExitCodeThread(h[i], &code);
        printf("main: thread %d exit code %lu\n", i + 1, code);
        CloseHandle(h[i]);
    }
    r = WaitForSingleObject(GetCurrentThread(), 50);   /* never signalled while we run: times out */
    printf("main: timed wait returned %lu\n", r);
    printf("main: at least 70 ms passed: %s\n", GetTickCount() - t0 >= 70 ? "yes" : "no");
    return 0;
}
