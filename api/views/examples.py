"""OpenAPI examples shared by the endpoint docs."""

from drf_spectacular.utils import OpenApiExample

TARGET = {"id": 31, "post": 12, "account": 7, "text": "", "effective_text": "Spring sale!",
          "status": "scheduled", "attempts": 0, "next_attempt_at": "2026-12-01T09:00:00Z",
          "published_at": None, "remote_id": "", "remote_url": "", "last_error": "",
          "media": [{"id": 5, "alt_text": "A red bicycle", "position": 0}],
          "updated_at": "2026-11-20T10:00:00Z"}

POST = {"id": 12, "title": "Spring sale", "text": "Spring sale!", "status": "scheduled",
        "delivery_status": "", "phase": "scheduled",
        "actions": ["cancel", "comment", "duplicate", "edit", "publish_now", "reschedule",
                    "retry_target", "unschedule"],
        "is_overdue": False, "scheduled_at": "2026-12-01T09:00:00Z",
        "timezone": "Europe/Berlin", "link_url": "", "notes": "",
        "labels": [{"id": 2, "name": "Campaign", "colour": "#64748b"}],
        "targets": [TARGET], "version": 3, "author": 4,
        "created_at": "2026-11-20T09:58:00Z", "updated_at": "2026-11-20T10:00:00Z"}

POST_RESPONSE = OpenApiExample("A scheduled post", value=POST, response_only=True)

POST_CREATE = OpenApiExample(
    "A draft for two accounts", request_only=True,
    value={"title": "Spring sale", "text": "Spring sale!",
           "targets": [{"account": 7}, {"account": 8, "text": "Spring sale! #bikes"}],
           "media": [{"id": 5, "alt_text": "A red bicycle"}], "labels": [2],
           "scheduled_at": "2026-12-01T10:00:00+01:00", "timezone": "Europe/Berlin"})

POST_UPDATE = OpenApiExample(
    "Change the text", request_only=True, value={"version": 3, "text": "Spring sale – 20 % off!"})

VALIDATION_ERROR = OpenApiExample(
    "Invalid input", response_only=True, status_codes=["400"],
    value={"detail": "Invalid input.", "code": "invalid",
           "errors": {"targets": [{"code": "required", "message": "This field is required."}]}})

CONFLICT = OpenApiExample(
    "Changed by someone else", response_only=True, status_codes=["409"],
    value={"detail": "Someone else changed this post while you were editing it. Reload to see "
                     "their changes, then apply yours again.", "code": "conflict"})

REFUSED = OpenApiExample(
    "Approval required", response_only=True, status_codes=["422"],
    value={"detail": "Approval is required: submit the post for approval.",
           "code": "not_approved"})

INBOX_ITEM = {"id": 90, "account": 7, "kind": "comment", "remote_id": "109876",
              "parent": None, "author_handle": "@jo@example.social", "author_name": "Jo",
              "text": "When does the sale end?", "url": "https://example.social/@jo/109876",
              "created_at": "2026-11-20T10:05:00Z", "status": "open", "assignee": None,
              "labels": [], "urgent": False, "sentiment": "neutral",
              "sentiment_score": 0.0, "sentiment_corrected": False, "snoozed_until": None}
