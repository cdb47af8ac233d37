/*
 * spawnmany.exe N [PROGRAM] - starts PROGRAM (default hello.exe) N times, one after another, waiting
 * for each; prints "spawnmany: N children, last exit code C".  A benchmark of process creation and
 * of memory staying bounded as children come and go.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10, i;
    const char *program = argc > 2 ? argv[2] : "hello.exe";
    DWORD code = 0;
    for (i = 0; i < n; i++) {
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        char line[MAX_PATH];
        ZeroMemory(&si, sizeof si);
        si.cb = sizeof si;
        lstrcpynA(line, program, sizeof line);
        if (!CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
            printf("spawnmany: CreateProcess failed: %lu\n", GetLastError());
            return 1;
        }
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
    }
    printf("spawnmany: %d children, last exit code %lu\n", n, code);
    return 0;
}
