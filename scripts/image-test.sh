#!/bin/bash
# Runs the production image for real: `make image-test` (after `make image`).
#
# On loopback, all started here and all stopped on the way out, whatever happens:
#   PostgreSQL 15 and Redis (throwaway, in a temporary folder);
#   the release step: the image's entrypoint with RUN_MIGRATIONS=1, then exit;
#   two replicas of the image, each on its own port, as user 10001;
#   HAProxy in front, health-checking /healthz, spreading requests over both.
# Then scripts/image_test_drive.py drives one person through sign-up, the
# safety gate and a whole session with double taps, a logout on one replica
# honoured by the other, and one replica SIGKILLed mid-session.
#
# Containers run with buildah (`buildah from`, `buildah run --isolation
# chroot`, the host's network), as root: this machine has no Docker engine and
# podman cannot run containers here. Bounded: IMAGE_TEST_TIMEOUT seconds (300).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${IMAGE:-localhost/backrelief:latest}"
LIMIT="${IMAGE_TEST_TIMEOUT:-300}"
PYTHON="${PYTHON:-.venv/bin/python}"
PG_BIN=/usr/lib/postgresql/15/bin
started_at=$SECONDS

for tool in buildah redis-server haproxy ss "$PG_BIN/initdb"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "image-test needs $tool (apt-get install buildah redis-server haproxy postgresql-15)" >&2
        exit 1
    }
done
[ "$(id -u)" = 0 ] || { echo "image-test runs containers with buildah as root." >&2; exit 1; }
buildah inspect --type image "$IMAGE" >/dev/null 2>&1 || {
    echo "No image $IMAGE: run make image first." >&2
    exit 1
}

work="$(mktemp -d /tmp/backrelief-image-test.XXXXXX)"
chmod 755 "$work"
containers=()
pids=()

cleanup() {
    status=$?
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do
        # Each background job leads its own process group (setsid): take it all.
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
    for container in "${containers[@]}"; do
        buildah rm "$container" >/dev/null 2>&1 || true
    done
    if [ -d "$work/pg/data" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$work/pg/data" -m immediate stop \
            >/dev/null 2>&1 || true
    fi
    if [ "$status" != 0 ] && [ -d "$work" ]; then
        for log in "$work"/*.log "$work"/pg/*.log; do
            [ -f "$log" ] || continue
            echo "--- last lines of $(basename "$log")"
            tail -n 25 "$log"
        done
    fi
    rm -rf "$work"
    echo "image-test: everything it started is stopped ($((SECONDS - started_at)) s in all)."
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local limit=$1 what=$2
    shift 2
    local until=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        if [ $SECONDS -ge $until ]; then
            echo "$what did not come up within $limit s" >&2
            return 1
        fi
        sleep 0.2
    done
}

healthy() {
    "$PYTHON" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$1/healthz', timeout=2)"
}

# Runs "$@" in the background in a process group of its own; records its pid.
background() {
    local log=$1
    shift
    setsid "$@" >"$log" 2>&1 &
    pids+=("$!")
    disown "$!"
}

# Everything below runs under one clock: past LIMIT seconds, stop.
setsid bash -c "sleep $LIMIT; echo 'image-test: over $LIMIT s, stopping' >&2; kill -TERM $$" &
pids+=("$!")
disown "$!"

echo "== PostgreSQL 15 and Redis (throwaway)"
mkdir -p "$work/pg"
chown postgres "$work/pg"
pg_port="$(free_port)"
runuser -u postgres -- "$PG_BIN/initdb" -D "$work/pg/data" -U postgres -A trust >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/postgresql.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg -c fsync=off" start >/dev/null
runuser -u postgres -- "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres backrelief
database_url="postgres://postgres@127.0.0.1:$pg_port/backrelief"

redis_port="$(free_port)"
background "$work/redis.log" redis-server --port "$redis_port" --bind 127.0.0.1 \
    --save "" --appendonly no --dir "$work"
wait_for 10 Redis "$PYTHON" -c "import socket; s = socket.create_connection(('127.0.0.1', $redis_port)); s.sendall(b'PING\r\n'); assert s.recv(8).startswith(b'+PONG')"

secret="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
environment=(
    -e "DJANGO_SECRET_KEY=$secret"
    -e "DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost"
    -e "DATABASE_URL=$database_url"
    -e "REDIS_URL=redis://127.0.0.1:$redis_port/0"
    # Plain HTTP on loopback; in production TLS ends at the proxy in front.
    -e "DJANGO_SECURE_SSL_REDIRECT=false"
    -e "DJANGO_TRUSTED_PROXY_COUNT=1"
    # Mail to stdout (the log), where the test reads the sign-up link.
    -e "EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend"
    -e "GUNICORN_WORKERS=2"
    -e "GUNICORN_THREADS=4"
)

# A container of the image with its own /data (owned by the image's user).
new_container() {
    local name=$1
    mkdir -p "$work/data-$name"
    chown 10001:10001 "$work/data-$name"
    buildah from --pull=never --name "backrelief-image-test-$name-$$" "$IMAGE" >/dev/null
    containers+=("backrelief-image-test-$name-$$")
}

run_in() {  # run_in NAME [extra buildah run options] -- command...
    local name=$1
    shift
    local options=()
    while [ "$1" != -- ]; do options+=("$1"); shift; done
    shift
    buildah run --isolation chroot --user 10001:10001 \
        -v "$work/data-$name:/data" "${environment[@]}" "${options[@]}" \
        "backrelief-image-test-$name-$$" "$@"
}

echo "== release step: migrations and the protocol (RUN_MIGRATIONS=1), as user 10001"
new_container release
run_in release -e RUN_MIGRATIONS=1 -- /app/docker/entrypoint.sh true >"$work/release.log" 2>&1
grep -q . "$work/release.log" && tail -n 3 "$work/release.log"

echo "== two replicas of the image"
declare -A ports
for name in r1 r2; do
    ports[$name]="$(free_port)"
    new_container "$name"
    background "$work/replica-$name.log" buildah run --isolation chroot --user 10001:10001 \
        -v "$work/data-$name:/data" "${environment[@]}" -e "PORT=${ports[$name]}" \
        "backrelief-image-test-$name-$$" /app/docker/entrypoint.sh
done
for name in r1 r2; do
    wait_for 60 "replica $name" healthy "${ports[$name]}"
    user="$(ps -o user= -p "$(ss -Htlnp "sport = :${ports[$name]}" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)")"
    echo "replica $name answers /healthz on port ${ports[$name]}, gunicorn running as uid $user"
    [ "$user" = 10001 ] || { echo "replica $name does not run as user 10001" >&2; exit 1; }
done

echo "== HAProxy in front, health-checking /healthz"
lb_port="$(free_port)"
cat >"$work/haproxy.cfg" <<EOF
global
    maxconn 256
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # A replica that refuses the connection (killed) or closes it unanswered:
    # send the request to the other one, once.
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response
    # A new server connection per request: a kept-alive one to a replica that
    # has just died fails after the request went out, which is not retried
    # for a POST; a new one is refused at once, and retried on the other.
    http-reuse never
frontend web
    bind 127.0.0.1:$lb_port
    default_backend app
backend app
    balance roundrobin
    option forwardfor
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    http-response set-header X-Served-By %[srv_name]
    server r1 127.0.0.1:${ports[r1]} check inter 500ms fall 2 rise 2
    server r2 127.0.0.1:${ports[r2]} check inter 500ms fall 2 rise 2
EOF
haproxy -c -q -f "$work/haproxy.cfg"
background "$work/haproxy.log" haproxy -db -f "$work/haproxy.cfg"
wait_for 15 HAProxy healthy "$lb_port"
sleep 1.5  # both servers through their first health checks

echo "== one person, two replicas"
"$PYTHON" scripts/image_test_drive.py --balancer "$lb_port" \
    --replica "r1=${ports[r1]}" --replica "r2=${ports[r2]}" --kill r1 \
    --logs "$work" --database-url "$database_url" --time-limit $((LIMIT - (SECONDS - started_at) - 15))

if grep -h '"level": *"ERROR"' "$work"/replica-*.log >"$work/errors.txt" 2>/dev/null; then
    echo "The replicas logged errors:" >&2
    head -n 20 "$work/errors.txt" >&2
    exit 1
fi
echo "make image-test: PASS in $((SECONDS - started_at)) s"
