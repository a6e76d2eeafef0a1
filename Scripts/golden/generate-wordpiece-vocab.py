#!/usr/bin/env python3
"""Generates the golden files of the `wordpiece` training algorithm with TF.Text's own learner.

Usage (after Scripts/make-venvs.sh ref; the committed word counts of Fixtures/vocab-training are the inputs):
    .venv/ref/bin/python Scripts/golden/generate-wordpiece-vocab.py [--wheel tensorflow_text-2.21.1-...whl]
    .venv/ref/bin/python Scripts/golden/generate-wordpiece-vocab.py --one COUNTS.tsv VOCAB_SIZE OUT.txt

The learner is `learn` of tensorflow/text `tensorflow_text/tools/wordpiece_vocab/wordpiece_tokenizer_learner_lib.py`
as shipped in PyPI's tensorflow-text 2.21.1 wheel (downloaded with `pip download --no-deps` unless --wheel is
given). That file needs only numpy and the standard library, so it is loaded by its path, without importing
TensorFlow. Each case feeds it a `word<TAB>count` file of Fixtures/vocab-training in file order and writes the
vocabulary as `wordpiece-<case>.vocab.txt`; WordPieceTests/WordPieceTrainerTests expects BertKit's `wordpiece`
algorithm to give the same file token for token. `--one` runs one file at the default settings (used to check
larger counts, e.g. the ones Vocab/ is trained from).
"""

import glob
import hashlib
import importlib.util
import os
import platform
import subprocess
import sys
import tempfile
import zipfile

import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_files import ROOT, write  # noqa: E402

OUT = os.path.join(ROOT, "Fixtures", "vocab-training")
WHEEL_SPEC = "tensorflow-text==2.21.1"
LIB = "tensorflow_text/tools/wordpiece_vocab/wordpiece_tokenizer_learner_lib.py"
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# name, counts file, vocab_size, then keyword arguments of `learn` that differ from its defaults
CASES = [
    ("fa-uncased-600", "fa-chatterbot.uncased", 600, {}),
    ("fa-cased-400-chars60-iter2", "fa-chatterbot.cased", 400,
     {"max_unique_chars": 60, "num_iterations": 2, "lower_thresh": 2}),
    ("pt-uncased-300-lower1", "pt-chatterbot.uncased", 300, {"lower_thresh": 1}),
    ("pt-cased-250-input900-slack10", "pt-chatterbot.cased", 250,
     {"max_input_tokens": 900, "slack_ratio": 0.1, "lower_thresh": 2, "max_token_length": 12}),
]


def load_learner(wheel):
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", WHEEL_SPEC, "-d", tmp],
                           check=True)
            wheel = glob.glob(os.path.join(tmp, "tensorflow_text-*.whl"))[0]
        source = zipfile.ZipFile(wheel).read(LIB)
        path = os.path.join(tmp, "wordpiece_tokenizer_learner_lib.py")
        open(path, "wb").write(source)
        spec = importlib.util.spec_from_file_location("wordpiece_tokenizer_learner_lib", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module, os.path.basename(wheel), hashlib.sha256(source).hexdigest()


def read_counts(path):
    counts = []
    with open(path, encoding="utf-8", newline="") as f:
        for line in f.read().split("\n"):
            line = line.rstrip("\r")
            if line:
                word, n = line.rsplit("\t", 1)
                counts.append((word, int(n)))
    return counts


def main():
    args = sys.argv[1:]
    wheel = None
    if args[:1] == ["--wheel"]:
        wheel, args = args[1], args[2:]
    learner, wheel_name, lib_sha = load_learner(wheel)
    if args[:1] == ["--one"]:
        counts_path, size, out = args[1], int(args[2]), args[3]
        vocab = learner.learn(read_counts(counts_path), size, SPECIAL)
        write(out, "".join(t + "\n" for t in vocab))
        return
    lines = [
        "generator Scripts/golden/generate-wordpiece-vocab.py",
        f"python {platform.python_version()}, numpy {numpy.__version__}",
        f"learner {wheel_name} {LIB} sha256={lib_sha}",
    ]
    for name, counts_name, size, settings in CASES:
        counts = read_counts(os.path.join(OUT, counts_name + ".counts.tsv"))
        vocab = learner.learn(counts, size, SPECIAL, **settings)
        write(os.path.join(OUT, f"wordpiece-{name}.vocab.txt"), "".join(t + "\n" for t in vocab))
        shown = " ".join(f"{k}={v}" for k, v in sorted(settings.items())) or "defaults"
        lines.append(f"case wordpiece-{name}: counts={counts_name}.counts.tsv vocab_size={size} {shown} "
                     f"reserved={','.join(SPECIAL)} joiner=## -> tokens={len(vocab)}")
    write(os.path.join(OUT, "VERSIONS-wordpiece.txt"), "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
