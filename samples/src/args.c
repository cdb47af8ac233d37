/*
 * args.exe - command line and environment as seen through msvcrt
 * (__getmainargs builds argv from the PEB's command line; getenv reads
 * the environment block that msvcrt copied at start-up).
 *
 * Output: "argc=N", then one line "argv[i]=[text]" for every i from 0 to
 * argc-1 (argv[0] is whatever the command line's first token is), then
 * "NTBOOT_TEST=[value]" or "NTBOOT_TEST=(null)" if the variable is unset.
 * Wildcards are not expanded (_dowildcard = 0).
 *
 * Example: command line `args.exe one "two words" 3`, NTBOOT_TEST=abc:
 *   argc=4
 *   argv[0]=[args.exe]
 *   argv[1]=[one]
 *   argv[2]=[two words]
 *   argv[3]=[3]
 *   NTBOOT_TEST=[abc]
 * Expected exit code: argc (4 in the example; 1 with no arguments).
 */
#include <stdio.h>
#include <stdlib.h>

int _dowildcard = 0;  /* never glob-expand arguments */

int main(int argc, char **argv)
{
    const char *v;
    int i;

    printf("argc=%d\n", argc);
    for (i = 0; i < argc; i++)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    v = getenv("NTBOOT_TEST");
    if (v)
        printf("NTBOOT_TEST=[%s]\n", v);
    else
        printf("NTBOOT_TEST=(null)\n");
    return argc;
}
