from __future__ import annotations

from rest_framework import serializers

from accounts.models import AccountStatus, ConnectedAccount
from api.serializers.common import PlatformUrlField


class ConnectedAccountSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="Custom name, else display name.")
    # Blank when unknown, so a plain string (format "uri" would reject "").
    avatar_url = PlatformUrlField()
    status = serializers.ChoiceField(choices=AccountStatus.choices, read_only=True)

    class Meta:
        model = ConnectedAccount
        fields = ["id", "provider", "handle", "display_name", "name", "avatar_url", "status",
                  "created_at", "last_synced_at"]
        read_only_fields = fields
