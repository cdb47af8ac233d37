// streams: iostream formatting (setw, setfill, hex, fixed, scientific) of a small table.
#include <iomanip>
#include <iostream>

int main() {
    for (int i = 1; i <= 4; ++i) {
        double x = 1.0 / (i * 7);
        std::cout << std::setw(3) << i << " | " << std::hex << std::setw(6) << std::setfill('0') << i * 4096
                  << std::dec << std::setfill(' ') << " | " << std::fixed << std::setprecision(5) << x << " | "
                  << std::scientific << std::setprecision(2) << x * 1e6 << std::defaultfloat << '\n';
    }
    return 0;
}
