from django.urls import path

from pairaid.registry import views

app_name = "registry"
urlpatterns = [path("regions/<path:reference>/", views.region, name="region")]
