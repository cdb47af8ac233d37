/* hexdump -C: offset, 16 bytes in hex, and the printable characters, of stdin. */
#include <ctype.h>
#include <stdio.h>

int main(void) {
    unsigned char b[16];
    unsigned long off = 0;
    size_t n;
    while ((n = fread(b, 1, 16, stdin)) > 0) {
        printf("%08lx ", off);
        for (size_t i = 0; i < 16; i++) {
            if (i == 8) putchar(' ');
            if (i < n) printf(" %02x", b[i]); else printf("   ");
        }
        printf("  |");
        for (size_t i = 0; i < n; i++) putchar(isprint(b[i]) ? b[i] : '.');
        printf("|\n");
        off += n;
    }
    printf("%08lx\n", off);
    return 0;
}
