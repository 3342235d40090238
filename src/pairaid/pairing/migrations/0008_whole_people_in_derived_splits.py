"""Derived splits stored before staff were split in whole people (260.3574 staff) are dropped,
so the pages compute and store them anew in whole people; the split's source no longer cites an
internal document."""

from decimal import Decimal

from django.db import migrations

SPLIT_SOURCE_KEY = "pairaid-leximin-split"
METHOD = (
    "leximin split of the plan in force: the split whose sorted coverage vector is "
    "lexicographically largest, over the plan's own pairs, in whole people"
)


def whole_people(apps, schema_editor):  # type: ignore[no-untyped-def]
    AllocationLine = apps.get_model("pairing", "AllocationLine")
    Source = apps.get_model("registry", "Source")
    Source.objects.filter(key=SPLIT_SOURCE_KEY).update(method=METHOD)
    derived = AllocationLine.objects.filter(source__key=SPLIT_SOURCE_KEY).exclude(
        resource_type__kind="funds"
    )
    fractional = [line.pk for line in derived if line.quantity % 1 != Decimal(0)]
    # A split is computed per plan: a programme keeps all its derived lines or none.
    programmes = set(
        AllocationLine.objects.filter(pk__in=fractional).values_list(
            "pairing__programme_id", flat=True
        )
    )
    AllocationLine.objects.filter(
        source__key=SPLIT_SOURCE_KEY, pairing__programme_id__in=programmes
    ).delete()

class Migration(migrations.Migration):
    dependencies = [
        ("pairing", "0007_model_names_in_both_languages"),
        ("registry", "0004_model_names_in_both_languages"),
    ]

    operations = [migrations.RunPython(whole_people, migrations.RunPython.noop)]
