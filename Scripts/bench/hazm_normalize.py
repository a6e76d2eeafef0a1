#!/usr/bin/env python3
"""Times hazm's Normalizer (default settings) over a text file, one call per line, on one thread.

Usage: .venv/hazm/bin/python Scripts/bench/hazm_normalize.py FILE [OUT]
Prints one line: "hazm MB/s SECONDS BYTES". Loading hazm and reading the file are not timed.
"""
import sys, time
from hazm import Normalizer

lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
size = sum(len(l.encode()) + 1 for l in lines)
normalizer = Normalizer()
start = time.perf_counter()
out = [normalizer.normalize(l) for l in lines]
seconds = time.perf_counter() - start
if len(sys.argv) > 2:
    open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out))
print(f"hazm {size / 1e6 / seconds:.2f} {seconds:.3f} {size}")
