/* datefmt SECONDS: a Unix time in UTC, through gmtime and strftime, plus the day of the year. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    time_t t = argc > 1 ? (time_t)strtol(argv[1], NULL, 10) : 0;
    struct tm *tm = gmtime(&t);
    if (!tm) { fputs("datefmt: out of range\n", stderr); return 1; }
    char buf[128];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S (%A, %B), day %j", tm);
    puts(buf);
    return 0;
}
