/* seq FIRST [INCREMENT] LAST, as coreutils' seq for integers. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long first = 1, inc = 1, last;
    if (argc == 2) last = atol(argv[1]);
    else if (argc == 3) first = atol(argv[1]), last = atol(argv[2]);
    else if (argc == 4) first = atol(argv[1]), inc = atol(argv[2]), last = atol(argv[3]);
    else { fputs("usage: seq [FIRST [INCREMENT]] LAST\n", stderr); return 1; }
    if (inc == 0) { fputs("seq: invalid zero increment\n", stderr); return 1; }
    for (long i = first; inc > 0 ? i <= last : i >= last; i += inc) printf("%ld\n", i);
    return 0;
}
