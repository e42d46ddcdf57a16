"""A protocol names its sessions (`protocol.training_sessions`): no change to the tables."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('protocols', '0007_protocol_library'),
        ('training_sessions', '0008_partial_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='trainingsession',
            name='protocol',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='training_sessions', to='protocols.protocol'),
        ),
    ]
