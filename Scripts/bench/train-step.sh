#!/usr/bin/env bash
# Native training step vs PyTorch, same run, same threads: batch 32 x 128 on all-MiniLM-L6-v2.
# Each round, for each thread count: PyTorch, then bertkit with the default kernels (--blas-coretype env: the
# environment's OPENBLAS_CORETYPE if set, else the CPUID choice) and with the CPUID choice (--blas-coretype
# auto; before issue 9, auto meant OpenBLAS's own detection, now --blas-coretype openblas), each both with its default
# pooled-only last layer and with --dense-backward (the full last layer, the work PyTorch does), back to
# back, so each ratio compares runs seconds apart under the same machine load. The summary gives the median
# ratio over rounds.
# Usage: Scripts/bench/train-step.sh [steps] [rounds] [threads...]   (default: 5 steps, 3 rounds, threads 1 2)
# Needs: swift build -c release, .venv/ref (Scripts/make-venvs.sh), .assets/minilm (Scripts/fetch-assets.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=${1:-5}; rounds=${2:-3}; shift 2 || shift $# || true
threads=("$@"); [ ${#threads[@]} -gt 0 ] || threads=(1 2)
model=.assets/minilm
bin=.build/release/bertkit
[ -x "$bin" ] || swift build -c release --product bertkit
results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "# $(date -u +%FT%TZ) $(uname -m) nproc=$(nproc) OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} steps=$steps rounds=$rounds"
for round in $(seq 1 "$rounds"); do
  for n in "${threads[@]}"; do
    echo "round $round threads=$n load: $(cut -d' ' -f1-3 /proc/loadavg)"
    torch_json=$(HF_HUB_OFFLINE=1 .venv/ref/bin/python Scripts/bench/train-step.py --model "$model" --threads "$n" --steps "$steps" 2>/dev/null)
    torch_median=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["median_step_s"])' "$torch_json")
    echo "  pytorch: $torch_json"
    for variant in env auto env:dense auto:dense; do
      policy=${variant%%:*}; extra=(); [ "$variant" = "${variant%:dense}" ] || extra=(--dense-backward)
      out=$("$bin" benchmark-train --model "$model" --batch-size 32 --max-length 128 --steps "$steps" --threads "$n" --blas-coretype "$policy" "${extra[@]}")
      median=$(sed -n 's/^median_step_s: //p' <<<"$out")
      core=$(sed -n 's/^openblas_corename: //p' <<<"$out" | cut -d' ' -f1)
      gflops=$(sed -n 's/^achieved_gflops: //p' <<<"$out" | cut -d' ' -f1)
      peak=$(sed -n 's/^sgemm_peak_gflops: //p' <<<"$out" | cut -d' ' -f1)
      ratio=$(python3 -c "print(f'{$median/$torch_median:.3f}')")
      echo "  native[$variant] $core: median ${median}s, ${gflops} GFLOP/s (executed), sgemm peak ${peak} GFLOP/s; native/pytorch = $ratio"
      echo "$n $variant $core $ratio $median $torch_median $gflops $peak" >> "$results"
    done
  done
done
echo "# summary: median over rounds (threads, kernels: ratio native/pytorch, native s, pytorch s, GFLOP/s, sgemm peak)"
python3 - "$results" <<'PY'
import sys, statistics as st, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    n, policy, core, ratio, nat, tor, gf, peak = line.split()
    rows[(int(n), policy, core)].append((float(ratio), float(nat), float(tor), float(gf), float(peak)))
for (n, policy, core), v in sorted(rows.items()):
    med = [st.median(x[i] for x in v) for i in range(5)]
    print(f"threads={n} {policy:10s} {core:10s} ratio {med[0]:.3f} (rounds: {' '.join(f'{x[0]:.3f}' for x in v)}), "
          f"native {med[1]:.3f}s, pytorch {med[2]:.3f}s, {med[3]:.0f} GFLOP/s of {med[4]:.0f} sgemm peak")
PY
