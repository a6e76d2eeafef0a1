#!/usr/bin/env python3
"""Golden training runs for the native classifier trainer (Tests/NativeEncoderTests/ClassifierParityTests.swift).

Builds a Hugging Face BertForSequenceClassification (3 labels) on the committed tiny BERT (Fixtures/tiny-bert)
with a seeded head (torch.manual_seed(1234), transformers' own init: weight N(0, initializer_range), bias 0),
saves it as Fixtures/classifier/initial/ (save_pretrained: config.json, model.safetensors with `bert.` names and
the head; vocab.txt and tokenizer_config.json copied), then trains copies of it with dropout off (eval mode) on
a fixed order of padded batches of varying lengths (random token ids of the tiny vocabulary, some sentence
pairs with token type 1, fixed in the output JSON), recording every loss, gradient norm and learning rate:

  AdamW(betas 0.9/0.999, eps 1e-6, weight decay 0.01 except biases and LayerNorm weights), peak rate 1e-3,
  get_linear_schedule_with_warmup with ceil(0.1 x updates) warmup updates, clip_grad_norm_(1.0) each update.

Variants: `single` (cross-entropy, 20 updates of one batch), `accumulation2` (10 updates of two batches each,
each micro-batch's loss scaled by 1/2 as HF Trainer does), `weighted` (CrossEntropyLoss(weight=[0.5, 2, 1])),
`multilabel` (BCEWithLogitsLoss(pos_weight=[1, 3, 0.5]) on multi-hot targets). Each records the final
evaluation-mode logits of a probe batch and the final classifier weight and bias.

With the fetched all-MiniLM-L6-v2 (.assets/minilm, Scripts/fetch-assets.sh) it also writes minilm.json: the
`single` recipe on MiniLM (3-label head from torch.manual_seed(1234), recorded in the file since the model itself
is not committed; batches of ids 1000..28999 with [CLS] 101 / [SEP] 102), for the test that needs the model.

Usage: HF_HUB_OFFLINE=1 .venv/ref/bin/python Scripts/golden/classifier.py
Writes Fixtures/classifier/{initial/, training.json, minilm.json, VERSIONS.txt}.
"""
import hashlib, json, math, os, platform, shutil, sys

import numpy as np
import torch
import transformers
from transformers import BertForSequenceClassification, get_linear_schedule_with_warmup

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_files import ROOT, write  # noqa: E402

TINY = os.path.join(ROOT, "Fixtures", "tiny-bert")
OUT = os.path.join(ROOT, "Fixtures", "classifier")
INITIAL = os.path.join(OUT, "initial")
LABELS = 3
PEAK, WARMUP, EPS, DECAY, CLIP = 1e-3, 0.1, 1e-6, 0.01, 1.0
CLASS_WEIGHTS = [0.5, 2.0, 1.0]
POS_WEIGHTS = [1.0, 3.0, 0.5]
MINILM = os.path.join(ROOT, ".assets", "minilm")
PAD = 0


def make_batch(rng, size, vocab, cls=2, sep=3, first=5):
    """`size` sequences of 4..20 tokens ([CLS] ... [SEP], every third a pair with type ids 1), padded; ordinary
    ids drawn from first..vocab-1."""
    CLS, SEP = cls, sep
    rows = []
    for r in range(size):
        n = int(rng.randint(4, 21))
        words = [int(t) for t in rng.randint(first, vocab, size=n - 2)]
        if r % 3 == 2 and n >= 6:
            cut = (n - 3) // 2
            ids = [CLS] + words[:cut] + [SEP] + words[cut:n - 3] + [SEP]
            types = [0] * (cut + 2) + [1] * (n - 3 - cut + 1)
        else:
            ids, types = [CLS] + words + [SEP], [0] * n
        rows.append((ids, types))
    length = max(len(ids) for ids, _ in rows)
    batch = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for ids, types in rows:
        pad = length - len(ids)
        batch["input_ids"].append(ids + [PAD] * pad)
        batch["token_type_ids"].append(types + [0] * pad)
        batch["attention_mask"].append([1] * len(ids) + [0] * pad)
    batch["labels"] = [int(x) for x in rng.randint(0, LABELS, size=size)]
    batch["multi_hot"] = [[float(x) for x in row] for row in rng.randint(0, 2, size=(size, LABELS))]
    return batch


def tensors(batch):
    return {k: torch.tensor(batch[k], dtype=torch.long) for k in ("input_ids", "token_type_ids", "attention_mask")}


def run(batches, probe, accumulation, loss_name, model=None):
    if model is None:
        model = BertForSequenceClassification.from_pretrained(INITIAL)
    model.eval()  # every dropout off
    named = list(model.named_parameters())
    exempt = lambda n: n.endswith(".bias") or "LayerNorm." in n
    optimizer = torch.optim.AdamW(
        [{"params": [p for n, p in named if not exempt(n)], "weight_decay": DECAY},
         {"params": [p for n, p in named if exempt(n)], "weight_decay": 0.0}],
        lr=PEAK, betas=(0.9, 0.999), eps=EPS)
    updates = len(batches) // accumulation
    scheduler = get_linear_schedule_with_warmup(optimizer, math.ceil(WARMUP * updates), updates)
    if loss_name == "weighted":
        loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(CLASS_WEIGHTS))
    elif loss_name == "multilabel":
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(POS_WEIGHTS))
    else:
        loss_fn = torch.nn.CrossEntropyLoss()
    losses, norms, rates = [], [], []
    for u in range(updates):
        for k in range(accumulation):
            batch = batches[u * accumulation + k]
            logits = model(**tensors(batch)).logits
            if loss_name == "multilabel":
                loss = loss_fn(logits, torch.tensor(batch["multi_hot"], dtype=torch.float32))
            else:
                loss = loss_fn(logits, torch.tensor(batch["labels"], dtype=torch.long))
            (loss / accumulation).backward()
            losses.append(loss.item())
        norms.append(torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP).item())
        rates.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
    with torch.no_grad():
        probe_logits = model(**tensors(probe)).logits
    return {"accumulation": accumulation, "updates": updates,
            "class_weights": {"weighted": CLASS_WEIGHTS, "multilabel": POS_WEIGHTS}.get(loss_name),
            "multi_label": loss_name == "multilabel", "losses": losses, "grad_norms": norms, "learning_rates": rates,
            "probe_logits": probe_logits.tolist(), "classifier_weight": model.classifier.weight.detach().flatten().tolist(),
            "classifier_bias": model.classifier.bias.detach().tolist()}


def main():
    torch.manual_seed(1234)
    model = BertForSequenceClassification.from_pretrained(TINY, num_labels=LABELS)
    if os.path.isdir(INITIAL):
        shutil.rmtree(INITIAL)
    model.save_pretrained(INITIAL, safe_serialization=True)
    for name in ("vocab.txt", "tokenizer_config.json"):
        shutil.copyfile(os.path.join(TINY, name), os.path.join(INITIAL, name))
    vocab = model.config.vocab_size
    rng = np.random.RandomState(7)
    batches = [make_batch(rng, 3 if i % 7 == 6 else 4, vocab) for i in range(20)]
    probe = make_batch(rng, 3, vocab)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    out = {"recipe": {"peak_learning_rate": PEAK, "warmup_ratio": WARMUP, "epsilon": EPS, "weight_decay": DECAY,
                      "max_grad_norm": CLIP, "betas": [0.9, 0.999], "labels": LABELS},
           "batches": batches, "probe": probe,
           "variants": {"single": run(batches, probe, 1, "ce"), "accumulation2": run(batches, probe, 2, "ce"),
                        "weighted": run(batches, probe, 1, "weighted"), "multilabel": run(batches, probe, 1, "multilabel")}}
    write(os.path.join(OUT, "training.json"), json.dumps(out, indent=1) + "\n")
    minilm_line = "minilm.json: not made (no .assets/minilm)\n"
    if os.path.isfile(os.path.join(MINILM, "model.safetensors")):
        torch.manual_seed(1234)
        model = BertForSequenceClassification.from_pretrained(MINILM, num_labels=LABELS)
        head = {"classifier_weight_initial": model.classifier.weight.detach().flatten().tolist(),
                "classifier_bias_initial": model.classifier.bias.detach().tolist()}
        rng = np.random.RandomState(11)
        batches = [make_batch(rng, 3 if i % 7 == 6 else 4, 29000, cls=101, sep=102, first=1000) for i in range(20)]
        probe = make_batch(rng, 3, 29000, cls=101, sep=102, first=1000)
        result = run(batches, probe, 1, "ce", model=model)
        write(os.path.join(OUT, "minilm.json"), json.dumps({"recipe": out["recipe"], "batches": batches, "probe": probe,
                                                           "head": head, "variants": {"single": result}}, indent=1) + "\n")
        msha = hashlib.sha256(open(os.path.join(MINILM, "model.safetensors"), "rb").read()).hexdigest()
        minilm_line = f"minilm.json: .assets/minilm/model.safetensors sha256 {msha}\n"
        print(f"minilm single: losses {result['losses'][0]:.4f} -> {result['losses'][-1]:.4f}")
    sha = hashlib.sha256(open(os.path.join(INITIAL, "model.safetensors"), "rb").read()).hexdigest()
    write(os.path.join(OUT, "VERSIONS.txt"),
          f"generator: Scripts/golden/classifier.py\npython: {platform.python_version()}\ntorch: {torch.__version__}\n"
          f"transformers: {transformers.__version__}\nnumpy: {np.__version__}\n"
          f"initial/model.safetensors sha256 {sha}\nsource model: Fixtures/tiny-bert\n" + minilm_line)
    for v, r in out["variants"].items():
        print(f"{v}: losses {r['losses'][0]:.4f} -> {r['losses'][-1]:.4f}, norms {min(r['grad_norms']):.3f}..{max(r['grad_norms']):.3f}")


if __name__ == "__main__":
    main()
