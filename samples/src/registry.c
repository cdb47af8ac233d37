/*
 * registry.exe - the registry as console programs use it (advapi32): the
 * Windows version under HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion,
 * creating keys and values of every common type under HKCU\Software\ntboot,
 * querying them (sizes, ERROR_MORE_DATA, RegGetValue's type filters and
 * expansion), enumerating (subkeys in name order, values in creation order),
 * access rights, deleting; then GetUserName and the random-number APIs.
 *
 * With an argument "keep" it leaves HKCU\Software\ntboot\Saved behind (for a
 * registry file to carry to the next run) and prints what an earlier run left.
 *
 * Every line is "what: result"; errors print as err=N (the LSTATUS or
 * GetLastError).  tests/test_registry_sample.py checks the whole output.
 */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <string.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

static void query(HKEY key, const char *name)
{
    char data[256];
    DWORD type = 0, size = sizeof data;
    LONG err = RegQueryValueExA(key, name, NULL, &type, (BYTE *)data, &size);
    if (err != ERROR_SUCCESS) {
        printf("  %s: err=%ld\n", name, err);
        return;
    }
    switch (type) {
    case REG_SZ:
    case REG_EXPAND_SZ:
        printf("  %s: %s \"%s\" (%lu bytes)\n", name, type == REG_SZ ? "REG_SZ" : "REG_EXPAND_SZ", data, size);
        break;
    case REG_DWORD:
        printf("  %s: REG_DWORD %lu\n", name, *(DWORD *)data);
        break;
    case REG_QWORD:
        printf("  %s: REG_QWORD 0x%08lx%08lx\n", name, ((DWORD *)data)[1], ((DWORD *)data)[0]);
        break;
    case REG_MULTI_SZ: {
        const char *s = data;
        printf("  %s: REG_MULTI_SZ", name);
        while (*s) {
            printf(" \"%s\"", s);
            s += strlen(s) + 1;
        }
        printf(" (%lu bytes)\n", size);
        break;
    }
    default: {
        DWORD i;
        printf("  %s: type %lu,", name, type);
        for (i = 0; i < size; i++)
            printf(" %02x", (unsigned char)data[i]);
        printf("\n");
    }
    }
}

static void list_subkeys(HKEY key)
{
    char name[256];
    DWORD i, size;
    LONG err;
    printf("subkeys:");
    for (i = 0;; i++) {
        size = sizeof name;
        err = RegEnumKeyExA(key, i, name, &size, NULL, NULL, NULL, NULL);
        if (err != ERROR_SUCCESS)
            break;
        printf(" %s", name);
    }
    printf(" | err=%ld\n", err);
}

static void list_values(HKEY key)
{
    char name[256];
    DWORD i, size, type, data_size;
    LONG err;
    printf("values:");
    for (i = 0;; i++) {
        size = sizeof name;
        data_size = 0;
        err = RegEnumValueA(key, i, name, &size, NULL, &type, NULL, &data_size);
        if (err != ERROR_SUCCESS)
            break;
        printf(" %s(%lu,%lu)", size ? name : "(default)", type, data_size);
    }
    printf(" | err=%ld\n", err);
}

int main(int argc, char **argv)
{
    HKEY cv, app, sub, readonly;
    DWORD disposition, size, type, dw = 7, subkeys, values, max_subkey, max_name, max_data;
    ULONGLONG qw = 0x123456789ULL;
    char buf[256];
    BYTE random1[8], random2[8];
    HCRYPTPROV prov;
    LONG err;
    BOOL ok;
    int i;

    /* the version programs read */
    err = RegOpenKeyExA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", 0, KEY_READ, &cv);
    printf("open CurrentVersion: err=%ld\n", err);
    query(cv, "ProductName");
    query(cv, "CurrentVersion");
    query(cv, "CurrentBuild");
    query(cv, "CSDVersion");
    query(cv, "SystemRoot");
    query(cv, "NoSuchValue");
    size = 4;
    err = RegQueryValueExA(cv, "ProductName", NULL, &type, (BYTE *)buf, &size);
    printf("ProductName in 4 bytes: err=%ld size %lu\n", err, size);
    size = 0;
    err = RegQueryValueExA(cv, "ProductName", NULL, &type, NULL, &size);
    printf("ProductName size only: err=%ld size %lu type %lu\n", err, size, type);
    size = sizeof buf;
    err = RegGetValueA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "CurrentBuildNumber",
                       RRF_RT_REG_SZ, &type, buf, &size);
    printf("RegGetValue CurrentBuildNumber: err=%ld \"%s\"\n", err, err ? "" : buf);
    size = sizeof buf;
    err = RegGetValueA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "CurrentBuildNumber",
                       RRF_RT_REG_DWORD, &type, buf, &size);
    printf("RegGetValue CurrentBuildNumber as a DWORD: err=%ld\n", err);
    RegCloseKey(cv);
    size = sizeof buf;
    err = RegGetValueA(HKEY_LOCAL_MACHINE, "SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage", "ACP",
                       RRF_RT_REG_SZ, NULL, buf, &size);
    printf("ACP: err=%ld \"%s\"\n", err, err ? "" : buf);
    err = RegOpenKeyExA(HKEY_LOCAL_MACHINE, "SOFTWARE\\NoSuchVendor", 0, KEY_READ, &sub);
    printf("open SOFTWARE\\NoSuchVendor: err=%ld\n", err);

    /* what an earlier run left (a registry file carries it) */
    size = sizeof buf;
    err = RegGetValueA(HKEY_CURRENT_USER, "Software\\ntboot", "Saved", RRF_RT_REG_SZ, NULL, buf, &size);
    printf("left by an earlier run: %s\n", err ? "nothing" : buf);

    /* keys and values */
    err = RegCreateKeyExA(HKEY_CURRENT_USER, "Software\\ntboot\\test", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &app,
                          &disposition);
    printf("create HKCU\\Software\\ntboot\\test: err=%ld disposition %lu\n", err, disposition);
    RegCloseKey(app);
    err = RegCreateKeyExA(HKEY_CURRENT_USER, "Software\\ntboot\\test", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &app,
                          &disposition);
    printf("create it again: err=%ld disposition %lu\n", err, disposition);
    printf("set text: err=%ld\n", RegSetValueExA(app, "text", 0, REG_SZ, (const BYTE *)"hello", 6));
    printf("set number: err=%ld\n", RegSetValueExA(app, "number", 0, REG_DWORD, (const BYTE *)&dw, 4));
    printf("set big: err=%ld\n", RegSetValueExA(app, "big", 0, REG_QWORD, (const BYTE *)&qw, 8));
    printf("set list: err=%ld\n", RegSetValueExA(app, "list", 0, REG_MULTI_SZ, (const BYTE *)"one\0two\0", 9));
    printf("set blob: err=%ld\n", RegSetValueExA(app, "blob", 0, REG_BINARY, (const BYTE *)"\x01\x02\xff", 3));
    printf("set path: err=%ld\n",
           RegSetValueExA(app, "path", 0, REG_EXPAND_SZ, (const BYTE *)"%SystemRoot%\\x", 15));
    printf("set default: err=%ld\n", RegSetValueExA(app, NULL, 0, REG_SZ, (const BYTE *)"dflt", 5));
    dw = 8;
    printf("set number again: err=%ld\n", RegSetValueExA(app, "NUMBER", 0, REG_DWORD, (const BYTE *)&dw, 4));
    printf("query:\n");
    query(app, "text");
    query(app, "number");
    query(app, "big");
    query(app, "list");
    query(app, "blob");
    query(app, "path");
    query(app, "");
    size = sizeof buf;
    err = RegGetValueA(app, NULL, "path", RRF_RT_REG_SZ, &type, buf, &size);
    printf("RegGetValue path, expanded: err=%ld type %lu \"%s\"\n", err, type, err ? "" : buf);
    size = sizeof buf;
    err = RegGetValueA(app, NULL, "path", RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, &type, buf, &size);
    printf("RegGetValue path, not expanded: err=%ld type %lu \"%s\"\n", err, type, err ? "" : buf);
    size = sizeof buf;
    err = RegGetValueA(app, NULL, "number", RRF_RT_REG_SZ, &type, buf, &size);
    printf("RegGetValue number as a string: err=%ld\n", err);

    for (i = 0; i < 3; i++) {
        static const char *names[] = { "b", "A", "c" };
        err = RegCreateKeyA(app, names[i], &sub);
        RegCloseKey(sub);
    }
    list_subkeys(app);
    list_values(app);
    err = RegQueryInfoKeyA(app, NULL, NULL, NULL, &subkeys, &max_subkey, NULL, &values, &max_name, &max_data,
                           NULL, NULL);
    printf("RegQueryInfoKey: err=%ld subkeys %lu max subkey %lu values %lu max name %lu max data %lu\n", err,
           subkeys, max_subkey, values, max_name, max_data);

    /* access rights */
    err = RegOpenKeyExA(HKEY_CURRENT_USER, "Software\\ntboot\\test", 0, KEY_READ, &readonly);
    printf("open for reading: err=%ld\n", err);
    printf("set through it: err=%ld\n", RegSetValueExA(readonly, "x", 0, REG_SZ, (const BYTE *)"x", 2));
    RegCloseKey(readonly);

    /* deleting */
    printf("delete value blob: err=%ld\n", RegDeleteValueA(app, "blob"));
    printf("delete value blob again: err=%ld\n", RegDeleteValueA(app, "blob"));
    printf("delete key test (has subkeys): err=%ld\n", RegDeleteKeyA(HKEY_CURRENT_USER, "Software\\ntboot\\test"));
    printf("delete subkeys: err=%ld %ld %ld\n", RegDeleteKeyA(app, "a"), RegDeleteKeyA(app, "B"),
           RegDeleteKeyA(app, "c"));
    list_subkeys(app);
    printf("delete key test: err=%ld\n", RegDeleteKeyA(HKEY_CURRENT_USER, "Software\\ntboot\\test"));
    printf("set on the deleted key: err=%ld\n", RegSetValueExA(app, "x", 0, REG_SZ, (const BYTE *)"x", 2));
    RegCloseKey(app);
    printf("close HKLM: err=%ld\n", RegCloseKey(HKEY_LOCAL_MACHINE));
    printf("close a bad handle: err=%ld\n", RegCloseKey((HKEY)0x1234));
    if (argc > 1 && strcmp(argv[1], "keep") == 0) {
        err = RegCreateKeyA(HKEY_CURRENT_USER, "Software\\ntboot", &sub);
        printf("keep Saved: err=%ld\n", RegSetValueExA(sub, "Saved", 0, REG_SZ, (const BYTE *)"from run 1", 11));
        RegCloseKey(sub);
    } else {
        printf("delete Software\\ntboot: err=%ld\n", RegDeleteKeyA(HKEY_CURRENT_USER, "Software\\ntboot"));
    }

    /* the user and random numbers */
    size = sizeof buf;
    ok = GetUserNameA(buf, &size);
    printf("GetUserName: %d \"%s\" (%lu)\n", ok, buf, size);
    size = 2;
    ok = GetUserNameA(buf, &size);
    printf("GetUserName in 2 chars: %d err=%lu size %lu\n", ok, GetLastError(), size);
    printf("RtlGenRandom: %d\n", SystemFunction036(random1, sizeof random1));
    printf("CryptAcquireContext: %d\n", CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    printf("CryptGenRandom: %d\n", CryptGenRandom(prov, sizeof random2, random2));
    printf("random bytes differ: %s\n", memcmp(random1, random2, sizeof random1) ? "yes" : "no");
    printf("random:");
    for (i = 0; i < 8; i++)
        printf(" %02x", random1[i]);
    printf(" /");
    for (i = 0; i < 8; i++)
        printf(" %02x", random2[i]);
    printf("\n");
    printf("CryptReleaseContext: %d\n", CryptReleaseContext(prov, 0));
    ok = CryptGenRandom(prov, 4, random2);
    printf("CryptGenRandom after release: %d err=0x%lx\n", ok, GetLastError());
    return 0;
}
