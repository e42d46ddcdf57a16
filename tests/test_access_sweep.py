"""Every URL, for nobody, its owner and someone else.

The sweep walks the URL configuration itself: a new URL fails
`test_every_url_is_classified` until it is added to one of the sets below,
so nobody ships a page without deciding who may see it.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from protocols.models import Exercise, Protocol
from sessions.models import ShareLink, TrainingPreferences, TrainingSession
from tests.conftest import clear_safety_gate

# Anyone may read these.
PUBLIC = {
    "protocols:home",
    "safety:public_disclaimer",
    "protocols:list",
    # A redirect to the featured protocol (the home page if none).
    "protocols:featured",
    "protocols:protocol",
    "protocols:exercise",
    "accounts:signup",
    "accounts:signup_sent",
    # A signed link in place of a login: anything else is a page saying it no longer works.
    "accounts:signup_complete",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "ops:service-worker",
    "ops:offline",
    # Coaches' photos and videos: shown on the public exercise pages.
    "protocols:media",
}
# A signed-in person's own pages, with no object in the URL.
SIGNED_IN = {
    "training_sessions:start",
    "training_sessions:start_protocol",
    "accounts:account",
    "accounts:delete",
    "accounts:password_change",
    "accounts:password_change_done",
    "safety:disclaimer",
    "safety:screening",
    "safety:screening_result",
    "safety:clearance",
    "history:list",
    "history:export_csv",
    "history:print",
    "history:settings",
    "sharing:links",
    "sharing:own_pdf",
}
# Pages of one session: its owner only; anyone else gets a 404.
OWNED = {
    "training_sessions:session",
    "training_sessions:end",
    "training_sessions:finish",
    "training_sessions:summary",
    "history:detail",
    "history:delete",
}
# Actions on one session, POST only: its owner only; anyone else gets a 404.
OWNED_ACTIONS = {
    "training_sessions:complete_step",
    "training_sessions:skip_step",
    "training_sessions:skip_exercise",
    "training_sessions:end_rest",
    # Revoking one's own share link (its id in the URL).
    "sharing:revoke",
}
# POST-only actions on one's own account: nobody is sent to log in.
# What an empty POST gets from each: a new calendar link (302), or, for Guide
# me's settings, "could not be saved" (400), since nothing was chosen.
SIGNED_IN_ACTIONS = {"history:reset_feed": 302, "training_sessions:guide_settings": 400}
# A secret link instead of a login (a calendar app cannot sign in): the
# right token is a 200, any other a 404, signed in or not. A share link
# (a practitioner has no account) is found by its token's hash.
TOKEN = {"history:calendar_feed", "shared:record", "shared:pdf"}
# Staff only: nobody is sent to log in, anyone else who is signed in gets a 404
# (a draft is not there for them), staff get the page.
STAFF = {"training_sessions:preview"}
# POST-only and harmless for anyone: logging out when not logged in just goes home.
ANYONE_ACTIONS = {"accounts:logout"}


def url_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django admin has its own staff login; tested on its own below
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
    return names


def test_every_url_is_classified():
    classified = (
        PUBLIC
        | SIGNED_IN
        | OWNED
        | OWNED_ACTIONS
        | set(SIGNED_IN_ACTIONS)
        | TOKEN
        | ANYONE_ACTIONS
        | STAFF
    )
    unclassified = url_names() - classified
    assert not unclassified, f"decide who may see these, then add them here: {unclassified}"
    assert not classified - url_names(), "classified names that no longer exist"


@pytest.fixture
def sample(alice, bob, protocol, disclaimer):
    clear_safety_gate(alice)
    clear_safety_gate(bob)
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), 3)
    preferences = TrainingPreferences.objects.create(user=alice, training_days=[0, 3])
    link, token = ShareLink.create_for(alice, label="physio", display_name="Alice", days=30)
    return {
        "history:calendar_feed": {"token": preferences.feed_token},
        "shared:record": {"token": token},
        "shared:pdf": {"token": token},
        "sharing:revoke": {"link_id": link.pk},
        "protocols:protocol": {"slug": protocol.slug},
        "training_sessions:start_protocol": {"slug": protocol.slug},
        "training_sessions:preview": {"slug": protocol.slug},
        "protocols:exercise": {"slug": Exercise.objects.first().slug},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "accounts:signup_complete": {"token": "not-a-token"},
        "protocols:media": {"name": stored_upload()},
        "session": {"session_id": session.pk},
    }


def stored_upload() -> str:
    """A file as the upload code names it, in the test's media folder."""
    return default_storage.save("coach/" + "0" * 32 + "-480w.webp", ContentFile(b"RIFF"))


def url_for(name, sample):
    kwargs = sample.get(name) or (sample["session"] if name in OWNED | OWNED_ACTIONS else {})
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_open_to_anyone(client, sample, name):
    response = client.get(url_for(name, sample), follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(SIGNED_IN | OWNED | STAFF))
def test_personal_pages_send_nobody_to_log_in(client, sample, name):
    response = client.get(url_for(name, sample))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "name", sorted(OWNED_ACTIONS | set(SIGNED_IN_ACTIONS) | {"training_sessions:end"})
)
def test_personal_actions_send_nobody_to_log_in(client, sample, name):
    response = client.post(url_for(name, sample))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", sorted(SIGNED_IN))
def test_signed_in_pages_open_to_their_person(client, alice, sample, name):
    client.force_login(alice)
    assert client.get(url_for(name, sample), follow=True).status_code == 200


@pytest.mark.parametrize("name", sorted(OWNED))
def test_owned_pages_open_to_their_owner(client, alice, sample, name):
    client.force_login(alice)
    assert client.get(url_for(name, sample), follow=True).status_code == 200


@pytest.mark.parametrize("name", sorted(OWNED))
def test_owned_pages_are_404_for_anyone_else(client, bob, sample, name):
    client.force_login(bob)
    assert client.get(url_for(name, sample)).status_code == 404


@pytest.mark.parametrize("name", sorted(OWNED_ACTIONS | {"training_sessions:end"}))
def test_owned_actions_are_404_for_anyone_else(client, bob, sample, name):
    client.force_login(bob)
    assert client.post(url_for(name, sample)).status_code == 404


@pytest.mark.parametrize("name", sorted(STAFF))
def test_staff_pages_are_404_for_people_and_open_to_staff(client, alice, coach, sample, name):
    client.force_login(alice)
    assert client.get(url_for(name, sample)).status_code == 404
    assert client.post(url_for(name, sample)).status_code == 404
    clear_safety_gate(coach)
    client.force_login(coach)
    assert client.get(url_for(name, sample)).status_code == 200


@pytest.mark.parametrize("name", sorted(ANYONE_ACTIONS))
def test_anyone_actions_take_posts_only(client, alice, sample, name):
    assert client.get(url_for(name, sample)).status_code == 405
    assert client.post(url_for(name, sample)).status_code == 302
    client.force_login(alice)
    assert client.post(url_for(name, sample)).status_code == 302


@pytest.mark.parametrize("name", sorted(SIGNED_IN_ACTIONS))
def test_signed_in_actions_work_for_their_person_by_post_only(client, alice, sample, name):
    client.force_login(alice)
    assert client.get(url_for(name, sample)).status_code == 405
    assert client.post(url_for(name, sample)).status_code == SIGNED_IN_ACTIONS[name]


@pytest.mark.parametrize("name", sorted(TOKEN))
def test_token_links_open_with_their_token_only(client, bob, sample, name):
    assert client.get(url_for(name, sample)).status_code == 200
    client.force_login(bob)  # signing in as someone else changes nothing
    assert client.get(url_for(name, sample)).status_code == 200
    wrong = dict.fromkeys(sample[name], "not-the-token")
    assert client.get(reverse(name, kwargs=wrong)).status_code == 404


def test_admin_asks_nobody_and_non_staff_to_log_in_as_staff(client, alice, sample):
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    client.force_login(alice)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
