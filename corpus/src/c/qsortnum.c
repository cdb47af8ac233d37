/* numbers: reads integers from stdin; prints count, sum, min, max, mean and median (qsort). */
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

int main(void) {
    long v[4096], x, sum = 0;
    int n = 0;
    while (n < 4096 && scanf("%ld", &x) == 1) { v[n++] = x; sum += x; }
    if (!n) { fputs("numbers: no input\n", stderr); return 1; }
    qsort(v, n, sizeof v[0], cmp);
    double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    printf("count=%d sum=%ld min=%ld max=%ld mean=%.3f median=%.1f\n", n, sum, v[0], v[n - 1], (double)sum / n, median);
    return 0;
}
