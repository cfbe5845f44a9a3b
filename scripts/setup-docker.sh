#!/usr/bin/env bash
# Make a Docker engine available on this machine (as root):
#  - installs docker.io and debootstrap with apt if missing;
#  - if `docker info` fails, starts dockerd in the background (log: /tmp/dockerd.log) and
#    records its pid in /tmp/managed-backend-dockerd.pid, then waits (at most
#    DOCKER_START_TIMEOUT seconds, default 60) until `docker info` answers.
#    dockerd listens on its unix socket and on tcp://127.0.0.1:2375 (plain HTTP, loopback
#    only): the crash-guard tests check that a container recorded against a tcp:// engine is
#    removed through that address.
# scripts/stop-docker.sh stops a dockerd that this script started, and no other.
# Idempotent: an engine that already answers is left alone.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib-apt.sh
. "$SCRIPT_DIR/lib-apt.sh"

PID_FILE="${MANAGED_BACKEND_DOCKERD_PID_FILE:-/tmp/managed-backend-dockerd.pid}"
DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
START_TIMEOUT="${DOCKER_START_TIMEOUT:-60}"
# Loopback only: an engine on tcp without TLS is root for whoever can reach it.
DOCKER_TCP=127.0.0.1:2375
log() { echo "[setup-docker] $*" >&2; }

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if [ "${#need[@]}" -gt 0 ]; then
    apt_install "${need[@]}"
fi
# docker.io may still be unpacking in a parallel apt run: wait for it.
command -v dockerd >/dev/null 2>&1 || { apt_wait_for_lock; apt_install docker.io; }

if docker info >/dev/null 2>&1; then
    log "a Docker engine already answers; leaving it alone"
    if ! docker -H "tcp://$DOCKER_TCP" version >/dev/null 2>&1; then
        log "it does not listen on tcp://$DOCKER_TCP: the tcp:// crash-guard tests will fail;" \
            "if this script started it: scripts/stop-docker.sh && scripts/setup-docker.sh"
    fi
else
    if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
        log "dockerd $(cat "$PID_FILE") (started earlier by this script) is still coming up"
    else
        [ "$(id -u)" = 0 ] || { log "need root to start dockerd"; exit 1; }
        if pgrep -x dockerd >/dev/null 2>&1; then
            log "a dockerd not started by this script is running but does not answer; see its own log"
            exit 1
        fi
        log "starting dockerd (log: $DOCKERD_LOG)"
        setsid dockerd -H unix:///var/run/docker.sock -H "tcp://$DOCKER_TCP" </dev/null >"$DOCKERD_LOG" 2>&1 &
        echo $! >"$PID_FILE"
    fi
    pid="$(cat "$PID_FILE")"
    waited=0
    until docker info >/dev/null 2>&1; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 30 "$DOCKERD_LOG" >&2 || true
            rm -f "$PID_FILE"
            log "dockerd exited; see $DOCKERD_LOG"; exit 1
        fi
        if [ "$waited" -ge "$START_TIMEOUT" ]; then
            tail -n 30 "$DOCKERD_LOG" >&2 || true
            log "docker info still fails after ${START_TIMEOUT}s; dockerd (pid $pid) left running: stop it with scripts/stop-docker.sh"
            exit 1
        fi
        sleep 1; waited=$((waited + 1))
    done
    log "dockerd (pid $pid) answers after ${waited}s; stop it with: bash $SCRIPT_DIR/stop-docker.sh"
fi

docker version --format 'docker client {{.Client.Version}}, engine {{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || true
cat >&2 <<'TXT'
[setup-docker] for Testcontainers on this machine (no image pulls, /.dockerenv present):
  export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
TXT
