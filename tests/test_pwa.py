"""Installable on a phone: the manifest, its icons and the offline service worker."""

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

PROJECT = Path(__file__).resolve().parent.parent
HARNESS = PROJECT / "tests" / "js" / "sw_harness.mjs"

# Pages that show or change a person's own data, now and in the plans
# (sessions, history, account), and the admin. The worker must cache none.
PERSONAL_URLS = [
    "/sessions/",
    "/sessions/12/",
    "/sessions/12/steps/3/",
    "/history/",
    "/accounts/profile/",
    "/accounts/export/",
    "/admin/",
    "/admin/training_sessions/exercisesession/",
]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((PROJECT / "static" / "manifest.webmanifest").read_text(encoding="utf-8"))


def test_the_manifest_has_what_lighthouse_checks(manifest):
    assert manifest["name"] == "Back Relief"
    assert 0 < len(manifest["short_name"]) <= 12  # fits under a home-screen icon
    assert manifest["start_url"] == "/"
    assert manifest["display"] in {"standalone", "fullscreen", "minimal-ui"}
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])


def test_the_manifest_icons_exist_at_their_stated_sizes(manifest):
    png_sizes = set()
    for icon in manifest["icons"]:
        path = Path(finders.find(icon["src"]))
        assert path.exists(), icon["src"]
        if icon["type"] == "image/png":
            width, height = png_size(path)
            assert icon["sizes"] == f"{width}x{height}", icon["src"]
            png_sizes.add(width)
    assert {192, 512} <= png_sizes
    maskable = [icon for icon in manifest["icons"] if "maskable" in icon["purpose"]]
    assert maskable and png_size(Path(finders.find(maskable[0]["src"]))) == (512, 512)


def test_the_theme_colour_matches_the_pages(manifest, client, db):
    content = client.get("/").content.decode()
    assert f'<meta name="theme-color" content="{manifest["theme_color"]}">' in content


def test_pages_link_the_manifest_icon_and_worker_without_inline_script(client, db):
    content = client.get("/").content.decode()
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in content
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in content
    assert png_size(Path(finders.find("icons/apple-touch-icon.png"))) == (180, 180)
    assert (
        '<script src="/static/js/register-sw.js" data-service-worker="/sw.js" defer></script>'
        in content
    )
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content), "an inline script"


@pytest.mark.parametrize("template", sorted((PROJECT / "templates").rglob("*.html")), ids=str)
def test_no_template_has_inline_script_or_style(template):
    """The CSP refuses them: they would break in the browser, not in a test."""
    source = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script>"
    assert not re.search(r"<style\b", source), "<style> element"
    assert not re.search(r"\sstyle\s*=", source), "style attribute"
    assert not re.search(r"\son[a-z]+\s*=", source), "event handler attribute"


# --- The service worker ------------------------------------------------------


def test_the_worker_is_served_from_the_root_uncached(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def precache_list(content: str) -> list[str]:
    return json.loads(re.search(r"const PRECACHE_URLS = (\[.*?\]);", content).group(1))


def test_the_precache_list_is_the_offline_page_and_static_files_only(client, db):
    urls = precache_list(client.get("/sw.js").content.decode())
    assert urls[0] == "/offline/"
    for url in urls[1:]:
        assert url.startswith(static("")), url
    assert not set(urls) & set(PERSONAL_URLS)


def test_the_worker_version_is_the_same_until_the_shell_changes(client, db):
    first = client.get("/sw.js").content
    assert client.get("/sw.js").content == first
    assert re.search(rb'const CACHE_NAME = CACHE_PREFIX \+ "[0-9a-f]{16}";', first)


def test_the_offline_page_is_the_same_for_everyone(client, alice):
    anonymous = client.get("/offline/")
    client.force_login(alice)
    signed_in = client.get("/offline/")
    assert anonymous.status_code == signed_in.status_code == 200
    assert anonymous.content == signed_in.content
    assert b"You are offline" in anonymous.content
    assert alice.email.encode() not in signed_in.content
    assert "Cookie" not in signed_in.get("Vary", "")


def test_the_offline_page_draws_every_movement_with_no_query(client, db, django_assert_num_queries):
    from protocols.illustrations import ILLUSTRATIONS

    with django_assert_num_queries(0):
        content = client.get("/offline/").content.decode()
    assert content.count('role="img"') >= len(ILLUSTRATIONS) == 7
    for illustration in ILLUSTRATIONS.values():
        assert (
            f'<h3 class="h6 mt-3 mb-1">{illustration.title}</h3>'.replace("'", "&#x27;") in content
        )


@pytest.fixture(scope="session")
def node() -> str:
    path = shutil.which("node")
    if not path:
        pytest.fail("node is needed to test the service worker (apt-get install nodejs)")
    return path


def run_worker(node, tmp_path, worker_source: str, requests: list[dict], **scenario) -> dict:
    worker = tmp_path / "sw.js"
    worker.write_text(worker_source, encoding="utf-8")
    scenario_file = tmp_path / "scenario.json"
    scenario_file.write_text(
        json.dumps({"origin": "http://127.0.0.1:8001", "requests": requests, **scenario}),
        encoding="utf-8",
    )
    result = subprocess.run(
        [node, str(HARNESS), str(worker), str(scenario_file)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_worker_never_caches_a_personal_page_or_a_post(node, client, db, tmp_path):
    worker_source = client.get("/sw.js").content.decode()
    precache = precache_list(worker_source)
    requests = []
    for online in (True, False):
        for url in PERSONAL_URLS:
            requests.append({"url": url, "mode": "navigate", "online": online})
            requests.append({"url": url, "mode": "cors", "online": online})
            requests.append({"url": url, "method": "POST", "mode": "navigate", "online": online})
            requests.append({"url": url, "method": "POST", "mode": "cors", "online": online})

    outcome = run_worker(node, tmp_path, worker_source, requests)

    assert outcome["precached"] == precache
    # Installing wrote the precache list; answering requests wrote nothing.
    assert [write["url"] for write in outcome["writes"]] == precache
    for result in outcome["results"]:
        if result.get("method", "GET") != "GET":
            assert not result["handled"], f"a POST to {result['url']} went through the worker"
        elif result["mode"] == "navigate":
            expected = f"network:{result['url']}" if result["online"] else "cached:/offline/"
            assert result["body"] == expected, result
        else:
            assert not result["handled"], f"{result['url']} went through the worker"


def test_the_worker_serves_its_shell_from_the_cache_and_drops_old_shells(
    node, client, db, tmp_path
):
    worker_source = client.get("/sw.js").content.decode()
    css = next(url for url in precache_list(worker_source) if url.endswith(".css"))
    outcome = run_worker(
        node,
        tmp_path,
        worker_source,
        [
            {"url": css, "mode": "no-cors", "online": False},
            {"url": "/static/js/register-sw.js", "mode": "no-cors"},
            {"url": "https://elsewhere.example/x.css", "mode": "no-cors"},
        ],
        oldCaches=["backrelief-shell-0000000000000000", "someone-elses-cache"],
    )
    shell, other_static, elsewhere = outcome["results"]
    assert shell["handled"] and shell["body"] == f"cached:{css}"
    assert not shell["usedNetwork"]
    assert not other_static["handled"]
    assert not elsewhere["handled"]
    assert "backrelief-shell-0000000000000000" not in outcome["cachesAfter"]
    assert "someone-elses-cache" in outcome["cachesAfter"]
    assert len([name for name in outcome["cachesAfter"] if "backrelief" in name]) == 1


def test_the_offline_page_travels_compressed(client, db):
    """It holds no secret (nothing for BREACH to find) and seven drawings: gzip it."""
    response = client.get("/offline/", headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 12_000
