#!/usr/bin/env bash
# Checks, without touching the running Docker engine, that scripts/stop-docker.sh stops only the
# dockerd that scripts/setup-docker.sh recorded, and that the record's folder must be private:
# a stand-in "dockerd" (a copy of sleep under that name) in a folder of this run's own
# (MANAGED_BACKEND_SETUP_DIR) plays the engine. As root, a second local user (uid 12345, through
# setpriv) plays the attacker who plants a folder or a pid. Exit 0 when every case holds.
# shellcheck disable=SC2317 # functions called through trap and check
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"
export MANAGED_BACKEND_SETUP_DIR="$WORK/setup"
started=()
cleanup() {
    for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "[check-setup-dir] $*" >&2; }
failed=0
check() { # check DESCRIPTION COMMAND...: the command must succeed
    if "${@:2}"; then log "ok: $1"; else log "FAILED: $1"; failed=1; fi
}
alive() { kill -0 "$1" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]; }
gone() { ! alive "$1"; }
# shellcheck source=scripts/lib-setup-dir.sh
. "$SCRIPT_DIR/lib-setup-dir.sh"

cp "$(command -v sleep)" "$WORK/dockerd"
# fake_dockerd: starts one, its pid in $pid (no command substitution: the list of what to stop is ours);
# recorded_fake_dockerd also records it, as setup-docker.sh does
fake_dockerd() {
    setsid "$WORK/dockerd" 300 </dev/null >/dev/null 2>&1 & pid=$!; started+=("$pid")
    # until setsid has exec'd it (polled, at most 5 s): a real dockerd is stopped long after
    for _ in $(seq 50); do [ "$(readlink "/proc/$pid/exe")" = "$WORK/dockerd" ] && return 0; sleep 0.1; done
    log "the stand-in dockerd $pid did not start"; exit 1
}
recorded_fake_dockerd() { fake_dockerd; dockerd_record "$pid" "$WORK/dockerd"; }

setup_dir_private
check "the folder is made mode 700" [ "$(stat -c %a "$SETUP_DIR")" = 700 ]

recorded_fake_dockerd
check "the recorded dockerd is stopped" bash "$SCRIPT_DIR/stop-docker.sh"
check "... and is gone" gone "$pid"
check "... and its record removed" [ ! -e "$PID_FILE" ]

recorded_fake_dockerd; sed -i 's/^start=.*/start=1/' "$PID_FILE"
check "a pid whose start time differs (reused) is refused" bash -c "! bash '$SCRIPT_DIR/stop-docker.sh'"
check "... and left running" alive "$pid"

sleep 300 >/dev/null 2>&1 & other=$!; started+=("$other"); dockerd_record "$other" "$(command -v sleep)"
check "a process that is not a dockerd is refused" bash -c "! bash '$SCRIPT_DIR/stop-docker.sh'"
check "... and left running" alive "$other"

recorded_fake_dockerd; chmod 755 "$SETUP_DIR"
check "a record in a folder others can read or write is refused" bash -c "! bash '$SCRIPT_DIR/stop-docker.sh' 2>/dev/null"
check "... and the process left running" alive "$pid"
chmod 700 "$SETUP_DIR"; rm -f "$PID_FILE"

mkdir "$WORK/elsewhere"; rm -rf "$SETUP_DIR"; ln -s "$WORK/elsewhere" "$SETUP_DIR"
check "a link in place of the folder is refused" bash -c "! (. '$SCRIPT_DIR/lib-setup-dir.sh'; setup_dir_private) 2>/dev/null"
rm -f "$SETUP_DIR"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    # another user makes the folder first and plants a record naming a process of root's
    chmod 1777 "$WORK"
    fake_dockerd
    as_other() { setpriv --reuid 12345 --regid 12345 --clear-groups "$@"; }
    as_other mkdir -m 700 "$SETUP_DIR"
    as_other sh -c "printf 'pid=%s\nstart=%s\nexe=%s\n' '$pid' '$(process_start_time "$pid")' '$WORK/dockerd' \
        > '$PID_FILE'"
    check "a folder another user made is refused" bash -c "! (. '$SCRIPT_DIR/lib-setup-dir.sh'; setup_dir_private) 2>/dev/null"
    check "... stop-docker.sh refuses its record" bash -c "! bash '$SCRIPT_DIR/stop-docker.sh' 2>/dev/null"
    check "... and root's process is left running" alive "$pid"
else
    log "not root (or no setpriv): the second-user cases need root, as in CI"
    [ "${CI:-}" != true ] || failed=1
fi

if [ "$failed" = 0 ]; then log "all cases hold"; else log "some cases failed"; fi
exit "$failed"
