/* uniq -c: each run of equal adjacent lines once, with its count. */
#include <stdio.h>
#include <string.h>

int main(void) {
    char prev[1024] = "", line[1024];
    int count = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        if (count && !strcmp(line, prev)) { count++; continue; }
        if (count) printf("%7d %s\n", count, prev);
        strcpy(prev, line);
        count = 1;
    }
    if (count) printf("%7d %s\n", count, prev);
    return 0;
}
