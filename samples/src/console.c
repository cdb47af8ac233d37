/* The console as a program sees it: modes, line input with and without echo, raw input, the screen
   buffer (size, window, cursor, attributes, filling and reading cells), the title, PeekNamedPipe on
   a console handle.  Run with the input "first line\nsecond\nabc\bd\nxyz" (see tests/test_misc_apis.py).
   Expected values: the console documentation and this program's own arithmetic. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static HANDLE out;

static void say(const char *text)
{
    DWORD n;
    WriteConsoleA(out, text, (DWORD)strlen(text), &n, NULL);
}

int main(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    char line[256];
    WCHAR wline[64];
    DWORD mode, n;
    BOOL ok;
    out = GetStdHandle(STD_OUTPUT_HANDLE);

    GetConsoleMode(in, &mode);
    printf("input mode: line %d echo %d processed %d\n", !!(mode & ENABLE_LINE_INPUT), !!(mode & ENABLE_ECHO_INPUT),
           !!(mode & ENABLE_PROCESSED_INPUT));
    ok = SetConsoleMode(in, ENABLE_ECHO_INPUT);
    printf("echo without line input: %d error %lu\n", ok, GetLastError());
    ok = SetConsoleMode(out, 0x80000);
    printf("output mode 0x80000: %d error %lu\n", ok, GetLastError());
    fflush(stdout);

    /* line input, echo on (the default): the line with CR LF, echoed */
    ok = ReadConsoleA(in, line, sizeof line, &n, NULL);
    line[n] = 0;
    printf("ReadConsoleA: %d, %lu chars, ends with CR LF: %s\n", ok, n,
           n >= 2 && line[n - 2] == '\r' && line[n - 1] == '\n' ? "yes" : "no");
    /* line input without echo, read in two pieces: 3 characters, then the rest of the line */
    SetConsoleMode(in, ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT);
    ReadConsoleW(in, wline, 3, &n, NULL);
    printf("ReadConsoleW 3: %lu [%.*ls]\n", n, (int)n, wline);
    ReadConsoleW(in, wline, 64, &n, NULL);
    printf("ReadConsoleW rest: %lu, last two: %d %d\n", n, wline[n - 2], wline[n - 1]);
    /* a backspace edits the line */
    ReadConsoleA(in, line, sizeof line, &n, NULL);
    printf("ReadConsoleA after backspace: %lu [%.*s]\n", n - 2, (int)n - 2, line);
    /* raw input: what is there, no CR LF added */
    SetConsoleMode(in, 0);
    ReadConsoleA(in, line, 2, &n, NULL);
    printf("raw ReadConsoleA 2: %lu [%.*s]\n", n, (int)n, line);
    ReadConsoleA(in, line, 10, &n, NULL);
    printf("raw ReadConsoleA 10: %lu [%.*s]\n", n, (int)n, line);
    ReadConsoleA(in, line, 10, &n, NULL);
    printf("at end of input: %lu\n", n);
    fflush(stdout);

    CONSOLE_SCREEN_BUFFER_INFO info;
    SetConsoleCursorPosition(out, (COORD){0, 40});
    say("0123456789");
    GetConsoleScreenBufferInfo(out, &info);
    printf("\nbuffer %dx%d, cursor after 10 chars at row 40: %d,%d, window of %d rows shows it: %s\n", info.dwSize.X,
           info.dwSize.Y, info.dwCursorPosition.X, info.dwCursorPosition.Y, info.srWindow.Bottom - info.srWindow.Top + 1,
           info.srWindow.Top <= 40 && 40 <= info.srWindow.Bottom ? "yes" : "no");
    fflush(stdout);
    ok = SetConsoleCursorPosition(out, (COORD){80, 0});
    printf("cursor at column 80: %d error %lu\n", ok, GetLastError());
    ok = SetConsoleCursorPosition(in, (COORD){0, 0});
    printf("cursor on the input handle: %d error %lu\n", ok, GetLastError());

    SetConsoleTextAttribute(out, FOREGROUND_RED | FOREGROUND_INTENSITY | BACKGROUND_BLUE);
    GetConsoleScreenBufferInfo(out, &info);
    printf("attributes: %#x\n", info.wAttributes);
    SetConsoleTextAttribute(out, FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE);

    DWORD written;
    ok = FillConsoleOutputCharacterA(out, '*', 100, (COORD){70, 299}, &written);
    printf("fill 100 from 70,299: %d wrote %lu\n", ok, written);
    FillConsoleOutputCharacterW(out, L'#', 5, (COORD){10, 200}, &written);
    FillConsoleOutputAttribute(out, 0x2E, 3, (COORD){11, 200}, &written);
    char cells[8] = {0};
    WORD attrs[5];
    ReadConsoleOutputCharacterA(out, cells, 7, (COORD){9, 200}, &n);
    ReadConsoleOutputAttribute(out, attrs, 5, (COORD){10, 200}, &n);
    printf("cells [%s] attributes %#x %#x %#x %#x %#x\n", cells, attrs[0], attrs[1], attrs[2], attrs[3], attrs[4]);
    ok = FillConsoleOutputCharacterA(out, 'x', 1, (COORD){0, 300}, &written);
    printf("fill at row 300: %d wrote %lu\n", ok, written);
    written = 99;
    ok = FillConsoleOutputAttribute(in, 7, 1, (COORD){0, 0}, &written);
    printf("fill the input handle: %d error %lu wrote %lu\n", ok, GetLastError(), written);
    SetConsoleCursorPosition(out, (COORD){0, 60});
    say("a\tb");
    ReadConsoleOutputCharacterA(out, cells, 3, (COORD){7, 60}, &n);
    cells[3] = 0;
    GetConsoleScreenBufferInfo(out, &info);
    printf("\ntab: [%s] cursor was at column %d\n", cells, info.dwCursorPosition.X);

    CONSOLE_SCREEN_BUFFER_INFOEX ex;
    memset(&ex, 0, sizeof ex);
    ex.cbSize = sizeof ex;
    ok = GetConsoleScreenBufferInfoEx(out, &ex);
    printf("InfoEx: %d size %u popup %#x colour 1 %#lx colour 15 %#lx\n", ok, (unsigned)sizeof ex,
           ex.wPopupAttributes, ex.ColorTable[1], ex.ColorTable[15]);
    ex.cbSize = 20;
    ok = GetConsoleScreenBufferInfoEx(out, &ex);
    printf("InfoEx bad cbSize: %d error %lu\n", ok, GetLastError());

    char title[MAX_PATH], exe[MAX_PATH];
    GetConsoleTitleA(title, sizeof title);
    GetModuleFileNameA(NULL, exe, sizeof exe);
    printf("title is the program's path: %s\n", strcmp(title, exe) == 0 ? "yes" : title);
    SetConsoleTitleW(L"ntboot console");
    DWORD len = GetConsoleTitleA(title, sizeof title);
    printf("title: %lu [%s]\n", len, title);
    len = GetConsoleTitleA(title, 5);
    printf("title in 5 chars: %lu [%s]\n", len, title);

    DWORD avail = 12345;
    ok = PeekNamedPipe(in, NULL, 0, NULL, &avail, NULL);
    printf("PeekNamedPipe on console input: %d error %lu\n", ok, GetLastError());
    return 0;
}
