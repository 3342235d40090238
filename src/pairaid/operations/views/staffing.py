"""The programme's care-ratio table: every member reads it, coordinators change it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.forms import submitted
from pairaid.operations.forms import CareRatiosForm
from pairaid.operations.models import BED_TYPE_CHOICES, COUNTS_CHOICES
from pairaid.operations.queries import staffing as staffing_queries
from pairaid.operations.services import staffing as staffing_services


@member_required
def care_ratios(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    editable = permissions.can(request.user, Action.EDIT_CARE_RATIOS, programme)
    if request.method == "POST":
        permissions.check(request.user, Action.EDIT_CARE_RATIOS, programme)
    rows = staffing_queries.ratio_rows(programme)
    form = CareRatiosForm(request.POST or None, initial=CareRatiosForm.initial_of(rows))
    if form.is_bound and submitted(
        form,
        lambda _data: staffing_services.set_care_ratios(
            programme=programme,
            rows={
                bed_type: staffing_services.RatioFigures(
                    line["doctors_per_bed"],
                    line["nurses_per_bed"],
                    line["counts"] or "headcount",
                    line["source"] or None,
                )
                for bed_type, line in form.rows().items()
            },
        ),
    ):
        messages.success(request, _("Care ratios saved."))
        return redirect("operations:care_ratios", slug=slug)
    return render(
        request,
        "operations/care_ratios.html",
        {
            "programme": programme,
            "rows": rows,
            "bed_labels": dict(BED_TYPE_CHOICES),
            "counts_labels": dict(COUNTS_CHOICES),
            "form": form,
            "editable": editable,
        },
        status=400 if form.is_bound else 200,
    )
