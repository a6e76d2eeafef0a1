#!/usr/bin/env bash
# Tokenization throughput: `bertkit tokenize` against HF tokenizers 0.23.3 BertWordPieceTokenizer, same run,
# same file, same machine, reported as ratios; then checks that both give the same ids on every line.
#
# Usage: Scripts/bench/tokenize.sh [INPUT]     (default .assets/text/bench-mixed.txt)
#   env: THREADS="1 2" (thread counts), RUNS=3 (runs per measurement), MODES="uncased cased"
# Needs: Scripts/fetch-assets.sh --with-wordfreq, python3 Scripts/prepare-corpus.py, .venv/ref (tokenizers).
#
# What is timed:
#   HF:      encode_batch(batch, add_special_tokens=False) over all lines in batches of 10,000, lines already
#            in memory (file read and split excluded); RAYON_NUM_THREADS=N, TOKENIZERS_PARALLELISM=true.
#   BertKit: the whole process `bertkit tokenize --vocab V --threads N --input F --output OUT`, end to end:
#            start-up (vocabulary, tables), reading, tokenizing, writing. Its own summary line (tokenizing and
#            I/O only, start-up excluded) and the start-up alone (a one-line input) are shown too.
# MB/s = input bytes / 10^6 / wall seconds, best of RUNS (median shown next to it). "MB per CPU-s" divides by
# the fewest CPU seconds (user + system, all threads) over RUNS instead: on a shared machine it is steadier.
set -euo pipefail
cd "$(dirname "$0")/../.."

input=${1:-.assets/text/bench-mixed.txt}
vocab=.assets/minilm/vocab.txt
threads_list=${THREADS:-1 2}
runs=${RUNS:-3}
modes=${MODES:-uncased cased}
py=.venv/ref/bin/python
scratch=.bench/tokenize
mkdir -p "$scratch"

for f in "$input" "$vocab" "$py"; do
  [ -e "$f" ] || { echo "tokenize.sh: $f is missing (see the header of this script)" >&2; exit 1; }
done

echo "== building bertkit (release)" >&2
swift build -c release --product bertkit >&2
bertkit="$(swift build -c release --product bertkit --show-bin-path)/bertkit"

bytes=$(stat -c %s "$input")
lines=$(wc -l < "$input")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -r)"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo "input: $input, $bytes bytes, $lines lines, sha256 $(sha256sum "$input" | cut -c1-16)…"
echo "hf: tokenizers $("$py" -c 'import tokenizers; print(tokenizers.__version__)'); bertkit: $(git rev-parse --short HEAD)"
echo "runs: best of $runs (median in parentheses)"
echo

# timed CMD...: runs CMD, prints "wall_seconds cpu_seconds" (CPU = user + system of the child, all threads)
timed() {
  python3 -c '
import resource, subprocess, sys, time
before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
wall = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.4f} {after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime:.4f}")' "$@"
}

# stats "s1 s2 s3" -> "best median"
stats() { python3 -c 'import sys, statistics; t = [float(x) for x in sys.argv[1:]]; print(f"{min(t):.4f} {statistics.median(t):.4f}")' $1; }
mbs() { python3 -c "print(f'{$bytes / 1e6 / $1:.1f}')"; }

# start-up: bertkit on a one-line input, end to end
echo hello > "$scratch/one-line.txt"
startup_times=""
for _ in $(seq "$runs"); do
  read -r wall _ <<< "$(timed "$bertkit" tokenize --vocab "$vocab" --threads 1 --quiet --input "$scratch/one-line.txt")"
  startup_times+=" $wall"
done
read -r startup_best startup_median <<< "$(stats "$startup_times")"

table=()
mismatch_total=0
for mode in $modes; do
  flag=""; [ "$mode" = cased ] && flag="--cased"
  for n in $threads_list; do
    hf_line=$(RAYON_NUM_THREADS=$n TOKENIZERS_PARALLELISM=true "$py" Scripts/bench/tokenize_hf.py \
      --vocab "$vocab" --input "$input" $flag --runs "$runs" --ids-out "$scratch/hf.$mode.ids")
    hf_times=$(echo "$hf_line" | sed 's/.*runs=\([^ ]*\).*/\1/' | tr ',' ' ')
    hf_cpus=$(echo "$hf_line" | sed 's/.*cpu=\([^ ]*\).*/\1/' | tr ',' ' ')
    read -r hf_best hf_median <<< "$(stats "$hf_times")"
    read -r hf_cpu _ <<< "$(stats "$hf_cpus")"

    bk_times=""; bk_cpus=""; bk_inner=""
    for _ in $(seq "$runs"); do
      read -r wall cpu <<< "$(timed "$bertkit" tokenize --vocab "$vocab" $flag --threads "$n" --input "$input" \
        --output "$scratch/bertkit.$mode.ids" 2> "$scratch/bertkit.summary")"
      bk_times+=" $wall"; bk_cpus+=" $cpu"
      bk_inner+=" $(sed -n 's/.* MB in \([0-9.]*\) s .*/\1/p' "$scratch/bertkit.summary")"
    done
    read -r bk_best bk_median <<< "$(stats "$bk_times")"
    read -r bk_cpu _ <<< "$(stats "$bk_cpus")"
    read -r in_best _ <<< "$(stats "$bk_inner")"

    # correctness: the same ids on every line (byte compare; on a difference, count the lines)
    if cmp -s "$scratch/hf.$mode.ids" "$scratch/bertkit.$mode.ids"; then
      verdict="identical ($lines lines)"
    else
      verdict=$(python3 - "$scratch/hf.$mode.ids" "$scratch/bertkit.$mode.ids" <<'EOF'
import sys
a = open(sys.argv[1], "rb").read().split(b"\n")
b = open(sys.argv[2], "rb").read().split(b"\n")
bad = [i + 1 for i, (x, y) in enumerate(zip(a, b)) if x != y]
print(f"MISMATCH: {len(bad)} lines differ (line counts {len(a) - 1} vs {len(b) - 1}); first: {bad[:10]}")
EOF
)
      mismatch_total=$((mismatch_total + 1))
    fi
    table+=("$(printf '| %-7s | %d | %s (%s) | %s (%s) | %s | %s / %s | %s | %s | %s |' "$mode" "$n" \
      "$(mbs "$hf_best")" "$(mbs "$hf_median")" "$(mbs "$bk_best")" "$(mbs "$bk_median")" \
      "$(python3 -c "print(f'{$hf_best / $bk_best:.1f}x')")" "$(mbs "$hf_cpu")" "$(mbs "$bk_cpu")" \
      "$(python3 -c "print(f'{$hf_cpu / $bk_cpu:.1f}x')")" "$(mbs "$in_best")" "$verdict")")
  done
done

echo "| mode | threads | HF MB/s | BertKit MB/s end to end | BertKit/HF | MB per CPU-s HF / BertKit | BertKit/HF per CPU-s | BertKit MB/s excl. start-up | ids |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${table[@]}"
echo
echo "bertkit start-up (one-line input, end to end): ${startup_best} s best (${startup_median} s median)"
echo "load after: $(uptime | sed 's/.*load average/load average/')"
[ "$mismatch_total" -eq 0 ] || { echo "tokenize.sh: bertkit and HF disagree (see above)" >&2; exit 1; }
