"""The public pages: landing, protocol, exercises and disclaimer."""

import pytest
from django.urls import reverse

from protocols.models import Exercise

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


def test_landing_without_a_protocol_says_what_to_do(client, db):
    response = client.get(HOME)
    assert response.status_code == 200
    assert "make seed" in response.content.decode()


def test_landing_costs_three_queries(client, protocol, django_assert_num_queries):
    client.get(HOME)  # the disclaimer and referral link are cached from then on
    with django_assert_num_queries(3):
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
    response = client.get(reverse("protocols:disclaimer"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "not medical advice" in content
    assert "doctors or physiotherapists" in content


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
    urls = [HOME, protocol.get_absolute_url(), reverse("protocols:disclaimer")]
    urls += [e.get_absolute_url() for e in Exercise.objects.all()]
    for url in urls:
        content = client.get(url).content.decode()
        assert "Find a skilled practitioner" in content, url
        assert 'rel="noopener"' in content, url
