"""The contacts of participants (phone and e-mail only for members with a role)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.operations.models import Contact
from pairaid.operations.services import contacts as contact_services
from pairaid.operations.views.common import choices, whole_number
from pairaid.programmes.models import Participant


@member_required
def contacts(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    editable = choices(
        request.user, programme, Participant.Role.DONOR, Action.MANAGE_TEAMS
    ) + choices(request.user, programme, Participant.Role.RECIPIENT, Action.MANAGE_FACILITIES)
    if request.method == "POST":
        participant = get_object_or_404(
            Participant,
            pk=whole_number(request.POST.get("participant", ""), "participant") or 0,
            programme=programme,
        )
        action = (
            Action.MANAGE_TEAMS
            if participant.role == Participant.Role.DONOR
            else Action.MANAGE_FACILITIES
        )
        permissions.check(request.user, action, programme, participant.region_id)
        contact_services.add_contact(
            programme=programme,
            participant=participant,
            name=request.POST.get("name", "").strip(),
            role=request.POST.get("role", "").strip(),
            phone=request.POST.get("phone", "").strip(),
            email=request.POST.get("email", "").strip(),
        )
        messages.success(request, _("Contact added."))
        return redirect("operations:contacts", slug=slug)
    rows = Contact.objects.filter(programme=programme).select_related(
        "participant__region", "team", "facility"
    )
    return render(
        request,
        "operations/contacts.html",
        {
            "programme": programme,
            "contacts": rows,
            "editable": editable,
            "show_contacts": permissions.can(request.user, Action.VIEW_CONTACTS, programme),
        },
    )
