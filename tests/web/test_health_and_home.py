import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["pending_migrations"] == 0


def test_home_asks_anonymous_visitors_to_log_in(client, hubei):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "hubei-2020" not in body and "/accounts/login/" in body


def test_the_admin_lists_hubei_participants_for_a_platform_administrator(client, hubei):
    from pairaid.accounts.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    admin.is_platform_admin = True
    admin.save()
    client.force_login(admin)
    response = client.get(f"/admin/programmes/participant/?programme__id__exact={hubei.pk}")
    assert response.status_code == 200
    assert "35 participants" in response.content.decode()
    response = client.get(f"/admin/pairing/pairing/?programme__id__exact={hubei.pk}")
    assert "21 pairings" in response.content.decode()
