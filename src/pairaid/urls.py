from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from pairaid.accounts import auth_views as account_auth_views
from pairaid.accounts import language
from pairaid.api import api
from pairaid.web import views

admin.site.site_header = "PairAid administration"
admin.site.site_title = "PairAid"

urlpatterns = [
    path("", views.home, name="home"),
    path("api/v1/", api.urls),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/work", views.healthz_work, name="healthz_work"),
    path("favicon.ico", RedirectView.as_view(url=static("pairaid/favicon.svg"), permanent=True)),
    path("accounts/login/", account_auth_views.login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/2fa/", account_auth_views.enrol, name="second_factor_enrol"),
    path("accounts/2fa/verify/", account_auth_views.verify, name="second_factor_verify"),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("", include("pairaid.dashboard.urls")),
    path("", include("pairaid.programmes.urls")),
    path("", include("pairaid.pairing.urls")),
    path("", include("pairaid.foresight.urls")),
    path("", include("pairaid.accounts.urls")),
    path("", include("pairaid.operations.urls")),
    path("", include("pairaid.conversations.urls")),
    path("", include("pairaid.situation.urls")),
    path("", include("pairaid.projects.urls")),
    path("", include("pairaid.assessment.urls")),
    path("", include("pairaid.registry.urls")),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("admin/", admin.site.urls),
]
