#!/usr/bin/env python3
"""Builds the encode benchmark inputs from the fetched real text (.assets/text/bench-mixed.txt: fa/pt/en lines).

    python3 Scripts/bench/make_encode_csv.py OUT_DIR [MIN_BYTES]

Writes OUT_DIR/pairs.csv (header label,text,pair; Python csv quoting; at least MIN_BYTES, default 1 GiB) and
OUT_DIR/pairs.txt (the same text and pair fields, each on its own line: what plain `bertkit tokenize` reads).
Lines are taken in a seeded shuffled order, pass after pass, so the corpus repeats only after 11.7 MB.
"""
import csv
import os
import random
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
out = sys.argv[1]
minimum = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 30
lines = [l for l in open(os.path.join(ROOT, ".assets", "text", "bench-mixed.txt"), encoding="utf-8").read().split("\n") if l.strip()]
labels = ["business", "news", "sport", "review", "chat"]
rng = random.Random(12345)
os.makedirs(out, exist_ok=True)
written = 0
with open(os.path.join(out, "pairs.csv"), "w", encoding="utf-8", newline="") as f, \
        open(os.path.join(out, "pairs.txt"), "w", encoding="utf-8") as plain:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["label", "text", "pair"])
    while written < minimum:
        order = list(range(len(lines)))
        rng.shuffle(order)
        for k in range(0, len(order) - 1, 2):
            text, pair = lines[order[k]], lines[order[k + 1]]
            w.writerow([labels[rng.randrange(len(labels))], text, pair])
            plain.write(text + "\n" + pair + "\n")
            written += len(text.encode()) + len(pair.encode()) + 12
print(f"{out}/pairs.csv: {os.path.getsize(os.path.join(out, 'pairs.csv'))} bytes")
