from django.urls import path

from pairaid.situation import views

app_name = "situation"

urlpatterns = [
    path("p/<slug:slug>/situation-reports/", views.archive, name="reports"),
    path("p/<slug:slug>/situation-reports/issue", views.issue, name="issue"),
    path("p/<slug:slug>/situation-reports/subscription", views.subscription, name="subscription"),
    path("p/<slug:slug>/situation-reports/<int:number>/", views.report, name="report"),
    path("p/<slug:slug>/situation-reports/<int:number>.pdf", views.pdf, name="pdf"),
]
