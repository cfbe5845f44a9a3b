#!/usr/bin/env bash
# Smoke-test the sample FastAPI app: every endpoint, over 127.0.0.1 only.
#
#   scripts/smoke-sample-app.sh [--python PY]   start `PY -m uvicorn app.main:app --port 0`
#                                               from sample-fastapi (default PY:
#                                               sample-fastapi/.venv/bin/python), test, stop it
#   scripts/smoke-sample-app.sh --url URL       test an app already running at URL
#                                               (e.g. a container's mapped port)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP_DIR="$(cd "$SCRIPT_DIR/.." && pwd)/sample-fastapi"
PY="$APP_DIR/.venv/bin/python"
URL=""
while [ $# -gt 0 ]; do
    case "$1" in
        --python) PY="$2"; shift ;;
        --url) URL="${2%/}"; shift ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done
log() { echo "[smoke] $*" >&2; }

SERVER_PID=""
SERVER_LOG=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    [ -n "$SERVER_LOG" ] && rm -f "$SERVER_LOG"
    return 0
}
trap cleanup EXIT

if [ -z "$URL" ]; then
    SERVER_LOG="$(mktemp)"
    (cd "$APP_DIR" && SMOKE_MARKER=hello-from-smoke exec "$PY" -m uvicorn app.main:app \
        --host 127.0.0.1 --port 0 </dev/null >"$SERVER_LOG" 2>&1) &
    SERVER_PID=$!
    port=""
    for _ in $(seq 150); do
        port="$(sed -n 's#.*Uvicorn running on http://127\.0\.0\.1:\([0-9][0-9]*\).*#\1#p' "$SERVER_LOG" | head -n1)"
        [ -n "$port" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; log "uvicorn exited"; exit 1; }
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$SERVER_LOG" >&2; log "no port in uvicorn's log after 15s"; exit 1; }
    URL="http://127.0.0.1:$port"
    log "$("$PY" -c 'import fastapi, uvicorn; print("fastapi", fastapi.__version__, "uvicorn", uvicorn.__version__)') on $URL (pid $SERVER_PID)"
fi
case "$URL" in http://127.0.0.1:*|http://localhost:*) ;; *) log "only loopback URLs: $URL"; exit 2 ;; esac

# Wait until /health answers (a container may still be starting).
for _ in $(seq 100); do
    curl -fsS --max-time 2 "$URL/health" >/dev/null 2>&1 && break
    sleep 0.2
done

fails=0
# check NAME EXPECTED_STATUS EXPECTED_BODY_REGEX curl-args...
check() {
    local name="$1" want="$2" body_re="$3"; shift 3
    local out status body
    out="$(curl -sS --max-time 5 -w '\n%{http_code}' "$@")" || { log "FAIL $name: curl error"; fails=$((fails + 1)); return; }
    status="${out##*$'\n'}"; body="${out%$'\n'*}"
    if [ "$status" = "$want" ] && [[ "$body" =~ $body_re ]]; then
        echo "ok   $name -> $status $body"
    else
        echo "FAIL $name -> $status $body (wanted $want, body ~ /$body_re/)"; fails=$((fails + 1))
    fi
}
J=(-H 'Content-Type: application/json')

check "GET /health" 200 '^\{"status":"ok"\}$' "$URL/health"
check "GET /items (empty or not)" 200 '^\[.*\]$' "$URL/items"
out="$(curl -fsS --max-time 5 "${J[@]}" -d '{"name":"apple","price":1.5}' "$URL/items")" || out="(curl error)"
id="$(echo "$out" | sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p')"
if [ -n "$id" ]; then echo "ok   POST /items -> $out"; else echo "FAIL POST /items -> $out"; fails=$((fails + 1)); id=0; fi
check "POST /items 201" 201 '"name":"pear".*"price":2\.25' "${J[@]}" -d '{"name":"pear","price":2.25}' "$URL/items"
check "POST /items invalid -> 422" 422 'detail' "${J[@]}" -d '{"name":"x"}' "$URL/items"
check "GET /items lists apple" 200 "\"id\":$id,\"name\":\"apple\",\"price\":1\\.5" "$URL/items"
check "GET /items/$id" 200 "^\\{\"id\":$id,\"name\":\"apple\",\"price\":1\\.5\\}$" "$URL/items/$id"
check "GET /items/999999 -> 404" 404 'not found' "$URL/items/999999"
check "DELETE /items/$id -> 204" 204 '^$' -X DELETE "$URL/items/$id"
check "GET /items/$id after delete -> 404" 404 'not found' "$URL/items/$id"
check "DELETE /items/$id again -> 404" 404 'not found' -X DELETE "$URL/items/$id"
check "GET /env/PATH" 200 '^\{"key":"PATH","value":"[^"]+"\}$' "$URL/env/PATH"
check "GET /env/NO_SUCH_VAR_42" 200 '^\{"key":"NO_SUCH_VAR_42","value":null\}$' "$URL/env/NO_SUCH_VAR_42"
if [ -n "$SERVER_PID" ]; then
    check "GET /env/SMOKE_MARKER" 200 '"value":"hello-from-smoke"' "$URL/env/SMOKE_MARKER"
    check "GET /pid" 200 "^\\{\"pid\":$SERVER_PID\\}$" "$URL/pid"
else
    check "GET /pid" 200 '^\{"pid":[0-9]+\}$' "$URL/pid"
fi

if [ "$fails" = 0 ]; then log "all checks passed against $URL"; else log "$fails check(s) failed against $URL"; exit 1; fi
