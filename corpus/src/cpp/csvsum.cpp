// csvsum: sums the numeric columns of a CSV on stdin (header line first), std::getline + stringstream.
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

int main() {
    std::string line, cell;
    if (!std::getline(std::cin, line)) { std::cerr << "csvsum: empty input\n"; return 1; }
    std::vector<std::string> names;
    std::stringstream header(line);
    while (std::getline(header, cell, ',')) names.push_back(cell);
    std::vector<double> sums(names.size());
    int rows = 0;
    while (std::getline(std::cin, line)) {
        std::stringstream ss(line);
        for (size_t i = 0; i < names.size() && std::getline(ss, cell, ','); ++i) sums[i] += std::stod(cell);
        ++rows;
    }
    std::cout << rows << " rows\n" << std::fixed << std::setprecision(2);
    for (size_t i = 0; i < names.size(); ++i) std::cout << names[i] << " = " << sums[i] << '\n';
    return 0;
}
