"""The safety records and the site configuration now belong to the safety app (its 0001
took them, rows and tables as they are): accounts lets go of them in the state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_site_version"),
        ("safety", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='clinicianclearance',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='disclaimeracknowledgement',
                    name='disclaimer',
                ),
                migrations.RemoveField(
                    model_name='disclaimeracknowledgement',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='redflagscreening',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='SiteConfiguration',
                ),
                migrations.DeleteModel(
                    name='ClinicianClearance',
                ),
                migrations.DeleteModel(
                    name='Disclaimer',
                ),
                migrations.DeleteModel(
                    name='DisclaimerAcknowledgement',
                ),
                migrations.DeleteModel(
                    name='RedFlagScreening',
                ),
            ],
        ),
    ]
