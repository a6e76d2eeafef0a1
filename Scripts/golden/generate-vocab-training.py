#!/usr/bin/env python3
"""Generates the WordPiece vocabulary-training golden files in Fixtures/vocab-training/ with HF tokenizers 0.23.3.

Usage (after Scripts/make-venvs.sh, Scripts/fetch-assets.sh, Scripts/prepare-corpus.py):
    .venv/ref/bin/python Scripts/golden/generate-vocab-training.py

For each case, HF's own BertWordPieceTokenizer.train (its WordPieceTrainer, a BPE trainer underneath) trains
on a real corpus file from .assets/text/, and its vocab.txt is written as `<case>.vocab.txt`. Beside it,
`<name>.counts.tsv` holds the word counts HF's trainer sees: every line of the file (split on "\\n", as HF
reads files) through the same tokenizer's normalizer and pre-tokenizer, counted, written `word<TAB>count`
sorted by count (descending) then word. BertKit's tests train from those counts and expect the same vocab.txt.

HF's trainer is not deterministic across processes: it iterates word counts in a randomly seeded hash order
(ahash), and the ids of the `##c` continuation tokens, hence their place in vocab.txt and the tie-breaks of
equal-count merges, follow that order. Each golden file records one run; the tests read the `##c` order of that
run from the file (the block right after the alphabet) and give it to the trainer. The alphabet cut
(limit_alphabet) also breaks count ties in hash order: this script refuses settings whose cut falls inside a
tie, so that the kept alphabet is the same in every run.
"""

import collections
import hashlib
import os
import platform
import shutil
import sys
import tempfile

import tokenizers
from tokenizers import BertWordPieceTokenizer

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TEXT = os.path.join(ROOT, ".assets", "text")
OUT = os.path.join(ROOT, "Fixtures", "vocab-training")
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]  # BertWordPieceTokenizer.train's default order

# name, corpus, cased, vocab_size, min_frequency, limit_alphabet
CASES = [
    ("fa-uncased-2000", "fa-chatterbot", False, 2000, 2, 1000),
    ("fa-cased-1500-alpha70", "fa-chatterbot", True, 1500, 2, 70),
    ("pt-uncased-800", "pt-chatterbot", False, 800, 2, 1000),
    ("pt-cased-700-min3", "pt-chatterbot", True, 700, 3, 1000),
]


def make_tokenizer(cased):
    if cased:
        return BertWordPieceTokenizer(lowercase=False, strip_accents=False)
    return BertWordPieceTokenizer(lowercase=True)


def word_counts(path, cased):
    tok = make_tokenizer(cased)._tokenizer
    counts = collections.Counter()
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    for line in text.split("\n"):
        normalized = tok.normalizer.normalize_str(line)
        for word, _ in tok.pre_tokenizer.pre_tokenize_str(normalized):
            counts[word] += 1
    return counts


def check_alphabet_cut(counts, limit):
    chars = collections.Counter()
    for word, n in counts.items():
        for c in word:
            chars[c] += n
    if len(chars) <= limit:
        return len(chars), None
    ordered = sorted(chars.values())
    cut = len(chars) - limit  # HF removes the `cut` rarest characters
    if ordered[cut - 1] == ordered[cut]:
        sys.exit(f"limit_alphabet {limit} cuts inside a tie of count {ordered[cut]}: HF's choice is random; pick another")
    return len(chars), ordered[cut]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = [
        f"generator Scripts/golden/generate-vocab-training.py",
        f"python {platform.python_version()}",
        f"tokenizers {tokenizers.__version__}",
        "corpora: PyPI chatterbot-corpus==1.3.3 (BSD-3-Clause) via Scripts/fetch-assets.sh and Scripts/prepare-corpus.py",
    ]
    written_counts = set()
    for name, corpus, cased, vocab_size, min_frequency, limit_alphabet in CASES:
        path = os.path.join(TEXT, corpus + ".txt")
        counts = word_counts(path, cased)
        counts_name = f"{corpus}.{'cased' if cased else 'uncased'}.counts.tsv"
        if counts_name not in written_counts:
            with open(os.path.join(OUT, counts_name), "w", encoding="utf-8", newline="\n") as f:
                for word, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                    f.write(f"{word}\t{n}\n")
            written_counts.add(counts_name)
            lines.append(f"input .assets/text/{corpus}.txt sha256={sha256(path)} -> {counts_name} words={len(counts)}")
        alphabet, kept_min = check_alphabet_cut(counts, limit_alphabet)
        tok = make_tokenizer(cased)
        tok.train([path], vocab_size=vocab_size, min_frequency=min_frequency, limit_alphabet=limit_alphabet,
                  special_tokens=SPECIAL, show_progress=False, wordpieces_prefix="##")
        with tempfile.TemporaryDirectory() as tmp:
            tok.save_model(tmp)
            shutil.copyfile(os.path.join(tmp, "vocab.txt"), os.path.join(OUT, name + ".vocab.txt"))
        size = sum(1 for _ in open(os.path.join(OUT, name + ".vocab.txt"), encoding="utf-8"))
        lines.append(
            f"case {name}: counts={counts_name} cased={cased} vocab_size={vocab_size} min_frequency={min_frequency} "
            f"limit_alphabet={limit_alphabet} special={','.join(SPECIAL)} prefix=## alphabet_seen={alphabet} "
            f"-> {name}.vocab.txt tokens={size}")
    with open(os.path.join(OUT, "VERSIONS.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
