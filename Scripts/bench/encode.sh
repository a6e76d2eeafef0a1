#!/usr/bin/env bash
# Encoding benchmark (BENCHMARKS.md "Input encoding"): a >= 1 GiB CSV of real fa/pt/en text pairs, max length 128,
# padded to max length, encoded by `bertkit encode` to safetensors and to JSONL, beside plain `bertkit tokenize`
# of the same text and HF tokenizers' encode_batch with the same settings, in the same run.
#
#   Scripts/bench/encode.sh [ROUNDS] [HF_RECORDS]
#   BERTKIT_BEFORE=/path/to/older/bertkit Scripts/bench/encode.sh [ROUNDS] [HF_RECORDS]
#   OUT_DIR=/dev/shm/bench Scripts/bench/encode.sh [ROUNDS] skip
#
# With BERTKIT_BEFORE, each round also runs both encode commands with that binary (an older build), right after
# the current one's, so that a change is measured against its parent in the same run ("before-" lines).
# OUT_DIR puts the outputs somewhere else than .bench/encode: on a tmpfs, the disk's write-back is taken out of
# the comparison (the kernel's copy into the page cache stays). HF_RECORDS=skip leaves the HF peer out.
#
# Each round runs the four commands one after another, each after a `sync`, and prints per command the wall
# seconds, peak RSS in KB and CPU seconds (user + system, GNU time); BENCHMARKS.md's table takes the median over
# rounds of each and the ratios of medians. HF_RECORDS limits the HF peer to that many records (default:
# all); its MB/s is what the ratio uses. Needs Scripts/make-venvs.sh ref and a release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
hf_records=${2:-0}
dir=.bench/encode
out=${OUT_DIR:-$dir}
mkdir -p "$out"
[ -f "$dir/pairs.csv" ] || python3 Scripts/bench/make_encode_csv.py "$dir" $((1 << 30))
swift build -c release --product bertkit >/dev/null
bin=$(swift build -c release --show-bin-path)/bertkit
vocab=.assets/minilm/vocab.txt
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
echo "input: $(stat -c %s "$dir/pairs.csv") bytes CSV ($(tail -n +2 "$dir/pairs.csv" | wc -l) records), plain text $(stat -c %s "$dir/pairs.txt") bytes"
measure() {  # name, command...: prints "name seconds peak_kb cpu_seconds"
  local name=$1; shift
  local start end
  # Each command starts with no output of the one before left to flush: a 10 GB safetensors file still being
  # written back would otherwise throttle the next command's writes.
  rm -f "$out/out.ids" "$out/out.safetensors" "$out/out.jsonl"; sync
  start=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$dir/time.$name" "$@" 2>"$dir/log.$name" >/dev/null
  end=$(date +%s.%N)
  read -r peak user sys < <(tail -1 "$dir/time.$name")
  echo "$name $(echo "$end - $start" | bc) $peak $(echo "$user + $sys" | bc)"
}
for r in $(seq "$rounds"); do
  echo "round $r"
  measure tokenize "$bin" tokenize --vocab "$vocab" --input "$dir/pairs.txt" --output "$out/out.ids" --quiet
  measure encode-safetensors "$bin" encode --vocab "$vocab" --max-length 128 --padding max_length --pair-column pair \
    --input "$dir/pairs.csv" --output "$out/out.safetensors" --quiet
  measure encode-jsonl "$bin" encode --vocab "$vocab" --max-length 128 --padding max_length --pair-column pair \
    --input "$dir/pairs.csv" --output "$out/out.jsonl" --quiet
  if [ -n "${BERTKIT_BEFORE:-}" ]; then
    measure before-encode-safetensors "$BERTKIT_BEFORE" encode --vocab "$vocab" --max-length 128 --padding max_length \
      --pair-column pair --input "$dir/pairs.csv" --output "$out/out.safetensors" --quiet
    measure before-encode-jsonl "$BERTKIT_BEFORE" encode --vocab "$vocab" --max-length 128 --padding max_length \
      --pair-column pair --input "$dir/pairs.csv" --output "$out/out.jsonl" --quiet
  fi
  if [ "$hf_records" != skip ]; then
    limit=(); [ "$hf_records" != 0 ] && limit=("$hf_records")
    hf=$(/usr/bin/time -f "%M" -o "$dir/time.hf" .venv/ref/bin/python Scripts/bench/encode_hf.py "$vocab" "$dir/pairs.csv" "${limit[@]}")
    echo "hf $hf peak_kb $(tail -1 "$dir/time.hf")"
  fi
  rm -f "$out/out.ids" "$out/out.safetensors" "$out/out.jsonl"
done
