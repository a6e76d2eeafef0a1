#!/usr/bin/env python3
"""Prints CPython's random.Random streams into Fixtures/random/python-random.txt, the golden file for
BertKitSupport's PythonRandom (the generator Google's create_pretraining_data.py seeds with --random_seed).

Usage: python3 Scripts/golden/python-random.py      (any CPython 3.11; the version is recorded in the file)

Format: '#' lines are comments; 'seed S' (or 'seedkey W0 W1 ...', the 32-bit words of a larger int, least
significant first) starts a fresh random.Random; then one call per line with its result:
    random BITS            random(); BITS = the double's IEEE-754 bit pattern as an unsigned decimal
    getrandbits K R        getrandbits(K)
    randint A B R          randint(A, B)
    shuffle N X0 X1 ...    shuffle(list(range(N))), the list after it
The call program is fixed (below), long enough to cross several twists of the 624-word state.
Deterministic: same Python, same bytes.
"""

import os
import platform
import random
import struct

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "Fixtures", "random", "python-random.txt")

SEEDS = [0, 1, 42, 12345, -7, 2**32 - 1, 2**32 + 5, 2**40 + 3, 2**63 - 1]
BIG_SEEDS = [2**64 + 2**33 + 7, 3**50]
RANDINT = [(2, 125), (0, 0), (1, 1), (0, 1), (0, 2), (1, 6), (0, 30521), (-5, 5), (0, 2**31), (0, 2**32 - 1),
           (0, 2**32), (7, 2**40 + 7), (0, 2**63 - 1)]
BITS = [0, 1, 5, 31, 32, 33, 53, 63, 64]
SHUFFLE = [0, 1, 2, 3, 10, 57]


def words(n):
    out = []
    while True:
        out.append(n & 0xFFFFFFFF)
        n >>= 32
        if not n:
            return out


def program(rng, emit):
    for step in range(240):
        kind = step % 6
        if kind in (0, 3):
            v = rng.random()
            emit("random %d" % struct.unpack("<Q", struct.pack("<d", v))[0])
        elif kind == 1:
            a, b = RANDINT[(step // 6) % len(RANDINT)]
            emit("randint %d %d %d" % (a, b, rng.randint(a, b)))
        elif kind == 2:
            k = BITS[(step // 6) % len(BITS)]
            emit("getrandbits %d %d" % (k, rng.getrandbits(k)))
        elif kind == 4:
            n = SHUFFLE[(step // 6) % len(SHUFFLE)]
            xs = list(range(n))
            rng.shuffle(xs)
            emit(" ".join(["shuffle", str(n)] + [str(x) for x in xs]))
        else:
            # the 80/10/10 draw pattern of create_masked_lm_predictions
            v = rng.random()
            emit("random %d" % struct.unpack("<Q", struct.pack("<d", v))[0])
            if v >= 0.8:
                emit("randint 0 30521 %d" % rng.randint(0, 30521))


def main():
    lines = ["# CPython random.Random golden streams; generator Scripts/golden/python-random.py",
             "# python %s (%s)" % (platform.python_version(), platform.python_implementation())]
    for seed in SEEDS + BIG_SEEDS:
        rng = random.Random(seed)
        if seed in BIG_SEEDS:
            lines.append("seedkey " + " ".join(str(w) for w in words(seed)))
        else:
            lines.append("seed %d" % seed)
        program(rng, lines.append)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %s (%d lines)" % (OUT, len(lines)))


if __name__ == "__main__":
    main()
