"""Ids taken from a URL, checked against the database's id range before any query."""

from django.db import connection


def id_is_storable(value) -> bool:
    """Whether `value` is an integer that fits the database's 64-bit id columns.

    SQLite raises OverflowError for a larger number instead of matching no row. Django
    guards plain integer columns against that, but not the one-to-one keys through
    which the process and task tables extend viewflow's, so a page or API call given
    such an id must answer 404 before it queries.
    """
    try:
        number = int(value)
    except (TypeError, ValueError):
        return False
    low, high = connection.ops.integer_field_range("BigIntegerField")
    return low <= number <= high
