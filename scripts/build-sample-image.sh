#!/usr/bin/env bash
# Build sample-fastapi/Dockerfile as sample-fastapi:dev on top of the offline base image
# (scripts/docker-base.sh), with Docker's legacy builder (no BuildKit/buildx here).
#
#   scripts/build-sample-image.sh [--test]
#
# --test: also run the image (`docker run -d -p 127.0.0.1::8000`), check every endpoint
# through the port Docker maps on 127.0.0.1 (scripts/smoke-sample-app.sh --url), and remove
# the container again.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
BASE_IMAGE="${BASE_IMAGE_NAME:-managed-backend/python-fastapi:bookworm}"
IMAGE="${SAMPLE_IMAGE_NAME:-sample-fastapi:dev}"
TEST=0
for a in "$@"; do
    case "$a" in
        --test) TEST=1 ;;
        *) echo "unknown option: $a" >&2; exit 2 ;;
    esac
done
log() { echo "[build-sample-image] $*" >&2; }

docker info >/dev/null 2>&1 || { log "no Docker engine answers: run scripts/setup-docker.sh first"; exit 1; }
docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 \
    || { log "base image $BASE_IMAGE missing: run scripts/docker-base.sh first"; exit 1; }

log "docker build --build-arg BASE_IMAGE=$BASE_IMAGE -t $IMAGE sample-fastapi"
DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$IMAGE" "$REPO_ROOT/sample-fastapi" >/dev/null
log "built $IMAGE"

[ "$TEST" = 1 ] || exit 0

cid="$(docker run -d -p 127.0.0.1::8000 -e SMOKE_MARKER=hello-from-docker "$IMAGE")"
trap 'docker rm -f "$cid" >/dev/null 2>&1 || true' EXIT
port="$(docker port "$cid" 8000/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -n1)"
[ -n "$port" ] || { docker port "$cid" >&2; log "no port mapped on 127.0.0.1"; exit 1; }
log "container ${cid:0:12} on 127.0.0.1:$port"
ok=0
"$SCRIPT_DIR/smoke-sample-app.sh" --url "http://127.0.0.1:$port" && ok=1
if [ "$ok" = 1 ]; then
    curl -fsS --max-time 5 "http://127.0.0.1:$port/env/SMOKE_MARKER" | grep -q hello-from-docker \
        || { log "env var did not reach the container"; ok=0; }
fi
[ "$ok" = 1 ] || { docker logs "$cid" >&2 || true; exit 1; }
log "image $IMAGE works"
