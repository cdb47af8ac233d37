/* tee FILE: stdin to stdout and to FILE; then reads FILE back and reports its size. */
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc != 2) { fputs("usage: tee FILE\n", stderr); return 2; }
    FILE *out = fopen(argv[1], "wb");
    if (!out) { perror(argv[1]); return 1; }
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        fwrite(buf, 1, n, stdout);
        fwrite(buf, 1, n, out);
    }
    fclose(out);
    FILE *in = fopen(argv[1], "rb");
    if (!in) { perror(argv[1]); return 1; }
    fseek(in, 0, SEEK_END);
    fprintf(stderr, "tee: %ld bytes in %s\n", ftell(in), argv[1]);
    fclose(in);
    return remove(argv[1]) == 0 ? 0 : 1;
}
