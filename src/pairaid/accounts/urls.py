from django.urls import path

from pairaid.accounts import views

app_name = "accounts"
urlpatterns = [
    path("p/<slug:slug>/members/", views.members, name="members"),
    path(
        "p/<slug:slug>/members/<int:user_id>/password", views.reset_password, name="reset_password"
    ),
    path("p/<slug:slug>/history/", views.change_history, name="history"),
]
