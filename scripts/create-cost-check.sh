#!/usr/bin/env bash
# Fails when a task create costs more than 20 % more instructions, relative to SQLite writing the
# same rows directly, than the ratio recorded in create-cost-baseline.txt. Two creates are counted:
# through the store alone (the write path), and as a whole HTTP request to the application running
# in the bench's process (routing, authentication, rate limit, JSON, audit, the store).
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

instructions() { # name count bench-arguments...
    local name="$1" count="$2"
    shift 2
    valgrind --tool=callgrind --callgrind-out-file="$work/out.$name.$count" "$work/bench" "$@" --count "$count" \
        > /dev/null 2> "$work/log.$name.$count" || { cat "$work/log.$name.$count"; exit 1; }
    awk '/^(summary|totals):/ { print $2; exit }' "$work/out.$name.$count"
}

per_create() { # name bench-arguments...
    local short long
    short=$(instructions "$1" 20 "${@:2}")
    long=$(instructions "$1" 120 "${@:2}")
    echo $(( (long - short) / 100 ))
}

sqlite=$(per_create sqlite create-cost --path sqlite)
store=$(per_create store create-cost --path store)
request=$(per_create request request-cost)
ratio() { awk -v a="$1" -v b="$sqlite" 'BEGIN { printf "%.2f", a / b }'; }
echo "instructions per create: bare SQLite $sqlite; store $store ($(ratio "$store")×); HTTP request $request ($(ratio "$request")×)"

if [[ "${2:-}" == "--record" ]]; then
    printf 'store %s\nrequest %s\n' "$(ratio "$store")" "$(ratio "$request")" > "$baseline_file"
    echo "recorded in $baseline_file:"
    cat "$baseline_file"
    exit 0
fi
failed=0
check() { # name measured-ratio
    local recorded limit
    recorded=$(awk -v n="$1" '$1 == n { print $2 }' "$baseline_file")
    limit=$(awk -v r="$recorded" 'BEGIN { printf "%.2f", r * 1.2 }')
    if awk -v m="$2" -v l="$limit" 'BEGIN { exit !(m > l) }'; then
        echo "FAIL: a create ($1) costs $2× bare SQLite, more than 1.2 × the recorded $recorded (limit $limit)"
        failed=1
    else
        echo "ok: a create ($1) costs $2× bare SQLite, within 1.2 × the recorded $recorded"
    fi
}
check store "$(ratio "$store")"
check request "$(ratio "$request")"
exit "$failed"
