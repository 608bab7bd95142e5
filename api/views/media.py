"""Media library: uploads go through the same validation service as the UI's."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.pagination import NewestFirstCursorPagination
from api.serializers.media import MediaAssetSerializer, MediaUploadSerializer
from api.views.base import OrgViewSet
from content.models import MediaAsset
from content.services.media import media_upload

MEDIA_EXAMPLE = OpenApiExample(
    "An uploaded image", response_only=True,
    value={"id": 5, "kind": "image", "content_type": "image/jpeg",
           "original_name": "bike.jpg", "width": 1600, "height": 1200, "size": 183202,
           "alt_text": "A red bicycle", "source": "", "licence": "CC BY 4.0",
           "attribution": "Jo Doe", "folder": "", "tags": "", "created_at":
           "2026-11-20T09:50:00Z", "url": "https://social.example.com/media/media/1/ab12.jpg"})


@extend_schema_view(
    list=extend_schema(summary="List media", examples=[MEDIA_EXAMPLE]),
    retrieve=extend_schema(summary="Get a media file", examples=[MEDIA_EXAMPLE]),
    create=extend_schema(
        summary="Upload a media file", request={"multipart/form-data": MediaUploadSerializer},
        responses={201: MediaAssetSerializer},
        description="multipart/form-data. The file is checked by its content (broken, "
                    "truncated or oversized images and decompression bombs are refused with "
                    "422); GPS data is removed.",
        examples=[MEDIA_EXAMPLE]),
)
class MediaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    serializer_class = MediaAssetSerializer
    pagination_class = NewestFirstCursorPagination
    parser_classes = [MultiPartParser, FormParser]
    perms = {"list": "post.view", "retrieve": "post.view", "create": "media.edit"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MediaAsset.objects.none()
        return MediaAsset.objects.for_org(self.organization)

    def create(self, request):
        upload = MediaUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        d = dict(upload.validated_data)
        asset = media_upload(organization=self.organization, actor=self.actor,
                             upload=d.pop("file"), **d)
        return Response(self.get_serializer(asset).data, status=status.HTTP_201_CREATED)
