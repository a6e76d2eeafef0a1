#!/usr/bin/env bash
# Installs the system packages BertKit builds against, only when one is missing.
# Safe to run repeatedly; needs root (or sudo) only when something must be installed.
set -euo pipefail

packages=(libicu-dev libutf8proc-dev libopenblas-dev zlib1g-dev pkg-config unicode-data bzip2 unzip)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: system packages present (${packages[*]})"
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "bootstrap: done"
