#!/usr/bin/env bash
# `bertkit finetune` / `evaluate` / `predict` vs PyTorch (Scripts/reference/finetune_torch.py), side by side in
# one run: the same Rotten Tomatoes split (.assets/rt, Scripts/prepare-corpus.py), recipe, seeds and threads.
# For each seed: PyTorch fine-tunes and evaluates (accuracy, macro-F1, training and predict examples/s, its
# own timers: loading excluded), then bertkit finetunes the same data into a fresh folder, `bertkit evaluate`
# scores the saved (last-epoch) model on the test file and `bertkit predict` classifies the test texts (one
# per line, line breaks inside a review folded to spaces; tokens unchanged) under /usr/bin/time -v.
# Prints a markdown table: accuracy and macro-F1 mean (min..max) over seeds, training and predict
# examples/s (median over seeds) and the ratio bertkit/PyTorch (above 1: bertkit faster), peak RSS.
#
# Timers: PyTorch's training examples/s covers its training loop only (model loading and tokenization
# excluded); bertkit's comes from the last update record of its metrics log (`examples_per_second`, seconds
# since the run started) when the output folder has one (DIR/metrics.jsonl), else from the whole process's
# wall time (loading, encoding, per-epoch evaluation and saving included: marked "process"). PyTorch's
# predict time covers tokenization to probabilities (loading excluded); bertkit's is the whole `predict`
# process. Both biases go against bertkit.
#
# Usage: Scripts/bench/finetune.sh [--epochs E] [--seeds "1 2 3"] [--threads T] [--speed N] [--torch-only]
#                                  [--train-eval FILE|none] [--keep DIR]
#   default: 2 epochs, seeds 1 2 3, 2 threads, the full training file (accuracy + speed).
#   --speed N: speed only: the first N training rows (e.g. 3200 = 100 steps of 32), 1 epoch, seed 1 unless
#              given; accuracy figures of such a run are printed but mean nothing.
#   --torch-only: skip bertkit (to try the PyTorch half before the CLI exists).
#   --train-eval: the --eval file of `bertkit finetune` (default .assets/rt/test.csv, the README's main job:
#              per-epoch figures on it; the scored model is the last epoch's either way); none: no --eval.
#   --keep DIR: keep the work folder (models, predictions, JSON) in DIR instead of a temporary one.
# Env: BERTKIT_BIN (default .build/release/bertkit, built if missing), OPENBLAS_CORETYPE (recorded).
# Needs: .venv/ref (Scripts/make-venvs.sh), .assets (Scripts/fetch-assets.sh + Scripts/prepare-corpus.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=2; seeds="1 2 3"; threads=2; speed=""; torch_only=0; train_eval=.assets/rt/test.csv; keep=""
seeds_given=0; epochs_given=0
while [ $# -gt 0 ]; do
  case $1 in
    --epochs) epochs=$2; epochs_given=1; shift 2 ;;
    --seeds) seeds=$2; seeds_given=1; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --speed) speed=$2; shift 2 ;;
    --torch-only) torch_only=1; shift ;;
    --train-eval) train_eval=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "finetune.sh: unknown option $1 (see the usage at the top of the script)" >&2; exit 2 ;;
  esac
done
if [ -n "$speed" ]; then
  [ $seeds_given = 1 ] || seeds=1
  [ $epochs_given = 1 ] || epochs=1
fi
model=.assets/minilm
train=.assets/rt/train.csv
test=.assets/rt/test.csv
py=.venv/ref/bin/python
for f in "$model/model.safetensors" "$train" "$test" "$py"; do
  [ -e "$f" ] || { echo "finetune.sh: $f is missing; run Scripts/fetch-assets.sh, Scripts/prepare-corpus.py, Scripts/make-venvs.sh ref" >&2; exit 1; }
done
bin=${BERTKIT_BIN:-.build/release/bertkit}
if [ $torch_only = 0 ] && [ ! -x "$bin" ]; then swift build -c release --product bertkit; fi
if [ -n "$keep" ]; then work=$keep; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi

# The data: the training file (or its first N rows) and the test texts as lines.
"$py" - "$train" "$test" "$work" "$speed" <<'PY'
import csv, sys
train, test, work, speed = sys.argv[1:]
csv.field_size_limit(1 << 30)
def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))
head, *body = rows(train)
if speed:
    body = body[:int(speed)]
with open(f"{work}/train.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n"); w.writerow(head); w.writerows(body)
with open(f"{work}/test.txt", "w", encoding="utf-8") as f:
    for label, text, *_ in rows(test)[1:]:
        f.write(text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ") + "\n")
PY
train_rows=$(( $("$py" -c 'import csv,sys; csv.field_size_limit(1<<30); print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$work/train.csv") - 1 ))
test_rows=$(wc -l < "$work/test.txt")
cpu=$(lscpu | sed -n 's/^Model name: *//p')
echo "# $(date -u +%FT%TZ) $(uname -m) nproc=$(nproc) cpu: $cpu OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
echo "# train: $train_rows rows of $train${speed:+ (speed run: first $speed)}, test: $test_rows rows of $test, epochs=$epochs seeds=$seeds threads=$threads"

# timed OUT_PREFIX CMD...: runs CMD under /usr/bin/time -v; writes OUT_PREFIX.{out,err,time}.
timed() {
  local prefix=$1; shift
  /usr/bin/time -v -o "$prefix.time" "$@" > "$prefix.out" 2> "$prefix.err" || {
    echo "finetune.sh: failed: $*" >&2; tail -n 20 "$prefix.err" >&2; exit 1; }
}
# field FILE.time NAME: a /usr/bin/time -v field (wall clock as seconds, RSS as MiB).
wall_s() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'; }
rss_mib() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{ printf "%.0f", $1 / 1024 }'; }

results="$work/results.jsonl"
: > "$results"
for seed in $seeds; do
  echo "seed $seed load: $(cut -d' ' -f1-3 /proc/loadavg)"
  timed "$work/torch-$seed" env HF_HUB_OFFLINE=1 "$py" Scripts/reference/finetune_torch.py --model "$model" \
    --train "$work/train.csv" --eval "$test" --epochs "$epochs" --seed "$seed" --threads "$threads" --progress-every 0 \
    --predictions "$work/torch-$seed.predictions.jsonl"
  "$py" - "$work/torch-$seed.out" "$(wall_s "$work/torch-$seed.time")" "$(rss_mib "$work/torch-$seed.time")" "$seed" >> "$results" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"peer": "torch", "seed": int(sys.argv[4]), "accuracy": r["accuracy"], "macro_f1": r["macro_f1"],
                  "train_eps": r["train_examples_per_s"], "train_timer": "loop", "predict_eps": r["predict_examples_per_s"],
                  "predict_timer": "in-process", "process_s": float(sys.argv[2]), "rss_mib": int(sys.argv[3]),
                  "versions": r["versions"]}))
PY
  echo "  pytorch: $(tail -n1 "$results" | "$py" -c 'import json,sys; r=json.load(sys.stdin); print("accuracy %.4f, train %s ex/s, predict %s ex/s, process %s s" % (r["accuracy"], r["train_eps"], r["predict_eps"], r["process_s"]))')"
  [ $torch_only = 1 ] && continue

  out="$work/bertkit-$seed"; rm -rf "$out"
  eval_args=(); [ "$train_eval" = none ] || eval_args=(--eval "$train_eval")
  timed "$work/finetune-$seed" "$bin" finetune --model "$model" --train "$work/train.csv" "${eval_args[@]}" \
    --epochs "$epochs" --seed "$seed" --threads "$threads" --output "$out" --quiet
  timed "$work/evaluate-$seed" "$bin" evaluate --model "$out" --data "$test"
  timed "$work/predict-$seed" "$bin" predict --model "$out" --input "$work/test.txt" --output "$work/predict-$seed.jsonl"
  "$py" - "$work" "$seed" "$train_rows" "$epochs" "$test" "$out" \
    "$(wall_s "$work/finetune-$seed.time")" "$(wall_s "$work/predict-$seed.time")" "$(rss_mib "$work/finetune-$seed.time")" \
    "$(rss_mib "$work/predict-$seed.time")" >> "$results" <<'PY'
import csv, json, os, sys
work, seed, train_rows, epochs, test, out, finetune_s, predict_s, train_rss, predict_rss = sys.argv[1:]
metrics = json.load(open(f"{work}/evaluate-{seed}.out"))
train_eps, timer = int(train_rows) * int(epochs) / float(finetune_s), "process"
log = os.path.join(out, "metrics.jsonl")
if os.path.exists(log):
    for line in open(log, encoding="utf-8"):
        record = json.loads(line)
        value = record.get("examples_per_second", record.get("examplesPerSecond"))
        if value is not None:
            train_eps, timer = float(value), "log"
# predict cross-check: its labels against the gold labels give the accuracy evaluate printed.
csv.field_size_limit(1 << 30)
gold = [row[0] for row in list(csv.reader(open(test, encoding="utf-8", newline="")))[1:]]
predicted = [json.loads(line)["label"] for line in open(f"{work}/predict-{seed}.jsonl", encoding="utf-8")]
assert len(predicted) == len(gold), f"predict wrote {len(predicted)} lines for {len(gold)} texts"
predict_accuracy = sum(p == g for p, g in zip(predicted, gold)) / len(gold)
print(json.dumps({"peer": "bertkit", "seed": int(seed), "accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"],
                  "predict_accuracy": predict_accuracy, "train_eps": round(train_eps, 2), "train_timer": timer,
                  "predict_eps": round(len(gold) / float(predict_s), 2), "predict_timer": "process",
                  "process_s": float(finetune_s), "rss_mib": int(train_rss), "predict_rss_mib": int(predict_rss)}))
PY
  echo "  bertkit: $(tail -n1 "$results" | "$py" -c 'import json,sys; r=json.load(sys.stdin); print("accuracy %.4f (predict: %.4f), train %s ex/s (%s), predict %s ex/s, finetune process %s s" % (r["accuracy"], r["predict_accuracy"], r["train_eps"], r["train_timer"], r["predict_eps"], r["process_s"]))')"
done

echo
"$py" - "$results" "$cpu" "${OPENBLAS_CORETYPE:-unset}" "$threads" "$epochs" "$seeds" "$train_rows" "$speed" <<'PY'
import json, statistics as st, sys
path, cpu, coretype, threads, epochs, seeds, train_rows, speed = sys.argv[1:]
rows = [json.loads(line) for line in open(path)]
peers = {p: [r for r in rows if r["peer"] == p] for p in ("torch", "bertkit")}
def acc(rs, key):
    if not rs: return "-"
    v = [100 * r[key] for r in rs]
    return f"{st.mean(v):.2f} ({min(v):.2f}..{max(v):.2f})"
def med(rs, key):
    return st.median(r[key] for r in rs) if rs else None
def fmt(x, digits=1):
    return "-" if x is None else f"{x:.{digits}f}"
t, b = peers["torch"], peers["bertkit"]
def ratio(key):
    return "-" if not (t and b) else f"{med(b, key) / med(t, key):.2f}x"
def diff(key):
    return "-" if not (t and b) else f"{100 * (st.mean(r[key] for r in b) - st.mean(r[key] for r in t)):+.2f} points"
timer = "/".join(sorted({r["train_timer"] for r in b})) or "-"
print(f"Fine-tuning all-MiniLM-L6-v2 on Rotten Tomatoes (fresh/rotten), {train_rows} training rows"
      f"{' (speed run)' if speed else ''}, {epochs} epoch(s), seeds {seeds}, {threads} threads; "
      f"CPU {cpu}, OPENBLAS_CORETYPE={coretype}; torch {t[0]['versions']['torch'] if t else '-'}, "
      f"transformers {t[0]['versions']['transformers'] if t else '-'}")
print()
print("| | PyTorch | bertkit | bertkit vs PyTorch |")
print("|---|---|---|---|")
print(f"| test accuracy %, mean (min..max) | {acc(t, 'accuracy')} | {acc(b, 'accuracy')} | {diff('accuracy')} |")
print(f"| test macro-F1 %, mean (min..max) | {acc(t, 'macro_f1')} | {acc(b, 'macro_f1')} | {diff('macro_f1')} |")
print(f"| training examples/s, median (timer) | {fmt(med(t, 'train_eps'))} (loop) | {fmt(med(b, 'train_eps'))} ({timer}) | {ratio('train_eps')} |")
print(f"| predict examples/s, median (timer) | {fmt(med(t, 'predict_eps'))} (in-process) | {fmt(med(b, 'predict_eps'))} (process) | {ratio('predict_eps')} |")
print(f"| fine-tune process wall s, median | {fmt(med(t, 'process_s'))} | {fmt(med(b, 'process_s'))} | |")
print(f"| peak RSS MiB: fine-tune (torch: whole run) / predict | {fmt(med(t, 'rss_mib'), 0)} | "
      f"{fmt(med(b, 'rss_mib'), 0)} / {fmt(med(b, 'predict_rss_mib'), 0)} | |")
PY
