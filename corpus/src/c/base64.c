/* base64: encodes stdin (RFC 4648), 76 columns, as coreutils' base64 -w 76. */
#include <stdio.h>

static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int main(void) {
    unsigned char in[3];
    int col = 0;
    size_t n;
    while ((n = fread(in, 1, 3, stdin)) > 0) {
        unsigned v = in[0] << 16 | (n > 1 ? in[1] << 8 : 0) | (n > 2 ? in[2] : 0);
        char out[4] = {tbl[v >> 18 & 63], tbl[v >> 12 & 63], n > 1 ? tbl[v >> 6 & 63] : '=', n > 2 ? tbl[v & 63] : '='};
        for (int i = 0; i < 4; i++) {
            putchar(out[i]);
            if (++col == 76) { putchar('\n'); col = 0; }
        }
        if (n < 3) break;
    }
    if (col) putchar('\n');
    return 0;
}
