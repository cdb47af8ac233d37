#!/usr/bin/env bash
# Rebuilds every test binary in samples/bin/ from samples/src/.
#
# Needs (Debian 12 package names):
#   i686-w64-mingw32-gcc (gcc 12, win32 thread model), i686-w64-mingw32-dlltool and
#   i686-w64-mingw32-windres
#       apt-get install gcc-mingw-w64-i686-win32 binutils-mingw-w64-i686
#   x86_64-w64-mingw32-gcc, only for bin/bad/x64.exe
#       apt-get install gcc-mingw-w64-x86-64-win32
#   python3 (for make_bad.py; pefile for the final check, which is skipped
#   with a warning if pefile is not installed)
# The binaries link the system msvcrt.dll (mingw-w64's default CRT) and import
# only kernel32.dll, msvcrt.dll and the sample DLLs built here (a few named ones
# also advapi32, ntdll, user32, shell32, ole32, oleaut32: see list_imports.py).
#
# Output is deterministic: no timestamps (--no-insert-timestamp), no
# compiler ident (-fno-ident), stripped (-s), source paths mapped.
# Usage: samples/build.sh          (from anywhere)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$HERE/src
BIN=$HERE/bin

die() { echo "build.sh: error: $*" >&2; exit 1; }

# Prefer the explicit win32-thread-model driver (no winpthread), fall back
# to the default alternative.
pick() {
    local t
    for t in "$@"; do
        if command -v "$t" >/dev/null 2>&1; then echo "$t"; return 0; fi
    done
    return 1
}
CC32=${CC32:-$(pick i686-w64-mingw32-gcc-win32 i686-w64-mingw32-gcc)} ||
    die "i686-w64-mingw32-gcc not found (apt-get install gcc-mingw-w64-i686-win32)"
DLLTOOL=${DLLTOOL:-$(pick i686-w64-mingw32-dlltool)} ||
    die "i686-w64-mingw32-dlltool not found (apt-get install binutils-mingw-w64-i686)"
CC64=${CC64:-$(pick x86_64-w64-mingw32-gcc-win32 x86_64-w64-mingw32-gcc)} ||
    die "x86_64-w64-mingw32-gcc not found, needed for bin/bad/x64.exe (apt-get install gcc-mingw-w64-x86-64-win32)"
PYTHON=${PYTHON:-$(pick python3 python)} || die "python3 not found (needed for make_bad.py)"
for t in "$CC32" "$DLLTOOL" "$CC64" "$PYTHON"; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found (see the list of needed tools at the top of $0)"
done

echo "build.sh: 32-bit compiler: $CC32 ($("$CC32" -dumpversion))"
echo "build.sh: 64-bit compiler: $CC64 ($("$CC64" -dumpversion))"

# __USE_MINGW_ANSI_STDIO=0: call msvcrt's own printf family (this mingw-w64
# defaults to its private printf implementation otherwise).
CFLAGS=(-O2 -Wall -Wextra -fno-ident -fno-asynchronous-unwind-tables
        -D__USE_MINGW_ANSI_STDIO=0 "-ffile-prefix-map=$HERE=samples")
LDFLAGS=(-s -static-libgcc -Wl,--no-insert-timestamp -Wl,--dynamicbase
         -Wl,--nxcompat)

OBJ=$(mktemp -d "${TMPDIR:-/tmp}/ntboot-samples.XXXXXX")
trap 'rm -rf "$OBJ"' EXIT

# everything but bin/go (the Go programs of build_go.sh)
find "$BIN" -mindepth 1 -maxdepth 1 ! -name go -exec rm -rf {} +
mkdir -p "$BIN/bad"

exe() {  # exe NAME [extra args...]: src/NAME.c -> bin/NAME.exe
    local name=$1; shift
    echo "  CC   bin/$name.exe"
    "$CC32" "${CFLAGS[@]}" "$SRC/$name.c" -o "$BIN/$name.exe" "${LDFLAGS[@]}" "$@"
}

dll() {  # dll NAME SRC OUTDIR BASE [extra args...]: -> OUTDIR/NAME.dll + $OBJ/libNAME.a
    local name=$1 src=$2 out=$3 base=$4; shift 4
    if [ "$out" = "$BIN" ]; then
        echo "  CC   bin/$name.dll (base $base)"
    else
        echo "  CC   $name.dll (base $base, temporary: link-time only)"
    fi
    "$CC32" "${CFLAGS[@]}" -shared "$SRC/$src" -o "$out/$name.dll" \
        "${LDFLAGS[@]}" -Wl,--image-base,"$base" \
        -Wl,--out-implib,"$OBJ/lib$name.a" "$@"
}

implib() {  # implib NAME: src/NAME.def -> $OBJ/libNAME.a
    echo "  DLLTOOL $1.def"
    "$DLLTOOL" -m i386 -d "$SRC/$1.def" -l "$OBJ/lib$1.a"
}

# 1-4, 7-10: plain programs
for p in hello args pebwalk tls cpuloop callbench deadlock seh unhandled spawn spawnmany cpufaults stackoverflow pingpong heaptime forever unsupported fault \
         crtio crtmisc codepages sync deadlock2 fls ctrlc usercwd; do
    exe "$p"
done
# the file system and the registry (registry imports advapi32.dll, which mingw links by default)
exe files
exe registry
exe observe -lntdll          # imports ntdll.dll directly (NtCreateFile, NtWriteFile, NtClose)
exe ntdllcrt -lntdllcrt      # C runtime functions and 64-bit helpers from ntdll.dll, _sys_errlist from msvcrt
exe shlwapi -lshlwapi        # imports shlwapi.dll (Path*/Str*)
exe rtapis -lwinmm -lws2_32   # what language runtimes call at start-up (winmm, ws2_32, IOCP, versions)
# functions ntboot does not implement, for --lenient
exe lenient
# msvcrt odds: folders, perror, aligned blocks, _fpreset, __lconv_init
exe crtextra
# Windows Sockets without a network (imports ws2_32.dll)
exe winsock -lws2_32
# the console's modes, line input, screen buffer and title
exe console
exe conin                    # console input records
# thread contexts, RtlCaptureContext (needs EBP frames), psapi (psapi.dll and kernel32's K32*), I/O
# control, locales, symbolic links
exe sysmisc -fno-omit-frame-pointer -DPSAPI_VERSION=1 -lpsapi
# user32, shell32, ole32, oleaut32, and a string table compiled by windres
WINDRES=${WINDRES:-$(pick i686-w64-mingw32-windres)} ||
    die "i686-w64-mingw32-windres not found (apt-get install binutils-mingw-w64-i686)"
echo "  RC   shellmisc.rc"
"$WINDRES" -O coff -i "$SRC/shellmisc.rc" -o "$OBJ/shellmisc.res.o"
exe shellmisc "$OBJ/shellmisc.res.o" -luser32 -lshell32 -lole32 -loleaut32
# the Windows version and the profile folders (runs on XP and Windows 7 alike: no Vista imports)
exe version -lshell32
# msvcsys: SList, folders, computer name, MulDiv, IsBad*Ptr, resources, Toolhelp (kernel32 only)
echo "  RC   msvcsys.rc"
"$WINDRES" -O coff -i "$SRC/msvcsys.rc" -o "$OBJ/msvcsys.res.o"
exe msvcsys "$OBJ/msvcsys.res.o" -D_WIN32_WINNT=0x0601 -DPSAPI_VERSION=2   # + advapi32 (token), linked by default
exe verinfo -lversion        # version.dll on msvcsys.exe's version resource

# 5: DLL group
dll sampledll sampledll.c "$BIN" 0x61000000
dll sampledll2 sampledll2.c "$BIN" 0x62000000 "$OBJ/libsampledll.a"
exe dllmain "$OBJ/libsampledll.a"
exe threads "$OBJ/libsampledll.a"
# delay-load import libraries (dlltool -y), made inside $OBJ: their descriptor symbols are named after
# the library file (__DELAY_IMPORT_DESCRIPTOR_libsampledll_delay_a), which delayload.c refers to
echo "  DLLTOOL -y delayload.def ghostdelay.def"
(cd "$OBJ" && "$DLLTOOL" -m i386 -d "$SRC/delayload.def" -y libsampledll_delay.a &&
    "$DLLTOOL" -m i386 -d "$SRC/ghostdelay.def" -y libghostdelay_delay.a)
exe delayload "$OBJ/libsampledll_delay.a" "$OBJ/libghostdelay_delay.a"
exe ldrstate                  # LoadLibrary/FreeLibrary of relocA.dll and relocB.dll (built below), LoadCount, unlinking

# 6: relocation group: same preferred base on purpose
dll relocA reloclib.c "$BIN" 0x10000000 -DLETTER=A
dll relocB reloclib.c "$BIN" 0x10000000 -DLETTER=B
exe reloc "$OBJ/librelocA.a" "$OBJ/librelocB.a"

# 11: bad imports
dll ghost ghost.c "$OBJ" 0x64000000          # link-time only, NOT kept in bin
exe missingdll "$OBJ/libghost.a"
implib missingname
exe missingname "$OBJ/libmissingname.a"
implib missingordinal
exe missingordinal "$OBJ/libmissingordinal.a"
dll failinit failinit.c "$BIN" 0x63000000
exe dllmainfalse "$OBJ/libfailinit.a"

# a Universal CRT program (api-ms-win-crt-* -> ucrtbase.dll imports): zig cc, which ships the UCRT
# import libraries; ZIG may name another zig (default: the ziglang Python package)
ZIG=${ZIG:-"$PYTHON -m ziglang"}
$ZIG version >/dev/null 2>&1 ||
    die "zig not found, needed for bin/ucrt_hello.exe (python3 -m pip install ziglang, or ZIG=/path/to/zig)"
echo "  ZIG  bin/ucrt_hello.exe"
(cd "$HERE" && $ZIG cc -target x86-windows-gnu -O2 -s "src/ucrt_hello.c" -o "$BIN/ucrt_hello.exe")
rm -f "$BIN/ucrt_hello.pdb" "$BIN/ucrt_hello.lib"
echo "  ZIG  bin/ucrt_more.exe"
(cd "$HERE" && $ZIG cc -target x86-windows-gnu -O2 -s "src/ucrt_more.c" -o "$BIN/ucrt_more.exe")
rm -f "$BIN/ucrt_more.pdb" "$BIN/ucrt_more.lib"
echo "  ZIG  bin/ucrt_cxx.exe"
(cd "$HERE" && $ZIG c++ -target x86-windows-gnu -O2 -s "src/ucrt_cxx.cpp" -o "$BIN/ucrt_cxx.exe")
rm -f "$BIN/ucrt_cxx.pdb" "$BIN/ucrt_cxx.lib"
echo "  ZIG  bin/ucrt_aligned.exe"
(cd "$HERE" && $ZIG cc -target x86-windows-gnu -O2 -s "src/ucrt_aligned.c" -o "$BIN/ucrt_aligned.exe")
rm -f "$BIN/ucrt_aligned.pdb" "$BIN/ucrt_aligned.lib"

# C++ with the MinGW runtime DLLs (libstdc++-6.dll, libgcc_s_dw2-1.dll): these are NOT kept in
# bin/ (tests find them where gcc-mingw-w64-i686-win32-runtime installs them, or fetch that package)
CXX32=${CXX32:-$(pick i686-w64-mingw32-g++-win32 i686-w64-mingw32-g++)} ||
    die "i686-w64-mingw32-g++ not found (apt-get install g++-mingw-w64-i686-win32)"
echo "  CXX  bin/cxxlib.dll bin/cxx.exe"
(cd "$HERE" && "$CXX32" -O1 -s -fno-ident -Wl,--no-insert-timestamp -shared src/cxxlib.cpp -o "$BIN/cxxlib.dll" \
    -Wl,--out-implib,"$OBJ/libcxxlib.a")
(cd "$HERE" && "$CXX32" -O1 -s -fno-ident -Wl,--no-insert-timestamp src/cxx.cpp -o "$BIN/cxx.exe" "$OBJ/libcxxlib.a")

# 12: a real PE32+ x86-64 image
echo "  CC64 bin/bad/x64.exe"
"$CC64" "${CFLAGS[@]}" "$SRC/x64hello.c" -o "$BIN/bad/x64.exe" "${LDFLAGS[@]}"

# 12: malformed images derived from the binaries above
"$PYTHON" "$HERE/make_bad.py"

if "$PYTHON" -c 'import pefile' 2>/dev/null; then
    "$PYTHON" "$HERE/list_imports.py" --check >/dev/null ||
        die "pefile check failed (run: $PYTHON $HERE/list_imports.py --check)"
    echo "build.sh: pefile check passed"
else
    echo "build.sh: warning: pefile not installed, skipped the import check" >&2
fi
echo "build.sh: done"
