"""Reads of accounts: a programme's members, as the members page and the API list them."""

from django.db.models import QuerySet

from pairaid.accounts.models import Membership
from pairaid.programmes.models import Programme


def members(programme: Programme) -> QuerySet[Membership]:
    """The programme's memberships, by role and username, with their users and regions."""
    return (
        Membership.objects.filter(programme=programme)
        .select_related("user", "region__parent", "facility")
        .order_by("role", "user__username", "pk")
    )
