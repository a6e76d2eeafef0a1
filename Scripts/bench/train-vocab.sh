#!/usr/bin/env bash
# Vocabulary training time: `bertkit train-vocab` against HF tokenizers 0.23.3 BertWordPieceTokenizer.train,
# same file, same settings, same run, alternating, best and median of RUNS wall-clock seconds.
#
# Usage: Scripts/bench/train-vocab.sh [INPUT]     (default .assets/text/en-bbc.txt)
#   env: THREADS="1 2", RUNS=3, VOCAB_SIZE=30522
# Needs: Scripts/fetch-assets.sh, python3 Scripts/prepare-corpus.py, .venv/ref (tokenizers).
#
# Both are timed end to end as processes: HF `train([file])` (reading, normalizing, pre-tokenizing and counting
# on RAYON_NUM_THREADS threads, then merges) plus `save_model`; bertkit the whole command. Python's start-up and
# `import tokenizers` are excluded from HF's time (timed inside the process); bertkit's start-up is included.
# Afterwards the two vocabularies are compared: same size and same token set up to HF's run-to-run variation
# (HF numbers the ##c tokens in a random hash order, which also breaks equal-count merge ties; the exact check
# with HF's order replayed is the WordPieceTests suite).
set -euo pipefail
cd "$(dirname "$0")/../.."

input=${1:-.assets/text/en-bbc.txt}
threads_list=${THREADS:-1 2}
runs=${RUNS:-3}
size=${VOCAB_SIZE:-30522}
py=.venv/ref/bin/python
scratch=.bench/train-vocab
mkdir -p "$scratch"
for f in "$input" "$py"; do
  [ -e "$f" ] || { echo "train-vocab.sh: $f is missing (see the header of this script)" >&2; exit 1; }
done

echo "== building bertkit (release)" >&2
swift build -c release --product bertkit >&2
bertkit="$(swift build -c release --product bertkit --show-bin-path)/bertkit"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo "input: $input ($(stat -c %s "$input") bytes), vocab size $size, min frequency 2, limit alphabet 1000, uncased"

stats() { sort -n | awk '{a[NR]=$1} END {printf "best %.3f s, median %.3f s", a[1], a[int((NR+1)/2)]}'; }

for t in $threads_list; do
  : > "$scratch/hf.$t"; : > "$scratch/bk.$t"
  for r in $(seq "$runs"); do
    RAYON_NUM_THREADS=$t TOKENIZERS_PARALLELISM=true "$py" - "$input" "$size" "$scratch" >> "$scratch/hf.$t" <<'PY'
import sys, time
from tokenizers import BertWordPieceTokenizer
path, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
tok = BertWordPieceTokenizer(lowercase=True)
tok.train([path], vocab_size=size, min_frequency=2, limit_alphabet=1000, show_progress=False)
tok.save_model(out, "hf")
print(f"{time.perf_counter() - start:.3f}")
PY
    s=$(date +%s.%N)
    "$bertkit" train-vocab --input "$input" --vocab-size "$size" --threads "$t" --quiet --output "$scratch/bertkit-vocab.txt"
    e=$(date +%s.%N)
    echo "$e - $s" | bc >> "$scratch/bk.$t"
  done
  hf=$(stats < "$scratch/hf.$t"); bk=$(stats < "$scratch/bk.$t")
  hb=$(sort -n "$scratch/hf.$t" | head -1); bb=$(sort -n "$scratch/bk.$t" | head -1)
  echo "threads $t: HF $hf | bertkit $bk | HF/bertkit (best) $(echo "scale=2; $hb / $bb" | bc)x"
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"
echo "tokens: HF $(wc -l < "$scratch/hf-vocab.txt"), bertkit $(wc -l < "$scratch/bertkit-vocab.txt"); tokens in only one of them: $(comm -3 <(sort "$scratch/hf-vocab.txt") <(sort "$scratch/bertkit-vocab.txt") | wc -l)"
