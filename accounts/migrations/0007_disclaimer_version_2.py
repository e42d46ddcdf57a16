"""Version 2 of the disclaimer: no promise about who made the app, the seed's
"immediately", and the warning signs named instead of "other symptoms".

Published only where version 1, word for word, is still the current one: a
site whose coach has published a wording of their own keeps it. A new version
means everyone confirms it again, as for any change of wording.
"""

from django.db import migrations

FIRST_DISCLAIMER = """\
This is not medical advice. The exercises come from a coach's protocol. Neither the coach nor the people who made this app are doctors or physiotherapists, and nothing here can diagnose or treat your back.

If your pain is serious, keeps getting worse, or comes with other symptoms, stop and see a qualified provider, such as a doctor or a physiotherapist, rather than looking for answers online."""

SECOND_DISCLAIMER = """\
This is not medical advice. This app is not your doctor or physio, and nothing in it can diagnose or treat your back.

If your pain is serious or keeps getting worse, stop and see a qualified provider immediately, such as a doctor or a physio, rather than looking for answers online.

Some signs need help at once. Go to an emergency department now for new trouble with your bladder or bowels, numbness around your groin, genitals or bottom, numbness or pins and needles in both legs, or leg weakness that is getting worse. See a doctor today for a fever with chills or night sweats, pain after a fall or accident, or pain at night that rest does not ease."""


def publish_second_version(apps, schema_editor):
    Disclaimer = apps.get_model("accounts", "Disclaimer")
    current = Disclaimer.objects.filter(published=True).order_by("-version").first()
    if current is not None and current.text == FIRST_DISCLAIMER:
        Disclaimer.objects.create(version=current.version + 1, text=SECOND_DISCLAIMER, published=True)


def withdraw_second_version(apps, schema_editor):
    """Remove it again unless someone has confirmed it (those records are kept)."""
    Disclaimer = apps.get_model("accounts", "Disclaimer")
    Disclaimer.objects.filter(text=SECOND_DISCLAIMER, acknowledgements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_triage_by_sign"),
    ]

    operations = [
        migrations.RunPython(publish_second_version, withdraw_second_version),
    ]
