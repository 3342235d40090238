from django.urls import path

from pairaid.pairing import views

app_name = "pairing"
urlpatterns = [
    path("p/<slug:slug>/plan/", views.workspace, name="workspace"),
    path("p/<slug:slug>/plan/tradeoff", views.tradeoff_fragment, name="tradeoff"),
    path("p/<slug:slug>/plan/runs/<int:number>/", views.run_detail, name="run"),
    path("p/<slug:slug>/plan/runs/<int:number>/status", views.run_status, name="run_status"),
    path("p/<slug:slug>/plan/runs/<int:number>/approve", views.approve, name="approve"),
    path("p/<slug:slug>/plan/runs/<int:number>/discard", views.discard, name="discard"),
    path("p/<slug:slug>/plan/runs/<int:number>/revert", views.revert, name="revert"),
    path("p/<slug:slug>/plan/runs/<int:number>/replay", views.replay, name="replay"),
    path("p/<slug:slug>/plan/runs/<int:number>/retry", views.retry, name="retry"),
    path("p/<slug:slug>/plan/runs/<int:number>/plan.xlsx", views.run_xlsx, name="run_xlsx"),
    path("p/<slug:slug>/notices/", views.notice_list, name="notices"),
    path("p/<slug:slug>/phases/", views.phases, name="phases"),
    path("p/<slug:slug>/notices/publish", views.publish, name="publish"),
    path("p/<slug:slug>/notices/<int:number>/", views.notice_detail, name="notice"),
    path(
        "p/<slug:slug>/notices/<int:number>.<str:kind>",
        views.notice_file,
        name="notice_file",
    ),
]
