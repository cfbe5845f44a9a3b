# shellcheck shell=bash
# Helpers shared by the set-up scripts: install Debian packages with apt-get,
# non-interactively, waiting for any other apt/dpkg run instead of fighting its lock.
# Source it; do not run it.

export DEBIAN_FRONTEND=noninteractive

_apt_log() { echo "[$(basename "${0}")] $*" >&2; }

# Wait (bounded) until no process holds one of apt's or dpkg's locks.
apt_wait_for_lock() {
    local max="${APT_LOCK_WAIT:-900}" waited=0  # seconds
    local locks=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock)
    while :; do
        local busy=0 f
        for f in "${locks[@]}"; do
            if [ -e "$f" ] && fuser "$f" >/dev/null 2>&1; then busy=1; break; fi
        done
        if [ "$busy" = 0 ] && ! pgrep -x 'apt-get|apt|dpkg|unattended-upgr' >/dev/null 2>&1; then
            return 0
        fi
        if [ "$waited" -ge "$max" ]; then
            _apt_log "apt/dpkg still busy after ${max}s; trying anyway"
            return 0
        fi
        [ "$waited" = 0 ] && _apt_log "another apt/dpkg run is in progress; waiting for it (at most ${max}s)"
        sleep 3; waited=$((waited + 3))
    done
}

# True if every named package is installed.
apt_all_installed() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || return 1
    done
}

# True if every named package has an install candidate in the current package lists.
_apt_all_known() {
    local p
    for p in "$@"; do
        apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]' || return 1
    done
}

_APT_UPDATED=0
apt_update_once() {
    [ "$_APT_UPDATED" = 1 ] && return 0
    apt_wait_for_lock
    _apt_log "apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    _APT_UPDATED=1
}

# apt_install PKG...: install what is missing; run `apt-get update` only when needed.
apt_install() {
    local missing=() p
    for p in "$@"; do apt_all_installed "$p" || missing+=("$p"); done
    [ "${#missing[@]}" = 0 ] && return 0
    [ "$(id -u)" = 0 ] || { _apt_log "need root to install: ${missing[*]}"; return 1; }
    _apt_all_known "${missing[@]}" || apt_update_once
    apt_wait_for_lock
    _apt_log "apt-get install -y ${missing[*]}"
    if ! apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}" </dev/null; then
        # Stale package lists give 404s: refresh them once and retry.
        if [ "$_APT_UPDATED" = 0 ]; then
            apt_update_once
            apt_wait_for_lock
            apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}" </dev/null
        else
            return 1
        fi
    fi
}
