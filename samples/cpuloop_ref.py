#!/usr/bin/env python3
"""Reference for samples/src/cpuloop.c: prints the exact line cpuloop.exe
prints for the iteration count given as argv[1] (default 50,000,000).
Pure Python: 50M iterations take about 10 s."""
import sys

def cpuloop(n: int) -> int:
    m = 0xFFFFFFFF
    x, s = 2463534242, 0
    for i in range(n):
        x ^= (x << 13) & m
        x ^= x >> 17
        x ^= (x << 5) & m
        s = (s + (x ^ (i & m))) & m
    return s ^ x

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000_000
    print(f"cpuloop: iterations={n} result={cpuloop(n)}")
