"""Sharing in Debian's chromium: a link made on a phone, opened on a laptop, then revoked.

Alice makes a link from History on her phone and shows its QR code (read
back from a screenshot of the phone's screen); a practitioner opens it on
a laptop without an account, reads the record and downloads the PDF; after
alice revokes it, the same address is the calm 404. axe checks each screen.
"""

from __future__ import annotations

import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safety.models import RedFlag, RedFlagScreening
from sessions.models import ShareLink, TrainingPreferences
from tests.conftest import assert_no_horizontal_scroll, axe_violations, sign_in
from tests.history_helpers import past_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# `make screenshots` sets this to docs/screenshots to refresh the README's pictures.
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")
DESKTOP = {"width": 1280, "height": 900}


def save_screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / name, full_page=True)


def a_history(user) -> None:
    """Eight sessions over three weeks with pain ratings, notes, a plan and a screening."""
    now = timezone.now()
    for day, (before, after) in enumerate([(7, 5), (6, 5), (6, 4), (5, 4), (5, 3), (4, 3),
                                           (4, 2), (3, 2)]):  # fmt: skip
        past_session(
            user,
            now - timedelta(days=21 - 3 * day),
            pain_before=before,
            pain_after=after,
            notes="Left hip tight" if day % 3 == 0 else "",
            refresh=day == 7,
        )
    TrainingPreferences.objects.create(user=user, training_days=[0, 2, 4], time_zone="UTC")
    RedFlagScreening.objects.create(user=user, answers={flag.value: False for flag in RedFlag})


def decoded_qr(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_a_link_made_on_a_phone_opens_on_a_laptop_until_it_is_revoked(
    page, browser, live_server, alice, protocol, tmp_path
):
    a_history(alice)
    sign_in(page, live_server, alice)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    page.goto("/history/")
    page.get_by_role("link", name="Share with a practitioner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share with a practitioner")
    form = page.get_by_role("region", name="A new link")
    expect(form.get_by_label("30 days")).to_be_checked()
    expect(form.get_by_label("Include my notes")).not_to_be_checked()
    expect(form.get_by_label("Include my safety-question answers")).to_be_checked()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_text("Please check the highlighted fields")).to_be_visible()
    assert axe_violations(page) == []

    form.get_by_label("Who is it for?").fill("physio, March")
    form.get_by_label("Name to show on it").fill("Alice Martin")
    form.get_by_label("Include my notes").check()
    page.get_by_role("button", name="Make the link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your link is ready")
    url = page.get_by_role("textbox", name="The link").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/shared/[A-Za-z0-9_-]{{43}}/", url)
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    qr = page.get_by_role("img", name="QR code of the link")
    qr.scroll_into_view_if_needed()
    assert decoded_qr(qr.screenshot()) == [url]  # what the phone shows is the link
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    save_screenshot(page, "share-created.png")

    page.get_by_role("link", name="Done").click()
    expect(page.locator(".share-link-item")).to_have_count(1)
    expect(page.locator(".share-link-item")).to_contain_text("Opened0 times")

    # A practitioner's laptop: no account, no cookie of alice's.
    laptop = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, reduced_motion="reduce"
    )
    clinic = laptop.new_page()
    response = clinic.goto(url)
    assert (
        response.headers["cache-control"].startswith("no-store")
        or "no-store" in (response.headers["cache-control"])
    )
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(clinic.get_by_role("heading", level=1)).to_have_text("Training record of Alice Martin")
    expect(clinic.get_by_text("alice@example.com")).to_have_count(0)
    expect(clinic.get_by_text("Left hip tight").first).to_be_visible()
    expect(clinic.get_by_role("img", name=re.compile("^Sessions per week"))).to_be_visible()
    expect(
        clinic.get_by_role("img", name=re.compile("^Pain before and after their last 8"))
    ).to_be_visible()
    assert axe_violations(clinic) == []
    save_screenshot(clinic, "shared-desktop.png")
    with clinic.expect_download() as download:
        clinic.get_by_role("link", name="Download as PDF").click()
    pdf = tmp_path / "record.pdf"
    download.value.save_as(pdf)
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert 1 <= len(reader.pages) <= 2
    assert "Training record of Alice Martin" in reader.pages[0].extract_text()

    # The same record on the phone, as the person sees what they shared.
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Training record of Alice Martin")
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    save_screenshot(page, "shared-phone.png")

    page.goto("/history/share/")
    expect(page.locator(".share-link-item")).to_contain_text("Opened3 times")
    assert axe_violations(page) == []
    save_screenshot(page, "share-links.png")
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("no longer works")).to_be_visible()
    expect(page.locator(".share-link-item .badge")).to_have_text("Revoked")
    assert ShareLink.objects.get().is_revoked

    response = clinic.goto(url)
    assert response.status == 404
    expect(clinic.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(clinic.get_by_text("Alice")).to_have_count(0)
    assert axe_violations(clinic) == []
    laptop.close()
