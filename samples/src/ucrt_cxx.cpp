// ucrt_cxx.exe: C++ on the Universal CRT (built with zig c++ -target x86-windows-gnu: libc++, libc++abi
// and libunwind linked in, the C runtime from ucrtbase through the api-ms-win-crt-* API sets): containers,
// algorithms, string streams, a thrown and caught exception (libunwind finds the unwind tables through
// K32EnumProcessModules), std::wcout (wide characters through fputwc/wcrtomb), iostream formatting.
// Prints its lines; exits with the argument count.
#include <algorithm>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
    (void)argv;
    std::vector<int> v{5, 3, 9, 1};
    std::sort(v.begin(), v.end());
    std::ostringstream os;
    for (int x : v)
        os << x << ' ';
    std::cout << "sorted: " << os.str() << std::endl;
    std::map<std::string, int> m{{"b", 2}, {"a", 1}};
    for (auto &kv : m)
        std::cout << kv.first << "=" << kv.second << "\n";
    try {
        throw std::runtime_error("boom");
    } catch (const std::exception &e) {
        std::cout << "caught " << e.what() << "\n";
    }
    std::cout.flush();
    std::wcout << L"wide " << 42 << std::endl;
    std::cout << 3.25 << " " << std::hex << 255 << std::endl;
    return argc;
}
