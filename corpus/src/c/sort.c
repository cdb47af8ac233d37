/* sort: sorts the lines of stdin (byte order), -r reverses, -u drops duplicates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reverse;
static int cmp(const void *a, const void *b) {
    int r = strcmp(*(char *const *)a, *(char *const *)b);
    return reverse ? -r : r;
}

int main(int argc, char **argv) {
    int unique = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-r")) reverse = 1;
        else if (!strcmp(argv[i], "-u")) unique = 1;
        else { fprintf(stderr, "usage: sort [-r] [-u]\n"); return 2; }
    }
    size_t n = 0, cap = 16;
    char **lines = malloc(cap * sizeof *lines), buf[4096];
    while (fgets(buf, sizeof buf, stdin)) {
        buf[strcspn(buf, "\r\n")] = 0;
        if (n == cap) lines = realloc(lines, (cap *= 2) * sizeof *lines);
        lines[n++] = strdup(buf);
    }
    qsort(lines, n, sizeof *lines, cmp);
    for (size_t i = 0; i < n; i++) {
        if (unique && i && !strcmp(lines[i], lines[i - 1])) continue;
        puts(lines[i]);
    }
    for (size_t i = 0; i < n; i++) free(lines[i]);
    free(lines);
    return 0;
}
