# shellcheck shell=bash
# Where scripts/setup-docker.sh keeps the dockerd it started, for scripts/stop-docker.sh: a private
# folder (root's, mode 700), never predictable names in a shared one such as /tmp, where another
# user could plant a link (clobbering the file it names) or a pid (killed by stop-docker.sh).
# The record names the process by pid, start time and executable, so a reused pid is not taken
# for it. Sourced; callers define log().

SETUP_DIR="${MANAGED_BACKEND_SETUP_DIR:-/run/managed-backend-setup}"
PID_FILE="$SETUP_DIR/dockerd.pid"
# shellcheck disable=SC2034 # used by setup-docker.sh
DOCKERD_LOG="$SETUP_DIR/dockerd.log"

# setup_dir_private: create the folder (mode 700), or accept an existing one only if it is a real
# folder, not a link, owned by this user, with no access for group or others.
setup_dir_private() {
    if mkdir -m 0700 -- "$SETUP_DIR" 2>/dev/null; then
        return 0
    fi
    setup_dir_check
}

# setup_dir_check: fails, naming the folder, what is wrong and the fix, unless it is ours and private.
setup_dir_check() {
    local problem=""
    if [ -L "$SETUP_DIR" ]; then
        problem="is a symbolic link"
    elif [ ! -d "$SETUP_DIR" ]; then
        problem="is not a folder"
    elif [ "$(stat -c %u -- "$SETUP_DIR")" != "$(id -u)" ]; then
        problem="is owned by uid $(stat -c %u -- "$SETUP_DIR"), not by uid $(id -u)"
    elif [ "$(stat -c %a -- "$SETUP_DIR")" != 700 ]; then
        problem="has mode $(stat -c %a -- "$SETUP_DIR"), not 700"
    fi
    if [ -n "$problem" ]; then
        log "$SETUP_DIR $problem: it holds the dockerd's log and pid record and must be private." \
            "Remove it (it is made again), or set MANAGED_BACKEND_SETUP_DIR to a folder of yours with mode 700"
        exit 1
    fi
}

# The start time of a process, in clock ticks since boot (field 22 of /proc/PID/stat; the fields
# are counted after the command name, which may hold spaces and parentheses).
process_start_time() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    local fields
    read -r -a fields <<<"$stat" # split into fields; read does no glob expansion
    echo "${fields[19]}"
}

# dockerd_record PID EXE: what identifies the dockerd just started from the program EXE. The
# executable is the program's real path, not read from /proc: the process may not have exec'd it
# yet (setsid runs first); its start time is the same before and after the exec.
dockerd_record() {
    local start exe
    start="$(process_start_time "$1")" || start=""
    exe="$(readlink -f -- "$2")"
    printf 'pid=%s\nstart=%s\nexe=%s\n' "$1" "$start" "$exe" >"$PID_FILE.new"
    mv -f -- "$PID_FILE.new" "$PID_FILE"
}

# The value of KEY in the record, empty if there is none.
dockerd_recorded() {
    [ -f "$PID_FILE" ] || return 0
    sed -n "s/^$1=//p" "$PID_FILE" | head -n 1
}

dockerd_recorded_pid() {
    dockerd_recorded pid
}

# dockerd_ours_running: the recorded process still runs, with the recorded start time, and its
# executable is a dockerd.
dockerd_ours_running() {
    local pid start exe
    pid="$(dockerd_recorded pid)"
    case "$pid" in ''|*[!0-9]*) return 1 ;; esac
    start="$(process_start_time "$pid")" || return 1
    [ -n "$start" ] && [ "$start" = "$(dockerd_recorded start)" ] || return 1
    exe="$(readlink -- "/proc/$pid/exe" 2>/dev/null)" || return 1
    [ "$exe" = "$(dockerd_recorded exe)" ] && [ "${exe##*/}" = dockerd ]
}
