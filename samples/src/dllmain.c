/*
 * dllmain.exe - static DLL import (function + data), DllMain notifications,
 * then LoadLibraryA / GetProcAddress / FreeLibrary of a second DLL.
 * Needs sampledll.dll and sampledll2.dll beside it (samples/bin).
 *   - add_numbers (cdecl) and sample_counter (DATA, through
 *     __declspec(dllimport), i.e. via the IAT slot __imp__sample_counter)
 *     come from sampledll.dll;
 *   - the exe increments sample_counter through the import and checks that
 *     sampledll's get_counter() sees the new value (same variable);
 *   - sampledll2.dll is loaded at run time; it imports sampledll.dll, which
 *     is already loaded (no second DLL_PROCESS_ATTACH for sampledll);
 *     FreeLibrary unloads sampledll2 (its DETACH line comes before
 *     "FreeLibrary ok") but sampledll stays until process exit.
 *
 * Expected stdout (exact):
 *   sampledll: DLL_PROCESS_ATTACH
 *   dllmain: start
 *   dllmain: add_numbers(2, 3) = 5
 *   dllmain: sample_counter = 42
 *   dllmain: get_counter() after increment = 43
 *   sampledll2: DLL_PROCESS_ATTACH
 *   dllmain: LoadLibraryA(sampledll2.dll) ok
 *   dllmain: multiply(6, 7) = 42
 *   sampledll2: DLL_PROCESS_DETACH
 *   dllmain: FreeLibrary ok
 *   dllmain: done
 *   sampledll: DLL_PROCESS_DETACH
 * Expected exit code: 0 (1 after a "FAIL:" line).
 */
#include <windows.h>
#include <stdio.h>

__declspec(dllimport) int add_numbers(int a, int b);
__declspec(dllimport) int get_counter(void);
__declspec(dllimport) extern int sample_counter;

typedef int (*multiply_t)(int, int);

int main(void)
{
    HMODULE h;
    multiply_t mul;

    printf("dllmain: start\n");
    printf("dllmain: add_numbers(2, 3) = %d\n", add_numbers(2, 3));
    printf("dllmain: sample_counter = %d\n", sample_counter);
    sample_counter++;
    printf("dllmain: get_counter() after increment = %d\n", get_counter());
    fflush(stdout);

    h = LoadLibraryA("sampledll2.dll");
    if (!h) {
        printf("FAIL: LoadLibraryA(sampledll2.dll) error %lu\n", GetLastError());
        return 1;
    }
    printf("dllmain: LoadLibraryA(sampledll2.dll) ok\n");
    mul = (multiply_t)GetProcAddress(h, "multiply");
    if (!mul) {
        printf("FAIL: GetProcAddress(multiply) error %lu\n", GetLastError());
        return 1;
    }
    printf("dllmain: multiply(6, 7) = %d\n", mul(6, 7));
    fflush(stdout);
    if (!FreeLibrary(h)) {
        printf("FAIL: FreeLibrary error %lu\n", GetLastError());
        return 1;
    }
    printf("dllmain: FreeLibrary ok\n");
    printf("dllmain: done\n");
    fflush(stdout);
    return 0;
}
