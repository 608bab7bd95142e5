from django.urls import path

from analytics import views

urlpatterns = [
    path("", views.dashboard, name="analytics"),
    path("export/<slug:table>.csv", views.export_csv, name="analytics_csv"),
    path("report.pdf", views.report_pdf, name="analytics_pdf"),
    path("posts/<int:pk>/", views.target_history, name="analytics_target"),
    path("settings/", views.analytics_settings_view, name="analytics_settings"),
    path("links/", views.links, name="analytics_links"),
    path("links/<int:pk>/switch/", views.link_switch, name="analytics_link_switch"),
    path("hashtag-ideas/", views.hashtag_ideas, name="analytics_hashtag_ideas"),
    path("utm-preview/", views.utm_preview, name="analytics_utm_preview"),
]
