#!/usr/bin/env bash
# The `wordpiece` algorithm beside TF.Text 2.21.1's own learner: same word counts, same settings, one run each;
# times both and checks that the two vocab.txt files are identical.
#
# Usage: Scripts/bench/train-vocab-wordpiece.sh [INPUT...]   (default .assets/text/en-bbc.txt)
#   env: VOCAB_SIZE=30522, WHEEL=path/to/tensorflow_text-2.21.1-*.whl (else pip downloads it once, --no-deps,
#   into the scratch folder)
# Needs: Scripts/fetch-assets.sh, python3 Scripts/prepare-corpus.py, .venv/ref (tokenizers, numpy).
#
# Each input's words are counted with HF tokenizers' uncased BERT normalizer and pre-tokenizer (as the golden
# generator of Fixtures/vocab-training does), written `word<TAB>count`, most frequent first. TF.Text: `learn`
# from tensorflow_text/tools/wordpiece_vocab/wordpiece_tokenizer_learner_lib.py (loaded by path by
# Scripts/golden/generate-wordpiece-vocab.py --one), timed as the whole Python process; bertkit: the whole
# `bertkit train-vocab --word-counts --algorithm wordpiece` process. Both are single-threaded.
set -euo pipefail
cd "$(dirname "$0")/../.."

size=${VOCAB_SIZE:-30522}
py=.venv/ref/bin/python
scratch=.bench/train-vocab-wordpiece
mkdir -p "$scratch"
[ -e "$py" ] || { echo "train-vocab-wordpiece.sh: $py is missing (Scripts/make-venvs.sh ref)" >&2; exit 1; }
wheel=${WHEEL:-}
if [ -z "$wheel" ]; then  # fetched once, before any timing
  wheel=$(ls "$scratch"/tensorflow_text-2.21.1-*.whl 2>/dev/null | head -1 || true)
  if [ -z "$wheel" ]; then
    "$py" -m pip download --no-deps -q "tensorflow-text==2.21.1" -d "$scratch" >&2
    wheel=$(ls "$scratch"/tensorflow_text-2.21.1-*.whl | head -1)
  fi
fi

echo "== building bertkit (release)" >&2
swift build -c release --product bertkit >&2
bertkit="$(swift build -c release --product bertkit --show-bin-path)/bertkit"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
for input in "${@:-.assets/text/en-bbc.txt}"; do
  [ -e "$input" ] || { echo "train-vocab-wordpiece.sh: $input is missing" >&2; exit 1; }
  name=$(basename "$input" .txt)
  counts="$scratch/$name.counts.tsv"
  "$py" - "$input" "$counts" <<'PY'
import collections, sys
from tokenizers import BertWordPieceTokenizer
tok = BertWordPieceTokenizer(lowercase=True)._tokenizer
counts = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8", newline="").read().split("\n"):
    for word, _ in tok.pre_tokenizer.pre_tokenize_str(tok.normalizer.normalize_str(line)):
        counts[word] += 1
with open(sys.argv[2], "w", encoding="utf-8", newline="\n") as f:
    for word, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        f.write(f"{word}\t{n}\n")
PY
  s=$(date +%s.%N)
  "$py" Scripts/golden/generate-wordpiece-vocab.py --wheel "$wheel" --one "$counts" "$size" "$scratch/$name.tftext.txt" >/dev/null
  m=$(date +%s.%N)
  "$bertkit" train-vocab --word-counts --algorithm wordpiece --vocab-size "$size" --quiet --input "$counts" --output "$scratch/$name.bertkit.txt"
  e=$(date +%s.%N)
  same=$(cmp -s "$scratch/$name.tftext.txt" "$scratch/$name.bertkit.txt" && echo identical || echo DIFFERENT)
  echo "$name: $(wc -l < "$counts") distinct words, vocab size $size -> $(wc -l < "$scratch/$name.bertkit.txt") tokens; TF.Text $(echo "$m - $s" | bc | xargs printf '%.2f') s, bertkit $(echo "$e - $m" | bc | xargs printf '%.2f') s, ratio $(echo "scale=1; ($m - $s) / ($e - $m)" | bc)x; vocab.txt $same"
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"
