#!/usr/bin/env python3
"""PyTorch peer of `bertkit embed`: transformers BertModel + mean pooling over the attention mask, the
embedding sentence-transformers computes for all-MiniLM-L6-v2 (its 1_Pooling is mean; no normalization).

Batches as SentenceTransformer.encode makes them (sentence-transformers is not installed here; its
encode sorts the texts by length, longest first, then takes batch_size at a time, padded to the longest in
the batch): 32 lines per batch, truncation to 128 tokens. Timed: tokenization + forward + pooling of every
line (torch.inference_mode), model loading excluded. Writes one JSON array per line (input order) when
--output is given, and prints {"lines", "seconds", "lines_per_s"} as JSON.

Usage: .venv/ref/bin/python Scripts/bench/embed.py --model .assets/minilm --input lines.txt --threads 2
"""
import argparse, json, os, time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import AutoTokenizer, BertModel


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=".assets/minilm")
    ap.add_argument("--input", required=True)
    ap.add_argument("--output")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=128)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.input, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = BertModel.from_pretrained(args.model).eval()  # default attention (sdpa)
    order = sorted(range(len(lines)), key=lambda i: -len(lines[i]))
    vectors = [None] * len(lines)
    start = time.perf_counter()
    with torch.inference_mode():
        for b in range(0, len(order), args.batch_size):
            idx = order[b:b + args.batch_size]
            enc = tokenizer([lines[i] for i in idx], padding=True, truncation=True, max_length=args.max_length,
                            return_tensors="pt")
            hidden = model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            for j, i in enumerate(idx):
                vectors[i] = pooled[j]
    seconds = time.perf_counter() - start
    if args.output:
        with open(args.output, "w") as f:
            for v in vectors:
                f.write(json.dumps([float(x) for x in v.tolist()]) + "\n")
    print(json.dumps({"lines": len(lines), "seconds": round(seconds, 4), "lines_per_s": round(len(lines) / seconds, 1),
                      "torch": torch.__version__, "threads": args.threads}))


if __name__ == "__main__":
    main()
