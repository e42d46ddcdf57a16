"""The referral link: the admin's site configuration where filled in, else the environment."""

import pytest
from django.urls import reverse

from safety.models import DisclaimerAcknowledgement, RedFlagScreening, SiteConfiguration

HOME = reverse("protocols:home")


def test_without_a_configuration_the_settings_apply(client, protocol, settings):
    settings.REFERRAL_URL = "https://from-env.example/"
    settings.REFERRAL_NAME = "Env Directory"
    content = client.get(HOME).content.decode()
    assert 'href="https://from-env.example/" target="_blank" rel="noopener"' in content
    assert "Env Directory" in content


def test_the_admins_values_win_where_filled_in(client, protocol, settings):
    settings.REFERRAL_NAME = "Env Directory"
    SiteConfiguration.objects.create(referral_url="https://from-admin.example/")
    content = client.get(HOME).content.decode()
    assert 'href="https://from-admin.example/"' in content
    assert "Env Directory" in content  # the name was left blank


def test_a_saved_change_shows_at_once(client, protocol):
    client.get(HOME)  # cached now
    SiteConfiguration(referral_url="https://changed.example/", referral_name="Changed").save()
    content = client.get(HOME).content.decode()
    assert 'href="https://changed.example/"' in content
    assert "Changed" in content


def test_there_is_only_ever_one_row(db):
    SiteConfiguration(referral_name="One").save()
    SiteConfiguration(referral_name="Two").save()
    assert list(SiteConfiguration.objects.values_list("pk", "referral_name")) == [(1, "Two")]


def test_the_referral_costs_no_query_once_kept(client, alice, protocol, django_assert_num_queries):
    SiteConfiguration.objects.create(referral_url="https://from-admin.example/")
    client.force_login(alice)
    client.get(protocol.get_absolute_url())
    # Their login session and row (which carries the site version), then the
    # protocol's own: circuits, exercises.
    with django_assert_num_queries(4):
        client.get(reverse("protocols:exercise", args=["hip-cars"]))


def test_a_visitor_reads_the_referral_each_time(client, protocol, django_assert_num_queries):
    SiteConfiguration.objects.create(referral_url="https://from-admin.example/")
    client.get(protocol.get_absolute_url())
    with django_assert_num_queries(3):  # circuits, exercises, the site configuration
        client.get(reverse("protocols:exercise", args=["hip-cars"]))


def test_a_change_made_by_another_process_shows_on_the_next_request(client, alice, protocol):
    import safety.models

    SiteConfiguration.objects.create(referral_url="https://before.example/")
    client.force_login(alice)
    assert "https://before.example/" in client.get(HOME).content.decode()
    kept_elsewhere = safety.models._site_rows
    SiteConfiguration(referral_url="https://after.example/").save()
    safety.models._site_rows = kept_elsewhere  # as a process that did not save it holds it
    assert "https://after.example/" in client.get(HOME).content.decode()


# --- Admin ---------------------------------------------------------------------------


def test_a_coach_edits_the_referral_in_admin(client, coach, protocol):
    client.force_login(coach)
    response = client.post(
        reverse("admin:safety_siteconfiguration_add"),
        {"referral_url": "https://clinic.example/find", "referral_name": "Our Clinic"},
    )
    assert response.status_code == 302
    assert 'href="https://clinic.example/find"' in client.get(HOME).content.decode()
    # One row: no second "add", and no delete.
    assert client.get(reverse("admin:safety_siteconfiguration_add")).status_code == 403
    delete = reverse("admin:safety_siteconfiguration_delete", args=[1])
    assert client.get(delete).status_code == 403


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example/", "not a url"])
def test_the_admin_refuses_links_that_are_not_web_pages(client, coach, url):
    client.force_login(coach)
    response = client.post(
        reverse("admin:safety_siteconfiguration_add"), {"referral_url": url, "referral_name": ""}
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not SiteConfiguration.objects.exists()


def test_a_coach_publishes_a_new_disclaimer_version_in_admin(client, coach, disclaimer):
    client.force_login(coach)
    response = client.post(
        reverse("admin:safety_disclaimer_add"),
        {"version": 2, "text": "New wording.", "published": "on"},
    )
    assert response.status_code == 302
    assert disclaimer.__class__.objects.current().text == "New wording."


def test_an_acknowledged_disclaimer_is_read_only_in_admin(client, coach, alice, disclaimer):
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    client.force_login(coach)
    url = reverse("admin:safety_disclaimer_change", args=[disclaimer.pk])
    content = client.get(url).content.decode()
    assert 'name="text"' not in content
    assert 'name="published"' in content
    delete = reverse("admin:safety_disclaimer_delete", args=[disclaimer.pk])
    assert client.get(delete).status_code == 403


def test_coaches_see_but_never_change_screenings(client, coach, alice):
    screening = RedFlagScreening.objects.create(user=alice, answers={"night_pain": True})
    client.force_login(coach)
    url = reverse("admin:safety_redflagscreening_change", args=[screening.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="any_yes"' not in response.content.decode()
    assert client.post(url, {"any_yes": ""}).status_code == 403
    assert client.get(reverse("admin:safety_redflagscreening_add")).status_code == 403


def test_other_users_cannot_open_the_screenings_admin(client, bob):
    client.force_login(bob)
    response = client.get(reverse("admin:safety_redflagscreening_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_new_user_catches_up_with_a_site_write_that_missed_their_row(
    db, django_capture_on_commit_callbacks
):
    import time

    from accounts.models import User

    User.objects.create_user("earlier@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        new = User.objects.create_user("new@example.com")
        # Another transaction's write moved everyone on but could not see this row yet.
        later = time.time_ns()
        User.objects.exclude(pk=new.pk).update(site_version=later)
    new.refresh_from_db()
    assert new.site_version == later
