from django.db import migrations


def seed(apps, schema_editor):
    from pairaid.registry.catalogue import INDICATORS, RESOURCE_TYPES

    IndicatorType = apps.get_model("registry", "IndicatorType")
    ResourceType = apps.get_model("registry", "ResourceType")
    for code, name_en, name_zh, unit in INDICATORS:
        IndicatorType.objects.get_or_create(
            code=code, defaults={"name_en": name_en, "name_zh": name_zh, "unit": unit}
        )
    for code, kind, name_en, name_zh, unit, profession, specialty in RESOURCE_TYPES:
        ResourceType.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name_en": name_en,
                "name_zh": name_zh,
                "unit": unit,
                "profession": profession,
                "specialty": specialty,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
