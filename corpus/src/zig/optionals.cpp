// optionals: parses "key=value" arguments into a config with std::optional; throws on a bad number.
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

struct Config { std::optional<int> port; std::optional<std::string> host; bool verbose = false; };

static int to_int(const std::string &s) {
    size_t used = 0;
    int v = std::stoi(s, &used);
    if (used != s.size()) throw std::invalid_argument("trailing characters in " + s);
    return v;
}

int main(int argc, char **argv) {
    Config c;
    try {
        for (int i = 1; i < argc; ++i) {
            std::string a = argv[i];
            auto eq = a.find('=');
            std::string key = a.substr(0, eq), value = eq == std::string::npos ? "" : a.substr(eq + 1);
            if (key == "port") c.port = to_int(value);
            else if (key == "host") c.host = value;
            else if (key == "verbose") c.verbose = true;
            else throw std::runtime_error("unknown key " + key);
        }
    } catch (const std::exception &e) {
        std::cerr << "optionals: " << e.what() << '\n';
        return 2;
    }
    std::cout << "host=" << c.host.value_or("localhost") << " port=" << c.port.value_or(80)
              << " verbose=" << std::boolalpha << c.verbose << '\n';
    return 0;
}
