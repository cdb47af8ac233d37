// medianvec: integers from stdin into a std::vector; std::sort, std::accumulate, nth_element.
#include <algorithm>
#include <iostream>
#include <numeric>
#include <vector>

int main() {
    std::vector<long> v;
    long x;
    while (std::cin >> x) v.push_back(x);
    if (v.empty()) { std::cerr << "medianvec: no numbers\n"; return 1; }
    std::vector<long> sorted(v);
    std::sort(sorted.begin(), sorted.end());
    auto mid = v.begin() + v.size() / 2;
    std::nth_element(v.begin(), mid, v.end());
    std::cout << "n=" << v.size() << " sum=" << std::accumulate(v.begin(), v.end(), 0L)
              << " median=" << *mid << " sorted:";
    for (long s : sorted) std::cout << ' ' << s;
    std::cout << '\n';
    return 0;
}
