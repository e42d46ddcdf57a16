"""The files an operator runs: compose.yaml, the Dockerfile, and the README that explains them.

No Docker engine here: hadolint lints the Dockerfile (`make lint`), the
entrypoint runs in tests/test_entrypoint.py, and these tests read the rest.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
README = (PROJECT / "README.md").read_text(encoding="utf-8")
DOCKERFILE = (PROJECT / "Dockerfile").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((PROJECT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_has_the_app_postgresql_a_release_job_and_an_optional_proxy(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "app", "proxy"}
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["proxy"]["profiles"] == ["proxy"]
    for name in ("db", "redis", "app", "proxy"):
        assert services[name]["restart"] == "unless-stopped", name


def test_compose_checks_health_and_starts_in_order(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["app"]["healthcheck"]["test"])
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
        # The app serves without Redis (from the database), so it need not wait.
        "redis": {"condition": "service_started"},
    }
    assert "ping" in services["redis"]["healthcheck"]["test"]
    assert services["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"


def test_compose_migrates_once_in_the_release_job_only(compose):
    services = compose["services"]
    assert services["migrate"]["environment"]["RUN_MIGRATIONS"] == "1"
    assert services["migrate"]["command"] == ["true"]
    assert services["migrate"]["restart"] == "no"
    assert services["app"]["environment"]["RUN_MIGRATIONS"] == "0"


def test_compose_runs_the_app_in_production_mode_with_required_secrets(compose):
    env = compose["services"]["app"]["environment"]
    assert env["DJANGO_DEBUG"] == "false"
    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert env["DJANGO_ALLOWED_HOSTS"].startswith("${SITE_HOST:?")
    assert env["DJANGO_SECURE_PROXY_SSL_HEADER"] == "X-Forwarded-Proto"
    # One proxy (Caddy, or the host's own) appends the client's address.
    assert env["DJANGO_TRUSTED_PROXY_COUNT"] == "${DJANGO_TRUSTED_PROXY_COUNT:-1}"
    assert re.fullmatch(
        r"postgres://backrelief:\$\{POSTGRES_PASSWORD:\?[^}]+\}@db:5432/backrelief",
        env["DATABASE_URL"],
    )
    # The app publishes only on the loopback: a proxy on the host, or Caddy, is in front.
    assert compose["services"]["app"]["ports"] == ["127.0.0.1:${APP_PORT:-8000}:8000"]
    # Every replica shares the caches in Redis.
    assert env["REDIS_URL"] == "redis://redis:6379/0"


def test_compose_runs_several_replicas_that_share_nothing_but_the_database_and_redis(compose):
    app = compose["services"]["app"]
    assert app["deploy"]["replicas"] == "${APP_REPLICAS:-1}"
    redis = compose["services"]["redis"]
    command = " ".join(redis["command"])
    assert "--appendonly no" in command  # a cache: nothing to keep
    assert "--maxmemory-policy allkeys-lru" in command


def test_compose_environment_is_documented(compose):
    for service in ("app", "migrate"):
        for name in compose["services"][service]["environment"]:
            assert f"`{name}`" in README, f"{name} is not in the README's configuration tables"
    example = (PROJECT / "docker" / "env.example").read_text(encoding="utf-8")
    for required in ("DJANGO_SECRET_KEY=", "SITE_HOST=", "POSTGRES_PASSWORD="):
        assert required in example


def test_the_proxy_mounts_a_caddyfile_that_proxies_to_the_app(compose):
    volumes = compose["services"]["proxy"]["volumes"]
    assert "./docker/Caddyfile:/etc/caddy/Caddyfile:ro" in volumes
    caddyfile = (PROJECT / "docker" / "Caddyfile").read_text(encoding="utf-8")
    # Every replica behind the name "app"; a dead one is skipped for another.
    assert "dynamic a app 8000" in caddyfile
    assert "lb_try_duration" in caddyfile


def test_every_documented_proxy_appends_the_client_and_sets_the_count():
    """Login locks count per (email, client IP): behind a proxy the count says where the IP is."""
    caddyfile = (PROJECT / "docker" / "Caddyfile").read_text(encoding="utf-8")
    directives = [line for line in caddyfile.splitlines() if not line.strip().startswith("#")]
    # Caddy sets X-Forwarded-For itself and, trusting no proxy before it,
    # drops whatever a client sent: nothing here may change either.
    assert not [line for line in directives if "trusted_proxies" in line]
    assert not [line for line in directives if "X-Forwarded-For" in line]
    deploy = (PROJECT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in deploy
    # The docker run example and the proxy section both set it.
    assert "-e DJANGO_TRUSTED_PROXY_COUNT=1" in deploy
    assert deploy.count("DJANGO_TRUSTED_PROXY_COUNT") >= 3


def test_every_variable_the_code_reads_is_documented():
    sources = [
        PROJECT / "backrelief" / "settings.py",
        PROJECT / "gunicorn.conf.py",
        PROJECT / "docker" / "entrypoint.sh",
    ]
    names = set()
    for source in sources:
        text = source.read_text(encoding="utf-8")
        names |= set(re.findall(r"env_\w+\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']", text))
        names |= set(re.findall(r"os\.environ\.get\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']", text))
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):-", text))
    assert len(names) > 20
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert not missing, f"not in the README's configuration tables: {missing}"


def test_the_dockerfile_builds_in_two_stages_from_a_pinned_base():
    bases = re.findall(r"^FROM (\S+) AS (\w+)$", DOCKERFILE, re.MULTILINE)
    assert [stage for _, stage in bases] == ["build", "runtime"]
    for image, _ in bases:
        assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", image)
    assert "pip wheel --wheel-dir /wheels -r requirements.txt" in DOCKERFILE
    # The wheels are mounted from the build stage, so they leave no layer behind.
    assert "RUN --mount=type=bind,from=build,source=/wheels,target=/wheels" in DOCKERFILE
    assert "COPY --from=build" not in DOCKERFILE


def test_the_image_runs_as_a_non_root_user_with_a_health_check():
    [user] = re.findall(r"^USER (\S+)$", DOCKERFILE, re.MULTILINE)
    assert user.split(":")[0] not in {"0", "root"}
    assert "collectstatic --no-input" in DOCKERFILE
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", DOCKERFILE, re.MULTILINE)
    assert 'ENTRYPOINT ["/app/docker/entrypoint.sh"]' in DOCKERFILE
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py"]' in DOCKERFILE


def test_the_build_context_leaves_out_secrets_and_local_state():
    ignored = (PROJECT / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".git", ".venv", ".env", "db.sqlite3*", "staticfiles", "tests"):
        assert entry in ignored


def test_the_entrypoint_is_executable():
    assert (PROJECT / "docker" / "entrypoint.sh").stat().st_mode & 0o111


def _image_apt_packages() -> set[str]:
    """The Debian packages the runtime stage installs."""
    runtime = DOCKERFILE.split("AS runtime", 1)[1]
    (command,) = re.findall(r"apt-get install -y --no-install-recommends(.*?)&&", runtime, re.S)
    return set(command.replace("\\", " ").split())


def _debian_package_of(path: str) -> str:
    owner = subprocess.run(
        [shutil.which("dpkg") or "/usr/bin/dpkg", "-S", os.path.realpath(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return owner.split(":", 1)[0]


def test_the_image_has_every_system_library_weasyprint_opens_and_a_font():
    """The base image is Debian bookworm, as is this machine: what WeasyPrint
    loads here (its ffi module's names) comes from packages the image installs."""
    import weasyprint.text.ffi  # noqa: F401 (importing it opens the libraries)

    if not shutil.which("dpkg"):
        pytest.fail("dpkg is needed to read which Debian package holds each library")
    libraries = ["gobject", "pango", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2"]
    loaded = {}
    with open("/proc/self/maps", encoding="utf-8") as maps:
        mapped = {line.split()[-1] for line in maps if "/" in line}
    for name in libraries:
        pattern = re.compile(rf"/lib{re.escape(name)}(-[0-9.]+)?\.so")
        (path,) = {p for p in mapped if pattern.search(p)} or {None}
        assert path, f"WeasyPrint has not loaded lib{name}"
        loaded[name] = _debian_package_of(path)
    font = subprocess.run(
        [shutil.which("fc-match") or "/usr/bin/fc-match", "sans-serif", "--format=%{file}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    loaded["font"] = _debian_package_of(font)
    missing = {
        name: package for name, package in loaded.items() if package not in _image_apt_packages()
    }
    assert not missing, f"add to the Dockerfile's runtime apt-get install: {missing}"
