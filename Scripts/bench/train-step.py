#!/usr/bin/env python3
"""PyTorch peer of `bertkit benchmark-train`: the same model, batch, loss and optimizer, timed per step.

Step = forward (train mode, dropout on) + F.mse_loss(pooler output, fixed random target) + backward +
AdamW(lr 2e-5, weight_decay 0.01, eps 1e-8) update, on random full-length token ids ([CLS] ... [SEP]).
Prints median seconds per step, achieved GFLOP/s (3 x forward matmul FLOPs, the count bertkit uses)
and torch.matmul's sgemm peak at 4096 x 1536 x 384 on the same threads.

Usage: .venv/ref/bin/python Scripts/bench/train-step.py --model .assets/minilm --threads 2 --steps 5
"""
import argparse, json, os, statistics, time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn.functional as F
from transformers import BertModel


def matmul_flops(cfg, b, s):
    t, h, i, heads = b * s, cfg.hidden_size, cfg.intermediate_size, cfg.num_attention_heads
    dh = h // heads
    layer = 2 * t * h * 3 * h + 2 * 2 * b * heads * s * s * dh + 2 * t * h * h + 2 * 2 * t * h * i
    return cfg.num_hidden_layers * layer + 2 * b * h * h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=".assets/minilm")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--steps", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    model = BertModel.from_pretrained(args.model)  # default attention (sdpa), PyTorch's fastest CPU path
    model.train()
    cfg = model.config
    b, s = args.batch_size, args.max_length
    ids = torch.randint(1000, cfg.vocab_size, (b, s))
    ids[:, 0], ids[:, -1] = 101, 102
    mask = torch.ones_like(ids)
    target = torch.rand(b, cfg.hidden_size) - 0.5
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01, eps=1e-8)
    times = []
    for step in range(args.steps + 1):
        start = time.perf_counter()
        out = model(input_ids=ids, attention_mask=mask)
        loss = F.mse_loss(out.pooler_output, target)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step > 0:
            times.append(time.perf_counter() - start)
    x = torch.rand(b * s, cfg.hidden_size)
    w = torch.rand(cfg.intermediate_size, cfg.hidden_size)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        torch.matmul(x, w.t())
        best = min(best, time.perf_counter() - t0)
    median = statistics.median(times)
    flops = 3 * matmul_flops(cfg, b, s)
    print(json.dumps({
        "peer": f"torch {torch.__version__} (attn {model.config._attn_implementation})", "threads": args.threads,
        "step_seconds": [round(t, 4) for t in times], "median_step_s": round(median, 4),
        "achieved_gflops": round(flops / median / 1e9, 1),
        "sgemm_peak_gflops": round(2 * b * s * cfg.hidden_size * cfg.intermediate_size / best / 1e9, 1),
        "final_loss": round(loss.item(), 6)}))


if __name__ == "__main__":
    main()
