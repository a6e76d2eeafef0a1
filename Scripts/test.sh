#!/usr/bin/env bash
# The test command: prepares a fresh machine (system packages, fetched assets, corpus text, the Python
# reference venv) and runs the whole Swift test suite, parity suites against the committed golden files
# included, with nothing skipped (plain `swift test` skips what needs a missing asset).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/bootstrap.sh
Scripts/fetch-assets.sh --with-wordfreq
python3 Scripts/prepare-corpus.py
Scripts/make-venvs.sh ref
swift build --build-tests
# Every asset is present now: a test that would be skipped for a missing one fails instead.
BERTKIT_TEST_ASSETS=required swift test --skip-build
