#!/usr/bin/env bash
# Fuzzes BertKit's loaders, readers and transforms with libFuzzer under AddressSanitizer.
#
#   Scripts/fuzz.sh [CPU_SECONDS_PER_HARNESS] [HARNESS...]   (default 60 s each, every harness)
#   Scripts/fuzz.sh --top-up CPU_SECONDS [HARNESS...]        (each harness only for what the ledger still lacks)
#   Scripts/fuzz.sh --totals                                 (what the ledger holds, summed per harness)
#
# Builds bertkit-fuzz into .build/fuzz, optimized, with libFuzzer's coverage and AddressSanitizer (Swift and C
# targets instrumented) and -DBERTKIT_LIBFUZZER (its `libfuzzer` command calls LLVMFuzzerRunDriver), then runs each
# harness (`bertkit-fuzz list`; Sources/BertKitFuzzing/FuzzHarness.swift says what each one feeds) for the
# given CPU time, one job at a time, starting from its seeds and Fixtures/fuzz/HARNESS (the crash reproducers).
# The growing corpus is kept in .build/fuzz-corpus/HARNESS, logs in .build/fuzz-logs, and a crashing input in
# .build/fuzz-artifacts/HARNESS-crash-*: replay it with `bertkit-fuzz replay HARNESS FILE` (any build), fix,
# and commit it under Fixtures/fuzz/HARNESS so that `swift test` (BertKitFuzzingTests) replays it from then on.
# A run stopped from outside (a session ending) can be added to the ledger by hand with the result `stopped`
# and the executions its log last printed; --totals does not count it as failed.
# Prints executions per harness; exits 1 if any harness crashed, leaked a timeout or ran out of memory.
set -euo pipefail
cd "$(dirname "$0")/.."

ledger=.build/fuzz-logs/ledger.tsv
if [ "${1:-}" = --totals ]; then
    # Every run appends a line to the ledger (time, commit, harness, executions, CPU seconds, result); a
    # campaign over several sessions resumes each harness's corpus and adds up here.
    if [ ! -f "$ledger" ]; then
        echo "fuzz.sh: no runs recorded yet ($ledger does not exist); run Scripts/fuzz.sh first" >&2
        exit 0
    fi
    printf '%-15s %14s %12s %6s %8s\n' harness executions cpu-seconds runs failed
    awk -F '\t' '{ runs[$3] += $4; cpu[$3] += $5; n[$3]++; if ($6 != "ok" && $6 != "stopped") bad[$3]++ }
        END { for (h in runs) printf "%-15s %14d %12d %6d %8d\n", h, runs[h], cpu[h], n[h], bad[h] }' \
        "$ledger" | sort
    exit 0
fi
top_up=0
if [ "${1:-}" = --top-up ]; then top_up=1; shift; fi
seconds=${1:-60}
# Checked before the build: a harness name in the seconds' place (`fuzz.sh jsonl`) used to surface minutes
# later as a shell arithmetic error.
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "fuzz.sh: the first argument is the CPU seconds per harness (a whole number of at least 1), not '$seconds'" >&2
    echo "usage: Scripts/fuzz.sh [CPU_SECONDS_PER_HARNESS] [HARNESS...] | Scripts/fuzz.sh --totals" >&2
    exit 2
fi
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

mapfile -t known < <("$bin" list)
if [ $# -gt 0 ]; then harnesses=("$@"); else harnesses=("${known[@]}"); fi
# Every name is checked before any harness runs: a typo used to stop the script at its turn (set -e on the
# seeds command), after the harnesses before it had run and with an empty Fixtures/fuzz/TYPO folder made.
for harness in "${harnesses[@]}"; do
    found=no
    for name in "${known[@]}"; do if [ "$name" = "$harness" ]; then found=yes; fi; done
    if [ "$found" = no ]; then
        echo "fuzz.sh: no harness named '$harness'; the harnesses are: ${known[*]}" >&2
        exit 2
    fi
done
mkdir -p .build/fuzz-logs .build/fuzz-artifacts
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
hz=$(getconf CLK_TCK)
# CPU seconds (user + system, every thread) a running process has used.
cpu_seconds() { awk -v hz="$hz" '{ print int(($14 + $15) / hz) }' "/proc/$1/stat" 2>/dev/null || echo 0; }
status=0
printf '%-15s %12s %12s  %s\n' harness executions cpu-seconds result
for harness in "${harnesses[@]}"; do
    budget=$seconds
    if [ "$top_up" = 1 ]; then
        # --top-up: only what the ledger still lacks of SECONDS for this harness; a harness that has already
        # run 10 million executions (the other half of the campaign's goal) is done as well.
        done_cpu=$(awk -F '\t' -v h="$harness" '$3 == h { s += $5 } END { print s + 0 }' "$ledger" 2>/dev/null || echo 0)
        done_runs=$(awk -F '\t' -v h="$harness" '$3 == h { s += $4 } END { print s + 0 }' "$ledger" 2>/dev/null || echo 0)
        if [ "$done_runs" -ge 10000000 ]; then
            printf '%-15s %12s %12s  %s\n' "$harness" "$done_runs" "$done_cpu" "already fuzzed for $done_runs executions"
            continue
        fi
        budget=$((seconds - done_cpu))
        if [ "$budget" -le 0 ]; then
            printf '%-15s %12s %12s  %s\n' "$harness" - "$done_cpu" "already fuzzed for $done_cpu CPU s"
            continue
        fi
    fi
    corpus=.build/fuzz-corpus/$harness
    seeds=.build/fuzz-seeds/$harness
    mkdir -p "$corpus" "$seeds" "Fixtures/fuzz/$harness"
    "$bin" seeds "$harness" "$seeds"
    log=.build/fuzz-logs/$harness.log
    # Leak checking is off: the Swift runtime's metadata caches and Foundation's singletons live until exit.
    # -max_len 16 KiB: loaders see files of many lines; -timeout 10 s: a slow input is reported as a hang.
    # The budget is CPU time, not wall time: on a shared machine a fuzzer at low priority may get a small share
    # of a core, while libFuzzer's -max_total_time counts wall time. The loop below reads the fuzzer's CPU time
    # and interrupts it at SECONDS (SIGINT: libFuzzer prints its final statistics and exits with 72);
    # -max_total_time, ten times the budget, only ends a starved run.
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 nice -n 15 "$bin" libfuzzer "$harness" \
        -max_total_time=$((10 * budget)) -max_len=16384 -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 \
        -print_final_stats=1 -artifact_prefix=".build/fuzz-artifacts/$harness-" \
        "$corpus" "$seeds" "Fixtures/fuzz/$harness" >"$log" 2>&1 &
    pid=$!
    cpu=0
    while kill -0 "$pid" 2>/dev/null; do
        now=$(cpu_seconds "$pid")
        [ "$now" -gt "$cpu" ] && cpu=$now
        [ "$cpu" -ge "$budget" ] && kill -INT "$pid" 2>/dev/null
        sleep 2
    done
    rc=0
    wait "$pid" || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ "$rc" = 0 ] || [ "$rc" = 72 ]; then
        result=ok
    elif [ "$rc" = 130 ] && [ "$cpu" -ge "$budget" ] && ! grep -q -e 'deadly signal' -e '^==[0-9]*==ERROR' "$log"; then
        # The lines harness runs the tokenize pipeline, whose own SIGINT handler (it removes the temporary
        # output, then re-raises) ends the process by the signal (130 here) before libFuzzer prints its
        # statistics: our stop at the budget, not a crash.
        # The executions are the last status line's count.
        result=ok
        runs=$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$log" | tail -1)
    else
        result="FAILED (exit $rc, see $log)"
        status=1
    fi
    printf '%-15s %12s %12s  %s\n' "$harness" "${runs:-?}" "$cpu" "$result"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$commit" "$harness" "${runs:-0}" "$cpu" "$result" >>"$ledger"
done
exit $status
