/*
 * lenient.exe - calls functions ntboot does not implement, for `ntboot run --lenient`: each returns
 * 0 (ERROR_CALL_NOT_IMPLEMENTED) or STATUS_NOT_IMPLEMENTED, with the stack as the real function
 * leaves it:
 *   kernel32!GetNumaNodeProcessorMask (stdcall, 8 bytes of arguments), called from assembly that
 *       compares ESP before and after the call;
 *   msvcrt!_mbsrev (cdecl: the caller pops);
 *   ntdll!NtSetLdtEntries (a system service, 24 bytes), found with GetProcAddress, same ESP check.
 *
 * Expected stdout under ntboot --lenient (exact):
 *   GetNumaNodeProcessorMask: ret=0 error=120 stack=balanced
 *   _mbsrev: ret=NULL
 *   NtSetLdtEntries: status=0xc0000002 stack=balanced
 *   done
 * exit code 0.  Without --lenient the run stops at the first call (exit status 125).
 * On Windows the functions exist: ret=1 error=0, _mbsrev reverses its argument (not NULL), and
 * NtSetLdtEntries fails with another status (its arguments are zeros).
 */
#include <windows.h>
#include <mbstring.h>
#include <stdio.h>

static volatile unsigned esp_before, esp_after;

/* call a stdcall function with n DWORD arguments (args[0] first); esp_before/esp_after tell whether it
 * popped them; ESP is restored either way */
static unsigned call_stdcall(void *fn, const unsigned *args, unsigned n)
{
    unsigned ret;
    __asm__ volatile(
        "movl %%esp, %[before]\n\t"
        "1: testl %%ecx, %%ecx\n\t"
        "jz 2f\n\t"
        "decl %%ecx\n\t"
        "pushl (%%esi,%%ecx,4)\n\t"
        "jmp 1b\n"
        "2: call *%%edi\n\t"
        "movl %%esp, %[after]\n\t"
        "movl %[before], %%esp\n\t"
        : "=a"(ret), "+c"(n), "+S"(args), "+D"(fn), [before] "=m"(esp_before), [after] "=m"(esp_after)
        :
        : "edx", "memory", "cc");
    return ret;
}

int main(void)
{
    ULONGLONG mask = 0;
    unsigned args[6] = { 0, 0, 0, 0, 0, 0 };
    unsigned ret;
    unsigned char text[] = "abc";
    void *fn;

    args[0] = 0;
    args[1] = (unsigned)(ULONG_PTR)&mask;
    SetLastError(0);
    ret = call_stdcall((void *)GetNumaNodeProcessorMask, args, 2);
    printf("GetNumaNodeProcessorMask: ret=%u error=%lu stack=%s\n", ret, GetLastError(),
           esp_before == esp_after ? "balanced" : "UNBALANCED");
    printf("_mbsrev: ret=%s\n", _mbsrev(text) ? "not NULL" : "NULL");
    fn = (void *)GetProcAddress(GetModuleHandleA("ntdll.dll"), "NtSetLdtEntries");
    args[1] = 0;
    ret = fn ? call_stdcall(fn, args, 6) : 0;
    printf("NtSetLdtEntries: status=0x%08x stack=%s\n", ret, esp_before == esp_after ? "balanced" : "UNBALANCED");
    printf("done\n");
    return 0;
}
