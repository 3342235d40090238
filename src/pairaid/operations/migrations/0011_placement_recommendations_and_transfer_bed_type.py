import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BED_TYPE_CHOICES = [
    ("general", "general"),
    ("oxygen", "oxygen-supplied"),
    ("icu", "ICU"),
    ("icu_ventilated", "ICU with ventilation"),
]


def beds_of_their_acuity(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Transfers made before the field took beds of their own acuity."""
    Transfer = apps.get_model("operations", "Transfer")
    Transfer.objects.update(bed_type=models.F("acuity"))


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0010_transfers_bed_movements_community_queue"),
        ("programmes", "0008_clusters_and_occupancy_thresholds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="transfer",
            name="bed_type",
            field=models.CharField(
                choices=BED_TYPE_CHOICES,
                default="general",
                max_length=20,
                verbose_name="bed type at the receiver",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(beds_of_their_acuity, migrations.RunPython.noop),
        migrations.CreateModel(
            name="PlacementRecommendation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("on", models.DateField(help_text="the programme date whose staffed beds it counted")),
                ("made_at", models.DateTimeField()),
                ("assumptions", models.JSONField(help_text="road speed, road factor, travel limits per acuity")),
                ("problem", models.JSONField()),
                ("result", models.JSONField()),
                ("left_out", models.JSONField(default=list, help_text="facilities without coordinates")),
                ("requested", models.JSONField(default=list)),
                ("made_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("programme", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="placement_recommendations", to="programmes.programme")),
            ],
            options={
                "verbose_name": "placement recommendation",
                "verbose_name_plural": "placement recommendations",
                "ordering": ["programme", "-number"],
                "constraints": [models.UniqueConstraint(fields=("programme", "number"), name="placement_recommendation_number_unique")],
            },
        ),
    ]
