#!/usr/bin/env python3
"""Loads a folder written by NativeClassifierTrainer.exportModel with transformers and prints its logits.

Usage: HF_HUB_OFFLINE=1 .venv/ref/bin/python Scripts/golden/check-export.py MODEL_DIR INPUTS_JSON
INPUTS_JSON holds {"input_ids": [[...]], "token_type_ids": [[...]], "attention_mask": [[...]]} (padded rows).
Prints one JSON object: {"architecture", "problem_type", "id2label", "logits": [[...]]}, logits of
BertForSequenceClassification.from_pretrained(MODEL_DIR) in evaluation mode (no dropout). Any missing or unexpected
tensor is an error (the folder must load as it is, head included). Run by Tests/NativeEncoderTests/ClassifierExportTests.swift.
"""
import json, sys

import torch
from transformers import BertForSequenceClassification


def main():
    folder, inputs_path = sys.argv[1], sys.argv[2]
    model, info = BertForSequenceClassification.from_pretrained(folder, output_loading_info=True)
    problems = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
    if problems:
        sys.exit(f"{folder}: the checkpoint does not load cleanly: {problems}")
    model.eval()
    inputs = json.load(open(inputs_path))
    with torch.no_grad():
        logits = model(**{k: torch.tensor(inputs[k], dtype=torch.long) for k in ("input_ids", "token_type_ids", "attention_mask")}).logits
    print(json.dumps({"architecture": type(model).__name__, "problem_type": model.config.problem_type,
                      "id2label": {str(k): v for k, v in model.config.id2label.items()}, "logits": logits.tolist()}))


if __name__ == "__main__":
    main()
