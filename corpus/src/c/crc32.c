/* crc32: the CRC-32 (IEEE 802.3, as zlib's crc32) of stdin or of each file named. */
#include <stdio.h>

static unsigned long table[256];

static unsigned long crc_of(FILE *f) {
    unsigned long crc = 0xFFFFFFFFUL;
    int c;
    while ((c = getc(f)) != EOF) crc = table[(crc ^ (unsigned)c) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFUL;
}

int main(int argc, char **argv) {
    for (unsigned n = 0; n < 256; n++) {
        unsigned long c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320UL ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    if (argc < 2) { printf("%08lx\n", crc_of(stdin)); return 0; }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); status = 1; continue; }
        printf("%08lx  %s\n", crc_of(f), argv[i]);
        fclose(f);
    }
    return status;
}
