/* ucrt_hello.exe: a Universal CRT program (built with zig cc -target x86-windows-gnu: it imports
 * ucrtbase through the api-ms-win-crt-* API sets): UCRT start-up (_configure_narrow_argv,
 * _initterm_e, _crt_atexit ...), printf through __stdio_common_vfprintf (two-digit exponents),
 * snprintf through __stdio_common_vsprintf, sscanf, malloc/realloc/free, string functions, argv,
 * qsort, an atexit handler, and the exit code from main.  Prints its lines; exits with 7. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static void bye(void)
{
    printf("atexit handler\n");
}

int main(int argc, char **argv)
{
    char buf[16];
    char *p = malloc(8);
    int v[] = {3, 1, 2}, a = 0, n;
    atexit(bye);
    strcpy(p, "ucrt");
    p = realloc(p, 64);
    strcat(p, " hello");
    printf("%s argc=%d argv[1]=%s len=%u\n", p, argc, argc > 1 ? argv[1] : "(none)", (unsigned)strlen(p));
    printf("%e %g %zu\n", 12345.678, 1e-10, sizeof(double));
    n = snprintf(buf, sizeof buf, "%s-%d-%s", "truncated", 12345, "text");
    printf("snprintf: %d [%s]\n", n, buf);
    n = sscanf("40 2", "%d", &a);
    printf("sscanf: %d %d\n", n, a);
    qsort(v, 3, sizeof v[0], cmp);
    printf("qsort: %d %d %d\n", v[0], v[1], v[2]);
    fprintf(stderr, "to stderr\n");
    free(p);
    return 7;
}
