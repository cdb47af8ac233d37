/*
 * pebwalk.exe - walks the loader data structures by hand, the way
 * shellcode and packers do, with the Windows 7 x86 layouts:
 *   TEB+0x30 (fs:[0x30]) -> PEB; PEB+0x08 ImageBaseAddress; PEB+0x0C Ldr
 *   PEB_LDR_DATA: +0x0C InLoadOrderModuleList, +0x14 InMemoryOrderModuleList,
 *                 +0x1C InInitializationOrderModuleList
 *   LDR_DATA_TABLE_ENTRY: +0x00 InLoadOrderLinks, +0x08 InMemoryOrderLinks,
 *                 +0x10 InInitializationOrderLinks, +0x18 DllBase,
 *                 +0x1C EntryPoint, +0x20 SizeOfImage, +0x24 FullDllName,
 *                 +0x2C BaseDllName (UNICODE_STRING: u16 Length, u16 Max,
 *                 u16 *Buffer)
 * It then finds kernel32.dll by name (case-insensitive), parses its export
 * directory by hand (following a forwarder "DLL.Name" if it meets one),
 * finds GetProcAddress, uses it to get GetModuleHandleA and compares
 * GetModuleHandleA(NULL) with PEB.ImageBaseAddress.
 * The exe does NOT import GetProcAddress or GetModuleHandleA itself.
 *
 * Expected stdout (the module names and bases depend on the loader; they
 * are meant to be compared with the emulator's own module list; names are
 * printed as stored, non-ASCII UTF-16 units as '?'):
 *   load order:
 *     <BaseDllName> <DllBase %08x>      (one line per module, exe first)
 *   memory order:
 *     <BaseDllName> <DllBase %08x>
 *   init order:
 *     <BaseDllName> <DllBase %08x>      (on Windows the exe is not listed)
 *   GetProcAddress found
 *   image base ok
 * typically on Windows 7 SP1 x86: load/memory order = pebwalk.exe ntdll.dll
 * kernel32.dll KERNELBASE.dll msvcrt.dll; init order = ntdll.dll
 * KERNELBASE.dll kernel32.dll msvcrt.dll.
 * Expected exit code: 0. On failure it prints a line starting with "FAIL:"
 * (or "image base mismatch") and exits 1.
 */
#include <stdio.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

typedef struct LIST { struct LIST *Flink, *Blink; } LIST;

#define PEB_IMAGEBASE   0x08
#define PEB_LDR         0x0C
#define LDR_LOADORDER   0x0C
#define LDR_MEMORDER    0x14
#define LDR_INITORDER   0x1C
#define ENT_LOADLINKS   0x00
#define ENT_MEMLINKS    0x08
#define ENT_INITLINKS   0x10
#define ENT_DLLBASE     0x18
#define ENT_BASENAME    0x2C

#define MAX_MODULES 64

#define FIELD(p, off, type) (*(type *)((u8 *)(p) + (off)))

static u8 *peb;

static u8 *get_peb(void)
{
    u8 *p;
    __asm__ volatile ("movl %%fs:0x30, %0" : "=r"(p));
    return p;
}

static LIST *list_head(int off)
{
    u8 *ldr = FIELD(peb, PEB_LDR, u8 *);
    return (LIST *)(ldr + off);
}

static void print_name(u8 *entry)
{
    u16 len = FIELD(entry, ENT_BASENAME, u16);
    u16 *buf = FIELD(entry, ENT_BASENAME + 4, u16 *);
    unsigned i;
    for (i = 0; i < len / 2u; i++)
        putchar(buf[i] < 0x80 ? (int)buf[i] : '?');
}

static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/* Case-insensitive compare of an entry's BaseDllName with an ASCII name
   given as n chars (not necessarily NUL-terminated). */
static int name_is(u8 *entry, const char *name, unsigned n)
{
    u16 len = FIELD(entry, ENT_BASENAME, u16);
    u16 *buf = FIELD(entry, ENT_BASENAME + 4, u16 *);
    unsigned i;
    if (len / 2u != n)
        return 0;
    for (i = 0; i < n; i++)
        if (buf[i] >= 0x80 || lower(buf[i]) != lower((u8)name[i]))
            return 0;
    return 1;
}

static int walk(const char *title, int head_off, int link_off)
{
    LIST *head = list_head(head_off), *l;
    int n = 0;
    printf("%s\n", title);
    for (l = head->Flink; l != head; l = l->Flink) {
        u8 *entry = (u8 *)l - link_off;
        if (++n > MAX_MODULES) {
            printf("FAIL: %s list does not come back to its head\n", title);
            return 0;
        }
        printf("  ");
        print_name(entry);
        printf(" %08x\n", (unsigned)FIELD(entry, ENT_DLLBASE, u32));
    }
    return 1;
}

/* Base of the module called name[0..n) in load order, or NULL. */
static u8 *find_module(const char *name, unsigned n)
{
    LIST *head = list_head(LDR_LOADORDER), *l;
    int count = 0;
    for (l = head->Flink; l != head && count < MAX_MODULES; l = l->Flink, count++) {
        u8 *entry = (u8 *)l - ENT_LOADLINKS;
        if (name_is(entry, name, n))
            return FIELD(entry, ENT_DLLBASE, u8 *);
    }
    return 0;
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) { a++; b++; }
    return *a == *b;
}

/* Export lookup by name, by hand. Follows forwarders up to 4 levels. */
static void *find_export(u8 *base, const char *name, int depth)
{
    u32 lfanew, exp_rva, exp_size, nnames, i;
    u8 *nt, *opt, *exp;
    u32 *funcs, *names;
    u16 *ords;

    if (base[0] != 'M' || base[1] != 'Z')
        return 0;
    lfanew = FIELD(base, 0x3C, u32);
    nt = base + lfanew;
    if (FIELD(nt, 0, u32) != 0x00004550)          /* "PE\0\0" */
        return 0;
    opt = nt + 24;
    if (FIELD(opt, 0, u16) != 0x10b)               /* PE32 */
        return 0;
    exp_rva = FIELD(opt, 96, u32);                 /* DataDirectory[0] */
    exp_size = FIELD(opt, 100, u32);
    if (!exp_rva)
        return 0;
    exp = base + exp_rva;
    nnames = FIELD(exp, 0x18, u32);
    funcs = (u32 *)(base + FIELD(exp, 0x1C, u32));
    names = (u32 *)(base + FIELD(exp, 0x20, u32));
    ords = (u16 *)(base + FIELD(exp, 0x24, u32));
    for (i = 0; i < nnames; i++) {
        if (streq((const char *)(base + names[i]), name)) {
            u32 rva = funcs[ords[i]];
            if (rva >= exp_rva && rva < exp_rva + exp_size) {
                /* forwarder "DLLNAME.Function" */
                const char *fwd = (const char *)(base + rva), *dot = fwd;
                char dll[64];
                unsigned k, n;
                u8 *target;
                while (*dot && *dot != '.')
                    dot++;
                n = (unsigned)(dot - fwd);
                if (!*dot || depth >= 4 || n + 5 > sizeof dll || dot[1] == '#')
                    return 0;
                for (k = 0; k < n; k++)
                    dll[k] = fwd[k];
                dll[n] = '.'; dll[n + 1] = 'd'; dll[n + 2] = 'l'; dll[n + 3] = 'l';
                dll[n + 4] = 0;
                target = find_module(dll, n + 4);
                if (!target)
                    return 0;
                return find_export(target, dot + 1, depth + 1);
            }
            return base + rva;
        }
    }
    return 0;
}

typedef void *(__stdcall *GetProcAddress_t)(void *module, const char *name);
typedef void *(__stdcall *GetModuleHandleA_t)(const char *name);

int main(void)
{
    u8 *k32;
    GetProcAddress_t gpa;
    GetModuleHandleA_t gmh;
    void *self;

    peb = get_peb();
    if (!walk("load order:", LDR_LOADORDER, ENT_LOADLINKS)
        || !walk("memory order:", LDR_MEMORDER, ENT_MEMLINKS)
        || !walk("init order:", LDR_INITORDER, ENT_INITLINKS))
        return 1;

    k32 = find_module("kernel32.dll", 12);
    if (!k32) {
        printf("FAIL: kernel32.dll not in the load order list\n");
        return 1;
    }
    gpa = (GetProcAddress_t)find_export(k32, "GetProcAddress", 0);
    if (!gpa) {
        printf("FAIL: GetProcAddress not found in kernel32's exports\n");
        return 1;
    }
    printf("GetProcAddress found\n");

    gmh = (GetModuleHandleA_t)gpa(k32, "GetModuleHandleA");
    if (!gmh) {
        printf("FAIL: GetProcAddress(kernel32, \"GetModuleHandleA\") returned NULL\n");
        return 1;
    }
    self = gmh(0);
    if (self == FIELD(peb, PEB_IMAGEBASE, void *)) {
        printf("image base ok\n");
        return 0;
    }
    printf("image base mismatch\n");
    return 1;
}
