/* primes N: the sieve of Eratosthenes (calloc'd), prints the count and the last five primes <= N. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100;
    if (n < 2) { puts("0 primes"); return 0; }
    char *composite = calloc((size_t)n + 1, 1);
    if (!composite) { fputs("primes: out of memory\n", stderr); return 1; }
    long count = 0, last[5] = {0};
    for (long i = 2; i <= n; i++) {
        if (composite[i]) continue;
        last[count++ % 5] = i;
        for (long j = i * i; j <= n; j += i) composite[j] = 1;
    }
    printf("%ld primes up to %ld; the last:", count, n);
    for (long k = count < 5 ? 0 : count - 5; k < count; k++) printf(" %ld", last[k % 5]);
    putchar('\n');
    free(composite);
    return 0;
}
