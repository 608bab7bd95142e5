from django.urls import path

from inbox import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.inbox_new, name="inbox_new"),
    path("bulk/", views.bulk_status, name="inbox_bulk"),
    path("trends/", views.trends, name="inbox_trends"),
    path("alerts/", views.alerts, name="inbox_alerts"),
    path("alerts/<int:pk>/acknowledge/", views.alert_ack, name="inbox_alert_ack"),
    path("settings/", views.inbox_settings, name="inbox_settings"),
    path("settings/<str:kind>/<int:pk>/delete/", views.inbox_settings_delete,
         name="inbox_settings_delete"),
    path("settings/<str:kind>/<int:pk>/edit/", views.inbox_settings_edit,
         name="inbox_settings_edit"),
    path("settings/privacy/", views.inbox_privacy, name="inbox_privacy"),
    path("<int:pk>/", views.item_detail, name="inbox_item"),
    path("<int:pk>/assign/", views.item_assign, name="inbox_item_assign"),
    path("<int:pk>/status/", views.item_status, name="inbox_item_status"),
    path("<int:pk>/flags/", views.item_flags, name="inbox_item_flags"),
    path("<int:pk>/snooze/", views.item_snooze, name="inbox_item_snooze"),
    path("<int:pk>/note/", views.item_note, name="inbox_item_note"),
    path("<int:pk>/sentiment/", views.item_sentiment, name="inbox_item_sentiment"),
    path("<int:pk>/hide/", views.item_hide, name="inbox_item_hide"),
    path("<int:pk>/reply/", views.item_reply, name="inbox_item_reply"),
    path("<int:pk>/replies/<int:reply_id>/", views.reply_state, name="inbox_reply_state"),
    path("<int:pk>/replies/<int:reply_id>/retry/", views.reply_retry, name="inbox_reply_retry"),
    path("<int:pk>/replies/<int:reply_id>/decide/", views.reply_decide,
         name="inbox_reply_decide"),
    path("<int:pk>/avatar/", views.avatar, name="inbox_avatar"),
]
