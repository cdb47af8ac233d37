/*
 * usercwd.exe - the user's folder as a command-line tool sees it.
 *
 * Prints "cwd=<GetCurrentDirectoryA>", then for each argument:
 *   NAME      reads the file NAME (relative names: from the current
 *             directory) and prints "NAME: <its first line>" or
 *             "NAME: cannot open (error N)" with GetLastError's N;
 *   +NAME     creates the file NAME, writes "written\n" and prints
 *             "+NAME: written" or "+NAME: cannot create (error N)".
 * Exit code: the number of arguments that failed.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

int main(int argc, char **argv)
{
    char cwd[MAX_PATH], line[256];
    int failed = 0;
    GetCurrentDirectoryA(sizeof(cwd), cwd);
    printf("cwd=%s\n", cwd);
    for (int i = 1; i < argc; i++) {
        DWORD done;
        if (argv[i][0] == '+') {
            HANDLE h = CreateFileA(argv[i] + 1, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
            if (h == INVALID_HANDLE_VALUE) {
                printf("%s: cannot create (error %lu)\n", argv[i], GetLastError());
                failed++;
                continue;
            }
            WriteFile(h, "written\n", 8, &done, NULL);
            CloseHandle(h);
            printf("%s: written\n", argv[i]);
            continue;
        }
        HANDLE h = CreateFileA(argv[i], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h == INVALID_HANDLE_VALUE) {
            printf("%s: cannot open (error %lu)\n", argv[i], GetLastError());
            failed++;
            continue;
        }
        if (!ReadFile(h, line, sizeof(line) - 1, &done, NULL))
            done = 0;
        CloseHandle(h);
        line[done] = 0;
        line[strcspn(line, "\r\n")] = 0;
        printf("%s: %s\n", argv[i], line);
    }
    return failed;
}
