#!/usr/bin/env python3
"""Makes the committed tiny BERT in Fixtures/tiny-bert/: random weights, so the encoder is tested offline.

A PyTorch `transformers` BertModel (2 layers, hidden 32, 4 heads, FFN 64, 128 positions, GELU, LayerNorm eps
1e-12) over the committed mini vocabulary (Fixtures/tokenization/mini/vocab.txt, 2,854 tokens), initialised
from torch.manual_seed(0) with initializer_range 0.2 (ten times BERT's, so attention is far from uniform and
every layer changes its input visibly), LayerNorm weights and biases then drawn from N(1, 0.1) and N(0, 0.1)
so that a LayerNorm that ignored its parameters would fail. Saved with safetensors (F32, names without the
`bert.` prefix, pooler included) beside config.json, vocab.txt and tokenizer_config.json (uncased).

Then the PyTorch goldens: run Scripts/golden/encoder.py on it (same batches and losses as for MiniLM):
    HF_HUB_OFFLINE=1 .venv/ref/bin/python Scripts/golden/make-tiny-bert.py
    HF_HUB_OFFLINE=1 .venv/ref/bin/python Scripts/golden/encoder.py --model Fixtures/tiny-bert --out Fixtures/tiny-bert/golden
Deterministic on one machine (CPU PyTorch, fixed seed); versions go to Fixtures/tiny-bert/VERSIONS.txt.
"""
import hashlib, json, os, platform, shutil

import torch
import transformers
from transformers import BertConfig, BertModel

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "Fixtures", "tiny-bert")
VOCAB = os.path.join(ROOT, "Fixtures", "tokenization", "mini", "vocab.txt")


def main():
    vocab = open(VOCAB, encoding="utf-8").read().split("\n")
    if vocab and vocab[-1] == "":
        vocab.pop()
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=128, type_vocab_size=2, hidden_act="gelu",
                        layer_norm_eps=1e-12, initializer_range=0.2, pad_token_id=0)
    model = BertModel(config, add_pooling_layer=True).eval()
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "LayerNorm.weight" in name:
                parameter.copy_(1 + 0.1 * torch.randn_like(parameter))
            elif "LayerNorm.bias" in name:
                parameter.copy_(0.1 * torch.randn_like(parameter))
    os.makedirs(OUT, exist_ok=True)
    model.save_pretrained(OUT, safe_serialization=True)
    shutil.copyfile(VOCAB, os.path.join(OUT, "vocab.txt"))
    with open(os.path.join(OUT, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": True, "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
                   "cls_token": "[CLS]", "mask_token": "[MASK]", "tokenize_chinese_chars": True,
                   "strip_accents": None, "tokenizer_class": "BertTokenizer", "model_max_length": 128}, f, indent=2)
        f.write("\n")
    sha = hashlib.sha256(open(os.path.join(OUT, "model.safetensors"), "rb").read()).hexdigest()
    with open(os.path.join(OUT, "VERSIONS.txt"), "w") as f:
        f.write(f"generator: Scripts/golden/make-tiny-bert.py\npython: {platform.python_version()}\n"
                f"torch: {torch.__version__}\ntransformers: {transformers.__version__}\n"
                f"model.safetensors sha256 {sha}\n"
                f"vocab.txt: Fixtures/tokenization/mini/vocab.txt ({len(vocab)} tokens)\n")
    for name in sorted(os.listdir(OUT)):
        path = os.path.join(OUT, name)
        if os.path.isfile(path):
            print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
