"""Throttling sign-up, password reset, login and shared records, per client IP and address.

Each limit is a fixed-window counter in the "throttle" cache: the first
request of a window creates the key (`cache.add`), each request adds one
(`cache.incr`, atomic on the local-memory cache and on Redis; the file cache
used with SQLite reads and writes, so two workers at the same instant may
count once, which errs towards letting a person in). Keys hold a hash,
never an address as typed, so the cache does not become a list of who asked.

A view is throttled with `@throttled(...)`; only its POSTs count, so reading
a form is never refused. Over a limit, the person gets our 429 page with
`Retry-After`. Mails to an address have their own cap (`may_send_mail`),
which the forms check before each mail: past it, the page answers as
always and no mail is sent, so the answer says nothing about the address.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from axes.helpers import get_client_ip_address
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

MINUTE = 60
HOUR = 60 * MINUTE
# The "throttle" cache must keep a counter at least this long (settings.py).
LONGEST_WINDOW = HOUR


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int


# Per client IP (an IPv6 client by its /64, which one home or phone gets).
# Generous enough for a household or an office behind one address; these
# stop a script working through many addresses from one place.
SIGNUP_PER_IP = Limit("signup-ip", 10, HOUR)
RESET_PER_IP = Limit("reset-ip", 10, HOUR)
# django-axes allows 5 wrong passwords per (address, IP); 30 logins in 15
# minutes from one IP is many people or a password sprayed over addresses.
LOGIN_PER_IP = Limit("login-ip", 30, 15 * MINUTE)
# Shared training records (sessions.sharing_views), every request counted,
# page and PDF alike. A practitioner opens a record a few times; a clinic
# behind one address opens a few. 60 in 15 minutes is plenty for them, and
# with 256-bit tokens it leaves a guesser nothing; it also caps how many
# PDFs one client can have us render.
SHARE_PER_IP = Limit("share-ip", 60, 15 * MINUTE)

# Per email address, from anywhere. A person asks for a link a few times at
# most; more is someone else filling their inbox.
SIGNUP_PER_ADDRESS = Limit("signup-address", 5, HOUR)
RESET_PER_ADDRESS = Limit("reset-address", 5, HOUR)
# Twice the per-IP limit: one IP alone can never use it up (it only counts
# requests that passed the per-IP limit), so a single attacker cannot keep
# the owner out; many IPs guessing one account's password are slowed down.
LOGIN_PER_ADDRESS = Limit("login-address", 60, 15 * MINUTE)

# Mails from us to one address, sign-up and reset together: enough to retry
# a lost mail, too few to bury an inbox.
MAILS_PER_ADDRESS = Limit("mail-address", 3, HOUR)


def _cache():
    return caches["throttle"]


def client_ip(request: HttpRequest) -> str:
    """The client's IP as django-axes finds it (same helper, same proxy settings)."""
    return get_client_ip_address(request) or ""


def ip_group(ip: str) -> str:
    """What an IP is counted as: an IPv4 address itself, an IPv6 address its /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def normalized_address(value) -> str:
    """An email address as the counters know it: trimmed and lower-cased ("" if none)."""
    return value.strip().lower()[:254] if isinstance(value, str) else ""


def hit(limit: Limit, identity: str) -> int | None:
    """Count one request; the seconds to wait if that went over the limit, else None."""
    now = time.time()
    window = int(now // limit.seconds)
    # Keyed with SECRET_KEY: a hash of an address alone could be looked up.
    digest = salted_hmac("accounts.throttles", identity, algorithm="sha256").hexdigest()[:32]
    key = f"{limit.name}:{window}:{digest}"
    cache = _cache()
    cache.add(key, 0, timeout=limit.seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # culled or expired between the two calls: this is the first
        cache.set(key, 1, timeout=limit.seconds)
        count = 1
    if count <= limit.count:
        return None
    return max(1, math.ceil((window + 1) * limit.seconds - now))


def may_send_mail(address: str) -> bool:
    """Count a mail to `address`; False once MAILS_PER_ADDRESS is used up."""
    return hit(MAILS_PER_ADDRESS, normalized_address(address)) is None


def throttled(per_ip: Limit, per_address: Limit, address_field: str):
    """Refuse a view's POSTs past `per_ip` for the client, then `per_address` for the
    address in POST[`address_field`]. A request refused by the first is not counted
    against the second, so one client cannot use up someone else's address."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def throttled_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                wait = hit(per_ip, ip_group(client_ip(request)))
                address = normalized_address(request.POST.get(address_field))
                if wait is None and address:
                    wait = hit(per_address, address)
                if wait is not None:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return throttled_view

    return decorator


def too_many_requests(
    request: HttpRequest, wait_seconds: int, template_name: str = "accounts/throttled.html"
) -> HttpResponse:
    """Our 429 page: what happened, how long to wait, and Retry-After for machines."""
    minutes = max(1, math.ceil(wait_seconds / MINUTE))
    response = render(request, template_name, {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response
