/*
 * reloc.exe - base relocation test. Imports relocA.dll and relocB.dll,
 * which have the same preferred base (0x10000000), so at least one of
 * them must be loaded elsewhere and have its fixups applied.
 * For each DLL it prints the string returned through a relocated .data
 * pointer, then checks "pointers ok": relocX_self() (an absolute address
 * embedded in the DLL's code) equals the address the loader put in our
 * IAT for relocX_self, and the string pointer lies inside that DLL's own
 * image [GetModuleHandleA(name), +SizeOfImage). Finally the two module
 * bases (GetModuleHandleA) must differ.
 *
 * Expected stdout (exact):
 *   relocA: string from relocA
 *   relocB: string from relocB
 *   relocA: pointers ok
 *   relocB: pointers ok
 *   distinct bases: yes
 * Expected exit code: 0 (1 if any check fails: "pointers BAD" /
 * "distinct bases: no").
 */
#include <windows.h>
#include <stdio.h>

__declspec(dllimport) const char *relocA_string(void);
__declspec(dllimport) void *relocA_self(void);
__declspec(dllimport) const char *relocB_string(void);
__declspec(dllimport) void *relocB_self(void);

static int inside(HMODULE m, const void *p)
{
    const unsigned char *base = (const unsigned char *)m;
    const IMAGE_NT_HEADERS32 *nt;
    if (!m)
        return 0;
    nt = (const IMAGE_NT_HEADERS32 *)(base + ((const IMAGE_DOS_HEADER *)base)->e_lfanew);
    return (const unsigned char *)p >= base
        && (const unsigned char *)p < base + nt->OptionalHeader.SizeOfImage;
}

int main(void)
{
    const char *sa = relocA_string(), *sb = relocB_string();
    HMODULE ha = GetModuleHandleA("relocA.dll"), hb = GetModuleHandleA("relocB.dll");
    int oka, okb, distinct;

    printf("relocA: %s\n", sa);
    printf("relocB: %s\n", sb);
    oka = relocA_self() == (void *)relocA_self && inside(ha, sa) && inside(ha, (void *)relocA_self);
    okb = relocB_self() == (void *)relocB_self && inside(hb, sb) && inside(hb, (void *)relocB_self);
    printf("relocA: pointers %s\n", oka ? "ok" : "BAD");
    printf("relocB: pointers %s\n", okb ? "ok" : "BAD");
    distinct = ha && hb && ha != hb;
    printf("distinct bases: %s\n", distinct ? "yes" : "no");
    return (oka && okb && distinct) ? 0 : 1;
}
