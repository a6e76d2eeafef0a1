#!/usr/bin/env python3
"""Golden files for the native BERT encoder (Tests/NativeEncoderTests), from PyTorch `transformers`.

Writes into Fixtures/encoder/:
  forward.safetensors  token ids, masks, type ids and the float32 last hidden states + pooled outputs of
                       BertModel for two small batches (fa/pt/en sentences padded together; an en pair).
  embed.safetensors    (and embed.json) sentence-transformers style mean-pooled embeddings of the three `embed-input.txt` lines.
  grads.safetensors    a float64 autograd reference for loss = sum(hidden * R1) + sum(pooled * R2) on a 2 x 8
                       batch (dropout off): per parameter tensor its L2 norm plus 8 sampled entries.
  VERSIONS.txt         torch / transformers / tokenizers / python versions and the model's sha256.

R1/R2 come from a counter hash the Swift test reproduces: r(i, seed) = ((i * 2654435761 + seed) mod 2^32 >> 8)
/ 2^24 - 0.5 (exact in float32), seed 1 for R1 and 2 for R2, i the row-major flat index.

Usage: HF_HUB_OFFLINE=1 .venv/ref/bin/python Scripts/golden/encoder.py [--model .assets/minilm] [--out Fixtures/encoder]
(the committed tiny BERT: --model Fixtures/tiny-bert --out Fixtures/tiny-bert/golden)
"""
import argparse, hashlib, json, os, platform, sys

import numpy as np
import torch
import transformers
import tokenizers
from safetensors.numpy import save_file
from tokenizers import BertWordPieceTokenizer
from transformers import BertModel

SENTENCES = [
    "کتاب‌ها را روی میز گذاشتم و رفتم.",          # Persian, with ZWNJ
    "Ela não sabia que o ônibus já tinha partido.",  # Portuguese, accents
    "The quick brown fox jumps over the lazy dog!",  # English
]
PAIR = ("How old are you?", "I am twenty-two years old.")


def counter_noise(n, seed):
    i = np.arange(n, dtype=np.uint64)
    k = (i * np.uint64(2654435761) + np.uint64(seed)) & np.uint64(0xFFFFFFFF)
    return ((k >> np.uint64(8)).astype(np.float64) / float(1 << 24) - 0.5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=".assets/minilm")
    ap.add_argument("--out", default="Fixtures/encoder")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    tok = BertWordPieceTokenizer(os.path.join(args.model, "vocab.txt"), lowercase=True)
    model = BertModel.from_pretrained(args.model, add_pooling_layer=True).eval()

    # Forward batch A: three languages padded together (attention mask exercises the additive key mask).
    encs = [tok.encode(s) for s in SENTENCES]
    seq = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), seq), dtype=np.int64)
    mask = np.zeros_like(ids)
    for r, e in enumerate(encs):
        ids[r, : len(e.ids)] = e.ids
        mask[r, : len(e.ids)] = 1
    types = np.zeros_like(ids)
    # Forward batch B: a sentence pair, so token type 1 is used.
    pe = tok.encode(*PAIR)
    ids_b = np.array([pe.ids], dtype=np.int64)
    types_b = np.array([pe.type_ids], dtype=np.int64)
    mask_b = np.ones_like(ids_b)
    out = {}
    with torch.no_grad():
        for tag, (i, m, t) in {"a": (ids, mask, types), "b": (ids_b, mask_b, types_b)}.items():
            o = model(input_ids=torch.from_numpy(i), attention_mask=torch.from_numpy(m),
                      token_type_ids=torch.from_numpy(t))
            out[f"{tag}.input_ids"] = i
            out[f"{tag}.attention_mask"] = m
            out[f"{tag}.token_type_ids"] = t
            out[f"{tag}.last_hidden_state"] = o.last_hidden_state.numpy().astype(np.float32)
            out[f"{tag}.pooler_output"] = o.pooler_output.numpy().astype(np.float32)
    save_file(out, os.path.join(args.out, "forward.safetensors"))

    # Embeddings as sentence-transformers computes them for this model: mean over the attention mask.
    with open(os.path.join(args.out, "embed-input.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(SENTENCES) + "\n")
    emb = []
    with torch.no_grad():
        for e in encs:
            i = torch.tensor([e.ids])
            h = model(input_ids=i, attention_mask=torch.ones_like(i)).last_hidden_state[0]
            emb.append(h.mean(0).numpy())
    save_file({"mean": np.stack(emb).astype(np.float32)}, os.path.join(args.out, "embed.safetensors"))
    with open(os.path.join(args.out, "embed.json"), "w") as f:  # the same, for the CLI test (no safetensors reader)
        json.dump([[float(v) for v in e] for e in emb], f)

    # Backward: float64 autograd on a 2 x 8 batch, the second row padded by 3.
    model64 = BertModel.from_pretrained(args.model).double().eval()
    g_ids = np.array([encs[2].ids[:8], encs[1].ids[:5] + [0, 0, 0]], dtype=np.int64)
    g_mask = np.array([[1] * 8, [1] * 5 + [0] * 3], dtype=np.int64)
    o = model64(input_ids=torch.from_numpy(g_ids), attention_mask=torch.from_numpy(g_mask))
    h, p = o.last_hidden_state, o.pooler_output
    r1 = torch.from_numpy(counter_noise(h.numel(), 1).reshape(h.shape))
    r2 = torch.from_numpy(counter_noise(p.numel(), 2).reshape(p.shape))
    loss = (h * r1).sum() + (p * r2).sum()
    loss.backward()
    grads = {"input_ids": g_ids, "attention_mask": g_mask, "loss": np.array([loss.item()])}
    rng = np.random.default_rng(7)
    for name, prm in model64.named_parameters():
        g = prm.grad.detach().numpy().reshape(-1)
        if name == "embeddings.word_embeddings.weight":
            rows = rng.choice(np.unique(g_ids), size=8)
            idx = rows * prm.shape[1] + rng.integers(0, prm.shape[1], size=8)
        else:
            idx = rng.integers(0, g.size, size=8)
        grads[f"norm.{name}"] = np.array([np.linalg.norm(g)])
        grads[f"idx.{name}"] = idx.astype(np.int64)
        grads[f"val.{name}"] = g[idx]
    save_file(grads, os.path.join(args.out, "grads.safetensors"))

    with open(os.path.join(args.model, "model.safetensors"), "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(args.out, "VERSIONS.txt"), "w") as f:
        f.write(f"generator: Scripts/golden/encoder.py\npython: {platform.python_version()}\n"
                f"torch: {torch.__version__}\ntransformers: {transformers.__version__}\n"
                f"tokenizers: {tokenizers.__version__}\nnumpy: {np.__version__}\n"
                f"model: {'all-MiniLM-L6-v2' if args.model.rstrip('/').endswith('minilm') else args.model} model.safetensors sha256 {sha}\n")


if __name__ == "__main__":
    main()
