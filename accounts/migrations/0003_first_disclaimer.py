"""Publish the first disclaimer, so a new site asks users to read something.

Later wordings are new versions added in admin; this only creates version 1
where there is no disclaimer yet, and reverting leaves the table alone.
"""

from django.db import migrations

FIRST_DISCLAIMER = """\
This is not medical advice. The exercises come from a coach's protocol. Neither the coach nor the people who made this app are doctors or physiotherapists, and nothing here can diagnose or treat your back.

If your pain is serious, keeps getting worse, or comes with other symptoms, stop and see a qualified provider, such as a doctor or a physiotherapist, rather than looking for answers online."""


def publish_first_disclaimer(apps, schema_editor):
    Disclaimer = apps.get_model("accounts", "Disclaimer")
    if not Disclaimer.objects.exists():
        Disclaimer.objects.create(version=1, text=FIRST_DISCLAIMER, published=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_safety_gate"),
    ]

    operations = [
        migrations.RunPython(publish_first_disclaimer, migrations.RunPython.noop),
    ]
