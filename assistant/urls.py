from django.urls import path

from assistant import views

urlpatterns = [
    path("settings/assistant/", views.assistant_settings_view, name="assistant_settings"),
    path("assistant/compose/", views.composer_suggestion, name="assistant_compose"),
    path("assistant/reply/<int:pk>/", views.reply_suggestion, name="assistant_reply"),
    path("assistant/alt-text/<int:pk>/", views.alt_text_suggestion, name="assistant_alt_text"),
]
