#!/usr/bin/env bash
# Make a Docker engine available on this machine (as root):
#  - installs docker.io and debootstrap with apt if missing;
#  - if `docker info` fails, starts dockerd in the background, listening on its unix socket only,
#    and waits (at most DOCKER_START_TIMEOUT seconds, default 60) until `docker info` answers.
#    No TCP listener: an engine on tcp without TLS is root for every local user (and for a web
#    page, by DNS rebinding). Tests of a tcp:// engine start a relay of their own for their own
#    duration (socat, installed by scripts/setup.sh).
#  - its log and what identifies it (pid, start time, executable) go to a private folder,
#    $MANAGED_BACKEND_SETUP_DIR or /run/managed-backend-setup (mode 700, owned by root, refused
#    if it is a link or anyone else could write it), never to predictable names in /tmp.
# scripts/stop-docker.sh stops a dockerd that this script started, and no other.
# Idempotent: an engine that already answers is left alone.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib-apt.sh
. "$SCRIPT_DIR/lib-apt.sh"
# shellcheck source=scripts/lib-setup-dir.sh
. "$SCRIPT_DIR/lib-setup-dir.sh"

START_TIMEOUT="${DOCKER_START_TIMEOUT:-60}"
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
    # An engine started by an earlier version of this script also listened on tcp://127.0.0.1:2375.
    if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Hltn 'sport = :2375' 2>/dev/null)" ]; then
        log "warning: something listens on port 2375 (a Docker engine on tcp without TLS is root for every" \
            "local user); if an earlier version of this script started it, stop that dockerd and run this again"
    fi
else
    setup_dir_private
    if dockerd_ours_running; then
        log "dockerd $(dockerd_recorded_pid) (started earlier by this script) is still coming up"
    else
        [ "$(id -u)" = 0 ] || { log "need root to start dockerd"; exit 1; }
        if pgrep -x dockerd >/dev/null 2>&1; then
            log "a dockerd not started by this script is running but does not answer; see its own log"
            exit 1
        fi
        log "starting dockerd (log: $DOCKERD_LOG)"
        # The log is created in the private folder: no link planted elsewhere can redirect it.
        rm -f "$DOCKERD_LOG"
        (set -C; : >"$DOCKERD_LOG")
        setsid dockerd -H unix:///var/run/docker.sock </dev/null >>"$DOCKERD_LOG" 2>&1 &
        dockerd_record "$!" "$(command -v dockerd)"
    fi
    pid="$(dockerd_recorded_pid)"
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
