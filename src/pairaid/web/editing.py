"""The page that edits one record in place, against the version its editor saw
(`pairaid.edits`): the same for a facility, a team, a contact, a request and a participant's
line."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pairaid.edits import EditConflict
from pairaid.errors import ValidationFailed
from pairaid.forms import EditForm, show_refusal
from pairaid.programmes.models import Programme


def edit_page(
    request: HttpRequest,
    *,
    programme: Programme,
    form: EditForm,
    title: str,
    back: str,
    save: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """GET shows the form with the record's values. POST saves them through `save` (a service's
    edit) and returns to `back`. If the record changed since the form was opened, the page says
    who changed what and keeps the editor's values; it now carries the current version, so that
    saving again is a decision taken with the changes in view (409)."""
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except EditConflict as refused:
            conflict = refused
            data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict
            data["version"] = str(refused.current)
            form.data = data
        except ValidationFailed as failure:
            show_refusal(form, failure)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    status = 200 if request.method != "POST" else 409 if conflict else 400
    context = {
        "programme": programme,
        "form": form,
        "title": title,
        "back": back,
        "conflict": conflict,
    }
    return render(request, "web/edit.html", context, status=status)
