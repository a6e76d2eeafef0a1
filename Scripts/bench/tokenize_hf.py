#!/usr/bin/env python3
"""HF tokenizers side of Scripts/bench/tokenize.sh: times BertWordPieceTokenizer.encode_batch on a file.

Usage: .venv/ref/bin/python Scripts/bench/tokenize_hf.py --vocab V --input F [--cased] [--runs 3]
                                                          [--batch 10000] [--ids-out OUT]
The thread count comes from the environment (RAYON_NUM_THREADS, TOKENIZERS_PARALLELISM=true), set by the
caller. The file is read and split on "\\n" before timing; each run encodes all lines in batches of
--batch lines with encode_batch(batch, add_special_tokens=False). Prints one line:
    hf <mode> threads=<N> bytes=<input bytes> runs=<wall s,...> best=<s> median=<s> cpu=<CPU s,...>
With --ids-out, also writes the ids of the last run in `bertkit tokenize`'s format (one line per input line,
decimal ids joined by single spaces) so the caller can compare the two outputs byte for byte.
"""

import argparse
import os
import statistics
import time

from tokenizers import BertWordPieceTokenizer

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--cased", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=10000)
    parser.add_argument("--ids-out")
    args = parser.parse_args()

    if args.cased:
        tokenizer = BertWordPieceTokenizer(args.vocab, lowercase=False, strip_accents=False)
    else:
        tokenizer = BertWordPieceTokenizer(args.vocab, lowercase=True)
    raw = open(args.input, "rb").read()
    lines = raw.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    batches = [lines[i:i + args.batch] for i in range(0, len(lines), args.batch)]
    tokenizer.encode_batch(batches[0][:100], add_special_tokens=False)  # warm-up (thread pool, caches)

    times, cpu = [], []
    encodings = None
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = []
        for batch in batches:
            out.extend(tokenizer.encode_batch(batch, add_special_tokens=False))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)  # all threads of the process
        encodings = out
    mode = "cased" if args.cased else "uncased"
    print(f"hf {mode} threads={os.environ.get('RAYON_NUM_THREADS', '?')} bytes={len(raw)} "
          f"runs={','.join(f'{t:.3f}' for t in times)} best={min(times):.3f} median={statistics.median(times):.3f} "
          f"cpu={','.join(f'{t:.3f}' for t in cpu)}")

    if args.ids_out:
        with open(args.ids_out, "w", encoding="ascii", newline="\n") as f:
            for encoding in encodings:
                f.write(" ".join(map(str, encoding.ids)) + "\n")


if __name__ == "__main__":
    main()
