/* verinfo.exe: version.dll on msvcsys.exe's version resource (msvcsys.rc: FILEVERSION 1,2,3,4,
 * PRODUCTVERSION 5,6,7,8, strings in block 040904B0, Translation 0x409 1200), found by its bare name in
 * the program's folder as LoadLibrary would: GetFileVersionInfoSizeW/A, GetFileVersionInfoW/A,
 * VerQueryValueW/A ("\", "\VarFileInfo\Translation", "\StringFileInfo\040904B0\..."), and the errors for
 * a missing file, a file without resources and a missing key; and the version of kernel32.dll (found in
 * System32), Windows' own.  Prints one line per check; exits with 0. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    DWORD handle = 77, size = GetFileVersionInfoSizeW(L"msvcsys.exe", &handle), sizeA;
    BYTE *block = malloc(size), *blockA;
    VS_FIXEDFILEINFO *fixed;
    WORD *translation;
    WCHAR *text;
    char *textA;
    UINT len;
    BOOL ok;
    printf("GetFileVersionInfoSizeW: %s handle=%lu\n", size > 0 ? "non-zero" : "0", handle);
    ok = GetFileVersionInfoW(L"msvcsys.exe", 0, size, block);
    printf("GetFileVersionInfoW: %d, first WORD (wLength) * 2 + 4 == size: %s, signature after it: %.4s\n", ok,
           (DWORD)*(WORD *)block * 2 + 4 == size ? "yes" : "no", block + *(WORD *)block);
    ok = VerQueryValueW(block, L"\\", (void **)&fixed, &len);
    printf("root: %d len=%u signature=%08lx file %u.%u.%u.%u product %u.%u.%u.%u type=%lu os=%08lx\n", ok, len,
           fixed->dwSignature, HIWORD(fixed->dwFileVersionMS), LOWORD(fixed->dwFileVersionMS),
           HIWORD(fixed->dwFileVersionLS), LOWORD(fixed->dwFileVersionLS), HIWORD(fixed->dwProductVersionMS),
           LOWORD(fixed->dwProductVersionMS), HIWORD(fixed->dwProductVersionLS), LOWORD(fixed->dwProductVersionLS),
           fixed->dwFileType, fixed->dwFileOS);
    ok = VerQueryValueW(block, L"\\VarFileInfo\\Translation", (void **)&translation, &len);
    printf("translation: %d len=%u %04x %u\n", ok, len, translation[0], translation[1]);
    ok = VerQueryValueW(block, L"\\StringFileInfo\\040904b0\\CompanyName", (void **)&text, &len);
    printf("CompanyName: %d len=%u [%ls]\n", ok, len, text);
    ok = VerQueryValueW(block, L"\\StringFileInfo\\040904B0\\FileDescription", (void **)&text, &len);
    printf("FileDescription: %d len=%u [%ls]\n", ok, len, text);
    ok = VerQueryValueW(block, L"\\StringFileInfo\\040904B0\\NoSuchKey", (void **)&text, &len);
    printf("NoSuchKey: %d\n", ok);

    sizeA = GetFileVersionInfoSizeA("msvcsys.exe", NULL);
    blockA = malloc(sizeA);
    ok = GetFileVersionInfoA("msvcsys.exe", 0, sizeA, blockA);
    printf("GetFileVersionInfoSizeA == W: %s, GetFileVersionInfoA: %d\n", sizeA == size ? "yes" : "no", ok);
    ok = VerQueryValueA(blockA, "\\StringFileInfo\\040904B0\\ProductName", (void **)&textA, &len);
    printf("ProductName (A): %d len=%u [%s] inside the block: %s\n", ok, len, textA,
           (BYTE *)textA > blockA && (BYTE *)textA + len <= blockA + sizeA ? "yes" : "no");
    ok = VerQueryValueA(blockA, "\\", (void **)&fixed, &len);
    printf("root (A): %d len=%u file version MS %08lx\n", ok, len, fixed->dwFileVersionMS);

    SetLastError(0);
    size = GetFileVersionInfoSizeW(L"no-such-file.exe", &handle);
    printf("missing file: %lu error=%lu\n", size, GetLastError());
    size = GetFileVersionInfoSizeA("verinfo.exe", NULL);
    printf("a program without resources: %lu error=%lu\n", size, GetLastError());

    size = GetFileVersionInfoSizeW(L"kernel32.dll", NULL);
    block = malloc(size);
    ok = GetFileVersionInfoW(L"kernel32.dll", 0, size, block);
    VerQueryValueW(block, L"\\", (void **)&fixed, &len);
    printf("kernel32.dll: %d file %u.%u.%u.%u type=%lu\n", ok, HIWORD(fixed->dwFileVersionMS),
           LOWORD(fixed->dwFileVersionMS), HIWORD(fixed->dwFileVersionLS), LOWORD(fixed->dwFileVersionLS),
           fixed->dwFileType);
    VerQueryValueW(block, L"\\StringFileInfo\\040904B0\\ProductVersion", (void **)&text, &len);
    printf("kernel32.dll ProductVersion: [%ls]\n", text);
    VerQueryValueW(block, L"\\StringFileInfo\\040904B0\\CompanyName", (void **)&text, &len);
    printf("kernel32.dll CompanyName: [%ls]\n", text);
    return 0;
}
