from __future__ import annotations

from rest_framework import serializers

from api.serializers.common import TextField
from content.models import MediaAsset, MediaKind


class MediaAssetSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=MediaKind.choices, read_only=True)

    class Meta:
        model = MediaAsset
        fields = ["id", "kind", "content_type", "original_name", "width", "height", "size",
                  "alt_text", "source", "licence", "attribution", "folder", "tags", "url",
                  "created_at"]
        read_only_fields = fields

    def get_url(self, asset) -> str:
        request = self.context.get("request")
        url = asset.file.url
        return request.build_absolute_uri(url) if request else url


class MediaUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG, GIF, WebP, MP4 or MOV. Checked by "
                                           "content, like uploads in the media library.")
    alt_text = TextField("alt_text", required=False, allow_blank=True, default="")
    source = TextField("name", required=False, allow_blank=True, default="", max_length=300)
    licence = TextField("name", required=False, allow_blank=True, default="", max_length=120)
    attribution = TextField("name", required=False, allow_blank=True, default="", max_length=300)
    folder = TextField("name", required=False, allow_blank=True, default="", max_length=120)
    tags = TextField("name", required=False, allow_blank=True, default="", max_length=300)
