/*
 * seh.exe - structured exception handling as Windows x86 does it, with handlers of the program's own
 * (SEH frames pushed on fs:[0] by hand, which is what compilers emit for __try):
 *   1. read, write, execute and string-instruction access violations, with the exact faulting
 *      instruction (ExceptionAddress == CONTEXT.Eip == the instruction) and ExceptionInformation;
 *   2. DEP: calling into a PAGE_READWRITE page faults with ExceptionInformation[0] == 8;
 *   3. a guard page: STATUS_GUARD_PAGE_VIOLATION once, then the page reads normally;
 *   4. integer divide by zero;
 *   5. int3 through a vectored handler (Eip is at the int3; the handler steps over it);
 *   6. RaiseException with parameters, resumed by the handler (ExceptionContinueExecution);
 *   7. unwind order: an inner frame's handler sees the search, the outer one unwinds (RtlUnwind),
 *      the inner one is called again with EXCEPTION_UNWINDING and is unlinked.
 * Expected stdout: see tests/test_exceptions.py (each line states what it checks). Exit code 0.
 */
#include <windows.h>
#include <stdio.h>

typedef struct Frame { struct Frame *next; void *handler; } Frame;

static void push_frame(Frame *f, void *handler)
{
    f->handler = handler;
    __asm__ volatile("movl %%fs:0, %0" : "=r"(f->next));
    __asm__ volatile("movl %0, %%fs:0" : : "r"(f) : "memory");
}

static void pop_frame(Frame *f)
{
    __asm__ volatile("movl %0, %%fs:0" : : "r"(f->next) : "memory");
}

/* what the generic handler saw, and how it resumes */
/* volatile: the handler changes them behind the compiler's back */
static volatile DWORD seen_code, seen_params, seen_info0, seen_info1, seen_flags;
static volatile DWORD seen_address, seen_eip;
static volatile int skip_bytes;  /* resume this many bytes after the faulting instruction */
static volatile int pop_return;  /* resume at [esp] (as if the faulting call had returned) */
static volatile int set_eax = 1; /* give the skipped instruction's result register a value */

static EXCEPTION_DISPOSITION __cdecl handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *ctx, void *dc)
{
    (void)frame; (void)dc;
    if (rec->ExceptionFlags & 6)          /* unwinding */
        return ExceptionContinueSearch;
    seen_code = rec->ExceptionCode;
    seen_flags = rec->ExceptionFlags;
    seen_params = rec->NumberParameters;
    seen_info0 = rec->NumberParameters > 0 ? rec->ExceptionInformation[0] : 0xFFFFFFFF;
    seen_info1 = rec->NumberParameters > 1 ? rec->ExceptionInformation[1] : 0xFFFFFFFF;
    seen_address = (DWORD)rec->ExceptionAddress;
    seen_eip = ctx->Eip;
    if (pop_return) {
        ctx->Eip = *(DWORD *)ctx->Esp;
        ctx->Esp += 4;
    } else {
        ctx->Eip += skip_bytes;
    }
    if (set_eax)
        ctx->Eax = 42;
    return ExceptionContinueExecution;
}

extern char read_fault[], write_fault[], string_fault[], div_fault[], int3_here[];

static void report(const char *what, DWORD expected_at)
{
    printf("%s: code=%08lx at_instruction=%s eip_is_address=%s params=%lu info0=%ld info1=%08lx\n",
           what, seen_code, seen_address == expected_at ? "yes" : "no",
           seen_eip == seen_address ? "yes" : "no", seen_params, (long)seen_info0, seen_info1);
}

static LONG CALLBACK vectored(EXCEPTION_POINTERS *ep)
{
    if (ep->ExceptionRecord->ExceptionCode != EXCEPTION_BREAKPOINT)
        return EXCEPTION_CONTINUE_SEARCH;
    printf("vectored: breakpoint at_int3=%s eip_at_int3=%s\n",
           (DWORD)ep->ExceptionRecord->ExceptionAddress == (DWORD)int3_here ? "yes" : "no",
           ep->ContextRecord->Eip == (DWORD)int3_here ? "yes" : "no");
    ep->ContextRecord->Eip += 1;
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* 7: unwind order */
static int unwind_log_n;
static const char *unwind_log[8];
static Frame *outer_frame_ptr;

static EXCEPTION_DISPOSITION __cdecl inner_handler(EXCEPTION_RECORD *rec, void *f, CONTEXT *c, void *d)
{
    (void)f; (void)c; (void)d;
    unwind_log[unwind_log_n++] = (rec->ExceptionFlags & 2) ? "inner: unwind" : "inner: search";
    return ExceptionContinueSearch;
}

static EXCEPTION_DISPOSITION __cdecl outer_handler(EXCEPTION_RECORD *rec, void *f, CONTEXT *c, void *d)
{
    (void)d;
    if (rec->ExceptionFlags & 6) {
        unwind_log[unwind_log_n++] = "outer: unwind (must not happen)";
        return ExceptionContinueSearch;
    }
    unwind_log[unwind_log_n++] = "outer: found";
    RtlUnwind(f, 0, rec, 0);                 /* unwind every frame above ours */
    unwind_log[unwind_log_n++] = "outer: unwound";
    c->Eip += 2;                             /* resume after the faulting instruction */
    return ExceptionContinueExecution;
}

static __attribute__((noinline)) void inner_function(void)
{
    Frame inner;
    push_frame(&inner, (void *)inner_handler);
    __asm__ volatile("xorl %%eax, %%eax\n\tmovl (%%eax), %%eax" : : : "eax", "memory");
    /* the inner frame was unlinked by the unwind: fs:[0] is the outer frame now */
    {
        Frame *now;
        __asm__ volatile("movl %%fs:0, %0" : "=r"(now));
        unwind_log[unwind_log_n++] = now == outer_frame_ptr ? "inner: resumed, unlinked" : "inner: resumed, STILL LINKED";
    }
}

int main(void)
{
    Frame f, outer;
    DWORD old, value;
    unsigned char *page;
    volatile int zero = 0;
    int i;
    void *veh;

    push_frame(&f, (void *)handler);

    /* 1. access violations, the exact instruction */
    skip_bytes = 2;
    __asm__ volatile("xorl %%eax, %%eax\n\t.globl _read_fault\n_read_fault: movl (%%eax), %%eax" : : : "eax", "memory");
    report("read", (DWORD)read_fault);
    skip_bytes = 6;
    __asm__ volatile("movl $0x10, %%eax\n\t.globl _write_fault\n_write_fault: movl $1, (%%eax)" : : : "eax", "memory");
    report("write", (DWORD)write_fault);
    skip_bytes = 1;
    __asm__ volatile("pushl %%esi\n\tpushl %%edi\n\tmovl $0x20, %%esi\n\tmovl %%esp, %%edi\n\tsubl $64, %%edi\n\t"
                     ".globl _string_fault\n_string_fault: movsl\n\tpopl %%edi\n\tpopl %%esi" : : : "memory");
    report("movs", (DWORD)string_fault);
    pop_return = 1;
    ((void (*)(void))0x30)();
    report("execute", 0x30);

    /* 2. DEP */
    page = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    page[0] = 0xC3;                                     /* ret, but the page is not executable */
    ((void (*)(void))page)();
    report("dep", (DWORD)page);
    pop_return = 0;

    /* 3. guard page */
    VirtualProtect(page, 4096, PAGE_READWRITE | PAGE_GUARD, &old);
    skip_bytes = 0;                                     /* re-execute the read: the guard is gone */
    set_eax = 0;
    seen_code = 0;
    value = *(volatile DWORD *)page;                    /* first touch: the exception, then resumed */
    printf("guard: code=%08lx then value=%02lx\n", seen_code, value & 0xFF);
    seen_code = 0;
    value = *(volatile DWORD *)page;
    printf("guard: second read code=%08lx (none)\n", seen_code);

    /* 4. divide by zero */
    set_eax = 1;
    skip_bytes = 2;
    __asm__ volatile("movl $1, %%eax\n\txorl %%edx, %%edx\n\tmovl %0, %%ecx\n\t"
                     ".globl _div_fault\n_div_fault: divl %%ecx" : : "m"(zero) : "eax", "ecx", "edx");
    report("divide", (DWORD)div_fault);

    /* 5. int3 through a vectored handler */
    veh = AddVectoredExceptionHandler(1, vectored);
    __asm__ volatile(".globl _int3_here\n_int3_here: int3");
    RemoveVectoredExceptionHandler(veh);
    printf("after int3\n");

    /* 6. RaiseException, resumed */
    {
        ULONG_PTR args[3] = { 0x11, 0x22, 0x33 };
        skip_bytes = 0;
        RaiseException(0xE0001234, 0, 3, args);
        printf("raise: code=%08lx flags=%lu params=%lu info0=%lx info1=%lx resumed\n",
               seen_code, seen_flags, seen_params, seen_info0, seen_info1);
    }

    pop_frame(&f);

    /* 7. unwind order */
    push_frame(&outer, (void *)outer_handler);
    outer_frame_ptr = &outer;
    inner_function();
    pop_frame(&outer);
    for (i = 0; i < unwind_log_n; i++)
        printf("unwind %d: %s\n", i + 1, unwind_log[i]);
    return 0;
}
