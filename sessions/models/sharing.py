"""Share links: a private, expiring, read-only link to one person's training record.

The person decides what to share, with whom (a label of their own) and for
how long (7, 30 or 90 days); a practitioner needs no account. The link's
secret is 256 random bits (`secrets.token_urlsafe(32)`, 43 characters). Only
its SHA-256 digest is stored: the database, a backup or admin never hold a
working link, so the person sees it in full once, when it is made.

A link is looked up by the digest of what was asked for (one indexed query),
then the digests are compared with `hmac.compare_digest`. The index lookup
cannot leak a stored secret through its timing: what it compares is the
digest of the visitor's own guess, which tells them nothing about any token.

An expired, revoked or unknown token finds nothing (`ShareLink.find`), and
the views answer all three with the same 404. The shared record is read
afresh on every visit, so a deleted session is gone from every link at once;
deleting the account deletes its links (CASCADE).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone

TOKEN_BYTES = 32  # 256 bits
# What token_urlsafe(32) makes: anything else is refused before any query.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
LABEL_MAX_LENGTH = 80
# Enough for every practitioner a person sees at once; a cap keeps a script
# from filling the table.
MAX_ACTIVE_LINKS = 20


def digest_of(token: str) -> str:
    """The SHA-256 hex digest a link is stored and found by."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class ShareLinkQuerySet(models.QuerySet):
    def for_user(self, user) -> ShareLinkQuerySet:
        return self.filter(user=user)

    def active(self) -> ShareLinkQuerySet:
        """Not revoked and not yet expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    class Expiry(models.IntegerChoices):
        WEEK = 7, "7 days"
        MONTH = 30, "30 days"
        QUARTER = 90, "90 days"

    # The links are the person's: deleting the account deletes them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    label = models.CharField(
        max_length=LABEL_MAX_LENGTH, help_text="Whom it is for, in the person's words."
    )
    display_name = models.CharField(
        max_length=LABEL_MAX_LENGTH, help_text="The name the shared record shows (never the email)."
    )
    token_digest = models.CharField(
        max_length=64, unique=True, editable=False, help_text="SHA-256 of the link's secret."
    )
    include_notes = models.BooleanField(default=False)
    include_safety = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    open_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sharing page: a person's links, newest first.
            models.Index(fields=["user", "-created_at"], name="share_link_list"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.user_id}, until {self.expires_at:%Y-%m-%d})"

    @classmethod
    def create_for(
        cls,
        user,
        *,
        label: str,
        display_name: str,
        days: int,
        include_notes: bool = False,
        include_safety: bool = True,
    ) -> tuple[ShareLink, str]:
        """A new link and its secret, which is returned here and never stored."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = timezone.now()
        link = cls.objects.create(
            user=user,
            label=label,
            display_name=display_name,
            token_digest=digest_of(token),
            include_notes=include_notes,
            include_safety=include_safety,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        return link, token

    @classmethod
    def find(cls, token: str) -> ShareLink | None:
        """The active link this token opens, with its person's summary and settings; else None.

        One query. Anything not shaped like a token is None without one.
        """
        if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
            return None
        digest = digest_of(token)
        link = (
            cls.objects.active()
            .select_related("user", "user__progress_summary", "user__training_preferences")
            .filter(token_digest=digest)
            .first()
        )
        if link is None or not hmac.compare_digest(link.token_digest, digest):
            return None
        return link

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not (self.is_revoked or self.is_expired)

    def record_open(self) -> None:
        """Count one visit (a single UPDATE, so visits at the same moment all count)."""
        now = timezone.now()
        ShareLink.objects.filter(pk=self.pk).update(
            open_count=F("open_count") + 1, last_opened_at=now
        )
        self.open_count += 1
        self.last_opened_at = now

    def revoke(self) -> None:
        """Stop the link working, now (revoking twice keeps the first time)."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            ShareLink.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
                revoked_at=self.revoked_at
            )
