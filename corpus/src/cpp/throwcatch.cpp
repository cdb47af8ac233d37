// throwcatch: C++ exceptions across frames (std::runtime_error, a custom type, rethrow, destructors run).
#include <cstdio>
#include <stdexcept>
#include <string>

struct Guard {
    const char *name;
    ~Guard() { std::printf("unwound %s\n", name); }
};

struct ParseError { int line; };

static int parse(int n) {
    Guard g{"parse"};
    if (n < 0) throw std::invalid_argument("negative: " + std::to_string(n));
    if (n > 100) throw ParseError{n};
    return n * 2;
}

int main() {
    int values[] = {21, -4, 250};
    int caught = 0;
    for (int v : values) {
        try {
            std::printf("parse(%d) = %d\n", v, parse(v));
        } catch (const std::exception &e) {
            std::printf("std::exception: %s\n", e.what());
            caught++;
        } catch (const ParseError &e) {
            std::printf("ParseError at %d\n", e.line);
            caught++;
        }
    }
    try {
        try { throw std::out_of_range("inner"); }
        catch (...) { std::puts("rethrowing"); throw; }
    } catch (const std::logic_error &e) { std::printf("outer caught %s\n", e.what()); caught++; }
    return caught;
}
