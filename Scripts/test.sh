#!/usr/bin/env bash
# The test command: prepares a fresh machine (system packages, fetched assets, corpus text) and runs the
# whole Swift test suite, parity suites against the committed golden files included.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/bootstrap.sh
Scripts/fetch-assets.sh --with-wordfreq
python3 Scripts/prepare-corpus.py
swift build --build-tests
swift test --skip-build
