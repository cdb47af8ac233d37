/* msvcrt odds: folders (_mkdir/_wmkdir/_rmdir/_wrmdir/_getcwd/_wgetcwd/_chdir), perror/_wperror, aligned blocks,
   _fpreset and __lconv_init.  Expected values: the CRT documentation (errno values of errno.h,
   the messages of strerror, _aligned_malloc's rules). */
#include <windows.h>
#include <direct.h>
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define MAX_PATH_LEN 260
int __cdecl __lconv_init(void);
/* mingw links its own inline _fpreset; msvcrt's is reached through its import slot */
extern void (__cdecl *msvcrt_fpreset)(void) __asm__("__imp___fpreset");

int main(void)
{
    int r;
    r = _mkdir("C:\\xdir");
    printf("_mkdir new: %d\n", r);
    errno = 0; r = _mkdir("C:\\xdir");
    printf("_mkdir again: %d errno=%d\n", r, errno);
    errno = 0; r = _mkdir("C:\\nodir\\sub");
    printf("_mkdir missing parent: %d errno=%d\n", r, errno);
    r = _wmkdir(L"C:\\xdir\\inner");
    printf("_wmkdir inner: %d\n", r);
    errno = 0; r = _rmdir("C:\\xdir");
    printf("_rmdir not empty: %d errno=%d\n", r, errno);
    r = _wrmdir(L"C:\\xdir\\inner");
    printf("_wrmdir inner: %d\n", r);
    r = _rmdir("C:\\xdir");
    printf("_rmdir: %d\n", r);
    errno = 0; r = _rmdir("C:\\xdir");
    printf("_rmdir gone: %d errno=%d\n", r, errno);

    char cwd[MAX_PATH_LEN];
    char win32cwd[MAX_PATH_LEN];
    GetCurrentDirectoryA(sizeof win32cwd, win32cwd);
    printf("_getcwd is GetCurrentDirectory: %s\n", strcmp(_getcwd(cwd, sizeof cwd), win32cwd) == 0 ? "yes" : cwd);
    printf("_chdir C:\\: %d\n", _chdir("C:\\"));
    printf("_getcwd after: [%s]\n", _getcwd(cwd, sizeof cwd));
    errno = 0;
    char *two = _getcwd(cwd, 2);
    printf("_getcwd 2 chars: %s errno=%d\n", two ? "text" : "NULL", errno);
    char *heap = _getcwd(NULL, 0);
    printf("_getcwd NULL: [%s]\n", heap);
    free(heap);
    wchar_t wcwd[64];
    printf("_wgetcwd: %s\n", _wgetcwd(wcwd, 64) && wcscmp(wcwd, L"C:\\") == 0 ? "C:\\" : "WRONG");
    errno = 0;
    r = _chdir("C:\\no such folder");
    printf("_chdir missing: %d errno=%d\n", r, errno);

    fflush(stdout);
    errno = ENOENT; perror("crtextra");
    errno = EINVAL; perror(NULL);
    errno = EACCES; perror("");
    errno = 1000; _wperror(L"wide");

    void *p = _aligned_malloc(100, 64);
    printf("_aligned_malloc 64: %s\n", p && ((uintptr_t)p % 64) == 0 ? "aligned" : "NOT aligned");
    memset(p, 0x5A, 100);
    unsigned char *q = _aligned_realloc(p, 4000, 256);
    int same = q != NULL && ((uintptr_t)q % 256) == 0;
    for (int i = 0; same && i < 100; i++) same = q[i] == 0x5A;
    printf("_aligned_realloc 256: %s\n", same ? "aligned, contents kept" : "WRONG");
    _aligned_free(q);
    _aligned_free(NULL);
    errno = 0; p = _aligned_malloc(16, 3);
    printf("_aligned_malloc align 3: %s errno=%d\n", p ? "block" : "NULL", errno);
    p = _aligned_offset_malloc(100, 32, 8);
    printf("_aligned_offset_malloc: %s\n", p && ((uintptr_t)p + 8) % 32 == 0 ? "offset aligned" : "WRONG");
    _aligned_free(p);
    p = _aligned_realloc(NULL, 10, 16);
    printf("_aligned_realloc NULL: %s\n", p && ((uintptr_t)p % 16) == 0 ? "new block" : "WRONG");
    p = _aligned_realloc(p, 0, 16);
    printf("_aligned_realloc size 0: %s\n", p ? "block" : "NULL");

    _controlfp(_RC_UP, _MCW_RC);
    printf("_controlfp after _RC_UP: %#x\n", _controlfp(0, 0));
    msvcrt_fpreset();
    unsigned short cw;
    __asm__ volatile ("fnstcw %0" : "=m"(cw));
    printf("after _fpreset: _controlfp %#x, x87 control word %#x\n", _controlfp(0, 0), cw);

    struct lconv *lc = localeconv();
    printf("frac_digits before __lconv_init: %d\n", (unsigned char)lc->frac_digits);
    printf("__lconv_init: %d\n", __lconv_init());
    lc = localeconv();
    printf("frac_digits after: %d\n", (unsigned char)lc->frac_digits);
    return 0;
}
