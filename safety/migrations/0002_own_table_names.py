"""The moved models' tables take this app's names, and their content types its label, so
admin history and permissions follow them. Rows, ids and links are kept: a rename."""

from django.db import migrations

MODELS = [
    "disclaimer",
    "disclaimeracknowledgement",
    "redflagscreening",
    "clinicianclearance",
    "siteconfiguration",
]


def relabel_content_types(source: str, target: str):
    def relabel(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        rows = content_type.objects.using(schema_editor.connection.alias)
        for model in MODELS:
            # A row already at the target (made by a migrate that ran since) keeps its
            # own id; the old one is left as it is rather than deleted with its history.
            if not rows.filter(app_label=target, model=model).exists():
                rows.filter(app_label=source, model=model).update(app_label=target)
        content_type.objects.clear_cache()

    return relabel


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0009_safety_app_takes_its_models"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("safety", "0001_initial"),
    ]

    operations = [
        *(migrations.AlterModelTable(name=model, table=None) for model in MODELS),
        migrations.RunPython(
            relabel_content_types("accounts", "safety"),
            relabel_content_types("safety", "accounts"),
        ),
    ]
