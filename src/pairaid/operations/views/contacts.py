"""The contacts of participants (phone and e-mail only for members with a role)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.errors import Forbidden
from pairaid.forms import valid
from pairaid.operations.forms import Actor, ContactForm
from pairaid.operations.queries import contacts as contact_queries
from pairaid.operations.services import contacts as contact_services


@member_required
def contacts(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = ContactForm(request.POST or None, actor=Actor(request.user, programme))
    editable = form.offered("participant")
    if request.method == "POST":
        if not editable:
            raise Forbidden(_("Only the participants' officers and coordinators add contacts."))
        data = valid(form)
        contact_services.add_contact(
            programme=programme,
            participant=data["participant"],
            name=data["name"],
            role=data["role"],
            phone=data["phone"],
            email=data["email"],
        )
        messages.success(request, _("Contact added."))
        return redirect("operations:contacts", slug=slug)
    return render(
        request,
        "operations/contacts.html",
        {
            "programme": programme,
            "contacts": contact_queries.contacts(programme),
            "editable": editable,
            "show_contacts": contact_queries.shows_details(request.user, programme),
        },
    )
