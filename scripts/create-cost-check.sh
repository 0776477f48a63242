#!/usr/bin/env bash
# Fails when a task create through the store costs more than 20 % more instructions, relative to
# SQLite writing the same rows directly, than the ratio recorded in create-cost-baseline.txt.
#
# Instructions, counted by callgrind, are the same for the same binary and input whatever else the
# machine is doing; dividing by the bare-SQLite loop measured in the same run cancels most of what
# differs between machines (CPU, C library). Each count is the difference of two loop lengths, so
# start-up and migrations drop out.
#
# usage: scripts/create-cost-check.sh BENCH_BINARY [--record]
set -euo pipefail
bench="$1"
here="$(cd "$(dirname "$0")" && pwd)"
baseline_file="$here/create-cost-baseline.txt"
export SWIFT_DETERMINISTIC_HASHING=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# valgrind 3.19 can't read the debug information of a Swift binary this size: count a stripped copy.
strip --strip-all -o "$work/bench" "$bench"

instructions() { # path count
    valgrind --tool=callgrind --callgrind-out-file="$work/out.$1.$2" "$work/bench" create-cost --path "$1" --count "$2" \
        > /dev/null 2> "$work/log.$1.$2" || { cat "$work/log.$1.$2"; exit 1; }
    awk '/^(summary|totals):/ { print $2; exit }' "$work/out.$1.$2"
}

per_create() { # path
    local short long
    short=$(instructions "$1" 20)
    long=$(instructions "$1" 120)
    echo $(( (long - short) / 100 ))
}

store=$(per_create store)
sqlite=$(per_create sqlite)
ratio=$(awk -v a="$store" -v b="$sqlite" 'BEGIN { printf "%.2f", a / b }')
echo "instructions per create: store $store, bare SQLite $sqlite, ratio $ratio"

if [[ "${2:-}" == "--record" ]]; then
    echo "$ratio" > "$baseline_file"
    echo "recorded $ratio in $baseline_file"
    exit 0
fi
recorded=$(cat "$baseline_file")
limit=$(awk -v r="$recorded" 'BEGIN { printf "%.2f", r * 1.2 }')
if awk -v m="$ratio" -v l="$limit" 'BEGIN { exit !(m > l) }'; then
    echo "FAIL: a create costs $ratio× bare SQLite, more than 1.2 × the recorded $recorded (limit $limit)"
    exit 1
fi
echo "ok: $ratio× bare SQLite, within 1.2 × the recorded $recorded"
