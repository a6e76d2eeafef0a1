#!/usr/bin/env python3
"""Golden outputs of Hugging Face's BERT clean-text step alone, for TextNormalization's BertCleaner.

Run with the reference venv: .venv/ref/bin/python Scripts/golden/bert_clean.py
Writes
  * Fixtures/normalization/bert_clean_ranges.txt: for every code point U+0000..U+10FFFF except surrogates,
    what HF does to it alone ("keep", "remove", or "space"), as ranges "START END ACTION" (hex);
  * Fixtures/normalization/bert_clean.jsonl: hand-written lines mixing Persian (ZWNJ), Portuguese and
    English with controls and invisibles, one {"in": ..., "out": ...} per line.
Normalizer: tokenizers.normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False,
strip_accents=False, lowercase=False).
"""
import json, os, sys
import tokenizers
from tokenizers.normalizers import BertNormalizer

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
normalizer = BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
ranges = []
for c in range(0x110000):
    if 0xD800 <= c <= 0xDFFF:
        continue
    out = normalizer.normalize_str(chr(c))
    action = "keep" if out == chr(c) else "remove" if out == "" else "space" if out == " " else "other:" + out
    if ranges and ranges[-1][2] == action and ranges[-1][1] in (c - 1, 0xD7FF):
        ranges[-1][1] = c
    else:
        ranges.append([c, c, action])
with open(os.path.join(root, "Fixtures/normalization/bert_clean_ranges.txt"), "w") as f:
    f.write(f"# HF tokenizers {tokenizers.__version__} BertNormalizer clean_text only; by Scripts/golden/bert_clean.py\n")
    for a, b, action in ranges:
        f.write(f"{a:04X} {b:04X} {action}\n")
inputs = [
    "می\u200cخواهم کتاب\u200cها\u200f را\u00a0ببینم\u200d",
    "A\u0000b\ufffdc\u0007d\te\nf\rg\u000bh\u000ci\u0085j\u2028k\u2029l\u00adm\ufeffn\ue000o",
    "São Paulo, ação, 1º e 2ª \u202aleft\u202c \u2066iso\u2069 caf\u00e9 cafe\u0301 \U0001F600\U000E0001",
]
out_path = os.path.join(root, "Fixtures/normalization/bert_clean.jsonl")
with open(out_path, "w", encoding="utf-8") as f:
    for s in inputs:
        f.write(json.dumps({"in": s, "out": normalizer.normalize_str(s)}, ensure_ascii=False) + "\n")
print(f"wrote {len(ranges)} ranges and {len(inputs)} lines with tokenizers {tokenizers.__version__}", file=sys.stderr)
