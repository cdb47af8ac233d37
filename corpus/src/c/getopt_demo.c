/* an options parser as many C tools have (getopt from MinGW's libmingwex): -v, -o FILE, -n N. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int verbose = 0, n = 1, c;
    const char *out = "-";
    while ((c = getopt(argc, argv, "vo:n:")) != -1) {
        switch (c) {
        case 'v': verbose++; break;
        case 'o': out = optarg; break;
        case 'n': n = atoi(optarg); break;
        default: fprintf(stderr, "usage: %s [-v] [-o FILE] [-n N] ARGS...\n", "getopt_demo"); return 64;
        }
    }
    printf("verbose=%d out=%s n=%d\n", verbose, out, n);
    for (int i = optind; i < argc; i++) printf("arg[%d]=%s\n", i - optind, argv[i]);
    return 0;
}
