#!/bin/sh
# Builds the corpus programs whose sources are in corpus/src into corpus/bin (committed, so that the
# tests need no compiler).  Toolchains: MinGW-w64 gcc/g++ (i686-w64-mingw32-*, msvcrt.dll),
# zig cc/c++ from PyPI's ziglang (x86-windows-gnu: UCRT, libc++), Go (GOOS=windows GOARCH=386).
#   sh corpus/build.sh            (from the repository root or anywhere)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$here/src
bin=$here/bin
mkdir -p "$bin/gcc" "$bin/gxx" "$bin/zig" "$bin/zigxx" "$bin/go"

for f in "$src"/c/*.c; do
    n=$(basename "$f" .c)
    i686-w64-mingw32-gcc -O2 -s -std=c11 -Wall -o "$bin/gcc/$n.exe" "$f" -lm
done
for f in "$src"/cpp/*.cpp; do
    n=$(basename "$f" .cpp)
    i686-w64-mingw32-g++ -O2 -s -std=c++17 -Wall -static -o "$bin/gxx/$n.exe" "$f"
done
zig="${PYTHON:-python3} -m ziglang"
for f in "$src"/zig/*.c; do
    n=$(basename "$f" .c)
    $zig cc -target x86-windows-gnu -O2 -s -o "$bin/zig/$n.exe" "$f"
done
for f in "$src"/zig/*.cpp; do
    n=$(basename "$f" .cpp)
    $zig c++ -target x86-windows-gnu -O2 -s -std=c++17 -o "$bin/zigxx/$n.exe" "$f"
done
rm -f "$bin"/zig/*.pdb "$bin"/zigxx/*.pdb "$bin"/zig/*.lib "$bin"/zigxx/*.lib
for d in "$src"/go/*/; do
    n=$(basename "$d")
    (cd "$src/go" && GOOS=windows GOARCH=386 CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -buildid=" \
        -o "$bin/go/$n.exe" "./$n")
done
