"""The escalation tier rule: the lowest tier whose scope holds both facilities."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.engine.tiers import CLUSTER, PARENT, PROGRAMME, REGION, TierPlace, tier_between

WUHAN = TierPlace(region="420100", parent="420000", cluster="east")
HUANGGANG = TierPlace(region="421100", parent="420000", cluster="east")
XIAOGAN = TierPlace(region="420900", parent="420000", cluster=None)
CHANGSHA = TierPlace(region="430100", parent="430000", cluster="east")
NANCHANG = TierPlace(region="360100", parent="360000", cluster=None)


def test_within_one_region_is_tier_1():
    other_hospital_in_wuhan = TierPlace(region="420100", parent="420000", cluster="east")
    assert tier_between(WUHAN, other_hospital_in_wuhan) == REGION


def test_within_one_province_is_tier_2_even_when_clusters_differ():
    assert tier_between(WUHAN, HUANGGANG) == PARENT
    assert tier_between(WUHAN, XIAOGAN) == PARENT


def test_a_cluster_across_provinces_is_tier_3():
    assert tier_between(WUHAN, CHANGSHA) == CLUSTER


def test_nothing_in_common_is_the_whole_programme():
    assert tier_between(WUHAN, NANCHANG) == PROGRAMME


def test_missing_parents_and_clusters_match_nothing():
    # Two regions at the top of a country, in no cluster: None is not a shared scope.
    hubei = TierPlace(region="420000")
    hunan = TierPlace(region="430000")
    assert tier_between(hubei, hunan) == PROGRAMME


places = st.builds(
    TierPlace,
    region=st.sampled_from("abcd"),
    parent=st.none() | st.sampled_from("PQ"),
    cluster=st.none() | st.sampled_from("XY"),
)


# No timing check: on a machine busy with other work, drawing even these small places is slow.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(places, places)
def test_the_tier_is_symmetric_and_names_a_shared_scope(origin, destination):
    tier = tier_between(origin, destination)
    assert tier == tier_between(destination, origin)
    shared = {
        REGION: origin.region == destination.region,
        PARENT: origin.parent is not None and origin.parent == destination.parent,
        CLUSTER: origin.cluster is not None and origin.cluster == destination.cluster,
        PROGRAMME: True,
    }
    # The tier is a scope both share, and no lower tier is shared.
    assert shared[tier]
    assert not any(shared[lower] for lower in range(REGION, tier))
