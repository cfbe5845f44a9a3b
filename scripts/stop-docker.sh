#!/usr/bin/env bash
# Stop the dockerd that scripts/setup-docker.sh started, as its record in the private folder
# ($MANAGED_BACKEND_SETUP_DIR or /run/managed-backend-setup) names it: pid, start time and
# executable must all match, so a reused pid, or a dockerd the script did not start, is never
# touched.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[stop-docker] $*" >&2; }
# shellcheck source=scripts/lib-setup-dir.sh
. "$SCRIPT_DIR/lib-setup-dir.sh"

if [ ! -e "$SETUP_DIR" ] || [ ! -f "$PID_FILE" ]; then
    log "no $PID_FILE: setup-docker.sh did not start a dockerd; nothing to stop"
    exit 0
fi
setup_dir_check # a record in a folder someone else could write names nothing we trust
pid="$(dockerd_recorded_pid)"
case "$pid" in ''|*[!0-9]*) log "bad pid in $PID_FILE: '$pid'"; rm -f "$PID_FILE"; exit 1 ;; esac
if ! kill -0 "$pid" 2>/dev/null; then
    log "dockerd $pid is not running any more"
    rm -f "$PID_FILE"; exit 0
fi
if ! dockerd_ours_running; then
    log "pid $pid is not the dockerd setup-docker.sh started (start time or executable differ: pid reused?);" \
        "not killing it"
    rm -f "$PID_FILE"; exit 1
fi
log "stopping dockerd $pid"
kill -TERM "$pid"
for _ in $(seq 60); do
    dockerd_ours_running || { rm -f "$PID_FILE"; log "stopped"; exit 0; }
    sleep 0.5
done
log "dockerd $pid did not stop in 30s; sending SIGKILL"
if dockerd_ours_running; then
    kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$PID_FILE"
