/* rpn: a reverse Polish calculator over its arguments: rpn 3 4 + 2 "*" prints 14. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    double st[64];
    int sp = 0;
    for (int i = 1; i < argc; i++) {
        const char *t = argv[i];
        if (strlen(t) == 1 && strchr("+-*/^", t[0])) {
            if (sp < 2) { fprintf(stderr, "rpn: stack underflow at '%s'\n", t); return 1; }
            double b = st[--sp], a = st[--sp];
            st[sp++] = t[0] == '+' ? a + b : t[0] == '-' ? a - b : t[0] == '*' ? a * b : t[0] == '/' ? a / b : pow(a, b);
        } else if (!strcmp(t, "sqrt") && sp) {
            st[sp - 1] = sqrt(st[sp - 1]);
        } else {
            char *end;
            st[sp++] = strtod(t, &end);
            if (*end) { fprintf(stderr, "rpn: bad token '%s'\n", t); return 1; }
        }
    }
    if (sp != 1) { fprintf(stderr, "rpn: %d values left\n", sp); return 1; }
    printf("%.10g\n", st[0]);
    return 0;
}
