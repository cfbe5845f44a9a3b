#!/usr/bin/env bash
# Everything the tests need that Maven cannot fetch, on a fresh Debian 12 machine (root):
#   - sample-fastapi/.venv with fastapi and uvicorn (scripts/setup-python.sh)
#   - a Docker engine, and the images the container-mode tests use (setup-docker.sh,
#     docker-base.sh, build-sample-image.sh); skipped with --no-docker
#   - shellcheck, which .ci/run runs on the watchdog script and on these scripts
#   - socat, with which tests of a tcp:// engine relay one to the local socket for their own
#     duration (the engine itself listens on its unix socket only)
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

docker=true
[ "${1:-}" = "--no-docker" ] && docker=false

# shellcheck source=scripts/lib-apt.sh
. scripts/lib-apt.sh
command -v shellcheck >/dev/null 2>&1 || apt_install shellcheck
command -v socat >/dev/null 2>&1 || apt_install socat
scripts/setup-python.sh
if $docker; then
    scripts/setup-docker.sh
    scripts/docker-base.sh
    scripts/build-sample-image.sh
fi
