"""The indicators of medical staff sent in (catalogue.py), for databases seeded before them."""

import importlib

from django.db import migrations

# The catalogue's seed is idempotent (get_or_create by code): running it again adds the new codes.
seed = importlib.import_module("pairaid.registry.migrations.0002_seed_catalogue").seed


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_model_names_in_both_languages")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
