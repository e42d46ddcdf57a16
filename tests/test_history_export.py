"""Export: the CSV download (read back and compared) and the printable summary."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.history_views import _spreadsheet_safe
from sessions.models import TrainingPreferences
from tests.history_helpers import many_past_sessions, past_session

CSV_URL = reverse("history:export_csv")
PRINT_URL = reverse("history:print")
HEADER = [
    "date",
    "session",
    "status",
    "circuit",
    "round",
    "exercises",
    "skipped",
    "completed at (UTC)",
    "pain before",
    "pain after",
    "notes",
    "protocol",
]


def download(client) -> tuple[object, list[list[str]]]:
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # a byte-order mark, for Excel
    return response, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# --- CSV ----------------------------------------------------------------------------


def test_the_csv_is_an_attachment_with_a_header_row(signed_in):
    response, rows = download(signed_in)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="back-relief-')
    assert rows == [HEADER]


def test_one_row_per_completed_round_with_the_sessions_facts(signed_in, alice, protocol):
    started = datetime(2026, 3, 2, 7, 0, tzinfo=ZoneInfo("UTC"))
    full = past_session(alice, started, pain_before=6, pain_after=3, notes="Hips loose")
    short = past_session(alice, started + timedelta(days=1), rounds=2, pain_before=4)
    _, rows = download(signed_in)
    header, *data = rows
    assert header == HEADER
    assert len(data) == 11
    first = dict(zip(header, data[0], strict=True))
    assert first == {
        "date": "2026-03-02",
        "session": str(full.pk),
        "status": "Finished",
        "circuit": "1",
        "round": "1",
        "exercises": "1a Side Lying Thoracic Sweep (5 reps each side); "
        "1b Hip CARs (controlled articular rotations) (3 reps each way on each leg)",
        "skipped": "",
        "completed at (UTC)": "2026-03-02 07:02:00",
        "pain before": "6",
        "pain after": "3",
        "notes": "Hips loose",
        "protocol": "Lower back relief",
    }
    assert [(row[3], row[4]) for row in data[:9]] == [
        (str(c), str(r)) for c in (1, 2, 3) for r in (1, 2, 3)
    ]
    last = dict(zip(header, data[-1], strict=True))
    assert (last["session"], last["status"], last["round"]) == (str(short.pk), "Ended early", "2")
    assert (last["pain before"], last["pain after"], last["notes"]) == ("4", "", "")


def test_a_session_without_rounds_still_has_a_row(signed_in, alice, protocol):
    session = past_session(alice, timezone.now(), rounds=0, pain_before=7, notes="Too sore")
    _, (_, row) = download(signed_in)
    assert row[1] == str(session.pk)
    assert (row[3], row[4], row[6], row[7]) == ("", "", "", "")
    assert (row[8], row[10]) == ("7", "Too sore")


def test_times_are_in_the_users_zone_and_say_which(client, alice, protocol):
    TrainingPreferences.objects.create(user=alice, time_zone="America/New_York")
    client.force_login(alice)
    past_session(alice, datetime(2026, 3, 3, 2, 0, tzinfo=ZoneInfo("UTC")))
    _, (header, row, *_) = download(client)
    assert header[7] == "completed at (America/New_York)"
    assert row[0] == "2026-03-02"  # 21:00 the evening before, in New York
    assert row[7] == "2026-03-02 21:02:00"


@pytest.mark.parametrize(
    "notes",
    ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_notes_cannot_become_spreadsheet_formulas(signed_in, alice, protocol, notes):
    past_session(alice, timezone.now(), rounds=1, notes=notes)
    _, (_, row) = download(signed_in)
    assert row[10] == "'" + notes


def test_harmless_text_and_numbers_are_left_alone():
    assert _spreadsheet_safe("Felt good - less stiff") == "Felt good - less stiff"
    assert _spreadsheet_safe("") == ""
    assert _spreadsheet_safe(5) == 5
    assert _spreadsheet_safe(None) is None


def test_notes_with_commas_quotes_newlines_and_accents_survive(signed_in, alice, protocol):
    notes = 'Stiff, then "loose"\nCafé après'
    past_session(alice, timezone.now(), rounds=1, notes=notes)
    _, (_, row) = download(signed_in)
    assert row[10] == notes


def test_a_long_export_is_sent_in_pieces_as_it_is_read(signed_in, alice, protocol):
    many_past_sessions(alice, 300)
    response = signed_in.get(CSV_URL)
    chunks = list(response.streaming_content)
    assert len(chunks) > 10  # 2,700 rounds, a couple of hundred lines at a time
    assert max(len(chunk) for chunk in chunks) < 100_000
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert len(rows) == 1 + 300 * 9


def test_the_csv_holds_only_the_users_own_sessions(client, alice, bob, protocol):
    past_session(alice, timezone.now(), notes="Alice's")
    past_session(bob, timezone.now(), notes="Bob's")
    client.force_login(bob)
    _, rows = download(client)
    assert {row[10] for row in rows[1:]} == {"Bob's"}


# --- Printable summary ------------------------------------------------------------------


def test_the_print_page_lists_sessions_for_a_clinician(signed_in, alice, protocol):
    now = timezone.now()
    past_session(alice, now - timedelta(days=1), pain_before=6, pain_after=3, notes="Hips loose")
    past_session(alice, now, rounds=3, pain_before=5, pain_after=4)
    response = signed_in.get(PRINT_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Back Relief training record" in content
    assert "alice@example.com" in content
    assert "9 of 9" in content and "3 of 9 (ended early)" in content
    assert "6 → 3" in content and "5 → 4" in content
    assert "Hips loose" in content
    assert "<dt>Average pain change</dt><dd>2 points less</dd>" in content
    assert 'href="/static/css/print.css" media="print"' in content
    assert content.count('role="img"') == 2


def test_the_print_page_can_show_recent_weeks_only(signed_in, alice, protocol):
    now = timezone.now()
    past_session(alice, now - timedelta(weeks=8), notes="Eight weeks ago")
    past_session(alice, now - timedelta(days=3), notes="This week or last")
    recent = signed_in.get(PRINT_URL, {"weeks": "4"}).content.decode()
    assert "This week or last" in recent and "Eight weeks ago" not in recent
    assert "Sessions since" in recent
    everything = signed_in.get(PRINT_URL).content.decode()
    assert "Eight weeks ago" in everything and "Every session" in everything


@pytest.mark.parametrize("weeks", ["abc", "-1", "9999", ""])
def test_a_bad_period_prints_everything(signed_in, alice, protocol, weeks):
    past_session(alice, timezone.now() - timedelta(weeks=30), notes="Long ago")
    response = signed_in.get(PRINT_URL, {"weeks": weeks})
    assert response.status_code == 200
    assert "Long ago" in response.content.decode()


def test_the_print_page_shows_only_the_users_own_sessions(client, alice, bob, protocol):
    past_session(alice, timezone.now(), notes="Alice's note")
    client.force_login(bob)
    content = client.get(PRINT_URL).content.decode()
    assert "Alice" not in content
    assert "bob@example.com" in content
    assert "No sessions in this period" in content


def test_the_print_stylesheet_hides_the_site_around_the_record():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "print.css").read_text()
    for hidden in (".site-header", ".site-footer", ".no-print", "button", ".btn"):
        assert hidden in css.split("display: none")[0]
