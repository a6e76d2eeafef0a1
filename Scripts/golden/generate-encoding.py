#!/usr/bin/env python3
"""Generates the input-encoding golden files in Fixtures/encoding/golden/ from HF tokenizers 0.23.3.

Usage (after Scripts/make-venvs.sh, Scripts/fetch-assets.sh, Scripts/prepare-corpus.py):
    .venv/ref/bin/python Scripts/golden/generate-encoding.py

Inputs: Fixtures/encoding/inputs.jsonl (committed; written by this script on first run from the hand-written
edge cases and every 97th line (12 of them) of each real corpus, so the golden files never depend on fetched text).
Each input row is {"text": ..., "pair": ... or null}.

Tokenizers (MiniLM = bert-base-uncased vocabulary):
    uncased  BertWordPieceTokenizer(vocab, lowercase=True)           (post-processor BertProcessing)
    cased    BertWordPieceTokenizer(vocab, lowercase=False, strip_accents=False)
    hfjson   Tokenizer.from_file(minilm/tokenizer.json)               (TemplateProcessing, as published)
Settings: every truncation strategy x side, with and without stride, several max lengths; padding longest
(batch = 8 consecutive inputs), fixed, multiple-of, left and right. One golden line per (setting, input):
the main encoding and every overflowing window (transformers' flattening), each with ids, type_ids,
attention_mask, special_tokens_mask, word_ids, offsets (character offsets, HF's Python default) and, for
the main encoding, sequence_ids; or {"error": "..."} where HF raises (or panics).
decode.jsonl: decode(ids, skip_special_tokens) for both values, with cleanup on (HF default) and off.
Deterministic: same inputs, same bytes.
"""

import hashlib
import json
import os
import platform
import sys

import tokenizers
from tokenizers import BertWordPieceTokenizer, Tokenizer, decoders

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VOCAB = os.path.join(ROOT, ".assets", "minilm", "vocab.txt")
TOKENIZER_JSON = os.path.join(ROOT, ".assets", "minilm", "tokenizer.json")
TEXT = os.path.join(ROOT, ".assets", "text")
FIXTURES = os.path.join(ROOT, "Fixtures", "encoding")
GOLDEN = os.path.join(FIXTURES, "golden")
INPUTS = os.path.join(FIXTURES, "inputs.jsonl")
CORPORA = ["en-rotten-tomatoes", "en-bbc", "fa-chatterbot", "pt-chatterbot", "en-chatterbot"]
EDGE = os.path.join(ROOT, "Fixtures", "tokenization", "edge-cases.txt")


def lines_of(path):
    lines = open(path, "rb").read().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def make_inputs():
    """Singles and pairs from the edge cases and the real corpora (fa/pt/en)."""
    texts = [l for l in lines_of(EDGE) if l.strip()][:40]
    for name in CORPORA:
        lines = [l for l in lines_of(os.path.join(TEXT, name + ".txt")) if l.strip()]
        texts += lines[::97][:12]
    # Long texts (several windows) from joined lines of each language.
    for name in CORPORA:
        lines = [l for l in lines_of(os.path.join(TEXT, name + ".txt")) if l.strip()]
        texts.append(" ".join(lines[5:11]))
    rows = []
    for k, t in enumerate(texts):
        pair = texts[(k * 7 + 3) % len(texts)] if k % 2 == 1 else None
        rows.append({"text": t, "pair": pair})
    # Fixed corner cases: empty texts, special tokens in the text, a text of only removed characters.
    rows += [
        {"text": "", "pair": None},
        {"text": "", "pair": "only the pair has tokens"},
        {"text": "[CLS] already [SEP] has [MASK] specials", "pair": "[PAD] pad [UNK]"},
        {"text": "\u200d\u200c\u00ad", "pair": "zero width"},
        {"text": "می\u200cخواهم کتاب\u200cها را بخوانم", "pair": "ação, coração e pão"},
    ]
    with open(INPUTS, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def tokenizer_for(kind):
    # The wrapper's underlying `Tokenizer` (its own enable_truncation lacks `direction`).
    if kind == "uncased":
        return BertWordPieceTokenizer(VOCAB, lowercase=True)._tokenizer
    if kind == "cased":
        return BertWordPieceTokenizer(VOCAB, lowercase=False, strip_accents=False)._tokenizer
    t = Tokenizer.from_file(TOKENIZER_JSON)
    t.no_truncation()
    t.no_padding()
    return t


SETTINGS = []
for tok in ["uncased", "cased", "hfjson"]:
    SETTINGS.append({"tokenizer": tok})
for strategy in ["longest_first", "only_first", "only_second"]:
    for side in ["right", "left"]:
        # longest_first cuts both texts of a pair, and HF then returns every combination of their windows:
        # larger limits keep that product (and the golden file) small.
        grid = [(40, 0), (64, 6), (48, 2)] if strategy == "longest_first" else [(16, 0), (24, 4), (12, 2)]
        for max_length, stride in grid:
            SETTINGS.append({"tokenizer": "uncased", "truncation": {"max_length": max_length, "strategy": strategy,
                                                                    "direction": side, "stride": stride}})
SETTINGS.append({"tokenizer": "hfjson", "truncation": {"max_length": 56, "strategy": "longest_first",
                                                       "direction": "right", "stride": 3}})
SETTINGS.append({"tokenizer": "cased", "truncation": {"max_length": 32, "strategy": "only_second",
                                                      "direction": "left", "stride": 5}})
for length, multiple, side in [(None, None, "right"), (None, 8, "left"), (48, None, "right"), (40, 16, "left")]:
    SETTINGS.append({"tokenizer": "uncased", "padding": {"length": length, "pad_to_multiple_of": multiple,
                                                         "direction": side}})
SETTINGS.append({"tokenizer": "uncased", "truncation": {"max_length": 64, "strategy": "longest_first",
                                                        "direction": "right", "stride": 8},
                 "padding": {"length": 64, "pad_to_multiple_of": None, "direction": "right"}})
SETTINGS.append({"tokenizer": "uncased", "truncation": {"max_length": 20, "strategy": "only_first",
                                                        "direction": "left", "stride": 0},
                 "padding": {"length": None, "pad_to_multiple_of": 8, "direction": "left"}})


def configure(t, setting):
    tr = setting.get("truncation")
    if tr:
        t.enable_truncation(tr["max_length"], stride=tr["stride"], strategy=tr["strategy"], direction=tr["direction"])
    pd = setting.get("padding")
    if pd:
        t.enable_padding(direction=pd["direction"], pad_id=0, pad_token="[PAD]", length=pd["length"],
                         pad_to_multiple_of=pd["pad_to_multiple_of"])


def window(e, main):
    d = {"ids": e.ids, "type_ids": e.type_ids, "attention_mask": e.attention_mask,
         "special_tokens_mask": e.special_tokens_mask,
         "word_ids": [-1 if w is None else w for w in e.word_ids],
         "offsets": [list(o) for o in e.offsets]}
    if main:
        d["sequence_ids"] = [-1 if s is None else s for s in e.sequence_ids]
    return d


def encode_all(t, rows, batched):
    """One result per row; padding `longest` pads batches of 8 rows as encode_batch does."""
    results = []
    if batched:
        for start in range(0, len(rows), 8):
            group = rows[start:start + 8]
            inputs = [(r["text"], r["pair"]) if r["pair"] is not None else r["text"] for r in group]
            try:
                encs = t.encode_batch(inputs)
                results += [[window(e, True)] + [window(o, False) for o in e.overflowing] for e in encs]
            except BaseException as err:  # a panic in one row fails the batch: encode rows alone to see which
                for r in group:
                    results.append(encode_one(t, r))
        return results
    return [encode_one(t, r) for r in rows]


def encode_one(t, r):
    try:
        e = t.encode(r["text"], r["pair"]) if r["pair"] is not None else t.encode(r["text"])
        return [window(e, True)] + [window(o, False) for o in e.overflowing]
    except BaseException as err:  # PanicException derives from BaseException
        return {"error": str(err).split("\n")[0]}


def main():
    os.makedirs(GOLDEN, exist_ok=True)
    if not os.path.exists(INPUTS) or "--refresh-inputs" in sys.argv:
        make_inputs()
    rows = [json.loads(l) for l in open(INPUTS, encoding="utf-8")]
    with open(os.path.join(GOLDEN, "encodings.jsonl"), "w", encoding="utf-8") as f:
        for s in SETTINGS:
            t = tokenizer_for(s["tokenizer"])
            configure(t, s)
            batched = s.get("padding") is not None and s["padding"]["length"] is None
            for k, result in enumerate(encode_all(t, rows, batched)):
                f.write(json.dumps({"setting": s, "input": k, "result": result}, ensure_ascii=False,
                                   separators=(",", ":")) + "\n")
    # Decoding: ids of every input (with specials) through skip on/off and cleanup on/off.
    with open(os.path.join(GOLDEN, "decode.jsonl"), "w", encoding="utf-8") as f:
        for kind in ["uncased", "cased"]:
            t = tokenizer_for(kind)
            for k, r in enumerate(rows):
                e = t.encode(r["text"], r["pair"]) if r["pair"] is not None else t.encode(r["text"])
                out = {"tokenizer": kind, "input": k, "ids": e.ids}
                for cleanup in [True, False]:
                    t.decoder = decoders.WordPiece(prefix="##", cleanup=cleanup)
                    out["cleanup" if cleanup else "raw"] = {
                        "skip": t.decode(e.ids, skip_special_tokens=True),
                        "keep": t.decode(e.ids, skip_special_tokens=False)}
                f.write(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")
    with open(os.path.join(GOLDEN, "VERSIONS.txt"), "w") as f:
        f.write(f"python {platform.python_version()}\ntokenizers {tokenizers.__version__}\n")
        for path in [VOCAB, TOKENIZER_JSON, INPUTS]:
            digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
            f.write(f"{os.path.relpath(path, ROOT)} sha256={digest}\n")
        f.write(f"settings {len(SETTINGS)}, inputs {len(rows)}\n")
    print(f"wrote {len(SETTINGS) * len(rows)} encodings and {2 * len(rows)} decodings to {os.path.relpath(GOLDEN, ROOT)}")


if __name__ == "__main__":
    main()
