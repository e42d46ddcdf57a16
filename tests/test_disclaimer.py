"""The disclaimer lives in the database, versioned; users acknowledge the current version."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from safety.gate import safety_redirect
from safety.models import Disclaimer, DisclaimerAcknowledgement
from tests.conftest import clear_safety_gate

DISCLAIMER = reverse("safety:disclaimer")


def acknowledge(client, disclaimer: Disclaimer, **extra):
    return client.post(DISCLAIMER, {"understood": "on", "version": disclaimer.version} | extra)


def publish(version: int, text: str = "Version text.") -> Disclaimer:
    return Disclaimer.objects.create(version=version, text=text, published=True)


def test_a_migration_publishes_the_first_version(db):
    first = Disclaimer.objects.get(version=1)
    assert first.published
    assert "not medical advice" in first.text
    assert "doctors or physiotherapists" in first.text
    assert "see a qualified provider" in first.text


def test_the_current_disclaimer_is_the_highest_published_version(disclaimer):
    publish(2)
    Disclaimer.objects.create(version=3, text="A draft.", published=False)
    assert Disclaimer.objects.current().version == 2


def test_a_new_disclaimer_gets_the_next_version_number(disclaimer):
    assert Disclaimer.objects.create(text="Next.").version == disclaimer.version + 1


def test_the_page_needs_a_login(client, disclaimer):
    response = client.get(DISCLAIMER)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_shows_the_current_text_and_the_referral(client, alice, disclaimer, settings):
    settings.REFERRAL_URL = "https://practitioners.example/find"
    publish(2, "Second wording.\n\nWith serious pain, see a qualified provider.")
    client.force_login(alice)
    content = client.get(DISCLAIMER).content.decode()
    assert "<p>Second wording.</p>" in content
    assert "(version 2)" in content
    assert 'href="https://practitioners.example/find" target="_blank" rel="noopener"' in content
    assert 'name="understood"' in content


def test_confirming_records_user_version_and_time(client, alice, disclaimer, protocol):
    client.force_login(alice)
    response = acknowledge(client, disclaimer, next="/exercises/hip-cars/")
    acknowledgement = DisclaimerAcknowledgement.objects.get()
    assert (acknowledgement.user, acknowledgement.disclaimer) == (alice, disclaimer)
    assert acknowledgement.acknowledged_at is not None
    # Never screened: the gate's next step, still heading for the page asked for.
    assert response["Location"] == (
        f"{reverse('safety:screening')}?next=%2Fexercises%2Fhip-cars%2F"
    )


def test_confirming_twice_records_once(client, alice, disclaimer):
    client.force_login(alice)
    acknowledge(client, disclaimer)
    acknowledge(client, disclaimer)
    assert DisclaimerAcknowledgement.objects.count() == 1


def test_an_acknowledged_version_shows_when_and_no_form(client, alice, disclaimer):
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    client.force_login(alice)
    content = client.get(DISCLAIMER).content.decode()
    assert "You confirmed this version on" in content
    assert 'name="understood"' not in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": "1"}, "Tick the box to confirm you have read the disclaimer."),
        ({"understood": "on", "version": "abc"}, "updated while you were reading it"),
        ({"understood": "on"}, "updated while you were reading it"),
    ],
)
def test_bad_input_gets_a_clear_message(client, alice, disclaimer, data, message):
    client.force_login(alice)
    response = client.post(DISCLAIMER, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DisclaimerAcknowledgement.objects.exists()


def test_a_version_published_while_reading_is_not_acknowledged_unseen(client, alice, disclaimer):
    client.force_login(alice)
    newer = publish(2, "The newer wording.")
    response = acknowledge(client, disclaimer)
    assert response.status_code == 200
    assert "updated while you were reading it" in response.content.decode()
    assert "The newer wording." in response.content.decode()
    assert not DisclaimerAcknowledgement.objects.filter(disclaimer=newer).exists()


def test_bumping_the_version_asks_again_and_keeps_old_acknowledgements(
    client, alice, disclaimer, rf
):
    client.force_login(alice)
    acknowledge(client, disclaimer)
    alice.refresh_from_db()  # as the next request loads her
    request = rf.get("/session/")
    request.user = alice
    assert "disclaimer" not in safety_redirect(request)["Location"]  # on to the screen

    second = publish(2, "New wording.")
    response = safety_redirect(request)
    assert response["Location"] == f"{DISCLAIMER}?next=%2Fsession%2F"

    acknowledge(client, second)
    versions = alice.acknowledgements.values_list("disclaimer__version", flat=True)
    assert sorted(versions) == [1, 2]


def test_an_acknowledged_version_cannot_be_deleted(alice, disclaimer):
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    with pytest.raises(ProtectedError):
        disclaimer.delete()


def test_with_nothing_published_the_page_says_sessions_are_paused(client, alice, db):
    Disclaimer.objects.update(published=False)
    client.force_login(alice)
    response = client.get(DISCLAIMER)
    assert response.status_code == 200
    content = response.content.decode()
    assert "guided sessions are paused" in content
    assert "This is not medical advice." in content  # the built-in wording, to read
    assert acknowledge(client, Disclaimer.objects.get(version=1)).status_code == 200
    assert not DisclaimerAcknowledgement.objects.exists()


# --- The public pages show the same text --------------------------------------


def test_the_public_pages_show_the_current_text(client, protocol, disclaimer):
    publish(2, "A clearer wording from the coach.")
    for url in (reverse("protocols:home"), reverse("safety:public_disclaimer")):
        assert "A clearer wording from the coach." in client.get(url).content.decode(), url


def test_the_public_pages_fall_back_to_built_in_words(client, protocol):
    Disclaimer.objects.update(published=False)
    for url in (reverse("protocols:home"), reverse("safety:public_disclaimer")):
        content = client.get(url).content.decode()
        assert "This is not medical advice." in content, url
        assert "see a qualified provider" in content, url


def test_the_text_is_escaped(client, protocol, disclaimer):
    publish(2, "<script>alert(1)</script>")
    content = client.get(reverse("safety:public_disclaimer")).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;" in content


def test_a_published_change_shows_at_once(client, protocol, disclaimer):
    client.get(reverse("safety:public_disclaimer"))  # now cached
    disclaimer.text = "Edited before anyone acknowledged it."
    disclaimer.save()
    assert (
        "Edited before anyone" in client.get(reverse("safety:public_disclaimer")).content.decode()
    )


def test_the_public_disclaimer_page_reads_its_rows_for_a_visitor(
    client, disclaimer, django_assert_num_queries
):
    client.get(reverse("safety:public_disclaimer"))
    with django_assert_num_queries(2):  # the disclaimer, the referral link
        client.get(reverse("safety:public_disclaimer"))


def test_the_public_disclaimer_page_reads_no_row_for_a_signed_in_person_once_kept(
    client, alice, disclaimer, django_assert_num_queries
):
    client.force_login(alice)
    client.get(reverse("safety:public_disclaimer"))
    # Their login session, and their row, which carries the site version.
    with django_assert_num_queries(2):
        client.get(reverse("safety:public_disclaimer"))


def test_a_new_version_published_by_another_process_is_asked_for_at_once(
    client, alice, disclaimer, protocol
):
    """Another process kept version 1 for the site version it saw; the next request
    loads alice's row, whose version the publication moved on."""
    import safety.models

    clear_safety_gate(alice)
    client.force_login(alice)
    assert client.get(reverse("training_sessions:start")).status_code == 200
    kept_elsewhere = safety.models._site_rows
    assert kept_elsewhere is not None and kept_elsewhere[1].disclaimer == disclaimer
    second = publish(2, "Second wording.")
    safety.models._site_rows = kept_elsewhere  # as a process that did not publish holds it
    response = client.get(reverse("training_sessions:start"))
    assert response["Location"].startswith(reverse("safety:disclaimer"))
    assert "Second wording." in client.get(response["Location"]).content.decode()
    assert "Second wording." in client.get(reverse("safety:public_disclaimer")).content.decode()
    assert second.version == 2


# --- Unpublishing a version ------------------------------------------------------


def test_unpublishing_the_newest_version_leaves_those_who_read_both_through(
    client, alice, disclaimer, protocol
):
    clear_safety_gate(alice)
    second = publish(2, "Second wording.")
    client.force_login(alice)
    acknowledge(client, second)
    second.published = False  # a coach takes the new wording back
    second.save()
    response = client.get(reverse("training_sessions:start"))
    assert response.status_code == 200


def test_who_read_only_the_newest_version_is_asked_for_the_current_one(client, alice, disclaimer):
    second = publish(2, "Second wording.")
    client.force_login(alice)
    acknowledge(client, second)
    second.published = False
    second.save()
    response = client.get(reverse("training_sessions:start"))
    assert response["Location"] == f"{DISCLAIMER}?next=%2Fsession%2F"
    content = client.get(response["Location"]).content.decode()
    assert 'name="understood"' in content  # version 1 to confirm, not "you confirmed"
    acknowledge(client, disclaimer)
    alice.refresh_from_db()
    assert alice.acknowledged_disclaimer_versions == [1, 2]
