"""The disclaimer, red-flag screening, clinician clearance and site configuration move here
from accounts, with their rows: this takes them into the state as they are, on the tables
accounts made (no database change); accounts 0009 then lets go of them, and 0002 renames
the tables."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import safety.models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The last accounts migration that changed these models or their rows.
        ("accounts", "0008_site_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Disclaimer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField(default=safety.models._next_disclaimer_version, help_text='The highest published version is the one users are asked to acknowledge.', unique=True, validators=[django.core.validators.MinValueValidator(1)])),
                        ('text', models.TextField(help_text='Plain text; a blank line starts a new paragraph.')),
                        ('published', models.BooleanField(default=False, help_text='Publishing a higher version asks everyone to read and acknowledge it again.')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ],
                    options={
                        'db_table': 'accounts_disclaimer',
                        'ordering': ['-version'],
                    },
                ),
                migrations.CreateModel(
                    name='SiteConfiguration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('referral_url', models.URLField(blank=True, help_text='Where “Find a skilled practitioner” leads. Blank: the REFERRAL_URL setting.', validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='referral link')),
                        ('referral_name', models.CharField(blank=True, help_text="The directory's name, e.g. ClinicalAthlete. Blank: the REFERRAL_NAME setting.", max_length=100)),
                        ('emergency_number', models.CharField(blank=True, help_text='Shown, as a number to tap, when someone answers yes to an emergency sign (e.g. 999, 911, 112). Blank: the page says “call your local emergency number”.', max_length=20, validators=[django.core.validators.RegexValidator('^\\+?[0-9][0-9 ]*$', 'Digits only, with spaces if you like and a + in front for a country code.')])),
                    ],
                    options={
                        'db_table': 'accounts_siteconfiguration',
                        'verbose_name': 'site configuration',
                        'verbose_name_plural': 'site configuration',
                    },
                ),
                migrations.CreateModel(
                    name='ClinicianClearance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('cleared_on', models.DateField(help_text='When the doctor or physio said so.')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='clearances', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_clinicianclearance',
                        'ordering': ['-recorded_at'],
                    },
                ),
                migrations.CreateModel(
                    name='DisclaimerAcknowledgement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('acknowledged_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('disclaimer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='acknowledgements', to='safety.disclaimer')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='acknowledgements', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_disclaimeracknowledgement',
                        'ordering': ['-acknowledged_at'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'disclaimer'), name='accounts_ack_unique_user_disclaimer')],
                    },
                ),
                migrations.CreateModel(
                    name='RedFlagScreening',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('answers', models.JSONField(help_text="Each question's key (see RedFlag) and true for yes.")),
                        ('any_yes', models.BooleanField(help_text='A yes to an emergency or today sign: no guided session today. (Lasting facts are in lasting_yes.)')),
                        ('lasting_yes', models.BooleanField(default=False, help_text="A yes to a lasting fact (e.g. having had cancer): no guided session until a clinician's go-ahead is recorded.")),
                        ('questions_version', models.PositiveIntegerField(default=2, help_text='The question set answered (QUESTION_LABELS).')),
                        ('answered_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='screenings', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_redflagscreening',
                        'ordering': ['-answered_at'],
                        'indexes': [models.Index(fields=['user', '-answered_at'], name='accounts_screening_latest')],
                    },
                ),
            ],
        ),
    ]
