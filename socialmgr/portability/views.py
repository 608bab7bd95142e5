"""Settings → Organisation → "Download export" (owners only)."""

import tempfile

from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.tenancy import org_view
from socialmgr.portability.exporter import export_organization


@org_view("org.export")
@require_POST
def organization_export(request):
    """The whole organisation as a zip archive (docs/data-export.md), recorded in the audit log.

    POST, so that a link on another site cannot make an owner's browser start one."""
    org = request.organization
    # On disk rather than in memory: media libraries can be large.
    archive = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 (FileResponse closes it)
    with transaction.atomic():
        manifest = export_organization(org, archive)
        audit_record(organization=org, actor=request.user, verb="accounts.organization.exported",
                     target=org, details={"rows": sum(e["count"] for e in
                                                      manifest["entities"].values()),
                                          "media": manifest["media"]["count"]},
                     request=request)
    archive.seek(0)
    name = f"socialmgr-{org.slug}-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(archive, as_attachment=True, filename=name,
                        content_type="application/zip")
