#!/usr/bin/env python3
"""Distributions of masked-LM instances, side by side: the streaming mode against Google's sampling
(`--reference google`, which equals Google's script record for record), to show that the streaming mode's
changes (a window of recent documents for random next, per-document generators, a shuffle buffer) leave the
statistics of the examples as Google's.

Usage: python3 Scripts/bench/pretraining-stats.py A.jsonl B.jsonl [more.jsonl ...]
       (each written by `bertkit pretraining-data --format jsonl ...`; standard library only)

Per file: instances; NSP balance (share with next_sentence_labels = 1); real length (sum of input_mask): mean
and a histogram in buckets of 16 tokens; share of instances shorter than 100 tokens; masked positions per
instance and their share of the real tokens; of the masked positions, the share now [MASK] (id 103 in the BERT
vocabularies), kept, or replaced by another token.
"""

import json
import sys

MASK = 103


def stats(path):
    n = nsp = length = short = masked = mask = kept = 0
    hist = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            n += 1
            nsp += r["next_sentence_labels"][0]
            real = sum(r["input_mask"])
            length += real
            short += real < 100
            hist[real // 16] = hist.get(real // 16, 0) + 1
            k = int(sum(r["masked_lm_weights"]))
            masked += k
            for p, label in zip(r["masked_lm_positions"][:k], r["masked_lm_ids"][:k]):
                now = r["input_ids"][p]
                mask += now == MASK
                kept += now == label
    return dict(instances=n, nsp=nsp / n, mean_length=length / n, short=short / n, masked=masked / n,
                masked_share=masked / length, mask=mask / masked, kept=kept / masked,
                random=(masked - mask - kept) / masked, hist={k: v / n for k, v in sorted(hist.items())})


def main():
    rows = [(p, stats(p)) for p in sys.argv[1:]]
    keys = ["instances", "nsp", "mean_length", "short", "masked", "masked_share", "mask", "kept", "random"]
    print("| statistic | " + " | ".join(p for p, _ in rows) + " |")
    print("|---|" + "---:|" * len(rows))
    for k in keys:
        print("| %s | " % k + " | ".join(("%d" % s[k]) if k == "instances" else ("%.4f" % s[k]) for _, s in rows) + " |")
    buckets = sorted(set(b for _, s in rows for b in s["hist"]))
    for b in buckets:
        print("| length %d-%d | " % (16 * b, 16 * b + 15) + " | ".join("%.4f" % s["hist"].get(b, 0) for _, s in rows) + " |")


if __name__ == "__main__":
    main()
