from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from pairaid.accounts import permissions
from pairaid.pairing import levels
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme
from pairaid.web import health


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health.report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@never_cache
def healthz_work(request: HttpRequest) -> JsonResponse:
    report = health.work_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def home(request: HttpRequest) -> HttpResponse:
    visible = permissions.visible_programmes(request.user)
    summaries = programme_services.summaries(
        Programme.objects.filter(pk__in=visible.values("pk")), levels.participant_counts
    )
    return render(request, "web/home.html", {"programmes": summaries})
