/* version.exe: what a program learns of the Windows it runs on.  GetVersion, GetVersionExA/W
   (OSVERSIONINFOEX), the environment's profile folders, SHGetFolderPathA for the usual CSIDLs and
   GetTempPathA.  Each line is "name: value"; the values differ between Windows versions (5.1.2600
   "Service Pack 3" and C:\Documents and Settings on XP; 6.1.7601 and C:\Users on Windows 7). */
#include <windows.h>
#include <shlobj.h>
#include <stdio.h>
#include <stdlib.h>

static void folder(const char *name, int csidl)
{
    char path[MAX_PATH];
    HRESULT hr = SHGetFolderPathA(NULL, csidl | CSIDL_FLAG_DONT_VERIFY, NULL, SHGFP_TYPE_CURRENT, path);
    printf("%s: hr=0x%08lx %s\n", name, (unsigned long)hr, hr == S_OK ? path : "");
}

static void env(const char *name)
{
    const char *v = getenv(name);
    printf("%%%s%%: %s\n", name, v ? v : "(not set)");
}

int main(void)
{
    DWORD v = GetVersion();
    OSVERSIONINFOEXA a;
    OSVERSIONINFOW w;
    char temp[MAX_PATH];
    printf("GetVersion: 0x%08lx (%lu.%lu build %lu)\n", (unsigned long)v, (unsigned long)(v & 0xFF),
           (unsigned long)((v >> 8) & 0xFF), (unsigned long)(v >> 16));
    ZeroMemory(&a, sizeof a);
    a.dwOSVersionInfoSize = sizeof a;
    if (!GetVersionExA((OSVERSIONINFOA *)&a))
        return 1;
    printf("GetVersionExA: %lu.%lu.%lu platform %lu \"%s\" sp %u.%u suite 0x%x product %u\n",
           (unsigned long)a.dwMajorVersion, (unsigned long)a.dwMinorVersion, (unsigned long)a.dwBuildNumber,
           (unsigned long)a.dwPlatformId, a.szCSDVersion, a.wServicePackMajor, a.wServicePackMinor,
           a.wSuiteMask, a.wProductType);
    ZeroMemory(&w, sizeof w);
    w.dwOSVersionInfoSize = sizeof w;
    if (!GetVersionExW(&w))
        return 2;
    printf("GetVersionExW: %lu.%lu.%lu \"%ls\"\n", (unsigned long)w.dwMajorVersion,
           (unsigned long)w.dwMinorVersion, (unsigned long)w.dwBuildNumber, w.szCSDVersion);
    env("USERPROFILE");
    env("APPDATA");
    env("LOCALAPPDATA");
    env("ALLUSERSPROFILE");
    env("TEMP");
    folder("CSIDL_PROFILE", CSIDL_PROFILE);
    folder("CSIDL_APPDATA", CSIDL_APPDATA);
    folder("CSIDL_LOCAL_APPDATA", CSIDL_LOCAL_APPDATA);
    folder("CSIDL_PERSONAL", CSIDL_PERSONAL);
    folder("CSIDL_MYMUSIC", CSIDL_MYMUSIC);
    folder("CSIDL_STARTMENU", CSIDL_STARTMENU);
    folder("CSIDL_COMMON_APPDATA", CSIDL_COMMON_APPDATA);
    folder("CSIDL_COMMON_DOCUMENTS", CSIDL_COMMON_DOCUMENTS);
    GetTempPathA(sizeof temp, temp);
    printf("GetTempPathA: %s\n", temp);
    return (int)a.dwMajorVersion;
}
