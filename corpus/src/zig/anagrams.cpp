// anagrams: groups the words of stdin by their sorted letters (std::unordered_map, libc++), printed sorted.
#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

int main() {
    std::unordered_map<std::string, std::vector<std::string>> groups;
    std::string w;
    while (std::cin >> w) {
        std::string key = w;
        std::sort(key.begin(), key.end());
        groups[key].push_back(w);
    }
    std::map<std::string, std::vector<std::string>> ordered(groups.begin(), groups.end());
    for (auto &[key, words] : ordered) {
        if (words.size() < 2) continue;
        std::sort(words.begin(), words.end());
        std::cout << key << ':';
        for (const auto &x : words) std::cout << ' ' << x;
        std::cout << '\n';
    }
    return 0;
}
