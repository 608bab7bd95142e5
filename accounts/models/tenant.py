from django.db import models


class TenantQuerySet(models.QuerySet):
    """Base queryset for tenant data: every lookup starts from the organisation."""

    org_field = "organization"

    def for_org(self, organization):
        return self.filter(**{self.org_field: organization})
