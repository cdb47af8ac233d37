/* head -n N: the first N lines of stdin (default 10). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    long n = 10;
    if (argc == 3 && !strcmp(argv[1], "-n")) n = strtol(argv[2], NULL, 10);
    else if (argc != 1) { fputs("usage: head [-n N]\n", stderr); return 2; }
    char line[4096];
    while (n > 0 && fgets(line, sizeof line, stdin)) {
        fputs(line, stdout);
        if (strchr(line, '\n')) n--;
    }
    return 0;
}
