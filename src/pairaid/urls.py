from django.contrib import admin
from django.urls import path

from pairaid.web import views

admin.site.site_header = "PairAid administration"
admin.site.site_title = "PairAid"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
