"""Programme members (contacts shown as DESIGN.md §7 says), account creation and password resets
by coordinators within their scope, and the programme's change history."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pairaid.accounts import history, permissions
from pairaid.accounts import queries as account_queries
from pairaid.accounts import services as account_services
from pairaid.accounts.decorators import member_required
from pairaid.accounts.forms import AccountForm, PasswordResetForm
from pairaid.accounts.models import User
from pairaid.accounts.permissions import Action
from pairaid.forms import submitted


@member_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = AccountForm(request.POST or None, programme=programme)
    if request.method == "POST":
        permissions.check(request.user, Action.MANAGE_ACCOUNTS, programme)
        if submitted(
            form,
            lambda data: account_services.create_account(
                actor=request.user,
                programme=programme,
                username=data["username"],
                email=data["email"],
                role=data["role"],
                region=account_services.officer_region(data["region"]),
                facility=account_services.officer_facility(programme, data["facility"]),
                password=data["password"],
            ),
        ):
            messages.success(request, _("Account created."))
            return redirect("accounts:members", slug=slug)
    return render(
        request,
        "accounts/members.html",
        {
            "programme": programme,
            "memberships": account_queries.members(programme),
            "form": form,
            "can_manage": permissions.can(request.user, Action.MANAGE_ACCOUNTS, programme),
            "show_contacts": permissions.can(request.user, Action.VIEW_CONTACTS, programme),
        },
        status=400 if form.is_bound else 200,
    )


@member_required
@require_http_methods(["GET", "POST"])
def reset_password(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug, Action.MANAGE_ACCOUNTS)
    target = get_object_or_404(User, pk=user_id, memberships__programme=programme)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_services.reset_password(
            actor=request.user, target=target, password=form.cleaned_data["password"]
        )
        messages.success(request, _("Password reset for %(user)s.") % {"user": target.username})
        return redirect("accounts:members", slug=slug)
    return render(
        request,
        "accounts/reset_password.html",
        {
            "programme": programme,
            "target": target,
            "form": form,
            "allowed": account_services.may_manage_account(request.user, target),
        },
    )


@member_required
def change_history(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug, Action.VIEW_HISTORY)
    if request.GET.get("format") == "csv":
        response = HttpResponse(history.as_csv(programme), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-history.csv"'
        return response
    return render(
        request,
        "accounts/history.html",
        {"programme": programme, "entries": history.entries(programme)},
    )
