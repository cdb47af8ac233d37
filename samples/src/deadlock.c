/*
 * deadlock.exe - the only thread waits forever on its own handle: on Windows it hangs; an emulator
 * must end the run and say which wait never ends.
 * Expected stdout: "waiting" (flushed); never "woke up".
 */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    printf("waiting\n");
    fflush(stdout);
    WaitForSingleObject(GetCurrentThread(), INFINITE);
    printf("woke up\n");
    return 0;
}
