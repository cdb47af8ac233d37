/*
 * files.exe - the Win32 file system the way console programs use it, in the
 * sandbox root (a writable C:\): folders, CreateFile's dispositions and last
 * errors, reading, writing, seeking, appending, truncating, attributes,
 * FindFirstFile patterns, moving, copying, deleting, temporary names, full
 * paths, the current directory, SearchPath, sharing, delete-on-close, the
 * volume, and a few system services called directly (found with
 * GetProcAddress, so the program imports only kernel32 and msvcrt).
 *
 * Every line is "what: result"; errors print as err=N (GetLastError).
 * tests/test_files.py checks the whole output; the program exits with 0 when
 * every check it makes itself passed, else with the number of failures.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

typedef LONG NTSTATUS;
typedef struct { USHORT Length, MaximumLength; PWSTR Buffer; } USTR;
typedef struct { ULONG Length; HANDLE RootDirectory; USTR *ObjectName; ULONG Attributes;
                 PVOID SecurityDescriptor, SecurityQualityOfService; } OATTR;
typedef struct { NTSTATUS Status; ULONG_PTR Information; } IOSB;
typedef NTSTATUS (WINAPI *QueryDirectory)(HANDLE, HANDLE, PVOID, PVOID, IOSB *, PVOID, ULONG, ULONG,
                                          BOOLEAN, USTR *, BOOLEAN);
typedef NTSTATUS (WINAPI *QueryAttributes)(OATTR *, PVOID);
typedef NTSTATUS (WINAPI *QueryInformation)(HANDLE, IOSB *, PVOID, ULONG, ULONG);
typedef NTSTATUS (WINAPI *QueryVolume)(HANDLE, IOSB *, PVOID, ULONG, ULONG);

static int failures;

static void check(const char *what, int ok)
{
    if (!ok) {
        failures++;
        printf("CHECK FAILED: %s\n", what);
    }
}

/* "what: ok" or "what: failed err=N" */
static void report(const char *what, BOOL ok)
{
    if (ok)
        printf("%s: ok\n", what);
    else
        printf("%s: failed err=%lu\n", what, GetLastError());
}

static HANDLE create(const char *what, const char *name, DWORD access, DWORD share, DWORD disposition,
                     DWORD flags)
{
    HANDLE h;
    SetLastError(0xdead);
    h = CreateFileA(name, access, share, NULL, disposition, flags, NULL);
    if (h == INVALID_HANDLE_VALUE)
        printf("%s: INVALID_HANDLE_VALUE err=%lu\n", what, GetLastError());
    else
        printf("%s: handle err=%lu\n", what, GetLastError());
    return h;
}

static void write_text(HANDLE h, const char *text)
{
    DWORD n = 0;
    BOOL ok = WriteFile(h, text, (DWORD)strlen(text), &n, NULL);
    check("WriteFile", ok && n == strlen(text));
}

static void show_file(const char *name)
{
    char buf[256];
    DWORD n = 0;
    HANDLE h = CreateFileA(name, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        printf("  %s: cannot open err=%lu\n", name, GetLastError());
        return;
    }
    ReadFile(h, buf, sizeof buf - 1, &n, NULL);
    buf[n] = 0;
    printf("  %s (%lu bytes): \"%s\"\n", name, n, buf);
    CloseHandle(h);
}

static void find(const char *pattern)
{
    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA(pattern, &fd);
    printf("find %s:", pattern);
    if (h == INVALID_HANDLE_VALUE) {
        printf(" none err=%lu\n", GetLastError());
        return;
    }
    do {
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            printf(" [%s]", fd.cFileName);
        else
            printf(" %s(%lu)", fd.cFileName, fd.nFileSizeLow);
    } while (FindNextFileA(h, &fd));
    printf(" | end err=%lu\n", GetLastError());
    check("FindClose", FindClose(h));
}

static void attributes(const char *name)
{
    DWORD a;
    SetLastError(0);
    a = GetFileAttributesA(name);
    if (a == INVALID_FILE_ATTRIBUTES)
        printf("attributes %s: INVALID err=%lu\n", name, GetLastError());
    else
        printf("attributes %s: 0x%lx\n", name, a);
}

static void full_path(const char *name)
{
    char buf[MAX_PATH];
    char *part = NULL;
    DWORD n = GetFullPathNameA(name, sizeof buf, buf, &part);
    printf("full path %s: %s (%lu) file part %s\n", name, buf, n, part ? part : "(none)");
}

static void nt_services(void)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    QueryDirectory query_dir = (QueryDirectory)GetProcAddress(ntdll, "NtQueryDirectoryFile");
    QueryAttributes query_attr = (QueryAttributes)GetProcAddress(ntdll, "NtQueryAttributesFile");
    QueryInformation query_info = (QueryInformation)GetProcAddress(ntdll, "NtQueryInformationFile");
    QueryVolume query_vol = (QueryVolume)GetProcAddress(ntdll, "NtQueryVolumeInformationFile");
    WCHAR nt_name[] = L"\\??\\C:\\work\\copy.txt";
    WCHAR pattern[] = L"*.txt";
    USTR name = { sizeof nt_name - 2, sizeof nt_name, nt_name };
    USTR expression = { sizeof pattern - 2, sizeof pattern, pattern };
    OATTR oa = { sizeof oa, NULL, &name, 0x40, NULL, NULL };
    LARGE_INTEGER basic[5];
    ULONG buffer[512];
    IOSB iosb;
    NTSTATUS status;
    HANDLE dir;
    int count = 0;

    status = query_attr(&oa, basic);
    printf("NtQueryAttributesFile copy.txt: 0x%08lx attributes 0x%lx\n", status, (ULONG)basic[4].LowPart);
    name.Length = name.MaximumLength = sizeof L"\\??\\C:\\work\\nothere" - 2;
    name.Buffer = L"\\??\\C:\\work\\nothere";
    printf("NtQueryAttributesFile nothere: 0x%08lx\n", query_attr(&oa, basic));

    dir = CreateFileA("C:\\work", FILE_LIST_DIRECTORY, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                      OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    check("open folder", dir != INVALID_HANDLE_VALUE);
    printf("NtQueryDirectoryFile *.txt:");
    for (;;) {
        ULONG *entry = buffer;
        status = query_dir(dir, NULL, NULL, NULL, &iosb, buffer, sizeof buffer, 1 /* FileDirectoryInformation */,
                           FALSE, count ? NULL : &expression, FALSE);
        if (status != 0)
            break;
        for (;;) {
            ULONG len = entry[15];
            WCHAR *fname = (WCHAR *)(entry + 16);
            ULONG i;
            printf(" ");
            for (i = 0; i < len / 2; i++)
                putchar((char)fname[i]);
            printf("(%lu)", entry[10]);      /* EndOfFile, low part */
            count++;
            if (!entry[0])
                break;
            entry = (ULONG *)((char *)entry + entry[0]);
        }
    }
    printf(" | 0x%08lx\n", status);

    status = query_info(dir, &iosb, buffer, sizeof buffer, 9 /* FileNameInformation */);
    printf("NtQueryInformationFile name: 0x%08lx \"", status);
    {
        ULONG i;
        for (i = 0; i < buffer[0] / 2; i++)
            putchar((char)((WCHAR *)(buffer + 1))[i]);
    }
    printf("\"\n");
    status = query_vol(dir, &iosb, buffer, sizeof buffer, 4 /* FileFsDeviceInformation */);
    printf("NtQueryVolumeInformationFile device: 0x%08lx type %lu\n", status, buffer[0]);
    CloseHandle(dir);
}

static int same_wide(const WCHAR *a, const WCHAR *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void wide_names_and_devices(void)
{
    WCHAR name[] = L"caf\x00e9 \x4e2d.txt";          /* an e-acute (in code page 1252) and a CJK character */
    WCHAR full[MAX_PATH], *part = NULL;
    WIN32_FIND_DATAW fdw;
    WIN32_FIND_DATAA fda;
    HANDLE h;
    DWORD n = 0, i;
    char buf[16];

    h = CreateFileW(name, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    printf("CreateFileW non-ASCII name: %s\n", h != INVALID_HANDLE_VALUE ? "ok" : "failed");
    WriteFile(h, "12345", 5, &n, NULL);
    CloseHandle(h);
    h = FindFirstFileW(L"caf*", &fdw);
    printf("FindFirstFileW caf*: %s, %lu bytes\n", same_wide(fdw.cFileName, name) ? "the same name" : "another name",
           fdw.nFileSizeLow);
    FindClose(h);
    h = FindFirstFileA("caf*", &fda);
    printf("FindFirstFileA caf*, the ANSI name:");
    for (i = 0; fda.cFileName[i]; i++)
        printf(" %02x", (unsigned char)fda.cFileName[i]);
    printf("\n");
    FindClose(h);
    n = GetFullPathNameW(name, MAX_PATH, full, &part);
    printf("GetFullPathNameW: %lu chars, file part %s\n", n, part && same_wide(part, name) ? "the name" : "wrong");
    printf("GetFileAttributesW: 0x%lx\n", GetFileAttributesW(name));
    report("DeleteFileW", DeleteFileW(name));

    h = CreateFileA("NUL", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    n = 0;
    report("WriteFile NUL", WriteFile(h, "gone", 4, &n, NULL));
    printf("  written %lu, GetFileType %lu\n", n, GetFileType(h));
    n = 1;
    report("ReadFile NUL", ReadFile(h, buf, sizeof buf, &n, NULL));
    printf("  read %lu\n", n);
    CloseHandle(h);
    h = CreateFileA("CONOUT$", GENERIC_WRITE, FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    printf("CONOUT$: GetFileType %lu\n", GetFileType(h));
    WriteFile(h, "  written to CONOUT$\n", 21, &n, NULL);
    report("CloseHandle CONOUT$", CloseHandle(h));
    h = CreateFileA("C:\\work\\COM1", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    printf("COM1: %s err=%lu\n", h == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE" : "a handle", GetLastError());
}

int main(void)
{
    char buf[MAX_PATH], temp[MAX_PATH], name[MAX_PATH];
    DWORD n, high;
    HANDLE h;
    BY_HANDLE_FILE_INFORMATION info;
    WIN32_FILE_ATTRIBUTE_DATA data;
    FILETIME created, written;
    UINT unique;
    ULARGE_INTEGER total, free_bytes;
    DWORD serial, maxlen, flags;
    char fsname[16];

    /* the current directory: the program's folder, then the sandbox root */
    GetCurrentDirectoryA(sizeof buf, buf);
    printf("start directory: %s\n", buf);
    report("SetCurrentDirectory C:\\", SetCurrentDirectoryA("C:\\"));
    report("SetCurrentDirectory .. at the root", SetCurrentDirectoryA(".."));
    GetCurrentDirectoryA(sizeof buf, buf);
    printf("current directory: %s\n", buf);
    report("SetCurrentDirectory C:\\nowhere", SetCurrentDirectoryA("C:\\nowhere"));

    /* folders */
    report("CreateDirectory work", CreateDirectoryA("work", NULL));
    report("CreateDirectory work again", CreateDirectoryA("work", NULL));
    report("CreateDirectory no\\such\\parent", CreateDirectoryA("no\\such\\parent", NULL));
    report("CreateDirectory work\\sub", CreateDirectoryA("work\\sub", NULL));
    report("SetCurrentDirectory work", SetCurrentDirectoryA("work"));
    GetCurrentDirectoryA(sizeof buf, buf);
    printf("current directory: %s\n", buf);

    /* CreateFile's dispositions and their last errors */
    h = create("CREATE_NEW a.txt", "a.txt", GENERIC_WRITE, 0, CREATE_NEW, FILE_ATTRIBUTE_NORMAL);
    write_text(h, "hello, file\r\n");
    CloseHandle(h);
    create("CREATE_NEW a.txt again", "a.txt", GENERIC_WRITE, 0, CREATE_NEW, 0);
    h = create("OPEN_EXISTING missing.txt", "missing.txt", GENERIC_READ, 0, OPEN_EXISTING, 0);
    h = create("OPEN_EXISTING nodir\\x.txt", "nodir\\x.txt", GENERIC_READ, 0, OPEN_EXISTING, 0);
    h = create("CREATE_ALWAYS b.txt (new)", "b.txt", GENERIC_WRITE, 0, CREATE_ALWAYS, 0);
    write_text(h, "0123456789");
    CloseHandle(h);
    h = create("CREATE_ALWAYS b.txt (exists)", "b.txt", GENERIC_READ | GENERIC_WRITE, 0, CREATE_ALWAYS, 0);
    write_text(h, "abcdefghijklmnopqrstuvwxyz");

    /* seeking, reading, the size, truncating */
    n = SetFilePointer(h, 10, NULL, FILE_BEGIN);
    printf("SetFilePointer 10 from the start: %lu\n", n);
    n = 0;
    ReadFile(h, buf, 5, &n, NULL);
    buf[n] = 0;
    printf("ReadFile 5: \"%s\" (%lu)\n", buf, n);
    n = SetFilePointer(h, -3, NULL, FILE_END);
    printf("SetFilePointer -3 from the end: %lu\n", n);
    n = 0;
    ReadFile(h, buf, 100, &n, NULL);
    buf[n] = 0;
    printf("ReadFile to the end: \"%s\" (%lu)\n", buf, n);
    n = 1234;
    report("ReadFile at the end", ReadFile(h, buf, 100, &n, NULL));
    printf("  bytes read: %lu\n", n);
    n = SetFilePointer(h, -100, NULL, FILE_CURRENT);
    printf("SetFilePointer -100: 0x%lx err=%lu\n", n, GetLastError());
    high = 0;
    printf("GetFileSize: %lu high %lu\n", GetFileSize(h, &high), high);
    SetFilePointer(h, 20, NULL, FILE_BEGIN);
    report("SetEndOfFile at 20", SetEndOfFile(h));
    printf("GetFileSize: %lu\n", GetFileSize(h, NULL));
    printf("GetFileType: %lu\n", GetFileType(h));
    report("GetFileInformationByHandle", GetFileInformationByHandle(h, &info));
    printf("  attributes 0x%lx size %lu links %lu\n", info.dwFileAttributes, info.nFileSizeLow,
           info.nNumberOfLinks);
    report("FlushFileBuffers", FlushFileBuffers(h));
    CloseHandle(h);
    show_file("b.txt");

    /* appending */
    h = create("OPEN_ALWAYS b.txt for FILE_APPEND_DATA", "b.txt", FILE_APPEND_DATA, 0, OPEN_ALWAYS, 0);
    write_text(h, "+tail");
    CloseHandle(h);
    show_file("b.txt");
    h = create("OPEN_ALWAYS c.txt (new)", "c.txt", GENERIC_WRITE, 0, OPEN_ALWAYS, 0);
    CloseHandle(h);

    /* sharing and delete-on-close */
    h = create("open a.txt without sharing", "a.txt", GENERIC_READ, 0, OPEN_EXISTING, 0);
    create("open a.txt again", "a.txt", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING, 0);
    report("DeleteFile a.txt while open", DeleteFileA("a.txt"));
    CloseHandle(h);
    h = create("temporary d.tmp", "d.tmp", GENERIC_WRITE, 0, CREATE_NEW, FILE_FLAG_DELETE_ON_CLOSE);
    attributes("d.tmp");
    CloseHandle(h);
    attributes("d.tmp");
    h = create("CREATE_NEW e.txt sharing delete", "e.txt", GENERIC_WRITE, FILE_SHARE_DELETE, CREATE_NEW, 0);
    report("DeleteFile e.txt while open", DeleteFileA("e.txt"));
    attributes("e.txt");
    create("open e.txt while its delete is pending", "e.txt", GENERIC_READ, 7, OPEN_EXISTING, 0);
    CloseHandle(h);
    attributes("e.txt");

    /* attributes */
    attributes("a.txt");
    attributes("sub");
    attributes("C:\\");
    attributes("*.txt");
    attributes("nothere.txt");
    report("SetFileAttributes a.txt READONLY|HIDDEN",
           SetFileAttributesA("a.txt", FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN));
    attributes("a.txt");
    create("GENERIC_WRITE on a read-only file", "a.txt", GENERIC_WRITE, 0, OPEN_EXISTING, 0);
    report("DeleteFile a read-only file", DeleteFileA("a.txt"));
    report("SetFileAttributes a.txt NORMAL", SetFileAttributesA("a.txt", FILE_ATTRIBUTE_NORMAL));
    attributes("a.txt");
    report("GetFileAttributesEx b.txt", GetFileAttributesExA("b.txt", GetFileExInfoStandard, &data));
    printf("  attributes 0x%lx size %lu\n", data.dwFileAttributes, data.nFileSizeLow);
    h = CreateFileA("b.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    report("GetFileTime", GetFileTime(h, &created, NULL, &written));
    printf("  written after created: %s\n", CompareFileTime(&written, &created) >= 0 ? "yes" : "no");
    CloseHandle(h);

    /* FindFirstFile: patterns the Windows way */
    CreateDirectoryA("sub\\deeper", NULL);
    h = CreateFileA("sub\\noext", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    CloseHandle(h);
    h = CreateFileA("sub\\x.y.z", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    CloseHandle(h);
    find("*");
    find("*.*");
    find("*.txt");
    find("?.txt");
    find("A*");
    find("sub\\*.");
    find("sub\\*.z");
    find("sub\\x.*");
    find("b.txt");
    find("*.nothing");
    find("nodir\\*");
    find("C:\\*");
    find("..\\..\\..\\..\\*");

    /* moving and copying */
    report("MoveFile c.txt -> moved.txt", MoveFileA("c.txt", "moved.txt"));
    report("MoveFile moved.txt -> b.txt (exists)", MoveFileA("moved.txt", "b.txt"));
    report("MoveFileEx REPLACE_EXISTING moved.txt -> a.txt",
           MoveFileExA("moved.txt", "a.txt", MOVEFILE_REPLACE_EXISTING));
    report("MoveFile missing.txt -> x.txt", MoveFileA("missing.txt", "x.txt"));
    report("MoveFile sub -> sub2 (a folder)", MoveFileA("sub", "sub2"));
    report("MoveFile b.txt -> sub2\\b.txt", MoveFileA("b.txt", "sub2\\b.txt"));
    report("MoveFile sub2\\b.txt -> ..\\..\\..\\..\\up.txt", MoveFileA("sub2\\b.txt", "..\\..\\..\\..\\up.txt"));
    attributes("C:\\up.txt");
    report("CopyFile C:\\up.txt -> copy.txt", CopyFileA("C:\\up.txt", "copy.txt", TRUE));
    report("CopyFile again, fail if exists", CopyFileA("C:\\up.txt", "copy.txt", TRUE));
    report("CopyFile again, overwrite", CopyFileA("C:\\up.txt", "copy.txt", FALSE));
    report("CopyFile missing", CopyFileA("missing.txt", "copy2.txt", FALSE));
    show_file("copy.txt");

    /* temporary names */
    n = GetTempPathA(sizeof temp, temp);
    printf("GetTempPath: %s (%lu)\n", temp, n);
    unique = GetTempFileNameA("C:\\work", "tst", 0x1234, name);
    printf("GetTempFileName unique 0x1234: %u %s\n", unique, name);
    attributes(name);
    unique = GetTempFileNameA(temp, "tst", 0, name);
    printf("GetTempFileName: %s\n", unique ? "created" : "failed");
    attributes(name);
    printf("  named %.*s...tmp: %s\n", (int)strlen(temp) + 3, name,
           strncmp(name, temp, strlen(temp)) == 0 && strcmp(name + strlen(name) - 4, ".tmp") == 0 ? "yes" : "no");
    report("DeleteFile the temporary file", DeleteFileA(name));
    unique = GetTempFileNameA("C:\\nowhere", "tst", 0, name);
    printf("GetTempFileName in a missing folder: %u err=%lu\n", unique, GetLastError());

    /* full paths and SearchPath */
    full_path("x.txt");
    full_path("..\\..\\x.txt");
    full_path("C:\\work\\.\\sub2\\..\\a.txt");
    full_path("C:\\work\\");
    full_path("\\top");
    full_path("trailing. ");
    n = SearchPathA(NULL, "copy.txt", NULL, sizeof buf, buf, NULL);
    printf("SearchPath copy.txt: %s (%lu)\n", n ? buf : "-", n);
    n = SearchPathA("C:\\;C:\\work\\sub2", "noext", NULL, sizeof buf, buf, NULL);
    printf("SearchPath noext in C:\\;C:\\work\\sub2: %s\n", n ? buf : "-");
    n = SearchPathA("C:\\work", "copy", ".txt", sizeof buf, buf, NULL);
    printf("SearchPath copy + .txt: %s\n", n ? buf : "-");
    n = SearchPathA(NULL, "nothere.txt", NULL, sizeof buf, buf, NULL);
    printf("SearchPath nothere.txt: %lu err=%lu\n", n, GetLastError());

    /* the volume */
    printf("GetDriveType C:\\ %u, D:\\ %u\n", GetDriveTypeA("C:\\"), GetDriveTypeA("D:\\"));
    printf("GetLogicalDrives: 0x%lx\n", GetLogicalDrives());
    report("GetVolumeInformation C:\\", GetVolumeInformationA("C:\\", NULL, 0, &serial, &maxlen, &flags,
                                                             fsname, sizeof fsname));
    printf("  serial %08lx max name %lu file system %s\n", serial, maxlen, fsname);
    report("GetDiskFreeSpaceEx", GetDiskFreeSpaceExA("C:\\work", &free_bytes, &total, NULL));
    check("free space <= total", free_bytes.QuadPart <= total.QuadPart && total.QuadPart > 0);

    nt_services();
    wide_names_and_devices();

    /* deleting and removing */
    report("RemoveDirectory sub2 (not empty)", RemoveDirectoryA("sub2"));
    report("RemoveDirectory a.txt (a file)", RemoveDirectoryA("a.txt"));
    report("DeleteFile sub2 (a folder)", DeleteFileA("sub2"));
    report("DeleteFile sub2\\noext", DeleteFileA("sub2\\noext"));
    report("DeleteFile sub2\\x.y.z", DeleteFileA("sub2\\x.y.z"));
    report("RemoveDirectory sub2\\deeper", RemoveDirectoryA("sub2\\deeper"));
    report("RemoveDirectory sub2", RemoveDirectoryA("sub2"));
    report("DeleteFile nothere.txt", DeleteFileA("nothere.txt"));
    report("RemoveDirectory C:\\work (the current directory)", RemoveDirectoryA("C:\\work"));
    SetCurrentDirectoryA("C:\\");
    DeleteFileA("work\\a.txt");
    DeleteFileA("work\\copy.txt");
    DeleteFileA("work\\tst1234.tmp");
    report("RemoveDirectory C:\\work", RemoveDirectoryA("C:\\work"));
    find("C:\\*");
    printf("failures: %d\n", failures);
    return failures;
}
