"""Password reset by email, with Django's views in our templates."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "a brand new horse battery"


def request_reset(client, email: str):
    return client.post(RESET, {"email": email}, follow=True)


def reset_link() -> str:
    (message,) = mail.outbox
    return re.search(r"http://testserver(/account/password/reset/\S+/)", message.body).group(1)


def test_the_reset_page_asks_for_the_email_address(client, db):
    response = client.get(RESET)
    assert response.status_code == 200
    assert 'type="email"' in response.content.decode()


def test_a_known_address_gets_one_email_with_a_link(client, alice):
    response = request_reset(client, "Alice@Example.com")
    assert response.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    assert "Check your email" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Reset your Back Relief password"
    assert "/account/password/reset/" in message.body


def test_an_unknown_address_looks_the_same_and_sends_nothing(client, db):
    response = request_reset(client, "nobody@example.com")
    assert response.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    assert mail.outbox == []


def test_the_link_sets_a_new_password_once(client, alice):
    request_reset(client, alice.email)
    link = reset_link()

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)

    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_a_weak_new_password_gets_a_clear_message(client, alice):
    request_reset(client, alice.email)
    form_page = client.get(reset_link(), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "This field is required."),
        ("not-an-email", "Enter a valid email address."),
        ("a" * 250 + "@example.com", "at most 254 characters"),
    ],
)
def test_bad_addresses_get_a_clear_message(client, db, email, message):
    response = client.post(RESET, {"email": email})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("path", ["MQ/bad-token/", "%E2%9C%93/x-y/", "zz/set-password/"])
def test_a_broken_link_says_so(client, alice, path):
    response = client.get(f"/account/password/reset/{path}")
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
