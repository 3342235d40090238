"""Reading the archive: the reports by number, each number's revisions."""

from django.db.models import QuerySet

from pairaid.programmes.models import Programme
from pairaid.situation.models import SituationReport


def archive(programme: Programme) -> QuerySet[SituationReport]:
    """Every revision of every report, newest number first, its revisions newest first."""
    return SituationReport.objects.filter(programme=programme).order_by("-number", "-revision")


def revisions(programme: Programme, number: int) -> QuerySet[SituationReport]:
    return archive(programme).filter(number=number)


def revision(programme: Programme, number: int, revision: int | None) -> SituationReport | None:
    """A report's revision, the latest where none is named."""
    found = revisions(programme, number)
    if revision is not None:
        found = found.filter(revision=revision)
    return found.select_related("programme").first()
