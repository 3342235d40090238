from django.urls import path

from pairaid.assessment import views

app_name = "assessment"

urlpatterns = [
    path("p/<slug:slug>/assessments/", views.assessments, name="assessments"),
    path("p/<slug:slug>/assessments/<int:year>/", views.assessment, name="assessment"),
    path(
        "p/<slug:slug>/assessments/<int:year>/reviews/<int:review_id>/",
        views.review,
        name="review",
    ),
    path(
        "p/<slug:slug>/assessments/<int:year>/reviews/<int:review_id>/cross-checker",
        views.assign_cross_checker,
        name="cross_checker",
    ),
    path(
        "p/<slug:slug>/assessments/<int:year>/reviews/<int:review_id>/steps/<str:name>",
        views.take_step,
        name="step",
    ),
]
