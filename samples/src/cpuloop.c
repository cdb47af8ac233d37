/*
 * cpuloop.exe - CPU-bound benchmark: a xorshift32 PRNG run N times with
 * an accumulator, no calls inside the loop. N = argv[1] (decimal) if given,
 * else 50,000,000.
 *
 * Expected stdout (exact), no argument:
 *   cpuloop: iterations=50000000 result=2450694087
 * with argument 1000:    cpuloop: iterations=1000 result=622743910
 * with argument 1000000: cpuloop: iterations=1000000 result=3932302724
 * with argument 0:       cpuloop: iterations=0 result=2463534242
 * (reference: samples/cpuloop_ref.py N)
 * Expected exit code: 0
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    unsigned long n = 50000000UL, i;
    unsigned int x = 2463534242u, sum = 0;

    if (argc > 1)
        n = strtoul(argv[1], NULL, 10);
    for (i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        sum += x ^ (unsigned int)i;
    }
    printf("cpuloop: iterations=%lu result=%u\n", n, sum ^ x);
    return 0;
}
