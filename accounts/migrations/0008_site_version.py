import time

from django.db import migrations, models


def one_version_for_everyone(apps, schema_editor):
    """Existing people start at one version no process has kept rows under."""
    User = apps.get_model("accounts", "User")
    User.objects.update(site_version=time.time_ns())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_disclaimer_version_2"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="site_version",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(one_version_for_everyone, migrations.RunPython.noop),
    ]
