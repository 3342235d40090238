import secrets

from django.db import migrations, models


def first_stamp(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("freshness", "Stamp").objects.create(
        id=1, generation=secrets.token_hex(8), changes=0
    )


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="Stamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("generation", models.CharField(max_length=32)),
                ("changes", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "freshness_stamp"},
        ),
        migrations.RunPython(first_stamp, migrations.RunPython.noop),
    ]
