"""Where each of a programme's facilities stands for escalation (`engine.tiers`): its recipient
region, that region's parent and the programme's cluster holding it, as database ids."""

from pairaid.engine.tiers import TierPlace, tier_between
from pairaid.operations.models import Facility
from pairaid.programmes.models import ClusterMember, Programme


def tier_places(programme: Programme) -> dict[int, TierPlace[int]]:
    """Each facility of the programme by id, with its place for the tier rule (two queries):
    what the placement recommender's input and the pages read tiers from."""
    cluster_of = dict(
        ClusterMember.objects.filter(cluster__programme=programme).values_list(
            "recipient_id", "cluster_id"
        )
    )
    facilities = Facility.objects.filter(programme=programme).select_related("recipient__region")
    return {
        f.pk: TierPlace(
            region=f.recipient.region_id,
            parent=f.recipient.region.parent_id,
            cluster=cluster_of.get(f.recipient_id),
        )
        for f in facilities
    }


def tier_of_move(places: dict[int, TierPlace[int]], origin_id: int, destination_id: int) -> int:
    """The tier of a move between two facilities of `tier_places`; KeyError for a facility
    that is not the programme's."""
    return tier_between(places[origin_id], places[destination_id])
