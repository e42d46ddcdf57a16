# Back Relief's production image: gunicorn behind a TLS-terminating proxy,
# static files from whitenoise. Build: make image (docker build, or buildah).
# Run and configure: docs/deploy.md. Lint: make lint (hadolint).
#
# The base is pinned to an exact Python release. On a machine with Docker,
# pin its digest too: docker buildx imagetools inspect python:3.11.14-slim-bookworm

# --- build: every dependency as a wheel, so the runtime needs no compilers ---
FROM python:3.11.14-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt


# --- runtime: the wheels, the code, the collected static files; no root -----
FROM python:3.11.14-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_DEBUG=false \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DATABASE_URL=sqlite:////data/db.sqlite3 \
    DJANGO_MEDIA_ROOT=/data/media \
    PORT=8000

# What WeasyPrint (the shared record's PDF) loads from the system: GObject,
# Pango, HarfBuzz and its subsetter, fontconfig, PangoFT2, and a font (the
# slim image has none). tests/test_deploy_files.py checks this list against
# the libraries WeasyPrint opens. Versions come with the pinned Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libglib2.0-0 libpango-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
        libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The app runs as an unprivileged user that owns nothing but /data (the
# SQLite volume of a one-replica install, and coaches' uploads in
# /data/media unless they go to S3); the code stays read-only to it.
RUN groupadd --system --gid 10001 backrelief \
    && useradd --system --uid 10001 --gid backrelief --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin backrelief \
    && mkdir /data \
    && chown backrelief:backrelief /data

WORKDIR /app
COPY requirements.txt .
# The wheels are mounted from the build stage, not copied: a copied folder
# would stay in its layer (41 MB) even once removed.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels -r requirements.txt

COPY . .
# collectstatic imports the settings, which want a secret key with DEBUG off;
# this one exists only during the build and is never used to sign anything.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-used-at-runtime \
    python manage.py collectstatic --no-input --verbosity 0

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000

# /healthz answers 200 when the database does (slim images have no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
