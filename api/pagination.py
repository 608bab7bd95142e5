"""Cursor pagination: stable under inserts, and page N costs what page 1 costs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    ordering = ("-created_at", "-id")
    invalid_cursor_message = _("Invalid cursor.")

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            # A malformed cursor is bad input (400), not a missing resource.
            raise exceptions.ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}) from None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and (not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size):
            raise exceptions.ValidationError({self.page_size_query_param: [
                _("Enter a whole number from 1 to %(max)s.") % {"max": self.max_page_size}]})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size,
                                           default=self.page_size)
        return parameters
