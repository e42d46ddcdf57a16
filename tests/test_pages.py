"""The public pages: landing, protocol, exercises and disclaimer."""

import pytest
from django.urls import reverse

from protocols.models import Exercise, Protocol

HOME = reverse("protocols:home")


def test_landing_explains_the_protocol(client, protocol):
    response = client.get(HOME)
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("3</strong> circuits", "7</strong> exercises", "9</strong> rounds"):
        assert text in content
    assert "about <strong>25</strong> minutes" in content
    for exercise in Exercise.objects.all():
        assert exercise.name.replace("'", "&#x27;") in content
        assert exercise.get_absolute_url() in content
    assert "5 reps each side" in content


def test_landing_shows_the_disclaimer_and_referral(client, protocol, settings):
    settings.REFERRAL_URL = "https://practitioners.example/find"
    content = client.get(HOME).content.decode()
    assert "This is not medical advice" in content
    assert "see a qualified provider" in content
    assert 'href="https://practitioners.example/find" target="_blank" rel="noopener"' in content


def test_landing_without_a_protocol_says_what_to_do(client, no_protocol):
    response = client.get(HOME)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There are no exercises to follow yet" in content
    assert "make seed" not in content  # no operator's jargon on a public page


def test_landing_costs_five_queries_for_a_visitor(client, protocol, django_assert_num_queries):
    client.get(HOME)
    with django_assert_num_queries(5):  # the protocol's three, the disclaimer, the referral link
        client.get(HOME)


def test_landing_costs_five_queries_signed_in(client, alice, protocol, django_assert_num_queries):
    client.force_login(alice)
    client.get(HOME)  # the disclaimer and referral link are kept for the site version from then on
    # The login session, their row (which carries that version), and the protocol's three.
    with django_assert_num_queries(5):
        client.get(HOME)


def test_protocol_page_lists_circuits_and_exercises(client, protocol):
    response = client.get(protocol.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Circuit 1" in content and "Circuit 3" in content
    assert "21 steps in 9 rounds" in content
    assert "numbness or tingling" in content


@pytest.mark.parametrize("label", ["1a", "1b", "2a", "2b", "3a", "3b", "3c"])
def test_each_exercise_has_its_own_page(client, protocol, label):
    exercise = Exercise.objects.get(label=label)
    response = client.get(exercise.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert f"rounds of {exercise.prescription}" in content
    for step in exercise.how_to_steps:
        assert step.replace("'", "&#x27;") in content
    assert "When to stop" in content


def test_exercise_pages_link_to_their_neighbours(client, protocol):
    content = client.get(Exercise.objects.get(label="1b").get_absolute_url()).content.decode()
    assert 'href="/exercises/side-lying-thoracic-sweep/" rel="prev"' in content
    assert 'href="/exercises/cross-tension-deadbugs/" rel="next"' in content


def test_a_retired_exercise_page_says_so(client, protocol):
    Exercise.objects.filter(label="3c").update(is_active=False)
    response = client.get(Exercise.objects.get(label="3c").get_absolute_url())
    assert response.status_code == 200
    assert "retired" in response.content.decode()


def test_disclaimer_page(client, db):
    """The migrations' current version: what the app is not, "immediately", the signs by name."""
    response = client.get(reverse("safety:public_disclaimer"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "not medical advice" in content
    assert "This app is not your doctor or physio" in content
    assert "immediately" in content
    assert "other symptoms" not in content and "people who made this app" not in content
    for sign in ("bladder or bowels", "both legs", "leg weakness", "emergency department"):
        assert sign in content
    assert "Or see your own doctor or physio." in content


@pytest.mark.parametrize(
    "url",
    [
        "/protocols/no-such-protocol/",
        "/exercises/no-such-exercise/",
        "/exercises/%E2%9C%93/",
        "/nothing-here/",
    ],
)
def test_unknown_pages_are_404(client, protocol, url):
    assert client.get(url).status_code == 404


def test_every_page_has_the_footer_referral(client, protocol):
    urls = [HOME, protocol.get_absolute_url(), reverse("safety:public_disclaimer")]
    urls += [e.get_absolute_url() for e in Exercise.objects.all()]
    for url in urls:
        content = client.get(url).content.decode()
        assert "Find a skilled practitioner" in content, url
        assert 'rel="noopener"' in content, url


def test_the_protocol_page_says_how_to_move_and_what_to_bring(client, protocol):
    content = client.get(protocol.get_absolute_url()).content.decode()
    assert "start with your easier side, breathe out as you turn, open, reach or lower" in content
    assert "One rep is one whole movement, there and back." in content
    assert "a wall or a sturdy chair" in content
    assert "about 25 minutes" in content
    assert "(lying on your back, not the kneeling Nordic curl)" in content


def test_the_summary_says_what_it_is_designed_to_do_not_that_it_works(client, protocol):
    content = client.get(reverse("protocols:home")).content.decode()
    assert "designed to get your upper back and hips moving" in content
    assert "no longer has to cover" not in content


def test_featured_leads_to_the_featured_protocol_or_home(client, protocol):
    assert client.get(reverse("protocols:featured"))["Location"] == protocol.get_absolute_url()
    Protocol.objects.update(status="draft")
    assert client.get(reverse("protocols:featured"))["Location"] == reverse("protocols:home")
