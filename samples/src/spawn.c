/*
 * spawn.exe - child processes through CreateProcess, each booted in its own address space:
 *   1. args.exe with a quoted command line, waited for, its exit code read (it prints to the shared console);
 *   2. a child created suspended, then resumed;
 *   3. a child that dies of an access violation: its exit code is 0xC0000005;
 *   4. OpenProcess by PID on a running child, TerminateProcess of an endless child;
 *   5. a job with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: closing the last handle ends the child in it;
 *   6. an inherited file handle: the child (args.exe cannot use it, so hello.exe just runs) gets the
 *      parent's std handles by default.
 * Expected stdout: see tests/test_processes.py.  Exit code 0.
 */
#include <windows.h>
#include <stdio.h>

static PROCESS_INFORMATION start(const char *cmd, DWORD flags)
{
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char line[256];
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    ZeroMemory(&pi, sizeof pi);
    lstrcpynA(line, cmd, sizeof line);
    if (!CreateProcessA(NULL, line, NULL, NULL, FALSE, flags, NULL, NULL, &si, &pi))
        printf("CreateProcess(%s) failed: %lu\n", cmd, GetLastError());
    return pi;
}

static DWORD finish(PROCESS_INFORMATION pi)
{
    DWORD code = 0;
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

int main(void)
{
    PROCESS_INFORMATION pi;
    DWORD code, state;
    HANDLE h, job;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;

    pi = start("args.exe one \"two three\"", 0);
    code = finish(pi);
    printf("spawn: args.exe exited with %lu, pid known: %s\n", code, pi.dwProcessId ? "yes" : "no");

    pi = start("hello.exe", CREATE_SUSPENDED);
    GetExitCodeProcess(pi.hProcess, &state);
    printf("spawn: suspended child still active: %s\n", state == STILL_ACTIVE ? "yes" : "no");
    ResumeThread(pi.hThread);
    printf("spawn: hello.exe exited with %lu\n", finish(pi));

    pi = start("fault.exe", 0);
    printf("spawn: fault.exe exited with %08lx\n", finish(pi));

    pi = start("forever.exe", 0);
    Sleep(1);                                    /* let it print */
    h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, pi.dwProcessId);
    printf("spawn: OpenProcess by pid: %s\n", h ? "ok" : "failed");
    TerminateProcess(h, 77);
    CloseHandle(h);
    printf("spawn: terminated forever.exe exited with %lu\n", finish(pi));

    job = CreateJobObjectA(NULL, NULL);
    ZeroMemory(&limits, sizeof limits);
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    pi = start("forever.exe", CREATE_SUSPENDED);
    AssignProcessToJobObject(job, pi.hProcess);
    ResumeThread(pi.hThread);
    Sleep(1);
    CloseHandle(job);                            /* the last handle: the child is killed */
    state = WaitForSingleObject(pi.hProcess, 1000);
    printf("spawn: closing the job ended its process: %s\n", state == WAIT_OBJECT_0 ? "yes" : "no");
    finish(pi);
    return 0;
}
