#!/usr/bin/env bash
# `bertkit embed` vs PyTorch (transformers BertModel + mean pooling, Scripts/bench/embed.py), same run, same
# lines, same threads, batches of 32, lengths as they come (truncated at 128 tokens): every Nth line of
# .assets/text/bench-mixed.txt (real fa/pt/en text). Each round, for each thread count: PyTorch, then bertkit
# with the kernels a user gets by default (--blas-coretype env: the environment's OPENBLAS_CORETYPE if set,
# else the CPUID choice), then with the CPUID choice (auto), back to back. Ratios are PyTorch's time over
# bertkit's (above 1: bertkit faster); bertkit's time is the whole process (model loading, JSON output
# included), PyTorch's excludes model loading. Also checks that both give the same vectors (max abs diff).
# Usage: Scripts/bench/embed.sh [every-nth-line] [rounds] [threads...]   (default: 36, i.e. ~2,000 lines; 2 rounds; threads 1 2)
# Needs: swift build -c release, .venv/ref (Scripts/make-venvs.sh), .assets (Scripts/fetch-assets.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
nth=${1:-36}; rounds=${2:-2}; shift 2 || shift $# || true
threads=("$@"); [ ${#threads[@]} -gt 0 ] || threads=(1 2)
model=.assets/minilm
bin=${BERTKIT_BIN:-.build/release/bertkit}  # BERTKIT_BIN: another build (e.g. to try the script on a debug build)
[ -x "$bin" ] || swift build -c release --product bertkit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v n="$nth" 'NR % n == 1' .assets/text/bench-mixed.txt > "$work/lines.txt"
echo "# $(date -u +%FT%TZ) $(uname -m) nproc=$(nproc) cpu: $(lscpu | sed -n 's/^Model name: *//p') OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
echo "# $(wc -l < "$work/lines.txt") lines, $(wc -c < "$work/lines.txt") bytes (every ${nth}th line of bench-mixed.txt), batch 32, max length 128, rounds=$rounds"
results="$work/results"
for round in $(seq 1 "$rounds"); do
  for n in "${threads[@]}"; do
    echo "round $round threads=$n load: $(cut -d' ' -f1-3 /proc/loadavg)"
    torch_json=$(.venv/ref/bin/python Scripts/bench/embed.py --model "$model" --input "$work/lines.txt" --threads "$n" --output "$work/torch.jsonl" 2>/dev/null)
    torch_s=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$torch_json")
    echo "  pytorch: $torch_json"
    for policy in env auto; do
      start=$(date +%s.%N)
      "$bin" embed --model "$model" --input "$work/lines.txt" --output "$work/native.jsonl" --threads "$n" --batch-size 32 \
        --max-length 128 --blas-coretype "$policy" 2> "$work/stderr"
      end=$(date +%s.%N)
      native_s=$(python3 -c "print(f'{$end - $start:.4f}')")
      core=$(sed -n 's/^embed: openblas: \([A-Za-z0-9_]*\) kernels.*/\1/p' "$work/stderr")
      isa=$(sed -n 's/^embed: encoder kernels: \([^ ]*\) .*/\1/p' "$work/stderr")
      diff=$(python3 - "$work/torch.jsonl" "$work/native.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]; b = [json.loads(l) for l in open(sys.argv[2])]
assert len(a) == len(b), (len(a), len(b))
print(f"{max(abs(x - y) for u, v in zip(a, b) for x, y in zip(u, v)):.2e}")
PY
)
      ratio=$(python3 -c "print(f'{$torch_s/$native_s:.3f}')")
      echo "  bertkit[$policy] OpenBLAS $core, encoder $isa: ${native_s}s; pytorch/bertkit = $ratio (max abs diff $diff)"
      echo "$n $policy $core $ratio $native_s $torch_s" >> "$results"
    done
  done
done
echo "# summary: median over rounds (threads, policy, OpenBLAS core: throughput ratio bertkit/pytorch, bertkit s, pytorch s)"
python3 - "$results" <<'PY'
import sys, statistics as st, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    n, policy, core, ratio, nat, tor = line.split()
    rows[(int(n), policy, core)].append((float(ratio), float(nat), float(tor)))
for (n, policy, core), v in sorted(rows.items()):
    med = [st.median(x[i] for x in v) for i in range(3)]
    print(f"threads={n} {policy:5s} {core:9s} ratio {med[0]:.2f}x (rounds: {' '.join(f'{x[0]:.2f}' for x in v)}), "
          f"bertkit {med[1]:.2f}s, pytorch {med[2]:.2f}s")
PY
