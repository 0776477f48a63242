#!/usr/bin/env bash
# Fuzzes the running API against its own contract with schemathesis (PyPI): every operation of
# openapi.yaml gets generated valid and invalid input; the run fails on any 5xx and on any response
# that doesn't match the document (status, content type, headers, body schema).
#
#   scripts/fuzz-api.sh [path/to/taskinfa] [max seconds]
#
# Needs `schemathesis` on PATH (.ci/run installs it into a venv). Talks only to 127.0.0.1.
set -euo pipefail
binary=${1:-.build/debug/taskinfa}
budget=${2:-240}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

# A mail server that isn't there (port 9): password resets and invitations take their mail path, and
# the sends fail in the background where the fuzzer doesn't see them.
"$binary" serve --port 0 --data-dir "$work/data" --bcrypt-cost 4 --log-level error --sign-in-limit 10000 --sign-up-limit 10000 --api-rate-limit 1000000 \
  --smtp-url smtp://127.0.0.1:9 --mail-from fuzz@example.com > "$work/out" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  grep -q "running at" "$work/out" 2>/dev/null && break
  sleep 0.1
done
base=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/out" | head -1)
[ -n "$base" ] || { cat "$work/out"; echo "server did not start"; exit 1; }

# An account, a key with full rights, and some data for the fuzzer to find.
curl -sf -c "$work/cookies" -H 'content-type: application/json' \
  -d '{"email":"fuzz@example.com","password":"mauve kettle orbit","name":"Fuzz"}' "$base/api/v1/auth/signup" > "$work/signup.json"
workspace=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["workspace"]["id"])' "$work/signup.json")
# The session's CSRF token, derived as the server derives it (writes with the cookie carry it).
session=$(awk '$6 == "taskinfa_session" { print $7 }' "$work/cookies")
csrf=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(b"taskinfa-csrf\x00" + sys.argv[1].encode()).hexdigest())' "$session")
key=$(curl -sf -b "$work/cookies" -H "X-CSRF-Token: $csrf" -H 'content-type: application/json' -d '{"name":"fuzz"}' \
  "$base/api/v1/workspaces/$workspace/api-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
project=$(curl -sf -H "Authorization: Bearer $key" -H 'content-type: application/json' -d '{"name":"Fuzz","key":"FZ"}' \
  "$base/api/v1/workspaces/$workspace/projects" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf -H "Authorization: Bearer $key" -H 'content-type: application/json' \
  -d "{\"project_id\":\"$project\",\"title\":\"Seed task\",\"status\":\"todo\"}" "$base/api/v1/workspaces/$workspace/tasks" > /dev/null

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
fuzz() {
  schemathesis run "$base/api/openapi.yaml" --url "$base/api/v1" \
    --checks "$checks" --request-timeout 10 --workers 1 --suppress-health-check all \
    --report junit --report-dir "${FUZZ_REPORT_DIR:-$work/report}" "$@"
}
# Pass 1, most of the time, with the key: everything except what would destroy the fuzzer's own
# credentials (deleting the workspace, revoking keys, removing members) and the endless event
# stream, which no fuzzer can consume (it is covered by the Swift tests; its `?since=` JSON form is
# the same operation).
echo "fuzzing $base (workspace $workspace) for up to ${budget}s"
fuzz -H "Authorization: Bearer $key" --max-time "$budget" --exclude-operation-id streamEvents \
  --exclude-operation-id deleteWorkspace --exclude-operation-id revokeApiKey --exclude-operation-id removeMember
# Pass 2, briefly: the destructive operations too, as the signed-in person (keys and members are a
# person's to manage; a key gets 403 there).
fuzz -H "Cookie: taskinfa_session=$session" -H "X-CSRF-Token: $csrf" --max-time 30 --exclude-operation-id streamEvents --phases coverage,fuzzing
