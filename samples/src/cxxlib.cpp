// cxxlib.dll - C++ code in a DLL that throws; linked dynamically against the MinGW runtime DLLs
// (libstdc++-6.dll, libgcc_s_dw2-1.dll), so the exception crosses module boundaries through the
// DW2 unwinder in libgcc_s_dw2-1.dll.
#include <stdexcept>
#include <string>

extern "C" __declspec(dllexport) int risky(int x)
{
    if (x < 0)
        throw std::runtime_error("negative input " + std::to_string(x));
    return x * 2;
}
