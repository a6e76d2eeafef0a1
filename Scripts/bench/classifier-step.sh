#!/usr/bin/env bash
# Cost of NativeClassifierTrainer's calls on all-MiniLM-L6-v2: the first micro-batch of an update (its backward
# overwrites the gradients), a further micro-batch (gradient accumulation: a second arena, then added), clipping
# and the AdamW update; at batch x length and at 1 x 8 (where the backward is cheap). Medians over rounds.
# Usage: Scripts/bench/classifier-step.sh [batch] [length] [rounds] [threads]   (default 32 128 5 2)
# Needs: .assets/minilm (Scripts/fetch-assets.sh). Builds Benchmarks/ClassifierStepBench in release.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --package-path Benchmarks/ClassifierStepBench >&2
echo "# $(date -u +%FT%TZ) $(uname -m) nproc=$(nproc) load $(cut -d' ' -f1-3 /proc/loadavg) OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
Benchmarks/ClassifierStepBench/.build/release/classifier-step-bench .assets/minilm "${1:-32}" "${2:-128}" "${3:-5}" "${4:-2}"
