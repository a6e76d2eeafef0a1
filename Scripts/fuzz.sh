#!/usr/bin/env bash
# Fuzzes BertKit's loaders, readers and transforms with libFuzzer under AddressSanitizer.
#
#   Scripts/fuzz.sh [SECONDS_PER_HARNESS] [HARNESS...]     (default 60 s each, every harness)
#
# Builds bertkit-fuzz into .build/fuzz, optimized, with libFuzzer's coverage and AddressSanitizer (Swift and C
# targets instrumented) and -DBERTKIT_LIBFUZZER (its `libfuzzer` command calls LLVMFuzzerRunDriver), then runs each
# harness (`bertkit-fuzz list`; Sources/BertKitFuzzing/FuzzHarness.swift says what each one feeds) for the
# given time, one job at a time, starting from its seeds and Fixtures/fuzz/HARNESS (the crash reproducers).
# The growing corpus is kept in .build/fuzz-corpus/HARNESS, logs in .build/fuzz-logs, and a crashing input in
# .build/fuzz-artifacts/HARNESS-crash-*: replay it with `bertkit-fuzz replay HARNESS FILE` (any build), fix,
# and commit it under Fixtures/fuzz/HARNESS so that `swift test` (BertKitFuzzingTests) replays it from then on.
# Prints executions per harness; exits 1 if any harness crashed, leaked a timeout or ran out of memory.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[ $# -gt 0 ] && shift
build=.build/fuzz
# -sanitize=fuzzer links libFuzzer's runtime whole, its main included, beside bertkit-fuzz's own: the link allows
# the second definition. Either main works (with lld here, libFuzzer's is kept): bertkit-fuzz's
# LLVMFuzzerInitialize runs its other commands and takes `libfuzzer HARNESS` out of argv before libFuzzer reads
# it. lld, because gold fails on this link with an internal error.
# swiftc keeps only its last -sanitize= option, so `--sanitize=fuzzer --sanitize=address` (two options) left the
# Swift code without coverage: ASan comes from SwiftPM, fuzzer+ASan together from -Xswiftc, coverage for the C
# targets from -Xcc.
nice -n 15 swift build -c release --build-path "$build" --product bertkit-fuzz \
    --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link -Xswiftc -DBERTKIT_LIBFUZZER \
    -Xswiftc -use-ld=lld -Xlinker --allow-multiple-definition
bin="$build/release/bertkit-fuzz"

if [ $# -gt 0 ]; then harnesses=("$@"); else mapfile -t harnesses < <("$bin" list); fi
mkdir -p .build/fuzz-logs .build/fuzz-artifacts
status=0
printf '%-15s %12s %10s %10s  %s\n' harness executions seconds cpu-seconds result
for harness in "${harnesses[@]}"; do
    corpus=.build/fuzz-corpus/$harness
    seeds=.build/fuzz-seeds/$harness
    mkdir -p "$corpus" "$seeds" "Fixtures/fuzz/$harness"
    "$bin" seeds "$harness" "$seeds"
    log=.build/fuzz-logs/$harness.log
    # Leak checking is off: the Swift runtime's metadata caches and Foundation's singletons live until exit.
    # -max_len 16 KiB: loaders see files of many lines; -timeout 10 s: a slow input is reported as a hang.
    # CPU seconds (user + system) beside the wall-clock budget: on a shared machine they say how much fuzzing
    # the time bought.
    if ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 /usr/bin/time -f "%U %S" -o "$log.cpu" nice -n 15 "$bin" libfuzzer "$harness" \
        -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 \
        -print_final_stats=1 -artifact_prefix=".build/fuzz-artifacts/$harness-" \
        "$corpus" "$seeds" "Fixtures/fuzz/$harness" >"$log" 2>&1; then
        result=ok
    else
        result="FAILED (see $log)"
        status=1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cpu=$(tail -1 "$log.cpu" 2>/dev/null | awk '{ printf "%.0f", $1 + $2 }')
    printf '%-15s %12s %10s %10s  %s\n' "$harness" "${runs:-?}" "$seconds" "${cpu:-?}" "$result"
done
exit $status
