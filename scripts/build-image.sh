#!/bin/sh
# Builds the production image from the Dockerfile as it is: `make image`.
#
#   scripts/build-image.sh [TAG]      (default TAG: backrelief:latest)
#
# With Docker: `docker build`. Without it (CI's machines have no Docker
# engine): Debian's buildah, as root, isolated by chroot, in Docker's image
# format (buildah's own drops the HEALTHCHECK). pip inside the build uses this
# machine's pip configuration and CA certificates, mounted read-only.
#
# The Dockerfile's base, python:3.11.14-slim-bookworm, is used when it is here
# or can be pulled. When it cannot, a STAND-IN is built and tagged with its
# name: Debian bookworm's own Python 3.11 (3.11.2, not 3.11.14) in a minimal
# Debian made by debootstrap from this machine's Debian mirror, with a venv
# in /usr/local so that `python` and `pip` are on PATH as in the real image.
# The build says so on its last line; docs/deploy.md says what differs.
set -eu
cd "$(dirname "$0")/.."

tag="${1:-backrelief:latest}"
base=docker.io/library/python:3.11.14-slim-bookworm

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    docker build -t "$tag" .
    docker image inspect "$tag" --format 'Built {{.RepoTags}}: {{.Size}} bytes'
    exit 0
fi

if ! command -v buildah >/dev/null 2>&1; then
    echo "Neither Docker nor buildah is here: apt-get install buildah (or install Docker)." >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "buildah builds as root here (chroot isolation): run make image as root." >&2
    exit 1
fi

# The mirror apt uses on this machine (debootstrap fetches the stand-in from it).
debian_mirror() {
    {
        sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null
        sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\).*/\2/p' \
            /etc/apt/sources.list 2>/dev/null
    } | grep -v security | head -n 1
}

build_standin() {
    mirror="$(debian_mirror)"
    if [ -z "$mirror" ]; then
        echo "No Debian mirror in apt's sources: cannot make the stand-in base image." >&2
        exit 1
    fi
    if ! command -v debootstrap >/dev/null 2>&1; then
        echo "debootstrap is needed for the stand-in base image: apt-get install debootstrap" >&2
        exit 1
    fi
    work="$(mktemp -d /tmp/backrelief-base.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
    echo "== stand-in base: debootstrap bookworm (python3, python3-venv, ca-certificates)"
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
        tail -n 20 "$work/debootstrap.log" >&2
        exit 1
    }
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
    tar -C "$work/rootfs" -c . | podman import - localhost/backrelief-debian-bookworm:minbase >/dev/null
    cat >"$work/Containerfile" <<'EOF'
FROM localhost/backrelief-debian-bookworm:minbase
RUN python3 -m venv /usr/local && /usr/local/bin/pip --version
ENV LANG=C.UTF-8
LABEL org.backrelief.standin-base="Debian bookworm python3 (3.11.2) by debootstrap, not python:3.11.14-slim-bookworm"
EOF
    buildah bud --isolation chroot --pull=never --format docker --quiet \
        -t "$base" -f "$work/Containerfile" "$work" >/dev/null
    buildah rmi localhost/backrelief-debian-bookworm:minbase >/dev/null 2>&1 || true
    rm -rf "$work"
    trap - EXIT
}

standin_label() {
    buildah inspect --type image \
        --format '{{index .OCIv1.Config.Labels "org.backrelief.standin-base"}}' "$1" 2>/dev/null || true
}

if buildah inspect --type image "$base" >/dev/null 2>&1; then
    :
elif timeout 60 buildah pull --quiet "$base" >/dev/null 2>&1; then
    :
else
    echo "The base image $base cannot be pulled here: making a stand-in from Debian packages."
    build_standin
fi
standin="$(standin_label "$base")"

# pip's configuration files (global and site ones that exist) and the CA
# certificates, read-only, at the same paths inside the build.
volumes=""
for file in /etc/pip.conf /etc/xdg/pip/pip.conf /etc/xdg/pip/constraints.txt; do
    [ -f "$file" ] && volumes="$volumes --volume $file:$file:ro"
done
[ -d /etc/ssl/certs ] && volumes="$volumes --volume /etc/ssl/certs:/etc/ssl/certs:ro"

echo "== buildah bud -t $tag (Docker format)"
# shellcheck disable=SC2086 # $volumes is a list of options, split on purpose
buildah bud --isolation chroot --pull=never --format docker --layers \
    $volumes -t "$tag" .

size="$(buildah inspect --type image --format '{{.ImageSize}}' "$tag" 2>/dev/null || true)"
[ -n "$size" ] || size="$(buildah images --format '{{.Size}}' "$tag" | head -n 1)"
echo "Built $tag ($size)."
if [ -n "$standin" ]; then
    echo "NOTE: built on a STAND-IN base tagged $base: $standin (the real one cannot be pulled here; docs/deploy.md)."
fi
