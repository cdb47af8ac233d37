/* delayload.exe: delay-load imports (import libraries made with dlltool -y, so MinGW's delay-load helper
 * resolves them at the first call: sampledll.dll is loaded only then), and kernel32's ResolveDelayLoadedAPI
 * / ResolveDelayLoadsFromDll / DelayLoadFailureHook on this program's own IMAGE_DELAYLOAD_DESCRIPTORs:
 * a good import, a DLL that does not exist with a failure hook (its reason, names and error) and with the
 * system hook.  Prints one line per step; exits with 0. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    DWORD Attributes, DllNameRVA, ModuleHandleRVA, ImportAddressTableRVA, ImportNameTableRVA,
          BoundImportAddressTableRVA, UnloadInformationTableRVA, TimeDateStamp;
} DELAY_DESCRIPTOR;

typedef struct {
    ULONG Size;
    const DELAY_DESCRIPTOR *DelayloadDescriptor;
    PIMAGE_THUNK_DATA ThunkAddress;
    LPCSTR TargetDllName;
    ULONG ImportDescribedByName;
    union { LPCSTR Name; ULONG Ordinal; } Target;
    PVOID TargetModuleBase;
    PVOID Unused;
    ULONG LastError;
} DELAY_INFO;

__declspec(dllimport) PVOID WINAPI ResolveDelayLoadedAPI(PVOID, const DELAY_DESCRIPTOR *, PVOID, PVOID,
                                                         PIMAGE_THUNK_DATA, ULONG);
__declspec(dllimport) LONG WINAPI ResolveDelayLoadsFromDll(PVOID, LPCSTR, ULONG);

int add_numbers(int a, int b);
int get_counter(void);
void ghost_function(void);

static BYTE *image;

/* GNU ld does not fill the delay-import data directory: the descriptors by the symbols dlltool gives them
 * (made in the build folder as libsampledll_delay.a and libghostdelay_delay.a) */
extern const DELAY_DESCRIPTOR sample_descriptor __asm__("__DELAY_IMPORT_DESCRIPTOR_libsampledll_delay_a");
extern const DELAY_DESCRIPTOR ghost_descriptor __asm__("__DELAY_IMPORT_DESCRIPTOR_libghostdelay_delay_a");

static PIMAGE_THUNK_DATA slot(const DELAY_DESCRIPTOR *d, const char *name)
{
    IMAGE_THUNK_DATA *names = (IMAGE_THUNK_DATA *)(image + d->ImportNameTableRVA);
    int i;
    for (i = 0; names[i].u1.AddressOfData; i++)
        if (!strcmp(((IMAGE_IMPORT_BY_NAME *)(image + names[i].u1.AddressOfData))->Name, name))
            return (IMAGE_THUNK_DATA *)(image + d->ImportAddressTableRVA) + i;
    return NULL;
}

static ULONG seen_reason;
static char seen[200];

static PVOID WINAPI dll_hook(ULONG reason, DELAY_INFO *info)
{
    seen_reason = reason;
    snprintf(seen, sizeof seen, "%s!%s error=%lu size=%lu", info->TargetDllName,
             info->ImportDescribedByName ? info->Target.Name : "#", info->LastError, info->Size);
    return (PVOID)0x1234;
}

int main(void)
{
    const DELAY_DESCRIPTOR *sample, *ghost;
    PIMAGE_THUNK_DATA s;
    PVOID p, system_hook;
    image = (BYTE *)GetModuleHandleA(NULL);
    printf("loaded before the first call: %s\n", GetModuleHandleA("sampledll.dll") ? "yes" : "no");
    printf("add_numbers(2, 3) = %d\n", add_numbers(2, 3));
    printf("loaded after it: %s\n", GetModuleHandleA("sampledll.dll") ? "yes" : "no");

    sample = &sample_descriptor;
    ghost = &ghost_descriptor;
    printf("descriptors: %s (RVA-based: %lu), %s\n", (const char *)image + sample->DllNameRVA,
           sample->Attributes & 1, (const char *)image + ghost->DllNameRVA);
    s = slot(sample, "get_counter");
    p = ResolveDelayLoadedAPI(image, sample, NULL, NULL, s, 0);
    printf("ResolveDelayLoadedAPI get_counter: the export: %s, stored in its slot: %s, get_counter() = %d\n",
           p == (PVOID)GetProcAddress(GetModuleHandleA("sampledll.dll"), "get_counter") ? "yes" : "no",
           (PVOID)s->u1.Function == p ? "yes" : "no", ((int (*)(void))p)());

    s = slot(ghost, "ghost_function");
    p = ResolveDelayLoadedAPI(image, ghost, (PVOID)dll_hook, NULL, s, 0);
    printf("missing DLL with a hook: %p, slot %p, reason %lu, %s\n", p, (PVOID)s->u1.Function, seen_reason, seen);
    system_hook = (PVOID)GetProcAddress(GetModuleHandleA("kernel32.dll"), "DelayLoadFailureHook");
    p = ResolveDelayLoadedAPI(image, ghost, NULL, system_hook, s, 0);
    printf("missing DLL with DelayLoadFailureHook: %s, error=%lu\n", p ? "a stub" : "NULL", GetLastError());
    printf("ResolveDelayLoadsFromDll sampledll: %#lx, ghostdelay: %#lx, other.dll: %#lx\n",
           (unsigned long)ResolveDelayLoadsFromDll(image, "SAMPLEDLL.DLL", 0),
           (unsigned long)ResolveDelayLoadsFromDll(image, "ghostdelay.dll", 0),
           (unsigned long)ResolveDelayLoadsFromDll(image, "other.dll", 0));
    if (GetTickCount() == 0) {                        /* never: only makes them imports */
        ghost_function();
        get_counter();
    }
    return 0;
}
