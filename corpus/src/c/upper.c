/* upper: stdin to stdout, letters upper-cased (tr a-z A-Z), through a 64-byte buffer. */
#include <ctype.h>
#include <stdio.h>

int main(void) {
    char buf[64];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        for (size_t i = 0; i < n; i++) buf[i] = (char)toupper((unsigned char)buf[i]);
        fwrite(buf, 1, n, stdout);
    }
    return ferror(stdin) ? 1 : 0;
}
