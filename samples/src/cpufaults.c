/*
 * cpufaults.exe - CPU exceptions caught by a vectored handler of the program's own, and thread control:
 *   single step (TF set with popf): STATUS_SINGLE_STEP after the next instruction;
 *   ud2: STATUS_ILLEGAL_INSTRUCTION at the instruction;  hlt (ring 3): STATUS_PRIVILEGED_INSTRUCTION;
 *   into with OF set: STATUS_INTEGER_OVERFLOW;  a deep recursion grows the stack page by page;
 *   SuspendThread stops a busy worker, ResumeThread restarts it, TerminateThread ends it with a code.
 * Expected stdout: see tests/test_exceptions.py.  Exit code 0.
 */
#include <windows.h>
#include <stdio.h>

static volatile DWORD last_code, last_address_ok;
extern char ud2_at[], hlt_at[];

static LONG CALLBACK veh(EXCEPTION_POINTERS *ep)
{
    EXCEPTION_RECORD *r = ep->ExceptionRecord;
    CONTEXT *c = ep->ContextRecord;
    last_code = r->ExceptionCode;
    switch (r->ExceptionCode) {
    case EXCEPTION_SINGLE_STEP:
        c->EFlags &= ~0x100;
        return EXCEPTION_CONTINUE_EXECUTION;
    case EXCEPTION_ILLEGAL_INSTRUCTION:
        last_address_ok = (DWORD)r->ExceptionAddress == (DWORD)ud2_at && c->Eip == (DWORD)ud2_at;
        c->Eip += 2;
        return EXCEPTION_CONTINUE_EXECUTION;
    case EXCEPTION_PRIV_INSTRUCTION:
        last_address_ok = (DWORD)r->ExceptionAddress == (DWORD)hlt_at && c->Eip == (DWORD)hlt_at;
        c->Eip += 1;
        return EXCEPTION_CONTINUE_EXECUTION;
    case EXCEPTION_INT_OVERFLOW:
        return EXCEPTION_CONTINUE_EXECUTION;     /* into is a trap: Eip is already past it */
    }
    return EXCEPTION_CONTINUE_SEARCH;
}

static __attribute__((noinline)) int deep(int n)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    return n ? deep(n - 1) + pad[0] - (char)n + 1 : 0;
}

static volatile LONG counter;

static DWORD WINAPI busy(LPVOID p)
{
    (void)p;
    for (;;)
        InterlockedIncrement(&counter);
    return 0;
}

int main(void)
{
    HANDLE t;
    LONG c1, c2, c3;
    DWORD code;
    AddVectoredExceptionHandler(1, veh);

    __asm__ volatile("pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\tnop\n\tnop" : : : "memory");
    printf("single step: %08lx\n", last_code);
    __asm__ volatile(".globl _ud2_at\n_ud2_at: ud2");
    printf("ud2: %08lx at the instruction: %s\n", last_code, last_address_ok ? "yes" : "no");
    __asm__ volatile(".globl _hlt_at\n_hlt_at: hlt");
    printf("hlt: %08lx at the instruction: %s\n", last_code, last_address_ok ? "yes" : "no");
    __asm__ volatile("movl $0x7fffffff, %%eax\n\taddl $1, %%eax\n\tinto" : : : "eax", "memory");
    printf("into: %08lx\n", last_code);
    printf("deep recursion over 400 KiB of stack: %d\n", deep(400));

    t = CreateThread(NULL, 0, busy, NULL, 0, NULL);
    Sleep(2);
    SuspendThread(t);
    c1 = counter;
    Sleep(5);
    c2 = counter;
    ResumeThread(t);
    Sleep(5);
    c3 = counter;
    printf("suspended worker stood still: %s, resumed worker ran: %s\n",
           c1 == c2 ? "yes" : "no", c3 > c2 ? "yes" : "no");
    SetThreadPriority(t, THREAD_PRIORITY_ABOVE_NORMAL);
    printf("priority: %d\n", GetThreadPriority(t));
    TerminateThread(t, 55);
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &code);
    printf("terminated worker exit code: %lu\n", code);
    return 0;
}
