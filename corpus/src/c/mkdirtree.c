/* mkdirtree: creates a small folder tree with files through the CRT (_mkdir, fopen), lists it with
   _findfirst/_findnext in name order, then removes it (remove, _rmdir). */
#include <direct.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
    const char *files[] = {"tree\\b.txt", "tree\\a.txt", "tree\\sub\\c.txt"};
    if (_mkdir("tree") || _mkdir("tree\\sub")) { perror("mkdir"); return 1; }
    for (int i = 0; i < 3; i++) {
        FILE *f = fopen(files[i], "w");
        if (!f) { perror(files[i]); return 1; }
        fprintf(f, "file %d\n", i);
        fclose(f);
    }
    struct _finddata_t fd;
    intptr_t h = _findfirst("tree\\*", &fd);
    char *names[16];
    int n = 0;
    if (h != -1) {
        do {
            if (strcmp(fd.name, ".") && strcmp(fd.name, "..") && n < 16) {
                char buf[300];
                snprintf(buf, sizeof buf, "%s%s %ld", fd.name, fd.attrib & _A_SUBDIR ? "\\" : "", (long)(fd.attrib & _A_SUBDIR ? 0 : fd.size));
                names[n++] = strdup(buf);
            }
        } while (_findnext(h, &fd) == 0);
        _findclose(h);
    }
    qsort(names, n, sizeof names[0], cmp);
    for (int i = 0; i < n; i++) puts(names[i]);
    for (int i = 0; i < 3; i++) if (remove(files[i])) { perror(files[i]); return 1; }
    if (_rmdir("tree\\sub") || _rmdir("tree")) { perror("rmdir"); return 1; }
    puts("removed");
    return 0;
}
