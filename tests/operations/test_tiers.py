"""Facilities' escalation tiers read from the database: region, parent region, the programme's
clusters, and the whole programme; clusters kept to one per region."""

import pytest

from pairaid.engine.tiers import CLUSTER, PARENT, PROGRAMME, REGION
from pairaid.errors import ValidationFailed
from pairaid.operations.queries.tiers import tier_of_move, tier_places
from pairaid.operations.services import facilities as facility_services
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant

pytestmark = pytest.mark.django_db


def recipient(programme, code: str) -> Participant:  # type: ignore[no-untyped-def]
    return Participant.objects.get(programme=programme, region__code=code, role="recipient")


@pytest.fixture
def sites(wenchuan):  # type: ignore[no-untyped-def]
    """Hospitals in Dujiangyan and Pengzhou (both under Chengdu), Shifang (Deyang) and Wenchuan
    County (Aba); a cluster holds Dujiangyan and Shifang."""
    hospitals = {
        code: facility_services.register_facility(
            recipient=recipient(wenchuan, code), name=f"People's Hospital {code}"
        )
        for code in ("510181", "510182", "510682", "513221")
    }
    hospitals["510181b"] = facility_services.register_facility(
        recipient=recipient(wenchuan, "510181"), name="Dujiangyan Medical Centre"
    )
    programme_services.create_cluster(
        programme=wenchuan,
        name="Longmen Shan south",
        recipients=[recipient(wenchuan, "510181"), recipient(wenchuan, "510682")],
    )
    return {code: f.pk for code, f in hospitals.items()}


@pytest.mark.parametrize(
    "origin, destination, tier",
    [
        ("510181", "510181b", REGION),  # two hospitals of Dujiangyan
        ("510181", "510182", PARENT),  # Dujiangyan and Pengzhou: both under Chengdu
        ("510181", "510682", CLUSTER),  # Chengdu to Deyang, within the cluster
        ("510182", "510682", PROGRAMME),  # Pengzhou is in no cluster
        ("510181", "513221", PROGRAMME),  # Wenchuan County: another prefecture, no cluster
    ],
)
def test_the_tier_of_a_move(wenchuan, sites, origin, destination, tier):
    places = tier_places(wenchuan)
    assert tier_of_move(places, sites[origin], sites[destination]) == tier
    assert tier_of_move(places, sites[destination], sites[origin]) == tier


def test_a_region_is_in_at_most_one_cluster(wenchuan, sites):
    with pytest.raises(ValidationFailed, match="already in the cluster 'Longmen Shan south'"):
        programme_services.create_cluster(
            programme=wenchuan, name="Another", recipients=[recipient(wenchuan, "510181")]
        )


def test_renaming_and_regrouping_a_cluster_moves_the_tiers(wenchuan, sites):
    cluster = wenchuan.clusters.get()
    programme_services.edit_cluster(
        cluster=cluster,
        name="Chengdu plain",
        recipients=[recipient(wenchuan, "510182"), recipient(wenchuan, "510682")],
    )
    places = tier_places(wenchuan)
    assert tier_of_move(places, sites["510181"], sites["510682"]) == PROGRAMME
    assert tier_of_move(places, sites["510182"], sites["510682"]) == CLUSTER
    programme_services.delete_cluster(cluster=cluster)
    assert tier_of_move(tier_places(wenchuan), sites["510182"], sites["510682"]) == PROGRAMME


@pytest.mark.parametrize(
    "name, members, column",
    [
        ("", ["510182"], "name"),
        ("x" * 101, ["510182"], "name"),
        ("Longmen Shan south", ["510182"], "name"),  # the name is taken
    ],
)
def test_bad_clusters_are_refused_naming_the_field(wenchuan, sites, name, members, column):
    with pytest.raises(ValidationFailed) as refused:
        programme_services.create_cluster(
            programme=wenchuan,
            name=name,
            recipients=[recipient(wenchuan, code) for code in members],
        )
    assert [p.column for p in refused.value.problems] == [column]


def test_a_donor_or_another_programmes_recipient_is_no_member(wenchuan, hubei, sites):
    donor = Participant.objects.filter(programme=wenchuan, role="donor").first()
    hubei_recipient = recipient(hubei, "421100")
    for outsider in (donor, hubei_recipient):
        with pytest.raises(ValidationFailed, match="is not a recipient of wenchuan-2008"):
            programme_services.create_cluster(
                programme=wenchuan, name="Mixed", recipients=[outsider]
            )
