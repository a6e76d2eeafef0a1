#!/usr/bin/env python3
"""Checks that the tokenizer.json files BertKit saved (Fixtures/encoding/saved/*.tokenizer.json) load in HF
tokenizers and encode exactly as HF's own BERT tokenizers do.

Usage (after Scripts/make-venvs.sh and Scripts/fetch-assets.sh):
    .venv/ref/bin/python Scripts/golden/check-tokenizer-json.py

The files are written by the Swift suite TokenizerJSONTests (BERTKIT_WRITE_FIXTURES=1 rewrites them).
Each is loaded with `tokenizers.Tokenizer.from_file` and compared, on every row {"text", "pair"} of
Fixtures/encoding/inputs.jsonl, with references built the usual way:

    uncased.tokenizer.json          BertWordPieceTokenizer(vocab, lowercase=True)
                                    Tokenizer.from_file(.assets/minilm/tokenizer.json), truncation and padding off
    cased-trunc-pad.tokenizer.json  BertWordPieceTokenizer(vocab, lowercase=False, strip_accents=False) with the
                                    same truncation and padding enabled on its `_tokenizer`

Compared: the truncation and padding settings HF reads from the file, then per input `encode` (ids, type_ids,
attention_mask, special_tokens_mask, word_ids, sequence_ids, offsets, and every overflowing window with the
same fields), and `encode_batch` over all inputs at once (padding `BatchLongest` pads the batch together).
An input where both raise the same error counts as identical. Prints one summary line per comparison and
exits 1 on any difference (the first few are printed in full).
"""

import json
import os
import sys

import tokenizers
from tokenizers import BertWordPieceTokenizer, Tokenizer

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VOCAB = os.path.join(ROOT, ".assets", "minilm", "vocab.txt")
HF_JSON = os.path.join(ROOT, ".assets", "minilm", "tokenizer.json")
INPUTS = os.path.join(ROOT, "Fixtures", "encoding", "inputs.jsonl")
SAVED = os.path.join(ROOT, "Fixtures", "encoding", "saved")

# The settings TokenizerJSONTests gives the cased tokenizer before saving it.
CASED_TRUNCATION = {"max_length": 48, "stride": 8, "strategy": "longest_first", "direction": "left"}
CASED_PADDING = {"direction": "left", "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]", "length": None,
                 "pad_to_multiple_of": 8}
MAX_REPORTED = 5


def fields(encoding):
    """Every field BertKit's Encoding mirrors, overflowing windows included."""
    return {
        "ids": encoding.ids,
        "type_ids": encoding.type_ids,
        "attention_mask": encoding.attention_mask,
        "special_tokens_mask": encoding.special_tokens_mask,
        "word_ids": encoding.word_ids,
        "sequence_ids": encoding.sequence_ids,
        "offsets": [list(o) for o in encoding.offsets],
        "overflowing": [fields(o) for o in encoding.overflowing],
    }


def encode(tokenizer, row):
    try:
        return fields(tokenizer.encode(row["text"], row["pair"]))
    except Exception as error:  # both sides raising the same error is agreement
        return {"error": str(error)}


def encode_batch(tokenizer, rows):
    try:
        batch = [(r["text"], r["pair"]) if r["pair"] is not None else r["text"] for r in rows]
        return [fields(e) for e in tokenizer.encode_batch(batch)]
    except Exception as error:
        return {"error": str(error)}


def first_difference(a, b, path=""):
    """The first place two nested values differ, as a short path and the two values there."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for k, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{path}[{k}]")
    return f"{path or '.'}: saved {json.dumps(a)[:200]} vs reference {json.dumps(b)[:200]}"


def compare(saved_name, saved, reference_name, reference, rows):
    """Prints the summary line for one pair of tokenizers; returns the number of differences."""
    problems = []
    for setting in ["truncation", "padding"]:
        if getattr(saved, setting) != getattr(reference, setting):
            problems.append(f"{setting}: saved {getattr(saved, setting)} vs reference {getattr(reference, setting)}")
    settings_same = not problems
    identical = 0
    for index, row in enumerate(rows):
        ours, theirs = encode(saved, row), encode(reference, row)
        if ours == theirs:
            identical += 1
        else:
            problems.append(f"input {index} {json.dumps(row, ensure_ascii=False)[:80]}: {first_difference(ours, theirs)}")
    batch_same = encode_batch(saved, rows) == encode_batch(reference, rows)
    if not batch_same:
        problems.append("encode_batch over all inputs: " + first_difference(encode_batch(saved, rows), encode_batch(reference, rows)))
    print(f"{saved_name}: {identical}/{len(rows)} inputs identical to {reference_name}; "
          f"truncation/padding {'identical' if settings_same else 'DIFFERENT'}, "
          f"encode_batch {'identical' if batch_same else 'DIFFERENT'}")
    for problem in problems[:MAX_REPORTED]:
        print("  " + problem)
    if len(problems) > MAX_REPORTED:
        print(f"  ... and {len(problems) - MAX_REPORTED} more")
    return len(problems)


def main():
    rows = [json.loads(line) for line in open(INPUTS, encoding="utf-8") if line.strip()]
    print(f"tokenizers {tokenizers.__version__}, {len(rows)} inputs from Fixtures/encoding/inputs.jsonl")

    uncased = BertWordPieceTokenizer(VOCAB, lowercase=True)._tokenizer
    published = Tokenizer.from_file(HF_JSON)
    published.no_truncation()
    published.no_padding()
    cased = BertWordPieceTokenizer(VOCAB, lowercase=False, strip_accents=False)._tokenizer
    cased.enable_truncation(**CASED_TRUNCATION)
    cased.enable_padding(**CASED_PADDING)

    failures = 0
    saved = Tokenizer.from_file(os.path.join(SAVED, "uncased.tokenizer.json"))
    failures += compare("uncased.tokenizer.json", saved, "BertWordPieceTokenizer(lowercase=True)", uncased, rows)
    failures += compare("uncased.tokenizer.json", saved, "minilm tokenizer.json (truncation, padding off)", published, rows)
    saved = Tokenizer.from_file(os.path.join(SAVED, "cased-trunc-pad.tokenizer.json"))
    failures += compare("cased-trunc-pad.tokenizer.json", saved,
                        "BertWordPieceTokenizer(lowercase=False, strip_accents=False) + truncation/padding", cased, rows)
    if failures:
        print(f"FAILED: {failures} differences")
        sys.exit(1)
    print("OK: every saved file encodes every input exactly as its references")


if __name__ == "__main__":
    main()
