/* Console input records: GetNumberOfConsoleInputEvents, PeekConsoleInputW, ReadConsoleInputW/A (key down
   and key up per key, the US keyboard's virtual-key and scan codes), then ReadConsoleA reading on
   from where the records stopped, FlushConsoleInputBuffer.  Run with the input "aB?xy\nz" (see
   tests/test_misc_apis.py).  Expected values: the console documentation, winuser.h's VK_* codes
   and the US keyboard's set-1 scan codes. */
#include <windows.h>
#include <stdio.h>

static void show(const INPUT_RECORD *r, int wide)
{
    const KEY_EVENT_RECORD *k = &r->Event.KeyEvent;
    printf("  type %d down %d vk %#x scan %#x char %#x shift %d\n", r->EventType, k->bKeyDown, k->wVirtualKeyCode,
           k->wVirtualScanCode, wide ? k->uChar.UnicodeChar : (unsigned char)k->uChar.AsciiChar,
           !!(k->dwControlKeyState & SHIFT_PRESSED));
}

int main(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD n = 0;
    INPUT_RECORD recs[8];
    GetNumberOfConsoleInputEvents(in, &n);
    printf("events: %lu\n", n);              /* 7 keys (a B ? x y Enter z), two records each */
    PeekConsoleInputW(in, recs, 2, &n);
    printf("peek 2: %lu\n", n);
    for (DWORD i = 0; i < n; i++) show(&recs[i], 1);
    ReadConsoleInputW(in, recs, 5, &n);
    printf("read 5: %lu\n", n);
    for (DWORD i = 0; i < n; i++) show(&recs[i], 1);
    ReadConsoleInputA(in, recs, 1, &n);
    printf("read 1 (A): %lu\n", n);
    show(&recs[0], 0);
    GetNumberOfConsoleInputEvents(in, &n);
    printf("events left: %lu\n", n);
    FlushConsoleInputBuffer(in);
    SetConsoleMode(in, ENABLE_LINE_INPUT);
    char line[32];
    ReadConsoleA(in, line, sizeof line, &n, NULL);
    printf("ReadConsoleA after the records: %lu [%.*s]\n", n - 2, (int)n - 2, line);
    ReadConsoleInputW(in, recs, 8, &n);
    printf("records at the end of input: %lu\n", n);
    DWORD err = GetNumberOfConsoleInputEvents(GetStdHandle(STD_OUTPUT_HANDLE), &n) ? 0 : GetLastError();
    printf("events of an output handle: error %lu\n", err);
    return 0;
}
