# A first working image; hardening (multi-stage, health check) comes with the
# production work. Build: docker build -t backrelief .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_DEBUG=false

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings to import; this key exists only for the build.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-used-at-runtime python manage.py collectstatic --no-input \
    && useradd --system --uid 10001 --home-dir /app backrelief

USER backrelief
EXPOSE 8000
CMD ["gunicorn", "backrelief.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
