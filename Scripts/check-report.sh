#!/usr/bin/env bash
# Checks a training report (TrainingReport's HTML) in a real browser: Debian's chromium, headless.
#   1. the file is self-contained: no scripts, no external resources (src=, href=, url(, @import);
#   2. chromium loads it without console messages or failed loads, and its DOM (--dump-dom) holds the four SVG
#      charts with data, the confusion matrix, the per-class table, bidi-isolated labels and no <script> element;
#   3. chromium renders a screenshot (--screenshot), a PNG of the asked size, for a person to look at.
# Usage: Scripts/check-report.sh [REPORT.html]
#   Without an argument it makes the sample report first (EncoderTrainingTests' TrainingReportTests/sampleReport:
#   a logged 60-step run with Persian and English labels). Outputs go to $CHECK_DIR (default
#   .build/report-check): report.dom.html, report.png, chromium.log. Exit status 0 only when every check passes.
# Needs: chromium (apt-get install chromium; fonts-noto-core for Persian glyphs).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${CHECK_DIR:-.build/report-check}
mkdir -p "$out"
fail() { echo "check-report: FAIL: $*" >&2; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium not found; install it with: apt-get install -y chromium fonts-noto-core"

report=${1:-}
if [ -z "$report" ]; then
  report="$out/sample.html"
  rm -f "$report"
  nice -n 15 swift build --build-tests >/dev/null
  BERTKIT_SAMPLE_REPORT="$PWD/$report" nice -n 15 swift test --skip-build --filter 'TrainingReportTests/sampleReport' >/dev/null \
    || fail "the sample report test failed (swift test --filter TrainingReportTests)"
  [ -s "$report" ] || fail "the sample report was not written"
fi
[ -s "$report" ] || fail "$report: no such file or empty"
url="file://$(realpath "$report")"

# 1. Self-contained.
if grep -nEi '<script|src=|href=|url\(|@import' "$report" >&2; then fail "$report loads or runs something (lines above)"; fi

# 2. Load in chromium, dump the DOM after layout. --no-sandbox: containers run as root.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" --no-first-run
       --enable-logging=stderr --v=0)
timeout 120 "$browser" "${flags[@]}" --dump-dom "$url" >"$out/report.dom.html" 2>"$out/chromium.log" \
  || fail "chromium --dump-dom failed (see $out/chromium.log)"
if grep -E 'CONSOLE|net::ERR|Failed to load|Uncaught' "$out/chromium.log" >&2; then fail "chromium reported errors loading $report"; fi
dom="$out/report.dom.html"
count() { grep -o "$1" "$dom" | wc -l; }
[ "$(count '<script')" -eq 0 ] || fail "the DOM holds a <script> element"
for id in chart-loss chart-learning-rate chart-eval-metrics chart-eval-loss; do
  grep -q "<svg id=\"$id\"" "$dom" || fail "chart $id missing from the DOM"
done
[ "$(count 'class="tick x"')" -ge 8 ] || fail "charts have too few x-axis tick labels"
[ "$(count 'class="tick y"')" -ge 8 ] || fail "charts have too few y-axis tick labels"
[ "$(count '<polyline')" -ge 1 ] || fail "no curve drawn"
for id in confusion-matrix per-class best-checkpoint; do grep -q "id=\"$id\"" "$dom" || fail "#$id missing from the DOM"; done
[ "$(count '<bdi>')" -ge 1 ] || fail "labels are not bidi-isolated"

# 3. Screenshot.
rm -f "$out/report.png"
timeout 120 "$browser" "${flags[@]}" --window-size=1200,2400 --screenshot="$out/report.png" "$url" >/dev/null 2>>"$out/chromium.log" \
  || fail "chromium --screenshot failed (see $out/chromium.log)"
python3 - "$out/report.png" <<'EOF' || fail "the screenshot is not a 1200x2400 PNG"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
assert (width, height) == (1200, 2400), (width, height)
EOF
echo "check-report: OK: $report ($(count '<svg') charts, $(count '<td') cells); screenshot $out/report.png, DOM $dom"
