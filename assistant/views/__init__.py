from assistant.views.settings import assistant_settings_view
from assistant.views.suggest import alt_text_suggestion, composer_suggestion, reply_suggestion

__all__ = ["alt_text_suggestion", "assistant_settings_view", "composer_suggestion",
           "reply_suggestion"]
