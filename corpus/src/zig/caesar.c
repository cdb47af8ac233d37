/* caesar SHIFT: rotates the letters of stdin by SHIFT (rot13 by default). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int k = argc > 1 ? atoi(argv[1]) : 13, c;
    k = ((k % 26) + 26) % 26;
    while ((c = getchar()) != EOF) {
        if (c >= 'a' && c <= 'z') c = 'a' + (c - 'a' + k) % 26;
        else if (c >= 'A' && c <= 'Z') c = 'A' + (c - 'A' + k) % 26;
        putchar(c);
    }
    return 0;
}
