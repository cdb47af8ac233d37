// tokens: splits its arguments' text into identifiers, numbers and operators (std::string_view, std::variant).
#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct Ident { std::string_view name; };
struct Number { long value; };
struct Op { char c; };
using Token = std::variant<Ident, Number, Op>;

static std::vector<Token> lex(std::string_view s) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = s[i];
        if (std::isspace(c)) { ++i; continue; }
        size_t j = i;
        if (std::isalpha(c) || c == '_') {
            while (j < s.size() && (std::isalnum((unsigned char)s[j]) || s[j] == '_')) ++j;
            out.push_back(Ident{s.substr(i, j - i)});
        } else if (std::isdigit(c)) {
            long v = 0;
            while (j < s.size() && std::isdigit((unsigned char)s[j])) v = v * 10 + (s[j++] - '0');
            out.push_back(Number{v});
        } else {
            out.push_back(Op{s[j++]});
        }
        i = j;
    }
    return out;
}

int main(int argc, char **argv) {
    std::string text;
    for (int i = 1; i < argc; ++i) text += std::string(i > 1 ? " " : "") + argv[i];
    for (const Token &t : lex(text)) {
        if (auto *id = std::get_if<Ident>(&t)) std::printf("ident  %.*s\n", (int)id->name.size(), id->name.data());
        else if (auto *n = std::get_if<Number>(&t)) std::printf("number %ld\n", n->value);
        else std::printf("op     %c\n", std::get<Op>(t).c);
    }
    return 0;
}
