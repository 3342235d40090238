"""The contacts of participants (phone and e-mail only for members with a role)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.errors import Forbidden
from pairaid.forms import submitted
from pairaid.operations.forms import Actor, ContactEditForm, ContactForm
from pairaid.operations.models import Contact
from pairaid.operations.queries import contacts as contact_queries
from pairaid.operations.queries import handover
from pairaid.operations.services import contacts as contact_services
from pairaid.web.editing import edit_page


@member_required
def contacts(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = ContactForm(request.POST or None, actor=Actor(request.user, programme))
    editable = form.offered("participant")
    if request.method == "POST":
        if not editable:
            raise Forbidden(_("Only the participants' officers and coordinators add contacts."))
        added = submitted(
            form,
            lambda data: contact_services.add_contact(
                programme=programme,
                participant=data["participant"],
                name=data["name"],
                role=data["role"],
                phone=data["phone"],
                email=data["email"],
            ),
        )
        if added:
            messages.success(request, _("Contact added."))
            return redirect("operations:contacts", slug=slug)
    rows = contact_queries.contacts(programme)
    return render(
        request,
        "operations/contacts.html",
        {
            "programme": programme,
            "contacts": rows,
            "left_behind": handover.flags_of(programme, handover.Kind.CONTACT),
            "editable": editable,
            "keepable": {
                c.pk for c in rows if contact_queries.can_keep(request.user, programme, c)
            },
            "show_contacts": contact_queries.shows_details(request.user, programme),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@member_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    """Correct a contact's name, role, phone or e-mail (against the version the editor saw)."""
    programme = permissions.programme_for(request.user, slug)
    contact = get_object_or_404(
        Contact.objects.select_related("participant", "team__donor", "facility__recipient"),
        pk=contact_id,
        programme=programme,
    )
    contact_queries.check_keeper(request.user, programme, contact)
    form = ContactEditForm(request.POST or None, initial=ContactEditForm.initial_of(contact))
    return edit_page(
        request,
        programme=programme,
        form=form,
        title=_("Edit contact %(name)s") % {"name": contact.name},
        back=reverse("operations:contacts", args=[slug]),
        save=lambda data: contact_services.edit_contact(
            contact=contact,
            seen=data["version"],
            name=data["name"],
            role=data["role"],
            phone=data["phone"],
            email=data["email"],
        ),
    )
