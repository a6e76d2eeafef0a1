#!/usr/bin/env bash
# Streaming masked-LM data benchmark (BENCHMARKS.md "Streaming mode"): `bertkit pretraining-data` in its default
# streaming mode (dupe factor 1, --max-seq-length 128, --max-predictions-per-seq 20) over a corpus of about SIZE_MB
# megabytes made by repeating the mixed fa/pt/en corpus (.assets/text/bench-mixed.txt with a blank line after every
# 20 lines: 11.67 MB, 3,609 documents), with --threads 1 and --threads 2.
#
#   Scripts/bench/pretraining.sh SIZE_MB [ROUNDS]      e.g. Scripts/bench/pretraining.sh 4000 (about 4 GB)
#
# The corpus is written once to .bench/pretraining/mixed-SIZE_MB.txt (delete it after). The TFRecord output goes
# to standard output and /dev/null (`--output -`), so no multi-GB file is left and the disk does not pace the run;
# OUTPUT=file writes .bench/pretraining/out.tfrecord instead (the page-cache copy then counts as system time) and
# deletes it after each run. Per run: wall seconds, CPU seconds (user + system) and peak RSS from GNU time.
# Prints a markdown table of medians over ROUNDS (default 3), runs alternating 1 and 2 threads.
# Needs a release build (built here if missing or stale; BIN=path/to/bertkit runs that binary instead, e.g. another
# commit's for a before/after table) and the fetched assets (Scripts/fetch-assets.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
size_mb=${1:?usage: Scripts/bench/pretraining.sh SIZE_MB [ROUNDS]}
rounds=${2:-3}
output=${OUTPUT:-null}
dir=.bench/pretraining
mkdir -p "$dir"
vocab=.assets/minilm/vocab.txt
[ -f "$vocab" ] && [ -f .assets/text/bench-mixed.txt ] || { echo "needs the fetched assets: Scripts/fetch-assets.sh" >&2; exit 1; }

# The corpus: the 11.67 MB unit repeated until it holds SIZE_MB megabytes (10^6 bytes).
unit="$dir/mixed.txt"
[ -f "$unit" ] || awk '{print} NR % 20 == 0 {print ""}' .assets/text/bench-mixed.txt > "$unit"
corpus="$dir/mixed-${size_mb}MB.txt"
if [ ! -f "$corpus" ]; then
  unit_bytes=$(stat -c %s "$unit")
  copies=$(( (size_mb * 1000000 + unit_bytes - 1) / unit_bytes ))
  for _ in $(seq "$copies"); do cat "$unit"; done > "$corpus.tmp"
  mv "$corpus.tmp" "$corpus"
fi
input_bytes=$(stat -L -c %s "$corpus")  # -L: the corpus may be a link to another checkout's

if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  swift build -c release --product bertkit >/dev/null
  bin=$(swift build -c release --show-bin-path)/bertkit
fi

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg);" \
  "$(date -u '+%Y-%m-%d %H:%M UTC'); ${BIN:+binary $BIN, }commit $(git rev-parse --short HEAD)"
echo "input: $corpus, $input_bytes bytes; output: $output; $rounds round(s)"
echo

run() {  # threads -> "wall cpu peak_kb"
  local threads=$1 start end target
  target=-
  [ "$output" = file ] && target="$dir/out.tfrecord"
  start=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$dir/time" "$bin" pretraining-data --vocab "$vocab" --input "$corpus" \
    --output "$target" --dupe-factor 1 --threads "$threads" --quiet >/dev/null
  end=$(date +%s.%N)
  rm -f "$dir/out.tfrecord"
  read -r peak user sys < <(tail -1 "$dir/time")
  echo "$(echo "$end - $start" | bc) $(echo "$user + $sys" | bc) $peak"
}
: > "$dir/runs"
for r in $(seq "$rounds"); do
  for threads in 1 2; do
    echo "$threads $(run "$threads")" | tee -a "$dir/runs" >&2
  done
done

median() {  # column of $dir/runs for a thread count
  awk -v t="$1" -v c="$2" '$1 == t {print $c}' "$dir/runs" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
mb=$(echo "scale=2; $input_bytes / 1000000" | bc)
echo "| input | threads | wall s | CPU s (user+sys) | MB/s (wall) | MB/s per CPU second | peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for threads in 1 2; do
  wall=$(median "$threads" 2); cpu=$(median "$threads" 3); peak=$(median "$threads" 4)
  printf "| %s MB | %s | %.2f | %.2f | %.1f | %.1f | %.0f MB |\n" "$mb" "$threads" "$wall" "$cpu" \
    "$(echo "$mb / $wall" | bc -l)" "$(echo "$mb / $cpu" | bc -l)" "$(echo "$peak / 1024" | bc -l)"
done
