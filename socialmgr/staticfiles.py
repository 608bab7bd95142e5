"""The production static-files storage: WhiteNoise's compressed manifest storage, with each
name's URL looked up once per process.

A page asks for 20–40 static URLs (`{% static %}`, icons); each look-up in the manifest
storage cleans, splits, unquotes and joins the name again. The manifest cannot change while
the process runs (collectstatic runs before it starts), so the answer is kept.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:  # DEBUG serves unhashed names (and may be switched on)
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
