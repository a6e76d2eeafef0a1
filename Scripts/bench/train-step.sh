#!/usr/bin/env bash
# Native training step vs PyTorch, same run, same threads: batch 32 x 128 on all-MiniLM-L6-v2.
# For each thread count: PyTorch, bertkit with the environment's OpenBLAS kernels (--blas-coretype env),
# bertkit with detected kernels (--blas-coretype auto); prints medians and ratios native / PyTorch.
# Usage: Scripts/bench/train-step.sh [steps] [threads...]   (default: 5 steps, threads 1 2)
# Needs: swift build -c release, .venv/ref (Scripts/make-venvs.sh), .assets/minilm (Scripts/fetch-assets.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=${1:-5}; shift || true
threads=("${@:-1 2}"); threads=(${threads[@]})
model=.assets/minilm
bin=.build/release/bertkit
[ -x "$bin" ] || swift build -c release --product bertkit
echo "# $(date -u +%FT%TZ) $(uname -m) nproc=$(nproc) load: $(cut -d' ' -f1-3 /proc/loadavg) OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
for n in "${threads[@]}"; do
  torch_json=$(HF_HUB_OFFLINE=1 .venv/ref/bin/python Scripts/bench/train-step.py --model "$model" --threads "$n" --steps "$steps" 2>/dev/null)
  torch_median=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["median_step_s"])' "$torch_json")
  echo "threads=$n pytorch: $torch_json"
  for policy in env auto; do
    out=$("$bin" benchmark-train --model "$model" --batch-size 32 --max-length 128 --steps "$steps" --threads "$n" --blas-coretype "$policy")
    median=$(sed -n 's/^median_step_s: //p' <<<"$out")
    core=$(sed -n 's/^openblas_corename: //p' <<<"$out")
    gflops=$(sed -n 's/^achieved_gflops: //p' <<<"$out")
    peak=$(sed -n 's/^sgemm_peak_gflops: //p' <<<"$out")
    ratio=$(python3 -c "print(f'{$median/$torch_median:.3f}')")
    echo "threads=$n native[$policy] $core: median ${median}s, ${gflops} GFLOP/s, sgemm peak ${peak}; ratio native/pytorch = $ratio"
  done
done
