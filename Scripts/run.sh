#!/usr/bin/env bash
# The main job on an embedded default: installs system packages and fetches assets if missing, builds
# BertKit in release mode, then tokenizes every fetched real corpus (English reviews and news, Persian,
# Portuguese and English dialogue) with the bert-base-uncased vocabulary and prints a summary per corpus,
# plus the Persian corpus through the Persian normalization profile.
# Usage: Scripts/run.sh [extra `bertkit tokenize` options, e.g. --cased --threads 1]
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/bootstrap.sh
Scripts/fetch-assets.sh --with-wordfreq
python3 Scripts/prepare-corpus.py
swift build -c release --product bertkit
bin=$(swift build -c release --show-bin-path)/bertkit
out=.assets/out
mkdir -p "$out"
for corpus in .assets/text/*.txt; do
  name=$(basename "$corpus" .txt)
  [ "$name" = bench-mixed ] && continue
  printf '%-22s ' "$name"
  "$bin" tokenize --vocab .assets/minilm/vocab.txt --input "$corpus" --output "$out/$name.ids" "$@" 2>&1 | sed 's/^tokenize: //'
done
# The Persian corpus again, through the Persian profile first (Arabic ي/ك folded, ZWNJ kept as the piece "·").
printf '%-22s ' "fa-chatterbot+persian"
"$bin" tokenize --vocab .assets/minilm/vocab.txt --normalize persian --zwnj-placeholder '·' \
  --input .assets/text/fa-chatterbot.txt --output "$out/fa-chatterbot.persian.ids" "$@" 2>&1 | sed 's/^tokenize: //'
echo "token ids written to $out/"
