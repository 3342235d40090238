from django.urls import path

from pairaid.conversations import views

app_name = "conversations"

urlpatterns = [
    path("p/<slug:slug>/threads/", views.threads, name="threads"),
    path("p/<slug:slug>/threads/<str:kind>/<str:key>/", views.thread, name="thread"),
    path("p/<slug:slug>/messages/<int:message_id>/edit", views.edit_message, name="edit_message"),
    path("p/<slug:slug>/attachments/<int:attachment_id>", views.attachment, name="attachment"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read", views.mark_read, name="mark_all_read"),
    path("inbox/<int:notification_id>/read", views.mark_read, name="mark_read"),
    path("inbox/count", views.inbox_count, name="inbox_count"),
    path("inbox/preferences", views.notification_preferences, name="preferences"),
    path("p/<slug:slug>/deliveries/failed", views.failed_deliveries, name="failed_deliveries"),
]
