"""Sharing a record with a practitioner: links, the shared page, its PDF and QR code."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import throttles
from accounts.models import User
from safety.models import ClinicianClearance, RedFlag, RedFlagScreening
from sessions.models import ShareLink, TrainingPreferences, TrainingSession
from sessions.models.sharing import digest_of
from sessions.sharing_views import qr_svg
from tests.history_helpers import many_past_sessions, past_session

LINKS = reverse("sharing:links")
OWN_PDF = reverse("sharing:own_pdf")
# Debian's poppler-utils (.ci/run installs it).
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"
NEW_LINK = {
    "label": "physio, March",
    "expiry_days": "30",
    "display_name": "Alice A.",
    "include_safety": "on",
}


def shared_url(token: str) -> str:
    return reverse("shared:record", args=[token])


def pdf_url(token: str) -> str:
    return reverse("shared:pdf", args=[token])


def new_link(user, **options) -> tuple[ShareLink, str]:
    defaults = {"label": "physio", "display_name": "Alice A.", "days": 30}
    return ShareLink.create_for(user, **(defaults | options))


def token_in(response) -> str:
    """The secret in a new link's page (the share URL, shown once)."""
    match = re.search(r"/shared/([A-Za-z0-9_-]{43})/", response.content.decode())
    assert match, "no share link on the page"
    return match[1]


@pytest.fixture
def record(alice, protocol):
    """Alice's history: two sessions with notes, a safety screening, a plan of two days."""
    now = timezone.now()
    past_session(alice, now - timedelta(days=3), pain_before=6, pain_after=4, notes="Stiff hips")
    past_session(alice, now - timedelta(days=1), pain_before=5, pain_after=2, notes="Much looser")
    RedFlagScreening.objects.create(
        user=alice, answers={flag.value: False for flag in RedFlag}, answered_at=now
    )
    TrainingPreferences.objects.create(user=alice, training_days=[0, 3], time_zone="Europe/Paris")
    return alice


# --- Making, listing and revoking links -------------------------------------------


def test_the_sharing_page_requires_sign_in(client, db):
    for url in (LINKS, OWN_PDF):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_form_offers_30_days_no_notes_and_safety_answers_by_default(signed_in):
    response = signed_in.get(LINKS)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["expiry_days"].value() == 30
    assert not form["include_notes"].value()
    assert form["include_safety"].value() is True
    assert form["display_name"].value() == "Alice"  # her first name, not her email
    assert "alice@example.com" not in response.content.decode()


def test_making_a_link_shows_it_once_with_a_qr_code_and_stores_only_its_hash(signed_in, alice):
    response = signed_in.post(LINKS, NEW_LINK)
    assert response.status_code == 200
    token = token_in(response)
    assert len(token) == 43  # 256 random bits
    page = response.content.decode()
    assert "<svg" in page and "qr-code" in page
    assert 'data-copy="share-url"' in page
    assert "no-store" in response["Cache-Control"]

    link = ShareLink.objects.get()
    assert (link.user, link.label, link.display_name) == (alice, "physio, March", "Alice A.")
    assert (link.include_notes, link.include_safety) == (False, True)
    assert link.expires_at - link.created_at == timedelta(days=30)
    assert link.token_digest == digest_of(token)
    # Nowhere in the table is the token itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM training_sessions_sharelink")
        rows = cursor.fetchall()
    assert token not in repr(rows)
    # ... and the list page shows it no more.
    assert token not in signed_in.get(LINKS).content.decode()


def test_bad_link_forms_say_what_is_wrong_and_make_nothing(signed_in):
    for data, message in (
        (NEW_LINK | {"label": "   "}, "Give it a label"),
        (NEW_LINK | {"expiry_days": "365"}, "Choose 7, 30 or 90 days."),
        (NEW_LINK | {"display_name": "alice@example.com"}, "not an email address"),
        (NEW_LINK | {"label": "x" * 81}, "at most 80 characters"),
    ):
        response = signed_in.post(LINKS, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not ShareLink.objects.exists()


def test_a_person_has_at_most_20_working_links(signed_in, alice):
    for _ in range(20):
        new_link(alice)
    response = signed_in.post(LINKS, NEW_LINK)
    assert response.status_code == 400
    assert "revoke one" in response.content.decode()
    assert ShareLink.objects.count() == 20


def test_the_list_shows_when_each_link_was_made_expires_and_was_opened(signed_in, alice, record):
    _, token = new_link(alice, label="GP, April")
    Client().get(shared_url(token))
    Client().get(shared_url(token))
    page = signed_in.get(LINKS).content.decode()
    assert "GP, April" in page
    assert "2 times" in page
    assert "Works until" in page
    assert "never" not in page.split("GP, April")[1].split("</li>")[0]


def test_an_expired_link_says_so_and_offers_no_revoke(signed_in, alice):
    link, _ = new_link(alice, label="GP, April")
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    item = signed_in.get(LINKS).content.decode().split("GP, April")[1].split("</li>")[0]
    assert "Expired" in item
    assert "Works" not in item
    assert "Revoke" not in item


def test_another_person_can_neither_see_nor_revoke_alices_links(client, alice, bob):
    link, _ = new_link(alice, label="Alice's physio")
    client.force_login(bob)
    assert "Alice's physio" not in client.get(LINKS).content.decode()
    assert client.post(reverse("sharing:revoke", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.is_active
    # What bob makes is his.
    client.post(LINKS, NEW_LINK)
    assert ShareLink.objects.filter(user=bob).count() == 1
    assert ShareLink.objects.filter(user=alice).count() == 1


def test_revoking_a_link_makes_it_a_404_at_once(signed_in, alice, record):
    link, token = new_link(alice)
    assert Client().get(shared_url(token)).status_code == 200
    response = signed_in.post(reverse("sharing:revoke", args=[link.pk]))
    assert response.status_code == 302
    assert Client().get(shared_url(token)).status_code == 404
    assert Client().get(pdf_url(token)).status_code == 404
    link.refresh_from_db()
    assert link.is_revoked
    assert "Revoked" in signed_in.get(LINKS).content.decode()


def test_revoke_takes_posts_only(signed_in, alice):
    link, _ = new_link(alice)
    assert signed_in.get(reverse("sharing:revoke", args=[link.pk])).status_code == 405


# --- Expiry, on a controlled clock ------------------------------------------------


@pytest.mark.parametrize("days", [7, 30, 90])
def test_a_link_works_until_its_expiry_and_not_a_second_after(alice, record, days):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _, token = new_link(alice, days=days)
    with time_machine.travel(start + timedelta(days=days) - timedelta(seconds=1), tick=False):
        assert Client().get(shared_url(token)).status_code == 200
    with time_machine.travel(start + timedelta(days=days), tick=False):
        assert Client().get(shared_url(token)).status_code == 404
        assert Client().get(pdf_url(token)).status_code == 404


# --- The shared page ----------------------------------------------------------------


def test_the_shared_page_shows_the_record_without_a_sign_in(alice, record):
    _, token = new_link(alice, display_name="Alice A.")
    response = Client().get(shared_url(token))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Training record of Alice A." in page
    assert "alice@example.com" not in page
    assert "Lower back relief" in page  # the protocol followed
    assert "Their reminder plan: 2 sessions a week (Monday, Thursday)" in page
    assert "6 → 4" in page and "5 → 2" in page
    assert page.count('class="chart"') == 2
    assert "chart-target" in page  # the plan's line on the weeks chart
    assert "Europe/Paris" in page


def test_the_shared_page_links_only_to_the_disclaimer_and_the_directory(alice, record, settings):
    _, token = new_link(alice)
    page = Client().get(shared_url(token)).content.decode()
    links = set(re.findall(r'<a [^>]*href="([^"]+)"', page))
    assert links == {reverse("safety:public_disclaimer"), settings.REFERRAL_URL, pdf_url(token)}


def test_the_shared_page_and_pdf_are_not_cached_referred_or_indexed(alice, record):
    _, token = new_link(alice)
    for url in (shared_url(token), pdf_url(token), shared_url("x" * 43), shared_url("short")):
        response = Client().get(url)
        assert "no-store" in response["Cache-Control"], url
        assert response["Referrer-Policy"] == "no-referrer", url
        assert "noindex" in response["X-Robots-Tag"], url


def test_notes_show_only_when_the_link_includes_them(alice, record):
    _, without = new_link(alice)
    _, with_notes = new_link(alice, include_notes=True)
    assert "Much looser" not in Client().get(shared_url(without)).content.decode()
    assert "Much looser" in Client().get(shared_url(with_notes)).content.decode()


def test_safety_answers_show_only_when_the_link_includes_them(alice, record):
    RedFlagScreening.objects.create(
        user=alice, answers={RedFlag.CANCER.value: True}, answered_at=timezone.now()
    )
    ClinicianClearance.objects.create(user=alice, cleared_on=timezone.localdate())
    _, with_safety = new_link(alice)
    _, without = new_link(alice, include_safety=False)
    shown = Client().get(shared_url(with_safety)).content.decode()
    assert "Safety questions" in shown
    assert "answered yes to" in shown and "no to every question asked" in shown
    assert "had said these exercises are fine" in shown
    assert "last answered yes to a lasting question" in shown
    hidden = Client().get(shared_url(without)).content.decode()
    assert "Safety questions" not in hidden and "answered yes" not in hidden


def test_alices_link_shows_alices_record_only(alice, bob, record):
    past_session(bob, timezone.now() - timedelta(days=2), pain_before=9, pain_after=8, notes="Bob")
    _, token = new_link(alice, include_notes=True)
    page = Client().get(shared_url(token)).content.decode()
    assert "9 → 8" not in page and ">Bob<" not in page
    assert page.count("<tr>") - page.count("<thead><tr>") >= 2


def test_a_deleted_session_is_gone_from_the_shared_page_and_pdf_at_once(signed_in, alice, record):
    _, token = new_link(alice, include_notes=True)
    assert "Stiff hips" in Client().get(shared_url(token)).content.decode()
    session = TrainingSession.objects.get(notes="Stiff hips")
    signed_in.post(reverse("history:delete", args=[session.pk]))
    assert "Stiff hips" not in Client().get(shared_url(token)).content.decode()
    assert "Stiff hips" not in pdf_text(Client().get(pdf_url(token)).content)


def test_deleting_the_account_deletes_its_links(signed_in, alice, record):
    _, token = new_link(alice)
    from tests.conftest import PASSWORD

    response = signed_in.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not ShareLink.objects.exists()
    assert Client().get(shared_url(token)).status_code == 404


def test_expired_revoked_and_unknown_links_get_the_same_404(alice, record):
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=8), tick=False):
        _, expired = new_link(alice, days=7)
    revoked_link, revoked = new_link(alice)
    revoked_link.revoke()
    _, working = new_link(alice)
    unknown = working[:-1] + ("A" if working[-1] != "A" else "B")
    bodies = set()
    for token in (
        expired,
        revoked,
        unknown,
        working[:20],
        working + "A",
        "%00",
        "x" * 43,
        "",
        "a/b",
    ):
        response = Client().get(f"/shared/{token}/")
        assert response.status_code == 404, token
        bodies.add(response.content)
    assert len(bodies) == 1  # the same words for every kind of dead link
    assert b"Alice" not in bodies.pop()


def test_share_urls_are_throttled_per_client(alice, record):
    _, token = new_link(alice)
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(throttles.SHARE_PER_IP.count):
        assert client.get(shared_url("y" * 43)).status_code == 404
    response = client.get(shared_url(token))  # even the right token, once over
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    # Another client is not held up.
    assert Client(REMOTE_ADDR="198.51.100.2").get(shared_url(token)).status_code == 200


@pytest.mark.slow  # 5 000 past sessions
def test_the_shared_page_costs_the_same_queries_for_0_and_5000_sessions(alice, bob, protocol):
    many_past_sessions(bob, 5000, with_plans=False)
    for person in (alice, bob):
        RedFlagScreening.objects.create(user=person, answers={RedFlag.CANCER.value: False})
        TrainingPreferences.objects.create(user=person, training_days=[1, 4])
    counts = []
    for person in (alice, bob):
        _, token = new_link(person, include_notes=True)
        Client().get(shared_url(token))
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(shared_url(token)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 6, counts


# --- The PDF ----------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_is_one_or_two_a4_pages_with_the_record(alice, record, tmp_path):
    from pypdf import PdfReader

    many_past_sessions(alice, 25)  # more than the 20 it lists
    _, token = new_link(alice, include_notes=True)
    response = Client().get(pdf_url(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="back-relief-record-')
    reader = PdfReader(io.BytesIO(response.content))
    assert 1 <= len(reader.pages) <= 2
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = pdf_text(response.content)
    assert "Training record of Alice A." in text
    assert "Protocols followed" in text and "Lower back relief" in text
    assert "Fine" in text  # a note, included
    assert "alice@example.com" not in text
    # Its first page as a picture (Debian's pdftoppm), for a person to look at.
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    print(f"PDF: {len(reader.pages)} pages, {len(response.content)} bytes")
    if os.environ.get("SCREENSHOTS_DIR"):  # make screenshots: the page beside the others
        shutil.copy(png, Path(os.environ["SCREENSHOTS_DIR"]) / "shared-record-pdf.png")
    assert png.stat().st_size > 10_000  # a drawn page, not a blank one
    from PIL import Image

    with Image.open(png) as image:
        assert image.size[1] > image.size[0]  # portrait
        assert image.convert("L").getextrema()[0] < 100  # some ink on it


def test_the_pdf_leaves_out_notes_and_safety_unless_included(alice, record):
    _, plain = new_link(alice, include_safety=False)
    text = pdf_text(Client().get(pdf_url(plain)).content)
    assert "Much looser" not in text and "Safety questions" not in text


def test_a_person_downloads_their_own_pdf_from_history(signed_in, alice, record):
    response = signed_in.get(OWN_PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Training record of Alice" in text and "Much looser" not in text
    chosen = signed_in.get(OWN_PDF, {"display_name": "A. Smith", "include_notes": "on"})
    text = pdf_text(chosen.content)
    assert "Training record of A. Smith" in text and "Much looser" in text
    assert "Safety questions" not in text  # unticked in a submitted form
    bad = signed_in.get(OWN_PDF, {"display_name": "a@b.c"})
    assert bad.status_code == 302 and bad["Location"] == LINKS


# --- The QR code --------------------------------------------------------------------


def test_the_qr_code_decodes_to_the_link():
    import segno
    import zxingcpp
    from PIL import Image

    url = "https://backrelief.example/shared/" + "A" * 43 + "/"
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "style=" not in svg and "<script" not in svg
    # The same symbol segno draws as SVG, as a picture, read by zxing-cpp.
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=4)
    buffer.seek(0)
    (found,) = zxingcpp.read_barcodes(Image.open(buffer))
    assert found.text == url
    assert found.format == zxingcpp.BarcodeFormat.QRCode


def test_the_pdf_stays_on_two_pages_with_long_notes_and_many_screenings(alice, protocol):
    from pypdf import PdfReader

    now = timezone.now()
    for day in range(25):
        past_session(alice, now - timedelta(days=day + 1), pain_before=5, pain_after=3,
                     notes="Tight hips and a stiff morning. " * 62, refresh=False)  # fmt: skip
    for number in range(12):
        answers = {flag.value: False for flag in RedFlag} | {RedFlag.CANCER.value: number == 0}
        RedFlagScreening.objects.create(user=alice, answers=answers)
    ClinicianClearance.objects.create(user=alice, cleared_on=timezone.localdate())
    _, token = new_link(alice, include_notes=True)
    response = Client().get(pdf_url(token))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) <= 2
    assert "Notes are cut at 80 characters" in pdf_text(response.content)
    # The page itself shows the notes whole.
    assert "Tight hips and a stiff morning. " * 62 in Client().get(
        shared_url(token)
    ).content.decode().replace("<br>", "")


def test_the_weeks_chart_draws_the_plan_line_and_scales_to_it():
    from sessions.charts import bar_chart

    chart = bar_chart([0, 1, 2], ["a", "b"], target=4)
    assert chart.target is not None and chart.target.value == 4
    top = 18  # charts.TOP: the plan, above every bar, is the top of the plot
    assert chart.target.y == top
    assert all(bar.y > chart.target.y for bar in chart.bars)
    assert bar_chart([0, 1, 2], ["a", "b"]).target is None
    # A plan below the tallest week sits on its own height, the bars scaled as before.
    lower = bar_chart([4, 2], ["a", "b"], target=2)
    assert lower.target.y == lower.bars[1].y


def test_the_own_pdf_asks_for_a_name_when_the_account_has_none(client, db):
    nameless = User.objects.create_user("pat@example.com", "a password of some length")
    client.force_login(nameless)
    response = client.get(OWN_PDF)
    assert response.status_code == 302 and response["Location"] == LINKS
    assert "Type the name your practitioner knows you by." in client.get(LINKS).content.decode()
