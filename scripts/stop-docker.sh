#!/usr/bin/env bash
# Stop the dockerd that scripts/setup-docker.sh started (pid recorded in
# /tmp/managed-backend-dockerd.pid). A dockerd that the script did not start is never touched.
set -euo pipefail

PID_FILE="${MANAGED_BACKEND_DOCKERD_PID_FILE:-/tmp/managed-backend-dockerd.pid}"
log() { echo "[stop-docker] $*" >&2; }

if [ ! -f "$PID_FILE" ]; then
    log "no $PID_FILE: setup-docker.sh did not start a dockerd; nothing to stop"
    exit 0
fi
pid="$(cat "$PID_FILE")"
case "$pid" in ''|*[!0-9]*) log "bad pid in $PID_FILE: '$pid'"; rm -f "$PID_FILE"; exit 1 ;; esac
if ! kill -0 "$pid" 2>/dev/null; then
    log "dockerd $pid is not running any more"
    rm -f "$PID_FILE"; exit 0
fi
if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]; then
    log "pid $pid is not a dockerd (pid reused?); not killing it"
    rm -f "$PID_FILE"; exit 1
fi
log "stopping dockerd $pid"
kill -TERM "$pid"
for _ in $(seq 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; log "stopped"; exit 0; }
    sleep 0.5
done
log "dockerd $pid did not stop in 30s; sending SIGKILL"
kill -KILL "$pid" 2>/dev/null || true
rm -f "$PID_FILE"
