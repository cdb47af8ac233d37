/*
 * ldrstate.c -> ldrstate.exe: the loader's state as the program sees it in its own memory.
 * Walks PEB->Ldr->InLoadOrderModuleList itself (fs:[0x30]; the PEB_LDR_DATA and
 * LDR_DATA_TABLE_ENTRY offsets are the same on XP SP3 and Windows 7 SP1 x86).
 *   1. LoadCount: kernel32.dll (a static import) shows 0xffff; relocA.dll loaded twice by
 *      LoadLibrary counts 1 then 2; FreeLibrary twice: 1, then the entry is gone and
 *      GetModuleHandle fails with ERROR_MOD_NOT_FOUND (126).
 *   2. Hiding: relocB.dll is loaded, then its entry is unlinked from the three module lists and
 *      its hash links (what malware does to hide a module); GetModuleHandle then fails (126).
 *   3. GetModuleHandleEx adds a reference (LoadCount + 1) unless UNCHANGED_REFCOUNT; PIN makes it
 *      0xffff, and FreeLibrary then leaves the DLL loaded.
 *   4. The command line: the program overwrites the parameters' CommandLine buffer (the one
 *      GetCommandLineW returns) before its first GetCommandLineA call; GetCommandLineA still gives
 *      the ANSI copy kernel32 made when it initialized.
 * Prints one line per fact.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    LIST_ENTRY InLoadOrderLinks, InMemoryOrderLinks, InInitializationOrderLinks;
    void *DllBase, *EntryPoint;
    ULONG SizeOfImage;
    USHORT FullLength, FullMax; WCHAR *FullBuffer;
    USHORT BaseLength, BaseMax; WCHAR *BaseBuffer;
    ULONG Flags;
    USHORT LoadCount, TlsIndex;
    LIST_ENTRY HashLinks;
} ENTRY;

static LIST_ENTRY *load_order_head(void)
{
    char *peb;
    __asm__ volatile("movl %%fs:0x30, %0" : "=r"(peb));
    char *ldr = *(char **)(peb + 0x0C);
    return (LIST_ENTRY *)(ldr + 0x0C);
}

static ENTRY *entry_of(HMODULE base)
{
    LIST_ENTRY *head = load_order_head(), *l;
    for (l = head->Flink; l != head; l = l->Flink)
        if (((ENTRY *)l)->DllBase == (void *)base)
            return (ENTRY *)l;
    return NULL;
}

static void unlink_links(LIST_ENTRY *l)
{
    if (l->Flink == NULL || l->Flink == l)
        return;
    l->Blink->Flink = l->Flink;
    l->Flink->Blink = l->Blink;
    l->Flink = l->Blink = l;
}

int main(void)
{
    HMODULE k32 = GetModuleHandleA("kernel32.dll");
    ENTRY *e = entry_of(k32);
    printf("kernel32 LoadCount %#x\n", e ? e->LoadCount : 0);

    HMODULE a1 = LoadLibraryA("relocA.dll");
    e = entry_of(a1);
    printf("LoadLibrary 1: LoadCount %u\n", e ? e->LoadCount : 0);
    HMODULE a2 = LoadLibraryA("RELOCA");
    printf("same handle %d\n", a1 == a2);
    e = entry_of(a1);
    printf("LoadLibrary 2: LoadCount %u\n", e ? e->LoadCount : 0);
    printf("FreeLibrary 1: %d\n", FreeLibrary(a1));
    e = entry_of(a1);
    printf("after FreeLibrary 1: LoadCount %u\n", e ? e->LoadCount : 0);
    printf("FreeLibrary 2: %d\n", FreeLibrary(a1));
    printf("after FreeLibrary 2: entry %s\n", entry_of(a1) ? "present" : "gone");
    SetLastError(0);
    HMODULE h = GetModuleHandleA("relocA.dll");
    DWORD err = GetLastError();
    printf("GetModuleHandle relocA: %s, error %lu\n", h ? "found" : "NULL", err);

    HMODULE b = LoadLibraryA("relocB.dll");
    printf("GetModuleHandle relocB before: %s\n", GetModuleHandleA("relocB") == b ? "found" : "other");
    e = entry_of(b);
    unlink_links(&e->InLoadOrderLinks);
    unlink_links(&e->InMemoryOrderLinks);
    unlink_links(&e->InInitializationOrderLinks);
    unlink_links(&e->HashLinks);
    SetLastError(0);
    h = GetModuleHandleA("relocB.dll");
    err = GetLastError();
    printf("GetModuleHandle relocB hidden: %s, error %lu\n", h ? "found" : "NULL", err);

    HMODULE a = LoadLibraryA("relocA.dll"), got = NULL;
    GetModuleHandleExA(0, "relocA.dll", &got);
    e = entry_of(a);
    printf("GetModuleHandleEx: same %d, LoadCount %u\n", got == a, e ? e->LoadCount : 0);
    GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, "relocA.dll", &got);
    printf("GetModuleHandleEx UNCHANGED_REFCOUNT: LoadCount %u\n", e->LoadCount);
    GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_PIN, "relocA.dll", &got);
    printf("GetModuleHandleEx PIN: LoadCount %#x\n", e->LoadCount);
    FreeLibrary(a);
    FreeLibrary(a);
    printf("pinned after FreeLibrary twice: entry %s, LoadCount %#x\n", entry_of(a) ? "present" : "gone",
           e->LoadCount);

    WCHAR *w = GetCommandLineW();
    size_t n = wcslen(w), i;
    for (i = 0; i < n; i++)
        w[i] = L'Z';
    printf("GetCommandLineW rewritten: %ls\n", GetCommandLineW());
    printf("GetCommandLineA: %s\n", GetCommandLineA());
    return 0;
}
