"""Sign up: an email address, a link by mail, a password, then on through the safety gate.

The first step answers "check your email" whether or not the address has an
account, so the page tells nobody who has one.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.conftest import PASSWORD, error_mail_texts

SIGNUP = reverse("accounts:signup")
SENT = reverse("accounts:signup_sent")


def ask_for_link(client, email: str = "carol@example.com", **data):
    return client.post(SIGNUP, {"email": email} | data)


def emailed_link() -> str:
    (message,) = mail.outbox
    return re.search(r"http://testserver(/account/signup/\S+)", message.body).group(1)


def choose_password(client, link: str, password: str = PASSWORD, again: str | None = None):
    data = {"password1": password, "password2": password if again is None else again}
    return client.post(link, data)


def visible_text(response) -> str:
    """The page as a person sees it: the CSRF token (new for every page) left out."""
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_sign_up_page_asks_for_the_email_address_only(client, db):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="email"' in content
    assert 'autocomplete="email"' in content
    assert 'type="password"' not in content
    assert "Create account" in content


def test_an_address_gets_a_link_and_no_account_yet(client, db):
    response = ask_for_link(client, "  Carol@Example.COM ")

    assert response.status_code == 302
    assert response["Location"] == SENT
    sent = client.get(SENT).content.decode()
    assert "Check your email" in sent and "The link works for 24 hours." in sent
    (message,) = mail.outbox
    assert message.to == ["carol@example.com"]
    assert message.subject == "Finish signing up to Back Relief"
    assert "/account/signup/" in message.body
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_the_link_asks_for_a_password_and_makes_the_account(client, protocol, disclaimer):
    ask_for_link(client, "Carol@Example.COM")
    link = emailed_link()

    form_page = client.get(link)
    assert form_page.status_code == 200
    content = form_page.content.decode()
    assert "carol@example.com" in content
    assert 'autocomplete="new-password"' in content
    response = choose_password(client, link)

    user = User.objects.get()
    assert user.email == "carol@example.com"
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.status_code == 302
    # With no page asked for, on to the featured protocol (by its redirect) through the gate.
    assert response["Location"] == f"{reverse('safety:disclaimer')}?next=%2Ffeatured%2F"


def test_a_next_page_on_this_site_is_carried_through_the_link(client, protocol, disclaimer):
    ask_for_link(client, next="/exercises/hip-cars/")
    response = choose_password(client, emailed_link())
    assert response["Location"].endswith("?next=%2Fexercises%2Fhip-cars%2F")


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_a_next_page_on_another_site_is_ignored(client, protocol, disclaimer, next_url):
    ask_for_link(client, next=next_url)
    assert "evil" not in mail.outbox[0].body
    response = choose_password(client, f"{emailed_link().split('?')[0]}?next={next_url}")
    assert "evil" not in response["Location"]
    assert "javascript" not in response["Location"]
    assert response["Location"].endswith("?next=%2Ffeatured%2F")  # the featured protocol


def test_a_taken_address_gets_the_same_answer_and_a_note_instead(client, alice):
    fresh = ask_for_link(client, "carol@example.com", next="/exercises/hip-cars/")
    fresh_page = client.get(fresh["Location"])
    taken = ask_for_link(client, "ALICE@example.com", next="/exercises/hip-cars/")
    taken_page = client.get(taken["Location"])

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert (taken_page.status_code, visible_text(taken_page)) == (
        fresh_page.status_code,
        visible_text(fresh_page),
    )
    _, note = mail.outbox
    assert note.to == ["alice@example.com"]
    assert "already have an account" in note.body
    assert "/account/login/" in note.body
    assert "/account/password/reset/" in note.body
    assert "/account/signup/" not in note.body
    assert User.objects.count() == 1


def test_the_first_pages_are_identical_for_a_taken_and_a_fresh_address(client, alice):
    fresh = client.post(SIGNUP, {"email": "carol@example.com"}, follow=True)
    taken = client.post(SIGNUP, {"email": "alice@example.com"}, follow=True)
    assert fresh.redirect_chain == taken.redirect_chain == [(SENT, 302)]
    assert visible_text(fresh) == visible_text(taken)


def test_the_link_works_once(client, protocol, disclaimer):
    ask_for_link(client)
    link = emailed_link()
    choose_password(client, link)
    client.logout()

    again = client.get(link)
    assert again.status_code == 200
    assert "You already have an account" in again.content.decode()
    assert reverse("accounts:login") in again.content.decode()
    response = choose_password(client, link, "another horse battery staple")
    assert response.status_code == 200
    assert User.objects.count() == 1
    assert User.objects.get().check_password(PASSWORD)
    assert "_auth_user_id" not in client.session


def test_a_link_for_an_address_that_signed_up_meanwhile_says_log_in(client, db):
    ask_for_link(client, "carol@example.com")
    User.objects.create_user("carol@example.com", PASSWORD)
    content = client.get(emailed_link()).content.decode()
    assert "You already have an account" in content
    assert reverse("accounts:login") in content


def test_an_expired_link_says_so(client, db):
    ask_for_link(client)
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        response = choose_password(client, emailed_link())
    assert response.status_code == 200
    content = response.content.decode()
    assert "This link no longer works" in content
    assert "work for 24 hours, and this one is older" in content
    assert not User.objects.exists()


@pytest.mark.parametrize("token", ["not-a-token", "Y2Fyb2w:1tX:xyz", "%E2%9C%93", "a" * 2000])
def test_a_broken_link_says_so(client, db, token):
    response = client.get(f"/account/signup/{token}/")
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_an_altered_link_says_so(client, db):
    ask_for_link(client)
    path = emailed_link().split("?")[0]
    altered = path[:-2] + ("B" if path[-2] == "A" else "A") + "/"  # the signature's last letter
    response = choose_password(client, altered)
    assert "This link no longer works" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "This field is required."),
        ("not-an-email", "Enter a valid email address."),
        ("a" * 250 + "@example.com", "at most 254 characters"),
    ],
)
def test_a_bad_address_gets_a_clear_message_on_the_form(client, db, email, message):
    response = ask_for_link(client, email)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("", "", "This field is required."),
        ("password", None, "This password is too common."),
        ("8472619305", None, "entirely numeric"),
        ("short1!", None, "too short"),
        ("carol@example.com", None, "too similar"),
        (PASSWORD, "something else entirely", "The two password fields didn"),
    ],
)
def test_a_bad_password_gets_a_clear_message_on_the_form(client, db, password, again, message):
    ask_for_link(client)
    response = choose_password(client, emailed_link(), password, again)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_user_is_sent_to_their_account(client, alice):
    ask_for_link(client)
    link = emailed_link()
    client.force_login(alice)
    for url in (SIGNUP, link):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:account")


def test_the_check_your_email_page_points_to_the_console_only_in_development(client, db, settings):
    settings.DEBUG = True
    assert "make run" in client.get(SENT).content.decode()
    settings.DEBUG = False
    assert "make run" not in client.get(SENT).content.decode()


def test_an_address_gets_at_most_three_mails_an_hour(client, alice):
    for _ in range(3):
        ask_for_link(client, "carol@example.com")
        ask_for_link(client, "alice@example.com")
    response = ask_for_link(client, "carol@example.com")
    assert response["Location"] == SENT  # the same answer, without a mail
    recipients = [message.to[0] for message in mail.outbox]
    assert recipients.count("carol@example.com") == 3
    assert recipients.count("alice@example.com") == 3


def test_a_server_error_while_signing_up_mails_no_password(error_mail, db, monkeypatch):
    error_mail.post(SIGNUP, {"email": "carol@example.com"})
    link = emailed_link()

    def fail(*args, **kwargs):
        raise RuntimeError("a bug while signing up")

    monkeypatch.setattr("accounts.views.login", fail)
    response = choose_password(error_mail, link)

    assert response.status_code == 500
    (text,) = error_mail_texts()
    assert "a bug while signing up" in text
    assert PASSWORD not in text
