#!/usr/bin/env bash
# Build the offline base image managed-backend/python-fastapi:bookworm: a Debian bookworm
# root filesystem made by debootstrap from the Debian mirror apt here uses, with python3, pip,
# Debian's fastapi (0.92) and uvicorn (0.17.6) already installed, imported with `docker import`.
# No image registry is needed. On top of it, a plain Dockerfile that runs
# `pip install -r requirements.txt` (fastapi, uvicorn) and `CMD ["uvicorn", ...]` builds with
# nothing to download: the image sets PIP_NO_INDEX=1 and PIP_BREAK_SYSTEM_PACKAGES=1 and
# has a `uvicorn` command.
#
#   scripts/docker-base.sh [--force]     (--force: rebuild even if the image exists)
#
# Needs root and a running engine (scripts/setup-docker.sh). About a minute.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib-apt.sh
. "$SCRIPT_DIR/lib-apt.sh"

IMAGE="${BASE_IMAGE_NAME:-managed-backend/python-fastapi:bookworm}"
SUITE=bookworm
FORCE=0
for a in "$@"; do
    case "$a" in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $a" >&2; exit 2 ;;
    esac
done
log() { echo "[docker-base] $*" >&2; }

docker info >/dev/null 2>&1 || { log "no Docker engine answers: run scripts/setup-docker.sh first"; exit 1; }
if [ "$FORCE" = 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
    log "$IMAGE already exists; skipping (use --force to rebuild)"
    exit 0
fi
[ "$(id -u)" = 0 ] || { log "debootstrap needs root"; exit 1; }
command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap

# The Debian mirror apt is configured with (deb822 .sources files or one-line .list files).
debian_mirror() {
    local f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # Stanzas are separated by blank lines; take the URIs of one that has Suites: bookworm.
        uri="$(awk -v RS= -v suite="$SUITE" '
            $0 ~ "(^|\n)Suites:[^\n]*(^|[ \t])" suite "([ \t]|\n|$)" {
                n = split($0, lines, "\n")
                for (i = 1; i <= n; i++) if (lines[i] ~ /^URIs:/) { split(lines[i], w, /[ \t]+/); print w[2]; exit }
            }' "$f")"
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        uri="$(awk -v suite="$SUITE" '$1 == "deb" {
                i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i + 1) == suite) { print $i; exit } }' "$f")"
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
    echo "http://deb.debian.org/debian"
}
MIRROR="${DEBIAN_MIRROR:-$(debian_mirror)}"

ROOTFS="$(mktemp -d /var/tmp/managed-backend-rootfs.XXXXXX)"
cleanup() {
    # debootstrap may leave /proc, /sys or a bind-mounted /dev mounted inside the rootfs
    # when it fails: unmount everything below it before deleting anything.
    local m
    awk -v r="$ROOTFS" 'index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r \
        | while IFS= read -r m; do umount -l "$m" 2>/dev/null || true; done
    if awk -v r="$ROOTFS" 'index($2, r "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; then
        log "something is still mounted below $ROOTFS; not deleting it"
    else
        rm -rf --one-file-system "$ROOTFS"
    fi
}
trap cleanup EXIT

start=$SECONDS
log "debootstrap $SUITE from $MIRROR into $ROOTFS (about a minute)"
if ! debootstrap --variant=minbase \
        --include=python3-fastapi,python3-uvicorn,python3-pip,python-is-python3 \
        "$SUITE" "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1; then
    tail -n 30 "$ROOTFS.log" >&2
    [ -f "$ROOTFS/debootstrap/debootstrap.log" ] && tail -n 30 "$ROOTFS/debootstrap/debootstrap.log" >&2
    rm -f "$ROOTFS.log"
    log "debootstrap failed"; exit 1
fi
rm -f "$ROOTFS.log"
log "debootstrap done in $((SECONDS - start))s"

# Debian's fastapi 0.92 declares starlette<0.26 in its metadata but Debian ships starlette
# 0.26.1 (patched to work). pip's resolver would then look for starlette 0.25 on an index
# and fail offline: state what Debian really ships.
for meta in "$ROOTFS"/usr/lib/python3/dist-packages/fastapi-*.dist-info/METADATA; do
    [ -f "$meta" ] && sed -i -E 's/^(Requires-Dist: starlette)[ (]*<0\.26\.0,(>=0\.25\.0)\)?$/\1\2/' "$meta"
done
# pip-installed uvicorn has a `uvicorn` command; Debian's package has none.
cat >"$ROOTFS/usr/local/bin/uvicorn" <<'SH'
#!/bin/sh
exec python3 -m uvicorn "$@"
SH
chmod 755 "$ROOTFS/usr/local/bin/uvicorn"
# Smaller image.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/debootstrap

# Nothing pip needs for `pip install fastapi uvicorn` should be missing now.
if ! chroot "$ROOTFS" env PIP_NO_INDEX=1 PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
        python3 -m pip install --dry-run fastapi uvicorn >/dev/null 2>&1; then
    chroot "$ROOTFS" env PIP_NO_INDEX=1 PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --dry-run fastapi uvicorn >&2 || true
    log "pip in the new root filesystem would still want to download something"; exit 1
fi

log "docker import -> $IMAGE"
tar --numeric-owner -C "$ROOTFS" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PIP_BREAK_SYSTEM_PACKAGES=1' \
    --change 'ENV PIP_NO_INDEX=1' \
    --change 'ENV PIP_DISABLE_PIP_VERSION_CHECK=1' \
    --change 'ENV PIP_ROOT_USER_ACTION=ignore' \
    --change 'CMD ["python3"]' \
    --message "debootstrap $SUITE minbase + python3-fastapi python3-uvicorn python3-pip (managed-backend)" \
    - "$IMAGE" >/dev/null
docker run --rm "$IMAGE" python3 -c 'import fastapi, uvicorn; print("'"$IMAGE"': fastapi", fastapi.__version__, "uvicorn", uvicorn.__version__)'
log "done in $((SECONDS - start))s"
