"""Log in and log out, with Django's views in our templates."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")


def test_the_login_page_asks_for_email_and_password(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="email"' in content
    assert 'autocomplete="current-password"' in content
    assert "Forgot your password?" in content


def test_logging_in_with_any_case_of_the_address(client, alice):
    response = client.post(LOGIN, {"username": "Alice@Example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("protocols:home")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_lookalike_of_the_address_is_another_address(client, alice):
    """PostgreSQL's UPPER() turns a dotless i into I; the address must still match as stored."""
    response = client.post(LOGIN, {"username": "al\u0131ce@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logging_in_goes_on_to_a_next_page_on_this_site(client, alice):
    response = client.post(
        LOGIN, {"username": alice.email, "password": PASSWORD, "next": "/account/"}
    )
    assert response["Location"] == "/account/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "http:///evil.example/"]
)
def test_logging_in_ignores_a_next_page_on_another_site(client, alice, next_url):
    response = client.post(LOGIN, {"username": alice.email, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("protocols:home")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "password": ""}, "This field is required."),
        ({"username": "alice@example.com", "password": "wrong"}, "match an account"),
        ({"username": "nobody@example.com", "password": PASSWORD}, "match an account"),
        ({"username": "a" * 300, "password": PASSWORD}, "at most 254 characters"),
    ],
)
def test_bad_input_gets_a_clear_message_on_the_form(client, alice, data, message):
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_user_visiting_login_goes_on(client, alice):
    client.force_login(alice)
    assert client.get(LOGIN)["Location"] == reverse("protocols:home")


def test_logging_out_takes_a_post_and_says_so(client, alice):
    client.force_login(alice)
    response = client.post(LOGOUT, follow=True)
    assert response.redirect_chain == [(reverse("protocols:home"), 302)]
    assert "You have logged out." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logging_out_by_get_is_not_allowed(client, alice):
    client.force_login(alice)
    assert client.get(LOGOUT).status_code == 405
    assert "_auth_user_id" in client.session


def test_the_menu_shows_account_and_log_out_when_signed_in(client, alice, protocol):
    client.force_login(alice)
    content = client.get(reverse("protocols:home")).content.decode()
    assert reverse("accounts:account") in content
    assert f'action="{LOGOUT}"' in content
    assert reverse("accounts:signup") not in content


def test_the_menu_shows_sign_up_and_log_in_when_signed_out(client, protocol):
    content = client.get(reverse("protocols:home")).content.decode()
    assert f'href="{reverse("accounts:signup")}"' in content
    assert f'href="{LOGIN}"' in content
    assert LOGOUT not in content


def test_a_form_without_its_csrf_token_gets_our_403_page(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 403
    content = response.content.decode()
    assert "Please try that again" in content
    assert "nothing was saved" in content
    assert "Find a skilled practitioner" in content  # our page, in our layout
    assert "_auth_user_id" not in client.session
