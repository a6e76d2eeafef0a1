#!/bin/sh
# BertKit's CSV reader against yaslab/CSV.swift 2.5.2 and SwiftCSV 0.10.0 on the same ~100 MB CSV.
# Usage: Scripts/bench/csv/run.sh (from anywhere). Copies the reader's sources in; nothing here is built by
# the main package.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$here"
rm -rf Sources/BertKitCSV Sources/CZlib && mkdir -p Sources/BertKitCSV Sources/CZlib
cp "$root"/Sources/InputEncoding/Datasets/*.swift "$root"/Sources/LineIO/UTF8Validation.swift Sources/BertKitCSV/
sed -i 's/^import LineIO$//' Sources/BertKitCSV/ByteScan.swift
cp "$root"/Sources/CZlib/* Sources/CZlib/
[ -f data.csv ] || python3 make-data.py "$root"
swift build -c release
for which in bertkit bertkit bertkit csvswift swiftcsv; do
    /usr/bin/time -f "wall %e s user %U s maxRSS %M KB" .build/release/csvbench "$which" data.csv
done
