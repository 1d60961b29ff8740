"""Bounded row counts for the lists (API and web): exact up to a bound, then "more than N".

A list at national scale must not count a million rows to print "1 234 567": it counts at
most `KHEO_LIST_COUNT_BOUND` + 1 rows (`SELECT COUNT(*) FROM (SELECT … LIMIT N + 1)`),
so the cost is bounded whatever the size of the table.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet


@dataclass(frozen=True)
class BoundedCount:
    """`value` rows, exactly when `exact`; otherwise there are more than `value` (the bound)."""

    value: int
    exact: bool


def count_bounded(queryset: QuerySet) -> BoundedCount:
    """One statement: the rows of `queryset` counted up to the bound."""
    bound = settings.KHEO_LIST_COUNT_BOUND
    counted = queryset.order_by().values("pk")[: bound + 1].count()
    return BoundedCount(value=min(counted, bound), exact=counted <= bound)
