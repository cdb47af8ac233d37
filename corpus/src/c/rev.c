/* rev: each line of stdin reversed. */
#include <stdio.h>
#include <string.h>

int main(void) {
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        size_t len = strcspn(line, "\r\n");
        for (size_t i = 0; i < len / 2; i++) {
            char t = line[i]; line[i] = line[len - 1 - i]; line[len - 1 - i] = t;
        }
        line[len] = 0;
        puts(line);
    }
    return 0;
}
