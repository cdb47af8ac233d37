/* wordfreq: the five most frequent words of stdin (case-folded), most frequent first. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry { char word[32]; int count; };
static struct entry words[1024];
static int nwords;

static int cmp(const void *a, const void *b) {
    const struct entry *x = a, *y = b;
    return x->count != y->count ? y->count - x->count : strcmp(x->word, y->word);
}

static void add(const char *w) {
    for (int i = 0; i < nwords; i++)
        if (!strcmp(words[i].word, w)) { words[i].count++; return; }
    if (nwords < 1024) { strcpy(words[nwords].word, w); words[nwords++].count = 1; }
}

int main(void) {
    char w[32];
    int len = 0, c;
    while ((c = getchar()) != EOF) {
        if (isalpha(c)) { if (len < 31) w[len++] = (char)tolower(c); }
        else if (len) { w[len] = 0; add(w); len = 0; }
    }
    if (len) { w[len] = 0; add(w); }
    qsort(words, nwords, sizeof words[0], cmp);
    for (int i = 0; i < nwords && i < 5; i++) printf("%-10s %d\n", words[i].word, words[i].count);
    return 0;
}
