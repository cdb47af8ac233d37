// wordmap: word counts of stdin in a std::map, printed in key order (iostreams, std::string).
#include <iostream>
#include <map>
#include <string>

int main() {
    std::map<std::string, int> counts;
    std::string word;
    while (std::cin >> word) ++counts[word];
    for (const auto &kv : counts) std::cout << kv.first << ": " << kv.second << '\n';
    std::cout << counts.size() << " distinct words\n";
    return 0;
}
