/*
 * sync.exe - synchronization objects and user APCs, each part checked by what it prints:
 *   1. a critical section under contention (4 workers released together by a manual-reset event,
 *      joined with WaitForMultipleObjects), recursion, TryEnterCriticalSection from another thread;
 *   2. events: auto-reset (SetEvent releases one waiter), PulseEvent of a manual-reset event, a
 *      named event opened twice, access rights, SignalObjectAndWait;
 *   3. a producer and a consumer on two semaphores around a bounded buffer, ERROR_TOO_MANY_POSTS;
 *   4. a named mutex taken recursively, ERROR_ALREADY_EXISTS / ERROR_INVALID_HANDLE / ERROR_NOT_OWNER,
 *      then abandoned by a thread that exits holding it (the waiter gets WAIT_ABANDONED);
 *   5. waitable timers: periodic, manual-reset, with a completion routine (an APC);
 *   6. QueueUserAPC to a thread in SleepEx(INFINITE, TRUE); APCs wait for an alertable wait; an APC
 *      queued to a suspended new thread runs before its start routine;
 *   7. an SRW lock and a condition variable handing values over, the lock word, timeouts;
 *   8. InitOnceExecuteOnce from two threads runs the callback once; InitOnceBegin/Complete;
 *   9. kernel32's Interlocked* exports (called through GetProcAddress: gcc inlines its own).
 * Times are virtual under ntboot (printed rounded down to 10 ms; Windows' clock ticks are coarser).
 *
 * Expected stdout (exact under ntboot; see samples/README.md):
 *   cs: recursion count 2, owner is me: yes
 *   cs: TryEnterCriticalSection from another thread: 0
 *   cs: WaitForMultipleObjects(all) returned 0
 *   cs: total 400 (4 workers x 100)
 *   event: auto-reset woke 1 then 2 waiters
 *   event: PulseEvent woke 2 waiters, then the event is reset: 258
 *   event: second CreateEvent of a name: error 183, same event: yes
 *   event: SetEvent through a SYNCHRONIZE-only handle: 0, error 5
 *   event: SignalObjectAndWait returned 0
 *   semaphore: consumer got 20 items in order: yes, sum 210
 *   semaphore: ReleaseSemaphore past the maximum: 0, error 298
 *   semaphore: previous count 0, then waits 0 0 258
 *   mutex: recursive wait 0, ERROR_ALREADY_EXISTS: yes, OpenMutex ok: yes
 *   mutex: CreateEvent on the mutex's name: error 6; OpenMutex of no name: error 2
 *   mutex: releases 1 1 0 (error 288)
 *   mutex: wait for the mutex its owner abandoned returned 128, then 0
 *   timer: not signalled before it is due: 258
 *   timer: tick 0 after 50 ms
 *   timer: tick 1 after 150 ms
 *   timer: tick 2 after 250 ms
 *   timer: cancelled, wait returned 258
 *   timer: manual-reset stays signalled: 0 0, opened by name: yes
 *   timer: SleepEx returned 192, completion routine ran 1 time(s) with 7, at its due time: yes
 *   apc: SleepEx(0, FALSE) returned 0, APC ran: no
 *   apc: routine ran with 3 on the main thread
 *   apc: WaitForSingleObjectEx(alertable) returned 192
 *   apc: routine ran with 1 on the sleeping thread
 *   apc: routine ran with 2 on the sleeping thread
 *   apc: SleepEx returned 192 after 2 APC(s)
 *   apc: queued to a suspended thread, ran with 5 when it started
 *   apc: then its start routine ran (APCs before it: 1)
 *   srw: lock word 0x1 held exclusively, 0x21 held shared twice, 0x0 free
 *   srw: TryAcquireSRWLockExclusive while shared: 0, when free: 1
 *   srw: 5 values handed over, sum 15
 *   srw: SleepConditionVariableSRW timed out: 0, error 1460
 *   cv: SleepConditionVariableCS timed out: 0, error 1460, section held again: yes
 *   initonce: callback ran 1 time(s), contexts 0x1230 0x1230, results 1 1
 *   initonce: check-only 1 pending 0 context 0x1230
 *   initonce: begin 1 pending 1, complete 1, check 1 pending 0 context 0x40
 *   interlocked: 6 5 5 10 13 20 -> 20
 * Expected exit code: 0
 */
#include <windows.h>
#include <stdio.h>

#define SAY(...) do { printf(__VA_ARGS__); fflush(stdout); } while (0)

/* ---- 1. critical section ---------------------------------------------------------------------- */

static CRITICAL_SECTION cs;
static volatile LONG total;
static HANDLE go;

static DWORD WINAPI cs_worker(LPVOID param)
{
    int i;
    (void)param;
    WaitForSingleObject(go, INFINITE);
    for (i = 0; i < 100; i++) {
        LONG t;
        EnterCriticalSection(&cs);
        t = total;
        if (i % 25 == 0)
            Sleep(1);           /* sleeps holding the section: the other workers must wait for it */
        total = t + 1;
        LeaveCriticalSection(&cs);
    }
    return 0;
}

static DWORD WINAPI try_enter(LPVOID param)
{
    (void)param;
    return TryEnterCriticalSection(&cs);
}

static void critical_section(void)
{
    HANDLE h[4];
    DWORD r, code;
    int i;

    InitializeCriticalSection(&cs);
    EnterCriticalSection(&cs);
    EnterCriticalSection(&cs);
    SAY("cs: recursion count %ld, owner is me: %s\n", cs.RecursionCount,
        (DWORD)(ULONG_PTR)cs.OwningThread == GetCurrentThreadId() ? "yes" : "no");
    h[0] = CreateThread(NULL, 0, try_enter, NULL, 0, NULL);
    WaitForSingleObject(h[0], INFINITE);
    GetExitCodeThread(h[0], &code);
    CloseHandle(h[0]);
    SAY("cs: TryEnterCriticalSection from another thread: %lu\n", code);
    LeaveCriticalSection(&cs);
    LeaveCriticalSection(&cs);

    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < 4; i++)
        h[i] = CreateThread(NULL, 0, cs_worker, NULL, 0, NULL);
    Sleep(5);
    SetEvent(go);
    r = WaitForMultipleObjects(4, h, TRUE, INFINITE);
    SAY("cs: WaitForMultipleObjects(all) returned %lu\n", r);
    SAY("cs: total %ld (4 workers x 100)\n", total);
    for (i = 0; i < 4; i++)
        CloseHandle(h[i]);
    CloseHandle(go);
    DeleteCriticalSection(&cs);
}

/* ---- 2. events ------------------------------------------------------------------------------------ */

static HANDLE ev;
static volatile LONG woken;

static DWORD WINAPI event_waiter(LPVOID param)
{
    (void)param;
    WaitForSingleObject(ev, INFINITE);
    InterlockedIncrement(&woken);
    return 0;
}

static HANDLE ping, pong;

static DWORD WINAPI ponger(LPVOID param)
{
    (void)param;
    WaitForSingleObject(ping, INFINITE);
    SetEvent(pong);
    return 0;
}

static void events(void)
{
    HANDLE h[2], a, b, weak;
    LONG first;
    BOOL ok;
    DWORD err, r;
    int i;

    ev = CreateEventA(NULL, FALSE, FALSE, NULL);            /* auto-reset */
    for (i = 0; i < 2; i++)
        h[i] = CreateThread(NULL, 0, event_waiter, NULL, 0, NULL);
    Sleep(10);
    SetEvent(ev);
    Sleep(10);
    first = woken;
    SetEvent(ev);
    WaitForMultipleObjects(2, h, TRUE, INFINITE);
    SAY("event: auto-reset woke %ld then %ld waiters\n", first, woken);
    for (i = 0; i < 2; i++)
        CloseHandle(h[i]);
    CloseHandle(ev);

    woken = 0;
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);             /* manual-reset */
    for (i = 0; i < 2; i++)
        h[i] = CreateThread(NULL, 0, event_waiter, NULL, 0, NULL);
    Sleep(10);
    PulseEvent(ev);
    WaitForMultipleObjects(2, h, TRUE, INFINITE);
    SAY("event: PulseEvent woke %ld waiters, then the event is reset: %lu\n", woken, WaitForSingleObject(ev, 0));
    for (i = 0; i < 2; i++)
        CloseHandle(h[i]);
    CloseHandle(ev);

    a = CreateEventA(NULL, TRUE, FALSE, "ntboot-sync-event");
    b = CreateEventA(NULL, TRUE, FALSE, "ntboot-sync-event");
    err = GetLastError();
    SetEvent(b);
    SAY("event: second CreateEvent of a name: error %lu, same event: %s\n", err,
        a != b && WaitForSingleObject(a, 0) == WAIT_OBJECT_0 ? "yes" : "no");
    weak = OpenEventA(SYNCHRONIZE, FALSE, "ntboot-sync-event");
    ok = SetEvent(weak);
    SAY("event: SetEvent through a SYNCHRONIZE-only handle: %d, error %lu\n", ok, GetLastError());
    CloseHandle(weak);
    CloseHandle(a);
    CloseHandle(b);

    ping = CreateEventA(NULL, FALSE, FALSE, NULL);
    pong = CreateEventA(NULL, FALSE, FALSE, NULL);
    h[0] = CreateThread(NULL, 0, ponger, NULL, 0, NULL);
    r = SignalObjectAndWait(ping, pong, INFINITE, FALSE);
    SAY("event: SignalObjectAndWait returned %lu\n", r);
    WaitForSingleObject(h[0], INFINITE);
    CloseHandle(h[0]);
    CloseHandle(ping);
    CloseHandle(pong);
}

/* ---- 3. semaphores ----------------------------------------------------------------------------- */

#define SLOTS 4
#define ITEMS 20
static int slots[SLOTS];
static HANDLE empty_slots, full_slots;
static int consumed_sum, consumed_in_order = 1;

static DWORD WINAPI producer(LPVOID param)
{
    int i;
    (void)param;
    for (i = 1; i <= ITEMS; i++) {
        WaitForSingleObject(empty_slots, INFINITE);
        slots[(i - 1) % SLOTS] = i;
        ReleaseSemaphore(full_slots, 1, NULL);
    }
    return 0;
}

static DWORD WINAPI consumer(LPVOID param)
{
    int i;
    (void)param;
    for (i = 0; i < ITEMS; i++) {
        int v;
        WaitForSingleObject(full_slots, INFINITE);
        v = slots[i % SLOTS];
        if (v != i + 1)
            consumed_in_order = 0;
        consumed_sum += v;
        ReleaseSemaphore(empty_slots, 1, NULL);
    }
    return 0;
}

static void semaphores(void)
{
    HANDLE h[2];
    LONG previous = -1;
    BOOL ok;
    DWORD r1, r2, r3;

    empty_slots = CreateSemaphoreA(NULL, SLOTS, SLOTS, NULL);
    full_slots = CreateSemaphoreA(NULL, 0, SLOTS, NULL);
    h[0] = CreateThread(NULL, 0, producer, NULL, 0, NULL);
    h[1] = CreateThread(NULL, 0, consumer, NULL, 0, NULL);
    WaitForMultipleObjects(2, h, TRUE, INFINITE);
    SAY("semaphore: consumer got %d items in order: %s, sum %d\n", ITEMS, consumed_in_order ? "yes" : "no",
        consumed_sum);
    ok = ReleaseSemaphore(empty_slots, 1, NULL);
    SAY("semaphore: ReleaseSemaphore past the maximum: %d, error %lu\n", ok, GetLastError());
    ReleaseSemaphore(full_slots, 2, &previous);
    r1 = WaitForSingleObject(full_slots, 0);
    r2 = WaitForSingleObject(full_slots, 0);
    r3 = WaitForSingleObject(full_slots, 0);
    SAY("semaphore: previous count %ld, then waits %lu %lu %lu\n", previous, r1, r2, r3);
    CloseHandle(h[0]);
    CloseHandle(h[1]);
    CloseHandle(empty_slots);
    CloseHandle(full_slots);
}

/* ---- 4. mutexes -------------------------------------------------------------------------------- */

static HANDLE mutex, taken;

static DWORD WINAPI abandoner(LPVOID param)
{
    (void)param;
    WaitForSingleObject(mutex, INFINITE);
    SetEvent(taken);
    Sleep(20);
    return 0;                   /* ends holding the mutex */
}

static void mutexes(void)
{
    HANDLE again, opened, h;
    DWORD r, err_exists, err_type, err_missing, e3;
    BOOL r1, r2, r3;

    mutex = CreateMutexA(NULL, TRUE, "ntboot-sync-mutex");
    r = WaitForSingleObject(mutex, 0);
    again = CreateMutexA(NULL, FALSE, "ntboot-sync-mutex");
    err_exists = GetLastError();
    opened = OpenMutexA(SYNCHRONIZE, FALSE, "ntboot-sync-mutex");
    SAY("mutex: recursive wait %lu, ERROR_ALREADY_EXISTS: %s, OpenMutex ok: %s\n", r,
        again && err_exists == ERROR_ALREADY_EXISTS ? "yes" : "no", opened ? "yes" : "no");
    h = CreateEventA(NULL, FALSE, FALSE, "ntboot-sync-mutex");
    err_type = GetLastError();
    if (!OpenMutexA(SYNCHRONIZE, FALSE, "ntboot-sync-no-such-mutex"))
        err_missing = GetLastError();
    else
        err_missing = 0;
    SAY("mutex: CreateEvent on the mutex's name: error %lu; OpenMutex of no name: error %lu\n",
        h ? 0 : err_type, err_missing);
    r1 = ReleaseMutex(mutex);
    r2 = ReleaseMutex(mutex);
    r3 = ReleaseMutex(mutex);
    e3 = GetLastError();
    SAY("mutex: releases %d %d %d (error %lu)\n", r1, r2, r3, e3);

    taken = CreateEventA(NULL, FALSE, FALSE, NULL);
    h = CreateThread(NULL, 0, abandoner, NULL, 0, NULL);
    WaitForSingleObject(taken, INFINITE);
    r = WaitForSingleObject(mutex, INFINITE);           /* the owner ends while we wait */
    SAY("mutex: wait for the mutex its owner abandoned returned %lu, then %lu\n", r, WaitForSingleObject(mutex, 0));
    ReleaseMutex(mutex);
    ReleaseMutex(mutex);
    WaitForSingleObject(h, INFINITE);
    CloseHandle(h);
    CloseHandle(taken);
    CloseHandle(opened);
    CloseHandle(again);
    CloseHandle(mutex);
}

/* ---- 5. waitable timers ------------------------------------------------------------------------- */

static int timer_apc_calls, timer_apc_arg;
static ULONGLONG timer_apc_time;

static void CALLBACK on_timer(LPVOID arg, DWORD low, DWORD high)
{
    timer_apc_calls++;
    timer_apc_arg = (int)(INT_PTR)arg;
    timer_apc_time = ((ULONGLONG)high << 32) | low;
}

static void timers(void)
{
    HANDLE t, manual, opened;
    LARGE_INTEGER due;
    FILETIME now;
    ULONGLONG set_at;
    DWORD start, r, r2;
    int i;

    t = CreateWaitableTimerA(NULL, FALSE, NULL);
    due.QuadPart = -500000LL;                               /* 50 ms from now, then every 100 ms */
    start = GetTickCount();
    SetWaitableTimer(t, &due, 100, NULL, NULL, FALSE);
    SAY("timer: not signalled before it is due: %lu\n", WaitForSingleObject(t, 0));
    for (i = 0; i < 3; i++) {
        WaitForSingleObject(t, INFINITE);
        SAY("timer: tick %d after %lu ms\n", i, (GetTickCount() - start) / 10 * 10);
    }
    CancelWaitableTimer(t);
    SAY("timer: cancelled, wait returned %lu\n", WaitForSingleObject(t, 300));

    manual = CreateWaitableTimerA(NULL, TRUE, "ntboot-sync-timer");
    due.QuadPart = -100000LL;
    SetWaitableTimer(manual, &due, 0, NULL, NULL, FALSE);
    r = WaitForSingleObject(manual, INFINITE);
    r2 = WaitForSingleObject(manual, 0);
    opened = OpenWaitableTimerA(TIMER_ALL_ACCESS, FALSE, "ntboot-sync-timer");
    SAY("timer: manual-reset stays signalled: %lu %lu, opened by name: %s\n", r, r2, opened ? "yes" : "no");
    CloseHandle(opened);
    CloseHandle(manual);

    due.QuadPart = -200000LL;
    GetSystemTimeAsFileTime(&now);
    set_at = ((ULONGLONG)now.dwHighDateTime << 32) | now.dwLowDateTime;
    SetWaitableTimer(t, &due, 0, on_timer, (LPVOID)7, FALSE);
    r = SleepEx(INFINITE, TRUE);
    SAY("timer: SleepEx returned %lu, completion routine ran %d time(s) with %d, at its due time: %s\n", r,
        timer_apc_calls, timer_apc_arg, timer_apc_time >= set_at + 200000 ? "yes" : "no");
    CloseHandle(t);
}

/* ---- 6. user APCs ------------------------------------------------------------------------------- */

static DWORD sleeper_id, main_id;
static int apc_calls;
static HANDLE ready;

static void CALLBACK apc_routine(ULONG_PTR data)
{
    DWORD me = GetCurrentThreadId();
    apc_calls++;
    SAY("apc: routine ran with %lu on the %s thread\n", (unsigned long)data,
        me == sleeper_id ? "sleeping" : me == main_id ? "main" : "wrong");
}

static DWORD WINAPI sleeper(LPVOID param)
{
    DWORD r;
    (void)param;
    SetEvent(ready);
    r = SleepEx(INFINITE, TRUE);
    SAY("apc: SleepEx returned %lu after %d APC(s)\n", r, apc_calls);
    return 0;
}

static int early_apcs;

static void CALLBACK early_apc(ULONG_PTR data)
{
    early_apcs++;
    SAY("apc: queued to a suspended thread, ran with %lu when it started\n", (unsigned long)data);
}

static DWORD WINAPI early_thread(LPVOID param)
{
    (void)param;
    SAY("apc: then its start routine ran (APCs before it: %d)\n", early_apcs);
    return 0;
}

static void apcs(void)
{
    HANDLE h, never;
    DWORD r;

    main_id = GetCurrentThreadId();
    QueueUserAPC(apc_routine, GetCurrentThread(), 3);
    r = SleepEx(0, FALSE);
    SAY("apc: SleepEx(0, FALSE) returned %lu, APC ran: %s\n", r, apc_calls ? "yes" : "no");
    never = CreateEventA(NULL, TRUE, FALSE, NULL);
    r = WaitForSingleObjectEx(never, INFINITE, TRUE);
    SAY("apc: WaitForSingleObjectEx(alertable) returned %lu\n", r);
    CloseHandle(never);

    apc_calls = 0;
    ready = CreateEventA(NULL, FALSE, FALSE, NULL);
    h = CreateThread(NULL, 0, sleeper, NULL, 0, &sleeper_id);
    WaitForSingleObject(ready, INFINITE);
    Sleep(10);                                          /* it is in SleepEx now */
    QueueUserAPC(apc_routine, h, 1);
    QueueUserAPC(apc_routine, h, 2);
    WaitForSingleObject(h, INFINITE);
    CloseHandle(h);
    CloseHandle(ready);

    h = CreateThread(NULL, 0, early_thread, NULL, CREATE_SUSPENDED, NULL);
    QueueUserAPC(early_apc, h, 5);          /* runs at the end of the thread's initialization */
    ResumeThread(h);
    WaitForSingleObject(h, INFINITE);
    CloseHandle(h);
}

/* ---- 7. SRW lock and condition variables --------------------------------------------------------- */

static SRWLOCK lock = SRWLOCK_INIT;
static CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
static int turn, value, received;

static DWORD WINAPI receiver(LPVOID param)
{
    int i;
    (void)param;
    for (i = 0; i < 5; i++) {
        AcquireSRWLockExclusive(&lock);
        while (turn != 1)
            SleepConditionVariableSRW(&cv, &lock, INFINITE, 0);
        received += value;
        turn = 0;
        WakeAllConditionVariable(&cv);
        ReleaseSRWLockExclusive(&lock);
    }
    return 0;
}

static void slim_locks(void)
{
    ULONG_PTR exclusive, shared, released;
    BOOLEAN try_shared, try_free;
    CRITICAL_SECTION section;
    CONDITION_VARIABLE lonely = CONDITION_VARIABLE_INIT;
    HANDLE h;
    BOOL ok;
    DWORD err;
    int i;

    AcquireSRWLockExclusive(&lock);
    exclusive = (ULONG_PTR)lock.Ptr;
    ReleaseSRWLockExclusive(&lock);
    AcquireSRWLockShared(&lock);
    AcquireSRWLockShared(&lock);
    shared = (ULONG_PTR)lock.Ptr;
    try_shared = TryAcquireSRWLockExclusive(&lock);
    ReleaseSRWLockShared(&lock);
    ReleaseSRWLockShared(&lock);
    released = (ULONG_PTR)lock.Ptr;
    SAY("srw: lock word 0x%lx held exclusively, 0x%lx held shared twice, 0x%lx free\n",
        (unsigned long)exclusive, (unsigned long)shared, (unsigned long)released);
    try_free = TryAcquireSRWLockExclusive(&lock);
    ReleaseSRWLockExclusive(&lock);
    SAY("srw: TryAcquireSRWLockExclusive while shared: %d, when free: %d\n", try_shared, try_free);

    h = CreateThread(NULL, 0, receiver, NULL, 0, NULL);
    for (i = 1; i <= 5; i++) {
        AcquireSRWLockExclusive(&lock);
        while (turn != 0)
            SleepConditionVariableSRW(&cv, &lock, INFINITE, 0);
        value = i;
        turn = 1;
        WakeConditionVariable(&cv);
        ReleaseSRWLockExclusive(&lock);
    }
    WaitForSingleObject(h, INFINITE);
    CloseHandle(h);
    SAY("srw: 5 values handed over, sum %d\n", received);

    AcquireSRWLockShared(&lock);
    ok = SleepConditionVariableSRW(&lonely, &lock, 10, CONDITION_VARIABLE_LOCKMODE_SHARED);
    err = GetLastError();
    ReleaseSRWLockShared(&lock);
    SAY("srw: SleepConditionVariableSRW timed out: %d, error %lu\n", ok, err);

    InitializeCriticalSection(&section);
    EnterCriticalSection(&section);
    ok = SleepConditionVariableCS(&lonely, &section, 10);
    err = GetLastError();
    SAY("cv: SleepConditionVariableCS timed out: %d, error %lu, section held again: %s\n", ok, err,
        (DWORD)(ULONG_PTR)section.OwningThread == GetCurrentThreadId() ? "yes" : "no");
    LeaveCriticalSection(&section);
    DeleteCriticalSection(&section);
}

/* ---- 8. one-time initialization ------------------------------------------------------------------ */

static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
static int init_calls;
static PVOID contexts[2];
static BOOL results[2];

static BOOL CALLBACK init_fn(PINIT_ONCE init_once, PVOID parameter, PVOID *context)
{
    (void)init_once;
    (void)parameter;
    init_calls++;
    Sleep(20);                  /* the other thread arrives meanwhile and must wait */
    *context = (PVOID)0x1230;
    return TRUE;
}

static DWORD WINAPI once_thread(LPVOID param)
{
    int i = (int)(INT_PTR)param;
    results[i] = InitOnceExecuteOnce(&once, init_fn, NULL, &contexts[i]);
    return 0;
}

static void init_once(void)
{
    HANDLE h[2];
    INIT_ONCE other;
    BOOL pending = -1, ok, done, check;
    PVOID context = NULL;
    int i;

    for (i = 0; i < 2; i++)
        h[i] = CreateThread(NULL, 0, once_thread, (LPVOID)(INT_PTR)i, 0, NULL);
    WaitForMultipleObjects(2, h, TRUE, INFINITE);
    SAY("initonce: callback ran %d time(s), contexts %#lx %#lx, results %d %d\n", init_calls,
        (unsigned long)(ULONG_PTR)contexts[0], (unsigned long)(ULONG_PTR)contexts[1], results[0], results[1]);
    for (i = 0; i < 2; i++)
        CloseHandle(h[i]);
    ok = InitOnceBeginInitialize(&once, INIT_ONCE_CHECK_ONLY, &pending, &context);
    SAY("initonce: check-only %d pending %d context %#lx\n", ok, pending, (unsigned long)(ULONG_PTR)context);

    InitOnceInitialize(&other);
    ok = InitOnceBeginInitialize(&other, 0, &pending, NULL);
    i = pending;
    done = InitOnceComplete(&other, 0, (PVOID)0x40);
    check = InitOnceBeginInitialize(&other, INIT_ONCE_CHECK_ONLY, &pending, &context);
    SAY("initonce: begin %d pending %d, complete %d, check %d pending %d context %#lx\n", ok, i, done, check,
        pending, (unsigned long)(ULONG_PTR)context);
}

/* ---- 9. Interlocked* exports --------------------------------------------------------------------- */

typedef LONG (WINAPI *ONE_ARG)(LONG volatile *);
typedef LONG (WINAPI *TWO_ARGS)(LONG volatile *, LONG);
typedef LONG (WINAPI *THREE_ARGS)(LONG volatile *, LONG, LONG);

static void interlocked(void)
{
    HMODULE k32 = GetModuleHandleA("kernel32.dll");
    ONE_ARG inc = (ONE_ARG)(void *)GetProcAddress(k32, "InterlockedIncrement");
    ONE_ARG dec = (ONE_ARG)(void *)GetProcAddress(k32, "InterlockedDecrement");
    TWO_ARGS xchg = (TWO_ARGS)(void *)GetProcAddress(k32, "InterlockedExchange");
    TWO_ARGS add = (TWO_ARGS)(void *)GetProcAddress(k32, "InterlockedExchangeAdd");
    THREE_ARGS cmpxchg = (THREE_ARGS)(void *)GetProcAddress(k32, "InterlockedCompareExchange");
    LONG v = 5, a, b, c, d, e, f;

    a = inc(&v);
    b = dec(&v);
    c = xchg(&v, 10);
    d = add(&v, 3);
    e = cmpxchg(&v, 20, 13);
    f = cmpxchg(&v, 30, 13);
    SAY("interlocked: %ld %ld %ld %ld %ld %ld -> %ld\n", a, b, c, d, e, f, v);
}

int main(void)
{
    critical_section();
    events();
    semaphores();
    mutexes();
    timers();
    apcs();
    slim_locks();
    init_once();
    interlocked();
    return 0;
}
