"""The account page, password change, and deleting an account with everything in it."""

import pytest
from axes.models import AccessAttempt
from django.db import DatabaseError
from django.urls import reverse
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from safety.models import DisclaimerAcknowledgement, RedFlag, RedFlagScreening
from tests.conftest import PASSWORD, clear_safety_gate, error_mail_texts

ACCOUNT = reverse("accounts:account")
DELETE = reverse("accounts:delete")
PASSWORD_CHANGE = reverse("accounts:password_change")


@pytest.mark.parametrize("url", [ACCOUNT, DELETE, PASSWORD_CHANGE])
def test_it_requires_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_the_account_page_before_anything_was_answered(client, alice, disclaimer):
    client.force_login(alice)
    content = client.get(ACCOUNT).content.decode()
    assert "alice@example.com" in content
    assert "You have not confirmed the current disclaimer yet." in content
    assert "You have not answered them yet." in content
    for url in (PASSWORD_CHANGE, DELETE, reverse("safety:screening")):
        assert f'href="{url}"' in content


def test_the_account_page_shows_what_was_confirmed_and_answered(signed_in, disclaimer):
    content = signed_in.get(ACCOUNT).content.decode()
    assert f"You confirmed version {disclaimer.version} on" in content
    assert "with no warning signs" in content
    assert "Answer the safety questions again" in content


# --- Password change ---------------------------------------------------------------


def test_changing_the_password(client, alice):
    client.force_login(alice)
    new = "a different horse battery"
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("accounts:password_change_done"), 302)]
    assert "Password changed" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(new)
    assert "_auth_user_id" in client.session  # still signed in on this device


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        (
            {
                "old_password": "wrong",
                "new_password1": "a new horse",
                "new_password2": "a new horse",
            },
            "Your old password was entered incorrectly.",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
            "This password is too common.",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "a new horse", "new_password2": "other"},
            "The two password fields didn",
        ),
    ],
)
def test_bad_password_changes_get_a_clear_message(client, alice, data, message):
    client.force_login(alice)
    response = client.post(PASSWORD_CHANGE, data)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


# --- Deleting the account ------------------------------------------------------------


def give_everything(user: User, disclaimer) -> None:
    """Records of every kind that belong to `user`."""
    clear_safety_gate(user)
    RedFlagScreening.objects.create(user=user, answers={RedFlag.NIGHT_PAIN.value: True})
    AccessAttempt.objects.create(
        username=user.email,
        ip_address="127.0.0.1",
        user_agent="test",
        failures_since_start=1,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/account/login/",
    )


def test_the_delete_page_asks_for_the_password(client, alice):
    client.force_login(alice)
    content = client.get(DELETE).content.decode()
    assert 'name="password"' in content
    assert 'autocomplete="current-password"' in content
    assert "cannot be undone" in content


def test_deleting_removes_that_user_and_their_data_and_nobody_elses(client, alice, bob, disclaimer):
    give_everything(alice, disclaimer)
    give_everything(bob, disclaimer)
    client.force_login(alice)

    response = client.post(DELETE, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("protocols:home"), 302)]
    assert "Your account and everything recorded with it have been deleted." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="alice@example.com").exists()
    assert not AccessAttempt.objects.filter(username="alice@example.com").exists()
    assert list(DisclaimerAcknowledgement.objects.values_list("user", flat=True)) == [bob.pk]
    assert set(RedFlagScreening.objects.values_list("user", flat=True)) == {bob.pk}
    assert RedFlagScreening.objects.count() == 2
    assert AccessAttempt.objects.filter(username="bob@example.com").count() == 1
    assert User.objects.filter(pk=bob.pk).exists()
    # The disclaimer version alice read is still there for everyone else.
    assert disclaimer.acknowledgements.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        ({"password": ""}, "This field is required."),
        ({"password": "wrong"}, "your current password. Nothing was deleted."),
        ({"password": "bob's password"}, "your current password."),
    ],
)
def test_a_wrong_or_missing_password_deletes_nothing(client, alice, data, message):
    client.force_login(alice)
    response = client.post(DELETE, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()
    assert "_auth_user_id" in client.session


def test_a_server_error_while_deleting_mails_no_password(error_mail, alice, monkeypatch):
    def fail(self):
        raise RuntimeError("a bug while deleting")

    monkeypatch.setattr(User, "delete_with_traces", fail)
    error_mail.force_login(alice)
    response = error_mail.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 500
    (text,) = error_mail_texts()
    assert "a bug while deleting" in text
    assert PASSWORD not in text
    assert "password = '********************'" in text  # the POST, filtered


def test_a_server_error_checking_the_password_mails_no_password(error_mail, alice, monkeypatch):
    @sensitive_variables()  # this stand-in's own arguments are not the leak looked for
    def fail(self, raw_password):
        raise RuntimeError("a bug while checking")

    error_mail.force_login(alice)
    monkeypatch.setattr(User, "check_password", fail)
    response = error_mail.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 500
    (text,) = error_mail_texts()
    assert "a bug while checking" in text
    assert PASSWORD not in text  # nor in the form's local variables


def test_if_deleting_fails_nothing_is_deleted_and_they_stay_signed_in(
    client, alice, disclaimer, monkeypatch
):
    give_everything(alice, disclaimer)
    client.force_login(alice)

    def fail(self, *args, **kwargs):
        raise DatabaseError("disk I/O error")

    # The sign-in records go first, then the user: a failure then undoes both.
    monkeypatch.setattr(User, "delete", fail)
    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 200
    assert "Nothing was deleted; please try again." in response.content.decode()
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert User.objects.filter(pk=alice.pk).exists()
    assert AccessAttempt.objects.filter(username=alice.email).exists()
    assert RedFlagScreening.objects.filter(user=alice).count() == 2
