"""Sign up: an email address and a password, then on through the safety gate."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD, error_mail_texts

SIGNUP = reverse("accounts:signup")


def signup_data(**changes) -> dict:
    return {"email": "carol@example.com", "password1": PASSWORD, "password2": PASSWORD} | changes


def test_the_sign_up_page_asks_for_email_and_password(client, db):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="email"' in content
    assert 'autocomplete="new-password"' in content
    assert "Create account" in content


def test_signing_up_logs_in_and_goes_to_the_disclaimer(client, protocol, disclaimer):
    response = client.post(SIGNUP, signup_data(email="  Carol@Example.COM "))

    user = User.objects.get()
    assert user.email == "carol@example.com"
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('accounts:disclaimer')}?next=%2Fprotocols%2Flower-back-relief%2F"
    )


def test_signing_up_keeps_a_next_page_on_this_site(client, protocol, disclaimer):
    response = client.post(SIGNUP, signup_data(next="/exercises/hip-cars/"))
    assert response["Location"].endswith("?next=%2Fexercises%2Fhip-cars%2F")


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_a_next_page_on_another_site_is_ignored(client, protocol, disclaimer, next_url):
    response = client.post(SIGNUP, signup_data(next=next_url))
    assert "evil" not in response["Location"]
    assert "javascript" not in response["Location"]
    assert response["Location"].endswith("?next=%2Fprotocols%2Flower-back-relief%2F")


def test_a_duplicate_email_in_other_case_is_refused_on_the_form(client, alice):
    response = client.post(SIGNUP, signup_data(email="ALICE@example.com"))
    assert response.status_code == 200
    assert "There is already an account with this email address" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": ""}, "This field is required."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": "a" * 250 + "@example.com"}, "at most 254 characters"),
        ({"password1": "", "password2": ""}, "This field is required."),
        ({"password1": "password", "password2": "password"}, "This password is too common."),
        ({"password1": "8472619305", "password2": "8472619305"}, "entirely numeric"),
        ({"password1": "short1!", "password2": "short1!"}, "too short"),
        ({"password1": "carol@example.com", "password2": "carol@example.com"}, "too similar"),
        ({"password2": "something else entirely"}, "The two password fields didn"),
    ],
)
def test_bad_input_gets_a_clear_message_on_the_form(client, db, changes, message):
    response = client.post(SIGNUP, signup_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_user_is_sent_to_their_account(client, alice):
    client.force_login(alice)
    response = client.get(SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")


def test_an_empty_form_gets_a_message_on_every_field(client, db):
    response = client.post(SIGNUP, {})
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 3
    assert not User.objects.exists()


def test_a_server_error_while_signing_up_mails_no_password(error_mail, db, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("a bug while signing up")

    monkeypatch.setattr("accounts.views.login", fail)
    response = error_mail.post(SIGNUP, signup_data())

    assert response.status_code == 500
    (text,) = error_mail_texts()
    assert "a bug while signing up" in text
    assert PASSWORD not in text
