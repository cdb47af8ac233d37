/* roman: each argument converted between Arabic and Roman numerals. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int val[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
static const char *sym[] = {"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"};

static int from_roman(const char *s) {
    int total = 0;
    for (int i = 0; i < 13 && *s; i++)
        while (!strncmp(s, sym[i], strlen(sym[i]))) { total += val[i]; s += strlen(sym[i]); }
    return *s ? -1 : total;
}

int main(int argc, char **argv) {
    int bad = 0;
    for (int a = 1; a < argc; a++) {
        if (isdigit((unsigned char)argv[a][0])) {
            int n = atoi(argv[a]);
            if (n <= 0 || n >= 4000) { fprintf(stderr, "roman: %s out of range\n", argv[a]); bad = 1; continue; }
            printf("%d = ", n);
            for (int i = 0; i < 13; i++) while (n >= val[i]) { fputs(sym[i], stdout); n -= val[i]; }
            putchar('\n');
        } else {
            int n = from_roman(argv[a]);
            if (n < 0) { fprintf(stderr, "roman: %s is not a numeral\n", argv[a]); bad = 1; continue; }
            printf("%s = %d\n", argv[a], n);
        }
    }
    return bad;
}
