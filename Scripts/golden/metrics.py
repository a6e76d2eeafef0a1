#!/usr/bin/env python3
"""Writes Fixtures/metrics/metrics.json: scikit-learn's classification metrics for seeded random cases, the
golden file of EncoderTraining's ClassificationMetrics (Tests/EncoderTrainingTests/ClassificationMetricsTests).

Usage: .venv/sklearn/bin/python Scripts/golden/metrics.py     (Scripts/make-venvs.sh sklearn makes the venv)

Each case has labels, inputs and sklearn's outputs:
  single-label: "predicted"/"truth" class ids, or "logits" (examples x labels, float32 values written exactly)
                with "truth", predictions = numpy argmax;
  multi-label:  "predicted"/"truth" 0/1 matrices, or "logits" with "threshold", predictions =
                sigmoid(logit) > threshold in float64;
  expected:     accuracy (accuracy_score; subset accuracy for multi-label), macro_f1 (f1_score average="macro"),
                precision/recall/f1/support (precision_recall_fscore_support, average=None), confusion_matrix
                (confusion_matrix; multi-label: multilabel_confusion_matrix flattened to [tn, fp, fn, tp] rows),
                always with labels=range(n) and zero_division=0.
Deterministic: same versions (recorded in the file), same bytes.
"""

import json
import os
import platform
import sys

import numpy as np
import scipy
import sklearn
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, multilabel_confusion_matrix,
                             precision_recall_fscore_support)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_files import ROOT, write  # noqa: E402

OUT = os.path.join(ROOT, "Fixtures", "metrics", "metrics.json")
FA = ["ورزشی", "سیاسی", "اقتصادی", "فرهنگی"]  # sport, politics, economy, culture (Persian class names)


def expected(truth, predicted, n, multi):
    labels = list(range(n))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, average=None, zero_division=0)
    if multi:
        cm = [[int(m[0][0]), int(m[0][1]), int(m[1][0]), int(m[1][1])]
              for m in multilabel_confusion_matrix(truth, predicted, labels=labels)]
    else:
        cm = confusion_matrix(truth, predicted, labels=labels).tolist()
    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)),
        "precision": [float(x) for x in p], "recall": [float(x) for x in r], "f1": [float(x) for x in f],
        "support": [int(x) for x in s], "confusion_matrix": cm,
    }


def single(name, labels, truth, predicted):
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    return {"name": name, "multi_label": False, "labels": labels, "truth": truth.tolist(),
            "predicted": predicted.tolist(), "expected": expected(truth, predicted, len(labels), False)}


def multi(name, labels, truth, predicted):
    truth, predicted = np.asarray(truth, dtype=int), np.asarray(predicted, dtype=int)
    return {"name": name, "multi_label": True, "labels": labels, "truth": truth.tolist(),
            "predicted": predicted.tolist(), "expected": expected(truth, predicted, len(labels), True)}


def cases():
    rng = np.random.default_rng(20261202)
    out = []
    # Mostly right predictions over 5 classes.
    truth = rng.integers(0, 5, 200)
    predicted = np.where(rng.random(200) < 0.7, truth, rng.integers(0, 5, 200))
    out.append(single("random-5-classes", ["a", "b", "c", "d", "e"], truth, predicted))
    # Class 2 is never predicted (precision 0 by zero_division, recall 0).
    truth = rng.integers(0, 4, 50)
    predicted = rng.choice([0, 1, 3], 50)
    out.append(single("class-never-predicted", ["w", "x", "y", "z"], truth, predicted))
    # Class 4 predicted but absent from the truth; class 5 absent from both (F1 0 still counts in the macro mean).
    truth = rng.integers(0, 4, 40)
    predicted = np.where(rng.random(40) < 0.5, truth, rng.integers(0, 5, 40))
    out.append(single("class-absent", ["p0", "p1", "p2", "p3", "only-predicted", "absent"], truth, predicted))
    # Persian label names, one example.
    out.append(single("one-example-persian", FA, [2], [1]))
    # Single-label logits: predictions are numpy's argmax.
    logits = rng.normal(0, 2, (60, 4)).astype(np.float32)
    truth = rng.integers(0, 4, 60)
    case = single("logits-argmax", FA, truth, np.argmax(logits, axis=1))
    del case["predicted"]
    case["logits"] = [float(x) for x in logits.reshape(-1)]
    out.append(case)
    # Multi-label: random indicators; label 3 never true nor predicted; some rows without any label.
    truth = (rng.random((40, 5)) < 0.35).astype(int)
    predicted = np.where(rng.random((40, 5)) < 0.8, truth, 1 - truth)
    truth[:, 3] = 0
    predicted[:, 3] = 0
    out.append(multi("multi-label-random", ["toxic", "obscene", "insult", "threat", "hate"], truth, predicted))
    # Multi-label logits: sigmoid(logit) > threshold, in float64 like BertKit.
    logits = rng.normal(0, 2, (30, 3)).astype(np.float32)
    truth = (rng.random((30, 3)) < 0.4).astype(int)
    threshold = 0.35
    probabilities = 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))
    case = multi("multi-label-logits", ["a", "b", "c"], truth, (probabilities > np.float64(np.float32(threshold))).astype(int))
    del case["predicted"]
    case["logits"] = [float(x) for x in logits.reshape(-1)]
    case["threshold"] = threshold
    out.append(case)
    return out


def main():
    versions = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                "scikit-learn": sklearn.__version__}
    head = '{"generator": "Scripts/golden/metrics.py", "versions": %s, "cases": [\n' % json.dumps(versions)
    body = ",\n".join(json.dumps(case, ensure_ascii=False) for case in cases())  # one case a line
    write(OUT, head + body + "\n]}\n")


if __name__ == "__main__":
    main()
