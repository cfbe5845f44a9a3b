#!/usr/bin/env bash
# Make a Python virtualenv with fastapi and uvicorn for the sample app and the tests.
#
#   scripts/setup-python.sh [--debian-only] [--venv DIR]
#
# 1. Debian's python3-fastapi, python3-uvicorn, python3-venv via apt (skipped when
#    /usr/bin/python3 already imports fastapi and uvicorn and python3-venv is installed).
# 2. A venv made by `/usr/bin/python3 -m venv --system-site-packages DIR`
#    (default DIR: sample-fastapi/.venv), so it sees Debian's packages
#    (fastapi 0.92, uvicorn 0.17.6, pydantic 1).
# 3. Unless --debian-only: upgrade inside the venv with pip from whatever index/wheel
#    mirror pip is configured with (fastapi 0.1xx, pydantic 2, uvicorn 0.3x+), bounded in
#    time; if that fails, the Debian versions stay.
#
# Idempotent; needs root only for apt. Prints `python: <path>, fastapi <v>, uvicorn <v>`.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
APP_DIR="$REPO_ROOT/sample-fastapi"
# shellcheck source=scripts/lib-apt.sh
. "$SCRIPT_DIR/lib-apt.sh"

DEBIAN_ONLY=0
VENV="$APP_DIR/.venv"
PIP_TIME_LIMIT="${PIP_TIME_LIMIT:-120}"

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --debian-only) DEBIAN_ONLY=1 ;;
        --venv) [ $# -ge 2 ] || { echo "--venv needs a directory" >&2; exit 2; }; VENV="$2"; shift ;;
        --venv=*) VENV="${1#--venv=}" ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case "$VENV" in /*) ;; *) VENV="$PWD/$VENV" ;; esac

log() { echo "[setup-python] $*" >&2; }
SYS_PY=/usr/bin/python3

# --- 1. Debian packages ------------------------------------------------------------------
if [ -x "$SYS_PY" ] && "$SYS_PY" -c 'import fastapi, uvicorn' 2>/dev/null \
        && apt_all_installed python3-venv; then
    log "Debian's fastapi/uvicorn/venv already installed; skipping apt"
else
    apt_install python3-fastapi python3-uvicorn python3-venv
fi
"$SYS_PY" -c 'import fastapi, uvicorn'

# --- 2. The venv -------------------------------------------------------------------------
# Where the venv's python finds a module: "venv" (installed by pip into the venv) or "system".
module_origin() {
    "$VENV/bin/python" - "$1" <<'PY' 2>/dev/null || echo missing
import importlib.util, os, sys
spec = importlib.util.find_spec(sys.argv[1])
path = os.path.realpath(spec.origin) if spec and spec.origin else ""
print("venv" if path.startswith(os.path.realpath(sys.prefix) + os.sep) else "system")
PY
}

venv_usable() {
    [ -f "$VENV/pyvenv.cfg" ] && [ -x "$VENV/bin/python" ] || return 1
    grep -Eq '^include-system-site-packages *= *true' "$VENV/pyvenv.cfg" || return 1
    grep -Eq '^home *= */usr/bin$' "$VENV/pyvenv.cfg" || return 1
    "$VENV/bin/python" -c 'import fastapi, uvicorn, pip' 2>/dev/null || return 1
    if [ "$DEBIAN_ONLY" = 1 ]; then
        # A venv that pip upgraded earlier is not a Debian-only venv any more.
        local m
        for m in fastapi uvicorn starlette pydantic; do
            [ "$(module_origin "$m")" = system ] || return 1
        done
    fi
}

make_venv() {
    if [ -e "$VENV" ]; then
        if [ -f "$VENV/pyvenv.cfg" ]; then
            log "recreating $VENV"
            rm -rf "$VENV"
        elif [ -d "$VENV" ] && [ -z "$(ls -A "$VENV")" ]; then
            :
        else
            log "$VENV exists and is not a virtualenv; refusing to touch it"; exit 1
        fi
    fi
    log "$SYS_PY -m venv --system-site-packages $VENV"
    "$SYS_PY" -m venv --system-site-packages "$VENV"
}

if venv_usable; then
    log "reusing venv $VENV"
else
    make_venv
fi
PY="$VENV/bin/python"

# --- 3. Newer packages from pip's mirror -------------------------------------------------
if [ "$DEBIAN_ONLY" = 1 ]; then
    log "--debian-only: keeping Debian's fastapi and uvicorn"
else
    log "trying pip install --upgrade -r sample-fastapi/requirements.txt (at most ${PIP_TIME_LIMIT}s)"
    pip_log="$(mktemp)"
    if timeout "$PIP_TIME_LIMIT" "$PY" -m pip install --disable-pip-version-check \
            --retries 0 --timeout 5 --upgrade -r "$APP_DIR/requirements.txt" \
            </dev/null >"$pip_log" 2>&1 \
        && (cd "$APP_DIR" && "$PY" -c 'import fastapi, uvicorn, app.main') 2>>"$pip_log" </dev/null; then
        log "pip upgrade done"
    else
        tail -n 15 "$pip_log" >&2 || true
        log "pip upgrade failed or timed out; keeping Debian's fastapi and uvicorn"
        # Do not leave a half-upgraded venv behind.
        if ! (cd "$APP_DIR" && "$PY" -c 'import fastapi, uvicorn, app.main') 2>/dev/null; then
            DEBIAN_ONLY=1
            make_venv
        fi
    fi
    rm -f "$pip_log"
fi

# --- Check and report -------------------------------------------------------------------
cd "$APP_DIR"
"$PY" -c 'import fastapi, uvicorn'
"$PY" -c 'import app.main' || { log "the sample app does not import with $PY"; exit 1; }
"$PY" - <<PY
import fastapi, uvicorn
print("python: $PY, fastapi %s, uvicorn %s" % (fastapi.__version__, uvicorn.__version__))
PY
