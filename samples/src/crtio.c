/* crtio.exe: msvcrt FILE streams and low-level I/O on a disk file in the sandbox (C:\crtio.txt):
 * fopen/fprintf/fputs/fputc/fwrite, buffering (a second stream sees nothing before fflush),
 * text mode (CR LF on disk, read back in binary), fgets/fgetc/ungetc/fread, fseek/ftell/rewind,
 * feof/ferror/clearerr, fscanf/sscanf, _open/_read/_write/_lseek/_close, setvbuf, fopen errors
 * (errno), and the order of buffered stdout vs unbuffered stderr on the console.
 * Prints one line per check; exit code 0 (1 after a FAIL line). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <io.h>
#include <fcntl.h>

static int failures;
#define CHECK(cond, what) do { if (!(cond)) { printf("FAIL: %s\n", what); failures++; } } while (0)

int main(void)
{
    FILE *f, *g;
    char line[64], raw[64];
    int n, a, b, fd;
    long pos;
    char word[16];
    double d;

    f = fopen("C:\\crtio.txt", "w");
    CHECK(f != NULL, "fopen w");
    fprintf(f, "line one %d\n", 1);
    fputs("line two\n", f);
    fputc('x', f);
    fwrite("yz\n", 1, 3, f);
    fprintf(f, "%d %d %s %f\n", 42, -7, "word", 2.5);

    g = fopen("C:\\crtio.txt", "rb");
    n = (int)fread(raw, 1, sizeof raw, g);
    printf("before fflush a reader sees %d bytes\n", n);
    fflush(f);
    clearerr(g);
    rewind(g);
    n = (int)fread(raw, 1, sizeof raw, g);
    printf("after fflush: %d bytes, CR LF on disk: %s\n", n, memchr(raw, '\r', n) ? "yes" : "no");
    fclose(g);
    printf("ftell while writing: %ld\n", ftell(f));
    CHECK(fclose(f) == 0, "fclose");

    f = fopen("C:\\crtio.txt", "r");
    fgets(line, sizeof line, f);
    printf("fgets: [%.*s] len=%d\n", (int)strcspn(line, "\n"), line, (int)strlen(line));
    printf("ftell after one line: %ld\n", ftell(f));
    n = fgetc(f);
    ungetc('L', f);
    fgets(line, sizeof line, f);
    printf("fgetc=%c after ungetc: [%.*s]\n", n, (int)strcspn(line, "\n"), line);
    pos = ftell(f);
    fgets(line, sizeof line, f);
    fseek(f, pos, SEEK_SET);
    fgets(raw, sizeof raw, f);
    printf("fseek back to %ld: same line %s\n", pos, strcmp(line, raw) == 0 ? "yes" : "no");
    n = fscanf(f, "%d %d %15s %lf", &a, &b, word, &d);
    printf("fscanf: %d -> %d %d %s %.2f\n", n, a, b, word, d);
    n = fgetc(f);
    n = fgetc(f);
    printf("at end: fgetc=%d feof=%d ferror=%d\n", n, feof(f) != 0, ferror(f) != 0);
    clearerr(f);
    printf("after clearerr: feof=%d\n", feof(f) != 0);
    fseek(f, -4, SEEK_END);
    fgets(line, sizeof line, f);
    printf("last 4 bytes: [%.*s]\n", (int)strcspn(line, "\n"), line);
    fclose(f);

    f = fopen("C:\\crtio.txt", "a+");
    fputs("appended\n", f);
    fseek(f, 0, SEEK_SET);
    fgets(line, sizeof line, f);
    printf("a+ then read: [%.*s]\n", (int)strcspn(line, "\n"), line);
    fclose(f);

    fd = _open("C:\\crtio.bin", _O_CREAT | _O_TRUNC | _O_WRONLY | _O_BINARY, 0600);
    printf("_open: %d\n", fd >= 3);
    printf("_write: %d\n", _write(fd, "0123456789\n", 11));
    _close(fd);
    fd = _open("C:\\crtio.bin", _O_RDONLY | _O_BINARY);
    printf("_lseek: %ld\n", _lseek(fd, 3, SEEK_SET));
    n = _read(fd, raw, 4);
    printf("_read: %d [%.4s] then %d at end\n", n, raw, (int)_lseek(fd, 0, SEEK_END));
    _close(fd);
    n = _close(fd);
    printf("_close again: %d errno=%d\n", n, errno);

    f = fopen("C:\\missing\\nothing.txt", "r");
    printf("fopen missing: %s errno=%d\n", f ? "opened" : "NULL", errno);
    f = fopen("C:\\crtio.txt", "q");
    printf("fopen bad mode: %s errno=%d\n", f ? "opened" : "NULL", errno);

    f = fopen("C:\\crtio.txt", "r");
    setvbuf(f, NULL, _IONBF, 0);
    printf("unbuffered getc: %c\n", getc(f));
    fclose(f);

    n = sscanf("  17 0x1F abc 3.25e1 rest", "%d %i %s %lf", &a, &b, word, &d);
    printf("sscanf: %d -> %d %d %s %g\n", n, a, b, word, d);
    printf("sscanf empty: %d, mismatch: %d\n", sscanf("", "%d", &a), sscanf("zz", "%d", &a));

    fprintf(stdout, "stdout line 1\n");
    fprintf(stderr, "stderr line\n");
    fprintf(stdout, "stdout line 2\n");
    return failures ? 1 : 0;
}
