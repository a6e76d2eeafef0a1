#!/usr/bin/env python3
"""The HF peer of `bertkit encode`: reads the benchmark CSV with Python's csv module and encodes (text, pair)
with HF tokenizers 0.23.3 `encode_batch` (batches of 1,000, its default thread pool), truncation longest_first
to 128, padding to max_length 128, then builds the int64 arrays (input_ids, token_type_ids, attention_mask)
a user would save. Prints records, seconds and MB/s of text (text + pair bytes), for the whole loop (CSV
reading, encode_batch, arrays) and for the encode_batch calls alone.

    .venv/ref/bin/python Scripts/bench/encode_hf.py VOCAB CSV [MAX_RECORDS]
"""
import csv
import sys
import time

import numpy as np
from tokenizers import BertWordPieceTokenizer

vocab, path = sys.argv[1], sys.argv[2]
limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
tok = BertWordPieceTokenizer(vocab, lowercase=True)
tok.enable_truncation(128)
tok.enable_padding(length=128)
start = time.perf_counter()
records = 0
text_bytes = 0
checksum = 0
encode_seconds = 0.0


def flush(batch):
    global checksum, encode_seconds
    t = time.perf_counter()
    encs = tok.encode_batch(batch)
    encode_seconds += time.perf_counter() - t
    ids = np.array([e.ids for e in encs], dtype=np.int64)
    types = np.array([e.type_ids for e in encs], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
    checksum += int(ids.sum() + types.sum() + mask.sum())


with open(path, encoding="utf-8", newline="") as f:
    reader = csv.reader(f)
    next(reader)
    batch = []
    for label, text, pair in reader:
        batch.append((text, pair))
        records += 1
        text_bytes += len(text.encode()) + len(pair.encode())
        if len(batch) == 1000:
            flush(batch)
            batch = []
        if limit and records >= limit:
            break
    if batch:
        flush(batch)
seconds = time.perf_counter() - start
print(f"hf_records {records} seconds {seconds:.3f} text_mb {text_bytes / 1e6:.1f} mb_per_s {text_bytes / 1e6 / seconds:.2f} "
      f"encode_batch_only_s {encode_seconds:.3f} encode_batch_only_mb_per_s {text_bytes / 1e6 / encode_seconds:.2f} checksum {checksum}")
