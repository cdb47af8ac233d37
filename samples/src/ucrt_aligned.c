/* ucrtbase's aligned blocks and perror (a zig cc / Universal CRT program).  Expected values: the CRT
   documentation (_aligned_malloc's alignment rules, EINVAL, strerror's messages). */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    char *p = _aligned_malloc(1000, 128);
    printf("_aligned_malloc 128: %s\n", p && (uintptr_t)p % 128 == 0 ? "aligned" : "WRONG");
    strcpy(p, "kept");
    printf("_aligned_msize: %s\n", _aligned_msize(p, 128, 0) >= 1000 ? "at least 1000" : "WRONG");
    p = _aligned_realloc(p, 5000, 4096);
    printf("_aligned_realloc 4096: %s [%s]\n", p && (uintptr_t)p % 4096 == 0 ? "aligned" : "WRONG", p ? p : "");
    _aligned_free(p);
    errno = 0;
    p = _aligned_malloc(8, 24);
    printf("_aligned_malloc align 24: %s errno=%d\n", p ? "block" : "NULL", errno);
    fflush(stdout);
    errno = ENOENT;
    perror("ucrt");
    return 0;
}
