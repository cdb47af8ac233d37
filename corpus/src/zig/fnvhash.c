/* fnvhash: the 32-bit FNV-1a hash of each line of stdin, and of all of it. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t fnv1a(const unsigned char *p, size_t n, uint32_t h) {
    while (n--) { h ^= *p++; h *= 16777619u; }
    return h;
}

int main(void) {
    char line[1024];
    uint32_t all = 2166136261u;
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\r\n");
        all = fnv1a((unsigned char *)line, n, all);
        line[n] = 0;
        printf("%08x  %s\n", (unsigned)fnv1a((unsigned char *)line, n, 2166136261u), line);
    }
    printf("%08x  (all)\n", (unsigned)all);
    return 0;
}
