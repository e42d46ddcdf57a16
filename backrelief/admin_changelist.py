"""The admin's lists, with Django ticket #37357 fixed: remove once a 5.2 release has it.

Django 5.2.19 turns a date drill-down a year past the calendar's end
(`?started_at__year=9999`: the year after is out of range) or a year too big
for a date into an unhandled exception, a server error. Upstream now reports
it as a bad filter, which the list shows as "?e=1"; so does this.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class DateHierarchyChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class DateHierarchyFixMixin:
    """For a ModelAdmin with a `date_hierarchy`."""

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList
