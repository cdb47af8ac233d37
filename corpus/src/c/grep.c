/* grep [-n] [-c] [-v] [-i] STRING: lines of stdin containing STRING; exit 1 when none. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int contains(const char *line, const char *pat, int fold) {
    size_t m = strlen(pat);
    for (const char *p = line; *p; p++) {
        size_t k = 0;
        while (k < m && p[k] && (fold ? tolower((unsigned char)p[k]) == tolower((unsigned char)pat[k]) : p[k] == pat[k])) k++;
        if (k == m) return 1;
    }
    return m == 0;
}

int main(int argc, char **argv) {
    int number = 0, count = 0, invert = 0, fold = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++)
        for (const char *o = argv[i] + 1; *o; o++)
            if (*o == 'n') number = 1; else if (*o == 'c') count = 1; else if (*o == 'v') invert = 1;
            else if (*o == 'i') fold = 1;
            else { fprintf(stderr, "grep: unknown option -%c\n", *o); return 2; }
    if (i != argc - 1) { fputs("usage: grep [-ncvi] STRING\n", stderr); return 2; }
    char line[4096];
    long lineno = 0, hits = 0;
    while (fgets(line, sizeof line, stdin)) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (contains(line, argv[i], fold) == invert) continue;
        hits++;
        if (count) continue;
        if (number) printf("%ld:", lineno);
        puts(line);
    }
    if (count) printf("%ld\n", hits);
    return hits ? 0 : 1;
}
