"""Fuzzing the account pages: sign up, log in, passwords, deleting, the safety gate.

Every request is checked by `checked` (no server error, no redirect off the
site), and what is stored about the other person (bob, or alice when someone
else acts) is compared before and after each case.
"""

import re
from urllib.parse import quote, urlencode

import pytest
from axes.utils import reset as reset_login_failures
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import assume, event, given
from hypothesis import strategies as st

from accounts.models import User
from safety.models import (
    LASTING_FACTS,
    ClinicianClearance,
    Disclaimer,
    DisclaimerAcknowledgement,
    RedFlag,
    RedFlagScreening,
    closes_today,
    safety_status,
)
from tests.conftest import PASSWORD
from tests.fuzz_helpers import checked, field_values, footprint, fuzz_case, next_values

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")
LOGIN = reverse("accounts:login")
PASSWORD_CHANGE = reverse("accounts:password_change")
PASSWORD_RESET = reverse("accounts:password_reset")
DELETE = reverse("accounts:delete")
DISCLAIMER = reverse("safety:disclaimer")
SCREENING = reverse("safety:screening")
# Long, unusual and unrelated to any address: every password validator passes it.
GOOD_PASSWORD = "a long enough passphrase 42"

# Addresses of the people who exist, as someone might type them.
known_addresses = st.sampled_from(
    [
        "alice@example.com",
        "ALICE@Example.COM",
        " bob@example.com ",
        "al\u0131ce@example.com",  # a dotless i: upper-cases to ALICE
        "alice@example.com\x00",
    ]
)
emails = st.one_of(
    st.emails(),
    known_addresses,
    field_values,
    st.sampled_from(
        [
            "İ" * 120 + "@example.com",  # grows when lower-cased
            "x@" + "a" * 250 + ".com",
            '"quoted local"@example.com',
            "user@[127.0.0.1]",
            "üñîçødé@exämple.com",
            "a@b",
            "@example.com",
        ]
    ),
)
passwords = st.one_of(field_values, st.sampled_from([PASSWORD, GOOD_PASSWORD]))


def well_formed_or_any(well_formed: st.SearchStrategy, anything: st.SearchStrategy):
    """Half the cases fill a form in properly (hostile `next` and all), half throw anything.

    Without the first half, a small profile would only ever see the form's errors.
    """
    return st.one_of(well_formed, anything)


@pytest.fixture(autouse=True)
def _everyone(alice, bob, disclaimer, protocol):
    """Both people exist, the disclaimer is published and the protocol seeded."""


# --- Sign up and log in -----------------------------------------------------------

sign_up_forms = well_formed_or_any(
    st.fixed_dictionaries({"email": st.emails(), "password1": st.just(GOOD_PASSWORD)}),
    st.fixed_dictionaries(
        {"email": emails, "password1": passwords},
        optional={"password2": field_values},
    ),
)


def forget_throttle_counts() -> None:
    """Every case starts with fresh counts, as a person would (one test sends many)."""
    caches["throttle"].clear()


@given(form=sign_up_forms, next_url=next_values)
def test_sign_up_with_any_fields(alice, bob, form, next_url):
    fuzz_case()
    forget_throttle_counts()
    mail.outbox.clear()
    people = {user.pk: footprint(user) for user in (alice, bob)}
    count = User.objects.count()
    client = Client()
    checked(client.get(SIGNUP, {"next": next_url}))
    response = checked(client.post(SIGNUP, {"email": form["email"], "next": next_url}))
    event(f"sign up: {response.status_code}, {len(mail.outbox)} emails")
    assert response.status_code in (200, 302)
    assert User.objects.count() == count  # nothing is made before the link is opened
    assert len(mail.outbox) == (response.status_code == 302)
    for message in mail.outbox:
        assert message.to == [form["email"].strip().lower()]

    body = mail.outbox[0].body if mail.outbox else ""
    link = re.search(r"http://testserver(/account/signup/\S+)", body)
    if link:
        checked(client.get(link.group(1)))
        data = {"password2": form["password1"]} | form | {"next": next_url}
        response = checked(client.post(link.group(1), data))
        event(f"sign-up link: {response.status_code}")
        assert User.objects.count() == count + (response.status_code == 302)
    addresses = [address.lower() for address in User.objects.values_list("email", flat=True)]
    assert len(addresses) == len(set(addresses)), "two accounts share an address"
    if link and response.status_code == 302:
        new = User.objects.latest("pk")
        assert client.session["_auth_user_id"] == str(new.pk)
        assert new.email == new.email.lower() and new.check_password(form["password1"])
    assert {user.pk: footprint(user) for user in (alice, bob)} == people


@given(token=st.one_of(st.text(max_size=300), st.sampled_from(["", "a:b:c", "MQ:1:x"])))
def test_sign_up_link_with_any_token(alice, bob, token):
    fuzz_case()
    people = {user.pk: footprint(user) for user in (alice, bob)}
    count = User.objects.count()
    url = f"/account/signup/{quote(token, safe='')}/"
    client = Client()
    checked(client.get(url))
    checked(client.post(url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}))
    assert User.objects.count() == count
    assert {user.pk: footprint(user) for user in (alice, bob)} == people


credentials = well_formed_or_any(
    st.fixed_dictionaries({"username": known_addresses, "password": st.just(PASSWORD)}),
    st.fixed_dictionaries({}, optional={"username": emails, "password": passwords}),
)


@given(form=credentials, next_url=next_values)
def test_log_in_with_any_credentials(alice, bob, form, next_url):
    fuzz_case()
    reset_login_failures()  # django-axes would lock a repeated address after five failures
    forget_throttle_counts()
    people = {user.pk: footprint(user) for user in (alice, bob)}
    client = Client()
    url = f"{LOGIN}?{urlencode({'next': next_url})}"
    checked(client.get(url))
    response = checked(client.post(url, form))
    event(f"log in: {response.status_code}")

    username, password = form.get("username", ""), form.get("password")
    signed_in_as = client.session.get("_auth_user_id")
    if signed_in_as:
        assert response.status_code == 302
        user = User.objects.get(pk=signed_in_as)
        assert password == PASSWORD
        # The address as stored, typed in any case: no lookalike reaches it.
        assert user.email == username.strip().lower()
    elif username.strip().lower() in (alice.email, bob.email) and password == PASSWORD:
        pytest.fail(f"{username!r} with the right password was refused")
    else:
        assert response.status_code == 200
    assert {user.pk: footprint(user) for user in (alice, bob)} == people


# --- Passwords --------------------------------------------------------------------

password_changes = well_formed_or_any(
    st.fixed_dictionaries(
        {"old_password": st.just(PASSWORD), "new_password1": st.just(GOOD_PASSWORD)}
    ),
    st.fixed_dictionaries(
        {"old_password": passwords, "new_password1": passwords},
        optional={"new_password2": field_values},
    ),
)


@given(form=password_changes)
def test_password_change_with_any_passwords(client, alice, bob, form):
    fuzz_case()
    others = footprint(bob)
    client.force_login(alice)
    data = {"new_password2": form["new_password1"]} | form
    response = checked(client.post(PASSWORD_CHANGE, data))
    event(f"password change: {response.status_code}")
    alice.refresh_from_db()
    if response.status_code == 302:
        assert form["old_password"] == PASSWORD
        assert alice.check_password(form["new_password1"])
        assert client.session["_auth_user_id"] == str(alice.pk)  # still signed in
        alice.set_password(PASSWORD)
        alice.save(update_fields=["password"])
    else:
        assert response.status_code == 200
        assert alice.check_password(PASSWORD)
    assert footprint(bob) == others


@given(email=well_formed_or_any(known_addresses, emails))
def test_password_reset_request_with_any_address(alice, bob, email):
    fuzz_case()
    forget_throttle_counts()
    mail.outbox.clear()
    people = {user.pk: footprint(user) for user in (alice, bob)}
    response = checked(Client().post(PASSWORD_RESET, {"email": email}))
    event(f"password reset: {response.status_code}, {len(mail.outbox)} emails")

    assert response.status_code in (200, 302)
    for message in mail.outbox:
        (recipient,) = message.to
        assert recipient in (alice.email, bob.email)
        assert recipient.casefold() == email.strip().casefold()
    assert {user.pk: footprint(user) for user in (alice, bob)} == people


link_parts = st.one_of(
    st.text(min_size=1, max_size=40).filter(lambda text: "/" not in text),
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1
    ),
    st.sampled_from(["set-password", "MQ", "Mg", "MA", "LTE", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5"]),
)


@given(data=st.data(), new=passwords)
def test_password_reset_link_with_any_parts(alice, bob, data, new):
    people = {user.pk: footprint(user) for user in (alice, bob)}
    bobs_uid = urlsafe_base64_encode(force_bytes(bob.pk))
    uid = data.draw(st.just(bobs_uid) | link_parts, label="uidb64")
    token = data.draw(link_parts, label="token")
    fuzz_case()  # counted once its input is drawn
    url = f"/account/password/reset/{quote(uid, safe='')}/{quote(token, safe='')}/"
    client = Client()
    checked(client.get(url))
    checked(client.post(url, {"new_password1": new, "new_password2": new}))
    assert {user.pk: footprint(user) for user in (alice, bob)} == people


# --- Deleting an account ----------------------------------------------------------

near_misses = st.sampled_from(
    [PASSWORD.upper(), PASSWORD + " ", " " + PASSWORD, PASSWORD[:-1], "bob's password"]
)


@given(password=field_values | near_misses)
def test_delete_account_with_a_wrong_password_deletes_nothing(client, alice, bob, password):
    assume(password != PASSWORD)
    fuzz_case()
    people = {user.pk: footprint(user) for user in (alice, bob)}
    response = checked(Client().post(DELETE, {"password": password}))
    assert response.status_code == 302  # nobody signed in: off to log in
    client.force_login(alice)
    response = checked(client.post(DELETE, {"password": password}))
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert {user.pk: footprint(user) for user in (alice, bob)} == people


# --- The safety gate: disclaimer and red-flag questions ------------------------------


@pytest.fixture
def draft(disclaimer) -> Disclaimer:
    """A newer version nobody may acknowledge yet: it is not published."""
    return Disclaimer.objects.create(version=disclaimer.version + 1, text="Draft.")


acknowledgements = well_formed_or_any(
    st.fixed_dictionaries({"version": st.just("1"), "understood": st.just("on")}),
    st.fixed_dictionaries(
        {},
        optional={
            # "\u0661" is an Arabic-Indic one, which int() reads as 1.
            "version": field_values
            | st.sampled_from(["1", "2", " 1 ", "1.0", "1.5", "\u0661", "01", "-1"]),
            "understood": field_values | st.sampled_from(["on", "true", "false", "0", "off"]),
        },
    ),
)


@given(form=acknowledgements, next_url=next_values)
def test_disclaimer_with_any_fields(client, alice, bob, disclaimer, draft, form, next_url):
    fuzz_case()
    DisclaimerAcknowledgement.objects.filter(user=alice).delete()
    others = footprint(bob)
    checked(Client().post(DISCLAIMER, form))
    client.force_login(alice)
    checked(client.get(DISCLAIMER, {"next": next_url}))
    response = checked(client.post(DISCLAIMER, form | {"next": next_url}))
    event(f"disclaimer: {response.status_code}")

    acknowledged = list(DisclaimerAcknowledgement.objects.filter(user=alice))
    assert [ack.disclaimer_id for ack in acknowledged] in ([], [disclaimer.pk])
    assert (response.status_code == 302) == bool(acknowledged)
    assert footprint(bob) == others


screenings = well_formed_or_any(
    st.fixed_dictionaries({flag.value: st.sampled_from(["yes", "no"]) for flag in RedFlag}),
    st.fixed_dictionaries(
        {}, optional={flag.value: st.sampled_from(["yes", "no"]) | field_values for flag in RedFlag}
    ),
)


@given(answers=screenings, next_url=next_values)
def test_screening_with_any_answers(client, alice, bob, answers, next_url):
    fuzz_case()
    others = footprint(bob)
    checked(Client().post(SCREENING, answers))
    client.force_login(alice)
    checked(client.get(SCREENING, {"next": next_url}))
    count = RedFlagScreening.objects.filter(user=alice).count()
    alice.refresh_from_db()
    # After a "yes" to a lasting fact (an earlier example's), those are not asked.
    asks_lasting = safety_status(alice, None).asks_lasting_facts
    asked = [flag.value for flag in RedFlag if asks_lasting or flag not in LASTING_FACTS]
    response = checked(client.post(SCREENING, answers | {"next": next_url}))
    event(f"screening: {response.status_code}")

    complete = all(answers.get(key) in ("yes", "no") for key in asked)
    assert RedFlagScreening.objects.filter(user=alice).count() == count + complete
    if complete:
        latest = RedFlagScreening.objects.filter(user=alice).latest("pk")
        assert latest.any_yes == any(answers[k] == "yes" for k in asked if closes_today(k))
        assert response.status_code == 302
        if latest.any_yes:
            assert response["Location"] == reverse("safety:screening_result")
    else:
        assert response.status_code == 200
    checked(client.get(reverse("safety:screening_result")))
    assert footprint(bob) == others


CLEARANCE = reverse("safety:clearance")
clearance_forms = st.fixed_dictionaries(
    {},
    optional={
        "confirmed": st.sampled_from(["on", "", "yes"]) | field_values,
        "cleared_on": st.dates().map(str) | field_values,
    },
)


@given(form=clearance_forms, next_url=next_values)
def test_clearance_with_any_fields(client, alice, bob, form, next_url):
    fuzz_case()
    ClinicianClearance.objects.filter(user=alice).delete()
    RedFlagScreening.objects.create(user=alice, answers={RedFlag.CANCER.value: True})
    others = footprint(bob)
    checked(Client().post(CLEARANCE, form))
    client.force_login(alice)
    checked(client.get(CLEARANCE, {"next": next_url}))
    response = checked(client.post(CLEARANCE, form | {"next": next_url}))
    event(f"clearance: {response.status_code}")

    cleared = list(ClinicianClearance.objects.filter(user=alice))
    assert (response.status_code == 302) == bool(cleared)
    for clearance in cleared:
        assert clearance.cleared_on <= timezone.localdate()
    assert footprint(bob) == others
