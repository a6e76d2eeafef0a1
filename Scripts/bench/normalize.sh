#!/usr/bin/env bash
# Normalization throughput against the peers, same machine, same run, as ratios (a benchmark, not a test).
#   1. Persian profile (Swift API, 1 thread) vs hazm 0.10.0's Normalizer().normalize(line) on the same text.
#   2. NFC through the Swift API vs ICU's own Normalizer2::normalizeUTF8 (C++ program built here), on
#      already-NFC text (quick-check copy path) and on NFD text (real composition); utf8proc_map for scale.
#   3. bertkit normalize end to end (file in, file out, 1 and 2 threads).
# Needs: swift, c++, libicu-dev, libutf8proc-dev, .assets (Scripts/fetch-assets.sh [--with-wordfreq]),
# .venv/hazm (Scripts/make-venvs.sh). Writes scratch files under .bench/ (ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .bench

python3 Scripts/bench/make_corpora.py
swift build -c release --product bertkit >/dev/null
(cd Benchmarks/NormalizationBench && swift build -c release >/dev/null)
c++ -O2 -o .bench/icu_nfc Scripts/bench/icu_nfc.cpp -licuuc -licudata -lutf8proc
BENCH=Benchmarks/NormalizationBench/.build/release/normalization-bench
BERTKIT=.build/release/bertkit

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "swift: $(swift --version 2>&1 | head -1)"

echo "== Persian profile vs hazm (1 thread, .bench/persian.txt) =="
hazm=$(.venv/hazm/bin/python Scripts/bench/hazm_normalize.py .bench/persian.txt .bench/persian.hazm.txt)
echo "$hazm"
ours=$("$BENCH" .bench/persian.txt persian persian+align)
echo "$ours"
python3 - "$hazm" "$ours" <<'PY'
import sys
hazm = float(sys.argv[1].split()[1])
for line in sys.argv[2].splitlines():
    name, mbs = line.split()[:2]
    print(f"{name}: {float(mbs) / hazm:.0f}x hazm")
PY

echo "== NFC: Swift API vs ICU normalizeUTF8 (1 thread) =="
for f in mixed mixed-nfd; do
  icu=$(.bench/icu_nfc .bench/$f.txt 5)
  ours=$("$BENCH" .bench/$f.txt NFC NFC+align utf8proc-NFC)
  echo "-- .bench/$f.txt"; echo "$icu"; echo "$ours"
  python3 - "$icu" "$ours" <<'PY'
import sys
icu = float(sys.argv[1].splitlines()[0].split()[1])
for line in sys.argv[2].splitlines():
    name, mbs = line.split()[:2]
    print(f"{name}: {100 * float(mbs) / icu:.0f}% of ICU's UTF-8 throughput")
PY
done

echo "== bertkit normalize end to end (file in, file out) =="
for i in $(seq 20); do cat .bench/persian.txt; done > .bench/persian-x20.txt
for t in 1 2; do
  "$BERTKIT" normalize --profile persian --threads $t --input .bench/persian-x20.txt --output .bench/persian.out
  "$BERTKIT" normalize --form NFC --threads $t --input .bench/mixed-nfd.txt --output .bench/mixed.out
done
