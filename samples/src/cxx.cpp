// cxx.exe - C++ exceptions with the real MinGW runtime DLLs (libstdc++-6.dll, libgcc_s_dw2-1.dll,
// loaded from the program's folder with their own DllMain and TLS callbacks): a throw caught in the
// same module, a destructor run during unwinding, and a throw from cxxlib.dll caught here.
// Expected stdout (the destructor runs while unwinding, before the catch block):
//   guard: destroyed
//   local: caught 42
//   caught from dll: negative input -5
//   dll ok: 14
// Exit code 0.
#include <cstdio>
#include <stdexcept>

extern "C" __declspec(dllimport) int risky(int x);

struct Guard {
    ~Guard() { std::printf("guard: destroyed\n"); }
};

static void thrower()
{
    Guard g;
    throw 42;
}

int main()
{
    try {
        try {
            thrower();
        } catch (int v) {
            std::printf("local: caught %d\n", v);
        }
        risky(-5);
        std::printf("not reached\n");
    } catch (const std::exception &e) {
        std::printf("caught from dll: %s\n", e.what());
    }
    std::printf("dll ok: %d\n", risky(7));
    return 0;
}
