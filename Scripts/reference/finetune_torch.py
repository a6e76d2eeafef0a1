#!/usr/bin/env python3
"""PyTorch/transformers reference for `bertkit finetune`: the same recipe, for accuracy and speed.

Fine-tunes a local Hugging Face BERT folder (default .assets/minilm, all-MiniLM-L6-v2: a `BertModel` without
a head; `BertForSequenceClassification.from_pretrained` adds pooler -> dropout -> linear, initialized from
torch's generator after `torch.manual_seed(seed)`) on a `label,text` CSV (header row, first column the label,
second the text, RFC 4180 quoting), then evaluates on another and prints one JSON object.

The recipe mirrors `bertkit finetune`'s defaults (issue 10):
  - labels: the sorted distinct labels of the training file, id = index (label2id/id2label saved with --save);
    an evaluation label absent from training is an error naming file and line
  - encoding: the folder's fast tokenizer, [CLS] text [SEP], truncated to --max-length 128, padded to the
    longest row of each batch (dynamic padding), attention mask over the real tokens; all texts are encoded
    once before training (not timed as training; reported as encode_seconds)
  - batches of 32 in an order shuffled afresh each epoch by a torch.Generator seeded with --seed (one
    randperm per epoch); the last, short batch is kept
  - AdamW (torch.optim.AdamW, bias-corrected) lr 5e-5, betas 0.9/0.999; preset `bert`: eps 1e-6, weight decay
    0.01; preset `hf`: eps 1e-8, weight decay 0. No decay for biases and LayerNorm weights (name ends with
    `.bias` or contains `LayerNorm.`, as EncoderTraining's ParameterGroup.isExemptFromDecay)
  - transformers' get_linear_schedule_with_warmup: warmup ceil(0.1 x total steps) (as HF Trainer's
    warmup_ratio), then linear decay to 0 at the last step; one scheduler step per optimizer step
  - loss: mean cross-entropy over the batch (the model's own); clip_grad_norm_ 1.0 on the global norm
  - dropout on while training (model.train(): 0.1 on embeddings, attention probabilities, block outputs and
    the head), off while evaluating
A plain PyTorch loop, not HF `Trainer`, so every step above is visible and nothing else happens (no
evaluation or logging inside the timed loop, no mixed precision, no data-loader workers).

Timing: train_seconds is the wall time of the training loop only (batches, forward, backward, clipping,
optimizer and schedule steps), model loading and encoding excluded; train_examples_per_s = examples seen
(epochs x training rows) / train_seconds. predict_examples_per_s: the evaluation file in eval mode under
torch.inference_mode, batches of 32 in file order, timed from the texts (tokenization included) to the
softmax probabilities, model loading excluded.

Usage:
  HF_HUB_OFFLINE=1 .venv/ref/bin/python Scripts/reference/finetune_torch.py \
      --train .assets/rt/train.csv --eval .assets/rt/test.csv --epochs 2 --seed 1 --threads 2
  (--max-train-examples N: the first N training rows only, for speed runs; --save DIR: the fine-tuned
  folder; --predictions FILE: one JSON line per evaluation row, {"label", "probabilities"} as bertkit predict)
"""
import argparse
import csv
import json
import math
import os
import platform
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import tokenizers
import transformers
from transformers import AutoTokenizer, BertForSequenceClassification, get_linear_schedule_with_warmup

csv.field_size_limit(1 << 30)


def read_rows(path):
    """(line, label, text) for each data row of a `label,text` CSV; errors name the file and line."""
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            sys.exit(f"finetune_torch: {path}: the file is empty; expected a header row `label,text`")
        line = reader.line_num
        for record in reader:
            if len(record) < 2:
                sys.exit(f"finetune_torch: {path}:{line + 1}: {len(record)} column(s); expected label,text")
            rows.append((line + 1, record[0], record[1]))
            line = reader.line_num
    if not rows:
        sys.exit(f"finetune_torch: {path}: no data rows")
    return rows


def label_ids(rows, label2id, path):
    ids = []
    for line, label, _ in rows:
        if label not in label2id:
            sys.exit(f"finetune_torch: {path}:{line}: label {label!r} does not occur in the training file")
        ids.append(label2id[label])
    return ids


def encode(tokenizer, texts, max_length):
    """Token ids per text ([CLS] ... [SEP], truncated), unpadded."""
    return tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]


def collate(ids, pad_id):
    """Pads a batch of id lists to its longest row; returns input_ids and attention_mask tensors."""
    width = max(len(row) for row in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for i, row in enumerate(ids):
        input_ids[i, :len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, :len(row)] = 1
    return input_ids, mask


def is_exempt_from_decay(name):
    return name.endswith(".bias") or "LayerNorm." in name


def metrics(gold, predicted, labels):
    n = len(labels)
    confusion = [[0] * n for _ in range(n)]
    for g, p in zip(gold, predicted):
        confusion[g][p] += 1
    per_class = {}
    for k, label in enumerate(labels):
        tp = confusion[k][k]
        fp = sum(confusion[g][k] for g in range(n)) - tp
        fn = sum(confusion[k]) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    # Macro-F1 over the classes that occur in the gold labels or the predictions (sklearn's
    # f1_score(average="macro")); a training class absent from both does not pull the mean down.
    present = [k for k in range(n) if sum(confusion[k]) or sum(confusion[g][k] for g in range(n))]
    macro = sum(per_class[labels[k]]["f1"] for k in present) / len(present)
    accuracy = sum(confusion[k][k] for k in range(n)) / len(gold)
    return accuracy, macro, per_class, confusion


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=".assets/minilm")
    ap.add_argument("--train", required=True)
    ap.add_argument("--eval", required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--warmup", type=float, default=0.1, help="warmup steps as a fraction of all steps (ceil)")
    ap.add_argument("--weight-decay", type=float, help="default: the preset's (bert 0.01, hf 0)")
    ap.add_argument("--optimizer-preset", choices=("bert", "hf"), default="bert")
    ap.add_argument("--max-grad-norm", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-train-examples", type=int, help="train on the first N rows only (speed runs)")
    ap.add_argument("--save", help="write the fine-tuned model folder here")
    ap.add_argument("--predictions", help="write one JSON line per evaluation row here")
    ap.add_argument("--progress-every", type=int, default=50, help="a progress line on stderr every N steps")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    eps = 1e-6 if args.optimizer_preset == "bert" else 1e-8
    weight_decay = args.weight_decay if args.weight_decay is not None else (
        0.01 if args.optimizer_preset == "bert" else 0.0)

    train_rows = read_rows(args.train)
    if args.max_train_examples:
        train_rows = train_rows[:args.max_train_examples]
    eval_rows = read_rows(args.eval)
    labels = sorted({label for _, label, _ in train_rows})
    if len(labels) < 2:
        sys.exit(f"finetune_torch: {args.train}: the label column holds one class ({labels[0]!r}); need two or more")
    label2id = {label: i for i, label in enumerate(labels)}
    train_labels = label_ids(train_rows, label2id, args.train)
    eval_labels = label_ids(eval_rows, label2id, args.eval)

    load_start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    torch.manual_seed(args.seed)  # the new head's initialization, then dropout
    model = BertForSequenceClassification.from_pretrained(
        args.model, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=label2id)
    load_seconds = time.perf_counter() - load_start

    encode_start = time.perf_counter()
    train_ids = encode(tokenizer, [text for _, _, text in train_rows], args.max_length)
    encode_seconds = time.perf_counter() - encode_start
    pad_id = tokenizer.pad_token_id

    n = len(train_ids)
    steps_per_epoch = math.ceil(n / args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    warmup_steps = math.ceil(args.warmup * total_steps)
    decay = [p for name, p in model.named_parameters() if not is_exempt_from_decay(name)]
    no_decay = [p for name, p in model.named_parameters() if is_exempt_from_decay(name)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=args.lr, betas=(0.9, 0.999), eps=eps)
    schedule = get_linear_schedule_with_warmup(optimizer, warmup_steps, total_steps)
    shuffler = torch.Generator().manual_seed(args.seed)
    targets = torch.tensor(train_labels, dtype=torch.long)

    model.train()
    epoch_losses = []
    step = 0
    train_start = time.perf_counter()
    for epoch in range(args.epochs):
        order = torch.randperm(n, generator=shuffler).tolist()
        loss_sum = 0.0
        for b in range(0, n, args.batch_size):
            idx = order[b:b + args.batch_size]
            input_ids, mask = collate([train_ids[i] for i in idx], pad_id)
            out = model(input_ids=input_ids, attention_mask=mask, labels=targets[idx])
            optimizer.zero_grad(set_to_none=True)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.max_grad_norm)
            optimizer.step()
            schedule.step()
            step += 1
            loss_sum += out.loss.item()
            if args.progress_every and step % args.progress_every == 0:
                elapsed = time.perf_counter() - train_start
                print(f"finetune_torch: epoch {epoch + 1} step {step}/{total_steps} loss {out.loss.item():.4f} "
                      f"{step * args.batch_size / elapsed:.1f} examples/s", file=sys.stderr, flush=True)
        epoch_losses.append(loss_sum / steps_per_epoch)
    train_seconds = time.perf_counter() - train_start

    model.eval()
    eval_texts = [text for _, _, text in eval_rows]
    predicted, probabilities = [], []
    predict_start = time.perf_counter()
    with torch.inference_mode():
        for b in range(0, len(eval_texts), args.batch_size):
            input_ids, mask = collate(encode(tokenizer, eval_texts[b:b + args.batch_size], args.max_length), pad_id)
            probs = torch.softmax(model(input_ids=input_ids, attention_mask=mask).logits, dim=-1)
            probabilities.extend(probs.tolist())
            predicted.extend(probs.argmax(dim=-1).tolist())
    predict_seconds = time.perf_counter() - predict_start
    accuracy, macro_f1, per_class, confusion = metrics(eval_labels, predicted, labels)

    if args.predictions:
        with open(args.predictions + ".tmp", "w", encoding="utf-8") as f:
            for k, probs in zip(predicted, probabilities):
                f.write(json.dumps({"label": labels[k], "probabilities": dict(zip(labels, probs))}) + "\n")
        os.replace(args.predictions + ".tmp", args.predictions)
    if args.save:
        model.save_pretrained(args.save)
        tokenizer.save_pretrained(args.save)

    examples_seen = n * args.epochs
    print(json.dumps({
        "peer": "torch", "model": args.model, "train": args.train, "eval": args.eval,
        "train_examples": n, "eval_examples": len(eval_rows), "labels": labels,
        "epochs": args.epochs, "seed": args.seed, "threads": args.threads, "batch_size": args.batch_size,
        "max_length": args.max_length, "lr": args.lr, "optimizer_preset": args.optimizer_preset, "eps": eps,
        "weight_decay": weight_decay, "warmup_steps": warmup_steps, "total_steps": total_steps,
        "max_grad_norm": args.max_grad_norm,
        "accuracy": accuracy, "macro_f1": macro_f1, "per_class": per_class, "confusion_matrix": confusion,
        "epoch_mean_loss": [round(x, 6) for x in epoch_losses],
        "load_seconds": round(load_seconds, 3), "encode_seconds": round(encode_seconds, 3),
        "train_seconds": round(train_seconds, 3), "train_examples_per_s": round(examples_seen / train_seconds, 2),
        "predict_seconds": round(predict_seconds, 3),
        "predict_examples_per_s": round(len(eval_rows) / predict_seconds, 2),
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "transformers": transformers.__version__, "tokenizers": tokenizers.__version__},
        "attention": model.config._attn_implementation,
        "torch_threads": torch.get_num_threads(), "torch_interop_threads": torch.get_num_interop_threads(),
        "cpu": cpu_model(),
    }))


if __name__ == "__main__":
    main()
