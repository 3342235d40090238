import pytest
from django.db import connection

def test_a(django_db_serialized_rollback, live_server):
    from pairaid.registry.models import ResourceType
    print("A", ResourceType.objects.count(), hasattr(connection, "_test_serialized_contents"), len(getattr(connection, "_test_serialized_contents", "")))

def test_b(django_db_serialized_rollback, live_server):
    from pairaid.registry.models import ResourceType
    print("B", ResourceType.objects.count())
