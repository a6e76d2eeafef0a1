#!/usr/bin/env bash
# Creates the Python reference environments under .venv/ (git ignores it):
#   .venv/ref   tokenizers==0.23.3 (golden ids, speed peer), torch==2.13.0+cpu + transformers (encoder parity)
#   .venv/hazm  hazm (Persian normalizer peer; it pins an old numpy, so it lives alone)
#   .venv/tf    tensorflow-cpu==2.21.0 + bert-tensorflow==1.0.4 (Google's create_pretraining_data.py, the
#               masked-LM golden files and speed peer; TensorFlow pins its own numpy/protobuf, so it lives alone)
#   .venv/sklearn scikit-learn==1.9.1 (the classification-metrics golden file, Scripts/golden/metrics.py)
# Usage: Scripts/make-venvs.sh [ref|hazm|tf|sklearn|all]   (default: all). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}

make_env() {
  local dir=$1; shift
  if [ -f "$dir/.complete" ]; then echo "make-venvs: $dir present"; return; fi
  echo "make-venvs: creating $dir ($*)"
  rm -rf "$dir"; python3 -m venv "$dir"
  "$dir/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$dir/bin/python" -m pip install -q "$@"
  "$dir/bin/python" -m pip freeze > "$dir/.complete"
}

if [ "$which" = ref ] || [ "$which" = all ]; then
  make_env .venv/ref "tokenizers==0.23.3" "torch==2.13.0+cpu" "transformers" "safetensors" "numpy" "tfrecord"
fi
if [ "$which" = hazm ] || [ "$which" = all ]; then
  make_env .venv/hazm "hazm==0.10.0"
fi
if [ "$which" = tf ] || [ "$which" = all ]; then
  make_env .venv/tf "tensorflow-cpu==2.21.0" "bert-tensorflow==1.0.4" "tfrecord"
fi
if [ "$which" = sklearn ] || [ "$which" = all ]; then
  make_env .venv/sklearn "scikit-learn==1.9.1" "numpy==2.4.6" "scipy==1.17.1"
fi
