/* observe.exe: a small program for the observability tests (traces, reports, limits).
 *
 *   observe.exe          writes C:\observe.txt through ntdll!NtCreateFile/NtWriteFile (two writes,
 *                        the second at an offset), commits and frees a page with VirtualAlloc,
 *                        prints "observe: done" and exits with 7
 *   observe.exe hog      commits 1 MiB blocks with VirtualAlloc until it fails (at most 512 MiB),
 *                        then prints how many it got and exits with 0
 */
#include <windows.h>
#include <winternl.h>
#include <stdio.h>
#include <string.h>

__declspec(dllimport) NTSTATUS NTAPI NtWriteFile(HANDLE, HANDLE, PVOID, PVOID, PIO_STATUS_BLOCK, PVOID, ULONG,
                                                 PLARGE_INTEGER, PULONG);

static int hog(void)
{
    int n = 0;
    while (n < 512 && VirtualAlloc(NULL, 1 << 20, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE))
        n++;
    printf("observe: committed %d MiB\n", n);
    return 0;
}

int main(int argc, char **argv)
{
    static WCHAR path[] = L"\\??\\C:\\observe.txt";
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;
    HANDLE file;
    LARGE_INTEGER offset;
    NTSTATUS status;
    void *page;

    if (argc > 1 && strcmp(argv[1], "hog") == 0)
        return hog();
    name.Buffer = path;
    name.Length = sizeof(path) - sizeof(WCHAR);
    name.MaximumLength = sizeof(path);
    InitializeObjectAttributes(&attributes, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    status = NtCreateFile(&file, GENERIC_WRITE | SYNCHRONIZE, &attributes, &iosb, NULL, FILE_ATTRIBUTE_NORMAL,
                          FILE_SHARE_READ, FILE_OVERWRITE_IF, FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE,
                          NULL, 0);
    if (status != 0) {
        printf("observe: NtCreateFile failed: 0x%08lx\n", (unsigned long)status);
        return 1;
    }
    offset.QuadPart = 0;
    NtWriteFile(file, NULL, NULL, NULL, &iosb, "first line\n", 11, &offset, NULL);
    offset.QuadPart = 11;
    NtWriteFile(file, NULL, NULL, NULL, &iosb, "second line\n", 12, &offset, NULL);
    NtClose(file);
    page = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READWRITE);
    if (page)
        VirtualFree(page, 0, MEM_RELEASE);
    printf("observe: done\n");
    return 7;
}
