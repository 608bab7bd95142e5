from analytics.views.dashboard import dashboard, target_history
from analytics.views.exports import export_csv, report_pdf
from analytics.views.hashtags import hashtag_ideas
from analytics.views.links import link_switch, links
from analytics.views.settings import analytics_settings_view
from analytics.views.utm import utm_preview

__all__ = ["analytics_settings_view", "dashboard", "export_csv", "hashtag_ideas", "link_switch",
           "links",
           "report_pdf", "target_history", "utm_preview"]
