from __future__ import annotations

from rest_framework import serializers

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
    alt_text = serializers.CharField(required=False, allow_blank=True, default="",
                                     max_length=1500)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    licence = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    attribution = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=300)
    folder = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    tags = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
